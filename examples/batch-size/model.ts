/**
 * The training and measurement code of the batch-size experiment
 * (examples/batch-size.ts): one 784-H-H-10 network trained per arm, batch
 * size and seed, and the C12 probes that put single test digits into
 * different batches and check LayerNorm against its per-sample formula.
 */
import { manualSeed, noGrad, type Tensor, tensor } from '../../core/index.ts';
import { DataLoader, type MnistSplit, TensorDataset } from '../../data/index.ts';
import { F, type LayerNorm, type Linear, type Sequential } from '../../nn/index.ts';
import { Adam } from '../../optim/index.ts';
import {
  accuracy,
  evalLogits,
  inMode,
  type NormKind,
  normMlp,
  type OutputGap,
  outputGap,
  trainModeLogits,
} from '../common/norm-mlp.ts';

export interface Size {
  hidden: number;
  train: number;
  test: number;
  epochs: number;
  /** Every run takes at least this many steps (more epochs for large batches), see MIN_STEPS_WHY. */
  minSteps: number;
  batchSizes: number[];
  seeds: number;
  /** Test samples whose outputs are compared across batch compositions (C12). */
  probes: number;
}

// ---------------------------------------------------------------- training

export interface RunResult {
  kind: NormKind;
  batchSize: number;
  seed: number;
  /** Test accuracy in eval mode, %. */
  testAcc: number;
  /** Test accuracy in train mode (batch statistics over test batches of `batchSize`), %. */
  trainModeAcc: number;
  /** Train-mode against eval-mode outputs on the test set. */
  gap: OutputGap;
  finalLoss: number;
  model: Sequential;
}

export function seedFor(base: number, replicate: number): number {
  return base * 1000 + replicate;
}

export const MIN_STEPS_WHY =
  "BN's running averages keep 0.9^k of their starting values (mean 0, variance 1) after k steps with momentum " +
  '0.1, so a run of a dozen steps would be evaluated with statistics that are mostly its initialization';

export function stepsPerRun(size: Size, batchSize: number): number {
  return Math.max(size.epochs * Math.floor(size.train / batchSize), size.minSteps);
}

export function trainOne(
  kind: NormKind,
  batchSize: number,
  seed: number,
  data: MnistSplit,
  size: Size,
  lr: number,
  onStep: (loss: number) => void,
): RunResult {
  // The same seed gives the three kinds identical Linear weights and identical batches.
  manualSeed(seed);
  const model = normMlp(kind, size.hidden);
  const opt = new Adam(model.parameters(), { lr });
  const loader = new DataLoader(new TensorDataset(data.trainX, data.trainY), {
    batchSize,
    shuffle: true,
    dropLast: true,
    seed,
  });
  const tail: number[] = [];
  const steps = stepsPerRun(size, batchSize);
  for (let step = 0; step < steps; ) {
    for (const [x, y] of loader) {
      opt.zeroGrad();
      const loss = F.crossEntropy(model.forward(x!), y!);
      loss.backward();
      opt.step();
      tail.push(loss.item());
      if (tail.length > 50) tail.shift();
      onStep(tail[tail.length - 1]!);
      if (++step === steps) break;
    }
  }
  const evalOut = evalLogits(model, data.testX);
  const trainOut = trainModeLogits(model, data.testX, batchSize);
  return {
    kind,
    batchSize,
    seed,
    testAcc: 100 * accuracy(evalOut, data.testY),
    trainModeAcc: 100 * accuracy(trainOut, data.testY),
    gap: outputGap(trainOut, evalOut),
    finalLoss: tail.reduce((a, b) => a + b, 0) / tail.length,
    model,
  };
}

// ---------------------------------------------------------------- C12 probes

/** The batch contexts a probe sample is put in: how many other test samples share its batch. */
export const CONTEXTS = [
  { label: 'alone', others: 0, offset: 0 },
  { label: '+ 1 other (a)', others: 1, offset: 0 },
  { label: '+ 1 other (b)', others: 1, offset: 1 },
  { label: '+ 7 others', others: 7, offset: 2 },
  { label: '+ 127 others', others: 127, offset: 9 },
];

/**
 * Train-mode logits of sample `i` of `x` when its batch holds it followed by
 * `others` other samples of `pool` (taken cyclically from `offset`), or null
 * when the model cannot take such a batch (BN with a batch of one).
 */
function logitsInContext(
  model: Sequential,
  x: Tensor,
  i: number,
  pool: Tensor,
  others: number,
  offset: number,
  kind: NormKind,
): Float64Array | null {
  if (kind === 'batchnorm' && others === 0) return null;
  const f = x.shape[1]!;
  const batch = new Float64Array((others + 1) * f);
  batch.set(x.data.subarray(i * f, (i + 1) * f), 0);
  const n = pool.shape[0]!;
  for (let k = 0; k < others; k++) {
    const j = (offset + k * 7 + i + 1) % n;
    batch.set(pool.data.subarray(j * f, (j + 1) * f), (k + 1) * f);
  }
  const t = tensor(batch, { shape: [others + 1, f] });
  const saved = [...model.namedBuffers()].map(([, b]) => [b, Float64Array.from(b.data)] as const);
  try {
    const out = noGrad(() => inMode(model, true, () => model.forward(t)));
    return Float64Array.from(out.data.subarray(0, out.shape[1]!));
  } finally {
    for (const [b, d] of saved) b.data.set(d);
  }
}

export interface ProbeResult {
  /** Largest |logit difference| of a probe sample between any two contexts. */
  maxContextDiff: number;
  /** Fraction of probe samples whose predicted class changes with the context. */
  flipRate: number;
  /** Softmax probabilities of probe 0 per context (and eval mode), for the heat map. */
  probe0: { context: string; probs: number[] }[];
}

function argmax(v: ArrayLike<number>): number {
  let b = 0;
  for (let j = 1; j < v.length; j++) if (v[j]! > v[b]!) b = j;
  return b;
}

function softmaxRow(v: ArrayLike<number>): number[] {
  const m = Math.max(...Array.from(v));
  const e = Array.from(v, (z) => Math.exp(z - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((z) => z / s);
}

export function probeContexts(
  model: Sequential,
  kind: NormKind,
  x: Tensor,
  probes: number,
  pool: Tensor,
): ProbeResult {
  let maxDiff = 0;
  let flips = 0;
  const probe0: ProbeResult['probe0'] = [];
  for (let i = 0; i < probes; i++) {
    const outs = CONTEXTS.map((c) => logitsInContext(model, x, i, pool, c.others, c.offset, kind));
    const present = outs.filter((o): o is Float64Array => o !== null);
    for (const a of present) {
      for (const b of present)
        for (let j = 0; j < a.length; j++) maxDiff = Math.max(maxDiff, Math.abs(a[j]! - b[j]!));
    }
    if (new Set(present.map(argmax)).size > 1) flips++;
    if (i === 0) {
      for (const [k, o] of outs.entries())
        if (o !== null) probe0.push({ context: CONTEXTS[k]!.label, probs: softmaxRow(o) });
      const ev = evalLogits(model, x.narrow(0, 0, 1));
      probe0.push({ context: 'eval mode', probs: softmaxRow(ev.data) });
    }
  }
  return { maxContextDiff: maxDiff, flipRate: flips / probes, probe0 };
}

/**
 * The first LN layer's output on x against the per-sample formula and, for
 * contrast, the per-feature (batch) formula, both in plain loops.
 */
export function layerNormFormulaCheck(
  model: Sequential,
  x: Tensor,
): { perSample: number; perFeature: number } {
  const lin = model.at(0) as Linear;
  const ln = model.at(1) as LayerNorm;
  const z = noGrad(() => lin.forward(x));
  const y = noGrad(() => ln.forward(z));
  const [n, h] = z.shape as [number, number];
  const g = ln.weight!.data;
  const b = ln.bias!.data;
  let perSample = 0;
  for (let i = 0; i < n; i++) {
    let mu = 0;
    for (let j = 0; j < h; j++) mu += z.data[i * h + j]!;
    mu /= h;
    let v = 0;
    for (let j = 0; j < h; j++) v += (z.data[i * h + j]! - mu) ** 2;
    v /= h;
    for (let j = 0; j < h; j++) {
      const want = (g[j]! * (z.data[i * h + j]! - mu)) / Math.sqrt(v + ln.eps) + b[j]!;
      perSample = Math.max(perSample, Math.abs(want - y.data[i * h + j]!));
    }
  }
  let perFeature = 0;
  for (let j = 0; j < h; j++) {
    let mu = 0;
    for (let i = 0; i < n; i++) mu += z.data[i * h + j]!;
    mu /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (z.data[i * h + j]! - mu) ** 2;
    v /= n;
    for (let i = 0; i < n; i++) {
      const want = (g[j]! * (z.data[i * h + j]! - mu)) / Math.sqrt(v + ln.eps) + b[j]!;
      perFeature = Math.max(perFeature, Math.abs(want - y.data[i * h + j]!));
    }
  }
  return { perSample, perFeature };
}

/** Fraction of BN-normalized values (before γ, β) within 1e-3 of ±1 for batches of two training samples. */
export function pairNormalizedAtOne(model: Sequential, x: Tensor, pairs: number): number {
  const lin = model.at(0) as Linear;
  let near = 0;
  let total = 0;
  for (let p = 0; p < pairs; p++) {
    const z = noGrad(() => lin.forward(x.narrow(0, 2 * p, 2)));
    const xhat = noGrad(() => F.batchNorm(z, null, null, { training: true }));
    for (const v of xhat.data) {
      total++;
      if (Math.abs(Math.abs(v) - 1) < 1e-3) near++;
    }
  }
  return near / total;
}
