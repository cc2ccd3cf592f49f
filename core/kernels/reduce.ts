/**
 * Reduction kernels over one axis of a tensor viewed as [outer, r, inner]
 * (row-major). A reduction over several adjacent dims merges them into one r;
 * non-adjacent dims are reduced one block at a time by the caller.
 *
 * Results take the input's dtype; sums accumulate in float64 whatever the dtype
 * and are rounded once at the end (see README.md, "float32").
 *
 * A sum along contiguous values (inner = 1: `x.sum()`, a mean over the last
 * dims) is a cascade, as PyTorch's: blocks of BLOCK values, each summed in 8
 * running sums (value j goes to sum j mod 8; up to 7 left over are added in a
 * ninth) combined pairwise, and the block sums combined pairwise. One running
 * sum made every add wait for the last (1.1 ns a value; 0.6 ms of W5's step)
 * and let its rounding error grow with n rather than log n. Fewer than 8 values
 * are added one after another, as before. A strided sum (inner > 1) adds along
 * r one value after another for each output, as PyTorch's does.
 */
import type { FloatArray } from '../dtype.ts';

/** out[o, i] = sum_j src[o, j, i], summed in float64 and stored in src's dtype. */
export function sumAxis(src: FloatArray, outer: number, r: number, inner: number): FloatArray {
  if (src instanceof Float32Array) return Float32Array.from(sum64(src, outer, r, inner));
  return sum64(src, outer, r, inner);
}

/** sumAxis into a float64 array: strided sums go through the output, which must not round to float32. */
function sum64(src: FloatArray, outer: number, r: number, inner: number): Float64Array {
  const out = new Float64Array(outer * inner);
  if (inner === 1) {
    for (let o = 0; o < outer; o++) out[o] = cascadeSum(src, o * r, r);
    return out;
  }
  for (let o = 0; o < outer; o++) {
    const ob = o * inner;
    for (let j = 0; j < r; j++) {
      const base = (o * r + j) * inner;
      for (let i = 0; i < inner; i++) out[ob + i] = out[ob + i]! + src[base + i]!;
    }
  }
  return out;
}

/** Values per block of the cascade (32 KB of float64: the block stays in L1 while it is summed). */
export const BLOCK = 4096;

/** src[base .. base + r) summed as a cascade (see the top of this file). */
export function cascadeSum(src: FloatArray, base: number, r: number): number {
  if (r <= BLOCK) return blockSum(src, base, r);
  const blocks = Math.ceil(r / BLOCK);
  const sums = new Float64Array(blocks);
  for (let b = 0; b < blocks; b++) sums[b] = blockSum(src, base + b * BLOCK, Math.min(BLOCK, r - b * BLOCK));
  return pairwise(sums, 0, blocks);
}

/** sums[lo .. hi) added as a balanced binary tree: the first half's sum plus the second's. */
function pairwise(sums: Float64Array, lo: number, hi: number): number {
  if (hi - lo === 1) return sums[lo]!;
  const mid = lo + Math.floor((hi - lo) / 2);
  return pairwise(sums, lo, mid) + pairwise(sums, mid, hi);
}

/** One block: 8 running sums (value j to sum j mod 8), combined pairwise, then the leftover sum. */
function blockSum(src: FloatArray, base: number, n: number): number {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let a4 = 0;
  let a5 = 0;
  let a6 = 0;
  let a7 = 0;
  const end = base + n - (n % 8);
  let j = base;
  for (; j < end; j += 8) {
    a0 += src[j]!;
    a1 += src[j + 1]!;
    a2 += src[j + 2]!;
    a3 += src[j + 3]!;
    a4 += src[j + 4]!;
    a5 += src[j + 5]!;
    a6 += src[j + 6]!;
    a7 += src[j + 7]!;
  }
  let rest = 0;
  for (; j < base + n; j++) rest += src[j]!;
  return a0 + a1 + (a2 + a3) + (a4 + a5 + (a6 + a7)) + rest;
}

/**
 * out[o, i] = max_j src[o, j, i] (or min with sign -1) and the first index attaining it. Values take
 * src's dtype; indices are always float64 (exact integers up to 2^53, see README.md).
 * NaN propagates, as in PyTorch: a NaN is the maximum.
 */
export function maxAxis(
  src: FloatArray,
  outer: number,
  r: number,
  inner: number,
  sign: 1 | -1,
): { values: FloatArray; indices: Float64Array } {
  const values =
    src instanceof Float32Array ? new Float32Array(outer * inner) : new Float64Array(outer * inner);
  const indices = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = Number.NEGATIVE_INFINITY;
      let at = 0;
      for (let j = 0; j < r; j++) {
        const v = sign * src[(o * r + j) * inner + i]!;
        if (v > best || Number.isNaN(v)) {
          best = v;
          at = j;
          if (Number.isNaN(v)) break;
        }
      }
      values[o * inner + i] = r === 0 ? Number.NaN : sign * best;
      indices[o * inner + i] = at;
    }
  }
  return { values, indices };
}
