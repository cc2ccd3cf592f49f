/**
 * Movement kernels: copies between a contiguous buffer and a strided view of
 * another. `expand` (stride 0 on broadcast dims), `permute` (permuted strides)
 * and `narrow` (an offset) are all one `stridedRead`; the backward of `narrow`
 * is one `stridedWrite`. Outputs take the source's dtype; index arrays may be
 * of either dtype (they hold exact small integers).
 */
import { dtypeOf, type FloatArray, newArray } from '../dtype.ts';
import { alloc } from './alloc.ts';

/** out[i] = src[offset + sum_d idx_d * strides_d] for every multi-index of `shape`, in row-major order. */
export function stridedRead(
  src: FloatArray,
  offset: number,
  strides: readonly number[],
  shape: readonly number[],
): FloatArray {
  const nd = shape.length;
  let n = 1;
  for (const d of shape) n *= d;
  const out = alloc(n, dtypeOf(src)); // every element is written below
  if (n === 0) return out;
  if (nd === 0) {
    out[0] = src[offset]!;
    return out;
  }
  const last = nd - 1;
  const lastSize = shape[last]!;
  const lastStride = strides[last]!;
  const idx = new Array<number>(nd).fill(0);
  let base = offset;
  let o = 0;
  while (o < n) {
    // Innermost dimension as a tight loop; the odometer below advances the rest.
    if (lastStride === 1) for (let j = 0; j < lastSize; j++) out[o++] = src[base + j]!;
    else if (lastStride === 0) {
      const v = src[base]!;
      for (let j = 0; j < lastSize; j++) out[o++] = v;
    } else for (let j = 0; j < lastSize; j++) out[o++] = src[base + j * lastStride]!;
    let d = last - 1;
    while (d >= 0) {
      idx[d]!++;
      base += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      base -= strides[d]! * shape[d]!;
      idx[d] = 0;
      d--;
    }
    if (d < 0) break;
  }
  return out;
}

/** dst[offset + sum_d idx_d * strides_d] += src[i] (or = with `accumulate` false), the inverse of stridedRead. */
export function stridedWrite(
  dst: FloatArray,
  offset: number,
  strides: readonly number[],
  shape: readonly number[],
  src: FloatArray,
  accumulate: boolean,
): void {
  const nd = shape.length;
  const n = src.length;
  if (n === 0) return;
  const idx = new Array<number>(nd).fill(0);
  let base = offset;
  for (let o = 0; o < n; o++) {
    if (accumulate) dst[base] = dst[base]! + src[o]!;
    else dst[base] = src[o]!;
    let d = nd - 1;
    while (d >= 0) {
      idx[d]!++;
      base += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      base -= strides[d]! * shape[d]!;
      idx[d] = 0;
      d--;
    }
  }
}

/**
 * Gather along `dim` of a tensor viewed as [outer, size, inner]: out[o, j, i] = src[o, index[o, j, i], i]
 * where index has shape [outer, idxSize, inner] (PyTorch's gather with index.shape == out.shape).
 */
export function gather(
  src: FloatArray,
  outer: number,
  size: number,
  inner: number,
  index: FloatArray,
  idxSize: number,
): FloatArray {
  const out = newArray(dtypeOf(src), outer * idxSize * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < idxSize; j++) {
      const row = (o * idxSize + j) * inner;
      for (let i = 0; i < inner; i++) out[row + i] = src[(o * size + index[row + i]!) * inner + i]!;
    }
  }
  return out;
}

/** The adjoint of gather: dst[o, index[o, j, i], i] += src[o, j, i]. */
export function scatterAdd(
  outer: number,
  size: number,
  inner: number,
  index: FloatArray,
  idxSize: number,
  src: FloatArray,
): FloatArray {
  const dst = newArray(dtypeOf(src), outer * size * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < idxSize; j++) {
      const row = (o * idxSize + j) * inner;
      for (let i = 0; i < inner; i++) {
        const at = (o * size + index[row + i]!) * inner + i;
        dst[at] = dst[at]! + src[row + i]!;
      }
    }
  }
  return dst;
}

/** Select whole slices along the middle axis: out[o, j, :] = src[o, index[j], :]. */
export function indexSelect(
  src: FloatArray,
  outer: number,
  size: number,
  inner: number,
  index: FloatArray,
): FloatArray {
  const k = index.length;
  const out = newArray(dtypeOf(src), outer * k * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const from = (o * size + index[j]!) * inner;
      out.set(src.subarray(from, from + inner), (o * k + j) * inner);
    }
  }
  return out;
}

/** The adjoint of indexSelect: dst[o, index[j], :] += src[o, j, :]. */
export function indexAdd(
  outer: number,
  size: number,
  inner: number,
  index: FloatArray,
  src: FloatArray,
): FloatArray {
  const k = index.length;
  const dst = newArray(dtypeOf(src), outer * size * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const to = (o * size + index[j]!) * inner;
      const from = (o * k + j) * inner;
      for (let i = 0; i < inner; i++) dst[to + i] = dst[to + i]! + src[from + i]!;
    }
  }
  return dst;
}
