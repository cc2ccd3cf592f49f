/**
 * Internal covariate shift (C4): the Batch Normalization paper's Figure 1 in
 * miniature on real MNIST digits (784-100-100-100-10, sigmoid, batches of 60,
 * SGD), without BN, with BN, and with BN followed by time-varying noise
 * (Santurkar et al. 2018's "noisy BatchNorm"). Tracks the 15th, 50th and 85th
 * percentiles of the inputs to the last hidden layer's sigmoids on a fixed
 * held-out batch, test accuracy, and Santurkar's gradient-based measure.
 *
 *     npx tsx examples/covariate-shift.ts --quick
 */
import { Generator, manualSeed, noGrad, type Tensor, tensor } from '../core/index.ts';
import { mnist } from '../data/index.ts';
import { F, Linear, Module, type Sequential } from '../nn/index.ts';
import { SGD } from '../optim/index.ts';
import { figures as shiftFigures } from './covariate-shift/figures.ts';
import type { Mode } from './lib/args.ts';
import { claim } from './lib/claims.ts';
import { type Experiment, type ExperimentOutput, runMain, type Table } from './lib/experiment.ts';
import { accuracy, batches, forwardWithPreactivations, mlp } from './lib/mnist-mlp.ts';
import { median, quantile } from './lib/stats.ts';
import { combine, fmt, type Verdict } from './lib/verdict.ts';

// ---------------------------------------------------------------- fixed before the run

const SIZES: Record<Mode, { steps: number; every: number; accEvery: number; train: number; test: number }> = {
  tiny: { steps: 20, every: 5, accEvery: 10, train: 600, test: 200 },
  quick: { steps: 500, every: 25, accEvery: 100, train: 8000, test: 2000 },
  full: { steps: 50_000, every: 500, accEvery: 1000, train: 8000, test: 2000 },
};
const WIDTHS = [784, 100, 100, 100, 10];
const BATCH = 60;
const LR = 0.5;
const PERCENTILES = [0.15, 0.5, 0.85] as const;
/** The unit of the last hidden layer whose sigmoid input is drawn (all 100 enter the drift numbers). */
const UNIT = 0;
/** Noisy BN: per layer and step, noise N(m, s²) with m ~ U(-NOISE_MEAN, NOISE_MEAN), s ~ U(NOISE_SD[0], NOISE_SD[1]). */
const NOISE_MEAN = 1;
const NOISE_SD: [number, number] = [0.5, 1.5];

const C4_CRITERION =
  "Drift of a unit's sigmoid input = the largest move of its 15th, 50th or 85th percentile on the held-out " +
  'batch between the checkpoint at 10 % of training and the end, divided by its 15-85 spread at 10 %; ' +
  'the median over the 100 units of the last hidden layer. (i) Without BN the inputs drift: median drift at ' +
  'least 0.25; (ii) BN keeps them steady: median drift with BN at most half of that without. Held if both ' +
  'hold, held partly if one does, did not hold otherwise.';

const SANTURKAR_CRITERION =
  '(i) BN helps: final test accuracy with BN at least 1 point above no BN; (ii) the noise re-injects shift: ' +
  'median drift with BN + noise at least that of no BN; (iii) the benefit survives: BN + noise keeps at least ' +
  "half of BN's accuracy gain over no BN. Held if all three hold, held partly if some do.";

// ---------------------------------------------------------------- noisy BatchNorm

/**
 * Santurkar et al.'s time-varying noise after BN: in training, each activation
 * gets i.i.d. noise N(m_t, s_t²) whose mean and spread are redrawn for every
 * step t (m_t ~ U(-1, 1), s_t ~ U(0.5, 1.5), one pair per layer), so the next
 * layer's input distribution keeps moving however well BN normalized it. One
 * noise sample is drawn per step and reused by every forward in that step.
 * Identity in evaluation.
 */
class ShiftNoise extends Module {
  private mean = 0;
  private sd = 0;
  private sample: Tensor | null = null;

  constructor(private readonly generator: Generator) {
    super();
  }

  /** A new noise distribution for the coming training step. */
  resample(): void {
    this.mean = NOISE_MEAN * (2 * this.generator.random() - 1);
    this.sd = NOISE_SD[0] + (NOISE_SD[1] - NOISE_SD[0]) * this.generator.random();
    this.sample = null;
  }

  forward(x: Tensor): Tensor {
    if (!this.training) return x;
    if (this.sample === null || this.sample.numel() !== x.numel()) {
      const g = this.generator;
      this.sample = tensor(
        Float64Array.from({ length: x.numel() }, () => this.mean + this.sd * g.normal()),
        { shape: x.shape },
      );
    }
    return x.add(this.sample);
  }

  override extraRepr(): string {
    return `mean~U(-${NOISE_MEAN}, ${NOISE_MEAN}), sd~U(${NOISE_SD[0]}, ${NOISE_SD[1]}) per step`;
  }
}

// ---------------------------------------------------------------- measurements

function snapshot(ts: Iterable<Tensor>): [Tensor, Float64Array][] {
  return [...ts].map((t) => [t, Float64Array.from(t.data)]);
}

function restore(s: [Tensor, Float64Array][]): void {
  for (const [t, d] of s) t.data.set(d);
}

/** The 15th, 50th and 85th percentile of every unit's input to the last hidden sigmoid, in training mode. */
function percentiles(model: Sequential, x: Tensor): number[][] {
  const buffers = snapshot(model.buffers()); // a training-mode forward would move the running statistics
  const { preacts } = noGrad(() => forwardWithPreactivations(model, x));
  restore(buffers);
  const z = preacts[preacts.length - 1]!;
  const [n, units] = z.shape as [number, number];
  return Array.from({ length: units }, (_, j) => {
    const col = Float64Array.from({ length: n }, (_, i) => z.data[i * units + j]!);
    return PERCENTILES.map((q) => quantile(col, q));
  });
}

/**
 * Santurkar et al.'s internal covariate shift of the last hidden Linear: its
 * weight gradient G on this batch, and G' on the same batch after the earlier
 * layers have taken their SGD step. Returns ||G - G'|| / ||G|| and cos(G, G').
 */
function gradientShift(model: Sequential, x: Tensor, y: Tensor): { rel: number; abs: number; cos: number } {
  const children = [...model];
  const linearIdx = children.flatMap((m, i) => (m instanceof Linear ? [i] : []));
  const target = children[linearIdx[linearIdx.length - 2]!] as Linear; // the last hidden Linear
  const earlier = children.slice(0, linearIdx[linearIdx.length - 2]!).flatMap((m) => [...m.parameters()]);
  const saved = snapshot([...model.parameters(), ...model.buffers()]);
  const gradOf = (): Float64Array => {
    model.zeroGrad();
    F.crossEntropy(model.forward(x), y).backward();
    return Float64Array.from(target.weight.grad!.data);
  };
  const g = gradOf();
  noGrad(() => {
    for (const p of earlier)
      for (let k = 0; k < p.numel(); k++) p.data[k] = p.data[k]! - LR * p.grad!.data[k]!;
  });
  const g2 = gradOf();
  restore(saved);
  model.zeroGrad();
  let dot = 0;
  let nn = 0;
  let n2 = 0;
  let diff = 0;
  for (let k = 0; k < g.length; k++) {
    dot += g[k]! * g2[k]!;
    nn += g[k]! ** 2;
    n2 += g2[k]! ** 2;
    diff += (g[k]! - g2[k]!) ** 2;
  }
  return { rel: Math.sqrt(diff / nn), abs: Math.sqrt(diff), cos: dot / Math.sqrt(nn * n2) };
}

interface Checkpoint {
  step: number;
  /** [unit][percentile] */
  pct: number[][];
  grad: { rel: number; abs: number; cos: number };
}

export interface ArmRun {
  arm: string;
  checkpoints: Checkpoint[];
  acc: { step: number; acc: number }[];
  finalAcc: number;
  /** Drift of each unit (see C4_CRITERION). */
  drift: number[];
  /** The same moves in sigmoid-input units, not divided by the spread. */
  driftAbs: number[];
  seconds: number;
}

/**
 * How far each unit's percentiles move from the checkpoint at 10 % of training
 * to the end: in sigmoid-input units (abs) and over the unit's 15-85 spread at 10 % (rel).
 */
function drifts(cps: Checkpoint[], steps: number): { rel: number[]; abs: number[] } {
  const from = cps.find((c) => c.step >= 0.1 * steps)!;
  const to = cps[cps.length - 1]!;
  const abs = from.pct.map((p, j) => Math.max(...p.map((v, k) => Math.abs(to.pct[j]![k]! - v))));
  return { abs, rel: abs.map((a, j) => a / (from.pct[j]![2]! - from.pct[j]![0]!)) };
}

// ---------------------------------------------------------------- one arm

interface ArmSpec {
  name: string;
  bn: boolean;
  noise: boolean;
}

const ARMS: ArmSpec[] = [
  { name: 'no BN', bn: false, noise: false },
  { name: 'BN', bn: true, noise: false },
  { name: 'BN + noise', bn: true, noise: true },
];

function runArm(
  spec: ArmSpec,
  data: ReturnType<typeof mnist>,
  size: (typeof SIZES)[Mode],
  seed: number,
  progress: (step: number, loss: number) => void,
): ArmRun {
  const start = performance.now();
  const noiseGen = new Generator(seed + 100);
  const noises: ShiftNoise[] = [];
  // Every arm draws its Linear weights from the same seed, so all three start from the same weights.
  manualSeed(seed);
  const model = mlp({
    sizes: WIDTHS,
    activation: 'sigmoid',
    norm: spec.bn ? 'batch' : 'none',
    init: 'xavier',
    ...(spec.noise
      ? {
          afterNorm: () => {
            const m = new ShiftNoise(noiseGen);
            noises.push(m);
            return m;
          },
        }
      : {}),
  });
  const opt = new SGD(model.parameters(), { lr: LR });
  const stream = batches(data.trainX, data.trainY, BATCH, seed);
  const heldX = data.testX.narrow(0, 0, BATCH);
  const accX = data.testX.narrow(0, 0, Math.min(1000, data.testX.shape[0]!));
  const accY = data.testY.narrow(0, 0, accX.shape[0]!);
  const checkpoints: Checkpoint[] = [];
  const acc: { step: number; acc: number }[] = [];
  for (let step = 0; step <= size.steps; step++) {
    for (const m of noises) m.resample();
    const [bx, by] = stream.next().value as [Tensor, Tensor];
    if (step % size.every === 0 || step === size.steps) {
      checkpoints.push({ step, pct: percentiles(model, heldX), grad: gradientShift(model, bx, by) });
    }
    if (step % size.accEvery === 0 || step === size.steps)
      acc.push({ step, acc: accuracy(model, accX, accY) });
    if (step === size.steps) break;
    opt.zeroGrad();
    const loss = F.crossEntropy(model.forward(bx), by);
    loss.backward();
    opt.step();
    if (step % 10 === 0) progress(step, loss.item());
  }
  const { rel, abs } = drifts(checkpoints, size.steps);
  return {
    arm: spec.name,
    checkpoints,
    acc,
    finalAcc: accuracy(model, data.testX, data.testY),
    drift: rel,
    driftAbs: abs,
    seconds: (performance.now() - start) / 1000,
  };
}

// ---------------------------------------------------------------- the experiment

export const covariateShift: Experiment = {
  name: 'covariate-shift',
  title: 'Internal covariate shift: does BatchNorm steady the inputs of a layer, and is that why it helps?',
  claims: ['C4'],
  description: `The Batch Normalization paper (Ioffe & Szegedy 2015, Figure 1) trained a small sigmoid network on MNIST and plotted, over training, the 15th, 50th and 85th percentiles of the input to one sigmoid of the last hidden layer: without BN they wander, with BN they stay put. We repeat it in miniature on real MNIST digits (\`data.mnist\`): 784-100-100-100-10 with sigmoid hidden units, mini-batches of ${BATCH}, plain SGD with learning rate ${LR}. The paper gives no learning rate or initialization; we chose learning rate ${LR} and Glorot (Xavier) uniform weights with zero biases, the initialization meant for sigmoid units, because with PyTorch's default initialization the network without BN stays on its initial plateau for longer than the quick run lasts. All arms start from the same weights and see the same batches. With BN, the hidden Linears have no bias (BN's β replaces it, see C6).

The percentiles are measured every few steps on a fixed held-out batch of ${BATCH} test images, in training mode (so BN uses that batch's statistics, and the noisy arm its current noise). One unit is drawn; the drift numbers cover all 100 units of the layer.

Santurkar et al. (2018, "How does batch normalization help optimization?") questioned this explanation: they injected noise with a non-zero mean and non-unit variance that changes at every step right after each BN layer, which re-creates a moving input distribution, and found BN's benefit intact. Our third arm does the same: after each BN, noise N(m, s²) with m ~ U(−${NOISE_MEAN}, ${NOISE_MEAN}) and s ~ U(${NOISE_SD[0]}, ${NOISE_SD[1]}) redrawn per layer and per step (our choice of distribution; the paper's exact parameters are not reproduced). We also report their gradient-based measure of internal covariate shift: the change in the last hidden layer's weight gradient when the earlier layers take their step, ||G − G'|| / ||G|| and cos(G, G'), on the same batch.`,
  fullModeTime:
    'about 45 minutes on 2 cores for 50,000 steps per arm as in the paper, estimated from the time per step of the quick run',
  async run(ctx): Promise<ExperimentOutput> {
    const size = SIZES[ctx.mode];
    const data = mnist({ train: size.train, test: size.test, seed: ctx.seed });
    const runs: ArmRun[] = [];
    for (const spec of ARMS) {
      const bar = ctx.progress(`covariate-shift: ${spec.name}`, size.steps);
      runs.push(runArm(spec, data, size, ctx.seed, (s, l) => bar.update(s, l)));
      bar.update(size.steps);
      bar.stop();
    }
    const [plain, bn, noisy] = runs as [ArmRun, ArmRun, ArmRun];
    const md = (r: ArmRun) => median(r.drift);
    const gradRel = (r: ArmRun) => median(r.checkpoints.slice(1).map((c) => c.grad.rel));
    const gradCos = (r: ArmRun) => median(r.checkpoints.slice(1).map((c) => c.grad.cos));

    // ---- verdicts
    const partDrift = md(plain) >= 0.25;
    const partSteady = md(bn) <= 0.5 * md(plain);
    const article: Verdict = {
      claim: 'C4',
      statement: `${claim('C4').summary} (Ioffe & Szegedy's Figure 1)`,
      criterion: C4_CRITERION,
      numbers: {
        'median drift, no BN': md(plain),
        'median drift, BN': md(bn),
        'median drift, BN + noise': md(noisy),
        'median drift in sigmoid-input units, no BN / BN': `${fmt(median(plain.driftAbs))} / ${fmt(median(bn.driftAbs))}`,
        [`drift of the drawn unit ${UNIT}, no BN / BN`]: `${fmt(plain.drift[UNIT]!)} / ${fmt(bn.drift[UNIT]!)}`,
        'final test accuracy, no BN': plain.finalAcc,
        'final test accuracy, BN': bn.finalAcc,
      },
      verdict: combine([partDrift, partSteady]),
      notes: `Conditions: (i) ${partDrift ? 'held' : 'did not hold'}, (ii) ${partSteady ? 'held' : 'did not hold'}. Training ran for ${size.steps} steps (the paper: 50,000).`,
    };
    const gain = bn.finalAcc - plain.finalAcc;
    const partHelps = gain >= 0.01;
    const partShift = md(noisy) >= md(plain);
    const partSurvives = noisy.finalAcc - plain.finalAcc >= 0.5 * gain && gain > 0;
    const santurkar: Verdict = {
      claim: 'C4',
      statement:
        "The later critique (Santurkar et al. 2018): BN's benefit persists when noise re-injects the shift, so " +
        'steadier distributions are not why BN helps',
      criterion: SANTURKAR_CRITERION,
      numbers: {
        'final test accuracy, no BN': plain.finalAcc,
        'final test accuracy, BN': bn.finalAcc,
        'final test accuracy, BN + noise': noisy.finalAcc,
        'median drift, BN + noise': md(noisy),
        'median drift, no BN': md(plain),
        'median ||G − G′|| / ||G||, no BN': gradRel(plain),
        'median ||G − G′|| / ||G||, BN': gradRel(bn),
        'median ||G − G′|| / ||G||, BN + noise': gradRel(noisy),
        'median cos(G, G′), no BN': gradCos(plain),
        'median cos(G, G′), BN': gradCos(bn),
        'median cos(G, G′), BN + noise': gradCos(noisy),
      },
      verdict: combine([partHelps, partShift, partSurvives]),
      notes:
        `Conditions: (i) ${partHelps ? 'held' : 'did not hold'}, (ii) ${partShift ? 'held' : 'did not hold'}, ` +
        `(iii) ${partSurvives ? 'held' : 'did not hold'}. ${
          partShift
            ? ''
            : 'The injected noise moved the distributions less than the network without BN moved its own, so ' +
              'this run does not show that BN survives a shift as large as the natural one. '
        }The gradient-based measure is Santurkar et al.'s ` +
        "definition of internal covariate shift: how much the last hidden layer's gradient changes when the " +
        'layers below it take their step; a smaller relative change and a cosine nearer 1 mean less shift.',
    };

    // ---- table and figures
    const table: Table = {
      title: 'Per arm',
      claims: ['C4'],
      columns: [
        'arm',
        'final test accuracy',
        'median drift (100 units)',
        'median drift, sigmoid-input units',
        `drift of unit ${UNIT}`,
        'median ||G − G′|| / ||G||',
        'median cos(G, G′)',
      ],
      rows: runs.map((r) => [r.arm, r.finalAcc, md(r), r.drift[UNIT]!, gradRel(r), gradCos(r)]),
    };
    const figures = shiftFigures({ runs, unit: UNIT, batch: BATCH, accEvery: size.accEvery });
    return {
      setup: {
        data: `MNIST digits from data.mnist: ${size.train} for training, ${size.test} for testing, 28 x 28`,
        network: '784-100-100-100-10, sigmoid hidden units',
        'BN arms': 'BatchNorm1d after each hidden Linear (no bias there), before the sigmoid',
        'noisy arm': `after each BN: + N(m, s²), m ~ U(−${NOISE_MEAN}, ${NOISE_MEAN}), s ~ U(${NOISE_SD[0]}, ${NOISE_SD[1]}), redrawn per layer and step`,
        initialization: 'Glorot (Xavier) uniform weights, zero biases; the same weights in every arm',
        optimizer: `SGD, learning rate ${LR}, no momentum`,
        'batch size': BATCH,
        'training steps per arm': size.steps,
        'percentiles measured every': `${size.every} steps, on ${BATCH} held-out test images`,
        'test accuracy measured every': `${size.accEvery} steps, on up to 1,000 test images (final: all ${size.test})`,
        'drawn unit': UNIT,
      },
      verdicts: [article, santurkar],
      figures,
      tables: [table],
      timings: Object.fromEntries(runs.map((r) => [`seconds, ${r.arm}`, Number(r.seconds.toFixed(2))])),
    };
  },
};

runMain(covariateShift, import.meta.url);
