import { fmtShape, ShapeError, type Tensor } from '../core/index.ts';
import { checkSpatialSize, instanceNorm } from './functional/group-norm.ts';
import { _NormBase, type NormBaseOptions } from './norm-base.ts';
import { pyBool, pyFloat } from './repr.ts';

/** Options of `InstanceNorm1d` / `InstanceNorm2d` (PyTorch's keyword arguments after numFeatures). */
export interface InstanceNormOptions extends NormBaseOptions {
  /** Weight of each new batch's statistics in the running averages (0.1). PyTorch has no cumulative form here. */
  momentum?: number;
  /** Learn a per-channel scale γ and shift β (false by default, as PyTorch). */
  affine?: boolean;
  /** Keep running averages and use them in evaluation (false by default, as PyTorch). */
  trackRunningStats?: boolean;
}

/**
 * Instance normalization (Ulyanov, Vedaldi & Lempitsky 2016,
 * https://arxiv.org/abs/1607.08022), as `torch.nn.InstanceNorm1d/2d`: each
 * channel of each sample is normalized over its spatial values alone,
 *
 *     y = (x - E[x]) / sqrt(Var[x] + ε) · γ + β      (per sample and channel; Var biased)
 *
 * PyTorch's defaults differ from BatchNorm's: `affine: false` and
 * `trackRunningStats: false`, so by default the layer has no state and
 * evaluation computes the same as training. With `trackRunningStats`, training
 * updates `running_mean` / `running_var` with the batch average of the
 * per-instance statistics (unbiased variance, weight `momentum`) and evaluation
 * normalizes with them, as BatchNorm's eval mode does. `num_batches_tracked`
 * exists for the state-dict keys but stays 0: PyTorch's InstanceNorm never counts.
 *
 * An unbatched input ([C, L] for 1d, [C, H, W] for 2d) is treated as a batch of
 * one. A channel count other than numFeatures is an error when the layer uses it
 * (affine or running statistics) and otherwise only a warning, as in PyTorch.
 */
export abstract class _InstanceNorm extends _NormBase {
  /** Weight of each new statistic in the running averages (never null here). */
  declare readonly momentum: number;
  private warned = false;

  constructor(numFeatures: number, opts: InstanceNormOptions = {}) {
    super(numFeatures, opts, {
      affine: false,
      trackRunningStats: false,
      cumulative: false,
      momentumRule: "a number in [0, 1] (PyTorch's instance_norm has no cumulative average)",
    });
  }

  /** The rank of an unbatched input (2 for InstanceNorm1d, 3 for InstanceNorm2d). */
  protected abstract get noBatchDim(): number;

  override forward(input: Tensor): Tensor {
    const nb = this.noBatchDim;
    if (input.ndim !== nb && input.ndim !== nb + 1) {
      throw new ShapeError(
        `${this.name}: expected ${nb}D or ${nb + 1}D input (got ${input.ndim}D input of shape ${fmtShape(input.shape)})`,
      );
    }
    const featureDim = input.ndim - nb;
    const channels = input.shape[featureDim]!;
    if (channels !== this.numFeatures) this.channelMismatch(input, featureDim);
    if (input.ndim === nb) return this.apply1(input.unsqueeze(0)).squeeze(0);
    return this.apply1(input);
  }

  private apply1(input: Tensor): Tensor {
    const useInputStats = this.training || !this.trackRunningStats;
    if (useInputStats) checkSpatialSize(this.name, input);
    return instanceNorm(input, {
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      weight: this.weight,
      bias: this.bias,
      useInputStats,
      momentum: this.momentum,
      eps: this.eps,
    });
  }

  private channelMismatch(input: Tensor, featureDim: number): void {
    const got = `input's size at dim=${featureDim} is ${input.shape[featureDim]}, expected numFeatures (${this.numFeatures})`;
    if (this.affine || this.trackRunningStats) {
      const uses = this.affine ? 'affine weights' : 'running statistics';
      throw new ShapeError(
        `${this.name}: ${got}: the layer keeps ${uses} per channel (input of shape ${fmtShape(input.shape)})`,
      );
    }
    if (this.warned) return;
    this.warned = true;
    warn(
      `${this.name}: ${got}. numFeatures is not used because affine=false and trackRunningStats=false, so the input is normalized anyway`,
    );
  }

  override extraRepr(): string {
    return (
      `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${pyFloat(this.momentum)}, ` +
      `affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`
    );
  }
}

/** Instance normalization over [N, C, L] (or unbatched [C, L]), per sample and channel over L. See `_InstanceNorm`. */
export class InstanceNorm1d extends _InstanceNorm {
  protected get noBatchDim(): number {
    return 2;
  }
}

/** Instance normalization over [N, C, H, W] (or unbatched [C, H, W]), per sample and channel over H and W. See `_InstanceNorm`. */
export class InstanceNorm2d extends _InstanceNorm {
  protected get noBatchDim(): number {
    return 3;
  }
}

/**
 * A Python-style UserWarning: Node's process warning (shown once per layer,
 * silenced by --no-warnings, observable with process.on('warning')); console.warn
 * where there is no process (a browser).
 */
function warn(message: string): void {
  if (typeof process !== 'undefined' && typeof process.emitWarning === 'function') {
    process.emitWarning(message, 'UserWarning');
  } else {
    console.warn(`UserWarning: ${message}`);
  }
}
