/**
 * The tables and figures of the saturating-activations experiment
 * (examples/saturating-activations.ts): per-layer gradient norms and
 * saturated fractions at initialization and after training, the
 * learning-rate search, and the first layer's gradient and the test accuracy
 * during training.
 */
import { mean } from '../common/mlp.ts';
import { bandChart, lineChart } from '../lib/charts.ts';
import type { Figure, Table } from '../lib/experiment.ts';
import { fmt } from '../lib/verdict.ts';
import type { Arm, ArmResult, Size } from './runs.ts';

export const armName = (a: Arm) => `scale ${a.scale}, ${a.batchNorm ? 'BN' : 'no BN'}`;

/** Geometric mean over seeds of each entry (gradient norms span decades). */
function geoMean(rows: readonly (readonly number[])[]): number[] {
  return rows[0]!.map((_, i) => 10 ** mean(rows.map((r) => Math.log10(Math.max(r[i]!, 1e-300)))));
}

function meanRows(rows: readonly (readonly number[])[]): number[] {
  return rows[0]!.map((_, i) => mean(rows.map((r) => r[i]!)));
}

export interface ReportInputs {
  results: ArmResult[];
  seeds: number[];
  size: Size;
  /** Hidden layers, probe-batch size, saturation threshold and the accuracy that counts as training (%). */
  depth: number;
  probeSize: number;
  satLo: number;
  trainsAt: number;
}

export function tablesAndFigures({ results, seeds, size, depth, probeSize, satLo, trainsAt }: ReportInputs): {
  tables: Table[];
  figures: Figure[];
} {
  const layerTable = (when: 'atInit' | 'atEnd', label: string): Table => ({
    title: `Per layer, ${label} (geometric mean over seeds of the weight-gradient norm; mean saturated fraction)`,
    claims: ['C9'],
    columns: [
      'layer',
      ...results.flatMap((r) => [`grad, ${armName(r.arm)}`, `saturated, ${armName(r.arm)}`]),
    ],
    rows: Array.from({ length: depth + 1 }, (_, l) => [
      l < depth ? `hidden ${l + 1}` : 'output',
      ...results.flatMap((r) => [
        geoMean(r.runs.map((x) => x[when].gradNorms))[l]!,
        l < depth ? meanRows(r.runs.map((x) => x[when].saturated))[l]! : '-',
      ]),
    ]),
  });
  const searchTable: Table = {
    title: `Learning-rate search (seed ${seeds[0]}): final training loss per rate`,
    claims: ['C9'],
    columns: ['network', 'learning rate', 'final training loss', 'final test accuracy (%)', 'chosen'],
    rows: results.flatMap((r) =>
      r.search.map((x) => [
        armName(r.arm),
        x.lr,
        Number.isFinite(x.finalLoss) ? x.finalLoss : 'diverged',
        x.finalAccuracy,
        x.lr === r.lr ? 'yes' : '',
      ]),
    ),
  };

  // ---- figures
  const perLayer = (when: 'atInit' | 'atEnd', what: 'gradNorms' | 'saturated') =>
    results.map((r) => {
      const rows = r.runs.map((x) => x[when][what]);
      const values = what === 'gradNorms' ? geoMean(rows) : meanRows(rows);
      return {
        arm: armName(r.arm),
        group: r.arm.batchNorm ? 'BN' : 'no BN',
        dash: `scale ${r.arm.scale}`,
        points: values.map((v, l) => ({ x: l + 1, y: what === 'gradNorms' ? Math.max(v, 1e-30) : v })),
      };
    });
  const gradFigure = (when: 'atInit' | 'atEnd', label: string, file: string): Figure => ({
    file,
    title: `Weight-gradient norm per layer, ${label}`,
    caption:
      `Norm of the loss gradient with respect to each Linear layer's weights (layers 1 to ${depth} are the ` +
      `hidden sigmoid layers, ${depth + 1} the output layer), on a fixed batch of ${probeSize} training digits, ` +
      `${label}; geometric mean over ${seeds.length} seeds, log scale. Colour: with or without BN; dash: the ` +
      'initial weight scale. A line falling towards layer 1 is a gradient vanishing on its way back to the ' +
      'input.',
    claims: ['C9'],
    spec: lineChart({
      title: `Gradient norm per layer, ${label}`,
      x: { title: 'layer (1 = first hidden, input side)' },
      y: { title: '‖∂L/∂W‖ (log scale)', log: true, format: '~e' },
      series: perLayer(when, 'gradNorms'),
      armTitle: 'network',
      dashTitle: 'initial weights',
      points: true,
    }),
  });
  const satFigure = (when: 'atInit' | 'atEnd', label: string, file: string): Figure => ({
    file,
    title: `Saturated units per hidden layer, ${label}`,
    caption:
      `Fraction of (digit, unit) pairs whose sigmoid output is below ${satLo} or above ${1 - satLo} (slope ` +
      `under a fifth of its peak), per hidden layer, on the same ${probeSize} training digits, ${label}; mean over ` +
      'seeds. With BN the sigmoid sees a normalized input (then scaled by γ and shifted by β), so it stays ' +
      'near the steep middle unless γ and β grow.',
    claims: ['C9'],
    spec: lineChart({
      title: `Saturated fraction per hidden layer, ${label}`,
      x: { title: 'hidden layer (1 = input side)' },
      y: { title: 'saturated fraction', domain: [0, 1] },
      series: perLayer(when, 'saturated').map((s) => ({ ...s, points: s.points.slice(0, depth) })),
      armTitle: 'network',
      dashTitle: 'initial weights',
      points: true,
    }),
  });
  const window = Math.max(1, Math.round(size.steps / 30));
  const windowed = (xs: number[]) =>
    Array.from({ length: Math.floor(xs.length / window) }, (_, k) => ({
      x: (k + 1) * window,
      y: Math.max(mean(xs.slice(k * window, (k + 1) * window)), 1e-30),
    }));
  const figures: Figure[] = [
    gradFigure('atInit', 'at initialization', 'gradients-init.svg'),
    gradFigure('atEnd', 'after training', 'gradients-trained.svg'),
    satFigure('atInit', 'at initialization', 'saturation-init.svg'),
    satFigure('atEnd', 'after training', 'saturation-trained.svg'),
    {
      file: 'first-layer-gradient.svg',
      title: 'Gradient reaching the first hidden layer during training',
      caption:
        'Norm of the first hidden layer’s weight gradient on each training mini-batch, averaged over windows ' +
        `of ${window} steps (log scale); mean and range over seeds, each network at its own learning rate. ` +
        'A network whose first layer receives almost no gradient cannot learn its input features.',
      claims: ['C9'],
      spec: bandChart({
        title: 'First hidden layer: gradient norm during training',
        x: { title: 'SGD step (count)' },
        y: { title: '‖∂L/∂W₁‖ (log scale)', log: true, format: '~e' },
        series: results.map((r) => ({
          arm: `${armName(r.arm)} (lr ${fmt(r.lr)})`,
          runs: r.runs.map((x) => windowed(x.firstGrad)),
        })),
        armTitle: 'network',
      }),
    },
    {
      file: 'test-accuracy.svg',
      title: 'Test accuracy during training',
      caption:
        `Test accuracy (${size.test} held-out digits) against SGD steps, each network at its own learning ` +
        `rate; mean and range over ${seeds.length} seeds. The dashed line is the ${trainsAt} % that counts ` +
        'as training.',
      claims: ['C9'],
      spec: bandChart({
        title: `Deep sigmoid networks (${depth} hidden layers): test accuracy`,
        x: { title: 'SGD step (count)' },
        y: { title: 'test accuracy (%)', domain: [0, 100] },
        series: results.map((r) => ({
          arm: `${armName(r.arm)} (lr ${fmt(r.lr)})`,
          runs: r.runs.map((x) => x.train.curve.map((p) => ({ x: p.step, y: p.accuracy }))),
        })),
        armTitle: 'network',
        rules: [{ y: trainsAt, label: `${trainsAt} %` }],
      }),
    },
  ];

  return {
    tables: [layerTable('atInit', 'at initialization'), layerTable('atEnd', 'after training'), searchTable],
    figures,
  };
}
