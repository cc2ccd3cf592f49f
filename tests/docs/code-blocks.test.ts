/**
 * Every code block of the README and docs/ runs (or says why it cannot), and
 * every `// =>` comment matches what its line printed: the docs cannot rot.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { documentedFiles, expectations, extractBlocks, runBlock } from './blocks.ts';

const RUNNABLE = new Set(['ts', 'typescript']);

for (const file of documentedFiles()) {
  for (const block of extractBlocks(file)) {
    const where = `${file}:${block.line}`;
    if (block.notRun !== null) {
      test(`${where} (${block.lang || 'no language'}) is marked not run, with a reason`, () => {
        assert.ok(block.notRun!.length >= 10, `${where}: the reason must say why ("${block.notRun}")`);
      });
      continue;
    }
    test(`${where} runs`, async () => {
      assert.ok(
        RUNNABLE.has(block.lang),
        `${where}: a \`\`\`${block.lang} block must be TypeScript or be marked <!-- not run: reason --> on the line before it`,
      );
      const printed = await runBlock(block);
      for (const [line, want] of expectations(block.code)) {
        const got = printed.get(line);
        assert.ok(got !== undefined, `${where}: block line ${line} printed nothing (expected ${want})`);
        assert.is(got[0], want, `${where}: block line ${line}`);
      }
    });
  }
}

test.run();
