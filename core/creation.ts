/** Ways to make a tensor: from data, filled, ranges, and random draws from the seeded generator. */
import { arrayFrom, checkDtype, type DType, type FloatArray, getDefaultDtype, newArray } from './dtype.ts';
import { fmtShape, ValueError } from './errors.ts';
import { defaultGenerator, type Generator } from './random.ts';
import { checkShapeArg, numelOf, type Shape } from './shape.ts';
import { type NestedArray, Tensor } from './tensor.ts';
import { checkNumber, checkOptions, checkTensor } from './validate.ts';

/** Options every tensor factory takes. */
export interface TensorOptions {
  /** Record operations on the new tensor for autograd (`requires_grad`); false by default. */
  requiresGrad?: boolean;
  /** 'float32' or 'float64'; the default dtype (see `setDefaultDtype`, float64 unless changed) when absent. */
  dtype?: DType;
}

/** The dtype a factory makes: the `dtype` option, checked, or the default dtype. */
function dtypeOption(op: string, opts: TensorOptions, fallback: DType = getDefaultDtype()): DType {
  return opts.dtype === undefined ? fallback : checkDtype(op, 'dtype', opts.dtype);
}

/** Options of the random factories (`rand`, `randn`, `randint`, ...). */
export interface RandomOptions extends TensorOptions {
  /** Source of the draws; the seeded global generator (see `manualSeed`) by default. */
  generator?: Generator;
}

/** Reads a nested array's shape, rejecting ragged nesting and non-numbers by position. */
function inferNested(x: NestedArray, path: number[], shape: number[], out: number[]): void {
  if (Array.isArray(x)) {
    const depth = path.length;
    if (shape.length === depth) shape.push(x.length);
    else if (shape[depth] !== x.length || typeof shape[depth] !== 'number') {
      throw new ValueError(
        `tensor: ragged nested array: expected a sequence of length ${shape[depth] ?? 'scalar'} at index ` +
          `[${path.join(', ')}] (dim ${depth}), got length ${x.length}`,
      );
    }
    for (const [i, v] of x.entries()) inferNested(v, [...path, i], shape, out);
    return;
  }
  if (typeof x !== 'number') {
    throw new ValueError(
      `tensor: expected a number at index [${path.join(', ')}], got ${typeof x} (${String(x)})`,
    );
  }
  if (path.length !== shape.length) {
    throw new ValueError(
      `tensor: ragged nested array: a number at index [${path.join(', ')}] where a sequence of length ${shape[path.length]} was expected`,
    );
  }
  out.push(x);
}

/**
 * Makes a tensor from a number, a nested array or a typed array (copied), as
 * `torch.tensor`. A flat array or typed array takes `shape` to reshape it. The
 * dtype is the `dtype` option or the default dtype, whatever the input's class:
 * unlike `torch.tensor` on a NumPy array, a Float32Array does not make a float32
 * tensor by itself (pass `{ dtype: 'float32' }`).
 */
export function tensor(
  data: NestedArray | ArrayLike<number>,
  opts: TensorOptions & { shape?: Shape } = {},
): Tensor {
  checkOptions('tensor', opts, ['requiresGrad', 'shape', 'dtype']);
  const dtype = dtypeOption('tensor', opts);
  let values: FloatArray;
  let shape: number[];
  if (typeof data === 'number') {
    values = newArray(dtype, 1).fill(data);
    shape = [];
  } else if (Array.isArray(data)) {
    const flat: number[] = [];
    shape = [];
    inferNested(data as NestedArray, [], shape, flat);
    values = arrayFrom(dtype, flat);
  } else if (data === null || data === undefined) {
    throw new ValueError(
      `tensor: cannot make a tensor from ${data}; expected a number, a nested array or a typed array`,
    );
  } else if (ArrayBuffer.isView(data) || typeof (data as ArrayLike<number>).length === 'number') {
    values = arrayFrom(dtype, data as ArrayLike<number>);
    shape = [values.length];
  } else {
    throw new ValueError(
      `tensor: cannot make a tensor from ${typeof data}; expected a number, a nested array or a typed array`,
    );
  }
  if (opts.shape !== undefined) {
    checkShapeArg('tensor', opts.shape);
    if (numelOf(opts.shape) !== values.length) {
      throw new ValueError(
        `tensor: ${values.length} values do not fit shape ${fmtShape(opts.shape)} (${numelOf(opts.shape)} elements)`,
      );
    }
    shape = [...opts.shape];
  }
  return new Tensor(values, shape, opts.requiresGrad ?? false);
}

/** A tensor of one value; `op` names the caller in errors. */
function filled(op: string, shape: Shape, value: number, opts: TensorOptions): Tensor {
  checkShapeArg(op, shape);
  checkNumber(op, 'fillValue', value, { finite: false });
  checkOptions(op, opts, ['requiresGrad', 'dtype']);
  const dtype = dtypeOption(op, opts);
  return new Tensor(newArray(dtype, numelOf(shape)).fill(value), shape, opts.requiresGrad ?? false);
}

/** A tensor of `shape` filled with `value`, as `torch.full`. */
export function full(shape: Shape, value: number, opts: TensorOptions = {}): Tensor {
  return filled('full', shape, value, opts);
}

/** A tensor of `shape` filled with 0, as `torch.zeros`. */
export function zeros(shape: Shape, opts: TensorOptions = {}): Tensor {
  return filled('zeros', shape, 0, opts);
}

/** A tensor of `shape` filled with 1, as `torch.ones`. */
export function ones(shape: Shape, opts: TensorOptions = {}): Tensor {
  return filled('ones', shape, 1, opts);
}

/** Zeros of `t`'s shape and dtype (unless `dtype` is given), as `torch.zeros_like`. */
export function zerosLike(t: Tensor, opts: TensorOptions = {}): Tensor {
  checkTensor('zerosLike', 'input', t);
  return filled('zerosLike', t.shape, 0, { dtype: t.dtype, ...opts });
}

/** Ones of `t`'s shape and dtype (unless `dtype` is given), as `torch.ones_like`. */
export function onesLike(t: Tensor, opts: TensorOptions = {}): Tensor {
  checkTensor('onesLike', 'input', t);
  return filled('onesLike', t.shape, 1, { dtype: t.dtype, ...opts });
}

/** `value` in `t`'s shape and dtype (unless `dtype` is given), as `torch.full_like`. */
export function fullLike(t: Tensor, value: number, opts: TensorOptions = {}): Tensor {
  checkTensor('fullLike', 'input', t);
  return filled('fullLike', t.shape, value, { dtype: t.dtype, ...opts });
}

/** Values start, start + step, ... below end, as `torch.arange(end)` or `torch.arange(start, end, step)`. */
export function arange(startOrEnd: number, end?: number, step = 1, opts: TensorOptions = {}): Tensor {
  const start = end === undefined ? 0 : checkNumber('arange', 'start', startOrEnd);
  const stop = checkNumber('arange', 'end', end === undefined ? startOrEnd : end);
  checkNumber('arange', 'step', step);
  checkOptions('arange', opts, ['requiresGrad', 'dtype']);
  const dtype = dtypeOption('arange', opts);
  if (step === 0 || !Number.isFinite(step))
    throw new ValueError(`arange: step must be a finite nonzero number, got ${step}`);
  if ((stop - start) * step < 0) {
    throw new ValueError(
      `arange: upper bound and larger bound inconsistent with step sign (start ${start}, end ${stop}, step ${step})`,
    );
  }
  const n = Math.ceil((stop - start) / step);
  const out = newArray(dtype, n);
  for (let i = 0; i < n; i++) out[i] = start + i * step;
  return new Tensor(out, [n], opts.requiresGrad ?? false);
}

/** `steps` values evenly spaced from start to end inclusive. */
export function linspace(start: number, end: number, steps: number, opts: TensorOptions = {}): Tensor {
  checkNumber('linspace', 'start', start);
  checkNumber('linspace', 'end', end);
  checkOptions('linspace', opts, ['requiresGrad', 'dtype']);
  const dtype = dtypeOption('linspace', opts);
  if (!Number.isInteger(steps) || steps < 0)
    throw new ValueError(`linspace: steps must be a non-negative integer, got ${steps}`);
  const out = newArray(dtype, steps);
  const h = steps > 1 ? (end - start) / (steps - 1) : 0;
  // Symmetric formula, as PyTorch: the second half counts back from end so both ends are exact.
  for (let i = 0; i < steps; i++) out[i] = i < steps / 2 ? start + i * h : end - (steps - 1 - i) * h;
  return new Tensor(out, [steps], opts.requiresGrad ?? false);
}

/** An n x m identity matrix. */
export function eye(n: number, m = n, opts: TensorOptions = {}): Tensor {
  checkShapeArg('eye', [n, m]);
  checkOptions('eye', opts, ['requiresGrad', 'dtype']);
  const out = newArray(dtypeOption('eye', opts), n * m);
  for (let i = 0; i < Math.min(n, m); i++) out[i * m + i] = 1;
  return new Tensor(out, [n, m], opts.requiresGrad ?? false);
}

/** Draws in the `dtype` option, else `fallback` (the default dtype; float64 for the index makers). */
function draw(
  op: string,
  shape: Shape,
  opts: RandomOptions,
  f: (g: Generator) => number,
  fallback: DType = getDefaultDtype(),
): Tensor {
  checkShapeArg(op, shape);
  checkOptions(op, opts, ['requiresGrad', 'generator', 'dtype']);
  const g = opts.generator ?? defaultGenerator;
  const out = newArray(dtypeOption(op, opts, fallback), numelOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = f(g);
  return new Tensor(out, shape, opts.requiresGrad ?? false);
}

/** Uniform on [0, 1). */
export function rand(shape: Shape, opts: RandomOptions = {}): Tensor {
  return draw('rand', shape, opts, (g) => g.random());
}

/** Standard normal. */
export function randn(shape: Shape, opts: RandomOptions = {}): Tensor {
  return draw('randn', shape, opts, (g) => g.normal());
}

/**
 * Integers uniform on [low, high), as `torch.randint`. They are float64 unless `dtype` says otherwise,
 * whatever the default dtype: PyTorch makes int64 here, and float64 is what holds every int64 index exactly
 * (up to 2^53).
 */
export function randint(low: number, high: number, shape: Shape, opts: RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new ValueError(`randint: expected integers low < high, got low ${low}, high ${high}`);
  }
  return draw('randint', shape, opts, (g) => g.randint(low, high), 'float64');
}

/** A random permutation of 0..n-1, as `torch.randperm`; float64 unless `dtype` says otherwise (see randint). */
export function randperm(n: number, opts: RandomOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0)
    throw new ValueError(`randperm: n must be a non-negative integer, got ${n}`);
  checkOptions('randperm', opts, ['requiresGrad', 'generator', 'dtype']);
  const g = opts.generator ?? defaultGenerator;
  return new Tensor(arrayFrom(dtypeOption('randperm', opts, 'float64'), g.randperm(n)), [n]);
}

/**
 * 1 with probability p (elementwise, from the probabilities in p), else 0, as `torch.bernoulli`: in p's dtype
 * (the default dtype for a number p) unless `dtype` is given. Not differentiable.
 */
export function bernoulli(
  p: Tensor | number,
  shapeOrOpts?: Shape | RandomOptions,
  maybeOpts: RandomOptions = {},
): Tensor {
  const opts = Array.isArray(shapeOrOpts) ? maybeOpts : ((shapeOrOpts as RandomOptions | undefined) ?? {});
  const probs = typeof p === 'number' ? full(Array.isArray(shapeOrOpts) ? shapeOrOpts : [], p) : p;
  const dtype = dtypeOption('bernoulli', opts, probs.dtype);
  for (const v of probs.data) {
    if (!(v >= 0 && v <= 1)) throw new ValueError(`bernoulli: probabilities must be in [0, 1], got ${v}`);
  }
  const g = opts.generator ?? defaultGenerator;
  const out = newArray(dtype, probs.numel());
  for (let i = 0; i < out.length; i++) out[i] = +(g.random() < probs.data[i]!); // a number, not a jump on a coin flip
  return new Tensor(out, probs.shape);
}
