/**
 * float32 forward values, gradients and dtypes against PyTorch (tests/fixtures/float32.json, made by
 * make_float32.py): ops run in float32 throughout, in a float32/float64 mix (type promotion, in place,
 * casts), and the 2^20-element mean of issue 13's accumulation bar.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Tensor } from '../../core/index.ts';
import * as ng from '../../core/index.ts';
import { type Args, OP_CALLS, type OpCall } from '../helpers/fixture-calls.ts';
import { assertClose, type FixtureTensor, fixtureNumber, loadFixture } from '../helpers/fixtures.ts';

interface Float32Case {
  name: string;
  op: string;
  args: Record<string, unknown>;
  inputs: FixtureTensor[];
  output: FixtureTensor | [FixtureTensor, FixtureTensor];
  out_dtype: ng.DType;
  grad_out: FixtureTensor;
  grads: (FixtureTensor | null)[];
  grad_dtypes: (ng.DType | null)[];
}

interface MeanCase {
  name: string;
  n: number;
  offset: number;
  scale: number;
  torch_mean: number;
  torch_sum_dim0_of_n_by_2: FixtureTensor;
  exact_mean: number;
  naive_float32_mean: number;
}

/** A fixture tensor in its own dtype: float32 data as a Float32Array (exact), int64 and bool as float64. */
function toTensor(f: FixtureTensor, requiresGrad = false): Tensor {
  const float = f.dtype === undefined || f.dtype === 'float32';
  const data = f.data.map(fixtureNumber);
  return ng.tensor(data, {
    shape: f.shape,
    dtype: f.dtype === 'float32' ? 'float32' : 'float64',
    requiresGrad: requiresGrad && float,
  });
}

/** The shared table plus the float32 file's own cases: numbers, the fused ops, in place and casts. */
const calls: Record<string, OpCall> = {
  ...OP_CALLS,
  mul_number: ([x], a) => x!.mul(a.other),
  add_number: ([x], a) => x!.add(a.other),
  div_number: ([x], a) => x!.div(a.other),
  linear: ([x, w, b]) => ng.linear(x!, w!, b!),
  conv2d: ([x, w, b], a) => ng.conv2d(x!, w!, b!, { padding: a.padding }),
  layer_norm: ([x, w, b], a) => ng.nativeLayerNorm(x!, a.normalized_shape, w!, b!, a.eps),
  batch_norm: ([x, w, b], a) => ng.nativeBatchNorm(x!, w!, b!, a.eps).out,
  cross_entropy: ([x, t]) => ng.softmaxCrossEntropy(x!, t!),
  binary_cross_entropy: ([p, t]) => ng.binaryCrossEntropy(p!, t!),
  add_: ([x, y]) => x!.mul(1).add_(y!),
  mul_: ([x, y]) => x!.mul(1).mul_(y!),
  to_float32: ([x]) => x!.to('float32'),
  to_float64: ([x]) => x!.to('float64'),
};

/**
 * Tolerances: float32 results to torch.testing's float32 defaults (rtol 1.3e-6, atol 1e-5), since
 * normgrad computes in double and rounds once where torch computes in float32; float64 results (the
 * promoted ones) to the float64 fixtures' 1e-10.
 */
const tolerance = (dtype: ng.DType): [number, number] =>
  dtype === 'float32' ? [1.3e-6, 1e-5] : [1e-10, 1e-12];

/**
 * Cases where torch's own float32 arithmetic is the less accurate side, with why:
 * - logsumexp's backward is exp(x - result) with the result rounded to float32 (an ulp of 1e4 is 1e-3),
 *   so torch's gradient is off by up to e^(5e-4) relative; normgrad's comes from the unrounded shift.
 */
const LOOSE: Record<string, [number, number]> = { f32_logsumexp_large: [1e-3, 1e-6] };

const fixture = loadFixture<Float32Case>('float32') as ReturnType<typeof loadFixture<Float32Case>> & {
  means: MeanCase[];
};

for (const c of fixture.cases) {
  test(`${c.name} matches PyTorch (values and dtypes)`, () => {
    const call = calls[c.op];
    if (call === undefined) throw new Error(`no mapping for fixture op ${c.op}`);
    const xs = c.inputs.map((f) => toTensor(f, true));
    const result = call(xs, c.args as Args);
    const [out, extra] = Array.isArray(result) ? result : [result, null];
    const expected = Array.isArray(c.output) ? c.output : [c.output];
    assert.is(out.dtype, c.out_dtype, `${c.name}: output dtype`);
    const [rtol, atol] = tolerance(c.out_dtype);
    assertClose(out, expected[0]!, `${c.name} output`, rtol, atol);
    if (extra !== null) {
      assert.is(extra.dtype, 'float64', `${c.name}: indices are float64`);
      assertClose(extra, expected[1]!, `${c.name} indices`, 0, 0);
    }
    out.backward(toTensor(c.grad_out));
    c.grads.forEach((g, i) => {
      if (g === null) return;
      const dtype = c.grad_dtypes[i]!;
      assert.is(xs[i]!.grad?.dtype, dtype, `${c.name}: grad ${i} dtype`);
      // A float64 gradient of a mixed case may come from float32 arithmetic on torch's side (pow's
      // exponent gradient uses log of the float32 base; a 0-d float64 operand's gradient is summed in
      // float32), so any case with a float32 tensor compares gradients at float32 tolerance.
      const mixed = c.inputs.some((f) => f.dtype === 'float32') || c.out_dtype === 'float32';
      const [gr, ga] = LOOSE[c.name] ?? tolerance(mixed ? 'float32' : dtype);
      assertClose(xs[i]!.grad, g, `${c.name} grad ${i}`, gr, ga);
    });
  });
}

/** The float32 values of a mean case, rebuilt from the generator's formula (exact in both languages). */
function meanInput(m: MeanCase): Tensor {
  const x = new Float32Array(m.n);
  for (let i = 0; i < m.n; i++) x[i] = m.offset + ((i * 7919) % 1000003) / m.scale;
  return new ng.Tensor(x, [m.n]);
}

for (const m of fixture.means) {
  test(`float32 mean of 2^20 values (${m.name}): within 1e-3 (or half an ulp) of exact, as torch`, () => {
    const x = meanInput(m);
    const mean = x.mean();
    assert.is(mean.dtype, 'float32');
    // Sums accumulate in float64 and round once: the result is the exact mean rounded to float32.
    assert.is(mean.item(), Math.fround(m.exact_mean), `${m.name}: our mean`);
    const halfUlp = Math.abs(Math.fround(m.exact_mean) - m.exact_mean);
    assert.ok(
      Math.abs(mean.item() - m.exact_mean) <= Math.max(1e-3, halfUlp),
      `${m.name}: off by more than 1e-3`,
    );
    assert.ok(Math.abs(mean.item() - m.torch_mean) <= 2 * Math.max(halfUlp, 1e-7 * Math.abs(m.exact_mean)));
    // The bar is not vacuous: a float32 accumulator misses it on the offset data.
    if (m.offset > 0) assert.ok(Math.abs(m.naive_float32_mean - m.exact_mean) > 1e-3, `${m.name}: naive`);
    const cols = x.reshape(m.n / 2, 2).sum(0);
    assert.is(cols.dtype, 'float32');
    assertClose(cols, m.torch_sum_dim0_of_n_by_2, `${m.name}: column sums`, 1e-6, 0);
  });
}

test.run();
