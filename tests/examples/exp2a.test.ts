/**
 * The pieces the BN experiments (C7 to C10) are built from: pooling, the MLP
 * builder and its initial scales, the training loop, the evaluation schedule,
 * the statistics over seeds, and the two measurements computed by hand (the
 * deep network's probe and BN's normalized value in a given batch), each
 * checked against the framework doing the same thing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { manualSeed, rand, randn, type Tensor, tensor } from '../../core/index.ts';
import { normalizedInBatch } from '../../examples/bn-regularization/noise.ts';
import {
  evalSchedule,
  evaluate,
  linears,
  mean,
  mlp,
  pool2x2,
  runSeeds,
  sd,
  spread,
  stepsToTarget,
  train,
} from '../../examples/common/mlp.ts';
import { probe } from '../../examples/saturating-activations/runs.ts';
import { BatchNorm1d, type Dropout, Linear, ReLU, Sigmoid } from '../../nn/index.ts';

const close = (a: number, b: number, tol = 1e-12) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

function labels(n: number, classes = 10): Tensor {
  return tensor(
    Float64Array.from({ length: n }, (_, i) => i % classes),
    { shape: [n] },
  );
}

test('pool2x2 averages each 2 x 2 block of a 28 x 28 image and names a wrong shape', () => {
  manualSeed(1);
  const x = rand([2, 784]);
  const p = pool2x2(x);
  assert.equal(p.shape, [2, 196]);
  for (const [s, r, c] of [
    [0, 0, 0],
    [1, 13, 13],
    [1, 6, 9],
  ] as const) {
    const at = (rr: number, cc: number) => x.data[s * 784 + rr * 28 + cc]!;
    const want =
      (at(2 * r, 2 * c) + at(2 * r, 2 * c + 1) + at(2 * r + 1, 2 * c) + at(2 * r + 1, 2 * c + 1)) / 4;
    assert.ok(close(p.data[s * 196 + r * 14 + c]!, want));
  }
  assert.throws(
    () => pool2x2(rand([2, 196])),
    /pool2x2: expected flattened 28 x 28 images of shape \[n, 784\], got \[2, 196\]/,
  );
});

test('mlp: the layer sequence, no hidden bias under BN, dropout after the activation', () => {
  const plain = [...mlp({ sizes: [4, 3, 3, 2], activation: 'sigmoid' })];
  assert.equal(
    plain.map((m) => m.constructor.name),
    ['Linear', 'Sigmoid', 'Linear', 'Sigmoid', 'Linear'],
  );
  const bn = mlp({ sizes: [4, 3, 2], activation: 'relu', batchNorm: true, dropout: 0.25 });
  assert.equal(
    [...bn].map((m) => m.constructor.name),
    ['Linear', 'BatchNorm1d', 'ReLU', 'Dropout', 'Linear'],
  );
  const [hidden, out] = linears(bn);
  assert.is(hidden!.bias, null);
  assert.ok(out!.bias !== null, 'the output layer keeps its bias');
  assert.is(([...bn][3] as Dropout).p, 0.25);
  assert.ok([...bn][2] instanceof ReLU);
  assert.throws(
    () => mlp({ sizes: [3], activation: 'tanh' }),
    /mlp: sizes needs at least 2 widths, got \[3\]/,
  );
});

test('mlp: weightScale multiplies the default draw, weightStd draws N(0, std²)', () => {
  manualSeed(5);
  const base = linears(mlp({ sizes: [50, 40, 10], activation: 'relu' }));
  manualSeed(5);
  const scaled = linears(mlp({ sizes: [50, 40, 10], activation: 'relu', weightScale: 10 }));
  for (const [k, l] of base.entries()) {
    for (let i = 0; i < l.weight.numel(); i++)
      assert.ok(close(scaled[k]!.weight.data[i]!, 10 * l.weight.data[i]!));
    assert.equal([...scaled[k]!.bias!.data], [...l.bias!.data], 'biases keep the default draw');
  }
  manualSeed(6);
  const w = linears(mlp({ sizes: [200, 100, 10], activation: 'relu', weightStd: 2 }))[0]!.weight;
  const values = [...w.data];
  assert.ok(Math.abs(mean(values)) < 0.05, `mean ${mean(values)}`);
  assert.ok(Math.abs(sd(values) - 2) < 0.05, `sd ${sd(values)}`);
});

test('evaluate: accuracy and mean cross-entropy in eval mode, restoring the mode', () => {
  const model = mlp({ sizes: [2, 2], activation: 'relu' });
  const [lin] = linears(model);
  lin!.weight.data.set([1, 0, 0, 1]);
  lin!.bias!.data.set([0, 0]);
  // Logits equal the inputs: rows 0 and 1 are right, row 2 is wrong.
  const x = tensor([
    [2, 0],
    [0, 3],
    [1, 0],
  ]);
  const y = tensor([0, 1, 1]);
  model.train();
  const r = evaluate(model, x, y);
  assert.ok(close(r.accuracy, 200 / 3));
  const ce = (a: number, b: number, k: number) => Math.log(Math.exp(a) + Math.exp(b)) - (k === 0 ? a : b);
  assert.ok(close(r.loss, (ce(2, 0, 0) + ce(0, 3, 1) + ce(1, 0, 1)) / 3));
  assert.ok(model.training, 'the training mode is restored');
});

test('train: a seed fixes the run; evaluations follow the schedule; stopAtAccuracy stops', () => {
  const x = randn([60, 5]);
  const y = labels(60, 3);
  const go = (stop?: number) => {
    manualSeed(3);
    return train({
      model: mlp({ sizes: [5, 8, 3], activation: 'relu', batchNorm: true }),
      x,
      y,
      lr: 0.1,
      batchSize: 20,
      steps: 7,
      seed: 11,
      evalAt: [0, 3, 7],
      evalX: x,
      evalY: y,
      ...(stop === undefined ? {} : { stopAtAccuracy: stop }),
    });
  };
  const a = go();
  const b = go();
  assert.is(a.steps, 7, 'epochs repeat until the step count');
  assert.equal(a.losses, b.losses);
  assert.equal(
    a.curve.map((p) => p.step),
    [0, 3, 7],
  );
  assert.equal(a.curve, b.curve);
  assert.is(a.trainMs.length, 7);
  const stopped = go(0);
  assert.is(stopped.steps, 0, 'an accuracy of 0 is reached at the first evaluation, before any step');
});

test('train: a loss that stops being finite marks the run diverged and ends it', () => {
  manualSeed(2);
  const x = randn([40, 4]).mul(1e3);
  const run = train({
    model: mlp({ sizes: [4, 2], activation: 'relu' }),
    x,
    y: labels(40, 2),
    lr: 1e306,
    batchSize: 10,
    steps: 50,
    seed: 1,
  });
  assert.ok(run.diverged);
  assert.ok(run.steps < 50);
  assert.not.ok(Number.isFinite(run.losses[run.losses.length - 1]!));
  assert.throws(
    () =>
      train({
        model: mlp({ sizes: [4, 2], activation: 'relu' }),
        x,
        y: labels(40, 2),
        lr: 0.1,
        batchSize: 41,
        steps: 1,
        seed: 0,
      }),
    /train: batchSize 41 is larger than the 40 training samples/,
  );
});

test('evalSchedule is fine early and sparse late; stepsToTarget finds the first crossing', () => {
  assert.equal(evalSchedule(50, 10), [0, 10, 20, 30, 40, 50]);
  const s = evalSchedule(700, 10);
  assert.is(s[20], 200);
  assert.is(s[21], 225);
  assert.ok(s.includes(500) && s.includes(550) && s[s.length - 1] === 700);
  const curve = [10, 50, 91, 85, 95].map((accuracy, k) => ({ step: 10 * k, accuracy, loss: 0 }));
  assert.is(stepsToTarget(curve, 90), 20);
  assert.is(stepsToTarget(curve, 99), null);
});

test('mean, sd (n - 1), spread and the run seeds', () => {
  assert.is(mean([1, 2, 3, 6]), 3);
  assert.ok(close(sd([1, 2, 3, 6]), Math.sqrt(14 / 3)));
  assert.is(sd([4]), 0);
  assert.is(spread([2, 4]), '3 ± 1.41 (2 to 4)');
  assert.is(spread([0.1 + 0.2, 0.3, 0.30000000000000004]), '0.3 ± 0 (0.3 to 0.3)');
  assert.is(spread([7]), '7');
  assert.equal(runSeeds(2, 3), [2001, 2002, 2003]);
});

test('normalizedInBatch equals BatchNorm1d in training on the same batch', () => {
  manualSeed(4);
  const z = randn([30, 5]).mul(3).add(1);
  const members = [7, 0, 3, 12, 29, 18, 4];
  const bn = new BatchNorm1d(5);
  const batch = tensor(
    members.flatMap((j) => [...z.data.subarray(5 * j, 5 * j + 5)]),
    { shape: [members.length, 5] },
  );
  const out = bn.forward(batch);
  const mine = normalizedInBatch(z, members, bn.eps);
  for (let u = 0; u < 5; u++) assert.ok(close(mine[u]!, out.data[u]!, 1e-10), `unit ${u}`);
});

test('probe: saturated fractions and gradient norms as counted directly; BN running statistics untouched', () => {
  manualSeed(9);
  const model = mlp({ sizes: [6, 5, 5, 3], activation: 'sigmoid', batchNorm: true, weightScale: 10 });
  const x = randn([40, 6]);
  const y = labels(40, 3);
  const bns = [...model].filter((m): m is BatchNorm1d => m instanceof BatchNorm1d);
  const before = bns.map((b) => [
    ...b.runningMean!.data,
    ...b.runningVar!.data,
    ...b.numBatchesTracked!.data,
  ]);
  const p = probe(model, x, y, 0.05);
  assert.equal(
    bns.map((b) => [...b.runningMean!.data, ...b.runningVar!.data, ...b.numBatchesTracked!.data]),
    before,
  );
  // The same forward by hand: count the sigmoid outputs outside [0.05, 0.95].
  const want: number[] = [];
  let h = x;
  for (const m of model) {
    h = m.forward(h) as Tensor;
    if (m instanceof Sigmoid) want.push([...h.data].filter((v) => v < 0.05 || v > 0.95).length / h.numel());
  }
  assert.equal(p.saturated, want);
  assert.is(p.gradNorms.length, 3);
  assert.ok(p.gradNorms.every((g) => g > 0 && Number.isFinite(g)));
  for (const l of linears(model)) assert.is(l.weight.grad, null, 'the probe leaves no gradient behind');
  assert.ok([...model][0] instanceof Linear);
});

test.run();
