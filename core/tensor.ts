/**
 * The Tensor: a flat row-major Float32Array or Float64Array (the class is the
 * dtype) plus a shape, and the autograd fields (requiresGrad, grad, gradFn). Its methods are thin: each delegates to
 * the op of the same name in core/ops, where forward and backward sit together.
 */
import { checkDtype, type DType, dtypeOf, type FloatArray, sizeOf } from './dtype.ts';
import {
  type BackwardOptions,
  type Node,
  replaceStorage,
  backward as runBackward,
  versionOf,
} from './engine.ts';
import { fmtShape, GraphError, ValueError } from './errors.ts';
import * as base from './ops/base.ts';
import * as ew from './ops/elementwise.ts';
import * as ip from './ops/inplace.ts';
import * as mm from './ops/matmul.ts';
import * as mv from './ops/movement.ts';
import * as rd from './ops/reduce.ts';
import * as sm from './ops/softmax.ts';
import { formatTensor } from './print.ts';
import { normalizeDim, type Shape, sameShape } from './shape.ts';
import { checkOptions, checkTensor, describe } from './validate.ts';

/**
 * A tensor or a plain number (broadcast as a 0-d tensor), accepted wherever PyTorch takes a Python scalar.
 */
export type TensorLike = Tensor | number;
export type { DType, FloatArray } from './dtype.ts';
export type Hook = (grad: Tensor) => Tensor | undefined;

/** What `registerHook` returns, as PyTorch's `RemovableHandle`. */
export interface RemovableHandle {
  /** Unregisters the hook; calling it again does nothing. */
  remove(): void;
}

/**
 * An n-dimensional array of float32 or float64 with autograd, as `torch.Tensor`. Values are
 * row-major in `data`, whose class (Float32Array or Float64Array) is the dtype; ops return new tensors (the in-place forms end in `_`), and each records a `gradFn` when an
 * input requires grad, so `backward()` fills `.grad` of the leaves. Indexing is by methods: `select`,
 * `narrow`, `slice`, `indexSelect`, `gather`.
 */
export class Tensor {
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
   * This tensor in `dtype`, as `x.to(dtype)`: the tensor itself when it already has that dtype (as PyTorch),
   * else a converted copy whose gradient flows back converted to this tensor's dtype.
   */
  to(dtype: DType): Tensor {
    return base.cast(this, checkDtype('to', 'dtype', dtype));
  }
  /** `to('float32')`, as `x.float()`. */
  float(): Tensor {
    return base.cast(this, 'float32');
  }
  /** `to('float64')`, as `x.double()`. */
  double(): Tensor {
    return base.cast(this, 'float64');
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

  /** @internal The engine's constructor for op results. */
  static _fromNode(data: FloatArray, shape: Shape, node: Node): Tensor {
    const t = new Tensor(data, shape, true);
    t._gradFn = node;
    return t;
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
  /** Same shape and the same values, as `torch.equal` (NaN is not equal to itself). */
  equal(other: Tensor): boolean {
    checkTensor('equal', 'other', other);
    return sameShape(this.shape, other.shape) && this.data.every((v, i) => v === other.data[i]);
  }
  /**
   * Whether |this - other| <= atol + rtol |other| everywhere (other broadcast),
   * as `torch.allclose` with its defaults rtol 1e-5, atol 1e-8.
   */
  allclose(other: TensorLike, opts: { rtol?: number; atol?: number; equalNan?: boolean } = {}): boolean {
    checkOptions('allclose', opts, ['rtol', 'atol', 'equalNan']);
    const { rtol = 1e-5, atol = 1e-8, equalNan = false } = opts;
    const [a, b] = ew.broadcastAll('allclose', this, other) as [Tensor, Tensor];
    return a.data.every((x, i) => {
      const y = b.data[i]!;
      if (Number.isNaN(x) || Number.isNaN(y)) return equalNan && Number.isNaN(x) && Number.isNaN(y);
      return x === y || Math.abs(x - y) <= atol + rtol * Math.abs(y);
    });
  }
  /** A PyTorch-style print: `tensor([[1., 2.], ...], requires_grad=True)`. */
  toString(): string {
    return formatTensor(this);
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
  /**
   * @internal Accumulates into `.grad`. The first gradient is copied so `.grad` is never shared,
   * unless `adopt` says the engine made it and nothing else holds it.
   */
  _accumulateGrad(g: Tensor, createGraph: boolean, adopt = false): void {
    if (createGraph) this.grad = this.grad === null ? g : this.grad.add(g);
    else if (this.grad === null) this.grad = adopt ? g : new Tensor(g.data.slice(), g.shape);
    else if (this.grad.requiresGrad)
      this.grad = ew.add(this.grad, g); // engine runs this in no-grad mode
    else {
      const d = this.grad.data;
      const s = g.data;
      for (let i = 0; i < d.length; i++) d[i] = d[i]! + s[i]!;
    }
  }
  /**
   * Gradients of this tensor into the `.grad` of every leaf it depends on. As in
   * PyTorch, the options may come first: `loss.backward({ retainGraph: true })`,
   * with `gradient` among them for a non-scalar output.
   */
  backward(gradient?: Tensor | null | BackwardCallOptions, opts?: BackwardOptions): void {
    if (Array.isArray(gradient)) checkTensor('backward', 'gradient', gradient);
    if (gradient !== null && gradient !== undefined && !(gradient instanceof Tensor) && opts === undefined) {
      checkOptions('backward', gradient, ['gradient', 'retainGraph', 'createGraph']);
      const { gradient: g, ...rest } = gradient as BackwardCallOptions;
      if (g !== undefined && g !== null) checkTensor('backward', 'gradient', g);
      runBackward(this, g, rest);
      return;
    }
    if (gradient !== null && gradient !== undefined) checkTensor('backward', 'gradient', gradient);
    checkOptions('backward', opts, ['retainGraph', 'createGraph']);
    runBackward(this, gradient, opts);
  }
  /** A tensor sharing this one's data, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }
  /** Cuts this tensor from the graph in place, making it a leaf. */
  detach_(): this {
    this._gradFn = null;
    this._requiresGrad = false;
    return this;
  }
  /** @internal An in-place op recorded on this tensor: it now holds that op's result. */
  _rebase(node: Node | null): void {
    this._gradFn = node;
    this._requiresGrad = true;
  }
  /** A copy with its own data; differentiable. */
  clone(): Tensor {
    return ew.mul(this, 1);
  }

  // ------------------------------------------------------------ elementwise

  /** this + alpha * other, broadcasting, as `torch.add`. */
  add(other: TensorLike, alpha?: number): Tensor {
    return ew.add(this, alpha === undefined ? other : ew.mul(other, alpha));
  }
  /** this - alpha * other, broadcasting, as `torch.sub`. */
  sub(other: TensorLike, alpha?: number): Tensor {
    return ew.sub(this, alpha === undefined ? other : ew.mul(other, alpha));
  }
  /** Elementwise product, broadcasting, as `torch.mul`. */
  mul(other: TensorLike): Tensor {
    return ew.mul(this, other);
  }
  /** Elementwise quotient, broadcasting, as `torch.div` (true division). */
  div(other: TensorLike): Tensor {
    return ew.div(this, other);
  }
  /** -x, elementwise. */
  neg(): Tensor {
    return ew.neg(this);
  }
  /** x ** exponent, elementwise, as `torch.pow`; d/dx = exponent * x^(exponent - 1). */
  pow(exponent: TensorLike): Tensor {
    return ew.pow(this, exponent);
  }
  /** x², elementwise. */
  square(): Tensor {
    return ew.pow(this, 2);
  }
  /** 1 / x, elementwise. */
  reciprocal(): Tensor {
    return ew.div(1, this);
  }
  /** eˣ, elementwise. */
  exp(): Tensor {
    return ew.exp(this);
  }
  /** Natural logarithm, elementwise (log 0 = -Infinity, as PyTorch). */
  log(): Tensor {
    return ew.log(this);
  }
  /** √x, elementwise. */
  sqrt(): Tensor {
    return ew.sqrt(this);
  }
  /** 1 / √x, elementwise, as `torch.rsqrt`. */
  rsqrt(): Tensor {
    return ew.rsqrt(this);
  }
  /** abs(x), elementwise; the gradient at 0 is 0, as PyTorch. */
  abs(): Tensor {
    return ew.abs(this);
  }
  /** -1, 0 or 1, elementwise; zero gradient. */
  sign(): Tensor {
    return ew.sign(this);
  }
  /** 1 / (1 + e^-x), elementwise; d/dx = σ(x)(1 - σ(x)). */
  sigmoid(): Tensor {
    return ew.sigmoid(this);
  }
  /** tanh(x), elementwise; d/dx = 1 - tanh²(x). */
  tanh(): Tensor {
    return ew.tanh(this);
  }
  /** max(x, 0), elementwise; gradient 0 at x = 0, as PyTorch. */
  relu(): Tensor {
    return ew.relu(this);
  }
  /** x for x > 0, negativeSlope * x otherwise, as `F.leaky_relu`. */
  leakyRelu(negativeSlope = 0.01): Tensor {
    return ew.leakyRelu(this, negativeSlope);
  }
  /**
   * Limits values to [min, max] (either may be null), as `torch.clamp`; the gradient is 1 inside the range, 0
   * outside.
   */
  clamp(min?: number | null, max?: number | null): Tensor {
    return ew.clamp(this, min, max);
  }
  /** Elementwise maximum with broadcasting, as `torch.maximum`; ties split the gradient evenly. */
  maximum(other: TensorLike): Tensor {
    return ew.maximum(this, other);
  }
  /** Elementwise minimum with broadcasting, as `torch.minimum`; ties split the gradient evenly. */
  minimum(other: TensorLike): Tensor {
    return ew.minimum(this, other);
  }
  /** `cond ? this : other`, as `x.where(cond, y)`. */
  where(condition: Tensor, other: TensorLike): Tensor {
    return ew.where(condition, this, other);
  }
  /**
   * 1 where this == other, else 0 (in the operands' promoted dtype: normgrad has no bool dtype), as `torch.eq`; not differentiable.
   */
  eq(other: TensorLike): Tensor {
    return ew.compare('eq', this, other);
  }
  /** 1 where this != other, else 0, as `torch.ne`. */
  ne(other: TensorLike): Tensor {
    return ew.compare('ne', this, other);
  }
  /** 1 where this > other, else 0, as `torch.gt`. */
  gt(other: TensorLike): Tensor {
    return ew.compare('gt', this, other);
  }
  /** 1 where this >= other, else 0, as `torch.ge`. */
  ge(other: TensorLike): Tensor {
    return ew.compare('ge', this, other);
  }
  /** 1 where this < other, else 0, as `torch.lt`. */
  lt(other: TensorLike): Tensor {
    return ew.compare('lt', this, other);
  }
  /** 1 where this <= other, else 0, as `torch.le`. */
  le(other: TensorLike): Tensor {
    return ew.compare('le', this, other);
  }

  // ------------------------------------------------------------ in place (see ops/inplace.ts)

  /** `this += alpha * other`, in place; other broadcasts to this tensor's shape. */
  add_(other: TensorLike, alpha?: number): this {
    return this.inplace('add_', [other], (x) => x.add(other, alpha));
  }
  /** `this -= alpha * other`, in place. */
  sub_(other: TensorLike, alpha?: number): this {
    return this.inplace('sub_', [other], (x) => x.sub(other, alpha));
  }
  /** `this *= other`, in place. */
  mul_(other: TensorLike): this {
    return this.inplace('mul_', [other], (x) => ew.mul(x, other));
  }
  /** `this /= other`, in place. */
  div_(other: TensorLike): this {
    return this.inplace('div_', [other], (x) => ew.div(x, other));
  }
  /** `this = this ** exponent`, in place. */
  pow_(exponent: TensorLike): this {
    return this.inplace('pow_', [exponent], (x) => ew.pow(x, exponent));
  }
  /** Clamps into [min, max] in place (null for no bound on that side). */
  clamp_(min?: number | null, max?: number | null): this {
    return this.inplace('clamp_', [], (x) => ew.clamp(x, min, max));
  }
  /** `this = -this`, in place. */
  neg_(): this {
    return this.inplace('neg_', [], ew.neg);
  }
  /** `this = e^this`, in place. */
  exp_(): this {
    return this.inplace('exp_', [], ew.exp);
  }
  /** `this = ln(this)`, in place. */
  log_(): this {
    return this.inplace('log_', [], ew.log);
  }
  /** `this = sqrt(this)`, in place. */
  sqrt_(): this {
    return this.inplace('sqrt_', [], ew.sqrt);
  }
  /** `this = |this|`, in place. */
  abs_(): this {
    return this.inplace('abs_', [], ew.abs);
  }
  /** `this = max(this, 0)`, in place (`nn.ReLU(inplace=True)`). */
  relu_(): this {
    return this.inplace('relu_', [], ew.relu);
  }
  /** `this = 1 / (1 + e^-this)`, in place. */
  sigmoid_(): this {
    return this.inplace('sigmoid_', [], ew.sigmoid);
  }
  /** `this = tanh(this)`, in place. */
  tanh_(): this {
    return this.inplace('tanh_', [], ew.tanh);
  }
  /** `this += value * t1 * t2`, in place (Adam's second-moment update). */
  addcmul_(tensor1: Tensor, tensor2: Tensor, value = 1): this {
    return this.inplace('addcmul_', [tensor1, tensor2], (x) => x.add(ew.mul(tensor1, tensor2), value));
  }
  /** `this += value * t1 / t2`, in place (Adam's step). */
  addcdiv_(tensor1: Tensor, tensor2: Tensor, value = 1): this {
    return this.inplace('addcdiv_', [tensor1, tensor2], (x) => x.add(ew.div(tensor1, tensor2), value));
  }
  /** `this += weight * (end - this)`, in place (an exponential moving average). */
  lerp_(end: Tensor, weight: TensorLike): this {
    ip.lerp_(this, end, weight);
    return this;
  }
  /** Fills with 0 in place. */
  zero_(): this {
    ip.fill_(this, 0);
    return this;
  }
  /** Fills with `value` in place. */
  fill_(value: number): this {
    ip.fill_(this, value);
    return this;
  }
  /** Copies src's values (broadcast to this shape) into this tensor. */
  copy_(src: Tensor): this {
    ip.copy_(this, src);
    return this;
  }
  /** Fills with draws from U(low, high), as `x.uniform_(from, to)`. */
  uniform_(low = 0, high = 1, opts: ip.FillRandomOptions = {}): this {
    ip.uniform_(this, low, high, opts);
    return this;
  }
  /** Fills with draws from N(mean, std^2). */
  normal_(mean = 0, std = 1, opts: ip.FillRandomOptions = {}): this {
    ip.normal_(this, mean, std, opts);
    return this;
  }
  private inplace(op: string, others: readonly TensorLike[], compute: (old: Tensor) => Tensor): this {
    ip.inplace(op, this, others, compute);
    return this;
  }

  // ------------------------------------------------------------ reductions

  /** Sum over `dim` (all dims by default), as `torch.sum`. */
  sum(dim?: Dims, keepdim = false): Tensor {
    return base.sum(this, dim, keepdim);
  }
  /** Mean over `dim` (all dims by default), as `torch.mean`. */
  mean(dim?: Dims, keepdim = false): Tensor {
    return rd.mean(this, dim, keepdim);
  }
  /**
   * Variance over `dim`: sum((x - mean)²) / (N - correction), unbiased (correction 1) by default, as
   * `torch.var`. BatchNorm normalizes with the biased one (correction 0).
   */
  var(dim?: Dims, opts: VarOptions = {}): Tensor {
    return rd.variance(this, dim, opts);
  }
  /** Standard deviation, the square root of `var` with the same options, as `torch.std`. */
  std(dim?: Dims, opts: VarOptions = {}): Tensor {
    return rd.std(this, dim, opts);
  }
  /** Maximum of all elements; gradient split evenly among ties. */
  amax(dim?: Dims, keepdim = false): Tensor {
    return rd.amax(this, dim, keepdim);
  }
  /** Minimum over `dim` (all dims by default), as `torch.amin`; ties split the gradient evenly. */
  amin(dim?: Dims, keepdim = false): Tensor {
    return rd.amin(this, dim, keepdim);
  }
  /** `x.max()` is the maximum of all elements; `x.max(dim)` gives values and indices, as PyTorch. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): rd.ValuesIndices;
  max(dim?: number, keepdim = false): Tensor | rd.ValuesIndices {
    return dim === undefined ? rd.amax(this) : rd.maxDim(this, dim, keepdim, 1);
  }
  /**
   * `x.min()` is the minimum of all elements; `x.min(dim)` gives `{ values, indices }` (PyTorch's named
   * tuple).
   */
  min(): Tensor;
  /**
   * `x.min()` is the minimum of all elements; `x.min(dim)` gives `{ values, indices }` (PyTorch's named
   * tuple).
   */
  min(dim: number, keepdim?: boolean): rd.ValuesIndices;
  /**
   * `x.min()` is the minimum of all elements; `x.min(dim)` gives `{ values, indices }` (PyTorch's named
   * tuple).
   */
  min(dim?: number, keepdim = false): Tensor | rd.ValuesIndices {
    return dim === undefined ? rd.amin(this) : rd.maxDim(this, dim, keepdim, -1);
  }
  /**
   * Index of the largest element over `dim` (of the flattened tensor by default), first on ties, as
   * `torch.argmax`.
   */
  argmax(dim?: number, keepdim = false): Tensor {
    return rd.argmax(this, dim, keepdim, 1);
  }
  /**
   * Index of the smallest element over `dim` (of the flattened tensor by default), first on ties, as
   * `torch.argmin`.
   */
  argmin(dim?: number, keepdim = false): Tensor {
    return rd.argmax(this, dim, keepdim, -1);
  }
  /** log(sum(exp(x))) over `dim`, computed stably (shifted by the max), as `torch.logsumexp`. */
  logsumexp(dim: Dims, keepdim = false): Tensor {
    return rd.logsumexp(this, dim, keepdim);
  }
  /** softmax(x)_i = e^x_i / sum_j e^x_j along `dim`, as `torch.softmax`. */
  softmax(dim: number): Tensor {
    return sm.softmax(this, dim);
  }
  /** x_i - logsumexp(x) along `dim`, as `torch.log_softmax`. */
  logSoftmax(dim: number): Tensor {
    return sm.logSoftmax(this, dim);
  }

  // ------------------------------------------------------------ matmul

  /** Matrix product, as `torch.matmul` (see `matmul`). */
  matmul(other: Tensor): Tensor {
    return mm.matmul(this, other);
  }

  // ------------------------------------------------------------ movement

  /**
   * The same values in a new shape (one dim may be -1), as `x.reshape(...)`; sizes as arguments or one array.
   */
  reshape(...shape: ShapeArgs): Tensor {
    return base.reshape(this, shapeArgs(shape));
  }
  /** Same as `reshape` (tensors here are always contiguous, so every view is a reshape). */
  view(...shape: ShapeArgs): Tensor {
    return base.reshape(this, shapeArgs(shape), 'view');
  }
  /** Merges dims startDim..endDim into one, as `x.flatten(start_dim, end_dim)`. */
  flatten(startDim = 0, endDim = -1): Tensor {
    return mv.flatten(this, startDim, endDim);
  }
  /** Reorders the dims, as `x.permute(...)`. */
  permute(...dims: ShapeArgs): Tensor {
    return mv.permute(this, shapeArgs(dims));
  }
  /** Swaps two dims, as `x.transpose(dim0, dim1)`. */
  transpose(dim0: number, dim1: number): Tensor {
    return mv.transpose(this, dim0, dim1);
  }
  /** Transpose of a tensor of at most 2 dims, as `x.t()`; `x.T` reverses all dims. */
  t(): Tensor {
    return mv.t(this);
  }
  /** All dims reversed, as `x.T`. */
  get T(): Tensor {
    return mv.permute(
      this,
      this.shape.map((_, i) => this.ndim - 1 - i),
    );
  }
  /** Inserts a dim of size 1, as `x.unsqueeze(dim)`. */
  unsqueeze(dim: number): Tensor {
    return mv.unsqueeze(this, dim);
  }
  /** Removes dims of size 1 (all of them, or those in `dim`), as `x.squeeze(dim)`. */
  squeeze(dim?: Dims): Tensor {
    return mv.squeeze(this, dim);
  }
  /**
   * Broadcasts to a larger shape (-1 keeps a size), as `x.expand(...)`; backward sums over the expanded dims.
   */
  expand(...shape: ShapeArgs): Tensor {
    return base.expand(this, shapeArgs(shape));
  }
  /** Broadcasts to `other`'s shape, as `x.expand_as(other)`. */
  expandAs(other: Tensor): Tensor {
    return base.expand(this, other.shape);
  }
  /**
   * `length` elements of `dim` from `start`, as `x.narrow(dim, start, length)` (Python's `x[:,
   * start:start+length]`).
   */
  narrow(dim: number, start: number, length: number): Tensor {
    return mv.narrow(this, dim, start, length);
  }
  /** Python's `x[..., start:end:step]` along one dim (step 1), as a differentiable copy. */
  slice(dim: number, start?: number, end?: number): Tensor {
    return mv.slice(this, dim, start, end);
  }
  /** Index `index` of `dim`, removing the dim, as `x.select(dim, index)` (Python's `x[:, i]`). */
  select(dim: number, index: number): Tensor {
    return mv.select(this, dim, index);
  }
  /** The entries of `dim` at the given indices, as `x.index_select(dim, index)` (Python's `x[:, [0, 2]]`). */
  indexSelect(dim: number, index: Tensor | readonly number[]): Tensor {
    return mv.indexSelect(this, dim, index);
  }
  /** Picks along `dim` by an index tensor of the output's shape, as `torch.gather`. */
  gather(dim: number, index: Tensor): Tensor {
    return mv.gather(this, dim, index);
  }
  /**
   * Pieces of `splitSize` along `dim` (the last may be smaller), or of the listed sizes, as `torch.split`.
   */
  split(splitSize: number | readonly number[], dim = 0): Tensor[] {
    return mv.split(this, splitSize, dim);
  }
  /** `chunks` nearly equal pieces along `dim`, as `torch.chunk`. */
  chunk(chunks: number, dim = 0): Tensor[] {
    return mv.chunk(this, chunks, dim);
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
/** `backward`'s options given first, as PyTorch's keywords: `loss.backward({ retainGraph: true })`. */
export interface BackwardCallOptions extends BackwardOptions {
  /** The upstream gradient, for a non-scalar output. */
  gradient?: Tensor | null;
}
/** One dim or several (negative dims count from the end), as PyTorch's `dim` argument. */
export type Dims = number | readonly number[];
/** Options of `var` and `std`. */
export interface VarOptions {
  /** Subtracted from N in the divisor; 1 (Bessel's correction, the unbiased estimate) by default, as PyTorch. */
  correction?: number;
  /** Keep the reduced dims with size 1; false by default. */
  keepdim?: boolean;
}
type ShapeArgs = number[] | [readonly number[]];

function shapeArgs(args: ShapeArgs): readonly number[] {
  return args.length === 1 && Array.isArray(args[0]) ? args[0] : (args as number[]);
}
