/**
 * Batch and layer normalization as functions. Both are the same two steps with
 * different axes:
 *
 *     x̂ = (x - μ) / sqrt(σ² + ε)          the shared normalize step
 *     y  = γ ⊙ x̂ + β                       the affine step (optional)
 *
 * where μ and σ² are the mean and the **biased** variance (divisor N, not N - 1).
 * BatchNorm takes them per channel over the batch (every dim but dim 1), LayerNorm
 * per sample over the trailing `normalizedShape` dims.
 *
 * Training-mode BatchNorm and LayerNorm run as one fused op each
 * (`nativeBatchNorm` / `nativeLayerNorm`, core/ops/norm.ts: two passes over the
 * data each way instead of a dozen ops); eval-mode BatchNorm runs the composed
 * definition beside them (`batchNormComposed`), which the fused ops are tested
 * against. Anomaly detection checks these same ops, it never swaps them.
 */
import {
  batchNormComposed,
  checkBatchNormInput,
  checkLayerNormInput,
  checkOptions,
  checkTensor,
  nativeBatchNorm,
  nativeLayerNorm,
  type Tensor,
  ValueError,
} from '../../core/index.ts';

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
  checkTensor('batchNorm', 'input', input);
  checkOptions('batchNorm', opts, ['weight', 'bias', 'training', 'momentum', 'eps']);
  const { weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5 } = opts;
  checkBatchNormInput('batchNorm', input, { runningMean, runningVar, weight, bias }, training);
  if ((runningMean === null) !== (runningVar === null)) {
    throw new ValueError('batchNorm: runningMean and runningVar must both be given or both be null');
  }
  if (!training) {
    if (runningMean === null || runningVar === null) {
      throw new ValueError(
        'batchNorm: runningMean and runningVar are needed when training is false (there are no batch statistics to fall back on)',
      );
    }
    return batchNormComposed(input, weight, bias, eps, { mean: runningMean, var: runningVar });
  }
  const fused = nativeBatchNorm(input, weight, bias, eps);
  if (runningMean !== null && runningVar !== null) {
    // After the op, so a forward that throws (an anomaly caught by detectAnomaly) leaves the buffers as they were.
    const n = input.numel() / input.shape[1]!;
    updateRunningStats(runningMean, runningVar, fused.mean, fused.var, n, momentum);
  }
  return fused.out;
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
  checkTensor('layerNorm', 'input', input);
  checkOptions('layerNorm', opts, ['weight', 'bias', 'eps']);
  const { weight = null, bias = null, eps = 1e-5 } = opts;
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
  checkLayerNormInput('layerNorm', input, shape, weight, bias);
  return nativeLayerNorm(input, shape, weight, bias, eps);
}
