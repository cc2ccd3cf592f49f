import {
  checkNumber,
  checkOptions,
  describeValue,
  StateDictError,
  type Tensor,
  ValueError,
} from '../core/index.ts';
import { type AnyOptimizer, loaded, type SchedulerStateDict } from './lr_scheduler.ts';
import { Optimizer } from './optimizer.ts';

/** Options of `ReduceLROnPlateau`, with PyTorch's defaults. */
export interface ReduceLROnPlateauOptions {
  /** 'min': the metric should fall (a loss); 'max': it should rise (an accuracy). Default 'min'. */
  mode?: 'min' | 'max';
  /** The lr is multiplied by this when it is cut (default 0.1; must be < 1). */
  factor?: number;
  /** Epochs without improvement tolerated before a cut (default 10). */
  patience?: number;
  /** How much better a metric must be to count as an improvement (default 1e-4). */
  threshold?: number;
  /** 'rel': better than best (1 ∓ threshold); 'abs': better than best ∓ threshold. Default 'rel'. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a cut before counting bad epochs again (default 0). */
  cooldown?: number;
  /** Lower bound on the lr, one for all groups or one per group (default 0). */
  minLr?: number | readonly number[];
  /** A cut smaller than eps is not made (default 1e-8). */
  eps?: number;
}

/**
 * Cuts the lr by `factor` when a metric has not improved for more than
 * `patience` epochs (https://pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.ReduceLROnPlateau.html).
 * In 'min' mode with 'rel' threshold, a metric a improves on the best b if
 * a < b (1 - threshold); 'abs' uses a < b - threshold ('max' mirrors both).
 * A cut sets lr ← max(lr · factor, minLr), skipped when it would change lr by
 * at most eps; after a cut, `cooldown` epochs pass before bad epochs count again.
 */
export class ReduceLROnPlateau {
  /** The class name, for messages. */
  readonly name = 'ReduceLROnPlateau';
  /** The optimizer whose learning rates this lowers. */
  readonly optimizer: AnyOptimizer;
  /** 'min': lower the rate when the metric stops falling; 'max': when it stops rising. */
  mode: 'min' | 'max';
  /** new_lr = lr * factor. */
  factor: number;
  /** Epochs without improvement tolerated before the rate drops. */
  patience: number;
  /** The smallest change that counts as an improvement (see thresholdMode). */
  threshold: number;
  /** 'rel': better than best × (1 ∓ threshold); 'abs': better than best ∓ threshold. */
  thresholdMode: 'rel' | 'abs';
  /** Epochs to wait after a drop before counting bad epochs again. */
  cooldown: number;
  /** Lower bound of each group's rate (`min_lrs`). */
  minLrs: number[];
  /** A drop smaller than this is skipped. */
  eps: number;
  /** The best metric so far (±Infinity before the first step). */
  best: number;
  /** Consecutive epochs without improvement (`num_bad_epochs`). */
  numBadEpochs = 0;
  /** Epochs of cooldown left (`cooldown_counter`). */
  cooldownCounter = 0;
  /** Epochs stepped so far (`last_epoch`). */
  lastEpoch = 0;
  private lastLr: number[];

  constructor(optimizer: AnyOptimizer, options: ReduceLROnPlateauOptions = {}) {
    if (!(optimizer instanceof Optimizer)) {
      throw new ValueError(
        `ReduceLROnPlateau: optimizer must be an Optimizer such as optim.SGD, got ${describeValue(optimizer)}`,
      );
    }
    checkOptions('ReduceLROnPlateau', options, [
      'mode',
      'factor',
      'patience',
      'threshold',
      'thresholdMode',
      'cooldown',
      'minLr',
      'eps',
    ]);
    const {
      mode = 'min',
      factor = 0.1,
      patience = 10,
      threshold = 1e-4,
      thresholdMode = 'rel',
      cooldown = 0,
      minLr = 0,
      eps = 1e-8,
    } = options;
    const name = this.name;
    if (!(factor < 1 && factor >= 0))
      throw new ValueError(`${name}: factor should be in [0, 1) (got ${factor})`);
    if (mode !== 'min' && mode !== 'max')
      throw new ValueError(`${name}: mode ${mode} is unknown; use 'min' or 'max'`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') {
      throw new ValueError(`${name}: thresholdMode ${thresholdMode} is unknown; use 'rel' or 'abs'`);
    }
    if (!(Number.isInteger(patience) && patience >= 0)) {
      throw new ValueError(`${name}: patience must be a non-negative integer (got ${patience})`);
    }
    if (!(Number.isInteger(cooldown) && cooldown >= 0)) {
      throw new ValueError(`${name}: cooldown must be a non-negative integer (got ${cooldown})`);
    }
    checkNumber(name, 'threshold', threshold, { min: 0 });
    checkNumber(name, 'eps', eps, { min: 0 });
    for (const v of typeof minLr === 'number' || !Array.isArray(minLr) ? [minLr] : minLr)
      checkNumber(name, 'minLr', v, { min: 0 });
    const groups = optimizer.paramGroups.length;
    if (typeof minLr !== 'number' && minLr.length !== groups) {
      throw new ValueError(
        `${name}: expected ${groups} minLr values, one per parameter group, got ${minLr.length}`,
      );
    }
    this.optimizer = optimizer;
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.cooldown = cooldown;
    this.minLrs = typeof minLr === 'number' ? Array(groups).fill(minLr) : [...minLr];
    this.eps = eps;
    this.best = this.modeWorse;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  private get modeWorse(): number {
    return this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  /** Whether metric a is an improvement on best. */
  isBetter(a: number, best: number): boolean {
    const t = this.threshold;
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - t) : a < best - t;
    return this.thresholdMode === 'rel' ? a > best * (t + 1) : a > best + t;
  }

  /** Records one epoch's metric (a number or a one-element tensor) and cuts the lr if it has plateaued. */
  step(metric: number | Tensor): void {
    const current = typeof metric === 'number' ? metric : metric.item();
    this.lastEpoch += 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else this.numBadEpochs += 1;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((group, i) => {
        const newLr = Math.max(group.lr * this.factor, this.minLrs[i]!);
        if (group.lr - newLr > this.eps) group.lr = newLr;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Each group's learning rate after the last step, as `get_last_lr()`. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** Settings and counters under PyTorch's names (`best`, `num_bad_epochs`, `cooldown_counter`, ...). */
  stateDict(): SchedulerStateDict {
    return {
      mode: this.mode,
      factor: this.factor,
      patience: this.patience,
      threshold: this.threshold,
      threshold_mode: this.thresholdMode,
      cooldown: this.cooldown,
      min_lrs: [...this.minLrs],
      eps: this.eps,
      best: this.best,
      num_bad_epochs: this.numBadEpochs,
      cooldown_counter: this.cooldownCounter,
      last_epoch: this.lastEpoch,
      _last_lr: [...this.lastLr],
    };
  }

  /** Restores the counters and settings from `stateDict()`'s output. */
  loadStateDict(sd: SchedulerStateDict): void {
    const n = this.name;
    const mode = loaded<string>(n, sd, 'mode', 'string');
    const thresholdMode = loaded<string>(n, sd, 'threshold_mode', 'string');
    if ((mode !== 'min' && mode !== 'max') || (thresholdMode !== 'rel' && thresholdMode !== 'abs')) {
      throw new StateDictError(`${n}.loadStateDict: unknown mode ${mode} or threshold_mode ${thresholdMode}`);
    }
    const values = {
      factor: loaded<number>(n, sd, 'factor', 'number'),
      patience: loaded<number>(n, sd, 'patience', 'number'),
      threshold: loaded<number>(n, sd, 'threshold', 'number'),
      cooldown: loaded<number>(n, sd, 'cooldown', 'number'),
      minLrs: loaded<number[]>(n, sd, 'min_lrs', 'number[]'),
      eps: loaded<number>(n, sd, 'eps', 'number'),
      best: loaded<number | null>(n, sd, 'best', 'number or null'),
      numBadEpochs: loaded<number>(n, sd, 'num_bad_epochs', 'number'),
      cooldownCounter: loaded<number>(n, sd, 'cooldown_counter', 'number'),
      lastEpoch: loaded<number>(n, sd, 'last_epoch', 'number'),
      lastLr: loaded<number[]>(n, sd, '_last_lr', 'number[]'),
    };
    Object.assign(this, values, { mode, thresholdMode });
    // JSON turns ±Infinity into null: a best of null means no metric seen yet
    if (values.best === null) this.best = this.modeWorse;
  }
}
