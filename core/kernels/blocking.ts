/**
 * The k blocking both GEMM backends share. A C element's sum is built block
 * by block (the block's products summed in order, then added to C), so two
 * kernels with the same blocks and no FMA give bit-identical results; that is
 * why the depth lives here, in one place.
 */

/** Depth of a packed k block. */
export const KC = 256;

/** The largest block <= max that splits n into equal parts, rounded up to a multiple of `multiple`. */
export function balanced(n: number, max: number, multiple = 1): number {
  const parts = Math.ceil(n / max);
  const size = Math.ceil(n / parts);
  return Math.min(max, Math.ceil(size / multiple) * multiple);
}
