import { checkTensor, fmtShape, ShapeError, type Tensor, tensor, ValueError, zeros } from '../core/index.ts';
import { batchNorm } from './functional/normalization.ts';
import { ones_, zeros_ } from './init.ts';
import { Module } from './module.ts';
import { pyBool, pyFloat } from './repr.ts';

/** Options of BatchNorm1d/2d, with PyTorch's defaults. */
export interface BatchNormOptions {
  /** Added to the variance before the square root; 1e-5 by default. */
  eps?: number;
  /** Weight of each new batch statistic in the running averages; null for a cumulative average. */
  momentum?: number | null;
  /** Learn a per-channel scale γ and shift β. */
  affine?: boolean;
  /** Keep running averages for evaluation; false uses batch statistics in both modes. */
  trackRunningStats?: boolean;
}

/**
 * Batch normalization (Ioffe & Szegedy 2015, https://arxiv.org/abs/1502.03167), the
 * base of BatchNorm1d and BatchNorm2d, which differ only in the input rank they
 * accept. For input [N, C, *], per channel c:
 *
 *     y = (x - E[x]) / sqrt(Var[x] + ε) * γ + β
 *
 * - training: E[x] and Var[x] are the mean and **biased** variance of channel c
 *   over the batch (n = N·prod(*) values). The running averages are updated as
 *   `running = (1 - momentum) · running + momentum · batch_stat`, where the batch
 *   variance is the **unbiased** one (times n / (n - 1)), and
 *   `num_batches_tracked` counts the updates. With `momentum: null` the factor is
 *   1 / num_batches_tracked, a cumulative average over all batches seen.
 * - evaluation: E[x] and Var[x] are the running averages, so each sample is
 *   transformed independently of the batch.
 * - `trackRunningStats: false`: no running averages; batch statistics in both modes.
 *
 * γ (`weight`, ones) and β (`bias`, zeros) have shape [C].
 */
export abstract class _BatchNorm extends Module {
  /** C, the number of channels (`num_features`). */
  readonly numFeatures: number;
  /** Added to the variance before the square root. */
  readonly eps: number;
  /** Weight of each new batch statistic in the running averages (null: cumulative average). */
  readonly momentum: number | null;
  /** Whether γ (`weight`) and β (`bias`) are learned. */
  readonly affine: boolean;
  /** Whether running averages are kept for eval (`track_running_stats`). */
  readonly trackRunningStats: boolean;
  /** γ, the per-channel scale, shape [C]; null without affine. */
  readonly weight: Tensor | null;
  /** β, the per-channel shift, shape [C]; null without affine. */
  readonly bias: Tensor | null;
  /** Running average of the batch means (`running_mean`), used in eval; null without trackRunningStats. */
  readonly runningMean: Tensor | null;
  /**
   * Running average of the unbiased batch variances (`running_var`), used in eval; null without
   * trackRunningStats.
   */
  readonly runningVar: Tensor | null;
  /** A 0-d tensor counting the training batches seen (`num_batches_tracked`, int64 in PyTorch). */
  readonly numBatchesTracked: Tensor | null;

  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) {
      throw new ValueError(`${this.name}: numFeatures must be a positive integer, got ${numFeatures}`);
    }
    const eps = opts.eps ?? 1e-5;
    if (typeof eps !== 'number' || !(eps >= 0 && eps < Number.POSITIVE_INFINITY)) {
      throw new ValueError(`${this.name}: eps must be a finite number >= 0, got ${eps}`);
    }
    const momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    if (momentum !== null && (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1))) {
      throw new ValueError(
        `${this.name}: momentum must be in [0, 1] (the weight of each new batch statistic) or null, got ${momentum}`,
      );
    }
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = opts.affine ?? true;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    const c = [numFeatures];
    this.weight = this.registerParameter('weight', this.affine ? zeros(c) : null);
    this.bias = this.registerParameter('bias', this.affine ? zeros(c) : null);
    const track = this.trackRunningStats;
    this.runningMean = this.registerBuffer('running_mean', track ? zeros(c) : null);
    this.runningVar = this.registerBuffer('running_var', track ? zeros(c) : null);
    this.numBatchesTracked = this.registerBuffer('num_batches_tracked', track ? tensor(0) : null);
    this.resetParameters();
  }

  /** running_mean = 0, running_var = 1, num_batches_tracked = 0, in place. */
  resetRunningStats(): void {
    this.runningMean?.data.fill(0);
    this.runningVar?.data.fill(1);
    this.numBatchesTracked?.data.fill(0);
  }

  /** Fresh running statistics, γ = 1 and β = 0: the layer starts as a pure normalization. */
  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight !== null) ones_(this.weight);
    if (this.bias !== null) zeros_(this.bias);
  }

  /** Throws unless the input has a rank this variant accepts. */
  protected abstract checkInputDim(input: Tensor): void;

  override forward(input: Tensor): Tensor {
    checkTensor(`${this.name}.forward`, 'input', input);
    this.checkInputDim(input);
    if (input.shape[1] !== this.numFeatures) {
      throw new ShapeError(
        `${this.name}: expected input with ${this.numFeatures} channels (numFeatures) in dim 1, got input of shape ${fmtShape(input.shape)}`,
      );
    }
    const useBatchStats = this.training || this.runningMean === null;
    const counting = this.training && this.numBatchesTracked !== null;
    const seen = counting ? this.numBatchesTracked!.data[0]! + 1 : 0;
    const factor = this.momentum ?? (counting ? 1 / seen : 0);
    const out = batchNorm(input, this.runningMean, this.runningVar, {
      weight: this.weight,
      bias: this.bias,
      training: useBatchStats,
      momentum: factor,
      eps: this.eps,
    });
    // Counted only once the batch went through, so a forward that throws (an anomaly) changes nothing.
    if (counting) this.numBatchesTracked!.data[0] = seen;
    return out;
  }

  override extraRepr(): string {
    const momentum = this.momentum === null ? 'None' : pyFloat(this.momentum);
    return (
      `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${momentum}, ` +
      `affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`
    );
  }
}

/** Batch normalization over [N, C] (features) or [N, C, L] (channels of a sequence). See `_BatchNorm`. */
export class BatchNorm1d extends _BatchNorm {
  protected checkInputDim(input: Tensor): void {
    if (input.ndim !== 2 && input.ndim !== 3) {
      throw new ShapeError(
        `BatchNorm1d: expected 2D or 3D input (got ${input.ndim}D input of shape ${fmtShape(input.shape)})`,
      );
    }
  }
}

/** Batch normalization over [N, C, H, W] (channels of an image), statistics over N, H and W. See `_BatchNorm`. */
export class BatchNorm2d extends _BatchNorm {
  protected checkInputDim(input: Tensor): void {
    if (input.ndim !== 4) {
      throw new ShapeError(
        `BatchNorm2d: expected 4D input (got ${input.ndim}D input of shape ${fmtShape(input.shape)})`,
      );
    }
  }
}
