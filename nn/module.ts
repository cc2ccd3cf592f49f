/**
 * The Module base class, as `torch.nn.Module`: a module owns parameters (tensors
 * that require grad and are trained), buffers (tensors that are state but not
 * trained, such as running statistics) and child modules, each under a name.
 * Those names are PyTorch's state-dict names (`weight_ih`, `running_mean`), and
 * dotted paths through the tree (`layers.2.bn.weight`) name every tensor, so a
 * state dict moves between normgrad and PyTorch unchanged.
 *
 * A subclass creates its tensors in the constructor with `registerParameter` /
 * `registerBuffer` / `registerModule`, keeping each in a camelCase property:
 *
 *     this.weightIh = this.registerParameter('weight_ih', zeros([4 * h, n]));
 *
 * initializes them in `resetParameters()`, computes in `forward()`, and prints
 * its configuration in `extraRepr()`.
 */
import {
  checkBoolean,
  checkDtype,
  checkOptions,
  type DType,
  fmtShape,
  noGrad,
  type RemovableHandle,
  Tensor,
  ValueError,
} from '../core/index.ts';
import { type ForwardPreHook, scopeForward } from './forward-scope.ts';
import {
  collectStateDict,
  INTEGER_BUFFERS,
  type IncompatibleKeys,
  type LoadStateDictOptions,
  loadStateDictInto,
  readStateDict,
  type SaveOptions,
  type StateDict,
  saveStateDict,
  serializeStateDict,
} from './state-dict.ts';

export type { ForwardPreHook } from './forward-scope.ts';
// The state-dict types are part of the Module API, so they are exported from here as before.
export type { IncompatibleKeys, LoadStateDictOptions, SaveOptions, StateDict } from './state-dict.ts';

/** The dtype `Module.to` is asked for: a name or `{ dtype }` (checked), or a tensor's own. */
function targetDtype(fn: string, arg: unknown): DType {
  if (arg instanceof Tensor) return arg.dtype;
  const wrapped = typeof arg === 'object' && arg !== null && !Array.isArray(arg);
  if (wrapped) checkOptions(fn, arg, ['dtype']);
  return checkDtype(fn, 'dtype', wrapped ? (arg as { dtype?: unknown }).dtype : arg);
}

/**
 * The base of every layer: parameters, buffers and child modules under their
 * state-dict names. Its `forward` runs in the module's path scope, after its
 * pre-hooks (see forward-scope.ts).
 */
export abstract class Module {
  /** Whether the module is in training mode (Dropout drops, BatchNorm uses batch statistics). */
  training = true;
  private readonly _parameters = new Map<string, Tensor | null>();
  private readonly _buffers = new Map<string, Tensor | null>();
  private readonly _nonPersistent = new Set<string>();
  /** Child modules by name, in registration order (a module added twice appears twice, as in PyTorch). */
  protected readonly _modules = new Map<string, Module>();
  private _parent: Module | null = null;
  private _nameInParent = '';
  /** Null until the first hook, as Tensor's hooks: most modules never get one. */
  private _forwardPreHooks: ForwardPreHook[] | null = null;

  constructor() {
    scopeForward(this, (args) => this.runForwardPreHooks(args));
  }

  /** The computation. Call it directly: `model.forward(x)`. */
  abstract forward(...args: unknown[]): unknown;

  /** The class name used in `toString()` and error messages, as `_get_name()`. */
  get name(): string {
    return this.constructor.name;
  }

  /** One line of configuration shown inside the parentheses of `toString()`, as `extra_repr()`. */
  extraRepr(): string {
    return '';
  }

  // ---------------------------------------------------------------- registration

  private checkName(kind: string, name: string, own: Map<string, unknown>): void {
    if (typeof name !== 'string' || name === '' || name.includes('.')) {
      throw new ValueError(
        `${this.name}.${kind}: name must be a non-empty string without '.', got '${name}'`,
      );
    }
    for (const other of [this._parameters, this._buffers, this._modules] as Map<string, unknown>[]) {
      if (other !== own && other.has(name)) {
        throw new ValueError(
          `${this.name}.${kind}: '${name}' is already registered as another kind of attribute`,
        );
      }
    }
  }

  /**
   * Registers a trainable tensor under a state-dict name and returns it, marked
   * `requiresGrad`. Null registers an absent parameter (a Linear without bias).
   * Registering an existing name replaces the tensor.
   */
  registerParameter<T extends Tensor | null>(name: string, param: T): T {
    this.checkName('registerParameter', name, this._parameters);
    if (param !== null) {
      if (!param.isLeaf) {
        throw new ValueError(
          `${this.name}.registerParameter: '${name}' (shape ${fmtShape(param.shape)}) must be a leaf tensor; pass x.detach()`,
        );
      }
      param.requiresGrad = true;
    }
    this._parameters.set(name, param);
    return param;
  }

  /**
   * Registers state that is not trained (running statistics) and returns it.
   * A non-persistent buffer is left out of the state dict.
   */
  registerBuffer<T extends Tensor | null>(name: string, buffer: T, persistent = true): T {
    this.checkName('registerBuffer', name, this._buffers);
    this._buffers.set(name, buffer);
    if (persistent) this._nonPersistent.delete(name);
    else this._nonPersistent.add(name);
    return buffer;
  }

  /** Registers a child module under a name (`"0"`, `"bn"`) and returns it. */
  registerModule<M extends Module>(name: string, module: M): M {
    this.checkName('registerModule', name, this._modules);
    for (let m: Module | null = this; m !== null; m = m._parent) {
      if (m === module) {
        throw new ValueError(`${this.name}.registerModule: '${name}' would make a module its own descendant`);
      }
    }
    this._modules.set(name, module);
    module._parent = this;
    module._nameInParent = name;
    return module;
  }

  /**
   * Removes a parameter registered under `name` (as `del module._parameters[name]`)
   * and returns it, so the name can become something else: weight normalization
   * replaces `weight` by `weight_g` and `weight_v` this way. The tensor is not changed.
   */
  deleteParameter(name: string): Tensor | null {
    if (!this._parameters.has(name)) {
      throw new ValueError(`${this.name}.deleteParameter: no parameter named '${name}'`);
    }
    const t = this._parameters.get(name)!;
    this._parameters.delete(name);
    return t;
  }

  /**
   * Registers a hook that runs before every forward, inside the module's scope,
   * as `register_forward_pre_hook`; hooks run in registration order.
   */
  registerForwardPreHook(hook: ForwardPreHook): RemovableHandle {
    if (this._forwardPreHooks === null) this._forwardPreHooks = [];
    this._forwardPreHooks.push(hook);
    return {
      remove: () => {
        const i = this._forwardPreHooks?.indexOf(hook) ?? -1;
        if (i >= 0) this._forwardPreHooks!.splice(i, 1);
      },
    };
  }

  private runForwardPreHooks(args: unknown[]): unknown[] {
    if (this._forwardPreHooks === null) return args;
    let current = args;
    for (const hook of [...this._forwardPreHooks]) current = hook(this, current) ?? current;
    return current;
  }

  /** Dotted path from the root of the tree this module was registered in ('' for a root). */
  get path(): string {
    const names: string[] = [];
    for (let m: Module = this; m._parent !== null; m = m._parent) names.push(m._nameInParent);
    return names.reverse().join('.');
  }

  // ---------------------------------------------------------------- traversal

  /** Every module in the tree with its dotted name, this one first (as `''`); each module once. */
  *namedModules(prefix = '', memo = new Set<Module>()): Generator<[string, Module]> {
    if (memo.has(this)) return;
    memo.add(this);
    yield [prefix, this];
    for (const [name, child] of this._modules) {
      yield* child.namedModules(prefix === '' ? name : `${prefix}.${name}`, memo);
    }
  }

  /** This module and every descendant, each once, depth first, as `modules()`. */
  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  /** The direct children with their names, as `named_children()`. */
  *namedChildren(): Generator<[string, Module]> {
    const seen = new Set<Module>();
    for (const [name, child] of this._modules) {
      if (seen.has(child)) continue;
      seen.add(child);
      yield [name, child];
    }
  }

  /** The direct children, as `children()`. */
  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  private *namedMembers(
    which: '_parameters' | '_buffers',
    prefix: string,
    recurse: boolean,
    persistentOnly: boolean,
  ): Generator<[string, Tensor]> {
    const seen = new Set<Tensor>();
    const mods: Iterable<[string, Module]> = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [modPrefix, m] of mods) {
      for (const [name, t] of m[which]) {
        if (t === null || seen.has(t)) continue;
        if (persistentOnly && m._nonPersistent.has(name)) continue;
        seen.add(t);
        yield [modPrefix === '' ? name : `${modPrefix}.${name}`, t];
      }
    }
  }

  /** Parameters with dotted names (`0.weight`, `layers.2.bn.bias`); a shared tensor appears once. */
  namedParameters(prefix = '', recurse = true): Generator<[string, Tensor]> {
    return this.namedMembers('_parameters', prefix, recurse, false);
  }

  /**
   * Every parameter of this module and its descendants, each once, as `parameters()`: what an optimizer
   * takes.
   */
  *parameters(recurse = true): Generator<Tensor> {
    for (const [, t] of this.namedParameters('', recurse)) yield t;
  }

  /** Buffers (running statistics and such) with their dotted names, as `named_buffers()`. */
  namedBuffers(prefix = '', recurse = true): Generator<[string, Tensor]> {
    return this.namedMembers('_buffers', prefix, recurse, false);
  }

  /** Every buffer of this module and its descendants, as `buffers()`. */
  *buffers(recurse = true): Generator<Tensor> {
    for (const [, t] of this.namedBuffers('', recurse)) yield t;
  }

  /** Calls fn on every descendant, children first, then on this module, as `apply`. */
  apply(fn: (m: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /** How many numbers the parameters hold (only those that require grad if `onlyTrainable`). */
  numParameters(onlyTrainable = false): number {
    let n = 0;
    for (const p of this.parameters()) if (!onlyTrainable || p.requiresGrad) n += p.numel();
    return n;
  }

  // ---------------------------------------------------------------- modes and gradients

  /** Sets training mode on this module and every descendant. */
  train(mode = true): this {
    if (typeof mode !== 'boolean')
      throw new ValueError(`${this.name}.train: mode must be a boolean, got ${mode}`);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode, the same as `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Clears every parameter's gradient: sets it to null (the default, as PyTorch's
   * `set_to_none=True`), or with `{ setToNone: false }` fills it with zeros in place.
   */
  zeroGrad(opts: { setToNone?: boolean } = {}): void {
    checkOptions(`${this.name}.zeroGrad`, opts, ['setToNone']);
    const setToNone = checkBoolean(`${this.name}.zeroGrad`, 'setToNone', opts.setToNone ?? true);
    for (const p of this.parameters()) {
      if (setToNone) p.grad = null;
      else if (p.grad !== null) noGrad(() => p.grad!.detach_().zero_());
    }
  }

  // ---------------------------------------------------------------- dtype

  /**
   * Converts every floating-point parameter, its gradient and every buffer to
   * `dtype` in place and returns the module, as `module.to(torch.float32)`. The
   * tensors stay the same objects (their storage is swapped, as PyTorch swaps
   * `param.data`), so an optimizer built before keeps updating them. Takes a
   * dtype name, `{ dtype }`, or a tensor whose dtype to match (`model.to(x)`).
   * `num_batches_tracked`, an int64 in PyTorch, stays float64 (exact counts up to
   * 2^53). Unlike PyTorch, a buffer is converted in place too, so a tensor passed
   * in as one (a loss's class weights) changes with it.
   */
  to(dtype: DType | { dtype: DType } | Tensor): this {
    const target = targetDtype(`${this.name}.to`, dtype);
    const seen = new Set<Tensor>();
    const convert = (t: Tensor | null): void => {
      if (t === null || seen.has(t)) return;
      seen.add(t);
      if (t.dtype !== target)
        t._setData(target === 'float32' ? Float32Array.from(t.data) : Float64Array.from(t.data));
    };
    for (const m of this.modules()) {
      for (const p of m._parameters.values()) {
        convert(p);
        convert(p?.grad ?? null);
      }
      for (const [name, b] of m._buffers) if (!INTEGER_BUFFERS.has(name)) convert(b);
    }
    return this;
  }

  /** Parameters and buffers to float32, in place, as `module.float()`. */
  float(): this {
    return this.to('float32');
  }

  /** Parameters and buffers to float64, in place, as `module.double()`. */
  double(): this {
    return this.to('float64');
  }

  // ---------------------------------------------------------------- printing

  /**
   * The nested repr PyTorch prints, `Sequential(\n  (0): Linear(in_features=4, ...)\n)`; each
   * module's `extraRepr()` uses PyTorch's own spelling so the two print the same text.
   */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra === '' ? [] : extra.split('\n');
    const childLines = [...this._modules].map(
      ([name, m]) => `(${name}): ${m.toString().split('\n').join('\n  ')}`,
    );
    const lines = [...extraLines, ...childLines];
    if (lines.length === 0) return `${this.name}()`;
    if (extraLines.length === 1 && childLines.length === 0) return `${this.name}(${extraLines[0]})`;
    return `${this.name}(\n  ${lines.join('\n  ')}\n)`;
  }

  // ---------------------------------------------------------------- state dicts

  /** Parameters and persistent buffers under PyTorch's keys, as tensors detached from the graph (sharing data). */
  stateDict(): StateDict {
    return collectStateDict<Module>(this, (m) => ({
      parameters: m._parameters,
      buffers: m._buffers,
      nonPersistent: m._nonPersistent,
      modules: m._modules,
    }));
  }

  /**
   * Copies a state dict's values into this module's tensors, in place, so
   * references held elsewhere (an optimizer's parameter list) stay valid. Every
   * key and shape is checked first; on any problem a StateDictError lists the
   * missing, unexpected and mis-shaped keys and nothing is changed. With
   * `strict: false` missing and unexpected keys are returned instead of thrown
   * (shapes must still match, as in PyTorch).
   */
  loadStateDict(sd: StateDict, opts: LoadStateDictOptions = {}): IncompatibleKeys {
    return loadStateDictInto(this, sd, opts);
  }

  /**
   * Writes the state dict to a safetensors file that `safetensors.torch.load_file`
   * reads; `num_batches_tracked` is stored as I64 as PyTorch keeps it.
   */
  save(path: string, opts: SaveOptions = {}): void {
    saveStateDict(this.stateDict(), path, opts);
  }

  /**
   * The bytes `save` writes (the browser form of `save`: `new Blob([m.serialize()])`
   * downloads a file PyTorch reads with `safetensors.torch.load_file`).
   */
  serialize(opts: SaveOptions = {}): Uint8Array {
    return serializeStateDict(this.stateDict(), opts);
  }

  /** Loads a safetensors file, or its bytes (e.g. a browser's `await file.arrayBuffer()`), into this module (see `loadStateDict`). */
  load(source: string | ArrayBuffer | Uint8Array, opts: LoadStateDictOptions = {}): IncompatibleKeys {
    return this.loadStateDict(Module.load(source), opts);
  }

  /**
   * Reads a safetensors file, or its bytes, as a state dict: F64 and I64 as float64, F32, F16 and BF16 as
   * float32 (`loadStateDict` then converts each into the module's dtype).
   */
  static load(source: string | ArrayBuffer | Uint8Array): StateDict {
    return readStateDict(source);
  }
}
