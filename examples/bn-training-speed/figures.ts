/**
 * The figures of the bn-training-speed experiment
 * (examples/bn-training-speed.ts): test accuracy and training loss of each
 * network with and without BN, and the learning-rate search of each plain
 * network.
 */
import type { TrainRun } from '../common/mlp.ts';
import { bandChart, lineChart } from '../lib/charts.ts';
import type { Figure } from '../lib/experiment.ts';
import { fmt } from '../lib/verdict.ts';
import type { Comparison, Size } from './runs.ts';

/** Mean mini-batch loss over windows of `w` steps, as curve points at the window's last step. */
function smoothedLoss(r: TrainRun, w: number): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  for (let end = w; end <= r.losses.length; end += w) {
    out.push({ x: end, y: r.losses.slice(end - w, end).reduce((a, b) => a + b, 0) / w });
  }
  return out;
}

export interface FigureInputs {
  comparisons: Comparison[];
  seeds: number[];
  size: Size;
  /** The step cap of every run, the steps of a search run and the target test accuracy (%). */
  cap: number;
  searchSteps: number;
  target: number;
}

export function figures({ comparisons, seeds, size, cap, searchSteps, target }: FigureInputs): Figure[] {
  const window = Math.max(5, Math.round(cap / 40));
  const armName = (c: Comparison, bn: boolean) => `${c.name}, ${bn ? 'BN' : 'no BN'} (lr ${fmt(c.lr)})`;
  return [
    {
      file: 'test-accuracy.svg',
      title: 'Test accuracy during training, with and without BN',
      caption:
        `Test accuracy (${size.test} held-out digits) against SGD steps, for the sigmoid network of the paper ` +
        'and its ReLU twin, each without and with BN at the learning rate that suited its plain version best ' +
        `(in the legend). Line: mean over ${seeds.length} seeds; band: lowest to highest seed. The dashed line ` +
        `is the ${target} % target; the step at which a curve first crosses it is what the verdict compares.`,
      claims: ['C7'],
      spec: bandChart({
        title: 'Test accuracy against steps',
        x: { title: 'SGD step (count)' },
        y: { title: 'test accuracy (%)', domain: [0, 100] },
        series: comparisons.flatMap((c) =>
          [false, true].map((bn) => ({
            arm: armName(c, bn),
            runs: (bn ? c.bn : c.plain).map((r) => r.curve.map((p) => ({ x: p.step, y: p.accuracy }))),
          })),
        ),
        armTitle: 'network',
        rules: [{ y: target, label: `target ${target} %` }],
      }),
    },
    {
      file: 'training-loss.svg',
      title: 'Training loss during training, with and without BN',
      caption:
        `Mini-batch cross-entropy averaged over windows of ${window} steps (log scale), mean and range over ` +
        'seeds. ln 10 ≈ 2.3 is the loss of guessing uniformly among the ten digits: a curve that stays there ' +
        'has not started to learn.',
      claims: ['C7'],
      spec: bandChart({
        title: 'Training loss against steps',
        x: { title: 'SGD step (count)' },
        y: { title: 'training cross-entropy (nats, log scale)', log: true },
        series: comparisons.flatMap((c) =>
          [false, true].map((bn) => ({
            arm: armName(c, bn),
            runs: (bn ? c.bn : c.plain).map((r) => smoothedLoss(r, window)),
          })),
        ),
        armTitle: 'network',
      }),
    },
    ...comparisons.map(
      (c): Figure => ({
        file: `lr-search-${c.name.replace(/[^a-z]+/gi, '-').toLowerCase()}.svg`,
        title: `The learning-rate search for the ${c.name} network without BN`,
        caption:
          `Test accuracy of the ${c.name} network without BN at each learning rate tried (seed ${seeds[0]}); ` +
          `runs stop when they reach ${target} % or after ${searchSteps} steps. The rate that got there in ` +
          'the fewest steps (or, if none did, ended highest) is used for both arms.',
        claims: ['C7'],
        spec: lineChart({
          title: `Learning-rate search, ${c.name}, no BN`,
          x: { title: 'SGD step (count)' },
          y: { title: 'test accuracy (%)', domain: [0, 100] },
          series: c.search.map((s) => ({
            arm: `lr ${fmt(s.lr)}`,
            points: s.run.curve.map((p) => ({ x: p.step, y: p.accuracy })),
          })),
          armTitle: 'learning rate',
          rules: [{ y: target, label: `target ${target} %` }],
        }),
      }),
    ),
  ];
}
