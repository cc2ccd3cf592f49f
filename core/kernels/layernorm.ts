/**
 * LayerNorm kernels, the rows layout of `norm.ts` (x as [R, D], one group per
 * contiguous row), where the math and the two-pass variance are explained.
 */
import { dtypeOf, type FloatArray } from '../dtype.ts';
import { alloc } from './alloc.ts';
import { type NormBackward, type NormForward, orFill } from './norm.ts';
import { WasmRows } from './wasm/rows.ts';

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
  // On the WASM backend the rows run in wasm/rows.ts, the same operations on each value.
  const wasm = WasmRows.of(x, r, d);
  let i = 0;
  if (wasm !== null) {
    wasm.stats(mean, variance);
    i = wasm.r4;
  }
  for (; i < r; i++) {
    const row = i * d;
    let sum = 0;
    for (let j = 0; j < d; j++) sum += x[row + j]!;
    const mu = sum / d;
    let sq = 0;
    for (let j = 0; j < d; j++) {
      const v = x[row + j]! - mu;
      sq += v * v;
    }
    mean[i] = mu;
    variance[i] = sq / d;
  }
  for (i = 0; i < r; i++) rstd[i] = 1 / Math.sqrt(variance[i]! + eps);
  if (wasm !== null) {
    wasm.affine(out, mean, rstd, w, b);
    return { out, mean, var: variance, rstd };
  }
  for (i = 0; i < r; i++) {
    const row = i * d;
    const mu = mean[i]!;
    const rs = rstd[i]!;
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
  const w = orFill(weight, d, 1);
  // Per row: sdy = Σ g w, sdyx = Σ g w x̂, and the residue Σ (x - μ) that rounding of μ leaves.
  const sums = { sdy: new Float64Array(r), sdyx: new Float64Array(r), residue: new Float64Array(r) };
  // On the WASM backend the rows run in wasm/rows.ts, the same operations on each value.
  const wasm = WasmRows.of(x, r, d, g);
  let i = 0;
  if (wasm !== null) {
    wasm.sums(mean, rstd, w, sums, dbias, dweight);
    i = wasm.r4;
  }
  for (; i < r; i++) {
    const row = i * d;
    const rs = rstd[i]!;
    let sdy = 0;
    let sdyx = 0;
    let residue = 0;
    for (let j = 0; j < d; j++) {
      const xc = x[row + j]! - mean[i]!;
      const dy = g[row + j]! * w[j]!;
      sdy += dy;
      sdyx += dy * (xc * rs);
      residue += xc;
    }
    sums.sdy[i] = sdy;
    sums.sdyx[i] = sdyx;
    sums.residue[i] = residue;
  }
  if (wasm === null) {
    // dγ and dβ down the columns, rows in order.
    for (i = 0; i < r; i++) {
      const row = i * d;
      const rs = rstd[i]!;
      const mu = mean[i]!;
      for (let j = 0; j < d; j++) {
        const gi = g[row + j]!;
        dbias[j] = dbias[j]! + gi;
        dweight[j] = dweight[j]! + gi * ((x[row + j]! - mu) * rs);
      }
    }
  }
  if (!wantX) return { dx: null, dweight, dbias };
  const a = new Float64Array(r);
  const bb = new Float64Array(r);
  const rr = new Float64Array(r); // the deviations centred once more, as in channelNormBackward
  for (i = 0; i < r; i++) {
    a[i] = sums.sdy[i]! / d;
    bb[i] = sums.sdyx[i]! / d;
    rr[i] = sums.residue[i]! / d;
  }
  const dx = alloc(x.length, dtypeOf(x));
  if (wasm !== null) {
    wasm.grad(dx, a, bb, rr);
    return { dx, dweight, dbias };
  }
  for (i = 0; i < r; i++) {
    const row = i * d;
    const rs = rstd[i]!;
    const mu = mean[i]!;
    for (let j = 0; j < d; j++) {
      const xh = (x[row + j]! - mu - rr[i]!) * rs;
      dx[row + j] = rs * (g[row + j]! * w[j]! - a[i]! - xh * bb[i]!);
    }
  }
  return { dx, dweight, dbias };
}
