import { checkTensor, fmtShape, ShapeError, type Tensor } from '../core/index.ts';
import { batchNorm } from './functional/normalization.ts';
import { _NormBase, type NormBaseOptions } from './norm-base.ts';
import { pyBool, pyFloat } from './repr.ts';

/** Options of BatchNorm1d/2d, with PyTorch's defaults. */
export interface BatchNormOptions extends NormBaseOptions {
  /** Weight of each new batch statistic in the running averages; null for a cumulative average. */
  momentum?: number | null;
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
export abstract class _BatchNorm extends _NormBase {
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super(numFeatures, opts, {
      affine: true,
      trackRunningStats: true,
      cumulative: true,
      momentumRule: 'in [0, 1] (the weight of each new batch statistic) or null',
    });
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
