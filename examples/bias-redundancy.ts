/**
 * What BatchNorm computes (C5) and why the bias before it is redundant (C6):
 * BN's batch statistics, the identity it can represent, the output and
 * gradient of a Linear bias under BN, and two MNIST training runs from
 * identical weights, with and without that bias, against the same pair without BN.
 *
 *     npx tsx examples/bias-redundancy.ts --quick
 */
import { type DType, Generator, noGrad, type Tensor, tensor } from '../core/index.ts';
import { mnist } from '../data/index.ts';
import { BatchNorm1d, F, Linear, type Sequential } from '../nn/index.ts';
import { SGD } from '../optim/index.ts';
import { figures as biasFigures } from './bias-redundancy/figures.ts';
import type { Mode } from './lib/args.ts';
import { claim } from './lib/claims.ts';
import { type Experiment, type ExperimentOutput, runMain, type Table } from './lib/experiment.ts';
import { accuracy, batches, mlp } from './lib/mnist-mlp.ts';
import { roundingBound, roundingNote } from './lib/rounding.ts';
import { combine, fmt, type Verdict } from './lib/verdict.ts';

// ---------------------------------------------------------------- fixed before the run

const SIZES: Record<Mode, { steps: number; train: number; test: number }> = {
  tiny: { steps: 10, train: 600, test: 200 },
  quick: { steps: 300, train: 8000, test: 2000 },
  full: { steps: 3000, train: 8000, test: 2000 },
};
const LR = 0.1;
const BATCH = 60;
const WIDTHS = [784, 100, 100, 10];
/** Bias vectors c · u for a fixed random direction u, over these scales c. */
const BIAS_SCALES = [0.01, 0.1, 1, 10, 100, 1000, 10_000];
/** Differences below this are drawn at it on log axes (an exact 0 has no logarithm). */
const FLOOR = 1e-18;
/** Most gradient-descent steps for learning γ and β. */
const MAX_IDENTITY_STEPS = 5000;

/** Tolerances of the criteria: exact up to rounding, learned to LEARNED, and the contrast's minimum effect. */
const EXACT = 1e-12;
const LEARNED = 1e-6;
const STOP_GRAD = 1e-13;
const IDENTITY_LR = 0.25;
const NO_EFFECT = 1e-9;
const SOME_EFFECT = 1e-3;
/** Tolerances as the criterion prints them: 1e-12, not 0.000000000001. */
const sci = (v: number): string => v.toExponential();

/** C5's and C6's rounding bounds in a run of `dtype` (see lib/rounding.ts); LEARNED and SOME_EFFECT are not rounding bounds. */
function bounds(dtype: DType) {
  return {
    exact: roundingBound(EXACT, dtype, 'absolute'),
    exactRelative: roundingBound(EXACT, dtype, 'relative'),
    noEffect: roundingBound(NO_EFFECT, dtype, 'absolute'),
  };
}

export function c5Criterion(dtype: DType): string {
  const b = bounds(dtype);
  return (
    'On a batch of 64 samples of 8 features (mean 5, sd 3), in training mode: before the affine step every ' +
    `feature has batch mean 0 and biased batch variance σ²/(σ² + ε) to ${sci(b.exact)} (that is, 1 up to ε/σ²); with ` +
    `γ = sqrt(σ² + ε) and β = μ (batch statistics) the output equals the input to ${sci(b.exactRelative)} relative to its size, and ` +
    'in evaluation mode with γ = sqrt(running_var + ε), β = running_mean likewise; and γ, β learned by gradient ' +
    `descent on the mean squared distance between BN(x) and x (learning rate ${IDENTITY_LR}, until the gradient is below ` +
    `${sci(STOP_GRAD)} or ${MAX_IDENTITY_STEPS} steps) reach those values to ${sci(LEARNED)}. Held if all four hold; held partly if some do.` +
    roundingNote(dtype)
  );
}

export function c6Criterion(dtype: DType): string {
  const b = bounds(dtype);
  return (
    'For Linear(16, 8) then BatchNorm1d(8) in training mode: (a) over biases c·u with c from 0.01 to 10,000 the ' +
    `output changes by at most ${sci(b.noEffect)} (without BN it changes by more than ${sci(SOME_EFFECT)}); (b) the gradient with respect to ` +
    `the bias is at most ${sci(b.exactRelative)} times the weight gradient in norm; (c) two MNIST training runs from identical ` +
    'weights, one with the bias before each BN and one without, have training losses that differ by at most ' +
    `${sci(b.noEffect)} at every step (the same pair without BN is the contrast). Held if (a), (b) and (c) hold; held partly ` +
    'if one or two do.' +
    roundingNote(dtype)
  );
}

/**
 * In float32 a large bias is not free: z = Wx + b is rounded to float32's
 * spacing at |b| before BN subtracts the mean, and the bits lost do not come
 * back. Said from the sweep's own first and last rows.
 */
function float32BiasNote(dtype: DType, rows: readonly { c: number; withBn: number }[]): string {
  if (dtype === 'float64' || rows.length === 0) return '';
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  return (
    ` In ${dtype} the output change under BN grows with the bias, from ${fmt(first.withBn)} at c = ${first.c} to ` +
    `${fmt(last.withBn)} at c = ${last.c}: Wx + b is rounded to ${dtype}'s spacing at the bias's size before BN ` +
    'subtracts the mean, and the digits lost do not come back. The bias cancels in exact arithmetic, but a large ' +
    'one costs precision.'
  );
}

// ---------------------------------------------------------------- C5

function maxAbs(xs: Iterable<number>): number {
  let m = 0;
  for (const v of xs) m = Math.max(m, Math.abs(v));
  return m;
}

function maxDiff(a: Tensor, b: Tensor): number {
  let m = 0;
  for (let i = 0; i < a.numel(); i++) m = Math.max(m, Math.abs(a.data[i]! - b.data[i]!));
  return m;
}

export function checkBatchNorm(g: Generator) {
  const n = 64;
  const f = 8;
  const x = tensor(
    Float64Array.from({ length: n * f }, () => 5 + 3 * g.normal()),
    { shape: [n, f] },
  );
  const bn = new BatchNorm1d(f);
  const eps = bn.eps;
  const mu = x.mean(0);
  const var_ = x.var(0, { correction: 0 });
  // Before the affine step (γ = 1, β = 0 at initialization).
  const y = noGrad(() => bn.forward(x));
  const meanErr = maxAbs(y.mean(0).data);
  const expectedVar = var_.div(var_.add(eps));
  const varErr = maxDiff(y.var(0, { correction: 0 }), expectedVar);
  const varFromOne = maxAbs(y.var(0, { correction: 0 }).sub(1).data);
  // γ = sqrt(σ² + ε), β = μ: the identity in training mode.
  noGrad(() => {
    bn.weight!.data.set(var_.add(eps).sqrt().data);
    bn.bias!.data.set(mu.data);
  });
  const scatter = noGrad(() => bn.forward(x));
  const identityTrain = maxDiff(scatter, x) / maxAbs(x.data);
  // γ = sqrt(running_var + ε), β = running_mean: the identity in evaluation mode.
  bn.eval();
  noGrad(() => {
    bn.weight!.data.set(bn.runningVar!.add(eps).sqrt().data);
    bn.bias!.data.set(bn.runningMean!.data);
  });
  const identityEval =
    maxDiff(
      noGrad(() => bn.forward(x)),
      x,
    ) / maxAbs(x.data);
  // γ and β learned: gradient descent on the mean squared distance to the input.
  const learner = new BatchNorm1d(f);
  const opt = new SGD([learner.weight!, learner.bias!], { lr: IDENTITY_LR });
  // Until the gradient vanishes: the loss is a quadratic in (γ, β), so plain gradient descent converges.
  let steps = 0;
  for (let gradNorm = Number.POSITIVE_INFINITY; gradNorm > STOP_GRAD && steps < MAX_IDENTITY_STEPS; steps++) {
    opt.zeroGrad();
    F.mseLoss(learner.forward(x), x).backward();
    gradNorm = Math.hypot(...learner.weight!.grad!.data, ...learner.bias!.grad!.data);
    opt.step();
  }
  const gammaErr = maxDiff(learner.weight!, var_.add(eps).sqrt());
  const betaErr = maxDiff(learner.bias!, mu);
  return { x, scatter, meanErr, varErr, varFromOne, identityTrain, identityEval, gammaErr, betaErr, steps };
}

// ---------------------------------------------------------------- C6, one layer

export function biasSweep(g: Generator) {
  const lin = new Linear(16, 8);
  const bn = new BatchNorm1d(8);
  const x = tensor(
    Float64Array.from({ length: 32 * 16 }, () => g.normal()),
    { shape: [32, 16] },
  );
  const u = Float64Array.from({ length: 8 }, () => g.normal());
  const norm = Math.hypot(...u);
  const b0 = Float64Array.from(lin.bias!.data);
  const outputs = (scale: number | null) => {
    noGrad(() => lin.bias!.data.set(scale === null ? b0 : u.map((v) => (scale * v) / norm)));
    const z = noGrad(() => lin.forward(x));
    return { withBn: noGrad(() => bn.forward(z)), without: z };
  };
  const zero = outputs(0);
  const rows = BIAS_SCALES.map((c) => {
    const o = outputs(c);
    return { c, withBn: maxDiff(o.withBn, zero.withBn), without: maxDiff(o.without, zero.without) };
  });
  // The gradient of a random projection of the output, with the bias at its initial value.
  outputs(null);
  const upstream = tensor(
    Float64Array.from({ length: 32 * 8 }, () => g.normal()),
    { shape: [32, 8] },
  );
  lin.zeroGrad();
  bn.forward(lin.forward(x)).mul(upstream).sum().backward();
  const biasGrad = Math.hypot(...lin.bias!.grad!.data);
  const weightGrad = Math.hypot(...lin.weight.grad!.data);
  lin.zeroGrad();
  lin.forward(x).mul(upstream).sum().backward();
  const biasGradNoBn = Math.hypot(...lin.bias!.grad!.data);
  return { rows, biasGrad, weightGrad, biasGradNoBn };
}

// ---------------------------------------------------------------- C6, training

interface Run {
  losses: number[];
  acc: number;
  params: number;
  model: Sequential;
}

function train(model: Sequential, x: Tensor, y: Tensor, steps: number, seed: number): number[] {
  const opt = new SGD(model.parameters(), { lr: LR });
  const stream = batches(x, y, BATCH, seed);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const [bx, by] = stream.next().value as [Tensor, Tensor];
    opt.zeroGrad();
    const loss = F.crossEntropy(model.forward(bx), by);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  return losses;
}

/** Two models from identical weights, with and without the hidden biases, trained on the same batches. */
export function pair(norm: 'batch' | 'none', data: ReturnType<typeof mnist>, steps: number, seed: number) {
  const withBias = mlp({ sizes: WIDTHS, activation: 'sigmoid', norm, hiddenBias: true });
  const withoutBias = mlp({ sizes: WIDTHS, activation: 'sigmoid', norm, hiddenBias: false });
  withoutBias.loadStateDict(withBias.stateDict(), { strict: false });
  const hiddenBiases = [...withBias]
    .filter((m): m is Linear => m instanceof Linear && m.outFeatures !== WIDTHS[WIDTHS.length - 1])
    .map((m) => m.bias!);
  const before = hiddenBiases.map((b) => Float64Array.from(b.data));
  const runs: Run[] = [withBias, withoutBias].map((model) => {
    const losses = train(model, data.trainX, data.trainY, steps, seed);
    return { losses, acc: accuracy(model, data.testX, data.testY), params: model.numParameters(), model };
  });
  const biasDrift = Math.max(...hiddenBiases.map((b, i) => maxAbs(b.data.map((v, j) => v - before[i]![j]!))));
  const evalGap = noGrad(() => {
    for (const r of runs) r.model.eval();
    const gap = maxDiff(runs[0]!.model.forward(data.testX), runs[1]!.model.forward(data.testX));
    for (const r of runs) r.model.train();
    return gap;
  });
  const lossGap = runs[0]!.losses.map((l, i) => Math.abs(l - runs[1]!.losses[i]!));
  return { runs: runs as [Run, Run], lossGap, biasDrift, evalGap };
}

// ---------------------------------------------------------------- the experiment

export const biasRedundancy: Experiment = {
  name: 'bias-redundancy',
  title: 'What BatchNorm computes, and the bias it makes redundant',
  claims: ['C5', 'C6'],
  description: `Batch normalization (BatchNorm1d here, PyTorch's semantics) normalizes each feature over the mini-batch, z' = (z − μ)/sqrt(σ² + ε), then scales and shifts it, y = γ z' + β, with learnable γ and β. The first part checks that on a batch: zero mean and unit (biased) variance before the affine step, the identity when γ = sqrt(σ² + ε) and β = μ (in training and in evaluation mode), and that gradient descent on γ and β finds that identity by itself.

The second part checks the article's remark that a Linear layer's bias b is useless before BN: adding any constant vector b to every sample shifts the batch mean by exactly b, which normalization subtracts again. We set b to vectors of size 0.01 to 10,000 and compare the outputs; we compute the gradient with respect to b; and we train two MNIST networks (784-100-100-10, sigmoid, BN before each sigmoid, SGD with learning rate ${LR}, batches of ${BATCH}) from identical weights and on identical batches, one with the bias in the two hidden Linears and one without, and compare their training losses step by step. The same pair without BN is the contrast: there the bias is an ordinary parameter.`,
  fullModeTime:
    '16 min (930 s) measured on 2026-12-01, 2 cores at load 22.7 when it started, sharing them with other work (an upper bound)',
  async run(ctx): Promise<ExperimentOutput> {
    const size = SIZES[ctx.mode];
    const g = new Generator(ctx.seed + 5);
    const c5 = checkBatchNorm(g);
    const sweep = biasSweep(g);
    const data = mnist({ train: size.train, test: size.test, seed: ctx.seed });
    const bar = ctx.progress('bias-redundancy', 2);
    const bnPair = pair('batch', data, size.steps, ctx.seed);
    bar.update(1);
    const plainPair = pair('none', data, size.steps, ctx.seed);
    bar.update(2);
    bar.stop();

    // ---- C5
    const tol = bounds(ctx.dtype);
    const c5Parts = [
      c5.meanErr <= tol.exact && c5.varErr <= tol.exact,
      c5.identityTrain <= tol.exactRelative,
      c5.identityEval <= tol.exactRelative,
      c5.gammaErr <= LEARNED && c5.betaErr <= LEARNED,
    ];
    const v5: Verdict = {
      claim: 'C5',
      statement: claim('C5').summary,
      criterion: c5Criterion(ctx.dtype),
      numbers: {
        'largest |batch mean| after normalization': c5.meanErr,
        'largest |batch variance − σ²/(σ²+ε)|': c5.varErr,
        'identity error, training mode (relative)': c5.identityTrain,
        'identity error, evaluation mode (relative)': c5.identityEval,
        'largest |batch variance − 1| (the ε effect)': c5.varFromOne,
        [`learned γ: largest error after ${c5.steps} steps`]: c5.gammaErr,
        [`learned β: largest error after ${c5.steps} steps`]: c5.betaErr,
      },
      verdict: combine(c5Parts),
      notes:
        'The variance after normalization is σ²/(σ² + ε), not exactly 1: ε = 1e-5 keeps the division safe and ' +
        'leaves a gap of about ε/σ². Where BN sits (after the linear map, before the activation) is a design ' +
        'choice the models here follow; it is not something a measurement can confirm.' +
        (ctx.dtype === 'float64'
          ? ''
          : ` In ${ctx.dtype} the gradient of the identity fit stays above the stopping bound ${sci(STOP_GRAD)}, ` +
            `so gradient descent runs ${c5.steps} steps and leaves γ ${fmt(c5.gammaErr)} and β ${fmt(c5.betaErr)} ` +
            `from their targets against the bound ${sci(LEARNED)}, which is not a rounding bound and stays as in float64.`),
    };

    // ---- C6
    const maxWithBn = Math.max(...sweep.rows.map((r) => r.withBn));
    const minWithout = Math.min(...sweep.rows.map((r) => r.without));
    const maxLossGap = Math.max(...bnPair.lossGap);
    const maxLossGapPlain = Math.max(...plainPair.lossGap);
    const saved = bnPair.runs[0].params - bnPair.runs[1].params;
    const partA = maxWithBn <= tol.noEffect && minWithout > SOME_EFFECT;
    const partB = sweep.biasGrad <= tol.exactRelative * sweep.weightGrad;
    const partC = maxLossGap <= tol.noEffect;
    const v6: Verdict = {
      claim: 'C6',
      statement: claim('C6').summary,
      criterion: c6Criterion(ctx.dtype),
      numbers: {
        'largest output change from the bias, with BN': maxWithBn,
        'smallest output change from the bias, without BN': minWithout,
        '‖∂L/∂b‖ with BN': sweep.biasGrad,
        '‖∂L/∂W‖ with BN': sweep.weightGrad,
        '‖∂L/∂b‖ without BN': sweep.biasGradNoBn,
        [`largest training-loss gap over ${size.steps} steps, with BN`]: maxLossGap,
        [`largest training-loss gap over ${size.steps} steps, without BN`]: maxLossGapPlain,
        'largest change of the bias during training, with BN': bnPair.biasDrift,
        'test accuracy with / without bias, with BN': `${fmt(bnPair.runs[0].acc)} / ${fmt(bnPair.runs[1].acc)}`,
        'largest test-logit difference in evaluation mode, with BN': bnPair.evalGap,
        'parameters with / without bias, with BN': `${bnPair.runs[0].params} / ${bnPair.runs[1].params}`,
        'parameters saved': saved,
      },
      verdict: combine([partA, partB, partC]),
      notes:
        `Conditions: (a) ${partA ? 'held' : 'did not hold'}, (b) ${partB ? 'held' : 'did not hold'}, (c) ${
          partC ? 'held' : 'did not hold'
        }. The bias receives a gradient of rounding size, so it stays where it was initialized; β does its job. ` +
        'In evaluation mode BN uses its running mean instead of the batch mean; it starts at 0 and absorbs the ' +
        'bias only gradually (with momentum 0.1 a fraction 0.9^t of it is still missing after t steps), so the ' +
        'two networks agree there only up to that remainder: after training, their test-set logits differ by at ' +
        `most ${fmt(bnPair.evalGap)} and their test accuracies are ${fmt(bnPair.runs[0].acc)} and ${fmt(
          bnPair.runs[1].acc,
        )}.${float32BiasNote(ctx.dtype, sweep.rows)}`,
    };

    // ---- tables and figures
    const table: Table = {
      title: 'Output change caused by a bias of size c (largest absolute difference from c = 0)',
      claims: ['C6'],
      columns: ['bias size c', 'Linear + BatchNorm', 'Linear alone'],
      rows: sweep.rows.map((r) => [r.c, r.withBn, r.without]),
    };
    const figures = biasFigures({
      c5,
      sweep,
      bnPair,
      plainPair,
      trainSteps: size.steps,
      batch: BATCH,
      floor: FLOOR,
    });
    return {
      setup: {
        'C5 batch': '64 samples x 8 features, N(5, 3²)',
        'BN ε': 1e-5,
        'C6 layer': 'Linear(16, 8) then BatchNorm1d(8), 32 samples',
        'bias sizes': BIAS_SCALES.join(', '),
        network: '784-100-100-10, sigmoid; BN before each sigmoid (or none)',
        'training data': `${size.train} MNIST training images, ${size.test} test images`,
        optimizer: `SGD, learning rate ${LR}, no momentum`,
        'batch size': BATCH,
        'training steps per run': size.steps,
        initialization:
          "PyTorch's default (U(±1/sqrt(fan_in))); the bias-free network copies the other's weights",
      },
      verdicts: [v5, v6],
      figures,
      tables: [table],
    };
  },
};

runMain(biasRedundancy, import.meta.url);
