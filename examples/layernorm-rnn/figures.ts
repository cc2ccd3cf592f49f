/**
 * The figures of the layernorm-rnn experiment (examples/layernorm-rnn.ts):
 * the gradient with respect to each hidden state at initialization and after
 * training, the sweep over the recurrent gain, and the training curves.
 */

import { withTicks } from '../common/axis-ticks.ts';
import { RECURRENT_LABEL, type RecurrentKind } from '../common/seq.ts';
import type { RegimeName, RunResult, Size } from '../layernorm-rnn.ts';
import { bandChart } from '../lib/charts.ts';
import type { Figure } from '../lib/experiment.ts';

export interface FigureInputs {
  /** The runs of one network kind and recurrent regime, over the seeds. */
  pick: (kind: RecurrentKind, regime: RegimeName) => RunResult[];
  /** D at initialization per kind, seed and gain of the sweep. */
  sweep: Record<RecurrentKind, { x: number; y: number }[][]>;
  size: Size;
  seeds: number[];
  /** Steps of the sequence (image rows). */
  seqLen: number;
  regimes: readonly { name: RegimeName; gain: number }[];
  kinds: RecurrentKind[];
  /** Adam's learning rate. */
  lr: number;
}

export function figures({ pick, sweep, size, seeds, seqLen, regimes, kinds, lr }: FigureInputs): Figure[] {
  const arm = (k: RecurrentKind, reg: (typeof regimes)[number]) => `${RECURRENT_LABEL[k]}, gain ${reg.gain}`;
  const profile = (when: 'init' | 'trained') =>
    regimes.flatMap((reg) =>
      kinds.map((k) => ({
        arm: arm(k, reg),
        runs: pick(k, reg.name).map((r) =>
          (when === 'init' ? r.normsInit : r.normsTrained).map((v, t) => ({ x: t + 1, y: Math.log10(v) })),
        ),
      })),
    );
  const steps = Array.from({ length: seqLen }, (_, t) => t + 1).filter(
    (t) => t === 1 || t % 3 === 1 || t === seqLen,
  );
  const profileCaption =
    `‖∂L/∂h_t‖ for each step t of the ${seqLen}-step sequence (log10 scale), L the mean cross-entropy over ` +
    `${size.probe} test digits; line: mean of log10 over ${seeds.length} seed(s), band: min to max. A line ` +
    'falling to the left means the gradient vanishes on its way back to the early steps, rising to the left means ' +
    'it explodes.';
  return [
    {
      file: 'grad-profile-init.svg',
      title: 'Gradient with respect to each hidden state, at initialization',
      caption: `${profileCaption} Before any training, W_hh at gain 3 and 0.5 for both networks.`,
      claims: ['C13'],
      spec: withTicks(
        bandChart({
          title: 'log10 ‖∂L/∂h_t‖ at initialization',
          x: { title: 'sequence step t (image row)' },
          y: { title: 'log10 ‖∂L/∂h_t‖' },
          series: profile('init'),
          armTitle: 'network, W_hh gain',
        }),
        'x',
        steps,
      ),
    },
    {
      file: 'grad-profile-trained.svg',
      title: 'Gradient with respect to each hidden state, after training',
      caption: `${profileCaption} After ${size.steps} training steps.`,
      claims: ['C13'],
      spec: withTicks(
        bandChart({
          title: `log10 ‖∂L/∂h_t‖ after ${size.steps} training steps`,
          x: { title: 'sequence step t (image row)' },
          y: { title: 'log10 ‖∂L/∂h_t‖' },
          series: profile('trained'),
          armTitle: 'network, W_hh gain',
        }),
        'x',
        steps,
      ),
    },
    {
      file: 'gain-sweep.svg',
      title: 'Gradient growth over the sequence against the recurrent gain, at initialization',
      caption:
        'D = log10(‖∂L/∂h_1‖ / ‖∂L/∂h_T‖) at initialization for W_hh ~ N(0, g²/H) over a range of gains g: ' +
        'the orders of magnitude by which the gradient grows (above 0) or shrinks (below 0) from the last step ' +
        `back to the first. Line: mean over ${seeds.length} seed(s), band: min to max. A network whose gradients ` +
        'neither explode nor vanish over time keeps D near 0 whatever g is.',
      claims: ['C13'],
      spec: withTicks(
        bandChart({
          title: 'Gradient growth across the sequence, by recurrent gain',
          x: { title: 'recurrent gain g (log scale)', log: true },
          y: { title: 'D = log10(‖∂L/∂h_1‖ / ‖∂L/∂h_T‖)' },
          series: kinds.map((k) => ({ arm: RECURRENT_LABEL[k], runs: sweep[k] })),
          armTitle: 'network',
          rules: [{ y: 0, label: 'flat' }],
        }),
        'x',
        size.sweep,
      ),
    },
    {
      file: 'training-curves.svg',
      title: 'Test accuracy during training',
      caption:
        `Test accuracy on ${size.test} digits during ${size.steps} steps of Adam (batch ${size.batch}, ` +
        `learning rate ${lr}); line: mean over ${seeds.length} seed(s), band: min to max.`,
      claims: ['C13'],
      spec: bandChart({
        title: 'Test accuracy while training, row-by-row MNIST',
        x: { title: 'training step' },
        y: { title: 'test accuracy (%)' },
        series: regimes.flatMap((reg) =>
          kinds.map((k) => ({
            arm: arm(k, reg),
            runs: pick(k, reg.name).map((r) => r.curve.map((p) => ({ x: p.step, y: p.acc }))),
          })),
        ),
        armTitle: 'network, W_hh gain',
      }),
    },
    {
      file: 'training-loss.svg',
      title: 'Training loss',
      caption:
        "Mean training cross-entropy over each interval between test checkpoints, plotted at the interval's end; " +
        `line: mean over ${seeds.length} seed(s), band: min to max.`,
      claims: ['C13'],
      spec: bandChart({
        title: 'Training loss, row-by-row MNIST',
        x: { title: 'training step' },
        y: { title: 'training cross-entropy (mean over the interval)' },
        series: regimes.flatMap((reg) =>
          kinds.map((k) => ({
            arm: arm(k, reg),
            runs: pick(k, reg.name).map((r) => r.lossCurve.map((p) => ({ x: p.step, y: p.loss }))),
          })),
        ),
        armTitle: 'network, W_hh gain',
      }),
    },
  ];
}
