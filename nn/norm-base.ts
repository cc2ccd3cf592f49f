import { type Tensor, tensor, ValueError, zeros } from '../core/index.ts';
import { ones_, zeros_ } from './init.ts';
import { Module } from './module.ts';

/** The settings every per-channel normalization with running statistics shares (PyTorch's `_NormBase`). */
export interface NormBaseOptions {
  /** Added to the variance before the square root; 1e-5 by default. */
  eps?: number;
  /** Weight of each new statistic in the running averages (0.1 by default); null for a cumulative average. */
  momentum?: number | null;
  /** Learn a per-channel scale γ and shift β. */
  affine?: boolean;
  /** Keep running averages for evaluation. */
  trackRunningStats?: boolean;
}

/** What a subclass decides: its defaults and whether `momentum: null` (a cumulative average) is allowed. */
export interface NormBaseDefaults {
  /** The default of `affine`. */
  affine: boolean;
  /** The default of `trackRunningStats`. */
  trackRunningStats: boolean;
  /** Whether momentum may be null (a cumulative average, BatchNorm only). */
  cumulative: boolean;
  /** The parenthesis of the momentum error, naming the rule the subclass follows. */
  momentumRule: string;
}

/**
 * The state BatchNorm and InstanceNorm share, as PyTorch's `_NormBase`: the
 * settings, γ (`weight`, ones) and β (`bias`, zeros) of shape [C], the buffers
 * `running_mean` (zeros), `running_var` (ones) and `num_batches_tracked`, and
 * the two resets. Subclasses add the input checks and the forward.
 */
export abstract class _NormBase extends Module {
  /** C, the number of channels (`num_features`). */
  readonly numFeatures: number;
  /** Added to the variance before the square root. */
  readonly eps: number;
  /** Weight of each new statistic in the running averages (null: cumulative average). */
  readonly momentum: number | null;
  /** Whether γ (`weight`) and β (`bias`) are learned. */
  readonly affine: boolean;
  /** Whether running averages are kept for eval (`track_running_stats`). */
  readonly trackRunningStats: boolean;
  /** γ, the per-channel scale, shape [C]; null without affine. */
  readonly weight: Tensor | null;
  /** β, the per-channel shift, shape [C]; null without affine. */
  readonly bias: Tensor | null;
  /** Running average of the means (`running_mean`), used in eval; null without trackRunningStats. */
  readonly runningMean: Tensor | null;
  /** Running average of the unbiased variances (`running_var`), used in eval; null without trackRunningStats. */
  readonly runningVar: Tensor | null;
  /** A 0-d tensor counting the training batches seen (`num_batches_tracked`, int64 in PyTorch). */
  readonly numBatchesTracked: Tensor | null;

  constructor(numFeatures: number, opts: NormBaseOptions, defaults: NormBaseDefaults) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) {
      throw new ValueError(`${this.name}: numFeatures must be a positive integer, got ${numFeatures}`);
    }
    const eps = opts.eps ?? 1e-5;
    if (typeof eps !== 'number' || !(eps >= 0 && eps < Number.POSITIVE_INFINITY)) {
      throw new ValueError(`${this.name}: eps must be a finite number >= 0, got ${eps}`);
    }
    const momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    const nullOk = defaults.cumulative && momentum === null;
    if (!nullOk && (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1))) {
      throw new ValueError(`${this.name}: momentum must be ${defaults.momentumRule}, got ${momentum}`);
    }
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = opts.affine ?? defaults.affine;
    this.trackRunningStats = opts.trackRunningStats ?? defaults.trackRunningStats;
    const c = [numFeatures];
    this.weight = this.registerParameter('weight', this.affine ? zeros(c) : null);
    this.bias = this.registerParameter('bias', this.affine ? zeros(c) : null);
    const track = this.trackRunningStats;
    this.runningMean = this.registerBuffer('running_mean', track ? zeros(c) : null);
    this.runningVar = this.registerBuffer('running_var', track ? zeros(c) : null);
    // float64 whatever the default dtype: it stands for PyTorch's int64 count, which float32 would round past 2^24.
    this.numBatchesTracked = this.registerBuffer(
      'num_batches_tracked',
      track ? tensor(0, { dtype: 'float64' }) : null,
    );
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
}
