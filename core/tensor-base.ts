/**
 * What a tensor is, as PyTorch's `torch._C.TensorBase` under `torch.Tensor`: a
 * flat row-major Float32Array or Float64Array (the class is the dtype), a shape,
 * and the autograd state (requiresGrad, grad, gradFn, hooks), with the methods
 * that read or set that state. The methods that compute are on `Tensor`
 * (tensor.ts), each a call into core/ops; everything else imports `Tensor`.
 */
import { type DType, dtypeOf, type FloatArray, sizeOf } from './dtype.ts';
import type { Node } from './engine.ts';
import { fmtShape, GraphError, ValueError } from './errors.ts';
import { normalizeDim, type Shape } from './shape.ts';
import type { Tensor } from './tensor.ts';
import { describe } from './validate.ts';
import { replaceStorage, versionOf } from './versions.ts';

/** Runs on a tensor's gradient during backward; a returned tensor replaces the gradient. */
export type Hook = (grad: Tensor) => Tensor | undefined;

/** What `registerHook` returns, as PyTorch's `RemovableHandle`. */
export interface RemovableHandle {
  /** Unregisters the hook; calling it again does nothing. */
  remove(): void;
}

/**
 * A tensor's storage, shape and autograd state; `Tensor` adds the ops. Not made
 * directly: every tensor is a `Tensor`.
 */
export class TensorBase {
  /** Row-major values. Mutating them in place bypasses autograd (as `.data` does in PyTorch). */
  readonly data: FloatArray;
  /** The sizes, outermost first (frozen), as `x.shape`. */
  readonly shape: readonly number[];
  /**
   * Accumulated gradient of a leaf that requires grad (or of a tensor that called `retainGrad`); null until
   * the first backward.
   */
  grad: Tensor | null = null;
  private _requiresGrad: boolean;
  private _gradFn: Node | null = null;
  private _retainsGrad = false;
  /** Null until the first hook: most tensors never get one, and an empty array per tensor is measurable. */
  private _hooks: Hook[] | null = null;

  constructor(data: FloatArray, shape: Shape, requiresGrad = false) {
    // The storage's class is the dtype, so nothing else may stand in for it (a plain-JavaScript caller).
    if (!(data instanceof Float64Array || data instanceof Float32Array)) {
      throw new ValueError(
        `Tensor: data must be a Float32Array or a Float64Array (its class is the dtype), got ${describe(data)}; tensor(...) converts other arrays`,
      );
    }
    let numel = 1;
    for (let i = 0; i < shape.length; i++) numel *= shape[i]!; // indexed: this runs once per op
    if (data.length !== numel) {
      throw new ValueError(`Tensor: data of length ${data.length} does not fit shape ${fmtShape(shape)}`);
    }
    this.data = data;
    // Ops pass their input's (already frozen) shape for same-shape results; sharing it saves a copy per op.
    this.shape = Object.isFrozen(shape) ? shape : Object.freeze([...shape]);
    this._requiresGrad = requiresGrad;
  }

  /** 'float32' or 'float64': the class of `data`, as `x.dtype`. */
  get dtype(): DType {
    return dtypeOf(this.data);
  }
  /** Bytes per element: 4 for float32, 8 for float64, as `x.element_size()`. */
  elementSize(): number {
    return sizeOf(this.dtype);
  }
  /**
   * @internal Swaps this tensor's storage for `data` (same length, any dtype) in place, for `Module.to` and
   * `loadStateDict`: references to the tensor (an optimizer's) stay valid. The tensor's version moves past the
   * old storage's, so a graph that saved the old values refuses to backward through the new ones. Tensors that
   * shared the old storage (a `detach()`) keep it.
   */
  _setData(data: FloatArray): void {
    if (data.length !== this.data.length) {
      throw new ValueError(
        `_setData: new data of length ${data.length} does not fit shape ${fmtShape(this.shape)} (${this.data.length} elements)`,
      );
    }
    replaceStorage(this.data, data);
    (this as { data: FloatArray }).data = data;
  }

  // ------------------------------------------------------------ read-out

  /** Number of dims, as `x.ndim` / `x.dim()`. */
  get ndim(): number {
    return this.shape.length;
  }
  /** The number of dimensions, as `x.dim()` (the same as `x.ndim`). */
  dim(): number {
    return this.shape.length;
  }
  /** The number of elements, as `x.numel()`. */
  numel(): number {
    return this.data.length;
  }
  /** The shape, as `x.size()`, or the size of one dim (negative dims count from the end), as `x.size(1)`. */
  size(): readonly number[];
  size(dim: number): number;
  size(dim?: number): number | readonly number[] {
    if (dim === undefined) return this.shape;
    if (this.ndim === 0) {
      throw new ValueError(`size: dim ${dim} is out of range for a 0-d tensor, which has no dimensions`);
    }
    return this.shape[normalizeDim('size', dim, this.ndim)]!;
  }
  /** The value of a one-element tensor as a number, as `x.item()`. */
  item(): number {
    if (this.numel() !== 1) {
      throw new ValueError(
        `item: a Tensor with ${this.numel()} elements cannot be converted to a number (shape ${fmtShape(this.shape)})`,
      );
    }
    return this.data[0]!;
  }
  /** Nested arrays of numbers (a number for a 0-d tensor). */
  toArray(): NestedArray {
    const build = (dim: number, offset: number, stride: number): NestedArray => {
      if (dim === this.ndim) return this.data[offset]!;
      const size = this.shape[dim]!;
      const inner = stride / size;
      return Array.from({ length: size }, (_, i) => build(dim + 1, offset + i * inner, inner));
    };
    return build(0, 0, this.numel());
  }
  /** The nested values, as PyTorch's `x.tolist()` (the same as toArray). */
  tolist(): NestedArray {
    return this.toArray();
  }
  /** This tensor: storage here is always contiguous, so PyTorch's `x.contiguous()` has nothing to do. */
  contiguous(): this {
    return this;
  }
  /**
   * What `JSON.stringify(x)` writes: shape, dtype, nested values and the grad
   * flags, readable by a person. Not a save format: weights go to safetensors.
   */
  toJSON(): TensorJSON {
    const out: TensorJSON = { shape: [...this.shape], dtype: this.dtype, data: this.toArray() };
    if (this._requiresGrad) out.requiresGrad = true;
    if (this._gradFn !== null) out.gradFn = this._gradFn.name;
    return out;
  }
  /** How many in-place writes this tensor's storage has had (PyTorch's `x._version`). */
  get _version(): number {
    return versionOf(this.data);
  }

  // ------------------------------------------------------------ autograd

  /** Whether ops on this tensor are recorded for autograd (`requires_grad`); settable on leaves only. */
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
  /** Whether ops on this tensor are recorded for autograd (`requires_grad`); settable on leaves only. */
  set requiresGrad(v: boolean) {
    if (!this.isLeaf && !v) {
      throw new GraphError(
        'requiresGrad: you can only change requiresGrad flags of leaf tensors; use detach() for a non-leaf',
      );
    }
    this._requiresGrad = v;
  }
  /** In-place form, as `x.requires_grad_()`. */
  requiresGrad_(v = true): this {
    this.requiresGrad = v;
    return this;
  }
  /** The op that made this tensor, or null for a leaf (`grad_fn`). */
  get gradFn(): Node | null {
    return this._gradFn;
  }
  /** True for tensors not made by a recorded op (user-created, or made without grad), as `x.is_leaf`. */
  get isLeaf(): boolean {
    return this._gradFn === null;
  }
  /** Whether a non-leaf keeps its `.grad` after backward (see `retainGrad`), as `x.retains_grad`. */
  get retainsGrad(): boolean {
    return this._retainsGrad;
  }
  /** Keeps `.grad` for this non-leaf tensor after backward. */
  retainGrad(): this {
    if (!this._requiresGrad)
      throw new GraphError("retainGrad: can't retain grad on a tensor that does not require grad");
    if (!this.isLeaf) this._retainsGrad = true;
    return this;
  }
  /** Registers fn to run on this tensor's gradient; a returned tensor replaces the gradient. */
  registerHook(fn: Hook): RemovableHandle {
    if (!this._requiresGrad) {
      throw new GraphError("registerHook: can't register a hook on a tensor that does not require grad");
    }
    if (this._hooks === null) this._hooks = [];
    this._hooks.push(fn);
    return {
      remove: () => {
        this._hooks = this._hooks?.filter((h) => h !== fn) ?? null;
      },
    };
  }
  /** @internal */
  get _hasHooks(): boolean {
    return this._hooks !== null && this._hooks.length > 0;
  }
  /** @internal */
  _runHooks(g: Tensor): Tensor {
    if (this._hooks === null) return g;
    for (const h of this._hooks) {
      const r = h(g);
      if (r !== undefined) g = r;
    }
    return g;
  }
  /** Cuts this tensor from the graph in place, making it a leaf. */
  detach_(): this {
    this._gradFn = null;
    this._requiresGrad = false;
    return this;
  }
  /** @internal Makes this tensor the output of `node`: an op's result, or an in-place op recorded on it. */
  _rebase(node: Node | null): void {
    this._gradFn = node;
    this._requiresGrad = true;
  }
}

/** Nested number arrays, as `tensor()` takes and `toArray()` returns (`[[1, 2], [3, 4]]`). */
export type NestedArray = number | NestedArray[];
/** What `JSON.stringify(tensor)` writes (see Tensor.toJSON). */
export interface TensorJSON {
  /** The shape, as an array. */
  shape: number[];
  /** The element type. */
  dtype: DType;
  /** The values, nested as `toArray()` gives them. */
  data: NestedArray;
  /** Present (true) when the tensor requires grad. */
  requiresGrad?: true;
  /** The name of the op that made a non-leaf tensor. */
  gradFn?: string;
}
