/**
 * LayerNorm kernels, the rows layout of `norm.ts` (x as [R, D], one group per
 * contiguous row), where the math and the two-pass variance are explained.
 */
import { dtypeOf, type FloatArray } from '../dtype.ts';
import { alloc } from './alloc.ts';
import { type NormBackward, type NormForward, orFill } from './norm.ts';

/** LayerNorm statistics and output over x as [R, D], per row; γ and β have length D. */
export function rowNormForward(
  x: FloatArray,
  r: number,
  d: number,
  weight: FloatArray | null,
  bias: FloatArray | null,
  eps: number,
): NormForward {
  const mean = new Float64Array(r);
  const variance = new Float64Array(r);
  const rstd = new Float64Array(r);
  const out = alloc(x.length, dtypeOf(x));
  const w = orFill(weight, d, 1);
  const b = orFill(bias, d, 0);
  for (let i = 0; i < r; i++) {
    const row = i * d;
    let sum = 0;
    for (let j = 0; j < d; j++) sum += x[row + j]!;
    const mu = sum / d;
    let sq = 0;
    for (let j = 0; j < d; j++) {
      const v = x[row + j]! - mu;
      sq += v * v;
    }
    const rs = 1 / Math.sqrt(sq / d + eps);
    mean[i] = mu;
    variance[i] = sq / d;
    rstd[i] = rs;
    for (let j = 0; j < d; j++) out[row + j] = (x[row + j]! - mu) * rs * w[j]! + b[j]!;
  }
  return { out, mean, var: variance, rstd };
}

/** The LayerNorm gradient over [R, D]; dγ and dβ sum over rows; dx is skipped (null) when not wanted. */
export function rowNormBackward(
  g: FloatArray,
  x: FloatArray,
  r: number,
  d: number,
  mean: Float64Array,
  rstd: Float64Array,
  weight: FloatArray | null,
  wantX: boolean,
): NormBackward {
  const dweight = new Float64Array(d);
  const dbias = new Float64Array(d);
  const dx = wantX ? alloc(x.length, dtypeOf(x)) : null;
  const w = orFill(weight, d, 1);
  for (let i = 0; i < r; i++) {
    const row = i * d;
    const rs = rstd[i]!;
    let sdy = 0;
    let sdyx = 0;
    let residue = 0;
    for (let j = 0; j < d; j++) {
      const gi = g[row + j]!;
      const xc = x[row + j]! - mean[i]!;
      const xh = xc * rs;
      const dy = gi * w[j]!;
      sdy += dy;
      sdyx += dy * xh;
      residue += xc;
      dbias[j] = dbias[j]! + gi;
      dweight[j] = dweight[j]! + gi * xh;
    }
    if (dx === null) continue;
    const a = sdy / d;
    const bb = sdyx / d;
    const mu = mean[i]!;
    const rr = residue / d; // the deviations centred once more, as in channelNormBackward (batchnorm.ts)
    for (let j = 0; j < d; j++) {
      const xh = (x[row + j]! - mu - rr) * rs;
      dx[row + j] = rs * (g[row + j]! * w[j]! - a - xh * bb);
    }
  }
  return { dx, dweight, dbias };
}
