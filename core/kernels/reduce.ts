/**
 * Reduction kernels over one axis of a tensor viewed as [outer, r, inner]
 * (row-major). A reduction over several adjacent dims merges them into one r;
 * non-adjacent dims are reduced one block at a time by the caller.
 *
 * Results take the input's dtype; sums accumulate in float64 whatever the dtype
 * and are rounded once at the end (see README.md, "float32").
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
    for (let o = 0; o < outer; o++) {
      let s = 0;
      const base = o * r;
      for (let j = 0; j < r; j++) s += src[base + j]!;
      out[o] = s;
    }
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
