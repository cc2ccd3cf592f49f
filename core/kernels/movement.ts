/**
 * Movement kernels: copies between a contiguous buffer and a strided view of
 * another. `expand` (stride 0 on broadcast dims), `permute` (permuted strides)
 * and `narrow` (an offset) are all one `stridedRead`; the backward of `narrow`
 * is one `stridedWrite`. Outputs take the source's dtype; index arrays may be
 * of either dtype (they hold exact small integers).
 */
import { dtypeOf, type FloatArray, newArray } from '../dtype.ts';
import { alloc } from './alloc.ts';

/**
 * The same walk over fewer dimensions: dims of size 1 dropped, and a dim merged into the one
 * inside it when stepping it once is stepping the inner one through its whole size
 * (strides[d] = strides[d + 1] * shape[d + 1]), which a contiguous run and a broadcast run
 * (stride 0 on both) each satisfy. `expand` of a scalar to [1024, 512] becomes one run of
 * 524,288 equal values, a transpose stays two dims.
 */
export function coalesce(
  strides: readonly number[],
  shape: readonly number[],
): { strides: number[]; shape: number[] } {
  const outStrides: number[] = [];
  const outShape: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const at = outShape.length - 1;
    if (at >= 0 && outStrides[at] === strides[d]! * size) {
      outShape[at] = outShape[at]! * size;
      outStrides[at] = strides[d]!;
    } else {
      outShape.push(size);
      outStrides.push(strides[d]!);
    }
  }
  return { strides: outStrides, shape: outShape };
}

/** Runs at least this long go through `fill` / `set` (native memset / memcpy) rather than a JS loop. */
const NATIVE_RUN = 32;

/** out[i] = src[offset + sum_d idx_d * strides_d] for every multi-index of `shape`, in row-major order. */
export function stridedRead(
  src: FloatArray,
  offset: number,
  stridesIn: readonly number[],
  shapeIn: readonly number[],
): FloatArray {
  let n = 1;
  for (const d of shapeIn) n *= d;
  const out = alloc(n, dtypeOf(src)); // every element is written below
  if (n === 0) return out;
  const { strides, shape } = coalesce(stridesIn, shapeIn);
  const nd = shape.length;
  if (nd === 0) {
    out[0] = src[offset]!;
    return out;
  }
  const last = nd - 1;
  const lastSize = shape[last]!;
  const lastStride = strides[last]!;
  const native = lastSize >= NATIVE_RUN;
  const idx = new Array<number>(nd).fill(0);
  let base = offset;
  let o = 0;
  while (o < n) {
    // Innermost dimension as a tight loop (a native copy or fill when long); the odometer
    // below advances the rest.
    if (lastStride === 1) {
      if (native) out.set(src.subarray(base, base + lastSize), o);
      else for (let j = 0; j < lastSize; j++) out[o + j] = src[base + j]!;
    } else if (lastStride === 0) {
      if (native) out.fill(src[base]!, o, o + lastSize);
      else {
        const v = src[base]!;
        for (let j = 0; j < lastSize; j++) out[o + j] = v;
      }
    } else for (let j = 0; j < lastSize; j++) out[o + j] = src[base + j * lastStride]!;
    o += lastSize;
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
