/**
 * Full-batch gradient descent on a least-squares loss, run through its Gram
 * matrix. For a design D ([n, p], bias column included) and targets y the mean
 * squared error and its gradient are
 *
 *     L(w) = mean((D w - y)^2) = wᵀ G w - 2 cᵀ w + mean(y²),   G = DᵀD / n,  c = Dᵀy / n
 *     ∇L(w) = 2 (G w - c),      Hessian = 2 G,      L(w) - L* = (w - w*)ᵀ G (w - w*)
 *
 * so a step costs p² operations whatever n is, and runs of a million steps take
 * milliseconds. It is the same iteration as autograd over all n samples (the
 * experiment checks the first steps against the framework's own training loop).
 */
import type { Tensor } from '../../core/index.ts';
import { ValueError } from '../../core/index.ts';
import { conditionNumber, dot, type Matrix, matVec, solve } from './linalg.ts';

export interface LeastSquares {
  /** G = DᵀD / n (half the Hessian). */
  gram: Matrix;
  /** c = Dᵀy / n. */
  c: number[];
  /** The least-squares optimum w* (solves G w = c). */
  wStar: number[];
  /** The smallest loss, L(w*). */
  lStar: number;
  /** Population variance of y: the loss of predicting the mean, the natural scale of the loss. */
  varY: number;
}

/** The quadratic of a least-squares problem; G and c are computed with the framework's matmul. */
export function leastSquares(design: Tensor, y: Tensor): LeastSquares {
  if (design.ndim !== 2 || y.ndim !== 1 || y.shape[0] !== design.shape[0]) {
    throw new ValueError(
      `leastSquares: expected design [n, p] and targets [n] (got [${design.shape.join(', ')}] and [${y.shape.join(', ')}])`,
    );
  }
  const n = design.shape[0]!;
  const gram = design.t().matmul(design).div(n).toArray() as number[][];
  const c = design.t().matmul(y).div(n).toArray() as number[];
  const wStar = solve(gram, c);
  const meanY = y.mean().item();
  const varY = y.sub(meanY).pow(2).mean().item();
  const yy = y.pow(2).mean().item();
  const lStar = yy - dot(c, wStar);
  return { gram, c, wStar, lStar, varY };
}

/** L(w) - L*, computed as (w - w*)ᵀ G (w - w*) so it does not lose digits near the optimum. */
export function excessLoss(q: LeastSquares, w: readonly number[]): number {
  const d = w.map((v, i) => v - q.wStar[i]!);
  return dot(d, matVec(q.gram, d));
}

/** Condition number of G (equal to that of the Hessian 2G). */
export function hessianCondition(q: LeastSquares): number {
  return conditionNumber(q.gram);
}

export type GdStatus = 'reached' | 'diverged' | 'not reached';

export interface GdRun {
  lr: number;
  status: GdStatus;
  /** Steps taken until the loss was within tolerance (reached), blew up (diverged), or the cap. */
  steps: number;
  /** L - L* after the last step. */
  finalExcess: number;
  /** Recorded iterates (when asked): the step, the parameters and L - L*. */
  trace: { step: number; w: number[]; excess: number }[];
}

export interface GdOptions {
  /** Stop when L - L* <= tol. */
  tol: number;
  /** Most steps to take. */
  maxSteps: number;
  /** Starting parameters; zeros by default. */
  w0?: readonly number[];
  /** Record the iterates at these steps (step 0 is the start). */
  record?: (step: number) => boolean;
}

/** Steps 0..50, then about 20 per decade: enough to draw a path or a curve on log axes. */
export function logSpacedSteps(step: number): boolean {
  if (step <= 50) return true;
  const k = Math.round(20 * Math.log10(step));
  return step === Math.round(10 ** (k / 20));
}

/** A loss this many times the starting one (or not finite) counts as diverged. */
const BLOW_UP = 1e8;

/** w ← w - lr ∇L(w) = w - 2 lr (G w - c), from w0 (zeros), until within tolerance, diverged, or the cap. */
export function gradientDescent(q: LeastSquares, lr: number, opts: GdOptions): GdRun {
  const p = q.c.length;
  const g = Float64Array.from(q.gram.flat());
  const ws = Float64Array.from(q.wStar);
  const w = Float64Array.from(opts.w0 ?? new Array<number>(p).fill(0));
  const d = new Float64Array(p);
  const record = opts.record;
  // L - L* = dᵀ G d and ∇L = 2 G d with d = w - w* (G w* = c), so one product G d serves both.
  const gd = new Float64Array(p);
  const excessOf = (): number => {
    for (let i = 0; i < p; i++) d[i] = w[i]! - ws[i]!;
    let s = 0;
    for (let i = 0; i < p; i++) {
      let v = 0;
      for (let j = 0; j < p; j++) v += g[i * p + j]! * d[j]!;
      gd[i] = v;
      s += d[i]! * v;
    }
    return s;
  };
  const trace: GdRun['trace'] = [];
  let e = excessOf();
  const limit = BLOW_UP * Math.max(e, opts.tol);
  if (record?.(0)) trace.push({ step: 0, w: [...w], excess: e });
  let status: GdStatus = e <= opts.tol ? 'reached' : 'not reached';
  let step = 0;
  while (status === 'not reached' && step < opts.maxSteps) {
    for (let i = 0; i < p; i++) w[i] = w[i]! - 2 * lr * gd[i]!;
    step++;
    e = excessOf();
    if (record?.(step)) trace.push({ step, w: [...w], excess: e });
    if (e <= opts.tol) status = 'reached';
    else if (!(e < limit)) status = 'diverged';
  }
  if (record && trace[trace.length - 1]?.step !== step) trace.push({ step, w: [...w], excess: e });
  return { lr, status, steps: step, finalExcess: e, trace };
}

/**
 * Runs gradient descent at every learning rate of the grid; the best is the
 * one that reaches the tolerance in the fewest steps (ties go to the larger
 * learning rate), or null when none does.
 */
export function lrSearch(
  q: LeastSquares,
  grid: readonly number[],
  opts: Omit<GdOptions, 'record'>,
): { runs: GdRun[]; best: GdRun | null } {
  const runs = [...grid].sort((a, b) => b - a).map((lr) => gradientDescent(q, lr, opts));
  let best: GdRun | null = null;
  for (const r of runs) if (r.status === 'reached' && (best === null || r.steps < best.steps)) best = r;
  return { runs, best };
}

/**
 * Median, over unit directions u, of the cosine between the negative gradient
 * at w* + t·u and the straight line from there to the optimum (-u). For a
 * quadratic it does not depend on t: cos = uᵀGu / |Gu|. It is 1 when the
 * gradient points at the optimum, as it does everywhere when G is a multiple of I.
 */
export function gradientCosines(q: LeastSquares, directions: readonly (readonly number[])[]): number[] {
  return directions.map((u) => {
    const gu = matVec(q.gram, u);
    return dot(u, gu) / (Math.sqrt(dot(gu, gu)) * Math.sqrt(dot(u, u)));
  });
}

/** Cosine between the first step's direction from w (the negative gradient) and the direction to w*. */
export function startCosine(q: LeastSquares, w: readonly number[]): number {
  const toOpt = q.wStar.map((v, i) => v - w[i]!);
  const negGrad = matVec(q.gram, toOpt); // -∇L(w)/2 = G (w* - w)
  return dot(negGrad, toOpt) / (Math.sqrt(dot(negGrad, negGrad)) * Math.sqrt(dot(toOpt, toOpt)));
}
