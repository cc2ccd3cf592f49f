/**
 * The figures of the bias-redundancy experiment (examples/bias-redundancy.ts):
 * BatchNorm reproducing its input (C5), the output change a Linear bias causes
 * with and without BN, and the MNIST training runs with and without the bias
 * (C6).
 */
import type { biasSweep, checkBatchNorm, pair } from '../bias-redundancy.ts';
import { lineChart, scatterChart } from '../lib/charts.ts';
import type { Figure } from '../lib/experiment.ts';

export interface FigureInputs {
  c5: ReturnType<typeof checkBatchNorm>;
  sweep: ReturnType<typeof biasSweep>;
  /** The training runs with and without the hidden biases, with BN and without. */
  bnPair: ReturnType<typeof pair>;
  plainPair: ReturnType<typeof pair>;
  trainSteps: number;
  batch: number;
  /** Exact zeros are drawn at this value on the log scales. */
  floor: number;
}

export function figures({ c5, sweep, bnPair, plainPair, trainSteps, batch, floor }: FigureInputs): Figure[] {
  const steps = Array.from({ length: trainSteps }, (_, i) => i + 1);
  return [
    {
      file: 'bn-identity.svg',
      title: 'BatchNorm reproducing its input',
      caption:
        'Each dot is one value of the 64 × 8 test batch: its input to BatchNorm1d (x axis) and the output (y ' +
        'axis) with γ = sqrt(σ² + ε) and β = μ, the batch statistics. All dots lie on the dashed line y = x: ' +
        'the scale and shift can undo the normalization, so BN can represent the identity.',
      claims: ['C5'],
      spec: scatterChart({
        title: 'BN output against its input with γ = sqrt(σ² + ε), β = μ',
        points: Array.from(c5.x.data, (v, i) => ({
          x: v,
          y: c5.scatter.data[i]!,
          group: `feature ${i % 8}`,
        })),
        x: { title: 'input value (unitless)' },
        y: { title: 'BatchNorm output (unitless)' },
        groupTitle: 'feature',
        diagonal: true,
      }),
    },
    {
      file: 'bias-sweep.svg',
      title: 'How much a Linear bias changes the output, with and without BatchNorm',
      caption:
        'The largest change in the output of Linear(16, 8) (then BatchNorm1d(8) in training mode, or nothing) ' +
        'when its bias is set to a vector of size c instead of 0 (log scales). Without BN the change grows ' +
        `with c; with BN it stays at rounding level (values of exactly 0 are drawn at ${floor}).`,
      claims: ['C6'],
      spec: lineChart({
        title: 'Output change against bias size',
        x: { title: 'bias size c (norm of b, log scale)', log: true, format: '~e' },
        y: { title: 'output change (log scale)', log: true, format: '~e' },
        series: [
          {
            arm: 'Linear + BatchNorm',
            points: sweep.rows.map((r) => ({ x: r.c, y: Math.max(r.withBn, floor) })),
          },
          {
            arm: 'Linear alone',
            points: sweep.rows.map((r) => ({ x: r.c, y: Math.max(r.without, floor) })),
          },
        ],
        armTitle: 'layer',
        points: true,
      }),
    },
    {
      file: 'loss-curves.svg',
      title: 'Training with and without the bias, from identical weights',
      caption:
        `Training loss (cross-entropy) per step of SGD on MNIST (batches of ${batch}), for the network with ` +
        'and without the hidden biases (dashed: no bias), with BN and without BN. With BN the two curves lie ' +
        'on top of each other; without BN they part.',
      claims: ['C6'],
      spec: lineChart({
        title: 'Training loss with and without the hidden biases',
        x: { title: 'training step (count)' },
        y: { title: 'cross-entropy loss (nats)' },
        series: [
          { arm: 'BN, with bias', group: 'with BN', dash: 'with bias', r: bnPair.runs[0] },
          { arm: 'BN, without bias', group: 'with BN', dash: 'without bias', r: bnPair.runs[1] },
          { arm: 'no BN, with bias', group: 'without BN', dash: 'with bias', r: plainPair.runs[0] },
          { arm: 'no BN, without bias', group: 'without BN', dash: 'without bias', r: plainPair.runs[1] },
        ].map(({ r, ...s }) => ({ ...s, points: r.losses.map((l, i) => ({ x: i + 1, y: l })) })),
        armTitle: 'network',
        dashTitle: 'hidden Linears',
      }),
    },
    {
      file: 'loss-gap.svg',
      title: 'The gap between the two training curves',
      caption:
        '|loss with bias − loss without bias| at each step (log scale): with BN it stays at the level of ' +
        `floating-point rounding; without BN it is of the order of the loss itself. Exact zeros are drawn at ${floor}.`,
      claims: ['C6'],
      spec: lineChart({
        title: 'Loss gap between the runs with and without bias',
        x: { title: 'training step (count)' },
        y: { title: '|Δ loss| (nats, log scale)', log: true, format: '~e' },
        series: [
          {
            arm: 'with BN',
            points: steps.map((s, i) => ({ x: s, y: Math.max(bnPair.lossGap[i]!, floor) })),
          },
          {
            arm: 'without BN',
            points: steps.map((s, i) => ({ x: s, y: Math.max(plainPair.lossGap[i]!, floor) })),
          },
        ],
        armTitle: 'network',
      }),
    },
  ];
}
