/**
 * RMSNorm and weight normalization: the properties that define them, PyTorch's
 * defaults, keys and reprs, and the Module hooks weight normalization rests on.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { noGrad, type Tensor, tensor, zeros } from '../../core/index.ts';
import { rmsNorm } from '../../nn/functional/rms-norm.ts';
import { Linear } from '../../nn/linear.ts';
import type { Module } from '../../nn/module.ts';
import { RMSNorm } from '../../nn/rmsnorm.ts';
import { removeWeightNorm, weightNorm } from '../../nn/utils/weight-norm.ts';
import { assertClose } from '../helpers/fixtures.ts';
import { randomInput } from './norm-helpers.ts';

const rowNorms = (w: Tensor) =>
  Array.from({ length: w.shape[0]! }, (_, r) => {
    const row = w.data.subarray(r * w.shape[1]!, (r + 1) * w.shape[1]!);
    return Math.sqrt(Array.from(row).reduce((a, b) => a + b * b, 0));
  });

test('seed: RMSNorm rescales each sample to unit root mean square and keeps its mean where it was', () => {
  const x = randomInput([3, 6], 51, 2, 4);
  const y = rmsNorm(x, 6);
  for (let n = 0; n < 3; n++) {
    const row = Array.from(y.data.subarray(n * 6, n * 6 + 6));
    const ms = row.reduce((a, b) => a + b * b, 0) / 6;
    assert.ok(Math.abs(ms - 1) < 1e-12, `row ${n} mean square ${ms}`);
    assert.ok(row.reduce((a, b) => a + b, 0) / 6 > 0.5, 'the mean (about 4 / rms) is not removed');
  }
  assertClose(rmsNorm(x.mul(37), 6), y, 'invariant to rescaling the input');
});

test("RMSNorm's eps defaults to the dtype's machine epsilon: zeros give zeros and a gradient of 1/sqrt(eps)", () => {
  const x = zeros([1, 4], { requiresGrad: true });
  const y = new RMSNorm(4).forward(x);
  assert.equal([...y.data], [0, 0, 0, 0]);
  y.backward(tensor([[1, 2, 3, 4]]));
  const k = 1 / Math.sqrt(Number.EPSILON);
  assertClose(x.grad, tensor([[k, 2 * k, 3 * k, 4 * k]]), 'gradient');
});

test("RMSNorm: PyTorch 2.4's defaults, keys and repr", () => {
  const m = new RMSNorm([2, 3]);
  assert.is(m.eps, null);
  assert.equal(Object.keys(m.stateDict()), ['weight']);
  assert.equal([...m.weight!.data], [1, 1, 1, 1, 1, 1]);
  assert.is(m.toString(), 'RMSNorm((2, 3), eps=None, elementwise_affine=True)');
  assert.is(new RMSNorm(4, { eps: 1e-6 }).toString(), 'RMSNorm((4,), eps=1e-06, elementwise_affine=True)');
  const plain = new RMSNorm(4, { elementwiseAffine: false });
  assert.equal(Object.keys(plain.stateDict()), []);
  const x = randomInput([2, 4], 52);
  plain.eval();
  assertClose(plain.forward(x), rmsNorm(x, [4]), 'eval computes the same as the functional form');
});

test('weightNorm leaves the function unchanged, with g the row norms and v the weight', () => {
  const lin = new Linear(4, 3);
  const x = randomInput([5, 4], 53);
  const before = lin.forward(x);
  const w = lin.weight.detach().clone();
  weightNorm(lin);
  assert.equal(Object.keys(lin.stateDict()), ['bias', 'weight_g', 'weight_v']);
  assert.equal([...lin.parameters()].length, 3);
  const sd = lin.stateDict();
  assert.equal(sd.weight_g!.shape, [3, 1]);
  assertClose(sd.weight_g!, tensor(rowNorms(w)).reshape([3, 1]), 'weight_g');
  assertClose(sd.weight_v!, w, 'weight_v');
  assertClose(lin.forward(x), before, 'same output');
  assert.ok(!lin.weight.isLeaf, 'weight is now computed, not a parameter');
});

test('the weight is recomputed before every forward: scaling g scales the weight', () => {
  const lin = weightNorm(new Linear(3, 2, { bias: false }));
  const x = randomInput([4, 3], 54);
  const y = lin.forward(x);
  const g = lin.stateDict().weight_g!;
  g.data[0] = g.data[0]! * 2;
  const y2 = lin.forward(x);
  for (let n = 0; n < 4; n++) {
    assert.ok(Math.abs(y2.data[n * 2]! - 2 * y.data[n * 2]!) < 1e-12, 'unit 0 doubled');
    assert.ok(Math.abs(y2.data[n * 2 + 1]! - y.data[n * 2 + 1]!) < 1e-12, 'unit 1 unchanged');
  }
  assert.ok(
    noGrad(() => lin.forward(x)).gradFn === null,
    'under noGrad the weight is computed without a graph',
  );
});

test('seed (Salimans & Kingma, eq. 4): the gradient of v is orthogonal to v, row by row', () => {
  const lin = weightNorm(new Linear(4, 3));
  const loss = lin
    .forward(randomInput([6, 4], 55))
    .mul(randomInput([6, 3], 56))
    .sum();
  loss.backward();
  const v = lin.stateDict().weight_v!;
  const gv = [...lin.namedParameters()].find(([k]) => k === 'weight_v')![1].grad!;
  for (let r = 0; r < 3; r++) {
    let dot = 0;
    let scale = 0;
    for (let c = 0; c < 4; c++) {
      dot += v.data[r * 4 + c]! * gv.data[r * 4 + c]!;
      scale += Math.abs(v.data[r * 4 + c]! * gv.data[r * 4 + c]!);
    }
    assert.ok(Math.abs(dot) < 1e-12 * Math.max(scale, 1), `row ${r}: v . dL/dv = ${dot}`);
  }
});

test('a state dict under weight_g / weight_v loads, and removeWeightNorm gives back one weight', () => {
  const a = weightNorm(new Linear(3, 2));
  const b = weightNorm(new Linear(3, 2));
  b.loadStateDict(a.stateDict());
  const x = randomInput([2, 3], 57);
  assertClose(b.forward(x), a.forward(x), 'loaded');
  removeWeightNorm(b);
  assert.equal(Object.keys(b.stateDict()), ['bias', 'weight']);
  assert.ok(b.weight.isLeaf && b.weight.requiresGrad, 'weight is a parameter again');
  assertClose(b.forward(x), a.forward(x), 'same function after removal');
  weightNorm(b, 'weight', null);
  assert.equal(b.stateDict().weight_g!.shape, [], 'dim null: one magnitude');
  assertClose(b.forward(x), a.forward(x), 'and again after re-applying');
});

test('forward pre-hooks run in order before forward, may replace the arguments, and can be removed', () => {
  const lin = new Linear(2, 1, { bias: false });
  lin.weight.data.set([1, 1]);
  const seen: string[] = [];
  const h1 = lin.registerForwardPreHook((m: Module, args) => {
    seen.push(`first ${m.name}`);
    return [(args[0] as Tensor).mul(10)];
  });
  lin.registerForwardPreHook(() => {
    seen.push('second');
    return undefined;
  });
  assert.equal([...lin.forward(tensor([[1, 2]])).data], [30]);
  assert.equal(seen, ['first Linear', 'second']);
  h1.remove();
  h1.remove();
  assert.equal([...lin.forward(tensor([[1, 2]])).data], [3]);
  assert.equal(seen, ['first Linear', 'second', 'second']);
});

test.run();
