/**
 * Learning-rate schedulers, as `torch.optim.lr_scheduler`. Each writes the new
 * rate into every parameter group's `lr`. The epoch-based ones use PyTorch's
 * recursive ("chainable") formulas, which multiply the group's current lr, so
 * their values follow PyTorch's rather than the closed forms in the docs (which
 * they equal up to rounding): bit for bit in the fixtures, except where
 * JavaScript's Math.cos and C's cos differ in the last bit (within 1e-15).
 * Call `scheduler.step()` after `optimizer.step()`, once per epoch.
 */
import { checkNumber, checkOptions, describeValue, StateDictError, ValueError } from '../core/index.ts';
import { type BaseOptions, Optimizer, type StateRecord } from './optimizer.ts';

/** Any optimizer: a scheduler only reads and writes its groups' `lr`. */
export type AnyOptimizer = Optimizer<BaseOptions, StateRecord>;

/** A scheduler setting or counter as stored in a state dict (PyTorch's key names). */
export type SchedulerStateValue = number | number[] | string | null;
/** A scheduler's `stateDict()`: its settings and counters under PyTorch's keys. */
export type SchedulerStateDict = Record<string, SchedulerStateValue>;

/** A value from a scheduler state dict, type-checked (StateDictError naming the key otherwise). */
export function loaded<T extends SchedulerStateValue>(
  name: string,
  sd: SchedulerStateDict,
  key: string,
  kind: 'number' | 'number or null' | 'string' | 'number[]',
): T {
  const v = sd[key];
  const ok =
    kind === 'number[]'
      ? Array.isArray(v) && v.every((x) => typeof x === 'number')
      : kind === 'number or null'
        ? typeof v === 'number' || v === null
        : typeof v === kind;
  if (!ok)
    throw new StateDictError(
      `${name}.loadStateDict: expected ${kind} at key ${key}, got ${JSON.stringify(v)}`,
    );
  return (Array.isArray(v) ? [...v] : v) as T;
}

/** γ multiplies every lr: NaN or Infinity would turn every weight into NaN one step later. */
function checkGamma(name: string, gamma: unknown): void {
  checkNumber(name, 'gamma', gamma, { min: 0 });
}

function positiveInteger(name: string, option: string, v: number | undefined): void {
  if (!(Number.isInteger(v) && v! > 0)) {
    throw new ValueError(
      `${name}: ${option} must be a positive integer (got ${typeof v === 'number' ? v : describeValue(v)})`,
    );
  }
}

/**
 * Base of the epoch-based schedulers (PyTorch's `LRScheduler`). On
 * construction each group's `initialLr` is set to its lr (unless an earlier
 * scheduler set it), `baseLrs` are read from there, and one step is taken to
 * epoch 0.
 */
export abstract class LRScheduler {
  /** The class name, for messages. */
  readonly name: string;
  /** The optimizer whose learning rates this schedules. */
  readonly optimizer: AnyOptimizer;
  /** The groups' initial learning rates. */
  baseLrs: number[];
  /** The number of `step()` calls so far, minus one (0 right after construction). */
  lastEpoch = -1;
  protected stepCount = 0;
  protected lastLr: number[] = [];

  /** `options` is the caller's options object, checked here against `known` for misspelt keys. */
  protected constructor(name: string, optimizer: AnyOptimizer, options: object, known: readonly string[]) {
    if (!(optimizer instanceof Optimizer)) {
      throw new ValueError(
        `${name}: optimizer must be an Optimizer such as optim.SGD, got ${describeValue(optimizer)}`,
      );
    }
    checkOptions(name, options, known);
    this.name = name;
    this.optimizer = optimizer;
    for (const group of optimizer.paramGroups) group.initialLr ??= group.lr;
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
  }

  /** The next learning rate of each group, in PyTorch's recursive form (`get_lr`). */
  protected abstract getLr(): number[];
  /** The scheduler's settings under PyTorch's names (`step_size`, `gamma`, `T_max`, ...). */
  protected abstract settings(): SchedulerStateDict;
  /** Restores the settings from a state dict. */
  protected abstract loadSettings(sd: SchedulerStateDict): void;

  /** The first step, to epoch 0; each subclass calls it last in its constructor, once its settings are set. */
  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** Advances one epoch and writes the new learning rates into the optimizer's groups. */
  step(): void {
    this.stepCount += 1;
    this.lastEpoch += 1;
    const values = this.getLr();
    this.optimizer.paramGroups.forEach((group, i) => {
      group.lr = values[i]!;
    });
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The learning rates the last step set, one per group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** Settings and counters under PyTorch's names (`last_epoch`, `base_lrs`, `_step_count`, `_last_lr`, ...). */
  stateDict(): SchedulerStateDict {
    return {
      ...this.settings(),
      base_lrs: [...this.baseLrs],
      last_epoch: this.lastEpoch,
      _step_count: this.stepCount,
      _last_lr: [...this.lastLr],
    };
  }

  /** Restores a state dict from `stateDict()`; the optimizer's state (its groups' lr) is restored separately. */
  loadStateDict(sd: SchedulerStateDict): void {
    const baseLrs = loaded<number[]>(this.name, sd, 'base_lrs', 'number[]');
    const lastEpoch = loaded<number>(this.name, sd, 'last_epoch', 'number');
    const stepCount = loaded<number>(this.name, sd, '_step_count', 'number');
    const lastLr = loaded<number[]>(this.name, sd, '_last_lr', 'number[]');
    this.loadSettings(sd);
    this.baseLrs = baseLrs;
    this.lastEpoch = lastEpoch;
    this.stepCount = stepCount;
    this.lastLr = lastLr;
  }

  protected groupLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }
}

/**
 * Multiplies the lr by γ every `stepSize` epochs: lr_e = lr_0 γ^⌊e / stepSize⌋
 * (https://pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.StepLR.html).
 */
export class StepLR extends LRScheduler {
  /** Epochs between decays (`step_size`). */
  stepSize: number;
  /** Multiplicative factor of the learning-rate decay. */
  gamma: number;
  constructor(optimizer: AnyOptimizer, options: { stepSize: number; gamma?: number }) {
    super('StepLR', optimizer, options, ['stepSize', 'gamma']);
    const { stepSize, gamma = 0.1 } = options ?? ({} as Partial<typeof options>);
    positiveInteger(this.name, 'stepSize', stepSize);
    checkGamma(this.name, gamma);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.initialStep();
  }
  protected getLr(): number[] {
    const lrs = this.groupLrs();
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }
  protected settings(): SchedulerStateDict {
    return { step_size: this.stepSize, gamma: this.gamma };
  }
  protected loadSettings(sd: SchedulerStateDict): void {
    this.stepSize = loaded(this.name, sd, 'step_size', 'number');
    this.gamma = loaded(this.name, sd, 'gamma', 'number');
  }
}

/**
 * Multiplies the lr by γ at each milestone epoch (by γ^k if a milestone is
 * listed k times): lr_e = lr_0 γ^(number of milestones ≤ e)
 * (https://pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.MultiStepLR.html).
 */
export class MultiStepLR extends LRScheduler {
  /** Sorted, repeats kept. */
  milestones: number[];
  /** Multiplicative factor of the learning-rate decay. */
  gamma: number;
  constructor(optimizer: AnyOptimizer, options: { milestones: readonly number[]; gamma?: number }) {
    super('MultiStepLR', optimizer, options, ['milestones', 'gamma']);
    const { milestones, gamma = 0.1 } = options ?? ({} as Partial<typeof options>);
    if (!Array.isArray(milestones)) {
      throw new ValueError(
        `MultiStepLR: milestones must be an array of integers, got ${describeValue(milestones)}`,
      );
    }
    checkGamma(this.name, gamma);
    for (const m of milestones) {
      if (!Number.isInteger(m)) throw new ValueError(`MultiStepLR: milestones must be integers (got ${m})`);
    }
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.gamma = gamma;
    this.initialStep();
  }
  protected getLr(): number[] {
    const count = this.milestones.filter((m) => m === this.lastEpoch).length;
    const lrs = this.groupLrs();
    return count === 0 ? lrs : lrs.map((lr) => lr * this.gamma ** count);
  }
  protected settings(): SchedulerStateDict {
    return { milestones: [...this.milestones], gamma: this.gamma };
  }
  protected loadSettings(sd: SchedulerStateDict): void {
    this.milestones = loaded(this.name, sd, 'milestones', 'number[]');
    this.gamma = loaded(this.name, sd, 'gamma', 'number');
  }
}

/**
 * Multiplies the lr by γ every epoch: lr_e = lr_0 γ^e
 * (https://pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.ExponentialLR.html).
 */
export class ExponentialLR extends LRScheduler {
  /** Multiplicative factor of the learning-rate decay. */
  gamma: number;
  constructor(optimizer: AnyOptimizer, options: { gamma: number }) {
    super('ExponentialLR', optimizer, options, ['gamma']);
    const { gamma } = options ?? ({} as Partial<typeof options>);
    checkGamma(this.name, gamma);
    this.gamma = gamma;
    this.initialStep();
  }
  protected getLr(): number[] {
    const lrs = this.groupLrs();
    return this.lastEpoch === 0 ? lrs : lrs.map((lr) => lr * this.gamma);
  }
  protected settings(): SchedulerStateDict {
    return { gamma: this.gamma };
  }
  protected loadSettings(sd: SchedulerStateDict): void {
    this.gamma = loaded(this.name, sd, 'gamma', 'number');
  }
}

/**
 * Cosine annealing without restarts
 * (https://pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.CosineAnnealingLR.html):
 *
 *     lr_e = η_min + (lr_0 - η_min) (1 + cos(π e / T_max)) / 2
 *
 * computed, as PyTorch does, recursively from the previous lr:
 *
 *     lr_e = η_min + (lr_{e-1} - η_min) (1 + cos(π e / T_max)) / (1 + cos(π (e-1) / T_max))
 *
 * with an additive step where that ratio would be 0/0 (e - 1 - T_max a multiple
 * of 2 T_max). Past T_max the lr rises again: a cosine of period 2 T_max.
 */
export class CosineAnnealingLR extends LRScheduler {
  /** T_max, the number of epochs from lr_0 down to η_min. */
  tMax: number;
  /** The minimum learning rate (`eta_min`). */
  etaMin: number;
  constructor(optimizer: AnyOptimizer, options: { tMax: number; etaMin?: number }) {
    super('CosineAnnealingLR', optimizer, options, ['tMax', 'etaMin']);
    const { tMax, etaMin = 0 } = options ?? ({} as Partial<typeof options>);
    positiveInteger(this.name, 'tMax', tMax);
    checkNumber(this.name, 'etaMin', etaMin, { min: 0 });
    this.tMax = tMax;
    this.etaMin = etaMin;
    this.initialStep();
  }
  protected getLr(): number[] {
    const e = this.lastEpoch;
    const T = this.tMax;
    const etaMin = this.etaMin;
    const lrs = this.groupLrs();
    if (e === 0) return lrs;
    if ((e - 1 - T) % (2 * T) === 0) {
      return lrs.map((lr, i) => lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    const ratio = (1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T));
    return lrs.map((lr) => ratio * (lr - etaMin) + etaMin);
  }
  protected settings(): SchedulerStateDict {
    return { T_max: this.tMax, eta_min: this.etaMin };
  }
  protected loadSettings(sd: SchedulerStateDict): void {
    this.tMax = loaded(this.name, sd, 'T_max', 'number');
    this.etaMin = loaded(this.name, sd, 'eta_min', 'number');
  }
}

/**
 * Linear warm-up (or decay) of the lr's factor from `startFactor` to
 * `endFactor` over `totalIters` epochs, then constant
 * (https://pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.LinearLR.html):
 *
 *     lr_e = lr_0 (s + (f - s) min(e, N) / N)
 *
 * computed recursively as PyTorch does: lr_e = lr_{e-1} (1 + (f - s) / (N s + (e - 1)(f - s))).
 */
export class LinearLR extends LRScheduler {
  /** Factor of the base rate in the first epoch (`start_factor`). */
  startFactor: number;
  /** Factor of the base rate from `totalIters` on (`end_factor`). */
  endFactor: number;
  /** Epochs over which the factor moves linearly (`total_iters`). */
  totalIters: number;
  constructor(
    optimizer: AnyOptimizer,
    options: { startFactor?: number; endFactor?: number; totalIters?: number } = {},
  ) {
    super('LinearLR', optimizer, options, ['startFactor', 'endFactor', 'totalIters']);
    const { startFactor = 1 / 3, endFactor = 1, totalIters = 5 } = options;
    if (!(startFactor > 0 && startFactor <= 1)) {
      throw new ValueError(
        `LinearLR: startFactor expected to be greater than 0 and less or equal to 1 (got ${startFactor})`,
      );
    }
    if (!(endFactor >= 0 && endFactor <= 1)) {
      throw new ValueError(`LinearLR: endFactor expected to be between 0 and 1 (got ${endFactor})`);
    }
    positiveInteger(this.name, 'totalIters', totalIters);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }
  protected getLr(): number[] {
    const { startFactor: s, endFactor: f, totalIters: n, lastEpoch: e } = this;
    const lrs = this.groupLrs();
    if (e === 0) return lrs.map((lr) => lr * s);
    if (e > n) return lrs;
    return lrs.map((lr) => lr * (1 + (f - s) / (n * s + (e - 1) * (f - s))));
  }
  protected settings(): SchedulerStateDict {
    return { start_factor: this.startFactor, end_factor: this.endFactor, total_iters: this.totalIters };
  }
  protected loadSettings(sd: SchedulerStateDict): void {
    this.startFactor = loaded(this.name, sd, 'start_factor', 'number');
    this.endFactor = loaded(this.name, sd, 'end_factor', 'number');
    this.totalIters = loaded(this.name, sd, 'total_iters', 'number');
  }
}
