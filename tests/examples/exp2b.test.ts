/**
 * The helpers behind the batch-size, layernorm-rnn and norm-speed experiments:
 * seed statistics and the sign test, interleaved timing (with a fake clock),
 * axis ticks, the normalized MLP and its train/eval outputs, and the unrolled
 * RNN's per-step gradients.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator, manualSeed, randn, type Tensor, tensor } from '../../core/index.ts';
import { withTicks } from '../../examples/common/axis-ticks.ts';
import { type Contender, rotation, timeInterleaved } from '../../examples/common/interleave.ts';
import { accuracy, evalLogits, normMlp, outputGap, trainModeLogits } from '../../examples/common/norm-mlp.ts';
import {
  hiddenGradNorms,
  ordersAcross,
  SequenceClassifier,
  scaleRecurrent,
  sequenceAccuracy,
} from '../../examples/common/seq.ts';
import {
  describeSpread,
  mean,
  median,
  quantile,
  signTestThreshold,
  spread,
} from '../../examples/common/spread.ts';
import { bandChart } from '../../examples/lib/charts.ts';
import { renderSvg } from '../../examples/lib/render.ts';
import { F } from '../../nn/index.ts';

const close = (a: number, b: number, tol = 1e-12) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

// ---------------------------------------------------------------- spread

test('spread: mean, sample sd, min, max; one value has sd 0', () => {
  const s = spread([2, 4, 4, 4, 5, 5, 7, 9]);
  assert.is(s.n, 8);
  assert.is(s.mean, 5);
  assert.ok(close(s.sd, Math.sqrt(32 / 7)));
  assert.is(s.min, 2);
  assert.is(s.max, 9);
  assert.equal(spread([3]), { n: 1, mean: 3, sd: 0, min: 3, max: 3 });
  assert.is(describeSpread(spread([3])), '3.00 (one seed)');
  assert.is(describeSpread(spread([1, 3])), '2.00 ± 1.41 (1.00 to 3.00, n = 2)');
  assert.throws(() => mean([]), /mean: needs at least one value, got an empty list/);
});

test('quantile: linear interpolation between order statistics (numpy default)', () => {
  // numpy.quantile([1, 2, 3, 4, 10], [0, 0.25, 0.5, 0.9, 1]) = [1, 2, 3, 7.6, 10]
  const xs = [10, 2, 4, 1, 3];
  assert.equal(
    [0, 0.25, 0.5, 0.9, 1].map((q) => Number(quantile(xs, q).toFixed(12))),
    [1, 2, 3, 7.6, 10],
  );
  assert.is(median([4, 1, 3, 2]), 2.5);
  assert.throws(() => quantile(xs, 1.5), /quantile: q must be in \[0, 1\], got 1.5/);
});

test('signTestThreshold: the smallest count whose binomial upper tail is at most the level', () => {
  const tail = (n: number, k: number) => {
    let p = 0;
    for (let j = k; j <= n; j++) {
      let c = 1;
      for (let i = 1; i <= j; i++) c = (c * (n - j + i)) / i;
      p += c / 2 ** n;
    }
    return p;
  };
  for (const n of [1, 3, 5, 10, 15, 41, 61]) {
    const k = signTestThreshold(n, 0.05);
    if (k <= n) assert.ok(tail(n, k) <= 0.05, `n=${n}: P(X >= ${k}) = ${tail(n, k)}`);
    assert.ok(k === 0 || tail(n, k - 1) > 0.05, `n=${n}: ${k - 1} would already do`);
  }
  assert.is(signTestThreshold(10, 0.05), 9);
  assert.is(signTestThreshold(3, 0.05), 4, 'three comparisons can never be significant at 5 %');
});

// ---------------------------------------------------------------- interleaved timing

test('rotation: each item goes first once per cycle', () => {
  assert.equal(rotation(['a', 'b', 'c'], 0), ['a', 'b', 'c']);
  assert.equal(rotation(['a', 'b', 'c'], 1), ['b', 'c', 'a']);
  assert.equal(rotation(['a', 'b', 'c'], 5), ['c', 'a', 'b']);
});

test('timeInterleaved: calibrates per group, rotates the order, divides by the repeat count', () => {
  let clock = 0;
  const work =
    (ms: number): Contender['run'] =>
    () => {
      clock += ms;
    };
  const groups: Contender[][] = [
    [
      { name: 'a1', run: work(1) },
      { name: 'a2', run: work(2) },
    ],
    [
      { name: 'b1', run: work(4) },
      { name: 'b2', run: work(3) },
    ],
  ];
  const r = timeInterleaved(groups, { repetitions: 3, warmup: 1, targetMs: 10, now: () => clock });
  assert.equal(r.inner, [10, 3], 'group a needs 10 units of 1 ms, group b 3 units of 4 ms');
  assert.equal(r.perUnitMs, { a1: [1, 1, 1], a2: [2, 2, 2], b1: [4, 4, 4], b2: [3, 3, 3] });
  assert.equal(r.orders, [
    ['a1', 'a2', 'b1', 'b2'],
    ['b2', 'b1', 'a2', 'a1'],
    ['a1', 'a2', 'b1', 'b2'],
  ]);
  let calls = 0;
  timeInterleaved([[{ name: 'x', run: work(5) }]], {
    repetitions: 4,
    warmup: 0,
    targetMs: 1,
    now: () => clock,
    beforeTrial: () => calls++,
  });
  assert.is(calls, 4, 'beforeTrial runs once per timed trial');
});

test('timeInterleaved: rejects empty groups, duplicate names and bad repetition counts', () => {
  const c = { name: 'x', run: () => {} };
  assert.throws(() => timeInterleaved([], { repetitions: 1, warmup: 0, targetMs: 1 }), /at least one group/);
  assert.throws(
    () => timeInterleaved([[]], { repetitions: 1, warmup: 0, targetMs: 1 }),
    /at least one contender/,
  );
  assert.throws(
    () => timeInterleaved([[c], [c]], { repetitions: 1, warmup: 0, targetMs: 1 }),
    /contender names must be unique, got x, x/,
  );
  assert.throws(
    () => timeInterleaved([[c]], { repetitions: 0, warmup: 0, targetMs: 1 }),
    /repetitions must be a positive integer, got 0/,
  );
});

// ---------------------------------------------------------------- axis ticks

test('withTicks: every layer of a band chart gets the tick values and a fitted scale; the spec renders', async () => {
  const spec = bandChart({
    title: 't',
    x: { title: 'batch size', log: true },
    y: { title: 'accuracy' },
    series: [{ arm: 'a', runs: [[2, 8, 128].map((x) => ({ x, y: x }))] }],
  });
  withTicks(spec, 'x', [2, 8, 128]);
  const layers = (spec as unknown as { layer: { encoding: Record<string, Record<string, unknown>> }[] })
    .layer;
  for (const l of layers.slice(0, 2)) {
    assert.equal((l.encoding.x!.axis as { values: number[] }).values, [2, 8, 128]);
    assert.equal((l.encoding.x!.scale as { domain: number[] }).domain, [2, 128]);
  }
  const svg = await renderSvg(spec);
  assert.match(svg, />128</);
  assert.match(svg, />8</);
});

// ---------------------------------------------------------------- the normalized MLP

test('normMlp: the three kinds share their Linear weights after the same seed', () => {
  const nets = (['none', 'batchnorm', 'layernorm'] as const).map((k) => {
    manualSeed(5);
    return normMlp(k, 6, 4, 3);
  });
  assert.is(nets[0]!.length, 5);
  assert.is(nets[1]!.length, 7);
  assert.match(String(nets[1]), /BatchNorm1d\(6/);
  assert.match(String(nets[2]), /LayerNorm\(\(6,\)/);
  const linears = nets.map((n) => [...n.parameters()].filter((p) => p.ndim === 2).map((p) => [...p.data]));
  assert.equal(linears[1], linears[0]);
  assert.equal(linears[2], linears[0]);
});

test('trainModeLogits: batch statistics per chunk, no change to the running statistics, no batch of one', () => {
  manualSeed(1);
  const bn = normMlp('batchnorm', 5, 4, 3);
  const x = randn([7, 4], { generator: new Generator(2) });
  const before = [...bn.buffers()].map((b) => [...b.data]);
  bn.eval();
  const out = trainModeLogits(bn, x, 3);
  assert.equal(
    [...bn.buffers()].map((b) => [...b.data]),
    before,
    'buffers restored',
  );
  assert.is(bn.training, false, 'the mode is put back');
  assert.equal(out.shape, [7, 3]);
  // Chunks are [0..3), [3..7): the last sample joined the batch before it.
  bn.train();
  const saved = [...bn.buffers()].map((b) => Float64Array.from(b.data));
  const second = bn.forward(x.narrow(0, 3, 4));
  [...bn.buffers()].forEach((b, i) => b.data.set(saved[i]!));
  for (let i = 0; i < 12; i++) assert.ok(close(out.data[9 + i]!, second.data[i]!));
  assert.throws(() => trainModeLogits(bn, x, 1), /trainModeLogits: batchSize must be an integer >= 2, got 1/);
});

test('LN and no-norm networks give the same logits in train and eval mode; BN does not', () => {
  const x = randn([8, 4], { generator: new Generator(3) });
  for (const kind of ['none', 'layernorm'] as const) {
    manualSeed(1);
    const net = normMlp(kind, 5, 4, 3);
    const gap = outputGap(trainModeLogits(net, x, 2), evalLogits(net, x));
    assert.equal(gap, { disagreement: 0, meanTv: 0, maxAbsLogit: 0 }, kind);
  }
  manualSeed(1);
  const bn = normMlp('batchnorm', 5, 4, 3);
  assert.ok(outputGap(trainModeLogits(bn, x, 2), evalLogits(bn, x)).maxAbsLogit > 1e-3);
});

test('outputGap and accuracy on hand-made logits', () => {
  const a = tensor([
    [2, 0],
    [0, 1],
  ]);
  const b = tensor([
    [2, 0],
    [3, 1],
  ]);
  const gap = outputGap(a, b);
  assert.is(gap.disagreement, 0.5);
  assert.is(gap.maxAbsLogit, 3);
  const p = (z: number[]) => z.map((v) => Math.exp(v) / z.reduce((s, w) => s + Math.exp(w), 0));
  const tv = 0.5 * p([0, 1]).reduce((s, v, j) => s + Math.abs(v - p([3, 1])[j]!), 0);
  assert.ok(close(gap.meanTv, tv / 2));
  assert.is(accuracy(a, tensor([0, 0])), 0.5);
});

// ---------------------------------------------------------------- the unrolled RNN

test('SequenceClassifier: one hidden state per step; hiddenGradNorms equal retained gradients', () => {
  for (const kind of ['plain', 'layernorm'] as const) {
    manualSeed(4);
    const model = new SequenceClassifier(kind, 3, 5, 4);
    scaleRecurrent(model, 2);
    const g = new Generator(9);
    const x = randn([6, 7, 3], { generator: g });
    const y = tensor([0, 1, 2, 3, 0, 1]);
    const norms = hiddenGradNorms(model, x, y);
    assert.is(norms.length, 7);
    const { logits, hs } = model.unroll(x);
    for (const h of hs) h.retainGrad();
    F.crossEntropy(logits, y).backward();
    hs.forEach((h: Tensor, t) => {
      const n = Math.sqrt([...h.grad!.data].reduce((s, v) => s + v * v, 0));
      assert.ok(close(norms[t]!, n, 1e-12), `${kind} step ${t + 1}: ${norms[t]} vs ${n}`);
    });
    assert.ok(close(ordersAcross(norms), Math.log10(norms[0]! / norms[6]!)));
    const hits = [0, 1, 2, 3, 4, 5].filter((i) => {
      const row = [...logits.data.subarray(4 * i, 4 * i + 4)];
      return row.indexOf(Math.max(...row)) === y.data[i];
    }).length;
    assert.is(sequenceAccuracy(model, x, y), hits / 6);
  }
});

test('SequenceClassifier: input shape errors name the module; scaleRecurrent sets the spread of W_hh', () => {
  manualSeed(0);
  const model = new SequenceClassifier('plain', 3, 400, 2);
  assert.throws(
    () => model.unroll(randn([2, 3])),
    /SequenceClassifier: expected input of shape \[N, T, 3\], got \[2, 3\]/,
  );
  scaleRecurrent(model, 3);
  const w = model.cell.weightHh.data;
  const sd = Math.sqrt(Array.from(w).reduce((s, v) => s + v * v, 0) / w.length);
  assert.ok(Math.abs(sd - 3 / Math.sqrt(400)) < 0.01 * (3 / Math.sqrt(400)), `sd ${sd}`);
  assert.match(String(model), /kind=plain/);
});

test.run();
