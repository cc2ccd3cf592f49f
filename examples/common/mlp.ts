/**
 * What the batch-normalization experiments (C7 to C10) share: MNIST digits at
 * the run's resolution, multilayer perceptrons with and without BatchNorm built
 * from the framework's own modules, one seeded mini-batch SGD loop that
 * evaluates on a schedule, and the statistics over seeds.
 */
import { type Generator, noGrad, type Tensor, tensor, ValueError } from '../../core/index.ts';
import { DataLoader, mnist, TensorDataset } from '../../data/index.ts';
import {
  BatchNorm1d,
  Dropout,
  F,
  init,
  Linear,
  type Module,
  ReLU,
  Sequential,
  Sigmoid,
  Tanh,
} from '../../nn/index.ts';
import { SGD } from '../../optim/index.ts';

// ---------------------------------------------------------------- data

/**
 * The size of an MNIST MLP experiment in one mode: digits of `side` x `side` pixels, `hidden` units
 * per layer, `train` and `test` examples, at most `steps` steps per run, `seeds` seeds per arm.
 */
export interface MlpSize {
  side: 14 | 28;
  hidden: number;
  train: number;
  test: number;
  /** Step cap of every run. */
  steps: number;
  seeds: number;
}

export interface Digits {
  trainX: Tensor;
  trainY: Tensor;
  testX: Tensor;
  testY: Tensor;
  /** Image side in pixels: 28 (the originals) or 14 (2 x 2 average pooled). */
  side: 14 | 28;
}

/** 2 x 2 average pooling of flattened 28 x 28 images, [n, 784] -> [n, 196]. */
export function pool2x2(x: Tensor): Tensor {
  if (x.ndim !== 2 || x.shape[1] !== 784) {
    throw new ValueError(
      `pool2x2: expected flattened 28 x 28 images of shape [n, 784], got [${x.shape.join(', ')}]`,
    );
  }
  const n = x.shape[0]!;
  const out = new Float64Array(n * 196);
  for (let s = 0; s < n; s++) {
    for (let r = 0; r < 14; r++) {
      for (let c = 0; c < 14; c++) {
        const p = s * 784 + 2 * r * 28 + 2 * c;
        out[s * 196 + r * 14 + c] = (x.data[p]! + x.data[p + 1]! + x.data[p + 28]! + x.data[p + 29]!) / 4;
      }
    }
  }
  return tensor(out, { shape: [n, 196] });
}

/**
 * A seeded train/test split of `data.mnist`. With side 14 the images are
 * average-pooled to 14 x 14, which makes the first layer four times cheaper;
 * quick runs use it, full runs keep the 28 x 28 originals as the papers did.
 */
export function digits(o: { train: number; test: number; seed: number; side: 14 | 28 }): Digits {
  const s = mnist({ train: o.train, test: o.test, seed: o.seed });
  if (o.side === 28) return { ...s, side: 28 };
  return { trainX: pool2x2(s.trainX), trainY: s.trainY, testX: pool2x2(s.testX), testY: s.testY, side: 14 };
}

// ---------------------------------------------------------------- models

export type Activation = 'sigmoid' | 'relu' | 'tanh';

export interface MlpOptions {
  /** Layer widths from input to output, e.g. [784, 100, 100, 100, 10]. */
  sizes: readonly number[];
  activation: Activation;
  /**
   * Linear -> BatchNorm1d -> activation in every hidden layer. The Linear then
   * has no bias: BN's mean subtraction cancels it and β takes its place (C6).
   */
  batchNorm?: boolean;
  /** Dropout with this probability after every hidden activation (0 or absent: none). */
  dropout?: number;
  /** Every Linear weight is this multiple of PyTorch's default draw U(±1/sqrt(fanIn)); 1 by default. */
  weightScale?: number;
  /** Draw every Linear weight from N(0, weightStd²) instead of the default. */
  weightStd?: number;
  /**
   * 'xavier': Glorot and Bengio's U(±sqrt(6 / (fanIn + fanOut))) weights and zero biases, the scale
   * meant for sigmoid and tanh units; PyTorch's default U(±1/sqrt(fanIn)) when absent.
   */
  init?: 'default' | 'xavier';
  /** Source of the dropout masks (the global generator if absent). */
  generator?: Generator;
}

function activation(a: Activation): Module {
  return a === 'sigmoid' ? new Sigmoid() : a === 'relu' ? new ReLU() : new Tanh();
}

/**
 * A multilayer perceptron as nn.Sequential: each hidden layer is Linear, then
 * BatchNorm1d if asked, the activation, then Dropout if asked; the last layer
 * is a plain Linear producing the logits. Weights are drawn from the global
 * generator, so call `manualSeed` first for a reproducible model.
 */
export function mlp(o: MlpOptions): Sequential {
  if (o.sizes.length < 2)
    throw new ValueError(`mlp: sizes needs at least 2 widths, got [${o.sizes.join(', ')}]`);
  const layers: Module[] = [];
  const last = o.sizes.length - 2;
  for (let i = 0; i <= last; i++) {
    const hidden = i < last;
    const lin = new Linear(o.sizes[i]!, o.sizes[i + 1]!, { bias: !(hidden && o.batchNorm) });
    if (o.init === 'xavier') {
      init.xavierUniform_(lin.weight);
      if (lin.bias) init.zeros_(lin.bias);
    } else if (o.weightStd !== undefined) init.normal_(lin.weight, 0, o.weightStd);
    else if (o.weightScale !== undefined && o.weightScale !== 1) {
      const s = o.weightScale;
      noGrad(() => lin.weight.data.forEach((v, k, w) => (w[k] = s * v)));
    }
    layers.push(lin);
    if (!hidden) break;
    if (o.batchNorm) layers.push(new BatchNorm1d(o.sizes[i + 1]!));
    layers.push(activation(o.activation));
    if (o.dropout) layers.push(new Dropout(o.dropout, o.generator ? { generator: o.generator } : {}));
  }
  return new Sequential(...layers);
}

/** "784-100-100-10 sigmoid, BN before each hidden activation" style summary of an architecture. */
export function describeMlp(o: MlpOptions): string {
  const parts = [`${o.sizes.join('-')} ${o.activation}`];
  if (o.batchNorm) parts.push('BatchNorm1d between each hidden Linear (no bias) and its activation');
  if (o.dropout) parts.push(`dropout p = ${o.dropout} after each hidden activation`);
  if (o.init === 'xavier') parts.push('Xavier (Glorot) uniform weights, zero biases');
  return parts.join(', ');
}

/** The Linear layers of a model built by `mlp`, input side first. */
export function linears(model: Sequential): Linear[] {
  return [...model].filter((m): m is Linear => m instanceof Linear);
}

// ---------------------------------------------------------------- training

export interface EvalPoint {
  step: number;
  /** Accuracy on the evaluation set, in percent. */
  accuracy: number;
  /** Mean cross-entropy on the evaluation set (nats). */
  loss: number;
}

/** Accuracy (%) and mean cross-entropy of the model in eval mode, in chunks of 1000 samples. */
export function evaluate(model: Module, x: Tensor, y: Tensor): { accuracy: number; loss: number } {
  const wasTraining = model.training;
  model.eval();
  let correct = 0;
  let lossSum = 0;
  const n = x.shape[0]!;
  noGrad(() => {
    for (let start = 0; start < n; start += 1000) {
      const end = Math.min(n, start + 1000);
      const logits = model.forward(x.narrow(0, start, end - start)) as Tensor;
      const target = y.narrow(0, start, end - start);
      lossSum += F.crossEntropy(logits, target, { reduction: 'sum' }).item();
      const pred = logits.argmax(1).data;
      for (let i = 0; i < end - start; i++) if (pred[i] === target.data[i]) correct++;
    }
  });
  model.train(wasTraining);
  return { accuracy: (100 * correct) / n, loss: lossSum / n };
}

export interface TrainOptions {
  model: Module;
  x: Tensor;
  y: Tensor;
  lr: number;
  momentum?: number;
  batchSize: number;
  /** Number of SGD steps (mini-batches); epochs repeat as needed. */
  steps: number;
  /** Seeds the order of the mini-batches. */
  seed: number;
  /** Steps after which to evaluate on (evalX, evalY); step 0 is before any update. */
  evalAt?: readonly number[];
  evalX?: Tensor;
  evalY?: Tensor;
  /** Stop after the first evaluation whose accuracy (%) reaches this. */
  stopAtAccuracy?: number;
  /** Called after every step with the step number (1-based) and the mini-batch loss. */
  onStep?(step: number, loss: number): void;
  /** Called before every step with the number of steps taken so far (e.g. to set modules' modes). */
  beforeStep?(step: number): void;
}

export interface TrainRun {
  /** Mini-batch training loss of every step, in train mode. */
  losses: number[];
  curve: EvalPoint[];
  /** True when the loss became NaN or infinite; training stops there. */
  diverged: boolean;
  /** Steps actually taken. */
  steps: number;
  /**
   * Wall-clock milliseconds spent in steps 1..k (index k - 1), evaluations left
   * out. Not reproducible: report it only among an experiment's timings.
   */
  trainMs: number[];
}

/**
 * Mini-batch SGD on cross-entropy, as a PyTorch user would write it: shuffle
 * each epoch, zeroGrad, forward, backward, step. Stops early if the loss is no
 * longer finite.
 */
export function train(o: TrainOptions): TrainRun {
  const loader = new DataLoader(new TensorDataset(o.x, o.y), {
    batchSize: o.batchSize,
    shuffle: true,
    dropLast: true,
    seed: o.seed,
  });
  if (loader.length === 0) {
    throw new ValueError(
      `train: batchSize ${o.batchSize} is larger than the ${o.x.shape[0]} training samples`,
    );
  }
  const opt = new SGD(o.model.parameters(), { lr: o.lr, momentum: o.momentum ?? 0 });
  const evalAt = new Set(o.evalAt ?? []);
  const run: TrainRun = { losses: [], curve: [], diverged: false, steps: 0, trainMs: [] };
  let reached = false;
  const evalNow = (step: number) => {
    if (!evalAt.has(step) || !o.evalX || !o.evalY) return;
    const point = { step, ...evaluate(o.model, o.evalX, o.evalY) };
    run.curve.push(point);
    if (o.stopAtAccuracy !== undefined && point.accuracy >= o.stopAtAccuracy) reached = true;
  };
  o.model.train();
  evalNow(0);
  let step = 0;
  let ms = 0;
  while (step < o.steps && !run.diverged && !reached) {
    for (const [xb, yb] of loader) {
      o.beforeStep?.(step);
      const t0 = performance.now();
      opt.zeroGrad();
      const loss = F.crossEntropy(o.model.forward(xb) as Tensor, yb);
      const value = loss.item();
      step++;
      run.losses.push(value);
      if (!Number.isFinite(value)) {
        run.diverged = true;
        break;
      }
      loss.backward();
      opt.step();
      ms += performance.now() - t0;
      run.trainMs.push(ms);
      o.onStep?.(step, value);
      evalNow(step);
      if (step >= o.steps || reached) break;
    }
  }
  run.steps = step;
  return run;
}

/**
 * When to evaluate a run of `steps` steps: every `every` steps up to 20 ·
 * every, then every 2.5 · every, then every 5 · every, so early progress is
 * resolved finely and long runs stay cheap.
 */
export function evalSchedule(steps: number, every: number): number[] {
  const out = [0];
  let s = 0;
  while (s < steps) {
    s += s < 20 * every ? every : s < 50 * every ? Math.round(2.5 * every) : 5 * every;
    out.push(Math.min(s, steps));
  }
  return [...new Set(out)];
}

/** The first evaluated step at which accuracy reached `target` (%), or null. */
export function stepsToTarget(curve: readonly EvalPoint[], target: number): number | null {
  return curve.find((p) => p.accuracy >= target)?.step ?? null;
}

// ---------------------------------------------------------------- statistics over seeds

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Standard deviation over seeds (divide by n - 1; 0 for one value). */
export function sd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
}

/** "m ± sd (min to max)" for a table cell. */
export function spread(xs: readonly number[], digits = 3): string {
  const f = (v: number) => String(Number(v.toPrecision(digits)));
  if (xs.length === 1) return f(xs[0]!);
  const m = mean(xs);
  // Equal values give an sd of rounding noise (1e-15); print it as 0.
  const s = sd(xs) <= 1e-12 * Math.max(1, Math.abs(m)) ? 0 : sd(xs);
  return `${f(m)} ± ${f(s)} (${f(Math.min(...xs))} to ${f(Math.max(...xs))})`;
}

/** The seeds of a run with `n` repetitions under the experiment's --seed: s·1000 + 1, ..., s·1000 + n. */
export function runSeeds(base: number, n: number): number[] {
  return Array.from({ length: n }, (_, k) => base * 1000 + k + 1);
}
