/**
 * Determinism: the global seed fixes everything random in a training run (the
 * initial weights, the DataLoader's shuffles, Dropout's masks), so two runs with
 * the same seed give bit-identical losses and weights, and another seed gives
 * other ones. Compared as raw bytes, so -0 against 0 or two NaNs would count.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { data, manualSeed, nn, optim, randn } from '../../index.ts';

interface Run {
  losses: Float64Array;
  weights: Float64Array;
}

const { x, y } = data.spirals({ n: 150, classes: 3, seed: 7 });

function train(seed: number, steps = 40): Run {
  manualSeed(seed);
  const model = new nn.Sequential(
    new nn.Linear(2, 16),
    new nn.BatchNorm1d(16),
    new nn.ReLU(),
    new nn.Dropout(0.2),
    new nn.Linear(16, 3),
  );
  const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
  const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 16, shuffle: true });
  const lossFn = new nn.CrossEntropyLoss();
  const losses = new Float64Array(steps);
  let step = 0;
  while (step < steps) {
    for (const [xb, yb] of loader) {
      if (step === steps) break;
      opt.zeroGrad();
      const loss = lossFn.forward(model.forward(xb), yb);
      loss.backward();
      opt.step();
      losses[step++] = loss.item();
    }
  }
  // parameters, running statistics and Adam's moments
  const state = opt.stateDict().state;
  const tensors = [
    ...Object.values(model.stateDict()),
    ...Object.values(state).flatMap((s) => Object.values(s).filter((v) => typeof v !== 'number')),
  ];
  const weights = Float64Array.from(tensors.flatMap((t) => (typeof t === 'number' ? [t] : [...t.data])));
  return { losses, weights };
}

const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

test('two runs with the same seed give bit-identical losses and weights', () => {
  const a = train(11);
  randn([1000]); // other draws in between change nothing once the seed is set again
  const b = train(11);
  assert.ok(a.losses.every((v) => Number.isFinite(v)));
  assert.ok(bytes(a.losses).equals(bytes(b.losses)), 'losses differ');
  assert.is(a.weights.length, b.weights.length);
  assert.ok(a.weights.length > 2 * 16 * 3, 'weights, buffers and optimizer moments are compared');
  assert.ok(bytes(a.weights).equals(bytes(b.weights)), 'weights differ');
});

test('a different seed gives different losses and weights', () => {
  const a = train(11);
  const c = train(12);
  assert.is.not(a.losses[0], c.losses[0], 'the first loss already differs (another initialization)');
  assert.not.ok(bytes(a.losses).equals(bytes(c.losses)));
  const differing = a.weights.filter((v, i) => v !== c.weights[i]).length;
  assert.ok(differing > a.weights.length / 2, `only ${differing} of ${a.weights.length} values differ`);
});

test('the seed reaches every source of randomness: shuffles and dropout masks, not just the init', () => {
  // the same init (seed 11), then the seed under test for the first batch and its dropout mask
  const run = (seed: number, shuffle: boolean) => {
    manualSeed(11);
    const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Dropout(0.5), new nn.Linear(8, 3));
    manualSeed(seed);
    const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 8, shuffle });
    const [xb] = loader[Symbol.iterator]().next().value!;
    return { batch: [...xb!.data], out: [...model.forward(xb!).data] };
  };
  assert.equal(run(1, true), run(1, true));
  assert.not.equal(run(1, true).batch, run(2, true).batch, 'another seed, another shuffle');
  const [a, b] = [run(1, false), run(2, false)];
  assert.equal(a.batch, b.batch);
  assert.not.equal(a.out, b.out, 'same batch, another seed: another dropout mask');
});

test.run();
