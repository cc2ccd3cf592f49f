/**
 * Batch size (C11, C12): the Layer Normalization paper's permutation-invariant
 * MNIST comparison in miniature. A 784-H-H-10 ReLU network without
 * normalization, with BatchNorm and with LayerNorm after each hidden layer, is
 * trained at batch sizes from 2 to 128; we compare test accuracy, how far BN's
 * train-mode outputs (batch statistics) are from its eval-mode outputs
 * (running statistics), and show directly that an LN network's output for one
 * sample does not depend on the other samples in its batch.
 *
 *     npx tsx examples/batch-size.ts --quick
 */
import type { DType } from '../core/index.ts';
import { mnist } from '../data/index.ts';
import {
  CONTEXTS,
  layerNormFormulaCheck,
  MIN_STEPS_WHY,
  pairNormalizedAtOne,
  probeContexts,
  type RunResult,
  type Size,
  seedFor,
  stepsPerRun,
  trainOne,
} from './batch-size/model.ts';
import { withTicks } from './common/axis-ticks.ts';
import { NORM_LABEL, type NormKind } from './common/norm-mlp.ts';
import { describeSpread, type Spread, spread } from './common/spread.ts';
import type { Mode } from './lib/args.ts';
import { bandChart, heatmap } from './lib/charts.ts';
import { claim } from './lib/claims.ts';
import {
  type Experiment,
  type ExperimentOutput,
  type Figure,
  runMain,
  type Table,
} from './lib/experiment.ts';
import { roundingBound, roundingNote } from './lib/rounding.ts';
import { combine, fmt, type Verdict } from './lib/verdict.ts';

// ---------------------------------------------------------------- fixed before the run

const SIZES: Record<Mode, Size> = {
  tiny: {
    hidden: 16,
    train: 256,
    test: 256,
    epochs: 1,
    minSteps: 16,
    batchSizes: [2, 16],
    seeds: 1,
    probes: 8,
  },
  quick: {
    hidden: 64,
    train: 1024,
    test: 1000,
    epochs: 1,
    minSteps: 100,
    batchSizes: [2, 8, 32, 128],
    seeds: 2,
    probes: 32,
  },
  full: {
    hidden: 100,
    train: 4096,
    test: 2000,
    epochs: 3,
    minSteps: 100,
    batchSizes: [2, 4, 8, 16, 32, 64, 128],
    seeds: 3,
    probes: 64,
  },
};

/** Adam's learning rate, the same for every arm and batch size (the LN paper trains with Adam). */
const LR = 1e-3;
const KINDS: NormKind[] = ['none', 'batchnorm', 'layernorm'];

/** Accuracy differences are in percentage points; a difference smaller than this is not counted. */
const MARGIN_PP = 2;
/** "The same output" for C12: logits that agree to this absolute tolerance (they are O(10)). */
const SAME = 1e-9;
/** (c): BN's train/eval disagreement at the smallest batch must be at least this many times that at the largest. */
const DISAGREE_FACTOR = 2;

const C11_CRITERION =
  `With the smallest and largest batch sizes of the run (2 and 128 except in tiny mode): (a) at the smallest ` +
  `batch, BN's mean test accuracy (eval mode, running statistics) is at least ${MARGIN_PP} percentage points ` +
  "below both the no-normalization arm's and LN's, and no BN seed beats the worst seed of either; (b) BN's " +
  `accuracy relative to no normalization, acc(BN) − acc(none), is at least ${MARGIN_PP} points higher at the ` +
  'largest batch than at the smallest (the penalty belongs to small batches, not to BN in general or to the ' +
  "number of steps); (c) the fraction of test samples whose predicted class differs between BN's train mode " +
  `(statistics of batches of that size) and eval mode is at least ${DISAGREE_FACTOR}x larger at the smallest batch than at the ` +
  'largest. Held if (a), (b) and (c) hold, did not hold if none does, held partly otherwise.';

function c12Criterion(dtype: DType): string {
  const same = roundingBound(SAME, dtype, 'absolute');
  return (
    `For the LN network trained at the smallest batch size (first seed): (a) for every probe test sample, the ` +
    `logits computed alone, with 1, 7 and 127 other test samples in its batch, agree to ${same} (train mode); ` +
    `(b) its train-mode and eval-mode logits on the test set agree to ${same}; (c) the first LN layer's output ` +
    `equals γ·(z − μ)/sqrt(σ² + ε) + β with μ and σ² (biased) taken over the hidden units of each sample, ` +
    `computed independently in plain loops, to ${same}. Held if all three hold, did not hold if none does, held ` +
    'partly otherwise. (BN in train mode is measured the same way, as the contrast.)' +
    roundingNote(dtype)
  );
}

// ---------------------------------------------------------------- the experiment

export const batchSize: Experiment = {
  name: 'batch-size',
  title: 'Batch size: BatchNorm against LayerNorm from batches of 2 to 128',
  claims: ['C11', 'C12'],
  description: `The Layer Normalization paper (Ba, Kiros & Hinton 2016, section 6.7 and figure 6) compares batch and layer normalization on permutation-invariant MNIST: a 784-1000-1000-10 network trained with batches of 128 and of 4, where LN is robust to the batch size and BN is not. This is that comparison in miniature, over more batch sizes: a 784-H-H-10 ReLU network (H = 64 in quick mode, 100 in full mode), with no normalization, with \`BatchNorm1d\` or with \`LayerNorm\` after each hidden \`Linear\` and before its ReLU, trained with Adam (learning rate ${LR}) on real MNIST digits (\`data.mnist\`, a seeded split of the 10,000 digits of the \`mnist\` package). Every batch size gets the same number of epochs, or more if that gives fewer than 100 steps: ${MIN_STEPS_WHY}. For each seed, the three arms start from identical Linear weights and see the same batches.

Test accuracy is measured in eval mode, where BN uses its running averages. We also run the trained BN network in train mode, normalizing each test batch (of the training batch size) by its own statistics, and count how often the prediction differs from eval mode: with small batches the batch statistics are noisy estimates, so the two modes disagree. For C12 we take the LN network and put single test digits into batches of 1, 2, 8 and 128 samples, compare its train- and eval-mode outputs, and check its first LN layer against the per-sample formula.

Differences from the paper: a much smaller network (H instead of 1000) and data set (a few thousand digits instead of 55,000), a few epochs instead of training to convergence, normalization on the hidden layers only for both BN and LN (the paper applies BN to all layers, LN to the hidden ones), and batch sizes 2 to 128 instead of 4 and 128. Batch sizes differ in their number of steps and samples seen, so accuracy changes with the batch size in every arm; the claims are read from the differences between arms at the same batch size, which share the same steps, batches and initial weights.`,
  fullModeTime:
    '16 min (948 s) measured on 2026-12-01, 2 cores at load 12.9 when it started, sharing them with other work (an upper bound)',
  async run(ctx): Promise<ExperimentOutput> {
    const size = SIZES[ctx.mode];
    const data = mnist({ train: size.train, test: size.test, seed: ctx.seed });
    const seeds = Array.from({ length: size.seeds }, (_, r) => seedFor(ctx.seed, r));
    const totalSteps =
      KINDS.length * seeds.length * size.batchSizes.reduce((s, b) => s + stepsPerRun(size, b), 0);
    const bar = ctx.progress('batch-size', totalSteps);
    let done = 0;
    const runs: RunResult[] = [];
    for (const seed of seeds) {
      for (const bs of size.batchSizes) {
        for (const kind of KINDS) {
          runs.push(trainOne(kind, bs, seed, data, size, LR, (loss) => bar.update(++done, loss)));
        }
      }
    }
    bar.stop();

    const pick = (kind: NormKind, bs: number) => runs.filter((r) => r.kind === kind && r.batchSize === bs);
    const accOf = (kind: NormKind, bs: number): Spread => spread(pick(kind, bs).map((r) => r.testAcc));
    const small = size.batchSizes[0]!;
    const large = size.batchSizes[size.batchSizes.length - 1]!;

    // ---- C11
    const bnSmall = accOf('batchnorm', small);
    const noneSmall = accOf('none', small);
    const lnSmall = accOf('layernorm', small);
    const bnLarge = accOf('batchnorm', large);
    const noneLarge = accOf('none', large);
    const lnLarge = accOf('layernorm', large);
    const partA =
      bnSmall.mean <= noneSmall.mean - MARGIN_PP &&
      bnSmall.mean <= lnSmall.mean - MARGIN_PP &&
      bnSmall.max < Math.min(noneSmall.min, lnSmall.min);
    const relSmall = bnSmall.mean - noneSmall.mean;
    const relLarge = bnLarge.mean - noneLarge.mean;
    const partB = relLarge - relSmall >= MARGIN_PP;
    const disagree = (bs: number) => spread(pick('batchnorm', bs).map((r) => 100 * r.gap.disagreement));
    const dSmall = disagree(small);
    const dLarge = disagree(large);
    const partC = dSmall.mean >= DISAGREE_FACTOR * dLarge.mean && dSmall.mean > 0;
    const bnPair = pick('batchnorm', small)[0]!;
    const atOne = small === 2 ? pairNormalizedAtOne(bnPair.model, data.trainX, 32) : Number.NaN;
    const c11: Verdict = {
      claim: 'C11',
      statement: claim('C11').summary,
      criterion: C11_CRITERION,
      numbers: {
        [`test accuracy at batch ${small}, BN (%)`]: bnSmall.mean,
        [`test accuracy at batch ${small}, LN (%)`]: lnSmall.mean,
        [`test accuracy at batch ${small}, no normalization (%)`]: noneSmall.mean,
        [`test accuracy at batch ${large}, BN (%)`]: bnLarge.mean,
        [`test accuracy at batch ${large}, LN (%)`]: lnLarge.mean,
        [`test accuracy at batch ${large}, no normalization (%)`]: noneLarge.mean,
        [`acc(BN) − acc(none) at batch ${small} (points)`]: relSmall,
        [`acc(BN) − acc(none) at batch ${large} (points)`]: relLarge,
        [`BN predictions changed by train mode at batch ${small} (%)`]: dSmall.mean,
        [`BN predictions changed by train mode at batch ${large} (%)`]: dLarge.mean,
        [`BN test accuracy in train mode at batch ${small} (%)`]: spread(
          pick('batchnorm', small).map((r) => r.trainModeAcc),
        ).mean,
        'seeds per cell': seeds.length,
      },
      verdict: combine([partA, partB, partC]),
      notes:
        `Conditions: (a) ${partA ? 'held' : 'did not hold'}, (b) ${partB ? 'held' : 'did not hold'}, (c) ${
          partC ? 'held' : 'did not hold'
        }. Spread over seeds at batch ${small}: BN ${describeSpread(bnSmall)}, LN ${describeSpread(
          lnSmall,
        )}, none ${describeSpread(noneSmall)} (%). ` +
        (small === 2
          ? `With a batch of 2, each BN unit's normalized value is ±(a − b)/2 / sqrt((a − b)²/4 + ε), i.e. ±1 ` +
            `up to ε: measured on 32 training pairs, ${fmt(100 * atOne)} % of the first layer's normalized values ` +
            'are within 0.001 of ±1, so during training each unit only tells which of the two samples is larger; ' +
            'at test time the running averages give it graded values the next layer never saw. '
          : '') +
        'Batch sizes differ in steps and samples seen (see the table), which moves every arm; condition (b) ' +
        'compares BN with no normalization at the same batch size to take that out. The floor of 100 steps ' +
        'per run (quick and full modes) was added after a first quick run with one epoch only, where batch 128 ' +
        "had 12 steps: BN's running averages were then still 28 % their initial values, 32 % of its eval-mode " +
        'predictions at batch 128 differed from train mode, and condition (c) failed (held partly).',
    };

    // ---- C12
    const lnModel = pick('layernorm', small)[0]!.model;
    const bnModel = pick('batchnorm', small)[0]!.model;
    const probeX = data.testX.narrow(0, 0, size.probes);
    const pool = data.testX.narrow(0, size.probes, size.test - size.probes);
    const lnProbe = probeContexts(lnModel, 'layernorm', probeX, size.probes, pool);
    const bnProbe = probeContexts(bnModel, 'batchnorm', probeX, size.probes, pool);
    const lnTrainEval = pick('layernorm', small)[0]!.gap.maxAbsLogit;
    const bnTrainEval = pick('batchnorm', small)[0]!.gap.maxAbsLogit;
    const formula = layerNormFormulaCheck(lnModel, data.testX.narrow(0, 0, Math.min(256, size.test)));
    const same = roundingBound(SAME, ctx.dtype, 'absolute');
    const c12Parts = [lnProbe.maxContextDiff <= same, lnTrainEval <= same, formula.perSample <= same];
    const lnAccRange = (k: NormKind) => {
      const means = size.batchSizes.map((b) => accOf(k, b).mean);
      return Math.max(...means) - Math.min(...means);
    };
    const c12: Verdict = {
      claim: 'C12',
      statement: claim('C12').summary,
      criterion: c12Criterion(ctx.dtype),
      numbers: {
        'LN: largest logit change of a sample across its batch contexts': lnProbe.maxContextDiff,
        'LN: largest train-mode vs eval-mode logit difference': lnTrainEval,
        'LN: largest deviation from the per-sample formula': formula.perSample,
        'LN: largest deviation from the per-feature (batch) formula, for contrast': formula.perFeature,
        'BN (train mode): largest logit change of a sample across its batch contexts': bnProbe.maxContextDiff,
        'BN (train mode): probe samples whose predicted class changes with the batch (%)':
          100 * bnProbe.flipRate,
        'BN: largest train-mode vs eval-mode logit difference': bnTrainEval,
        'probe samples': size.probes,
        [`LN: range of mean test accuracy over batch sizes ${small} to ${large} (points)`]:
          lnAccRange('layernorm'),
        [`no normalization: the same range (points)`]: lnAccRange('none'),
      },
      verdict: combine(c12Parts),
      notes:
        `The LN and BN networks compared are the ones trained with batches of ${small} (first seed). ` +
        "LN's accuracy still changes with the batch size, as the no-normalization arm's does: the batch size " +
        "changes the optimization (number and noise of the steps), not LN's computation; compare the two ranges.",
    };

    // ---- tables
    const table: Table = {
      title: 'Test accuracy (%) by batch size, mean ± sd over seeds (min to max)',
      claims: ['C11'],
      columns: [
        'batch size',
        'steps',
        'no normalization',
        'BatchNorm (eval mode)',
        'LayerNorm',
        'BN in train mode',
        'BN predictions changed by train mode (%)',
      ],
      rows: size.batchSizes.map((b) => [
        b,
        stepsPerRun(size, b),
        describeSpread(accOf('none', b)),
        describeSpread(accOf('batchnorm', b)),
        describeSpread(accOf('layernorm', b)),
        describeSpread(spread(pick('batchnorm', b).map((r) => r.trainModeAcc))),
        describeSpread(disagree(b)),
      ]),
    };

    // ---- figures
    const perSeed = (kind: NormKind, value: (r: RunResult) => number) =>
      seeds.map((s) =>
        size.batchSizes.map((b) => ({
          x: b,
          y: value(runs.find((r) => r.kind === kind && r.batchSize === b && r.seed === s)!),
        })),
      );
    const batchAxis = { title: 'batch size (samples, log scale)', log: true };
    const figures: Figure[] = [
      {
        file: 'accuracy-vs-batch-size.svg',
        title: 'Test accuracy against batch size',
        caption:
          `Test accuracy (eval mode) of the 784-${size.hidden}-${size.hidden}-10 network trained on ${size.train} ` +
          `digits (${size.epochs} epoch(s), at least ${size.minSteps} steps), for each batch size and ` +
          `normalization; line: mean over ${seeds.length} seed(s), band: min to max. The batch size changes the ` +
          'number of steps and samples seen for every arm alike; what matters is the gap between arms at each ' +
          'batch size.',
        claims: ['C11'],
        spec: withTicks(
          bandChart({
            title: 'Test accuracy against batch size, per normalization',
            x: batchAxis,
            y: { title: 'test accuracy (%)' },
            series: KINDS.map((k) => ({ arm: NORM_LABEL[k], runs: perSeed(k, (r) => r.testAcc) })),
            armTitle: 'normalization',
          }),
          'x',
          size.batchSizes,
        ),
      },
      {
        file: 'train-eval-gap.svg',
        title: "BN's train-mode against eval-mode predictions",
        caption:
          'For each trained network, the share of test digits whose predicted class changes when the network is ' +
          'run in train mode (each batch of the training batch size normalized by its own mean and variance) ' +
          'instead of eval mode (running averages). LN and no normalization compute the same function in both ' +
          'modes (0 %: their lines lie on top of each other, told apart by their dash patterns); for BN the batch statistics of small batches are noisy estimates of the running ones.',
        claims: ['C11'],
        spec: withTicks(
          bandChart({
            title: 'Predictions that change between train and eval mode',
            x: batchAxis,
            y: { title: 'test digits whose predicted class changes (%)' },
            series: KINDS.map((k) => ({
              arm: NORM_LABEL[k],
              runs: perSeed(k, (r) => 100 * r.gap.disagreement),
            })),
            armTitle: 'normalization',
            dashPerArm: true,
          }),
          'x',
          size.batchSizes,
        ),
      },
      {
        file: 'one-digit-in-different-batches.svg',
        title: 'One test digit in different batches',
        caption:
          `The predicted class probabilities for one test digit (label ${data.testY.data[0]}) when it is put ` +
          'in batches with different other digits, in train mode, and in eval mode, for the LN and BN networks ' +
          `trained with batches of ${small}. A network that normalizes each sample by its own statistics gives ` +
          'identical rows; one that uses batch statistics gives rows that depend on the other digits. BN cannot ' +
          'run a batch of one in train mode (no variance), so that row is empty. The C12 numbers give the largest ' +
          'differences over all probe digits.',
        claims: ['C12'],
        spec: heatmap({
          title: 'Class probabilities of one test digit, by batch context',
          subtitle: 'train mode unless marked; rows: the other samples in its batch',
          cells: [
            ...lnProbe.probe0.flatMap((row) =>
              row.probs.map((p, c) => ({ x: c, y: row.context, value: p, panel: 'LayerNorm' })),
            ),
            ...bnProbe.probe0.flatMap((row) =>
              row.probs.map((p, c) => ({ x: c, y: row.context, value: p, panel: 'BatchNorm' })),
            ),
          ],
          x: { title: 'class' },
          y: {
            title: 'batch context',
            sort: [...CONTEXTS.map((c) => c.label), 'eval mode'],
          },
          color: { title: 'probability', domain: [0, 1] },
          textFormat: '.2f',
          cellSize: 30,
        }),
      },
    ];

    return {
      setup: {
        network: `784-${size.hidden}-${size.hidden}-10, ReLU; norm after each hidden Linear, before the ReLU`,
        arms: 'no normalization, BatchNorm1d (momentum 0.1, eps 1e-5), LayerNorm (eps 1e-5)',
        'training digits': size.train,
        'test digits': size.test,
        epochs: `${size.epochs}, or more for at least ${size.minSteps} steps`,
        'steps per batch size': size.batchSizes.map((b) => `${b}: ${stepsPerRun(size, b)}`).join(', '),
        'batch sizes': size.batchSizes.join(', '),
        optimizer: `Adam, lr ${LR}, betas (0.9, 0.999), no weight decay`,
        loss: 'cross-entropy',
        init: "PyTorch's Linear init; the same weights for the three arms of a seed",
        seeds: `${seeds.length} (${seeds.join(', ')})`,
        'probe samples (C12)': size.probes,
        'data split seed': ctx.seed,
      },
      verdicts: [c11, c12],
      figures,
      tables: [table],
    };
  },
};

await runMain(batchSize, import.meta.url);
