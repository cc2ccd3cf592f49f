/**
 * The figures of the covariate-shift experiment (examples/covariate-shift.ts):
 * the percentiles of one sigmoid input over training (the Batch Normalization
 * paper's Figure 1), every unit's drift, test accuracy, and Santurkar et
 * al.'s gradient-based measure.
 */
import type { ArmRun } from '../covariate-shift.ts';
import { lineChart, rangeChart, stripChart } from '../lib/charts.ts';
import type { Figure } from '../lib/experiment.ts';

export interface FigureInputs {
  runs: ArmRun[];
  /** The drawn unit, the held-out batch size and how often test accuracy was measured (steps). */
  unit: number;
  batch: number;
  accEvery: number;
}

export function figures({ runs, unit, batch, accEvery }: FigureInputs): Figure[] {
  return [
    {
      file: 'percentiles.svg',
      title: `The input to one sigmoid of the last hidden layer over training (unit ${unit})`,
      caption:
        `The 15th, 50th and 85th percentiles of unit ${unit}'s sigmoid input over the ${batch} held-out images, ` +
        'every few training steps (band: 15th to 85th; line: median), as in Figure 1(b, c) of the Batch ' +
        'Normalization paper. Without BN the distribution moves as the layers below learn; with BN it stays ' +
        'centred with a steady spread; with BN + noise it is shifted afresh at every step.',
      claims: ['C4'],
      spec: rangeChart({
        title: 'Sigmoid input of one last-hidden-layer unit, held-out batch',
        rows: runs.flatMap((r) =>
          r.checkpoints.map((c) => ({
            arm: r.arm,
            x: c.step,
            lo: c.pct[unit]![0]!,
            mid: c.pct[unit]![1]!,
            hi: c.pct[unit]![2]!,
          })),
        ),
        x: { title: 'training step (count)' },
        y: { title: 'sigmoid input (pre-activation)' },
        bandLabel: '15th to 85th percentile',
        midLabel: 'median',
      }),
    },
    {
      file: 'drift-per-unit.svg',
      title: 'Drift of every unit of the last hidden layer',
      caption:
        'Each tick is one of the 100 units: how far its 15th, 50th or 85th percentile (evaluation mode) moved between 10 % of ' +
        'training and the end, in units of its 15-85 spread at 10 % (log scale). The medians of these are the ' +
        'drift numbers of the verdict.',
      claims: ['C4'],
      spec: stripChart({
        title: 'Drift per unit, relative to the unit’s spread',
        points: runs.flatMap((r) =>
          r.drift.map((d) => ({ category: r.arm, value: Math.max(d, 1e-4), kind: r.arm })),
        ),
        x: { title: 'drift (moves of the percentiles / 15-85 spread, log scale)', log: true },
        categoryTitle: 'arm',
        kindTitle: 'arm',
      }),
    },
    {
      file: 'test-accuracy.svg',
      title: 'Test accuracy during training',
      caption:
        'Accuracy on up to 1,000 test images (evaluation mode: BN uses its running statistics, no noise) every ' +
        `${accEvery} steps, as in Figure 1(a) of the paper.`,
      claims: ['C4'],
      spec: lineChart({
        title: 'Test accuracy against training step',
        x: { title: 'training step (count)' },
        y: { title: 'test accuracy (fraction)', domain: [0, 1] },
        series: runs.map((r) => ({ arm: r.arm, points: r.acc.map((a) => ({ x: a.step, y: a.acc })) })),
        points: true,
      }),
    },
    {
      file: 'gradient-shift.svg',
      title: "Santurkar et al.'s measure: change of the last hidden layer's gradient",
      caption:
        "||G − G'|| / ||G||, where G is the last hidden Linear's weight gradient on a batch and G' the same " +
        'gradient after the layers below have taken their SGD step on that batch (log scale).',
      claims: ['C4'],
      spec: lineChart({
        title: "Relative gradient change ||G − G'|| / ||G||",
        x: { title: 'training step (count)' },
        y: { title: "||G − G'|| / ||G|| (log scale)", log: true, format: '~e' },
        series: runs.map((r) => ({
          arm: r.arm,
          points: r.checkpoints.slice(1).map((c) => ({ x: c.step, y: Math.max(c.grad.rel, 1e-12) })),
        })),
      }),
    },
    {
      file: 'gradient-cosine.svg',
      title: "Santurkar et al.'s measure: cosine between the gradients before and after",
      caption:
        "cos(G, G'): 1 means the earlier layers' step did not change the direction of this layer's gradient.",
      claims: ['C4'],
      spec: lineChart({
        title: "cos(G, G') over training",
        x: { title: 'training step (count)' },
        y: { title: "cos(G, G') (unitless)" },
        series: runs.map((r) => ({
          arm: r.arm,
          points: r.checkpoints.slice(1).map((c) => ({ x: c.step, y: c.grad.cos })),
        })),
      }),
    },
    {
      file: 'landscape-beta.svg',
      title: "Santurkar et al.'s effective β-smoothness along the training path",
      caption:
        'At each checkpoint, the largest change of the full gradient per unit moved, ‖∇L(w) − ∇L(w − η∇L)‖ / ' +
        '‖η∇L‖, over a few steps η along the gradient on that step’s batch (log scale). Lower means a smoother, ' +
        'more predictable landscape, which Santurkar et al. give as the reason BN helps.',
      claims: ['C4'],
      spec: lineChart({
        title: 'Effective β-smoothness over training',
        x: { title: 'training step (count)' },
        y: { title: 'effective β (log scale)', log: true, format: '~e' },
        series: runs.map((r) => ({
          arm: r.arm,
          points: r.checkpoints.map((c) => ({ x: c.step, y: Math.max(c.landscape.beta, 1e-12) })),
        })),
      }),
    },
  ];
}
