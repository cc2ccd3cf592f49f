/** The report's evidence machinery: labels, pairing with committed full runs, criterion links, axis titles. */

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DType } from '../../core/index.ts';
import { wrapTitle } from '../../examples/lib/charts/base.ts';
import { loadCommitted } from '../../examples/lib/committed.ts';
import { criteriaHash, criterionLine, type Results, type RunResult } from '../../examples/lib/experiment.ts';
import { pairWithFull, verdictSource } from '../../examples/lib/report/evidence.ts';
import { reportHtml, verdictLabel } from '../../examples/lib/report.ts';
import type { Verdict } from '../../examples/lib/verdict.ts';

const verdict = (criterion: string, v: Verdict['verdict'], label?: string): Verdict => ({
  claim: 'C4',
  statement: 'a statement',
  criterion,
  numbers: { x: 1 },
  verdict: v,
  ...(label ? { label } : {}),
});

function run(mode: 'quick' | 'full', verdicts: Verdict[], dtype: DType = 'float64'): RunResult {
  const results: Results = {
    experiment: 'covariate-shift',
    title: 'T',
    claims: ['C4'],
    description: 'D',
    mode,
    seed: 0,
    dtype,
    command: 'npx tsx examples/covariate-shift.ts --quick',
    wallTimeSeconds: 12,
    fullModeTime: 'long',
    setup: { a: 1 },
    verdicts,
    figures: [],
    tables: [],
    timings: {},
    provenance: { commit: 'a'.repeat(40), dirty: false, date: '2026-12-01T17:00:00Z', machine: 'M', load: 1 },
    criteriaHash: criteriaHash(verdicts),
  };
  return { results, svgs: new Map(), dir: '' };
}

test('verdictLabel: the bare id for a single verdict, the label when a claim has several', () => {
  const a = verdict('c1', 'held', "Ioffe & Szegedy's Figure 1");
  const b = verdict('c2', 'held partly');
  assert.is(verdictLabel(a, [a]), 'C4');
  assert.is(verdictLabel(a, [a, b]), "C4 - Ioffe & Szegedy's Figure 1");
  assert.is(verdictLabel(b, [a, b]), 'C4 - verdict 2 of 2');
});

test('a committed full run decides only while its criteria match the code', () => {
  const quick = run('quick', [verdict('rule A', 'held partly')]);
  const fresh = run('full', [verdict('rule A', 'held')]);
  const stale = run('full', [verdict('rule B', 'did not hold')]);
  const [f] = pairWithFull([quick], new Map([['covariate-shift', fresh]]));
  assert.is(f!.fullState, 'fresh');
  assert.not.ok(verdictSource(f!).preliminary);
  const [s] = pairWithFull([quick], new Map([['covariate-shift', stale]]));
  assert.is(s!.fullState, 'stale');
  assert.ok(verdictSource(s!).preliminary);
  const [n] = pairWithFull([quick], new Map());
  assert.is(n!.fullState, 'none');
  const html = reportHtml(
    [quick],
    { mode: 'quick', seed: 0, dtype: 'float64', wallTimeSeconds: 1 },
    new Map([['covariate-shift', fresh]]),
  );
  assert.match(html, /full run of 2026-12-01/);
  assert.match(html, /<span class="v v-held">held<\/span> <span class="tag">full run<\/span>/);
  const staleHtml = reportHtml(
    [quick],
    { mode: 'quick', seed: 0, dtype: 'float64', wallTimeSeconds: 1 },
    new Map([['covariate-shift', stale]]),
  );
  assert.match(staleHtml, /decided by criteria that have changed since/);
  assert.match(staleHtml, /Preliminary: quick run only/);
});

test('the report says which dtype ran, in the header and per experiment, and when the full run used another', () => {
  const quick32 = run('quick', [verdict('rule A', 'held')], 'float32');
  const full64 = run('full', [verdict('rule A', 'held')]);
  const html = reportHtml(
    [quick32],
    { mode: 'quick', seed: 0, dtype: 'float32', wallTimeSeconds: 1 },
    new Map([['covariate-shift', full64]]),
  );
  assert.match(html, /This run: quick mode \([^)]*\), <b>float32<\/b> \(<code>--dtype float32<\/code>/);
  assert.match(html, /<th>this run \(quick, float32\)<\/th>/);
  assert.match(html, /\(this run: quick mode, float32, seed 0,/);
  assert.match(html, /Set-up used in this run \(quick mode, float32\)/);
  assert.match(html, /full run of 2026-12-01 in float64/);
  assert.match(html, /It ran in float64 and this run in float32/);
  const same = reportHtml(
    [run('quick', [verdict('rule A', 'held')])],
    { mode: 'quick', seed: 0, dtype: 'float64', wallTimeSeconds: 1 },
    new Map([['covariate-shift', full64]]),
  );
  assert.match(same, /This run: quick mode \([^)]*\), <b>float64<\/b> \(normgrad's default/);
  assert.not.match(same, /It ran in float/);
});

test('loadCommitted reads a results.json written before --dtype existed as float64', () => {
  const dir = mkdtempSync(join(tmpdir(), 'normgrad-committed-'));
  try {
    const { dtype: _d, ...old } = run('full', [verdict('rule A', 'held')]).results;
    const new32 = run('full', [verdict('rule A', 'held')], 'float32').results;
    for (const [name, r] of [
      ['old', old],
      ['new', { ...new32, experiment: 'new' }],
    ] as const) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'results.json'), JSON.stringify(r));
    }
    const committed = loadCommitted(dir);
    assert.is(committed.get('old')!.results.dtype, 'float64');
    assert.is(committed.get('new')!.results.dtype, 'float32');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('criteriaHash changes with any criterion text; criterionLine finds the line that holds it', () => {
  assert.is.not(criteriaHash([verdict('rule A', 'held')]), criteriaHash([verdict('rule A.', 'held')]));
  const src = [
    'const X = 1;',
    'const C_CRITERION =',
    "  'Drift of a unit is the largest move of ' +",
    '  `its percentile $' + '{X}`;',
  ].join('\n');
  assert.is(
    criterionLine('e', src, 'Drift of a unit is the largest move of its percentile 1'),
    'examples/e.ts#L3',
  );
  assert.is(criterionLine('e', src, 'nothing like it anywhere in the file'), 'examples/e.ts#L2');
});

test('wrapTitle splits long axis titles in two lines at the middle space', () => {
  assert.is(wrapTitle('loss (nats)'), 'loss (nats)');
  assert.equal(wrapTitle('test digits whose predicted class changes (%)'), [
    'test digits whose predicted',
    'class changes (%)',
  ]);
});

test.run();
