import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ShapeError, type Tensor, tensor, ValueError } from '../../core/index.ts';
import { layerNorm } from '../../nn/functional/normalization.ts';
import { LayerNorm } from '../../nn/layernorm.ts';
import { assertClose, type FixtureTensor, loadFixture, toTensor } from '../helpers/fixtures.ts';
import { throwsWith } from '../helpers/throws.ts';
import { randomInput } from './norm-helpers.ts';

/** Mean and biased variance over dims, kept as size-1 dims: the statistics the assertions check. */
const moments = (x: Tensor, dims: readonly number[]) => ({
  mean: x.mean(dims, true),
  var: x.var(dims, { correction: 0, keepdim: true }),
});

interface LnCase {
  name: string;
  module: string;
  options: { normalized_shape: number[]; eps: number; elementwise_affine: boolean; bias: boolean };
  weight: FixtureTensor | null;
  bias: FixtureTensor | null;
  input: FixtureTensor;
  output: FixtureTensor;
  grad_out: FixtureTensor;
  grad_input: FixtureTensor;
  grad_weight: FixtureTensor | null;
  grad_bias: FixtureTensor | null;
}

const cases = loadFixture<LnCase>('nn').cases.filter((c) => c.module === 'LayerNorm');

test('the fixtures hold one and two trailing dims, with and without affine', () => {
  assert.equal(
    cases.map((c) => c.name),
    ['layernorm_last_dim', 'layernorm_last_two_dims', 'layernorm_no_affine', 'layernorm_no_affine_two_dims'],
  );
});

for (const c of cases) {
  for (const mode of ['train', 'eval'] as const) {
    test(`${c.name} (${mode}): output and gradients match PyTorch`, () => {
      const o = c.options;
      const ln = new LayerNorm(o.normalized_shape, { eps: o.eps, elementwiseAffine: o.elementwise_affine });
      if (mode === 'eval') ln.eval();
      if (c.weight !== null) ln.weight!.data.set(toTensor(c.weight).data);
      if (c.bias !== null) ln.bias!.data.set(toTensor(c.bias).data);
      const x = toTensor(c.input, true);
      const y = ln.forward(x);
      y.backward(toTensor(c.grad_out));
      assertClose(y, c.output, 'output');
      assertClose(x.grad, c.grad_input, 'grad_input');
      if (c.grad_weight === null) assert.is(ln.weight, null);
      else assertClose(ln.weight!.grad, c.grad_weight, 'grad_weight');
      if (c.grad_bias === null) assert.is(ln.bias, null);
      else assertClose(ln.bias!.grad, c.grad_bias, 'grad_bias');
    });
  }
}

test("bias: false keeps the gain and drops the shift (PyTorch 2.1's LayerNorm(bias=False))", () => {
  const x = randomInput([3, 4], 21, 2, 1);
  const noBias = new LayerNorm(4, { bias: false });
  const full = new LayerNorm(4);
  noBias.weight!.data.set([1, 2, -1, 0.5]);
  full.weight!.data.set([1, 2, -1, 0.5]);
  assert.is(noBias.bias, null);
  assert.equal(Object.keys(noBias.stateDict()), ['weight']);
  assert.equal(Object.keys(full.stateDict()), ['weight', 'bias']);
  assertClose(noBias.forward(x), full.forward(x), 'same as a zero shift');
  full.bias!.data.set([0.1, 0, 0, 0]);
  assert.ok(full.forward(x).data[0] !== noBias.forward(x).data[0], 'and the shift does act when present');
});

test("seed: one sample's output does not depend on the rest of the batch", () => {
  const ln = new LayerNorm([2, 3]);
  ln.weight!.data.set([1, 2, 3, 0.5, -1, 1.5]);
  ln.bias!.data.set([0, 1, 0, -1, 0, 2]);
  const batch = randomInput([4, 2, 3], 22, 3);
  const other = randomInput([4, 2, 3], 23, 10, 5);
  other.data.set(batch.data.subarray(0, 6)); // same first sample, different others
  const alone = ln.forward(batch.narrow(0, 0, 1));
  assertClose(ln.forward(batch).narrow(0, 0, 1), alone, 'in batch 1');
  assertClose(ln.forward(other).narrow(0, 0, 1), alone, 'in batch 2');
});

test('seed: training and evaluation compute the same thing', () => {
  const ln = new LayerNorm(5);
  ln.weight!.data.set([1, 2, 3, 4, 5]);
  const x = randomInput([3, 5], 24);
  const train = ln.forward(x);
  assertClose(ln.eval().forward(x), train, 'eval');
  assert.equal(Object.keys(ln.stateDict()), ['weight', 'bias'], 'no running statistics');
});

test('before the affine step each sample has mean 0 and biased variance 1 over the normalized dims', () => {
  const y = new LayerNorm([3, 4], { elementwiseAffine: false, eps: 0 }).forward(
    randomInput([2, 5, 3, 4], 25, 4, 7),
  );
  const { mean, var: v } = moments(y, [2, 3]);
  for (const m of mean.data) assert.ok(Math.abs(m) < 1e-14);
  for (const s of v.data) assert.ok(Math.abs(s - 1) < 1e-12);
});

test('defaults, reset and toString as PyTorch', () => {
  const ln = new LayerNorm([4, 5]);
  assert.equal(ln.normalizedShape, [4, 5]);
  assert.is(ln.eps, 1e-5);
  ln.weight!.data.fill(7);
  ln.resetParameters();
  assert.ok(ln.weight!.data.every((v) => v === 1));
  assert.ok(ln.bias!.data.every((v) => v === 0));
  assert.is(ln.toString(), 'LayerNorm((4, 5), eps=1e-05, elementwise_affine=True)');
  assert.is(
    new LayerNorm(16, { elementwiseAffine: false }).toString(),
    'LayerNorm((16,), eps=1e-05, elementwise_affine=False)',
  );
  assert.is(
    new LayerNorm(3, { bias: false, eps: 0.001 }).toString(),
    'LayerNorm((3,), eps=0.001, elementwise_affine=True, bias=False)',
  );
});

test('errors name the module or op, the argument and both shapes', () => {
  throwsWith(
    () => new LayerNorm([4, 5]).forward(randomInput([3, 5, 4], 26)),
    ShapeError,
    'layerNorm: expected input with trailing shape [4, 5] (normalizedShape), got input of shape [3, 5, 4]',
  );
  throwsWith(
    () => new LayerNorm([2, 3]).forward(tensor([1, 2, 3])),
    ShapeError,
    'layerNorm: expected input with trailing shape [2, 3] (normalizedShape), got input of shape [3]',
  );
  throwsWith(
    () => new LayerNorm([]),
    ValueError,
    'LayerNorm: normalizedShape must be a positive integer or a non-empty list of them, got []',
  );
  throwsWith(
    () => new LayerNorm(0),
    ValueError,
    'LayerNorm: normalizedShape must be a positive integer or a non-empty list of them, got 0',
  );
  throwsWith(
    () => layerNorm(randomInput([2, 3], 27), 4),
    ShapeError,
    'layerNorm: expected input with trailing shape [4] (normalizedShape), got input of shape [2, 3]',
  );
  throwsWith(
    () => layerNorm(randomInput([2, 3], 27), 3, { bias: tensor([1, 2]) }),
    ShapeError,
    'layerNorm: bias should have shape [3] (normalizedShape), got [2]',
  );
  throwsWith(
    () => layerNorm(randomInput([2, 3], 27), []),
    ValueError,
    'layerNorm: normalizedShape must name at least one dim, got []',
  );
});

test.run();
