/**
 * Every registered experiment, in tiny mode, writes results.json with a verdict
 * for each of its claims and SVG figures that are SVG; the same seed gives the
 * same results; run-all writes a self-contained report.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getDefaultDtype, setDefaultDtype, zeros } from '../../core/index.ts';
import { loadCommitted } from '../../examples/lib/committed.ts';
import { type Experiment, type Results, runExperiment } from '../../examples/lib/experiment.ts';
import { experiments } from '../../examples/registry.ts';
import { runAll } from '../../examples/run-all.ts';

const VERDICTS = ['held', 'did not hold', 'held partly', 'not tested'];
const out = mkdtempSync(join(tmpdir(), 'normgrad-smoke-'));
const first = new Map<string, Results>();

/** results.json without the fields that legitimately differ between runs (wall-clock times, date and load). */
function reproducible(r: Results): Omit<Results, 'wallTimeSeconds' | 'timings' | 'provenance'> {
  const { wallTimeSeconds: _w, timings: _t, provenance: _p, ...rest } = r;
  return rest;
}

test('the registry lists experiments with unique names and declared claims', () => {
  assert.ok(experiments.length > 0);
  const names = experiments.map((e) => e.name);
  assert.equal(new Set(names).size, names.length, `duplicate experiment names: ${names.join(', ')}`);
  for (const e of experiments) {
    if (e.beyondArticle) assert.is(e.claims.length, 0, `${e.name} is beyond the article yet declares claims`);
    else assert.ok(e.claims.length > 0, `${e.name} declares no claims`);
    assert.ok(existsSync(join('examples', `${e.name}.ts`)), `${e.name}: examples/${e.name}.ts is missing`);
  }
});

for (const exp of experiments) {
  test(`${exp.name} --tiny writes results.json with a verdict per claim, and SVG figures`, async () => {
    const r = await runExperiment(exp, { mode: 'tiny', seed: 0, out, quiet: true });
    const path = join(out, exp.name, 'results.json');
    assert.ok(existsSync(path), `${path} was not written`);
    const results = JSON.parse(readFileSync(path, 'utf8')) as Results;
    assert.is(results.experiment, exp.name);
    assert.is(results.mode, 'tiny');
    assert.is(results.seed, 0);
    assert.is(results.dtype, 'float64');
    assert.ok(results.wallTimeSeconds >= 0);
    for (const c of exp.claims) {
      const vs = results.verdicts.filter((v) => v.claim === c);
      assert.ok(vs.length > 0, `${exp.name}: no verdict for ${c}`);
      for (const v of vs) {
        assert.ok(VERDICTS.includes(v.verdict), `${exp.name} ${c}: verdict "${v.verdict}"`);
        assert.ok(v.criterion.length > 20, `${exp.name} ${c}: the criterion is missing`);
        assert.ok(Object.keys(v.numbers).length > 0, `${exp.name} ${c}: no numbers`);
      }
    }
    assert.ok(results.figures.length > 0, `${exp.name} draws no figure`);
    for (const f of results.figures) {
      const svg = readFileSync(join(out, exp.name, f.file), 'utf8');
      assert.ok(svg.startsWith('<svg'), `${f.file} does not start with <svg`);
      assert.ok(svg.trimEnd().endsWith('</svg>'), `${f.file} does not end with </svg>`);
      assert.ok(f.title.length > 0 && f.caption.length > 0, `${f.file} has no title or caption`);
    }
    assert.equal(results, JSON.parse(JSON.stringify(r.results)));
    first.set(exp.name, results);
  });
}

for (const exp of experiments) {
  test(`${exp.name}: the same seed gives identical results`, async () => {
    const again = await runExperiment(exp, { mode: 'tiny', seed: 0, out: join(out, 'again'), quiet: true });
    const before = first.get(exp.name);
    assert.ok(before, 'the first run is missing');
    assert.equal(reproducible(JSON.parse(JSON.stringify(again.results)) as Results), reproducible(before!));
  });
}

for (const exp of experiments) {
  // Data made in float64 when the run's default is float32 would reach the model's first Linear or Conv
  // and throw there (mixed dtypes are refused, as in PyTorch), so a clean float32 run is the check.
  test(`${exp.name} --tiny --dtype float32 runs in float32 and gives a verdict per claim`, async () => {
    const r = await runExperiment(exp, {
      mode: 'tiny',
      seed: 0,
      dtype: 'float32',
      out: join(out, 'f32'),
      quiet: true,
    });
    assert.is(r.results.dtype, 'float32');
    assert.match(r.results.command, / --dtype float32$/);
    for (const c of exp.claims)
      assert.ok(
        r.results.verdicts.some((v) => v.claim === c),
        `${exp.name}: no verdict for ${c}`,
      );
    assert.is(getDefaultDtype(), 'float64');
  });
}

test('committed full results were decided by the criteria the code applies now', () => {
  const committed = loadCommitted();
  for (const [name, full] of committed) {
    const now = first.get(name);
    assert.ok(now, `examples/results/full/${name} has no registered experiment`);
    assert.is(full.results.mode, 'full', `examples/results/full/${name} is not a full run`);
    const was = full.results.verdicts.map((v) => v.criterion);
    const is = now!.verdicts.map((v) => v.criterion);
    assert.equal(
      was,
      is,
      `examples/results/full/${name}: the criteria changed after the full run; rerun it with ` +
        `npx tsx examples/run-all.ts --full --only ${name} --out examples/results/full`,
    );
    assert.is(full.results.criteriaHash, now!.criteriaHash);
    assert.ok(/^[0-9a-f]{40}$/.test(full.results.provenance.commit), `${name}: no commit`);
    assert.ok(full.results.wallTimeSeconds > 0 && full.results.provenance.machine.length > 0);
    // Its code links point at the same lines as the quick run's: where the criterion is written today,
    // a line that holds the criterion's opening words.
    assert.equal(
      full.results.verdicts.map((v) => v.criterionAt),
      now!.verdicts.map((v) => v.criterionAt),
      `examples/results/full/${name}: the report would link its criteria to lines they left`,
    );
    for (const v of full.results.verdicts) {
      const [file, line] = v.criterionAt!.split('#L');
      const text = readFileSync(file!, 'utf8').split('\n')[Number(line) - 1] ?? '';
      const opening = v.criterion.slice(0, 16).replace(/[`$\\]/g, '');
      assert.ok(text.includes(opening), `${name}: ${v.criterionAt} does not hold "${opening}"`);
    }
  }
});

test('runExperiment rejects a table whose rows do not match its header', async () => {
  const bad: Experiment = {
    name: experiments[0]!.name,
    title: 'bad table',
    claims: [],
    description: '',
    fullModeTime: '',
    run: async () => ({
      setup: {},
      verdicts: [],
      figures: [],
      tables: [{ title: 'Per arm', columns: ['a', 'b', 'c'], rows: [['x', 1]] }],
    }),
  };
  try {
    await runExperiment(bad, { mode: 'tiny', seed: 0, out: join(out, 'bad'), quiet: true });
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.match((e as Error).message, /table "Per arm" has 3 columns but row 0 has 2 cells/);
  }
});

test("runExperiment sets the dtype for the run, records it and restores the caller's, also when the run throws", async () => {
  const seen: string[] = [];
  const probe = (fail: boolean): Experiment => ({
    name: 'dtype-probe',
    title: 'dtype probe',
    claims: [],
    description: '',
    fullModeTime: '',
    run: async (ctx) => {
      seen.push(`${ctx.dtype} ${getDefaultDtype()} ${zeros([2]).dtype}`);
      if (fail) throw new Error('probe failed');
      return { setup: {}, verdicts: [], figures: [] };
    },
  });
  const dir = join(out, 'dtype');
  const r = await runExperiment(probe(false), {
    mode: 'tiny',
    seed: 0,
    dtype: 'float32',
    out: dir,
    quiet: true,
  });
  assert.is(r.results.dtype, 'float32');
  assert.is(r.results.command, 'npx tsx examples/dtype-probe.ts --tiny --dtype float32');
  assert.is(JSON.parse(readFileSync(join(dir, 'dtype-probe', 'results.json'), 'utf8')).dtype, 'float32');
  assert.is(getDefaultDtype(), 'float64');
  try {
    await runExperiment(probe(true), { mode: 'tiny', seed: 0, dtype: 'float32', out: dir, quiet: true });
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.is((e as Error).message, 'probe failed');
  }
  assert.is(getDefaultDtype(), 'float64');
  // Without a dtype the run keeps the caller's default.
  setDefaultDtype('float32');
  try {
    const keep = await runExperiment(probe(false), { mode: 'tiny', seed: 0, out: dir, quiet: true });
    assert.is(keep.results.dtype, 'float32');
  } finally {
    setDefaultDtype('float64');
  }
  assert.equal(seen, ['float32 float32 float32', 'float32 float32 float32', 'float32 float32 float32']);
});

test('run-all writes a self-contained report with every claim', async () => {
  const dir = join(out, 'all');
  const { runs, report } = await runAll({
    mode: 'tiny',
    seed: 0,
    out: dir,
    quiet: true,
    only: [experiments[0]!.name],
  });
  assert.is(runs.length, 1);
  const html = readFileSync(report, 'utf8');
  assert.ok(html.startsWith('<!doctype html>'));
  assert.not.match(html, /<script|<link|<img|<iframe|\ssrc=|@import|url\(http/i);
  for (let k = 1; k <= 14; k++) assert.match(html, new RegExp(`<td>(<a href="#C${k}">)?C${k}(</a>)?</td>`));
  for (const c of experiments[0]!.claims) assert.match(html, new RegExp(`id="${c}"`));
  assert.match(html, /<svg/);
  assert.match(html, new RegExp(`npx tsx examples/${experiments[0]!.name}\\.ts --tiny`));
});

test('run-all rejects an unknown experiment name', async () => {
  try {
    await runAll({ mode: 'tiny', seed: 0, out, quiet: true, only: ['no-such-experiment'] });
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.match(
      (e as Error).message,
      /run-all: --only names an unknown experiment no-such-experiment \(known: /,
    );
  }
});

test.after(() => rmSync(out, { recursive: true, force: true }));

test.run();
