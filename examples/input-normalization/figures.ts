/**
 * The figures of the input-normalization experiment
 * (examples/input-normalization.ts): loss contours with the descent paths,
 * learning curves with and without outliers, the learning-rate search, and
 * where min-max scaling puts the ordinary samples.
 */

import type { Mode } from '../lib/args.ts';
import { contourPanels, lineChart, stripChart } from '../lib/charts.ts';
import type { Figure } from '../lib/experiment.ts';
import { excessLoss, gradientDescent, logSpacedSteps } from '../lib/least-squares.ts';
import { fmt } from '../lib/verdict.ts';
import type { ArmResult } from './study.ts';

const LOG_FLOOR = -3;
const LOG_CEIL = 3;

/** log10 of (L - L*) / Var(y) over (w1, w2) with the bias at its optimum, on a square grid centred on w*. */
/**
 * One panel: a square window around w* with equal units on both axes, except
 * where the loss rises so steeply along w2 that the whole window would sit above
 * the top colour level (the raw inputs): there the w2 range shrinks until the
 * loss at its edge matches the loss at the w1 edge, so the ellipses show, and
 * the title says how much the w2 axis is stretched.
 */
function contourPanel(r: ArmResult, cells: number) {
  const [w1, w2] = r.q.wStar as [number, number, number];
  const b = r.q.wStar[2]!;
  const half = 1.15 * Math.max(Math.abs(w1), Math.abs(w2));
  const excess = (u: number, v: number) => excessLoss(r.q, [u, v, b]) / r.q.varY;
  const atEdge = Math.min(excess(w1 + half, w2), excess(w1 - half, w2), 10 ** LOG_CEIL);
  let halfY = half;
  if (Math.min(excess(w1, w2 + half), excess(w1, w2 - half)) > 10 * atEdge) {
    let [lo, hi] = [0, half];
    for (let k = 0; k < 60; k++) {
      const mid = (lo + hi) / 2;
      if (Math.max(excess(w1, w2 + mid), excess(w1, w2 - mid)) > atEdge) hi = mid;
      else lo = mid;
    }
    halfY = lo;
  }
  const stretch = half / halfY;
  const m = cells >> 1;
  const xs = Array.from({ length: 2 * m + 1 }, (_, i) => w1 + ((i - m) * half) / m);
  const ys = Array.from({ length: 2 * m + 1 }, (_, j) => w2 + ((j - m) * halfY) / m);
  const z: number[] = [];
  for (const v of ys) for (const u of xs) z.push(Math.max(LOG_FLOOR, Math.log10(excess(u, v))));
  const path = (r.path?.trace ?? []).map((t) => ({ x: t.w[0]!, y: t.w[1]!, step: t.step }));
  const inWindow = path.filter(
    (p) => Math.abs(p.x - w1) <= 1.02 * half && Math.abs(p.y - w2) <= 1.02 * halfY,
  );
  const steps = r.best ? `${r.best.steps} it.` : 'no convergence';
  return {
    title: `${r.arm}: ${steps}, κ ${fmt(r.kappa)}${stretch > 1.5 ? `, w2 x${fmt(Number(stretch.toPrecision(2)))}` : ''}`,
    xs,
    ys,
    z,
    path: inWindow,
    marks: [
      { x: 0, y: 0, label: 'start' },
      { x: w1, y: w2, label: 'w*' },
    ].filter((p) => Math.abs(p.x - w1) <= 1.02 * half && Math.abs(p.y - w2) <= 1.02 * halfY),
  };
}

function curveSeries(results: ArmResult[]) {
  return results
    .filter((r) => r.path)
    .map((r) => ({
      arm: r.arm,
      points: r
        .path!.trace.filter((t) => t.step > 0)
        .map((t) => ({ x: t.step, y: Math.max(t.excess / r.q.varY, 1e-12) })),
    }));
}

export interface FigureInputs {
  mode: Mode;
  /** The three input scalings without and with outliers, in the order raw, min-max, z-score. */
  cleanRes: ArmResult[];
  dirtyRes: ArmResult[];
  /** The iteration cap, the learning-rate grid and the tolerance (a fraction of Var(y)). */
  cap: number;
  grid: number[];
  tolerance: number;
  /** Samples, how many are outliers and which. */
  n: number;
  nOut: number;
  outlierIndices: readonly number[];
}

export function figures({
  mode,
  cleanRes,
  dirtyRes,
  cap,
  grid,
  tolerance,
  n,
  nOut,
  outlierIndices,
}: FigureInputs): Figure[] {
  const [raw, mm] = cleanRes as [ArmResult, ArmResult, ArmResult];
  const [rawO, mmO] = dirtyRes as [ArmResult, ArmResult, ArmResult];

  const cells = mode === 'tiny' ? 21 : 81;
  const panels = cleanRes.map((r) => contourPanel(r, cells));
  return [
    {
      file: 'contours.svg',
      title: 'Loss contours and gradient-descent paths over the two weights, without outliers',
      caption:
        'Each panel is one input scaling. Colour: log10 of the excess loss (L − L*)/Var(y) over the two ' +
        'weights (w1, w2) with the bias held at its optimum; darker is lower. Equal units on both axes, so a ' +
        'round bowl looks round, except where a panel title ends in "w2 xN" (its w2 axis stretched N times): on raw inputs the ' +
        'bowl is so narrow along w2 that at equal units the whole panel would be one colour. The red line with dots is the (w1, w2) part of the gradient-descent path with ' +
        'that scaling\'s best learning rate (the bias starts at 0 and is trained too), from "start" (0, 0) to ' +
        'the optimum w*. On raw inputs the bowl is a valley thousands of times narrower than it is long: the gradient ' +
        'points across it, not along it, and the path creeps along the valley floor (figure (a) of the ' +
        'article); on z-scored inputs the contours are nearly circles and the path goes straight to w* ' +
        '(figure (b)).',
      claims: ['C1'],
      spec: contourPanels({
        title: 'Loss over (w1, w2) and the descent path, per input scaling',
        subtitle: 'colour: log10((L − L*)/Var(y)), bias at its optimum; red: gradient descent from (0, 0)',
        panels,
        x: 'w1 (weight of x1, in that scaling’s units)',
        y: 'w2 (weight of x2)',
        color: { title: 'log10 excess loss', domain: [LOG_FLOOR, LOG_CEIL] },
        levels: 12,
        size: mode === 'tiny' ? 120 : 280,
      }),
    },
    {
      file: 'learning-curves.svg',
      title: 'Excess loss against iteration, without outliers',
      caption:
        'Excess training loss (L − L*)/Var(y) after each iteration of full-batch gradient descent, each input ' +
        'scaling with its own best learning rate; log scales on both axes. The dashed line is the tolerance; a ' +
        'curve stops where it reaches it.',
      claims: ['C1'],
      spec: lineChart({
        title: 'Gradient descent on raw, min-max and z-scored inputs',
        subtitle: 'each with its own best learning rate from the same grid',
        x: { title: 'iteration (count, log scale)', log: true },
        y: { title: '(L − L*) / Var(y) (log scale)', log: true, format: '~e' },
        series: curveSeries(cleanRes),
        armTitle: 'input scaling',
        rules: [{ y: tolerance, label: 'tolerance' }],
      }),
    },
    {
      file: 'lr-search.svg',
      title: 'The learning-rate search',
      caption:
        'Iterations needed to reach the tolerance at each learning rate of the grid, per input scaling and ' +
        'data set (log scales). Only learning rates that reached the tolerance are drawn: larger ones diverged, ' +
        `smaller ones had not reached it after the cap of ${cap} iterations. The lowest point of each line is ` +
        "that arm's best learning rate; the raw arms reach the tolerance at a single learning rate each.",
      claims: ['C1', 'C2'],
      spec: lineChart({
        title: 'Iterations to tolerance against learning rate',
        subtitle: `grid: ${grid.length} learning rates from ${fmt(grid[0]!)} to ${fmt(grid[grid.length - 1]!)}`,
        x: { title: 'learning rate (log scale)', log: true, format: '~e' },
        y: { title: 'iterations to tolerance (log scale)', log: true },
        series: [
          ...cleanRes.map((r) => ({ r, dash: 'no outliers' })),
          ...dirtyRes.map((r) => ({ r, dash: 'with outliers' })),
        ].map(({ r, dash }) => ({
          arm: `${r.arm}, ${dash}`,
          group: r.arm,
          dash,
          points: r.runs
            .filter((run) => run.status === 'reached')
            .map((run) => ({ x: run.lr, y: run.steps }))
            .sort((a, b) => a.x - b.x),
        })),
        armTitle: 'input scaling',
        dashTitle: 'data',
        points: true,
      }),
    },
    {
      file: 'learning-curves-outliers.svg',
      title: 'Excess loss against iteration, with outliers',
      caption:
        `The same as above on the data with ${nOut} extreme samples, each scaling with its own best learning ` +
        'rate for these data; the line "raw, lr from clean data" keeps the raw learning rate that was best ' +
        'without outliers. Curves are cut where the loss blew up (diverged) or at the cap.',
      claims: ['C2'],
      spec: lineChart({
        title: 'Gradient descent with a few extreme samples in the data',
        x: { title: 'iteration (count, log scale)', log: true },
        y: { title: '(L − L*) / Var(y) (log scale)', log: true, format: '~e' },
        series: [
          ...curveSeries(dirtyRes),
          ...(raw.best
            ? [
                {
                  arm: 'raw, lr from clean data',
                  points: gradientDescent(rawO.q, raw.best.lr, {
                    tol: tolerance * rawO.q.varY,
                    maxSteps: cap,
                    record: logSpacedSteps,
                  })
                    .trace.filter((t) => t.step > 0 && Number.isFinite(t.excess))
                    .map((t) => ({
                      x: t.step,
                      y: Math.min(Math.max(t.excess / rawO.q.varY, 1e-12), 1e12),
                    })),
                },
              ]
            : []),
        ],
        armTitle: 'input scaling',
        rules: [{ y: tolerance, label: 'tolerance' }],
      }),
    },
    {
      file: 'minmax-squeeze.svg',
      title: 'Where min-max puts the ordinary samples when a few are extreme',
      caption:
        'Each tick is one sample of feature x2 after scaling, without and with the outliers (red: the ' +
        'extreme samples). Min-max fits the minimum and maximum, so a few extreme samples push every ordinary ' +
        'value into a thin sliver at the bottom of [0, 1]; z-score values are shown in the table.',
      claims: ['C2'],
      spec: stripChart({
        title: 'Feature x2 after min-max scaling to [0, 1]',
        subtitle: `${n} samples; with outliers, ${nOut} of them are 25 to 50 times beyond the normal range`,
        points: [
          ...Array.from({ length: n }, (_, i) => ({
            category: 'no outliers',
            value: mm.x.data[2 * i + 1]!,
            kind: 'ordinary sample',
          })),
          ...Array.from({ length: n }, (_, i) => ({
            category: 'with outliers',
            value: mmO.x.data[2 * i + 1]!,
            kind: outlierIndices.includes(i) ? 'extreme sample' : 'ordinary sample',
          })),
        ],
        x: { title: 'x2 after min-max scaling (unitless, [0, 1])', domain: [0, 1] },
        categoryTitle: 'data',
        kindTitle: 'sample',
        colors: { 'ordinary sample': '#4c78a8', 'extreme sample': '#e45756' },
      }),
    },
  ];
}
