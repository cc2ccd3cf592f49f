import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ShapeError, type Tensor, tensor, ValueError } from '../../core/index.ts';
import { type _BatchNorm, BatchNorm1d, BatchNorm2d } from '../../nn/batchnorm.ts';
import { Sequential } from '../../nn/container.ts';
import { batchNorm } from '../../nn/functional/normalization.ts';
import { Linear } from '../../nn/linear.ts';
import { assertClose, type FixtureTensor, loadFixture, toTensor } from '../helpers/fixtures.ts';
import { throwsWith } from '../helpers/throws.ts';
import { randomInput } from './norm-helpers.ts';

/** Mean and biased variance over dims, kept as size-1 dims: the statistics the assertions check. */
const moments = (x: Tensor, dims: readonly number[]) => ({
  mean: x.mean(dims, true),
  var: x.var(dims, { correction: 0, keepdim: true }),
});

interface BnPass {
  input: FixtureTensor;
  output: FixtureTensor;
  grad_out: FixtureTensor;
  grad_input: FixtureTensor;
  grad_weight: FixtureTensor | null;
  grad_bias: FixtureTensor | null;
}
interface BnStep extends BnPass {
  running_mean: FixtureTensor | null;
  running_var: FixtureTensor | null;
  num_batches_tracked: number | null;
}
interface BnCase {
  name: string;
  module: string;
  options: {
    num_features: number;
    eps: number;
    momentum: number | null;
    affine: boolean;
    track_running_stats: boolean;
  };
  weight: FixtureTensor | null;
  bias: FixtureTensor | null;
  initial_running_mean: FixtureTensor | null;
  initial_running_var: FixtureTensor | null;
  steps: BnStep[];
  eval: BnPass | null;
}

const cases = loadFixture<BnCase>('nn').cases.filter((c) => c.module.startsWith('BatchNorm'));

/** One forward and backward with fresh gradients; checks output and gradients against the fixture. */
function runPass(bn: _BatchNorm, pass: BnPass, what: string): void {
  bn.zeroGrad();
  const x = toTensor(pass.input, true);
  const y = bn.forward(x);
  y.backward(toTensor(pass.grad_out));
  assertClose(y, pass.output, `${what} output`);
  assertClose(x.grad, pass.grad_input, `${what} grad_input`);
  if (pass.grad_weight === null) assert.is(bn.weight, null, `${what}: no weight without affine`);
  else assertClose(bn.weight!.grad, pass.grad_weight, `${what} grad_weight`);
  if (pass.grad_bias === null) assert.is(bn.bias, null, `${what}: no bias without affine`);
  else assertClose(bn.bias!.grad, pass.grad_bias, `${what} grad_bias`);
}

test('the fixtures cover every BatchNorm case the tests below expect', () => {
  assert.equal(
    cases.map((c) => c.name),
    [
      'batchnorm1d_momentum0.1_3steps',
      'batchnorm1d_momentum_none_3steps',
      'batchnorm1d_NCL',
      'batchnorm2d',
      'batchnorm1d_no_running_stats',
      'batchnorm1d_no_affine',
      'batchnorm1d_eps1e-3_momentum0.3',
    ],
  );
});

for (const c of cases) {
  test(`${c.name}: every training step and eval match PyTorch`, () => {
    const o = c.options;
    const Ctor = c.module === 'BatchNorm2d' ? BatchNorm2d : BatchNorm1d;
    const bn = new Ctor(o.num_features, {
      eps: o.eps,
      momentum: o.momentum,
      affine: o.affine,
      trackRunningStats: o.track_running_stats,
    });
    if (c.initial_running_mean === null) {
      assert.is(bn.runningMean, null);
      assert.is(bn.runningVar, null);
      assert.is(bn.numBatchesTracked, null);
    } else {
      assertClose(bn.runningMean, c.initial_running_mean, 'initial running_mean');
      assertClose(bn.runningVar, c.initial_running_var!, 'initial running_var');
    }
    if (c.weight !== null) bn.weight!.data.set(toTensor(c.weight).data);
    if (c.bias !== null) bn.bias!.data.set(toTensor(c.bias).data);
    c.steps.forEach((step, k) => {
      runPass(bn, step, `step ${k}`);
      if (step.running_mean === null) {
        assert.is(bn.runningMean, null);
      } else {
        assertClose(bn.runningMean, step.running_mean, `step ${k} running_mean`);
        assertClose(bn.runningVar, step.running_var!, `step ${k} running_var`);
        assert.is(bn.numBatchesTracked!.item(), step.num_batches_tracked, `step ${k} num_batches_tracked`);
      }
    });
    if (c.eval !== null) {
      const before = bn.runningMean === null ? null : Array.from(bn.runningMean.data);
      bn.eval();
      runPass(bn, c.eval, 'eval');
      // Evaluation reads the running statistics and leaves them alone.
      if (before !== null) assert.equal(Array.from(bn.runningMean!.data), before);
      if (bn.numBatchesTracked !== null) assert.is(bn.numBatchesTracked.item(), c.steps.length);
    }
  });
}

test('momentum null is the cumulative average of the batch statistics', () => {
  const bn = new BatchNorm1d(3, { momentum: null });
  const batches = [randomInput([5, 3], 1), randomInput([4, 3], 2), randomInput([6, 3], 3)];
  for (const x of batches) bn.forward(x);
  for (let ch = 0; ch < 3; ch++) {
    const means = batches.map((x) => moments(x, [0]).mean.data[ch]!);
    const unbiased = batches.map((x) => (moments(x, [0]).var.data[ch]! * x.shape[0]!) / (x.shape[0]! - 1));
    // running_var starts at 1 but the first update has factor 1/1, so it is forgotten.
    assert.ok(Math.abs(bn.runningMean!.data[ch]! - means.reduce((a, b) => a + b) / 3) < 1e-14);
    assert.ok(Math.abs(bn.runningVar!.data[ch]! - unbiased.reduce((a, b) => a + b) / 3) < 1e-14);
  }
  assert.is(bn.numBatchesTracked!.item(), 3);
});

test('seed: before the affine step each feature has batch mean 0 and biased variance 1', () => {
  const x = randomInput([8, 3], 4, 5, 2);
  for (const affine of [false, true]) {
    const bn = new BatchNorm1d(3, { affine, eps: 0 });
    const y = bn.forward(x);
    const { mean, var: v } = moments(y, [0]);
    for (let ch = 0; ch < 3; ch++) {
      assert.ok(Math.abs(mean.data[ch]!) < 1e-14, `mean ${mean.data[ch]}`);
      assert.ok(Math.abs(v.data[ch]! - 1) < 1e-12, `var ${v.data[ch]}`);
    }
  }
  // [N, C, L] and [N, C, H, W]: the statistics are per channel over every other dim.
  const y3 = new BatchNorm1d(2, { eps: 0 }).forward(randomInput([4, 2, 5], 6, 3, 1));
  const y4 = new BatchNorm2d(2, { eps: 0 }).forward(randomInput([3, 2, 4, 4], 7, -2, 4));
  for (const [y, dims] of [
    [y3, [0, 2]],
    [y4, [0, 2, 3]],
  ] as const) {
    const { mean, var: v } = moments(y, dims);
    for (const m of mean.data) assert.ok(Math.abs(m) < 1e-14);
    for (const s of v.data) assert.ok(Math.abs(s - 1) < 1e-12);
  }
});

test('seed: with weight = sqrt(var + eps) and bias = mean, BatchNorm returns its input', () => {
  const x = randomInput([7, 4], 8, 3, -2);
  const bn = new BatchNorm1d(4);
  const { mean, var: v } = moments(x, [0]);
  bn.weight!.data.set(v.data.map((s) => Math.sqrt(s + bn.eps)));
  bn.bias!.data.set(mean.data);
  assertClose(bn.forward(x), x, 'identity', 1e-12, 1e-12);
});

test('seed: with a Linear before it, the output ignores the Linear bias and its gradient is 0', () => {
  const x = randomInput([6, 3], 9);
  const g = randomInput([6, 4], 12);
  const model = new Sequential(new Linear(3, 4), new BatchNorm1d(4));
  const [linear, bn] = [...model.children()] as [Linear, BatchNorm1d];
  bn.weight!.data.set([1.5, 0.5, -2, 1]);
  const y1 = model.forward(x);
  y1.backward(g);
  for (const v of linear.bias!.grad!.data) assert.ok(Math.abs(v) < 1e-14, `bias grad ${v}`);
  assert.ok(Math.max(...linear.weight.grad!.data.map(Math.abs)) > 1e-3, 'the weight still gets a gradient');
  linear.bias!.data.set([10, -3, 0.5, 100]);
  assertClose(model.forward(x), y1, 'output with another bias', 1e-10, 1e-12);
  // In eval mode the running mean is a constant, so the bias does pass through.
  model.eval();
  const e1 = model.forward(x);
  linear.bias!.data.set([0, 0, 0, 0]);
  assert.ok(Math.abs(model.forward(x).data[0]! - e1.data[0]!) > 1, 'eval output moves with the bias');
});

test('eval normalizes with the running statistics; trackRunningStats false uses the batch in both modes', () => {
  const bn = new BatchNorm1d(2);
  bn.runningMean!.data.set([1, -2]);
  bn.runningVar!.data.set([4, 0.25]);
  bn.weight!.data.set([2, 3]);
  bn.bias!.data.set([0.5, -1]);
  bn.eval();
  const x = tensor([[3, -1]]); // one sample is fine in eval mode
  const want = [((3 - 1) / Math.sqrt(4 + 1e-5)) * 2 + 0.5, ((-1 + 2) / Math.sqrt(0.25 + 1e-5)) * 3 - 1];
  assertClose(bn.forward(x), tensor([want]), 'eval output');
  assert.is(bn.numBatchesTracked!.item(), 0, 'eval does not count batches');

  const free = new BatchNorm1d(2, { trackRunningStats: false });
  const xb = randomInput([5, 2], 13);
  const train = free.forward(xb);
  free.eval();
  assertClose(free.forward(xb), train, 'eval = train without running stats');
  assert.equal(Object.keys(free.stateDict()), ['weight', 'bias']);
});

test("state dict keys are PyTorch's, and reset puts the buffers back", () => {
  const bn = new BatchNorm2d(3);
  assert.equal(Object.keys(bn.stateDict()), [
    'weight',
    'bias',
    'running_mean',
    'running_var',
    'num_batches_tracked',
  ]);
  assert.equal(bn.numBatchesTracked!.shape, []);
  bn.forward(randomInput([2, 3, 2, 2], 14, 2, 1));
  bn.weight!.data.fill(3);
  bn.resetParameters();
  assert.equal(Array.from(bn.runningMean!.data), [0, 0, 0]);
  assert.equal(Array.from(bn.runningVar!.data), [1, 1, 1]);
  assert.equal(Array.from(bn.weight!.data), [1, 1, 1]);
  assert.is(bn.numBatchesTracked!.item(), 0);
  assert.equal(Object.keys(new BatchNorm1d(3, { affine: false }).stateDict()), [
    'running_mean',
    'running_var',
    'num_batches_tracked',
  ]);
});

test('toString prints the configuration as PyTorch does', () => {
  assert.is(
    new BatchNorm1d(16).toString(),
    'BatchNorm1d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)',
  );
  assert.is(
    new BatchNorm2d(4, { eps: 1e-3, momentum: null, affine: false, trackRunningStats: false }).toString(),
    'BatchNorm2d(4, eps=0.001, momentum=None, affine=False, track_running_stats=False)',
  );
});

test('errors name the module, the argument and the shapes', () => {
  throwsWith(
    () => new BatchNorm1d(4).forward(randomInput([2, 4, 3, 5], 15)),
    ShapeError,
    'BatchNorm1d: expected 2D or 3D input (got 4D input of shape [2, 4, 3, 5])',
  );
  throwsWith(
    () => new BatchNorm2d(4).forward(randomInput([2, 4, 3], 15)),
    ShapeError,
    'BatchNorm2d: expected 4D input (got 3D input of shape [2, 4, 3])',
  );
  throwsWith(
    () => new BatchNorm1d(4).forward(randomInput([6, 3], 15)),
    ShapeError,
    'BatchNorm1d: expected input with 4 channels (numFeatures) in dim 1, got input of shape [6, 3]',
  );
  const bn = new BatchNorm1d(4);
  throwsWith(
    () => bn.forward(randomInput([1, 4], 15)),
    ValueError,
    'batchNorm: Expected more than 1 value per channel when training, got input size [1, 4]',
  );
  assert.is(bn.numBatchesTracked!.item(), 0, 'a refused batch is not counted');
  throwsWith(
    () => new BatchNorm1d(4, { trackRunningStats: false }).eval().forward(randomInput([1, 4, 1], 15)),
    ValueError,
    'batchNorm: Expected more than 1 value per channel when training, got input size [1, 4, 1]',
  );
  throwsWith(
    () => new BatchNorm1d(0),
    ValueError,
    'BatchNorm1d: numFeatures must be a positive integer, got 0',
  );
});

test('functional batchNorm checks its arguments', () => {
  const x = randomInput([3, 2], 16);
  throwsWith(
    () => batchNorm(tensor([1, 2, 3]), null, null, { training: true }),
    ShapeError,
    'batchNorm: expected input with at least 2 dims [N, C, *], got input of shape [3]',
  );
  throwsWith(
    () => batchNorm(x, null, null, { weight: tensor([1, 2, 3]), training: true }),
    ShapeError,
    'batchNorm: weight should have shape [2] (the channels of input [3, 2]), got [3]',
  );
  throwsWith(
    () => batchNorm(x, tensor([0, 0]), null, { training: true }),
    ValueError,
    'batchNorm: runningMean and runningVar must both be given or both be null',
  );
  throwsWith(
    () => batchNorm(x, null, null),
    ValueError,
    'batchNorm: runningMean and runningVar are needed when training is false (there are no batch statistics to fall back on)',
  );
  throwsWith(
    () => batchNorm(tensor([[1, 2]]), null, null, { training: true }),
    ValueError,
    'batchNorm: Expected more than 1 value per channel when training, got input size [1, 2]',
  );
});

test('functional batchNorm in training updates the running statistics with the unbiased variance', () => {
  const x = tensor([
    [1, 10],
    [3, 20],
    [8, 60],
  ]);
  const rm = tensor([0.5, 1]);
  const rv = tensor([2, 3]);
  const y: Tensor = batchNorm(x, rm, rv, { training: true, momentum: 0.25, eps: 0 });
  // channel 0: mean 4, biased var 26/3, unbiased 13
  assertClose(rm, tensor([0.75 * 0.5 + 0.25 * 4, 0.75 * 1 + 0.25 * 30]), 'running mean');
  assertClose(rv, tensor([0.75 * 2 + 0.25 * 13, 0.75 * 3 + 0.25 * 700]), 'running var');
  assertClose(y.select(1, 0), tensor([-3, -1, 4].map((d) => d / Math.sqrt(26 / 3))), 'output');
});

test.run();
