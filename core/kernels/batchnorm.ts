/**
 * BatchNorm kernels, the channels layout of `norm.ts` (x as [N, C, S], one group
 * per channel), where the math and the two-pass variance are explained. This file
 * is the forward (statistics and output); the gradient is in `batchnorm-backward.ts`.
 */
import { dtypeOf, type FloatArray } from '../dtype.ts';
import { alloc } from './alloc.ts';
import { type NormForward, orFill, store8 } from './norm.ts';
import { WasmChannels } from './wasm/norm.ts';

/** BatchNorm statistics and output over x as [N, C, S], per channel. */
export function channelNormForward(
  x: FloatArray,
  n: number,
  c: number,
  s: number,
  weight: FloatArray | null,
  bias: FloatArray | null,
  eps: number,
): NormForward {
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  const rstd = new Float64Array(c);
  const out = alloc(x.length, dtypeOf(x));
  const w = orFill(weight, c, 1);
  const b = orFill(bias, c, 0);
  // On the WASM backend the first `done` channels run in wasm/norm.ts (the same operations on
  // each value); the JS loops below take the rest.
  const wasm = WasmChannels.of(x, n, c, s);
  let j = 0;
  if (wasm !== null) {
    wasm.stats(mean, variance);
    j = wasm.done;
  }
  // [N, C]: each channel is a column. Columns go in blocks of 8 (one 64-byte line of a row)
  // whose running sums live in locals: walking down a block reads one line per row, and its
  // 1024 x 64 bytes stay in L2 for the next pass. Accumulating into mean[j] along whole rows
  // instead loads and stores an array element per value and measured 2-3x slower.
  if (s === 1) for (; j + 8 <= c; j += 8) columnStats8(x, n, c, j, mean, variance);
  for (; j < c; j++) channelStats1(x, n, c, s, j, mean, variance);
  // γ folded into the scale. x - μ is formed first, not x·scale - μ·scale: with |μ| >> σ the
  // two products are large and nearly equal, and their difference loses the low digits.
  const scale = new Float64Array(c);
  for (let k = 0; k < c; k++) {
    rstd[k] = 1 / Math.sqrt(variance[k]! + eps);
    scale[k] = w[k]! * rstd[k]!;
  }
  j = 0;
  if (wasm !== null) {
    wasm.affine(out, mean, scale, b);
    j = wasm.done;
  }
  if (s === 1) for (; j + 8 <= c; j += 8) columnAffine8(x, out, n, c, j, mean, scale, b);
  for (; j < c; j++) {
    const mu = mean[j]!;
    const sc = scale[j]!;
    const shift = b[j]!;
    for (let i = 0; i < n; i++) {
      const base = (i * c + j) * s;
      for (let k = 0; k < s; k++) out[base + k] = (x[base + k]! - mu) * sc + shift;
    }
  }
  return { out, mean, var: variance, rstd };
}

/** Mean and biased variance (two-pass) of channel j of x as [n, c, s], into mean[j] and variance[j]. */
function channelStats1(
  x: FloatArray,
  n: number,
  c: number,
  s: number,
  j: number,
  mean: Float64Array,
  variance: Float64Array,
): void {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const base = (i * c + j) * s;
    for (let k = 0; k < s; k++) sum += x[base + k]!;
  }
  const mu = sum / (n * s);
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const base = (i * c + j) * s;
    for (let k = 0; k < s; k++) {
      const d = x[base + k]! - mu;
      sq += d * d;
    }
  }
  mean[j] = mu;
  variance[j] = sq / (n * s);
}

/** channelStats1 for the 8 columns j..j+7 of an [n, c] array at once, every running sum in a local. */
function columnStats8(
  x: FloatArray,
  n: number,
  c: number,
  j: number,
  mean: Float64Array,
  variance: Float64Array,
): void {
  const end = n * c + j;
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let a4 = 0;
  let a5 = 0;
  let a6 = 0;
  let a7 = 0;
  for (let r = j; r < end; r += c) {
    a0 += x[r]!;
    a1 += x[r + 1]!;
    a2 += x[r + 2]!;
    a3 += x[r + 3]!;
    a4 += x[r + 4]!;
    a5 += x[r + 5]!;
    a6 += x[r + 6]!;
    a7 += x[r + 7]!;
  }
  const m0 = a0 / n;
  const m1 = a1 / n;
  const m2 = a2 / n;
  const m3 = a3 / n;
  const m4 = a4 / n;
  const m5 = a5 / n;
  const m6 = a6 / n;
  const m7 = a7 / n;
  let q0 = 0;
  let q1 = 0;
  let q2 = 0;
  let q3 = 0;
  let q4 = 0;
  let q5 = 0;
  let q6 = 0;
  let q7 = 0;
  for (let r = j; r < end; r += c) {
    const d0 = x[r]! - m0;
    const d1 = x[r + 1]! - m1;
    const d2 = x[r + 2]! - m2;
    const d3 = x[r + 3]! - m3;
    const d4 = x[r + 4]! - m4;
    const d5 = x[r + 5]! - m5;
    const d6 = x[r + 6]! - m6;
    const d7 = x[r + 7]! - m7;
    q0 += d0 * d0;
    q1 += d1 * d1;
    q2 += d2 * d2;
    q3 += d3 * d3;
    q4 += d4 * d4;
    q5 += d5 * d5;
    q6 += d6 * d6;
    q7 += d7 * d7;
  }
  store8(mean, j, m0, m1, m2, m3, m4, m5, m6, m7);
  store8(variance, j, q0 / n, q1 / n, q2 / n, q3 / n, q4 / n, q5 / n, q6 / n, q7 / n);
}

/** out = (x - μ) · scale + β on the 8 columns j..j+7, the per-column constants in locals. */
function columnAffine8(
  x: FloatArray,
  out: FloatArray,
  n: number,
  c: number,
  j: number,
  mean: Float64Array,
  scale: Float64Array,
  shift: FloatArray,
): void {
  const m0 = mean[j]!;
  const m1 = mean[j + 1]!;
  const m2 = mean[j + 2]!;
  const m3 = mean[j + 3]!;
  const m4 = mean[j + 4]!;
  const m5 = mean[j + 5]!;
  const m6 = mean[j + 6]!;
  const m7 = mean[j + 7]!;
  const s0 = scale[j]!;
  const s1 = scale[j + 1]!;
  const s2 = scale[j + 2]!;
  const s3 = scale[j + 3]!;
  const s4 = scale[j + 4]!;
  const s5 = scale[j + 5]!;
  const s6 = scale[j + 6]!;
  const s7 = scale[j + 7]!;
  const b0 = shift[j]!;
  const b1 = shift[j + 1]!;
  const b2 = shift[j + 2]!;
  const b3 = shift[j + 3]!;
  const b4 = shift[j + 4]!;
  const b5 = shift[j + 5]!;
  const b6 = shift[j + 6]!;
  const b7 = shift[j + 7]!;
  const end = n * c + j;
  for (let r = j; r < end; r += c) {
    out[r] = (x[r]! - m0) * s0 + b0;
    out[r + 1] = (x[r + 1]! - m1) * s1 + b1;
    out[r + 2] = (x[r + 2]! - m2) * s2 + b2;
    out[r + 3] = (x[r + 3]! - m3) * s3 + b3;
    out[r + 4] = (x[r + 4]! - m4) * s4 + b4;
    out[r + 5] = (x[r + 5]! - m5) * s5 + b5;
    out[r + 6] = (x[r + 6]! - m6) * s6 + b6;
    out[r + 7] = (x[r + 7]! - m7) * s7 + b7;
  }
}
