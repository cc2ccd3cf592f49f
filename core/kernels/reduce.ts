/**
 * Reduction kernels over one axis of a tensor viewed as [outer, r, inner]
 * (row-major). A reduction over several adjacent dims merges them into one r;
 * non-adjacent dims are reduced one block at a time by the caller.
 */

/** out[o, i] = sum_j src[o, j, i]. */
export function sumAxis(src: Float64Array, outer: number, r: number, inner: number): Float64Array {
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
 * out[o, i] = max_j src[o, j, i] (or min with sign -1) and the first index attaining it.
 * NaN propagates, as in PyTorch: a NaN is the maximum.
 */
export function maxAxis(
  src: Float64Array,
  outer: number,
  r: number,
  inner: number,
  sign: 1 | -1,
): { values: Float64Array; indices: Float64Array } {
  const values = new Float64Array(outer * inner);
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
