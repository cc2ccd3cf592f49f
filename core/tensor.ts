/**
 * The Tensor: the storage, shape and autograd state of `TensorBase`
 * (tensor-base.ts) plus one method per op. The methods are thin: each delegates
 * to the op of the same name in core/ops, where forward and backward sit together.
 */
import { checkDtype, type DType, type FloatArray } from './dtype.ts';
import { type BackwardOptions, type Node, backward as runBackward } from './engine.ts';
import * as base from './ops/base.ts';
import * as ew from './ops/elementwise.ts';
import * as ip from './ops/inplace.ts';
import * as mm from './ops/matmul.ts';
import * as mv from './ops/movement.ts';
import * as rd from './ops/reduce.ts';
import * as sm from './ops/softmax.ts';
import { formatTensor } from './print.ts';
import { type Shape, sameShape } from './shape.ts';
import { TensorBase } from './tensor-base.ts';
import { checkOptions, checkSameDtype, checkTensor } from './validate.ts';

/**
 * A tensor or a plain number (broadcast as a 0-d tensor), accepted wherever PyTorch takes a Python scalar.
 */
export type TensorLike = Tensor | number;
export type { DType, FloatArray } from './dtype.ts';
export type { Hook, NestedArray, RemovableHandle, TensorJSON } from './tensor-base.ts';

/**
 * An n-dimensional array of float32 or float64 with autograd, as `torch.Tensor`. Values are
 * row-major in `data`, whose class (Float32Array or Float64Array) is the dtype; ops return new tensors (the in-place forms end in `_`), and each records a `gradFn` when an
 * input requires grad, so `backward()` fills `.grad` of the leaves. Indexing is by methods: `select`,
 * `narrow`, `slice`, `indexSelect`, `gather`.
 */
export class Tensor extends TensorBase {
  /** @internal The engine's constructor for op results. */
  static _fromNode(data: FloatArray, shape: Shape, node: Node): Tensor {
    const t = new Tensor(data, shape, true);
    t._rebase(node);
    return t;
  }

  // ------------------------------------------------------------ dtype, comparison, printing

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
  /** Same shape and the same values, as `torch.equal` (NaN is not equal to itself). */
  equal(other: Tensor): boolean {
    checkTensor('equal', 'other', other);
    return sameShape(this.shape, other.shape) && this.data.every((v, i) => v === other.data[i]);
  }
  /**
   * Whether |this - other| <= atol + rtol |other| everywhere (other broadcast),
   * as `torch.allclose` with its defaults rtol 1e-5, atol 1e-8. A tensor
   * `other` must have this tensor's dtype, as torch requires ("Float did not
   * match Double"); a number is compared as it is.
   */
  allclose(other: TensorLike, opts: { rtol?: number; atol?: number; equalNan?: boolean } = {}): boolean {
    checkOptions('allclose', opts, ['rtol', 'atol', 'equalNan']);
    if (other instanceof Tensor) checkSameDtype('allclose', { input: this, other });
    const { rtol = 1e-5, atol = 1e-8, equalNan = false } = opts;
    const [a, b] = ew.broadcastAll('allclose', this, other) as [Tensor, Tensor];
    return a.data.every((x, i) => {
      const y = b.data[i]!;
      if (Number.isNaN(x) || Number.isNaN(y)) return equalNan && Number.isNaN(x) && Number.isNaN(y);
      return x === y || Math.abs(x - y) <= atol + rtol * Math.abs(y);
    });
  }
  /** A PyTorch-style print: `tensor([[1., 2.], ...], requires_grad=True)`. */
  override toString(): string {
    return formatTensor(this);
  }

  // ------------------------------------------------------------ autograd

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
