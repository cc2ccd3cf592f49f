/**
 * saturating-activations' arms and what it measures on each: the probe of
 * per-layer gradient norms and saturated fractions on a fixed batch, one
 * training run of the deep sigmoid network, and an arm's learning-rate search
 * and runs over the seeds. The experiment's constants come in through
 * `Setting`; its criteria and verdicts stay in examples/saturating-activations.ts.
 */
import { manualSeed, noGrad, type Tensor } from '../../core/index.ts';
import { BatchNorm1d, F, type Sequential, Sigmoid } from '../../nn/index.ts';
import {
  type Digits,
  evalSchedule,
  linears,
  type MlpOptions,
  type MlpSize,
  mean,
  mlp,
  type TrainRun,
  train,
} from '../common/mlp.ts';

export interface Size extends MlpSize {
  lrs: number[];
}

/** What every run of the experiment shares: the digits, the probe batch, the size and the constants fixed before the run. */
export interface Setting {
  data: Digits;
  probeX: Tensor;
  probeY: Tensor;
  size: Size;
  /** Hidden sigmoid layers. */
  depth: number;
  /** A unit is saturated on a sample when its sigmoid output is outside [satLo, 1 - satLo]. */
  satLo: number;
  momentum: number;
  batch: number;
  /** The final training loss (for picking the learning rate) is the mean over this last share of the steps. */
  finalShare: number;
}

// ---------------------------------------------------------------- probes

interface Probe {
  /** Frobenius norm of the gradient of each Linear weight (hidden layers, then the output layer). */
  gradNorms: number[];
  /** Fraction of (sample, unit) pairs saturated, per hidden layer. */
  saturated: number[];
  /** Mean sigmoid output per hidden layer. */
  meanOutput: number[];
}

/**
 * Forward and backward on the fixed probe batch in train mode (BN uses that
 * batch's statistics, as in training), recording each sigmoid layer's output;
 * BN's running statistics are restored afterwards so probing leaves training
 * untouched. A unit is saturated when its output is outside [satLo, 1 - satLo].
 */
export function probe(model: Sequential, x: Tensor, y: Tensor, satLo: number): Probe {
  const bns = [...model].filter((m): m is BatchNorm1d => m instanceof BatchNorm1d);
  const saved = bns.map((b) => [
    b.runningMean!.data.slice(),
    b.runningVar!.data.slice(),
    b.numBatchesTracked!.data.slice(),
  ]);
  model.train();
  model.zeroGrad();
  const saturated: number[] = [];
  const meanOutput: number[] = [];
  let h = x;
  for (const m of model) {
    h = m.forward(h) as Tensor;
    if (m instanceof Sigmoid) {
      let sat = 0;
      let sum = 0;
      for (const v of h.data) {
        if (v < satLo || v > 1 - satLo) sat++;
        sum += v;
      }
      saturated.push(sat / h.numel());
      meanOutput.push(sum / h.numel());
    }
  }
  F.crossEntropy(h, y).backward();
  const gradNorms = linears(model).map((l) => norm(l.weight.grad!));
  model.zeroGrad();
  noGrad(() =>
    bns.forEach((b, k) => {
      b.runningMean!.data.set(saved[k]![0]!);
      b.runningVar!.data.set(saved[k]![1]!);
      b.numBatchesTracked!.data.set(saved[k]![2]!);
    }),
  );
  return { gradNorms, saturated, meanOutput };
}

function norm(t: Tensor): number {
  let s = 0;
  for (const v of t.data) s += v * v;
  return Math.sqrt(s);
}

// ---------------------------------------------------------------- runs

export interface Arm {
  /** Initial weight scale, as a multiple of PyTorch's default draw U(±1/sqrt(fanIn)). */
  scale: number;
  batchNorm: boolean;
}

export function architecture(size: Size, a: Arm, depth: number): MlpOptions {
  return {
    sizes: [size.side * size.side, ...Array<number>(depth).fill(size.hidden), 10],
    activation: 'sigmoid',
    batchNorm: a.batchNorm,
    weightScale: a.scale,
  };
}

interface Run {
  lr: number;
  seed: number;
  train: TrainRun;
  atInit: Probe;
  atEnd: Probe;
  /** Per training step, the first and last hidden layers' weight-gradient norms on that step's mini-batch. */
  firstGrad: number[];
  lastGrad: number[];
  finalLoss: number;
  finalAccuracy: number;
}

function runOnce(s: Setting, arm: Arm, lr: number, seed: number, tick: (loss: number) => void): Run {
  manualSeed(seed);
  const model = mlp(architecture(s.size, arm, s.depth));
  const layers = linears(model);
  const atInit = probe(model, s.probeX, s.probeY, s.satLo);
  const firstGrad: number[] = [];
  const lastGrad: number[] = [];
  const run = train({
    model,
    x: s.data.trainX,
    y: s.data.trainY,
    lr,
    momentum: s.momentum,
    batchSize: s.batch,
    steps: s.size.steps,
    seed,
    evalAt: evalSchedule(s.size.steps, Math.max(1, Math.round(s.size.steps / 15))),
    evalX: s.data.testX,
    evalY: s.data.testY,
    onStep: (_step, loss) => {
      firstGrad.push(norm(layers[0]!.weight.grad!));
      lastGrad.push(norm(layers[s.depth - 1]!.weight.grad!));
      tick(loss);
    },
  });
  const atEnd = run.diverged ? atInit : probe(model, s.probeX, s.probeY, s.satLo);
  const k = Math.max(1, Math.round(s.finalShare * run.losses.length));
  const finalLoss = run.diverged ? Number.POSITIVE_INFINITY : mean(run.losses.slice(-k));
  const finalAccuracy = run.curve[run.curve.length - 1]!.accuracy;
  return { lr, seed, train: run, atInit, atEnd, firstGrad, lastGrad, finalLoss, finalAccuracy };
}

export interface ArmResult {
  arm: Arm;
  search: Run[];
  lr: number;
  runs: Run[];
}

/**
 * One arm: the learning-rate grid on the first seed (lowest final training
 * loss; a best rate on the grid's edge extends it once), then the chosen rate
 * on the other seeds. The chosen search run is the first seed's run.
 */
export function runArm(s: Setting, arm: Arm, seeds: number[], tick: (loss: number) => void): ArmResult {
  const one = (lr: number, seed: number) => runOnce(s, arm, lr, seed, tick);
  const search = s.size.lrs.map((lr) => one(lr, seeds[0]!));
  const best = () => search.reduce((a, b) => (b.finalLoss < a.finalLoss ? b : a));
  const sorted = () => [...search].sort((a, b) => a.lr - b.lr);
  if (search.length > 1) {
    const r = sorted();
    const b = best().lr;
    if (b === r[r.length - 1]!.lr)
      search.push(one(Number(((b * b) / r[r.length - 2]!.lr).toPrecision(3)), seeds[0]!));
    else if (b === r[0]!.lr) search.push(one(Number(((b * b) / r[1]!.lr).toPrecision(3)), seeds[0]!));
  }
  const chosen = best();
  const runs = [chosen, ...seeds.slice(1).map((seed) => one(chosen.lr, seed))];
  return { arm, search: sorted(), lr: chosen.lr, runs };
}
