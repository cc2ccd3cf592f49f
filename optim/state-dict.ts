/**
 * Optimizer state dicts in PyTorch's layout, the serialization half of
 * `Optimizer` (as nn/state-dict.ts is `Module`'s): per-parameter state keyed by
 * parameter number, group options under PyTorch's snake_case names, and the
 * typed reads a subclass's `parseState` makes of a loaded state.
 *
 * It knows nothing of the `Optimizer` class: `Optimizer` hands over its fields
 * and its option check and state parser as `OptimizerParts`, so the runtime
 * import runs one way, optimizer.ts to here.
 */
import { fmtShape, StateDictError, Tensor } from '../core/index.ts';
import type { BaseOptions, Defaults, ParamGroup, StateRecord, StateValue } from './optimizer.ts';

/** A group option as stored in a state dict. */
export type GroupValue = number | boolean | string | number[];

/**
 * `optimizer.stateDict()`, in PyTorch's layout and key names:
 * `{ state: { 0: { momentum_buffer: Tensor } }, param_groups: [{ lr: 0.1, ..., params: [0, 1] }] }`.
 * Parameters are numbered in group order; a parameter without state has no entry.
 */
export interface OptimizerStateDict {
  /** Per-parameter state by parameter number, under PyTorch's keys. */
  state: Record<number, Record<string, StateValue>>;
  /** Each group's options under PyTorch's keys, with its parameters' numbers. */
  param_groups: Array<{
    /** The group's parameters, by number (numbered across groups in order). */
    params: number[];
    [option: string]: GroupValue;
  }>;
}

/** `weightDecay` -> `weight_decay` (PyTorch's spelling of an option or state key). */
export function toSnake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** `weight_decay` -> `weightDecay`. */
export function toCamel(key: string): string {
  return key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** A copy of an option value (betas are an array), so groups and state dicts never share one. */
export function copyValue<V>(v: V): V {
  return (Array.isArray(v) ? [...v] : v) as V;
}

/** A copy in the tensor's own dtype. */
function cloneTensor(t: Tensor): Tensor {
  return new Tensor(t.data.slice(), t.shape);
}

/**
 * What loading needs of an optimizer: its public fields, and its (private) option
 * check and (protected) state parser, handed over by `Optimizer.loadStateDict`.
 */
export interface OptimizerParts<O extends BaseOptions, S extends StateRecord> {
  /** The class name used in messages. */
  readonly name: string;
  /** The options a group may set. */
  readonly defaults: Defaults<O>;
  /** The groups whose options are replaced. */
  readonly paramGroups: ParamGroup<O>[];
  /** The per-parameter state, replaced as a whole. */
  readonly state: Map<Tensor, S>;
  /** Throws on an invalid option; `where` ends the message. */
  check(o: Partial<O>, where: string): void;
  /** Builds a parameter's state from loaded values. */
  parseState(raw: Record<string, StateValue>, where: string): S;
}

/** The state dict of an optimizer's groups and per-parameter state (see `Optimizer.stateDict`). */
export function collectOptimizerState<O extends BaseOptions, S extends StateRecord>(
  paramGroups: readonly ParamGroup<O>[],
  perParam: ReadonlyMap<Tensor, S>,
): OptimizerStateDict {
  const indexOf = new Map<Tensor, number>();
  const param_groups = paramGroups.map((group) => {
    const packed: Record<string, GroupValue> = {};
    for (const [key, value] of Object.entries(group)) {
      if (key !== 'params' && value !== undefined) packed[toSnake(key)] = copyValue(value as GroupValue);
    }
    const params = group.params.map((p) => {
      indexOf.set(p, indexOf.size);
      return indexOf.size - 1;
    });
    return { ...packed, params };
  });
  const state: Record<number, Record<string, StateValue>> = {};
  for (const [p, s] of perParam) {
    const i = indexOf.get(p);
    if (i === undefined) continue;
    const entry: Record<string, StateValue> = {};
    for (const [key, value] of Object.entries(s)) {
      if (value !== undefined) entry[toSnake(key)] = value instanceof Tensor ? cloneTensor(value) : value;
    }
    if (Object.keys(entry).length > 0) state[i] = entry;
  }
  return { state, param_groups };
}

/** Loads `sd` into an optimizer's groups and state, all or nothing (see `Optimizer.loadStateDict`). */
export function loadOptimizerState<O extends BaseOptions, S extends StateRecord>(
  opt: OptimizerParts<O, S>,
  sd: OptimizerStateDict,
): void {
  const fail = (msg: string) => new StateDictError(`${opt.name}.loadStateDict: ${msg}`);
  const saved = sd.param_groups;
  if (saved.length !== opt.paramGroups.length) {
    throw fail(
      `the loaded state dict has ${saved.length} parameter groups, the optimizer has ${opt.paramGroups.length}`,
    );
  }
  const byId = new Map<number, Tensor>();
  const groups = saved.map((sg, gi) => {
    const group = opt.paramGroups[gi]!;
    if (sg.params.length !== group.params.length) {
      throw fail(
        `parameter group ${gi} has ${sg.params.length} parameters in the loaded state dict, ${group.params.length} in the optimizer`,
      );
    }
    sg.params.forEach((id, j) => byId.set(id, group.params[j]!));
    const options: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(sg)) {
      const name = toCamel(key);
      if (key !== 'params' && (name in opt.defaults || name === 'initialLr'))
        options[name] = copyValue(value);
    }
    opt.check({ ...group, ...options }, ` (loaded parameter group ${gi})`);
    return options;
  });
  const state = new Map<Tensor, S>();
  for (const [key, entry] of Object.entries(sd.state)) {
    const p = byId.get(Number(key));
    if (p === undefined)
      throw fail(`state for parameter ${key}, which is in none of the loaded parameter groups`);
    const raw: Record<string, StateValue> = {};
    for (const [name, value] of Object.entries(entry) as [string, StateValue | null][]) {
      if (value === null) continue;
      if (value instanceof Tensor) {
        if (value.shape.length !== p.ndim || value.shape.some((d, i) => d !== p.shape[i])) {
          throw fail(
            `${name} of parameter ${key} has shape ${fmtShape(value.shape)}, the parameter has shape ${fmtShape(p.shape)}`,
          );
        }
        // As PyTorch's load_state_dict: floating-point state takes its parameter's dtype.
        raw[toCamel(name)] = value.dtype === p.dtype ? cloneTensor(value) : value.detach().to(p.dtype);
      } else if (typeof value === 'number') raw[toCamel(name)] = value;
      else throw fail(`${name} of parameter ${key} is ${typeof value}, expected a Tensor or a number`);
    }
    try {
      state.set(p, opt.parseState(raw, `parameter ${key}`));
    } catch (e) {
      if (e instanceof StateDictError) throw fail(e.message);
      throw e;
    }
  }
  groups.forEach((options, gi) => Object.assign(opt.paramGroups[gi]!, options));
  opt.state.clear();
  for (const [p, s] of state) opt.state.set(p, s);
}

/** Requires `key` in a loaded state to be a tensor (for `parseState`). */
export function stateTensor(raw: Record<string, StateValue>, key: string, where: string): Tensor {
  const v = raw[key];
  if (!(v instanceof Tensor)) throw new StateDictError(`${where}: missing tensor ${toSnake(key)}`);
  return v;
}

/** Requires `key` in a loaded state to be a number (for `parseState`). */
export function stateNumber(raw: Record<string, StateValue>, key: string, where: string): number {
  const v = raw[key];
  if (typeof v !== 'number') throw new StateDictError(`${where}: missing number ${toSnake(key)}`);
  return v;
}

/** An optional tensor in a loaded state. */
export function optionalStateTensor(raw: Record<string, StateValue>, key: string): Tensor | undefined {
  const v = raw[key];
  return v instanceof Tensor ? v : undefined;
}
