/**
 * The figures of the bn-regularization experiment
 * (examples/bn-regularization.ts): the generalization gap and the accuracies
 * during training, and one unit's normalized value batch after batch.
 */
import type { Arm, Run, Size } from '../bn-regularization.ts';
import { mean } from '../common/mlp.ts';
import { bandChart, lineChart, stripChart } from '../lib/charts.ts';
import type { Figure } from '../lib/experiment.ts';
import { fmt } from '../lib/verdict.ts';
import type { Noise } from './noise.ts';

export interface FigureInputs {
  results: { arm: Arm; runs: Run[] }[];
  seeds: number[];
  size: Size;
  /** The batch-to-batch noise in the trained BN network (first seed). */
  noise: Noise;
  /** Random batches the noise was measured over, and the batch size. */
  noiseBatches: number;
  batch: number;
}

export function figures({ results, seeds, size, noise, noiseBatches, batch }: FigureInputs): Figure[] {
  return [
    {
      file: 'gap.svg',
      title: 'Training minus test accuracy during training',
      caption:
        `The generalization gap (training accuracy − test accuracy, percentage points, eval mode) over ` +
        `training on ${size.train} digits; mean and range over ${seeds.length} seeds. A regularizer keeps it ` +
        'lower.',
      claims: ['C10'],
      spec: bandChart({
        title: 'Generalization gap against steps',
        x: { title: 'SGD step (count)' },
        y: { title: 'training − test accuracy (points)' },
        series: results.map((a) => ({
          arm: a.arm.name,
          runs: a.runs.map((r) =>
            r.trainCurve.map((p, i) => ({ x: p.step, y: p.accuracy - r.testCurve[i]!.accuracy })),
          ),
        })),
        armTitle: 'network',
      }),
    },
    {
      file: 'accuracy.svg',
      title: 'Training and test accuracy during training',
      caption:
        `Accuracy on the ${size.train} training digits (solid) and on ${size.test} test digits (dashed), mean ` +
        'over seeds, eval mode.',
      claims: ['C10'],
      spec: lineChart({
        title: 'Training and test accuracy',
        x: { title: 'SGD step (count)' },
        y: { title: 'accuracy (%)' },
        series: results.flatMap((a) =>
          (['training', 'test'] as const).map((set) => ({
            arm: `${a.arm.name}, ${set}`,
            group: a.arm.name,
            dash: set,
            points: a.runs[0]!.trainCurve.map((p, i) => ({
              x: p.step,
              y: mean(a.runs.map((r) => (set === 'training' ? r.trainCurve : r.testCurve)[i]!.accuracy)),
            })),
          })),
        ),
        armTitle: 'network',
        dashTitle: 'digits',
      }),
    },
    {
      file: 'batch-noise.svg',
      title: "One unit's normalized value for fixed digits, batch after batch",
      caption:
        `Each tick is the normalized value (z − batch mean) / sqrt(batch variance + ε) of unit 0 of the first ` +
        `BN layer (trained network, first seed) for one training digit, in one of ${noiseBatches} random ` +
        `batches of ${batch} digits; red marks the value with the running statistics used at test time. The ` +
        `spread of a row is the noise BN adds in training: on average ${fmt(noise.meanSd)} (units of the ` +
        'value’s spread over digits) across all units of the layer.',
      claims: ['C10'],
      spec: stripChart({
        title: 'Batch-to-batch noise in a normalized value',
        subtitle: `unit 0 of the first BN layer, first ${Math.min(8, noise.unit0.length)} probed digits`,
        points: noise.unit0
          .slice(0, 8)
          .flatMap((d, s) => [
            ...d.batchValues.map((v) => ({ category: `digit ${s}`, value: v, kind: 'in a random batch' })),
            { category: `digit ${s}`, value: d.evalValue, kind: 'running statistics (eval)' },
          ]),
        x: { title: 'normalized value (units of the spread over digits)' },
        categoryTitle: 'training digit',
        kindTitle: 'normalized with',
        colors: { 'in a random batch': '#4c78a8', 'running statistics (eval)': '#e45756' },
      }),
    },
  ];
}
