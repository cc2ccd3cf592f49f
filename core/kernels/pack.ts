// The packing both GEMM backends share, so they pack the same panels: strips of 4 rows of op(A)
// and 4 columns of op(B) for the float64 kernels and the JS float32 one, 8 columns of op(B) for
// the WASM float32 kernel (its 4 x 8 tile).
//
// One function per element type, each seeing one array class: a single function over both
// packed a 256 x 256 float64 B in 77-110 us against 33-35 us for the float64-only copy
// (bench run 2026-12-01 19:41, load ~9), once it also had the 8-wide path.

/**
 * One strip of 4 lines (rows of op(A) or columns of op(B)) of length kc, interleaved:
 * dst[d0 + p * 4 + l] = src[start + l * lineStride + p * step], lines past `lines` zero.
 * A full strip reads its 4 lines side by side and writes dst in order. (Walking one line at a
 * time instead writes dst with a stride of 4 and made packing a fifth of the time of a
 * [32, 128] x [128, 128] product, where every element of B is used only 32 times.)
 */
export function packStrip(
  dst: Float64Array,
  d0: number,
  src: Float64Array,
  start: number,
  lineStride: number,
  step: number,
  lines: number,
  kc: number,
): void {
  if (lines === 4) {
    let s0 = start;
    let s1 = start + lineStride;
    let s2 = start + 2 * lineStride;
    let s3 = start + 3 * lineStride;
    const end = d0 + 4 * kc;
    for (let d = d0; d < end; d += 4) {
      dst[d] = src[s0]!;
      dst[d + 1] = src[s1]!;
      dst[d + 2] = src[s2]!;
      dst[d + 3] = src[s3]!;
      s0 += step;
      s1 += step;
      s2 += step;
      s3 += step;
    }
    return;
  }
  for (let p = 0; p < kc; p++) {
    const d = d0 + p * 4;
    for (let l = 0; l < 4; l++) dst[d + l] = l < lines ? src[start + l * lineStride + p * step]! : 0;
  }
}

/**
 * packStrip for float32, in strips of `width` lines (4, or 8 for the WASM kernel's B):
 * dst[d0 + p * width + l] = src[start + l * lineStride + p * step], lines past `lines` zero.
 * Full strips are spelt out (a loop over the 8 lines took twice as long: 69 against 34 us
 * for a 256 x 256 B, same run).
 */
export function packStrip32(
  dst: Float32Array,
  d0: number,
  src: Float32Array,
  start: number,
  lineStride: number,
  step: number,
  lines: number,
  kc: number,
  width: 4 | 8,
): void {
  const l = lineStride;
  if (lines === 4 && width === 4) {
    const end = d0 + 4 * kc;
    for (let d = d0, s = start; d < end; d += 4, s += step) {
      dst[d] = src[s]!;
      dst[d + 1] = src[s + l]!;
      dst[d + 2] = src[s + 2 * l]!;
      dst[d + 3] = src[s + 3 * l]!;
    }
    return;
  }
  if (lines === 8 && width === 8) {
    const end = d0 + 8 * kc;
    for (let d = d0, s = start; d < end; d += 8, s += step) {
      dst[d] = src[s]!;
      dst[d + 1] = src[s + l]!;
      dst[d + 2] = src[s + 2 * l]!;
      dst[d + 3] = src[s + 3 * l]!;
      dst[d + 4] = src[s + 4 * l]!;
      dst[d + 5] = src[s + 5 * l]!;
      dst[d + 6] = src[s + 6 * l]!;
      dst[d + 7] = src[s + 7 * l]!;
    }
    return;
  }
  for (let p = 0; p < kc; p++) {
    const d = d0 + p * width;
    for (let q = 0; q < width; q++) dst[d + q] = q < lines ? src[start + q * l + p * step]! : 0;
  }
}
