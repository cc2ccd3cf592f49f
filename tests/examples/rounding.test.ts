/**
 * The rounding rule of examples/lib/rounding.ts, as the experiments apply it: a float64 run's criteria keep
 * the bounds and texts they were written with; in a float32 run a bound that stands for rounding becomes
 * torch.testing's float32 tolerance (atol 1e-5, rtol 1.3e-6) and every other bound keeps its value; and C3's
 * identities, measured in float32, hold only because of the rule.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getDefaultDtype, setDefaultDtype } from '../../core/index.ts';
import { badlyScaledRegression } from '../../data/index.ts';
import { c5Criterion, c6Criterion } from '../../examples/bias-redundancy.ts';
import { c3Bounds, c3Criterion } from '../../examples/input-normalization.ts';
import { loadCommitted } from '../../examples/lib/committed.ts';
import { roundingNote } from '../../examples/lib/rounding.ts';
import { checkScalers, type ScalerCheck } from '../../examples/lib/scaler-check.ts';

/** The criterion that decided a committed full run (a float64 run). */
function committedCriterion(experiment: string, claim: string): string {
  const full = loadCommitted().get(experiment);
  assert.ok(full, `no committed full run of ${experiment}`);
  assert.is(full.results.dtype, 'float64');
  const v = full.results.verdicts.find((x) => x.claim === claim);
  assert.ok(v, `${experiment}: no ${claim} verdict`);
  return v.criterion;
}

test('a float64 run keeps its criteria as written: the bounds, and word for word the texts of the committed full runs', () => {
  assert.equal(c3Bounds('float64'), { formula: 1e-12, sigma: 1e-12, inverse: 1e-12 });
  assert.is(c3Criterion('float64'), committedCriterion('input-normalization', 'C3'));
  assert.is(c5Criterion('float64'), committedCriterion('bias-redundancy', 'C5'));
  assert.is(c6Criterion('float64'), committedCriterion('bias-redundancy', 'C6'));
  assert.is(roundingNote('float64'), '');
});

test('in a float32 run a rounding bound becomes atol 1e-5 or rtol 1.3e-6 whatever its float64 value; other bounds keep theirs', () => {
  assert.equal(c3Bounds('float32'), { formula: 1e-5, sigma: 1.3e-6, inverse: 1.3e-6 });
  const note = roundingNote('float32');
  assert.match(note, /float32 run.*1e-5 absolute and 1\.3e-6 relative/);

  // C5: the batch statistics (absolute) and the identity (relative) are rounding bounds, 1e-12 in float64;
  // how close gradient descent learns γ and β (1e-6) and its stopping gradient (1e-13) are not.
  const c5 = c5Criterion('float64')
    .replace('σ²/(σ² + ε) to 1e-12', 'σ²/(σ² + ε) to 1e-5')
    .replace('equals the input to 1e-12 relative', 'equals the input to 1.3e-6 relative');
  assert.is(c5Criterion('float32'), c5 + note);
  assert.match(c5, 'below 1e-13 or');
  assert.match(c5, 'reach those values to 1e-6.');

  // C6: (a) and (c) are absolute rounding bounds (1e-9 in float64), (b) a relative one (1e-12); the contrast's
  // minimum effect without BN (1e-3) is not.
  const c6 = c6Criterion('float64')
    .replaceAll('at most 1e-9', 'at most 1e-5')
    .replace('at most 1e-12 times', 'at most 1.3e-6 times');
  assert.is(c6Criterion('float32'), c6 + note);
  assert.match(c6, 'more than 1e-3');

  assert.is(
    c3Criterion('float32'),
    c3Criterion('float64')
      .replace('at most 1e-12', 'at most 1e-5')
      .replace('a relative 1e-12', 'a relative 1.3e-6')
      .replace('data to 1e-12', 'data to 1.3e-6') + note,
  );
});

/** C3's check (the scalers against the article's formulas) on data made in `dtype`. */
function scalerCheck(dtype: 'float32' | 'float64'): ScalerCheck['rows'] {
  const previous = getDefaultDtype();
  setDefaultDtype(dtype);
  try {
    const clean = badlyScaledRegression({ n: 200, seed: 0 });
    const dirty = badlyScaledRegression({ n: 200, outliers: 10, seed: 0 });
    assert.is(clean.x.dtype, dtype);
    return checkScalers([
      { name: 'no outliers', x: clean.x },
      { name: 'with outliers', x: dirty.x },
    ]).rows;
  } finally {
    setDefaultDtype(previous);
  }
}

const worst = (rows: ScalerCheck['rows'], bounds: Record<ScalerCheck['rows'][number]['kind'], number>) =>
  Math.max(...rows.map((r) => r.deviation / bounds[r.kind]));

test("C3's identities in float32 hold within the float32 tolerances and would fail float64's bounds", () => {
  const rows = scalerCheck('float32');
  // Every deviation within its bound: the experiment's own C3 verdict.
  assert.ok(worst(rows, c3Bounds('float32')) <= 1, `worst / bound ${worst(rows, c3Bounds('float32'))}`);
  // Without the rule the same float32 numbers would be judged by float64's 1e-12 and C3 would not hold.
  assert.ok(
    worst(rows, c3Bounds('float64')) > 1,
    `worst / float64 bound ${worst(rows, c3Bounds('float64'))}`,
  );
});

test('the same check in float64 holds within the float64 bounds, so they stay right for float64 runs', () => {
  const rows = scalerCheck('float64');
  assert.ok(worst(rows, c3Bounds('float64')) <= 1, `worst / bound ${worst(rows, c3Bounds('float64'))}`);
});

test.run();
