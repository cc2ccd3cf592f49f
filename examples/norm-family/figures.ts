/** The figures of the norm-family experiment (examples/norm-family.ts). */
import { withTicks } from '../common/axis-ticks.ts';
import { bandChart } from '../lib/charts.ts';
import type { Figure } from '../lib/experiment.ts';
import type { MlpResult, RnnResult, Size } from '../norm-family.ts';
import { MLP_ARM_LABEL, type MlpArm, RNN_ARM_LABEL, type RnnArm } from './models.ts';

/** What the figures are drawn from. */
export interface FigureInputs {
  mlpResults: MlpResult[];
  sweep: Record<RnnArm, { x: number; y: number }[][]>;
  rnnResults: RnnResult[];
  size: Size;
  target: number;
  mlpArms: MlpArm[];
  rnnArms: RnnArm[];
  regimes: readonly { name: string; gain: number }[];
}

/** The MLP accuracy curves, the RNN gain sweep at initialization and the RNN accuracy curves. */
export function figures(o: FigureInputs): Figure[] {
  return [
    {
      file: 'mlp-accuracy.svg',
      title: 'MLP: test accuracy during training, per normalization',
      caption:
        `Test accuracy of C7's sigmoid MLP during ${o.size.mlp.steps} SGD steps, one learning rate for all arms; ` +
        `line: mean over ${o.size.mlp.seeds} seed(s), band: min to max. The dashed rule is C7's target (${o.target} %).`,
      spec: bandChart({
        title: 'Test accuracy while training, by normalization',
        x: { title: 'training step' },
        y: { title: 'test accuracy (%)' },
        series: o.mlpResults.map((m) => ({
          arm: MLP_ARM_LABEL[m.arm],
          runs: m.runs.map((r) => r.curve.map((p) => ({ x: p.step, y: p.accuracy }))),
        })),
        armTitle: 'normalization',
        rules: [{ y: o.target, label: `${o.target} %` }],
      }),
    },
    {
      file: 'rnn-gain-sweep.svg',
      title: 'RNN: gradient growth over the sequence against the recurrent gain, at initialization',
      caption:
        'D = log10(‖∂L/∂h_1‖ / ‖∂L/∂h_T‖) at initialization for W_hh ~ N(0, g²/H), as in C13: above 0 the ' +
        'gradient grows going back in time (explodes), below 0 it vanishes. Weight norm leaves the function at ' +
        "initialization unchanged, so its line lies on the plain RNN's. Line: mean over " +
        `${o.size.rnn.seeds} seed(s), band: min to max.`,
      spec: withTicks(
        bandChart({
          title: 'Gradient growth across the sequence, by recurrent gain',
          x: { title: 'recurrent gain g (log scale)', log: true },
          y: { title: 'D = log10(‖∂L/∂h_1‖ / ‖∂L/∂h_T‖)' },
          series: o.rnnArms.map((a) => ({ arm: RNN_ARM_LABEL[a], runs: o.sweep[a] })),
          armTitle: 'network',
          rules: [{ y: 0, label: 'flat' }],
        }),
        'x',
        o.size.rnn.sweep,
      ),
    },
    {
      file: 'rnn-accuracy.svg',
      title: 'RNN: test accuracy during training',
      caption:
        `Test accuracy on ${o.size.rnn.test} digits during ${o.size.rnn.steps} steps of Adam, at the two ` +
        `recurrent gains of C13; line: mean over ${o.size.rnn.seeds} seed(s), band: min to max.`,
      spec: bandChart({
        title: 'Test accuracy while training, row-by-row MNIST',
        x: { title: 'training step' },
        y: { title: 'test accuracy (%)' },
        series: o.regimes.flatMap((reg) =>
          o.rnnArms.map((a) => ({
            arm: `${RNN_ARM_LABEL[a]}, gain ${reg.gain}`,
            runs: o.rnnResults
              .filter((r) => r.arm === a && r.gain === reg.gain)
              .map((r) => r.curve.map((p) => ({ x: p.step, y: p.acc }))),
          })),
        ),
        armTitle: 'network, W_hh gain',
      }),
    },
  ];
}
