import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { reportHtml } from '../../examples/lib/report.ts';

test('the report points to the lab: the command that serves it and out/lab/index.html, relative to out/report.html', () => {
  const html = reportHtml([], { mode: 'quick', seed: 0, dtype: 'float64', wallTimeSeconds: 1 });
  assert.match(html, '<code>npm run lab</code>');
  assert.match(html, '<a href="lab/index.html">out/lab/index.html</a>');
});

test.run();
