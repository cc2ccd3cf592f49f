/**
 * The Optimizer base, as `torch.optim.Optimizer`: parameter groups with their
 * own options, lazily created per-parameter state, `zeroGrad`, `step`, and
 * state dicts in PyTorch's layout (state keyed by parameter index, PyTorch's
 * snake_case key names), so a state dict reads the same as PyTorch's.
 *
 * Each subclass supplies only its option checks and `updateParam`, the update
 * rule for one parameter over its typed arrays (PyTorch's `_single_tensor_*`).
 * The state-dict layout and its checks are in state-dict.ts.
 */
import {
  bumpVersion,
  checkBoolean,
  checkNumber,
  checkOptions,
  describeValue,
  enableGrad,
  fmtShape,
  noGrad,
  ShapeError,
  suggest,
  Tensor,
  ValueError,
  zeros,
} from '../core/index.ts';
import {
  collectOptimizerState,
  copyValue,
  loadOptimizerState,
  type OptimizerStateDict,
} from './state-dict.ts';

/** Options that are flags; every other option but betas is a number. */
const BOOLEAN_OPTIONS = new Set(['nesterov', 'maximize', 'centered', 'amsgrad']);

/** The option every optimizer has. */
export interface BaseOptions {
  /** The learning rate. */
  lr: number;
}

/**
 * One parameter group as given: its tensors, and any options that differ from the optimizer's defaults.
 */
export type ParamGroupInput<O> = Partial<O> & {
  /** The group's tensors. */
  params: Tensor | Iterable<Tensor>;
};

/**
 * One parameter group with every option filled in; `initialLr` is set by the first scheduler attached.
 */
export type ParamGroup<O> = O & {
  /** The group's tensors. */
  params: Tensor[];
  /** The rate before any scheduler changed it (`initial_lr`). */
  initialLr?: number;
};

/** What an optimizer is built from: tensors (one group), or a list of groups. */
export type Params<O> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/**
 * Defaults: every option, with lr possibly missing (SGD requires it, per group or as a default).
 */
export type Defaults<O extends BaseOptions> = Omit<O, 'lr'> & {
  /** The default learning rate, if any. */
  lr?: number;
};

/** A value in a parameter's state: a buffer shaped like the parameter, or a count. */
export type StateValue = Tensor | number;
/** Per-parameter state, in TypeScript casing (`momentumBuffer`, `expAvgSq`). */
export type StateRecord = { [key: string]: StateValue | undefined };

/**
 * Base class of all optimizers. `O` is the option set (`{ lr, momentum, ... }`),
 * `S` the state kept per parameter.
 *
 * Differences from PyTorch, each on the strict side: a tensor that does not
 * require grad, or the same tensor twice within a group, is an error (PyTorch
 * accepts the first and warns on the second); options are checked per group,
 * not only the defaults; `stateDict()` returns copies of the buffers, so a
 * snapshot does not change as training goes on.
 */
export abstract class Optimizer<O extends BaseOptions, S extends StateRecord> {
  /** The class name used in messages (`SGD`, `Adam`, ...). */
  readonly name: string;
  /** The options a group takes when it does not set its own. */
  readonly defaults: Defaults<O>;
  /** The parameter groups, each with its own options (`param_groups`). */
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state, created on a parameter's first step (`optimizer.state[p]`). */
  readonly state = new Map<Tensor, S>();

  /** `given` is the options object as the caller wrote it, checked for misspelt keys. */
  protected constructor(name: string, params: Params<O>, defaults: Defaults<O>, given: object = {}) {
    this.name = name;
    this.defaults = defaults;
    checkOptions(name, given, Object.keys(defaults));
    this.check(defaults as Partial<O>, '');
    if (params === null || typeof (params as Partial<Iterable<unknown>>)?.[Symbol.iterator] !== 'function') {
      throw new ValueError(
        `${name}: params must be an iterable of Tensors or of parameter groups, got ${describeValue(params)}; ` +
          'pass model.parameters()',
      );
    }
    const list = Array.from(params as Iterable<Tensor | ParamGroupInput<O>>);
    if (list.length === 0) throw new ValueError(`${name}: got an empty parameter list`);
    if (list[0] instanceof Tensor) this.addParamGroup({ params: list } as unknown as ParamGroupInput<O>);
    else for (const group of list) this.addParamGroup(group as ParamGroupInput<O>);
  }

  /** Returns a message (`Invalid learning rate: -0.1`) for the first invalid option in o, or null. */
  protected abstract checkOptions(o: Partial<O>): string | null;

  /**
   * Updates one parameter in place from its gradient, PyTorch's single-tensor
   * rule. Returns its new state, or undefined when the rule keeps none.
   */
  protected abstract updateParam(
    param: Tensor,
    grad: Tensor,
    state: S | undefined,
    group: ParamGroup<O>,
  ): S | undefined;

  /** Builds a parameter's state from loaded values (camelCase keys, tensors already shape-checked). */
  protected abstract parseState(raw: Record<string, StateValue>, where: string): S;

  private check(o: Partial<O>, where: string): void {
    // Kinds first: '0.1' >= 0 is true in JavaScript, so a string lr would pass the range checks and stay a string.
    for (const [key, value] of Object.entries(o)) {
      if (value === undefined || key === 'params') continue;
      if (BOOLEAN_OPTIONS.has(key)) checkBoolean(this.name, `${key}${where}`, value);
      else if (key === 'betas' && Array.isArray(value))
        value.forEach((b, i) => checkNumber(this.name, `betas[${i}]${where}`, b, { finite: false }));
      else if (key !== 'betas') checkNumber(this.name, `${key}${where}`, value, { finite: false });
    }
    const msg = this.checkOptions(o);
    if (msg !== null) throw new ValueError(`${this.name}: ${msg}${where}`);
  }

  /** Adds a group of parameters with its own options (as fine-tuning adds a layer), filling in the defaults. */
  addParamGroup(group: ParamGroupInput<O>): void {
    const gi = this.paramGroups.length;
    const where = `parameter group ${gi}`;
    if (group.params === undefined || group.params === null) {
      throw new ValueError(`${this.name}: ${where} has no 'params'`);
    }
    const params = group.params instanceof Tensor ? [group.params] : Array.from(group.params);
    const seen = new Map<Tensor, string>();
    let index = 0;
    for (const g of this.paramGroups) for (const p of g.params) seen.set(p, `parameter ${index++}`);
    params.forEach((p, j) => {
      const what = `parameter ${index + j} (${where})`;
      if (!(p instanceof Tensor)) {
        throw new ValueError(`${this.name}: can only optimize Tensors, but ${what} is ${typeof p}`);
      }
      if (!p.requiresGrad) {
        throw new ValueError(
          `${this.name}: ${what} of shape ${fmtShape(p.shape)} does not require grad; create it with requiresGrad: true or leave it out`,
        );
      }
      if (!p.isLeaf) {
        throw new ValueError(
          `${this.name}: can't optimize a non-leaf Tensor: ${what} of shape ${fmtShape(p.shape)} was computed by ${p.gradFn}`,
        );
      }
      const first = seen.get(p);
      if (first !== undefined) {
        throw new ValueError(
          `${this.name}: ${what} is the same tensor as ${first}; a tensor may appear only once across all parameter groups`,
        );
      }
      seen.set(p, `parameter ${index + j}`);
    });
    const options: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(this.defaults)) options[key] = copyValue(value);
    for (const [key, value] of Object.entries(group)) {
      if (key === 'params' || value === undefined) continue;
      if (!(key in this.defaults)) {
        throw new ValueError(
          `${this.name}: unknown option '${key}' in ${where}${suggest(key, Object.keys(this.defaults))}`,
        );
      }
      options[key] = copyValue(value);
    }
    if (options.lr === undefined) {
      throw new ValueError(
        `${this.name}: ${where} didn't specify a value of required optimization parameter lr`,
      );
    }
    const full = { ...options, params } as ParamGroup<O>;
    this.check(full, ` (${where})`);
    this.paramGroups.push(full);
  }

  /** Sets every parameter's gradient to null (the default, as PyTorch 2) or to zeros. */
  zeroGrad({ setToNone = true }: { setToNone?: boolean } = {}): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        if (setToNone) p.grad = null;
        else p.grad.detach_().data.fill(0);
      }
    }
  }

  /**
   * One update of every parameter that has a gradient; parameters whose `.grad`
   * is null are skipped and their state is left as it is. Runs under noGrad and
   * writes `p.data` in place. A closure, if given, is run first with grad
   * enabled (to recompute the loss), and its result is returned.
   */
  step<T>(closure?: () => T): T | undefined {
    const loss = closure === undefined ? undefined : enableGrad(closure);
    // Every gradient is checked before any parameter moves, so a bad one leaves the model as it was.
    let index = 0;
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const g = p.grad;
        if (g !== null && (g.ndim !== p.ndim || g.shape.some((d, i) => d !== p.shape[i]))) {
          throw new ShapeError(
            `${this.name}.step: the gradient of parameter ${index} has shape ${fmtShape(g.shape)}, the parameter has shape ${fmtShape(p.shape)}`,
          );
        }
        index++;
      }
    }
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          const next = this.updateParam(p, p.grad, this.state.get(p), group);
          bumpVersion(p.data); // an in-place write, as PyTorch's p.add_(...): a graph that saved p is stale
          if (next !== undefined) this.state.set(p, next);
        }
      }
    });
    return loss;
  }

  /** The optimizer's state in PyTorch's layout (see OptimizerStateDict); tensors are copies. */
  stateDict(): OptimizerStateDict {
    return collectOptimizerState(this.paramGroups, this.state);
  }

  /**
   * Restores a state dict from `stateDict()` (or of the same layout): group
   * options and per-parameter state, matched to this optimizer's parameters by
   * position. Tensors are copied. Group keys this optimizer has no option for
   * (PyTorch's `foreach`, `differentiable`, ...) are ignored; a `null` state
   * value (torch 1.13's SGD without momentum) means no state. Nothing changes if
   * the dict does not fit.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    loadOptimizerState(
      {
        name: this.name,
        defaults: this.defaults,
        paramGroups: this.paramGroups,
        state: this.state,
        check: (o, where) => this.check(o, where),
        parseState: (raw, where) => this.parseState(raw, where),
      },
      sd,
    );
  }

  /** As PyTorch prints an optimizer: each group's options, sorted by name. */
  toString(): string {
    const lines = [`${this.name} (`];
    this.paramGroups.forEach((group, i) => {
      lines.push(`Parameter Group ${i}`);
      const keys = Object.keys(group)
        .filter((k) => k !== 'params')
        .sort();
      for (const k of keys) {
        const v = (group as unknown as Record<string, unknown>)[k];
        lines.push(`    ${k}: ${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`);
      }
    });
    lines.push(')');
    return lines.join('\n');
  }
}

/** A fresh zero buffer shaped like p, in p's dtype (as PyTorch's `torch.zeros_like(p)`). */
export function zerosBuffer(p: Tensor): Tensor {
  return zeros(p.shape, { dtype: p.dtype });
}

/** PyTorch's checks, shared by the optimizers: each returns a message or null. */
export const checks = {
  lr: (v: number | undefined) =>
    v !== undefined && !(v >= 0 && v < Number.POSITIVE_INFINITY) ? `Invalid learning rate: ${v}` : null,
  eps: (v: number | undefined) => (v !== undefined && !(v >= 0) ? `Invalid epsilon value: ${v}` : null),
  /** In [0, 1], stricter than PyTorch (which only rejects < 0): above 1 the velocity grows without bound. */
  momentum: (v: number | undefined) =>
    v !== undefined && !(v >= 0 && v <= 1) ? `Invalid momentum value: ${v}` : null,
  dampening: (v: number | undefined) =>
    v !== undefined && !(v >= 0 && v <= 1) ? `Invalid dampening value: ${v}` : null,
  weightDecay: (v: number | undefined) =>
    v !== undefined && !(v >= 0) ? `Invalid weightDecay value: ${v}` : null,
};
