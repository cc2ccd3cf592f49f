/**
 * Normalization kernels: the statistics, the normalize-and-affine step and its
 * gradient, each in as few passes over memory as the math allows, no Tensor and
 * no autograd.
 *
 *     x̂ = (x - μ) · rstd,   rstd = 1 / sqrt(σ² + ε),   y = γ x̂ + β
 *
 * with μ and the biased σ² taken over a group of M values. For an upstream
 * gradient g, with sums over the same group,
 *
 *     dβ = Σ g,   dγ = Σ g x̂,   dx = rstd · (γ g - mean(γ g) - x̂ · mean(γ g x̂))
 *
 * Two layouts:
 * - channels (BatchNorm): x as [N, C, S], one group per channel c over n and s;
 *   γ and β are per channel, so mean(γ g) = γ dβ / M and mean(γ g x̂) = γ dγ / M:
 *   the backward is one pass for the two sums and one for dx.
 * - rows (LayerNorm): x as [R, D], one group per contiguous row; γ and β are per
 *   column. A row is read from memory once and then reused from L1 for its mean,
 *   variance and output (forward) or its two means and dx (backward).
 * The variance is two-pass (mean first, then mean of squared deviations), as the
 * composed ops compute it, so the fused and composed paths agree to rounding.
 *
 * The kernels live in `batchnorm.ts` / `batchnorm-backward.ts` (channels) and
 * `layernorm.ts` (rows); this file holds what they share: the result types, the
 * fill for a missing γ / β, and `store8` for the channel kernels' blocks of 8.
 *
 * Like the matmul kernels these are pure functions of flat arrays: a WASM SIMD
 * version can replace them behind the same signatures. Outputs (every element
 * written) come from `alloc`, which recycles large buffers. Outputs take x's
 * dtype; statistics (mean, variance, rstd) and the sums behind dγ and dβ stay
 * float64 whatever the dtype, so a float32 BatchNorm accumulates in double.
 */
import type { FloatArray } from '../dtype.ts';
export interface NormForward {
  /** In x's dtype. */
  out: FloatArray;
  /** Per group. */
  mean: Float64Array;
  /** Biased variance per group (what running statistics are built from). */
  var: Float64Array;
  rstd: Float64Array;
}

export interface NormBackward {
  /** In x's dtype. */
  dx: FloatArray | null;
  /** Float64 sums, whatever the dtype: the op converts them to the weight's. */
  dweight: Float64Array;
  dbias: Float64Array;
}

/** γ = 1 and β = 0 when a layer has no affine part, so the kernels' loops stay one shape. */
export function orFill(v: FloatArray | null, n: number, value: number): FloatArray {
  return v ?? new Float64Array(n).fill(value);
}

/** a[j..j+7] = v0..v7, without building an array to copy from. */
export function store8(
  a: Float64Array,
  j: number,
  v0: number,
  v1: number,
  v2: number,
  v3: number,
  v4: number,
  v5: number,
  v6: number,
  v7: number,
): void {
  a[j] = v0;
  a[j + 1] = v1;
  a[j + 2] = v2;
  a[j + 3] = v3;
  a[j + 4] = v4;
  a[j + 5] = v5;
  a[j + 6] = v6;
  a[j + 7] = v7;
}
