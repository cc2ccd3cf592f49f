/**
 * The BatchNorm gradient, the channels layout of `norm.ts` (x as [N, C, S], one
 * group per channel), where the formula for dx, dγ and dβ is derived; the forward
 * that saves the mean and rstd used here is in `batchnorm.ts`.
 */
import { dtypeOf, type FloatArray } from '../dtype.ts';
import { alloc } from './alloc.ts';
import { type NormBackward, orFill, store8 } from './norm.ts';
import { type GradConstants, WasmChannels } from './wasm/norm.ts';

/** The BatchNorm gradient over [N, C, S]; dx is skipped (null) when not wanted. */
export function channelNormBackward(
  g: FloatArray,
  x: FloatArray,
  n: number,
  c: number,
  s: number,
  mean: Float64Array,
  rstd: Float64Array,
  weight: FloatArray | null,
  wantX: boolean,
): NormBackward {
  const m = n * s;
  const dbias = new Float64Array(c);
  const dweight = new Float64Array(c);
  const w = orFill(weight, c, 1);
  const residue = new Float64Array(c);
  // On the WASM backend the first `done` channels run in wasm/norm.ts (the same operations on
  // each value); the JS loops below take the rest.
  const wasm = WasmChannels.of(x, n, c, s, g);
  let j = 0;
  if (wasm !== null) {
    wasm.sums(mean, dbias, dweight, residue);
    j = wasm.done;
  }
  // [N, C]: columns in blocks of 8, as in the forward. That is 24 running sums, more than V8
  // keeps in registers, and still faster than blocks of 4: a block then reads whole 64-byte
  // lines, so no line is fetched twice. The residue Σ (x - μ), which rounding of μ leaves
  // nonzero, is collected alongside.
  if (s === 1) for (; j + 8 <= c; j += 8) columnSums8(g, x, n, c, j, mean, dbias, dweight, residue);
  for (; j < c; j++) channelSums1(g, x, n, c, s, j, mean, dbias, dweight, residue);
  for (let k = 0; k < c; k++) dweight[k] = dweight[k]! * rstd[k]!;
  if (!wantX) return { dx: null, dweight, dbias };
  // dx = γ rstd (g - mean(g) - ((x - μ) - r) rstd mean(g x̂)), r = residue / M: the small
  // deviations x - μ (rounded as in the pass above) are centred once more, so they sum to 0
  // over the channel. When |μ| >> σ the rounding of μ and of x - μ, times a large rstd²,
  // would otherwise give a bias placed before BatchNorm a gradient (exactly 0 in the math,
  // and in the composed ops, whose gradient is centred last).
  const k = new Float64Array(c);
  const gMean = new Float64Array(c);
  const q = new Float64Array(c);
  const r = new Float64Array(c);
  for (let t = 0; t < c; t++) {
    k[t] = w[t]! * rstd[t]!;
    gMean[t] = dbias[t]! / m;
    q[t] = (rstd[t]! * dweight[t]!) / m;
    r[t] = residue[t]! / m;
  }
  const dx = alloc(x.length, dtypeOf(x));
  const constants = { mean, r, k, gMean, q };
  j = 0;
  if (wasm !== null) {
    wasm.grad(dx, constants);
    j = wasm.done;
  }
  // Blocks of 8 write whole lines of dx: 3x faster than blocks of 4, which write half lines.
  if (s === 1) for (; j + 8 <= c; j += 8) columnGrad8(g, x, dx, n, c, j, constants);
  for (; j < c; j++) {
    const kj = k[j]!;
    const a = gMean[j]!;
    const mu = mean[j]!;
    const rj = r[j]!;
    const qj = q[j]!;
    for (let i = 0; i < n; i++) {
      const base = (i * c + j) * s;
      for (let t = 0; t < s; t++) dx[base + t] = kj * (g[base + t]! - a - (x[base + t]! - mu - rj) * qj);
    }
  }
  return { dx, dweight, dbias };
}

/**
 * Σ g, Σ g (x - μ) and Σ (x - μ) over channel j of [n, c, s] arrays, into dbias, dweight and
 * residue.
 */
function channelSums1(
  g: FloatArray,
  x: FloatArray,
  n: number,
  c: number,
  s: number,
  j: number,
  mean: Float64Array,
  dbias: Float64Array,
  dweight: Float64Array,
  residue: Float64Array,
): void {
  const mu = mean[j]!;
  let sg = 0;
  let sgx = 0;
  let sx = 0;
  for (let i = 0; i < n; i++) {
    const base = (i * c + j) * s;
    for (let t = 0; t < s; t++) {
      const xc = x[base + t]! - mu;
      sg += g[base + t]!;
      sgx += g[base + t]! * xc;
      sx += xc;
    }
  }
  dbias[j] = sg;
  dweight[j] = sgx;
  residue[j] = sx;
}

/** channelSums1 for the 8 columns j..j+7 of [n, c] arrays at once, every running sum in a local. */
function columnSums8(
  g: FloatArray,
  x: FloatArray,
  n: number,
  c: number,
  j: number,
  mean: Float64Array,
  dbias: Float64Array,
  dweight: Float64Array,
  residue: Float64Array,
): void {
  const m0 = mean[j]!;
  const m1 = mean[j + 1]!;
  const m2 = mean[j + 2]!;
  const m3 = mean[j + 3]!;
  const m4 = mean[j + 4]!;
  const m5 = mean[j + 5]!;
  const m6 = mean[j + 6]!;
  const m7 = mean[j + 7]!;
  let g0 = 0;
  let g1 = 0;
  let g2 = 0;
  let g3 = 0;
  let g4 = 0;
  let g5 = 0;
  let g6 = 0;
  let g7 = 0;
  let p0 = 0;
  let p1 = 0;
  let p2 = 0;
  let p3 = 0;
  let p4 = 0;
  let p5 = 0;
  let p6 = 0;
  let p7 = 0;
  let e0 = 0;
  let e1 = 0;
  let e2 = 0;
  let e3 = 0;
  let e4 = 0;
  let e5 = 0;
  let e6 = 0;
  let e7 = 0;
  const end = n * c + j;
  for (let r = j; r < end; r += c) {
    let xc = x[r]! - m0;
    let h = g[r]!;
    g0 += h;
    p0 += h * xc;
    e0 += xc;
    xc = x[r + 1]! - m1;
    h = g[r + 1]!;
    g1 += h;
    p1 += h * xc;
    e1 += xc;
    xc = x[r + 2]! - m2;
    h = g[r + 2]!;
    g2 += h;
    p2 += h * xc;
    e2 += xc;
    xc = x[r + 3]! - m3;
    h = g[r + 3]!;
    g3 += h;
    p3 += h * xc;
    e3 += xc;
    xc = x[r + 4]! - m4;
    h = g[r + 4]!;
    g4 += h;
    p4 += h * xc;
    e4 += xc;
    xc = x[r + 5]! - m5;
    h = g[r + 5]!;
    g5 += h;
    p5 += h * xc;
    e5 += xc;
    xc = x[r + 6]! - m6;
    h = g[r + 6]!;
    g6 += h;
    p6 += h * xc;
    e6 += xc;
    xc = x[r + 7]! - m7;
    h = g[r + 7]!;
    g7 += h;
    p7 += h * xc;
    e7 += xc;
  }
  store8(dbias, j, g0, g1, g2, g3, g4, g5, g6, g7);
  store8(dweight, j, p0, p1, p2, p3, p4, p5, p6, p7);
  store8(residue, j, e0, e1, e2, e3, e4, e5, e6, e7);
}

/** dx = k (g - gMean - ((x - μ) - r) q) on the 8 columns j..j+7, the constants in locals. */
function columnGrad8(
  g: FloatArray,
  x: FloatArray,
  dx: FloatArray,
  n: number,
  c: number,
  j: number,
  { mean, r, k, gMean, q }: GradConstants,
): void {
  const m0 = mean[j]!;
  const m1 = mean[j + 1]!;
  const m2 = mean[j + 2]!;
  const m3 = mean[j + 3]!;
  const m4 = mean[j + 4]!;
  const m5 = mean[j + 5]!;
  const m6 = mean[j + 6]!;
  const m7 = mean[j + 7]!;
  const r0 = r[j]!;
  const r1 = r[j + 1]!;
  const r2 = r[j + 2]!;
  const r3 = r[j + 3]!;
  const r4 = r[j + 4]!;
  const r5 = r[j + 5]!;
  const r6 = r[j + 6]!;
  const r7 = r[j + 7]!;
  const k0 = k[j]!;
  const k1 = k[j + 1]!;
  const k2 = k[j + 2]!;
  const k3 = k[j + 3]!;
  const k4 = k[j + 4]!;
  const k5 = k[j + 5]!;
  const k6 = k[j + 6]!;
  const k7 = k[j + 7]!;
  const a0 = gMean[j]!;
  const a1 = gMean[j + 1]!;
  const a2 = gMean[j + 2]!;
  const a3 = gMean[j + 3]!;
  const a4 = gMean[j + 4]!;
  const a5 = gMean[j + 5]!;
  const a6 = gMean[j + 6]!;
  const a7 = gMean[j + 7]!;
  const q0 = q[j]!;
  const q1 = q[j + 1]!;
  const q2 = q[j + 2]!;
  const q3 = q[j + 3]!;
  const q4 = q[j + 4]!;
  const q5 = q[j + 5]!;
  const q6 = q[j + 6]!;
  const q7 = q[j + 7]!;
  const end = n * c + j;
  for (let at = j; at < end; at += c) {
    dx[at] = k0 * (g[at]! - a0 - (x[at]! - m0 - r0) * q0);
    dx[at + 1] = k1 * (g[at + 1]! - a1 - (x[at + 1]! - m1 - r1) * q1);
    dx[at + 2] = k2 * (g[at + 2]! - a2 - (x[at + 2]! - m2 - r2) * q2);
    dx[at + 3] = k3 * (g[at + 3]! - a3 - (x[at + 3]! - m3 - r3) * q3);
    dx[at + 4] = k4 * (g[at + 4]! - a4 - (x[at + 4]! - m4 - r4) * q4);
    dx[at + 5] = k5 * (g[at + 5]! - a5 - (x[at + 5]! - m5 - r5) * q5);
    dx[at + 6] = k6 * (g[at + 6]! - a6 - (x[at + 6]! - m6 - r6) * q6);
    dx[at + 7] = k7 * (g[at + 7]! - a7 - (x[at + 7]! - m7 - r7) * q7);
  }
}
