/**
 * BN speeds up learning (C7): the MNIST network of the Batch Normalization
 * paper's Figure 1 in miniature (three hidden layers of sigmoid units, mini-
 * batches of 60, plain SGD) and its ReLU twin, each trained with and without BN
 * at the learning rate that suits its plain version best, over several seeds:
 * the steps and the wall time each needs to reach a fixed test accuracy.
 *
 *     npx tsx examples/bn-training-speed.ts --quick
 */

import { figures as speedFigures } from './bn-training-speed/figures.ts';
import {
  architecture,
  type Comparison,
  compare,
  lastAccuracy,
  NETWORKS,
  type Size,
  stepsTo,
} from './bn-training-speed/runs.ts';
import { describeMlp, digits, mean, runSeeds, spread, type TrainRun } from './common/mlp.ts';
import type { Mode } from './lib/args.ts';
import { claim } from './lib/claims.ts';
import { type Experiment, type ExperimentOutput, runMain, type Table } from './lib/experiment.ts';
import { fmt, type Verdict, type VerdictValue } from './lib/verdict.ts';

// ---------------------------------------------------------------- fixed before the run

/** The test accuracy (%) both networks race to. */
const TARGET = 90;
const BATCH = 60;
/**
 * When the plain network's best rate is the largest (or smallest) of the grid,
 * the grid is extended by one more step in that direction, at most this often.
 */
const MAX_EXTENSIONS = 2;
/** Search runs are this share of the full run length (they also stop at the target). */
const SEARCH_SHARE = 0.5;
/** Held when BN needs at most this share of the plain network's steps. */
const HELD_RATIO = 0.5;

const SIZES: Record<Mode, Size> = {
  tiny: { side: 14, hidden: 16, train: 600, test: 200, steps: 30, lrs: [0.3, 3], seeds: 2, evalEvery: 5 },
  quick: {
    side: 14,
    hidden: 64,
    train: 8000,
    test: 500,
    steps: 400,
    lrs: [0.1, 0.3, 1, 3],
    seeds: 3,
    evalEvery: 10,
  },
  full: {
    side: 28,
    hidden: 100,
    train: 8000,
    test: 2000,
    steps: 2000,
    lrs: [0.03, 0.1, 0.3, 1, 3],
    seeds: 5,
    evalEvery: 10,
  },
};

/** Steps of a learning-rate search run. */
const searchSteps = (size: Size): number => Math.round(size.steps * SEARCH_SHARE);

const CRITERION =
  "Three comparisons: the paper's sigmoid network at PyTorch's default initialization, the same at Xavier " +
  'initialization (the scale meant for sigmoid units), and the same network with ReLU. In each, the learning rate is ' +
  `the one of the grid with which the network without BN first reaches ${TARGET} % test accuracy (searched on ` +
  'the first seed with runs of half the full length; if no rate reaches it, the one with the best last ' +
  `accuracy; a grid whose best rate lies on its edge is extended outward, up to ${MAX_EXTENSIONS} times), so BN ` +
  `gets no rate chosen for it. At that rate, with S = mean over seeds of the steps to reach ${TARGET} % (a run ` +
  'that never reaches it counts with its full length): the comparison held if every BN run reaches the target ' +
  `and S(BN) ≤ ${HELD_RATIO} · S(no BN); held partly if every BN run reaches it and ${HELD_RATIO} · S(no BN) < S(BN) < S(no BN); ` +
  'did not hold otherwise. A comparison counts only if every run without BN reaches the target (otherwise its ' +
  'step count is the run length and it measures whether the plain network trains at all, which is C8, more ' +
  'than speed); if none counts, all do. Overall, over the comparisons that count: held if all held, did not ' +
  'hold if all did not hold, held partly otherwise. Wall time is measured and reported but does not enter the verdict (it varies between runs).';

// ---------------------------------------------------------------- the verdict

const { reachedAt, stepsOrCap, stepsText } = stepsTo(TARGET);

/** A comparison's runs, judged by the criterion. */
interface Judged extends Comparison {
  /** False when some run without BN never reached the target: the comparison then does not count. */
  counts: boolean;
  ratio: number;
  allBnReach: boolean;
  allPlainReach: boolean;
  verdict: VerdictValue;
}

function judge(c: Comparison): Judged {
  const ratio = mean(c.bn.map(stepsOrCap)) / mean(c.plain.map(stepsOrCap));
  const allBnReach = c.bn.every((r) => reachedAt(r) !== null);
  const allPlainReach = c.plain.every((r) => reachedAt(r) !== null);
  const verdict: VerdictValue = !allBnReach
    ? 'did not hold'
    : ratio <= HELD_RATIO
      ? 'held'
      : ratio < 1
        ? 'held partly'
        : 'did not hold';
  return { ...c, counts: allPlainReach, ratio, allBnReach, allPlainReach, verdict };
}

/** Over the comparisons that count (all if none does): all held, held; all did not hold, did not hold; else held partly. */
function overall(cs: readonly Judged[]): VerdictValue {
  const counted = cs.some((c) => c.counts) ? cs.filter((c) => c.counts) : cs;
  const vs = counted.map((c) => c.verdict);
  if (vs.every((v) => v === 'held')) return 'held';
  if (vs.every((v) => v === 'did not hold')) return 'did not hold';
  return 'held partly';
}

// ---------------------------------------------------------------- the experiment

export const bnTrainingSpeed: Experiment = {
  name: 'bn-training-speed',
  title: 'Does batch normalization speed up learning?',
  claims: ['C7'],
  description: `The MNIST experiment of the Batch Normalization paper (Ioffe & Szegedy 2015, Figure 1(a)) in miniature: a multilayer perceptron with three hidden layers of sigmoid units, trained with plain mini-batch SGD (batches of ${BATCH}) on cross-entropy, once as it is and once with a BatchNorm1d layer between every hidden Linear and its sigmoid (the Linear then has no bias, since BN cancels it). The same comparison is repeated with the sigmoid network at Xavier (Glorot) initialization, the scale meant for sigmoid units, so that the comparison does not mostly measure a poor initialization (claim C8), and with ReLU units, today's default, so that the verdict does not rest on sigmoid networks alone; a comparison whose plain network never reaches the target does not count toward the verdict. Within a comparison both networks start from PyTorch's default initialization with the same seed, see the same mini-batches in the same order, and use the same learning rate.

That learning rate is chosen for the network without BN: a grid is searched on the first seed (runs of ${Math.round(100 * SEARCH_SHARE)} % of the full length, stopped at the target) and the rate with which the plain network reaches ${TARGET} % test accuracy in the fewest steps is kept, so BN's advantage is measured where the plain network is at its best. Each arm is then trained over several seeds (a seed fixes the initial weights and the order of the mini-batches), and the test accuracy is evaluated on a schedule (every few steps early on, less often later) to find the first step at which it reaches ${TARGET} %.

Differences from the paper: it trained 50,000 steps on the full 60,000-image MNIST with 28 x 28 inputs and 100 units per layer; here the images are the 10,000 digits of the \`mnist\` package (a seeded train/test split), quick runs pool them to 14 x 14 and use ${SIZES.quick.hidden} units per layer, and runs stop after a few hundred (quick) or a few thousand (full) steps. The paper does not give its learning rate or the scale of its "small random Gaussian" initial weights; this experiment picks the rate for the plain network and uses PyTorch's default initialization. The wall time per step of each arm is measured too (in results.json's timings): a BN step costs more than a plain one, so fewer steps does not automatically mean less time.`,
  fullModeTime:
    '21 min (1244 s) measured on 2026-12-01, 2 cores at load 7.7 when it started, sharing them with other work (an upper bound)',
  async run(ctx): Promise<ExperimentOutput> {
    const size = SIZES[ctx.mode];
    const data = digits({ train: size.train, test: size.test, seed: ctx.seed, side: size.side });
    const seeds = runSeeds(ctx.seed, size.seeds);
    const cap = size.steps;

    // An upper bound of the steps (search runs stop at the target): the bar may end early.
    const perActivation = (size.lrs.length + MAX_EXTENSIONS) * searchSteps(size) + 2 * seeds.length * cap;
    const bar = ctx.progress('bn-training-speed', NETWORKS.length * perActivation);
    let done = 0;
    const tick = (_step: number, loss: number) => bar.update(++done, loss);
    const setting = {
      data,
      size,
      target: TARGET,
      batch: BATCH,
      searchSteps: searchSteps(size),
      maxExtensions: MAX_EXTENSIONS,
    };
    const comparisons: Judged[] = [];
    for (const [k, net] of NETWORKS.entries()) {
      comparisons.push(judge(compare(setting, net, seeds, tick)));
      done = (k + 1) * perActivation;
    }
    bar.stop();

    // ---- wall time (not reproducible, so only among the timings)
    const timings: Record<string, number> = {};
    const msPerStep = (runs: TrainRun[]) =>
      mean(runs.map((r) => r.trainMs[r.trainMs.length - 1]! / r.trainMs.length));
    const secondsToTarget = (runs: TrainRun[]) =>
      mean(runs.map((r) => (r.trainMs[stepsOrCap(r) - 1] ?? r.trainMs[r.trainMs.length - 1]!) / 1000));
    const round = (v: number) => Number(v.toFixed(3));
    for (const c of comparisons) {
      timings[`${c.name}: ms per step, no BN`] = round(msPerStep(c.plain));
      timings[`${c.name}: ms per step, BN`] = round(msPerStep(c.bn));
      timings[`${c.name}: s of training to ${TARGET} %, no BN (run length if not reached)`] = round(
        secondsToTarget(c.plain),
      );
      timings[`${c.name}: s of training to ${TARGET} %, BN`] = round(secondsToTarget(c.bn));
      timings[`${c.name}: wall-time ratio to ${TARGET} %, BN / no BN`] = round(
        secondsToTarget(c.bn) / secondsToTarget(c.plain),
      );
    }

    const numbers: Record<string, number | string> = {};
    for (const c of comparisons) {
      numbers[`${c.name}: step ratio BN / no BN${c.allPlainReach ? '' : ' (upper bound)'}`] = c.ratio;
    }
    for (const c of comparisons) {
      const a = c.name;
      numbers[`${a}: mean steps to ${TARGET} %, no BN${c.allPlainReach ? '' : ' (run length counted)'}`] =
        mean(c.plain.map(stepsOrCap));
      numbers[`${a}: mean steps to ${TARGET} %, BN${c.allBnReach ? '' : ' (run length counted)'}`] = mean(
        c.bn.map(stepsOrCap),
      );
    }
    for (const c of comparisons) {
      const a = c.name;
      const reach = (runs: TrainRun[]) =>
        `${runs.filter((r) => reachedAt(r) !== null).length} of ${seeds.length}`;
      numbers[`${a}: verdict of this comparison`] = c.verdict;
      numbers[`${a}: learning rate (best of the grid for no BN)`] = c.lr;
      numbers[`${a}: runs reaching ${TARGET} %, no BN`] = reach(c.plain);
      numbers[`${a}: runs reaching ${TARGET} %, BN`] = reach(c.bn);
      numbers[`${a}: seeds where BN got there first`] =
        `${c.bn.filter((r, k) => stepsOrCap(r) < stepsOrCap(c.plain[k]!)).length} of ${seeds.length}`;
      numbers[`${a}: test accuracy (%) after ${cap} steps, no BN`] = spread(c.plain.map(lastAccuracy));
      numbers[`${a}: test accuracy (%) after ${cap} steps, BN`] = spread(c.bn.map(lastAccuracy));
    }

    const c7: Verdict = {
      claim: 'C7',
      statement: claim('C7').summary,
      criterion: CRITERION,
      numbers,
      verdict: overall(comparisons),
      finding: comparisons
        .map(
          (c) =>
            `${c.name}: BN took ${fmt(c.ratio)} x the steps${c.allPlainReach ? '' : ' (plain never reached the target: does not count)'}`,
        )
        .join('; '),
      notes:
        comparisons
          .map(
            (c) =>
              `${c.name}, steps to ${TARGET} % per seed: no BN ${c.plain.map(stepsText).join(', ')}; ` +
              `BN ${c.bn.map(stepsText).join(', ')}.`,
          )
          .join(' ') +
        ` Comparisons that count toward the overall verdict: ${
          comparisons
            .filter((c) => c.counts)
            .map((c) => c.name)
            .join(', ') || 'none, so all do'
        }. The Xavier arm and the rule that a comparison whose plain network never reaches the target does not ` +
        'count were added after a review of an earlier quick run (issue 16) found that the sigmoid network at ' +
        "PyTorch's default initialization never reached 90 % at any rate, so its step count was the cap; both " +
        'were written before this run.' +
        ` Test accuracy is evaluated every ${size.evalEvery} steps early on, so a count is exact to that ` +
        'resolution. Wall time per step and to the target is in the timings of results.json: a BN step costs ' +
        'more than a plain one, which the step counts do not show.',
    };

    // ---- tables
    const perSeed: Table = {
      title: `Steps to ${TARGET} % test accuracy, per network and seed`,
      claims: ['C7'],
      columns: [
        'network',
        'lr',
        'seed',
        'no BN: steps',
        'BN: steps',
        'no BN: last accuracy (%)',
        'BN: last accuracy (%)',
      ],
      rows: comparisons.flatMap((c) =>
        seeds.map((s, k) => [
          c.name,
          c.lr,
          s,
          stepsText(c.plain[k]!),
          stepsText(c.bn[k]!),
          lastAccuracy(c.plain[k]!),
          lastAccuracy(c.bn[k]!),
        ]),
      ),
    };
    const searchTable: Table = {
      title: `Learning-rate search for the networks without BN (seed ${seeds[0]}, ${searchSteps(size)} steps at most, stopped at ${TARGET} %)`,
      claims: ['C7'],
      columns: ['network', 'learning rate', `steps to ${TARGET} %`, 'last test accuracy (%)', 'chosen'],
      rows: comparisons.flatMap((c) =>
        c.search.map((s) => [
          c.name,
          s.lr,
          stepsText(s.run),
          lastAccuracy(s.run),
          s.lr === c.lr ? 'yes' : '',
        ]),
      ),
    };

    // ---- figures
    const figures = speedFigures({
      comparisons,
      seeds,
      size,
      cap,
      searchSteps: searchSteps(size),
      target: TARGET,
    });

    const setup: Record<string, string | number | boolean> = {};
    for (const net of NETWORKS) {
      setup[`${net.name} network without BN`] = describeMlp(architecture(size, net, false));
      setup[`${net.name} network with BN`] = describeMlp(architecture(size, net, true));
    }
    Object.assign(setup, {
      data: `data.mnist: ${size.train} training and ${size.test} test digits (split seed ${ctx.seed}), ${size.side} x ${size.side} pixels in [0, 1]`,
      initialization:
        "PyTorch's default for Linear (U(±1/sqrt(fanIn)) weights and biases), except the Xavier arm; BN γ = 1, β = 0",
      optimizer: `SGD without momentum, batch ${BATCH}, cross-entropy`,
      'learning-rate grid (no BN, first seed)': size.lrs.join(', '),
      'search run length (steps)': searchSteps(size),
      'target test accuracy (%)': TARGET,
      'run length (steps)': cap,
      evaluation: `test accuracy every ${size.evalEvery} steps to step ${20 * size.evalEvery}, then every ${Math.round(
        2.5 * size.evalEvery,
      )} to ${50 * size.evalEvery}, then every ${5 * size.evalEvery}`,
      seeds: seeds.join(', '),
    });
    for (const c of comparisons) {
      setup[`${c.name}: learning rates tried`] = c.search.map((s) => s.lr).join(', ');
      setup[`${c.name}: learning rate used`] = c.lr;
    }
    return { setup, verdicts: [c7], figures, tables: [perSeed, searchTable], timings };
  },
};

await runMain(bnTrainingSpeed, import.meta.url);
