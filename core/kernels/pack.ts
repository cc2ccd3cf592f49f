// The packing both GEMM backends share, so they pack the same panels: strips of 4 rows of op(A)
// and 4 columns of op(B) for the float64 kernels and the JS float32 one, 8 columns of op(B) for
// the WASM float32 kernel (its 4 x 8 tile).
import type { FloatArray } from './matmul.ts';

/**
 * One strip of `width` lines (rows of op(A) or columns of op(B)) of length kc, interleaved:
 * dst[d0 + p * width + l] = src[start + l * lineStride + p * step], lines past `lines` zero.
 * A full strip reads its lines side by side and writes dst in order. (Walking one line at a
 * time instead writes dst with a stride of `width` and made packing a fifth of the time of a
 * [32, 128] x [128, 128] product, where every element of B is used only 32 times.)
 * dst and src hold the same element type (the GEMM's); the 4-wide strip is spelt out
 * because the float64 kernels, the hot case, use it.
 */
export function packStrip(
  dst: FloatArray,
  d0: number,
  src: FloatArray,
  start: number,
  lineStride: number,
  step: number,
  lines: number,
  kc: number,
  width = 4,
): void {
  if (lines === 4 && width === 4) {
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
  if (lines === width) {
    for (let p = 0, d = d0, s = start; p < kc; p++, d += width, s += step) {
      for (let l = 0; l < width; l++) dst[d + l] = src[s + l * lineStride]!;
    }
    return;
  }
  for (let p = 0; p < kc; p++) {
    const d = d0 + p * width;
    for (let l = 0; l < width; l++) dst[d + l] = l < lines ? src[start + l * lineStride + p * step]! : 0;
  }
}
