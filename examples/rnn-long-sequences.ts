/**
 * LayerNorm in recurrent networks over longer sequences and with gated cells
 * (C13, continued from layernorm-rnn): the adding problem at 100 steps for
 * Elman and LSTM cells with and without layer normalization, and MNIST read
 * row by row (28 steps) by an LSTM and an LN-LSTM. Measures how the gradient
 * with respect to the hidden state grows or shrinks back through time, before
 * and after training, and how well each network learns.
 *
 *     npx tsx examples/rnn-long-sequences.ts --quick
 */
import { manualSeed, noGrad, Generator as Rng, type Tensor } from '../core/index.ts';
import { DataLoader, mnistRows, TensorDataset } from '../data/index.ts';
import { F } from '../nn/index.ts';
import { Adam } from '../optim/index.ts';
import { mean } from './common/mlp.ts';
import type { Mode } from './lib/args.ts';
import { lineChart } from './lib/charts.ts';
import { claim } from './lib/claims.ts';
import {
  type Experiment,
  type ExperimentOutput,
  type Figure,
  runMain,
  type Table,
} from './lib/experiment.ts';
import { combine, fmt, type Verdict } from './lib/verdict.ts';
import {
  addingProblem,
  CELLS,
  type CellKind,
  Recurrent,
  stateGradNorms,
} from './rnn-long-sequences/model.ts';

// ---------------------------------------------------------------- fixed before the run

interface Size {
  /** The adding problem: sequence length, hidden units, batch, training steps, test sequences. */
  adding: { steps: number; hidden: number; batch: number; iters: number; test: number };
  /** MNIST rows (28 steps of 28 pixels). */
  rows: { hidden: number; batch: number; iters: number; train: number; test: number };
  seeds: number;
}

const SIZES: Record<Mode, Size> = {
  tiny: {
    adding: { steps: 12, hidden: 8, batch: 8, iters: 4, test: 32 },
    rows: { hidden: 8, batch: 8, iters: 4, train: 64, test: 32 },
    seeds: 1,
  },
  quick: {
    adding: { steps: 100, hidden: 16, batch: 16, iters: 60, test: 128 },
    rows: { hidden: 32, batch: 32, iters: 60, train: 1000, test: 200 },
    seeds: 1,
  },
  full: {
    adding: { steps: 100, hidden: 64, batch: 32, iters: 3000, test: 1000 },
    rows: { hidden: 64, batch: 32, iters: 1500, train: 8000, test: 2000 },
    seeds: 2,
  },
};

/** Adam for every arm, as in layernorm-rnn; no gradient clipping, so nothing masks an explosion. */
const LR = 2e-3;
/** LN must bring |D| to at most this share of the cell without LN. */
const D_SHARE = 0.5;
/** On the adding problem LN must bring the test error to at most this share of the cell without LN. */
const MSE_SHARE = 0.8;
/** On MNIST rows LN-LSTM must beat LSTM by this many points of test accuracy. */
const MARGIN_PP = 2;
/** The error of always answering 1 on the adding problem. */
const TRIVIAL_MSE = 1 / 6;

const CRITERION =
  'D = log10(‖∂L/∂h_1‖ / ‖∂L/∂h_T‖) on the test sequences after training, mean over seeds (D > 0: the ' +
  'gradient grows going back in time, D < 0: it shrinks). Six conditions: on the adding problem, after ' +
  `training, (a) the LN-RNN's |D| is at most ${D_SHARE} times the RNN's and (b) the LN-LSTM's at most ` +
  `${D_SHARE} times the LSTM's; (c) on MNIST rows the LN-LSTM's |D| is at most ${D_SHARE} times the LSTM's; ` +
  `(d, e) on the adding problem the test mean squared error with LN is at most ${MSE_SHARE} times that without, ` +
  `for the RNN and for the LSTM; (f) on MNIST rows the LN-LSTM's test accuracy is at least ${MARGIN_PP} points ` +
  "above the LSTM's. Held if all six hold, did not hold if none does, held partly otherwise. For reference, " +
  `always answering 1 on the adding problem has an error of ${fmt(TRIVIAL_MSE)}.`;

// ---------------------------------------------------------------- training

interface Run {
  task: 'adding' | 'rows';
  cell: CellKind;
  seed: number;
  normsInit: number[];
  normsTrained: number[];
  losses: number[];
  /** Test mean squared error (adding) or accuracy in % (rows). */
  score: number;
}

const orders = (norms: readonly number[]): number => Math.log10(norms[0]! / norms[norms.length - 1]!);

function fit(
  model: Recurrent,
  batches: () => Iterable<[Tensor, Tensor]>,
  iters: number,
  loss: (o: Tensor, y: Tensor) => Tensor,
  tick: () => void,
): number[] {
  const opt = new Adam(model.parameters(), { lr: LR });
  const losses: number[] = [];
  while (losses.length < iters) {
    for (const [x, y] of batches()) {
      opt.zeroGrad();
      const l = loss(model.forward(x), y);
      l.backward();
      opt.step();
      losses.push(l.item());
      tick();
      if (losses.length === iters) break;
    }
  }
  return losses;
}

function runAdding(cell: CellKind, seed: number, s: Size['adding'], tick: () => void): Run {
  const test = addingProblem(s.test, s.steps, new Rng(seed + 7));
  const stream = new Rng(seed + 11);
  manualSeed(seed);
  const model = new Recurrent(cell, 2, s.hidden, 1);
  const mse = (o: Tensor, y: Tensor) => F.mseLoss(o, y);
  const normsInit = stateGradNorms(model, test.x, (o) => mse(o, test.y));
  const batches = function* (): Iterable<[Tensor, Tensor]> {
    for (;;) {
      const b = addingProblem(s.batch, s.steps, stream);
      yield [b.x, b.y];
    }
  };
  const losses = fit(model, batches, s.iters, mse, tick);
  const score = noGrad(() => mse(model.forward(test.x), test.y).item());
  return {
    task: 'adding',
    cell,
    seed,
    normsInit,
    normsTrained: stateGradNorms(model, test.x, (o) => mse(o, test.y)),
    losses,
    score,
  };
}

function runRows(
  cell: CellKind,
  seed: number,
  s: Size['rows'],
  data: ReturnType<typeof mnistRows>,
  tick: () => void,
): Run {
  manualSeed(seed);
  const model = new Recurrent(cell, 28, s.hidden, 10);
  const ce = (o: Tensor, y: Tensor) => F.crossEntropy(o, y);
  const normsInit = stateGradNorms(model, data.testX, (o) => ce(o, data.testY));
  const loader = new DataLoader(new TensorDataset(data.trainX, data.trainY), {
    batchSize: s.batch,
    shuffle: true,
    dropLast: true,
    seed,
  });
  const losses = fit(
    model,
    () => [...loader].map(([x, y]) => [x!, y!] as [Tensor, Tensor]),
    s.iters,
    ce,
    tick,
  );
  const pred = noGrad(() => model.forward(data.testX).argmax(1));
  let hits = 0;
  for (let i = 0; i < data.testY.numel(); i++) if (pred.data[i] === data.testY.data[i]) hits++;
  const score = (100 * hits) / data.testY.numel();
  return {
    task: 'rows',
    cell,
    seed,
    normsInit,
    normsTrained: stateGradNorms(model, data.testX, (o) => ce(o, data.testY)),
    losses,
    score,
  };
}

// ---------------------------------------------------------------- the experiment

export const rnnLongSequences: Experiment = {
  name: 'rnn-long-sequences',
  title: 'LayerNorm in RNNs over 100 steps and in LSTMs: the adding problem and MNIST rows',
  claims: ['C13'],
  description: `The layernorm-rnn experiment tests the claim on Elman RNNs reading MNIST rows (28 steps) with recurrent weights scaled to explode or vanish. This one asks whether the picture holds over longer sequences and for gated cells, the recurrent networks people use. The adding problem (Hochreiter & Schmidhuber 1997, experiment 4) feeds ${SIZES.full.adding.steps} steps of a value in [0, 1] and a marker; two steps are marked, one in each half, and the network must output the sum of their values from its last hidden state, so the gradient has to carry information across about ${SIZES.full.adding.steps / 2} steps. Always answering 1 gives a mean squared error of ${fmt(TRIVIAL_MSE)}. Four cells are compared: the Elman RNN (\`nn.RNNCell\`, tanh), its layer-normalized form (\`nn.LayerNormRNNCell\`, Ba, Kiros & Hinton 2016, eq. 4), the LSTM (\`nn.LSTMCell\`) and the layer-normalized LSTM (\`nn.LayerNormLSTMCell\`, their eq. 20-22). MNIST rows are read by the LSTM and the LN-LSTM only (the Elman pair is in layernorm-rnn).

All cells start from PyTorch's default initialization with the same seed, train with Adam (learning rate ${LR}, no gradient clipping) and see the same sequences. For each, ‖∂L/∂h_t‖ is measured at every step t on the test sequences, at initialization and after training, and summarized by D (see the glossary). Quick runs are far too short for the adding problem to be learned (${SIZES.quick.adding.iters} steps; the LSTM needs thousands): their after-training conditions are preliminary; full runs train ${SIZES.full.adding.iters} steps with ${SIZES.full.adding.hidden} hidden units.`,
  fullModeTime:
    '2 h 25 min (8707 s) measured on 2026-12-01 on one thread, beside two other full runs and three engineers (load 8-13): an upper bound',
  async run(ctx): Promise<ExperimentOutput> {
    const size = SIZES[ctx.mode];
    const seeds = Array.from({ length: size.seeds }, (_, k) => ctx.seed * 1000 + k + 1);
    const rowCells: CellKind[] = ['LSTM', 'LN-LSTM'];
    const total = seeds.length * (CELLS.length * size.adding.iters + rowCells.length * size.rows.iters);
    const bar = ctx.progress('rnn-long-sequences', total);
    let done = 0;
    const tick = () => bar.update(++done);
    const data = mnistRows({ train: size.rows.train, test: size.rows.test, seed: ctx.seed });
    const runs: Run[] = [];
    for (const seed of seeds) {
      for (const cell of CELLS) runs.push(runAdding(cell, seed, size.adding, tick));
      for (const cell of rowCells) runs.push(runRows(cell, seed, size.rows, data, tick));
    }
    bar.stop();
    const of = (task: Run['task'], cell: CellKind) => runs.filter((r) => r.task === task && r.cell === cell);
    const dAfter = (task: Run['task'], cell: CellKind) =>
      mean(of(task, cell).map((r) => orders(r.normsTrained)));
    const dInit = (task: Run['task'], cell: CellKind) => mean(of(task, cell).map((r) => orders(r.normsInit)));
    const score = (task: Run['task'], cell: CellKind) => mean(of(task, cell).map((r) => r.score));
    const lessD = (task: Run['task'], plain: CellKind, ln: CellKind) =>
      Math.abs(dAfter(task, ln)) <= D_SHARE * Math.abs(dAfter(task, plain));
    const parts = {
      a: lessD('adding', 'RNN', 'LN-RNN'),
      b: lessD('adding', 'LSTM', 'LN-LSTM'),
      c: lessD('rows', 'LSTM', 'LN-LSTM'),
      d: score('adding', 'LN-RNN') <= MSE_SHARE * score('adding', 'RNN'),
      e: score('adding', 'LN-LSTM') <= MSE_SHARE * score('adding', 'LSTM'),
      f: score('rows', 'LN-LSTM') >= score('rows', 'LSTM') + MARGIN_PP,
    };
    const numbers: Record<string, number | string> = {};
    for (const cell of CELLS) {
      numbers[`adding (${size.adding.steps} steps), ${cell}: D at init / after training`] =
        `${fmt(dInit('adding', cell))} / ${fmt(dAfter('adding', cell))}`;
    }
    for (const cell of CELLS) numbers[`adding, ${cell}: test mean squared error`] = score('adding', cell);
    for (const cell of rowCells) {
      numbers[`MNIST rows (28 steps), ${cell}: D at init / after training`] =
        `${fmt(dInit('rows', cell))} / ${fmt(dAfter('rows', cell))}`;
      numbers[`MNIST rows, ${cell}: test accuracy (%)`] = score('rows', cell);
    }
    const yes = (v: boolean) => (v ? 'held' : 'did not hold');
    const solved = CELLS.filter((c) => score('adding', c) < 0.5 * TRIVIAL_MSE);
    const verdict: Verdict = {
      claim: 'C13',
      label: 'LSTMs and 100-step sequences',
      statement: `${claim('C13').summary} (adding problem at ${size.adding.steps} steps; LSTM and LN-LSTM)`,
      criterion: CRITERION,
      numbers,
      verdict: combine(Object.values(parts)),
      finding:
        `After training, D on the adding problem: RNN ${fmt(dAfter('adding', 'RNN'))}, LN-RNN ${fmt(
          dAfter('adding', 'LN-RNN'),
        )}, LSTM ${fmt(dAfter('adding', 'LSTM'))}, LN-LSTM ${fmt(dAfter('adding', 'LN-LSTM'))}; ` +
        (solved.length === 0
          ? 'no cell learned the task in this run (error not below half the trivial one).'
          : `learned (error below half the trivial one) by ${solved.join(', ')}.`),
      notes:
        `Conditions: (a) ${yes(parts.a)}, (b) ${yes(parts.b)}, (c) ${yes(parts.c)}, (d) ${yes(parts.d)}, (e) ${yes(
          parts.e,
        )}, (f) ${yes(parts.f)}. ${size.adding.iters} training steps on the adding problem and ${size.rows.iters} on ` +
        `MNIST rows, ${seeds.length} seed(s). This experiment was added after a review (issue 16) asked for an LSTM ` +
        'arm and sequences of 100 steps or more; its criterion was written before its first run.',
    };
    const table: Table = {
      title: 'Per task and cell (means over seeds)',
      claims: ['C13'],
      columns: [
        'task',
        'cell',
        'D at init',
        'D after training',
        'test score',
        'last training loss (mean of last 10)',
      ],
      rows: runs
        .filter((r) => r.seed === seeds[0])
        .map((r) => {
          const rs = of(r.task, r.cell);
          return [
            r.task === 'adding' ? `adding, ${size.adding.steps} steps` : 'MNIST rows, 28 steps',
            r.cell,
            dInit(r.task, r.cell),
            dAfter(r.task, r.cell),
            r.task === 'adding' ? `MSE ${fmt(score(r.task, r.cell))}` : `${fmt(score(r.task, r.cell))} %`,
            mean(rs.map((x) => mean(x.losses.slice(-10)))),
          ];
        }),
    };
    const profile = (task: Run['task'], when: 'normsInit' | 'normsTrained') =>
      runs
        .filter((r) => r.task === task && r.seed === seeds[0])
        .map((r) => ({ arm: r.cell, points: r[when].map((v, t) => ({ x: t + 1, y: Math.max(v, 1e-30) })) }));
    const figures: Figure[] = [
      {
        file: 'adding-gradients.svg',
        title: `Gradient with respect to the hidden state over ${size.adding.steps} steps, adding problem, after training`,
        caption:
          '‖∂L/∂h_t‖ on the test sequences against the step t (log scale), first seed. A line that falls to the left ' +
          'is a gradient that vanishes going back in time; one that rises, a gradient that explodes.',
        claims: ['C13'],
        spec: lineChart({
          title: `‖∂L/∂h_t‖ after training, adding problem (${size.adding.steps} steps)`,
          x: { title: 'time step t (count)' },
          y: { title: '‖∂L/∂h_t‖ (log scale)', log: true, format: '~e' },
          series: profile('adding', 'normsTrained'),
          armTitle: 'cell',
        }),
      },
      {
        file: 'adding-loss.svg',
        title: 'Training loss on the adding problem',
        caption: `Mean squared error of each training batch (mean over windows of 10 steps), first seed; the dashed line is the error of always answering 1 (${fmt(TRIVIAL_MSE)}).`,
        claims: ['C13'],
        spec: lineChart({
          title: 'Adding problem: training loss',
          x: { title: 'training step (count)' },
          y: { title: 'mean squared error (log scale)', log: true, format: '~e' },
          series: runs
            .filter((r) => r.task === 'adding' && r.seed === seeds[0])
            .map((r) => ({
              arm: r.cell,
              points: Array.from({ length: Math.floor(r.losses.length / 10) }, (_, k) => ({
                x: 10 * (k + 1),
                y: mean(r.losses.slice(10 * k, 10 * (k + 1))),
              })),
            })),
          armTitle: 'cell',
          rules: [{ y: TRIVIAL_MSE, label: 'always 1' }],
        }),
      },
      {
        file: 'rows-gradients.svg',
        title: 'Gradient with respect to the hidden state, MNIST rows, LSTM and LN-LSTM, after training',
        caption: '‖∂L/∂h_t‖ on the test digits against the row t (log scale), first seed.',
        claims: ['C13'],
        spec: lineChart({
          title: '‖∂L/∂h_t‖ after training, MNIST rows (28 steps)',
          x: { title: 'row t (count)' },
          y: { title: '‖∂L/∂h_t‖ (log scale)', log: true, format: '~e' },
          series: profile('rows', 'normsTrained'),
          armTitle: 'cell',
        }),
      },
    ];
    return {
      setup: {
        'adding problem': `${size.adding.steps} steps, 2 inputs per step (value, marker), ${size.adding.batch} fresh sequences per batch, ${size.adding.test} test sequences`,
        'adding: hidden units': size.adding.hidden,
        'adding: training steps': size.adding.iters,
        'MNIST rows': `${size.rows.train} training and ${size.rows.test} test digits (split seed ${ctx.seed}), 28 steps of 28 pixels`,
        'MNIST rows: hidden units / batch / training steps': `${size.rows.hidden} / ${size.rows.batch} / ${size.rows.iters}`,
        optimizer: `Adam, learning rate ${LR}, no gradient clipping`,
        initialization: "PyTorch's default for every cell and the output Linear; LN gains 1, shifts 0",
        seeds: seeds.join(', '),
      },
      verdicts: [verdict],
      figures,
      tables: [table],
    };
  },
};

runMain(rnnLongSequences, import.meta.url);
