/**
 * BN makes training less sensitive to initialization and learning rate (C8):
 * one MNIST MLP trained over a grid of learning rates by initial weight
 * scales, without and with BN; the final training loss of every cell drawn as
 * two heat maps on one colour scale, and the cells where each trains counted.
 *
 *     npx tsx examples/bn-sensitivity.ts --quick
 */
import { manualSeed, ValueError } from '../core/index.ts';
import {
  type Activation,
  describeMlp,
  digits,
  type MlpOptions,
  mean,
  mlp,
  runSeeds,
  train,
} from './common/mlp.ts';
import type { Mode } from './lib/args.ts';
import { heatmap, lineChart } from './lib/charts.ts';
import { claim } from './lib/claims.ts';
import {
  type Experiment,
  type ExperimentOutput,
  type Figure,
  runMain,
  type Table,
} from './lib/experiment.ts';
import { combine, fmt, type Verdict } from './lib/verdict.ts';

// ---------------------------------------------------------------- fixed before the run

const ACTIVATION: Activation = 'relu';
/** A cell "trains" when its final training loss is below half the loss of guessing uniformly, ln(10) / 2. */
const TRAINS_BELOW = Math.log(10) / 2;
/** The final training loss is the mean mini-batch loss over this last share of the steps. */
const FINAL_SHARE = 0.1;
/** Losses above this (and diverged runs) are drawn at the top of the colour scale. */
const LOSS_CEIL = 10;
const LOSS_FLOOR = 0.1;
/** SGD momentum: the usual way of training, so a budget of an epoch or two is enough for the plain network. */
const MOMENTUM = 0.9;

interface Size {
  side: 14 | 28;
  hidden: number;
  train: number;
  batch: number;
  steps: number;
  lrs: number[];
  /** Multiples of PyTorch's default weight draw U(±1/sqrt(fanIn)). */
  scales: number[];
  seeds: number;
}

const SIZES: Record<Mode, Size> = {
  tiny: { side: 14, hidden: 16, train: 500, batch: 50, steps: 10, lrs: [0.01, 1], scales: [1, 10], seeds: 1 },
  quick: {
    side: 14,
    hidden: 32,
    train: 8000,
    batch: 50,
    steps: 160,
    lrs: [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1],
    scales: [0.1, 0.3, 1, 3, 10],
    seeds: 1,
  },
  full: {
    side: 28,
    hidden: 100,
    train: 8000,
    batch: 50,
    steps: 320,
    lrs: [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1],
    scales: [0.1, 0.3, 1, 3, 10],
    seeds: 2,
  },
};

const CRITERION =
  `A cell trains when its final training loss (mean mini-batch loss over the last ${100 * FINAL_SHARE} % of ` +
  `the steps, averaged over seeds; a diverged run counts as not training) is below ln(10)/2 ≈ ${fmt(
    TRAINS_BELOW,
  )}, half the loss of guessing. Three conditions: (a) overall, BN trains in more cells of the grid than no BN; ` +
  '(b) learning rate: at the default initialization (scale 1) BN trains at more learning rates than no BN; ' +
  '(c) initialization: at the learning rate with the lowest loss for no BN at scale 1, BN trains at more ' +
  'initial scales than no BN. Held if all three hold, did not hold if none does, held partly otherwise.';

function architecture(size: Size, batchNorm: boolean, scale: number): MlpOptions {
  const h = size.hidden;
  return {
    sizes: [size.side * size.side, h, h, h, 10],
    activation: ACTIVATION,
    batchNorm,
    weightScale: scale,
  };
}

interface Cell {
  lr: number;
  scale: number;
  batchNorm: boolean;
  /** Final training loss per seed; Infinity for a diverged run. */
  losses: number[];
  /** Mean over seeds (Infinity if any seed diverged). */
  loss: number;
  trains: boolean;
}

const armName = (bn: boolean) => (bn ? 'BN' : 'no BN');

// ---------------------------------------------------------------- the experiment

export const bnSensitivity: Experiment = {
  name: 'bn-sensitivity',
  title: 'Does BN make training less sensitive to initialization and learning rate?',
  claims: ['C8'],
  description: `A multilayer perceptron with three hidden ReLU layers is trained on MNIST by mini-batch SGD with momentum ${MOMENTUM} for a fixed budget (one epoch in quick runs, two in full runs) at every combination of a learning rate and an initial weight scale, once as it is and once with BatchNorm1d between every hidden Linear and its ReLU. The weight scale multiplies PyTorch's default draw U(±1/sqrt(fanIn)) of every Linear weight (scale 1 is the default; He initialization would be about 2.45), so small scales make the signal fade from layer to layer and large ones make it blow up; biases and BN's γ = 1, β = 0 keep their defaults.

Each cell reports the final training loss, the mean mini-batch cross-entropy over the last ${100 * FINAL_SHARE} % of the steps. The two grids are drawn as heat maps on one colour scale, and the cells where each network trains (loss below ln(10)/2 ≈ ${fmt(TRAINS_BELOW)}, half the loss of guessing among ten digits) are counted.

The article motivates the claim with the care usually taken over the initialization (it names Xavier) and the learning rate. Nothing here is taken from a paper's set-up. The budget is long enough, and momentum is used, so that the plain network trains well at its good settings: a short budget of plain SGD would mostly measure how fast each network learns, which is claim C7, not how sensitive it is. Quick runs pool the digits to 14 x 14 and use ${SIZES.quick.hidden} units per layer and one seed; full runs use the 28 x 28 digits, ${SIZES.full.hidden} units and two seeds.`,
  fullModeTime:
    '9 min (563 s) measured on 2026-12-01, 2 cores at load 4.9 when it started, sharing them with other work (an upper bound)',
  async run(ctx): Promise<ExperimentOutput> {
    const size = SIZES[ctx.mode];
    if (!size.scales.includes(1))
      throw new ValueError('bn-sensitivity: the grid of scales must contain 1, the default');
    const data = digits({ train: size.train, test: 0, seed: ctx.seed, side: size.side });
    const seeds = runSeeds(ctx.seed, size.seeds);
    const nCells = size.lrs.length * size.scales.length;
    const bar = ctx.progress('bn-sensitivity', 2 * nCells * seeds.length * size.steps);
    let done = 0;
    const finalCount = Math.max(1, Math.round(FINAL_SHARE * size.steps));

    const cells: Cell[] = [];
    for (const batchNorm of [false, true]) {
      for (const scale of size.scales) {
        for (const lr of size.lrs) {
          const losses = seeds.map((seed) => {
            manualSeed(seed);
            const base = done;
            const run = train({
              model: mlp(architecture(size, batchNorm, scale)),
              x: data.trainX,
              y: data.trainY,
              lr,
              momentum: MOMENTUM,
              batchSize: size.batch,
              steps: size.steps,
              seed,
              onStep: (step, loss) => bar.update(base + step, loss),
            });
            done = base + size.steps;
            return run.diverged ? Number.POSITIVE_INFINITY : mean(run.losses.slice(-finalCount));
          });
          const loss = mean(losses);
          cells.push({ lr, scale, batchNorm, losses, loss, trains: loss < TRAINS_BELOW });
        }
      }
    }
    bar.stop();

    const of = (bn: boolean) => cells.filter((c) => c.batchNorm === bn);
    const count = (cs: Cell[]) => cs.filter((c) => c.trains).length;
    const [plain, bn] = [of(false), of(true)];
    const atDefault = (cs: Cell[]) => cs.filter((c) => c.scale === 1);
    const bestPlainLr = atDefault(plain).reduce((a, b) => (b.loss < a.loss ? b : a)).lr;
    const atLr = (cs: Cell[]) => cs.filter((c) => c.lr === bestPlainLr);
    const partA = count(bn) > count(plain);
    const partB = count(atDefault(bn)) > count(atDefault(plain));
    const partC = count(atLr(bn)) > count(atLr(plain));
    const lowest = (cs: Cell[]) => Math.min(...cs.map((c) => c.loss));
    const diverged = (cs: Cell[]) => cs.filter((c) => !Number.isFinite(c.loss)).length;

    const c8: Verdict = {
      claim: 'C8',
      statement: claim('C8').summary,
      criterion: CRITERION,
      numbers: {
        'cells that train, no BN': `${count(plain)} of ${nCells}`,
        'cells that train, BN': `${count(bn)} of ${nCells}`,
        'learning rates that train at scale 1, no BN': `${count(atDefault(plain))} of ${size.lrs.length}`,
        'learning rates that train at scale 1, BN': `${count(atDefault(bn))} of ${size.lrs.length}`,
        [`initial scales that train at lr ${fmt(bestPlainLr)}, no BN`]: `${count(atLr(plain))} of ${size.scales.length}`,
        [`initial scales that train at lr ${fmt(bestPlainLr)}, BN`]: `${count(atLr(bn))} of ${size.scales.length}`,
        'lowest final loss in the grid, no BN': lowest(plain),
        'lowest final loss in the grid, BN': lowest(bn),
        'diverged cells, no BN': diverged(plain),
        'diverged cells, BN': diverged(bn),
      },
      verdict: combine([partA, partB, partC]),
      notes: `Conditions: (a) ${partA ? 'held' : 'did not hold'}, (b) ${partB ? 'held' : 'did not hold'}, (c) ${
        partC ? 'held' : 'did not hold'
      }. Learning rate ${fmt(bestPlainLr)} gave the network without BN its lowest loss at the default scale.`,
    };

    // ---- tables
    const lossText = (c: Cell) => (Number.isFinite(c.loss) ? c.loss : 'diverged');
    const table = (bnArm: boolean): Table => ({
      title: `Final training loss, ${armName(bnArm)} (rows: initial weight scale; columns: learning rate)`,
      claims: ['C8'],
      columns: ['scale \\ lr', ...size.lrs.map((lr) => fmt(lr)), 'learning rates that train'],
      rows: size.scales.map((scale) => {
        const row = of(bnArm).filter((c) => c.scale === scale);
        return [scale, ...row.map(lossText), `${count(row)} of ${size.lrs.length}`];
      }),
    });

    // ---- figures
    const shown = (c: Cell) =>
      Math.min(LOSS_CEIL, Math.max(LOSS_FLOOR, Number.isFinite(c.loss) ? c.loss : LOSS_CEIL));
    const figures: Figure[] = [
      {
        file: 'loss-heatmaps.svg',
        title: 'Final training loss over learning rate and initial weight scale, without and with BN',
        caption:
          `Each cell is one training run of ${size.steps} SGD steps${
            seeds.length > 1 ? ` (the mean over ${seeds.length} seeds)` : ''
          }; its colour and number are the final training loss (log colour scale, shared by both panels: ` +
          `yellow is low, dark purple high). Cells at ${LOSS_CEIL} had a loss of ${LOSS_CEIL} or more, or diverged (the tables ` +
          `say which). A cell trains when its loss is below ${fmt(TRAINS_BELOW)}: no BN ${count(plain)} of ${nCells} ` +
          `cells, BN ${count(bn)} of ${nCells}. Scale 1 is PyTorch's default initialization.`,
        claims: ['C8'],
        spec: heatmap({
          title: 'Final training loss: learning rate x initial weight scale',
          subtitle: `${describeMlp(architecture(size, false, 1)).split(',')[0]}, ${size.steps} steps of batch ${size.batch}`,
          cells: cells.map((c) => ({
            x: fmt(c.lr),
            y: fmt(c.scale),
            value: shown(c),
            panel: armName(c.batchNorm),
          })),
          x: { title: 'learning rate', sort: size.lrs.map((lr) => fmt(lr)) },
          y: {
            title: 'initial weight scale (x default)',
            sort: [...size.scales].reverse().map((s) => fmt(s)),
          },
          color: { title: 'loss', log: true, domain: [LOSS_FLOOR, LOSS_CEIL], reverse: true },
          textFormat: '.2f',
          cellSize: 44,
        }),
      },
      {
        file: 'loss-vs-lr.svg',
        title: 'Final training loss against learning rate, per initial scale',
        caption:
          'The same numbers as the heat maps, one line per initial scale (solid: no BN, dashed: BN). Diverged ' +
          `runs and losses above ${LOSS_CEIL} are drawn at ${LOSS_CEIL}. The dashed horizontal line is the ` +
          'threshold below which a cell counts as training.',
        claims: ['C8'],
        spec: lineChart({
          title: 'Final training loss against learning rate',
          x: { title: 'learning rate (log scale)', log: true },
          y: { title: 'final training loss (log scale)', log: true, domain: [LOSS_FLOOR, LOSS_CEIL] },
          series: [false, true].flatMap((bnArm) =>
            size.scales.map((scale) => ({
              arm: `scale ${fmt(scale)}, ${armName(bnArm)}`,
              group: `scale ${fmt(scale)}`,
              dash: armName(bnArm),
              points: of(bnArm)
                .filter((c) => c.scale === scale)
                .map((c) => ({ x: c.lr, y: shown(c) })),
            })),
          ),
          armTitle: 'initial scale',
          dashTitle: 'network',
          points: true,
          rules: [{ y: TRAINS_BELOW, label: 'trains below this' }],
        }),
      },
    ];

    return {
      setup: {
        'network without BN': describeMlp(architecture(size, false, 1)),
        'network with BN': describeMlp(architecture(size, true, 1)),
        data: `data.mnist: ${size.train} training digits (split seed ${ctx.seed}), ${size.side} x ${size.side} pixels in [0, 1]`,
        initialization:
          "every Linear weight = scale x PyTorch's default draw U(±1/sqrt(fanIn)); biases default; BN γ = 1, β = 0",
        'learning rates': size.lrs.join(', '),
        'initial weight scales': size.scales.join(', '),
        optimizer: `SGD with momentum ${MOMENTUM}, batch ${size.batch}, cross-entropy, ${size.steps} steps per cell (${fmt((size.steps * size.batch) / size.train)} epochs)`,
        'final training loss': `mean mini-batch loss over the last ${finalCount} steps`,
        'trains when the final loss is below': Number(TRAINS_BELOW.toFixed(4)),
        seeds: seeds.join(', '),
      },
      verdicts: [c8],
      figures,
      tables: [table(false), table(true)],
    };
  },
};

await runMain(bnSensitivity, import.meta.url);
