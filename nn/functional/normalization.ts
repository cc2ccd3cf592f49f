/**
 * Batch and layer normalization as functions. Both are the same two steps with
 * different axes:
 *
 *     x̂ = (x - μ) / sqrt(σ² + ε)          the shared normalize step
 *     y  = γ ⊙ x̂ + β                       the affine step (optional)
 *
 * where μ and σ² are the mean and the **biased** variance (divisor N, not N - 1).
 * BatchNorm takes them per channel over the batch (every dim but dim 1), LayerNorm
 * per sample over the trailing `normalizedShape` dims. Both are composed from core
 * ops, so the gradient through μ and σ² (which depend on x) comes for free.
 *
 * For speed, training-mode BatchNorm and LayerNorm run the same math as one fused
 * op (`nativeBatchNorm` / `nativeLayerNorm` in core/ops/norm.ts: two passes over
 * the data each way instead of a dozen ops, checked against this composition in
 * tests/core/kernels-norm.test.ts). Under anomaly detection the composition
 * below runs instead, so an error names the primitive op that went non-finite.
 */
import {
  fmtShape,
  isAnomalyEnabled,
  mean,
  mul,
  rsqrt,
  ShapeError,
  sub,
  type Tensor,
  ValueError,
} from '../../core/index.ts';
import { nativeBatchNorm, nativeLayerNorm } from '../../core/ops/norm.ts';

/** Mean and biased variance over some dims (keepdim). */
export interface Moments {
  /** Mean over the reduced dims, kept as size-1 dims. */
  mean: Tensor;
  /** Biased variance, mean((x - μ)²), over the same dims, kept as size-1 dims. */
  var: Tensor;
}

/** μ and the biased σ² of x over `dims` (kept as size-1 dims so they broadcast back). */
export function moments(x: Tensor, dims: readonly number[]): Moments {
  const mu = mean(x, dims, true);
  const centered = sub(x, mu);
  return { mean: mu, var: mean(mul(centered, centered), dims, true) };
}

/** The shared normalize step x̂ = (x - μ) / sqrt(σ² + ε); μ and σ² broadcast against x. */
export function normalize(x: Tensor, mu: Tensor, variance: Tensor, eps: number): Tensor {
  return mul(sub(x, mu), rsqrt(variance.add(eps)));
}

/** Options of `F.batchNorm`, as `F.batch_norm`'s. */
export interface BatchNormOptions {
  /** γ, shape [C]; null or absent for no scale. */
  weight?: Tensor | null;
  /** β, shape [C]; null or absent for no shift. */
  bias?: Tensor | null;
  /** Use batch statistics (and update the running ones); false uses the running statistics. */
  training?: boolean;
  /** Weight of the new batch statistic in the running average (default 0.1). */
  momentum?: number;
  /** Added to the variance before the square root; 1e-5 by default. */
  eps?: number;
}

/**
 * Batch normalization (Ioffe & Szegedy 2015, https://arxiv.org/abs/1502.03167),
 * as `F.batch_norm`. For input [N, C, *], per channel c:
 *
 *     y = (x - μ_c) / sqrt(σ²_c + ε) * γ_c + β_c
 *
 * Training: μ_c and σ²_c are the batch mean and **biased** variance over N and *
 * (n = N·prod(*) values), and the running statistics are updated in place:
 *
 *     running_mean ← (1 - momentum) · running_mean + momentum · μ_c
 *     running_var  ← (1 - momentum) · running_var  + momentum · σ²_c · n / (n - 1)
 *
 * i.e. the running variance averages the **unbiased** estimate, as PyTorch does,
 * while the output is normalized with the biased one. Eval (`training: false`):
 * μ and σ² are the running statistics, constants for autograd.
 */
export function batchNorm(
  input: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  opts: BatchNormOptions = {},
): Tensor {
  const { weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5 } = opts;
  if (input.ndim < 2) {
    throw new ShapeError(
      `batchNorm: expected input with at least 2 dims [N, C, *], got input of shape ${fmtShape(input.shape)}`,
    );
  }
  const channels = input.shape[1]!;
  for (const [arg, t] of [
    ['runningMean', runningMean],
    ['runningVar', runningVar],
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t !== null && (t.ndim !== 1 || t.shape[0] !== channels)) {
      throw new ShapeError(
        `batchNorm: ${arg} should have shape [${channels}] (the channels of input ${fmtShape(input.shape)}), got ${fmtShape(t.shape)}`,
      );
    }
  }
  if ((runningMean === null) !== (runningVar === null)) {
    throw new ValueError('batchNorm: runningMean and runningVar must both be given or both be null');
  }
  // [C] -> [1, C, 1, ...] so per-channel values broadcast over N and the spatial dims.
  const perChannel = (t: Tensor) => t.reshape([1, channels, ...input.shape.slice(2).map(() => 1)]);
  const dims = input.shape.map((_, i) => i).filter((i) => i !== 1);

  let out: Tensor;
  let stats: Moments | null = null;
  if (training) {
    checkValuesPerChannel('batchNorm', input);
    if (!isAnomalyEnabled()) {
      const fused = nativeBatchNorm(input, weight, bias, eps);
      if (runningMean !== null && runningVar !== null) {
        updateRunningStats(runningMean, runningVar, fused.mean, fused.var, input.numel / channels, momentum);
      }
      return fused.out;
    }
    stats = moments(input, dims);
    out = normalize(input, stats.mean, stats.var, eps);
  } else {
    if (runningMean === null || runningVar === null) {
      throw new ValueError(
        'batchNorm: runningMean and runningVar are needed when training is false (there are no batch statistics to fall back on)',
      );
    }
    out = normalize(input, perChannel(runningMean), perChannel(runningVar), eps);
  }
  if (weight !== null) out = mul(out, perChannel(weight));
  if (bias !== null) out = out.add(perChannel(bias));
  if (stats !== null && runningMean !== null && runningVar !== null) {
    // Done last, so a forward that throws (an anomaly caught by detectAnomaly) leaves the buffers as they were.
    updateRunningStats(
      runningMean,
      runningVar,
      stats.mean.data,
      stats.var.data,
      input.numel / channels,
      momentum,
    );
  }
  return out;
}

/**
 * In place on the buffers' data (bookkeeping, not part of the graph): the running mean
 * averages the batch mean, the running variance the unbiased batch variance σ² n / (n - 1).
 */
function updateRunningStats(
  runningMean: Tensor,
  runningVar: Tensor,
  batchMean: Float64Array,
  batchVar: Float64Array,
  n: number,
  momentum: number,
): void {
  for (let c = 0; c < batchMean.length; c++) {
    runningMean.data[c] = (1 - momentum) * runningMean.data[c]! + momentum * batchMean[c]!;
    runningVar.data[c] = (1 - momentum) * runningVar.data[c]! + momentum * ((batchVar[c]! * n) / (n - 1));
  }
}

/**
 * Batch statistics need at least two values per channel: with one, x - μ is 0
 * and the variance is 0 (PyTorch refuses the same input in training).
 */
export function checkValuesPerChannel(who: string, input: Tensor): void {
  if (input.numel / (input.shape[1] ?? 1) <= 1) {
    throw new ValueError(
      `${who}: Expected more than 1 value per channel when training, got input size ${fmtShape(input.shape)}`,
    );
  }
}

/** Options of `F.layerNorm`, as `F.layer_norm`'s. */
export interface LayerNormOptions {
  /** γ, shape = normalizedShape; null or absent for no scale. */
  weight?: Tensor | null;
  /** β, shape = normalizedShape; null or absent for no shift. */
  bias?: Tensor | null;
  /** Added to the variance before the square root; 1e-5 by default. */
  eps?: number;
}

/**
 * Layer normalization (Ba, Kiros & Hinton 2016, https://arxiv.org/abs/1607.06450),
 * as `F.layer_norm`. With D = normalizedShape (the trailing dims of x), for each
 * sample, i.e. each index of the leading dims:
 *
 *     μ = mean over D of x,   σ² = mean over D of (x - μ)²   (biased)
 *     y = (x - μ) / sqrt(σ² + ε) * γ + β                     (γ, β of shape D)
 *
 * No statistic crosses samples, so one sample's output does not depend on the
 * rest of the batch, and training and evaluation compute the same thing.
 */
export function layerNorm(
  input: Tensor,
  normalizedShape: number | readonly number[],
  opts: LayerNormOptions = {},
): Tensor {
  const { weight = null, bias = null, eps = 1e-5 } = opts;
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
  if (shape.length === 0)
    throw new ValueError('layerNorm: normalizedShape must name at least one dim, got []');
  checkNormalizedShape('layerNorm', input, shape);
  for (const [arg, t] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t !== null && fmtShape(t.shape) !== fmtShape(shape)) {
      throw new ShapeError(
        `layerNorm: ${arg} should have shape ${fmtShape(shape)} (normalizedShape), got ${fmtShape(t.shape)}`,
      );
    }
  }
  if (!isAnomalyEnabled()) return nativeLayerNorm(input, shape, weight, bias, eps);
  const dims = shape.map((_, i) => input.ndim - shape.length + i);
  const stats = moments(input, dims);
  let out = normalize(input, stats.mean, stats.var, eps);
  if (weight !== null) out = mul(out, weight);
  if (bias !== null) out = out.add(bias);
  return out;
}

/** Throws unless the trailing dims of input equal normalizedShape. */
export function checkNormalizedShape(who: string, input: Tensor, normalizedShape: readonly number[]): void {
  const trailing = input.shape.slice(input.ndim - normalizedShape.length);
  if (input.ndim < normalizedShape.length || fmtShape(trailing) !== fmtShape(normalizedShape)) {
    throw new ShapeError(
      `${who}: expected input with trailing shape ${fmtShape(normalizedShape)} (normalizedShape), got input of shape ${fmtShape(input.shape)}`,
    );
  }
}
