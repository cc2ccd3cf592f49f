// The packing both GEMM backends share (MR = NR = 4 in both), so they pack the same panels.

/**
 * One strip of 4 lines (rows of op(A) or columns of op(B)) of length kc, interleaved:
 * dst[d0 + p * 4 + l] = src[start + l * lineStride + p * step], lines past `lines` zero.
 * A full strip reads its 4 lines side by side and writes dst in order; with MR = NR = 4
 * the same routine packs either operand in either orientation. (Walking one line at a
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
