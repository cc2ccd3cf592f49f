/**
 * bn-training-speed's arms and runs: the three networks, one training run of
 * each without or with BN, the learning-rate search for the plain network,
 * and a comparison's runs over the seeds at the rate it found. The
 * experiment's constants come in through `Setting`; its criterion and verdict
 * stay in examples/bn-training-speed.ts.
 */
import { manualSeed } from '../../core/index.ts';
import {
  type Activation,
  type Digits,
  evalSchedule,
  type MlpOptions,
  type MlpSize,
  mlp,
  stepsToTarget,
  type TrainRun,
  train,
} from '../common/mlp.ts';

export interface Size extends MlpSize {
  /** Learning rates tried for the network without BN. */
  lrs: number[];
  evalEvery: number;
}

/** What every run of the experiment shares: the digits, the size and the constants fixed before the run. */
export interface Setting {
  data: Digits;
  size: Size;
  /** The test accuracy (%) both networks race to. */
  target: number;
  batch: number;
  /** Steps of a search run (it also stops at the target). */
  searchSteps: number;
  /** How often a grid whose best rate is on its edge is extended one step further out. */
  maxExtensions: number;
}

/** A network compared without and with BN: its activation and initialization. */
export interface Network {
  name: string;
  activation: Activation;
  init: 'default' | 'xavier';
}

/** The paper's sigmoid MLP at PyTorch's default and at Xavier initialization, and its ReLU twin. */
export const NETWORKS: Network[] = [
  { name: 'sigmoid', activation: 'sigmoid', init: 'default' },
  { name: 'sigmoid, Xavier init', activation: 'sigmoid', init: 'xavier' },
  { name: 'relu', activation: 'relu', init: 'default' },
];

export function architecture(size: Size, net: Network, batchNorm: boolean): MlpOptions {
  const h = size.hidden;
  return {
    sizes: [size.side * size.side, h, h, h, 10],
    activation: net.activation,
    batchNorm,
    init: net.init,
  };
}

/** When runs reach `target` % test accuracy, counted the way the criterion counts them. */
export function stepsTo(target: number) {
  const reachedAt = (r: TrainRun): number | null => stepsToTarget(r.curve, target);
  return {
    reachedAt,
    /** Steps to the target, or the run's length when it never reached it. */
    stepsOrCap: (r: TrainRun): number => reachedAt(r) ?? r.steps,
    stepsText: (r: TrainRun): string => {
      const s = reachedAt(r);
      return s === null ? `> ${r.steps}` : String(s);
    },
  };
}

export const lastAccuracy = (r: TrainRun): number => r.curve[r.curve.length - 1]!.accuracy;

interface RunSpec {
  net: Network;
  batchNorm: boolean;
  lr: number;
  seed: number;
  steps: number;
  stopAtTarget: boolean;
}

function runOnce(s: Setting, r: RunSpec, tick: (step: number, loss: number) => void): TrainRun {
  manualSeed(r.seed);
  return train({
    model: mlp(architecture(s.size, r.net, r.batchNorm)),
    x: s.data.trainX,
    y: s.data.trainY,
    lr: r.lr,
    batchSize: s.batch,
    steps: r.steps,
    seed: r.seed,
    evalAt: evalSchedule(r.steps, s.size.evalEvery),
    evalX: s.data.testX,
    evalY: s.data.testY,
    ...(r.stopAtTarget ? { stopAtAccuracy: s.target } : {}),
    onStep: tick,
  });
}

export interface SearchRun {
  lr: number;
  run: TrainRun;
}

/** The fastest rate to the target; if none reached it, the one with the highest last accuracy. */
function bestOf(search: readonly SearchRun[], target: number): SearchRun {
  const { reachedAt, stepsOrCap } = stepsTo(target);
  const reaching = search.filter((s) => reachedAt(s.run) !== null);
  return reaching.length > 0
    ? reaching.reduce((a, b) => (stepsOrCap(b.run) < stepsOrCap(a.run) ? b : a))
    : search.reduce((a, b) => (lastAccuracy(b.run) > lastAccuracy(a.run) ? b : a));
}

/** The grid search for the plain network, extended outward while its best rate sits on an edge. */
function searchLr(
  s: Setting,
  net: Network,
  seed: number,
  tick: (step: number, loss: number) => void,
): SearchRun[] {
  const search: SearchRun[] = [];
  const tryLr = (lr: number) => {
    const spec = { net, batchNorm: false, lr, seed, steps: s.searchSteps, stopAtTarget: true };
    search.push({ lr, run: runOnce(s, spec, tick) });
    search.sort((a, b) => a.lr - b.lr);
  };
  for (const lr of s.size.lrs) tryLr(lr);
  for (let extra = 0; extra < s.maxExtensions; extra++) {
    const b = bestOf(search, s.target).lr;
    const [lo, lo2] = [search[0]!.lr, search[1]!.lr];
    const [hi, hi2] = [search[search.length - 1]!.lr, search[search.length - 2]!.lr];
    if (b === hi) tryLr(Number(((hi * hi) / hi2).toPrecision(3)));
    else if (b === lo) tryLr(Number(((lo * lo) / lo2).toPrecision(3)));
    else break;
  }
  return search;
}

/** One network's runs: the search on the first seed, then both arms over every seed at the rate it chose. */
export interface Comparison {
  name: string;
  search: SearchRun[];
  lr: number;
  plain: TrainRun[];
  bn: TrainRun[];
}

export function compare(
  s: Setting,
  net: Network,
  seeds: number[],
  tick: (step: number, loss: number) => void,
): Comparison {
  const search = searchLr(s, net, seeds[0]!, tick);
  const lr = bestOf(search, s.target).lr;
  const arm = (batchNorm: boolean) =>
    seeds.map((seed) =>
      runOnce(s, { net, batchNorm, lr, seed, steps: s.size.steps, stopAtTarget: false }, tick),
    );
  const plain = arm(false);
  const bn = arm(true);
  return { name: net.name, search, lr, plain, bn };
}
