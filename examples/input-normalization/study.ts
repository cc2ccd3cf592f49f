/**
 * input-normalization's arms and what it measures on each: the three input
 * scalings, gradient descent on the exact least-squares problem with its own
 * best learning rate, and the same first steps through the framework's own
 * training loop. The experiment's constants come in as arguments.
 */
import { cat, noGrad, ones, type Tensor } from '../../core/index.ts';
import { MinMaxScaler, StandardScaler } from '../../data/index.ts';
import { F, Linear } from '../../nn/index.ts';
import { SGD } from '../../optim/index.ts';
import {
  type GdRun,
  gradientCosines,
  gradientDescent,
  hessianCondition,
  type LeastSquares,
  leastSquares,
  logSpacedSteps,
  lrSearch,
  startCosine,
} from '../lib/least-squares.ts';
import { conditionNumber } from '../lib/linalg.ts';
import { median } from '../lib/stats.ts';

export interface Arm {
  name: string;
  transform(x: Tensor): Tensor;
}

export const ARMS: Arm[] = [
  { name: 'raw', transform: (x) => x },
  { name: 'min-max [0, 1]', transform: (x) => new MinMaxScaler().fitTransform(x) },
  { name: 'z-score', transform: (x) => new StandardScaler().fitTransform(x) },
];

export interface ArmResult {
  arm: string;
  x: Tensor;
  q: LeastSquares;
  runs: GdRun[];
  best: GdRun | null;
  /** The best learning rate's run again, with its iterates recorded. */
  path: GdRun | null;
  kappa: number;
  kappaWeights: number;
  medianCos: number;
  startCos: number;
}

/** Pearson correlation of the two columns of z-scored data: the mean of their product. */
export function correlation(z: Tensor): number {
  return z.select(1, 0).mul(z.select(1, 1)).mean().item();
}

function withBias(x: Tensor): Tensor {
  return cat([x, ones([x.shape[0]!, 1])], 1);
}

/**
 * One input scaling on one data set: the least-squares problem on the scaled
 * inputs (with the bias column), the learning-rate search to within
 * `tolerance` · Var(y) of L*, the best run's path, κ and the gradient angles.
 */
export function study(
  x: Tensor,
  y: Tensor,
  arm: Arm,
  grid: number[],
  maxSteps: number,
  dirs: number[][],
  tolerance: number,
): ArmResult {
  const xs = arm.transform(x);
  const q = leastSquares(withBias(xs), y);
  const tol = tolerance * q.varY;
  const { runs, best } = lrSearch(q, grid, { tol, maxSteps });
  const path = best && gradientDescent(q, best.lr, { tol, maxSteps, record: logSpacedSteps });
  const weightsBlock = q.gram.slice(0, 2).map((r) => r.slice(0, 2));
  return {
    arm: arm.name,
    x: xs,
    q,
    runs,
    best,
    path,
    kappa: hessianCondition(q),
    kappaWeights: conditionNumber(weightsBlock),
    medianCos: median(gradientCosines(q, dirs)),
    startCos: startCosine(q, [0, 0, 0]),
  };
}

/**
 * The framework's own training loop (nn.Linear, F.mseLoss, backward, optim.SGD)
 * for the first steps, against the Gram-matrix iteration: the largest
 * difference in the parameters relative to their size.
 */
export function autogradAgreement(r: ArmResult, y: Tensor, steps: number): number {
  const lr = r.best?.lr ?? r.runs.find((run) => run.status !== 'diverged')?.lr;
  if (lr === undefined) return Number.NaN;
  const model = new Linear(2, 1);
  noGrad(() => {
    model.weight.data.fill(0);
    model.bias!.data.fill(0);
  });
  const opt = new SGD(model.parameters(), { lr });
  for (let s = 0; s < steps; s++) {
    opt.zeroGrad();
    F.mseLoss(model.forward(r.x).squeeze(1), y).backward();
    opt.step();
  }
  const last = gradientDescent(r.q, lr, { tol: -1, maxSteps: steps, record: (k) => k === steps }).trace[0]!.w;
  const mine = [...model.weight.data, ...model.bias!.data];
  const scale = Math.max(...last.map(Math.abs), 1e-300);
  return Math.max(...mine.map((v, i) => Math.abs(v - last[i]!))) / scale;
}
