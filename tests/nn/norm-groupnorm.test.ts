/**
 * GroupNorm and InstanceNorm: the properties that define them (what the
 * statistics are taken over, batch independence, the G = 1 and G = C corners),
 * PyTorch's state-dict keys, reprs, running statistics, warnings, and that a
 * forward that throws changes nothing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cat, type Tensor, tensor, zeros } from '../../core/index.ts';
import { groupNorm, instanceNorm } from '../../nn/functional/group-norm.ts';
import { layerNorm } from '../../nn/functional/normalization.ts';
import { GroupNorm } from '../../nn/groupnorm.ts';
import { InstanceNorm1d, InstanceNorm2d } from '../../nn/instancenorm.ts';
import { assertClose } from '../helpers/fixtures.ts';
import { randomInput } from './norm-helpers.ts';

const snapshot = (m: { stateDict(): Record<string, Tensor> }) =>
  Object.entries(m.stateDict()).map(([k, t]) => [k, [...t.data]]);

test('seed: each group of each sample has mean 0 and biased variance 1 before the affine step', () => {
  const x = randomInput([3, 6, 2, 2], 31, 3, 5);
  const y = groupNorm(x, 3, { eps: 0 });
  for (let n = 0; n < 3; n++) {
    for (let g = 0; g < 3; g++) {
      const vals = Array.from(y.data.subarray((n * 6 + 2 * g) * 4, (n * 6 + 2 * g + 2) * 4));
      const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
      const variance = vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length;
      assert.ok(Math.abs(mean) < 1e-12 && Math.abs(variance - 1) < 1e-12, `sample ${n} group ${g}`);
    }
  }
});

test("seed: GroupNorm's output for one sample does not depend on the batch, in train or eval", () => {
  const gn = new GroupNorm(2, 4);
  gn.weight!.data.set([1, 2, 0.5, -1]);
  gn.bias!.data.set([0, 1, -1, 2]);
  const one = randomInput([1, 4, 3], 32);
  const alone = gn.forward(one);
  for (const mode of [true, false]) {
    gn.train(mode);
    const batch = cat([one, randomInput([5, 4, 3], 33, 10, -4)], 0);
    assertClose(gn.forward(batch).narrow(0, 0, 1), alone, `training=${mode}`);
  }
});

test('groups = 1 is LayerNorm over [C, *] followed by a per-channel affine', () => {
  const x = randomInput([2, 3, 4], 34, 2, 1);
  const w = randomInput([3], 35);
  const b = randomInput([3], 36);
  const ln = layerNorm(x, [3, 4]);
  const want = ln.mul(w.reshape([1, 3, 1])).add(b.reshape([1, 3, 1]));
  assertClose(groupNorm(x, 1, { weight: w, bias: b }), want, 'G = 1');
});

test('groups = C is InstanceNorm with input statistics', () => {
  const x = randomInput([2, 3, 5], 37, 2, -1);
  assertClose(groupNorm(x, 3), instanceNorm(x), 'G = C');
  assertClose(new GroupNorm(3, 3, { affine: false }).forward(x), new InstanceNorm1d(3).forward(x), 'modules');
});

test('one-value groups in a batch larger than one give β, as in PyTorch (which refuses only a batch of one)', () => {
  const gn = new GroupNorm(4, 4);
  gn.bias!.data.set([1, 2, 3, 4]);
  assert.equal([...gn.forward(randomInput([2, 4], 38)).data], [1, 2, 3, 4, 1, 2, 3, 4]);
});

test('empty batches pass through and leave running statistics as they were', () => {
  assert.equal(new GroupNorm(2, 4).forward(zeros([0, 4, 3])).shape, [0, 4, 3]);
  const inorm = new InstanceNorm2d(2, { trackRunningStats: true });
  inorm.forward(randomInput([2, 2, 3, 3], 39));
  const before = snapshot(inorm);
  assert.equal(inorm.forward(zeros([0, 2, 3, 3])).shape, [0, 2, 3, 3]);
  assert.equal(snapshot(inorm), before);
});

test("state-dict keys, defaults and reprs are PyTorch's", () => {
  const gn = new GroupNorm(2, 6);
  assert.equal(Object.keys(gn.stateDict()), ['weight', 'bias']);
  assert.equal([...gn.weight!.data, ...gn.bias!.data], [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
  assert.is(gn.toString(), 'GroupNorm(2, 6, eps=1e-05, affine=True)');
  assert.equal(Object.keys(new GroupNorm(2, 6, { affine: false }).stateDict()), []);

  const plain = new InstanceNorm1d(3);
  assert.equal(Object.keys(plain.stateDict()), [], 'affine and trackRunningStats are false by default');
  assert.is(
    plain.toString(),
    'InstanceNorm1d(3, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)',
  );
  const full = new InstanceNorm2d(3, { affine: true, trackRunningStats: true, eps: 1e-3 });
  assert.equal(Object.keys(full.stateDict()), [
    'weight',
    'bias',
    'running_mean',
    'running_var',
    'num_batches_tracked',
  ]);
  assert.is(
    full.toString(),
    'InstanceNorm2d(3, eps=0.001, momentum=0.1, affine=True, track_running_stats=True)',
  );
});

test('InstanceNorm: running statistics average the per-instance ones; num_batches_tracked stays 0', () => {
  const inorm = new InstanceNorm1d(2, { trackRunningStats: true, momentum: 0.5 });
  const x = randomInput([3, 2, 4], 40, 2, 3);
  inorm.forward(x);
  for (let c = 0; c < 2; c++) {
    let mean = 0;
    let unbiased = 0;
    for (let n = 0; n < 3; n++) {
      const v = Array.from(x.data.subarray((n * 2 + c) * 4, (n * 2 + c + 1) * 4));
      const m = v.reduce((a, b) => a + b, 0) / 4;
      mean += m / 3;
      unbiased += v.reduce((a, b) => a + (b - m) ** 2, 0) / 3 / 3;
    }
    assert.ok(Math.abs(inorm.runningMean!.data[c]! - 0.5 * mean) < 1e-12, `running_mean ${c}`);
    assert.ok(Math.abs(inorm.runningVar!.data[c]! - (0.5 + 0.5 * unbiased)) < 1e-12, `running_var ${c}`);
  }
  assert.is(inorm.numBatchesTracked!.item(), 0);
  inorm.resetRunningStats();
  assert.equal([...inorm.runningMean!.data, ...inorm.runningVar!.data], [0, 0, 1, 1]);
});

test('InstanceNorm in eval normalizes with the running statistics only when it tracks them', () => {
  const x = randomInput([2, 2, 5], 41, 3, 2);
  const tracked = new InstanceNorm1d(2, { trackRunningStats: true });
  tracked.runningMean!.data.set([1, -1]);
  tracked.runningVar!.data.set([4, 0.25]);
  tracked.eval();
  const mu = tensor([1, -1]).reshape([1, 2, 1]);
  const sd = tensor([Math.sqrt(4 + 1e-5), Math.sqrt(0.25 + 1e-5)]).reshape([1, 2, 1]);
  const want = x.sub(mu).div(sd);
  assertClose(tracked.forward(x), want, 'eval with running statistics');
  const untracked = new InstanceNorm1d(2).eval();
  assertClose(untracked.forward(x), instanceNorm(x), 'eval without tracking uses the input statistics');
  const before = snapshot(tracked);
  tracked.forward(x);
  assert.equal(snapshot(tracked), before, 'eval does not move the running statistics');
});

test('InstanceNorm takes unbatched input as a batch of one', () => {
  const inorm = new InstanceNorm2d(2, { affine: true });
  inorm.weight!.data.set([2, -1]);
  const x = randomInput([2, 3, 3], 42);
  assertClose(inorm.forward(x), inorm.forward(x.unsqueeze(0)).squeeze(0), 'unbatched');
});

test('InstanceNorm warns (once) when numFeatures does not match but is not used, as PyTorch does', async () => {
  const seen: string[] = [];
  const listen = (w: Error) => seen.push(`${w.name}: ${w.message}`);
  process.on('warning', listen);
  try {
    const inorm = new InstanceNorm1d(3);
    const x = randomInput([2, 4, 5], 43);
    assertClose(inorm.forward(x), instanceNorm(x), 'still normalizes');
    inorm.forward(x);
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', listen);
  }
  assert.equal(seen, [
    "UserWarning: InstanceNorm1d: input's size at dim=1 is 4, expected numFeatures (3). numFeatures is not used because affine=false and trackRunningStats=false, so the input is normalized anyway",
  ]);
});

test('a forward that throws leaves the running statistics alone', () => {
  const inorm = new InstanceNorm1d(2, { trackRunningStats: true, affine: true });
  inorm.forward(randomInput([2, 2, 3], 44));
  const before = snapshot(inorm);
  assert.throws(() => inorm.forward(zeros([2, 2, 1])), /more than 1 spatial element/);
  assert.throws(() => inorm.forward(zeros([2, 3, 4])), /expected numFeatures \(2\)/);
  assert.equal(snapshot(inorm), before);
});

test.run();
