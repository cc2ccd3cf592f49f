/**
 * Elementwise ops. Primitives (each with its backward beside its forward): add,
 * mul, div, pow, neg, exp, log, sqrt, abs, sigmoid, tanh, relu, where. Everything
 * else here is a composition of those and gets its gradient for free.
 *
 * Broadcasting follows NumPy/PyTorch: operands are expanded to a common shape by
 * the `expand` op, whose backward sums the gradient back, so no primitive here
 * reduces a gradient to shape itself.
 *
 * Type promotion follows PyTorch too, in the same place (`broadcastAll`): a
 * float32 and a float64 tensor meet in float64 (the float32 one goes through the
 * differentiable `cast`, so its gradient comes back as float32), and a JS number
 * takes the dtype of the tensor it meets, so `x.mul(2)` on a float32 x stays float32.
 */
import { type DType, getDefaultDtype, newArray } from '../dtype.ts';
import { fromOp } from '../engine.ts';
import { ValueError } from '../errors.ts';
import { freshGrad } from '../grad-buffers.ts';
import * as K from '../kernels/elementwise.ts';
import { broadcastShapes, sameShape } from '../shape.ts';
import { Tensor, type TensorLike } from '../tensor.ts';
import { checkTensorLike, describe } from '../validate.ts';
import { savesOutput } from '../versions.ts';
import { cast, expand } from './base.ts';

/**
 * Numbers become 0-d tensors of `dtype` (the default dtype unless given); anything else that is not a tensor
 * is an error naming op and arg.
 */
export function lift(x: TensorLike, op = 'lift', arg = 'input', dtype?: DType): Tensor {
  if (typeof x === 'number') return new Tensor(newArray(dtype ?? getDefaultDtype(), 1).fill(x), []);
  checkTensorLike(op, arg, x);
  return x;
}

/**
 * Brings operands to one dtype and their broadcast shape (a no-op for operands that
 * already have them). The dtype is PyTorch's promotion: the widest dtype among the
 * dimensioned tensor operands (float64 if any is float64); 0-d tensors vote only
 * when every tensor is 0-d (a 0-d float64 does not promote a float32 matrix, as in
 * PyTorch); numbers never vote and take the result's dtype. A where's condition
 * (the first of three) is a mask: it keeps its own dtype and does not vote.
 */
export function broadcastAll(op: string, ...xs: TensorLike[]): Tensor[] {
  const names = xs.length === 3 ? ['condition', 'input', 'other'] : ['input', 'other'];
  const first = xs.length === 3 ? 1 : 0;
  // Bits: 1 = a float32 vote, 2 = a float64 vote; dims for dimensioned tensors, zeroDims for 0-d ones.
  let dims = 0;
  let zeroDims = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (typeof x === 'number') continue;
    checkTensorLike(op, names[i]!, x);
    if (i < first) continue;
    const bit = x.data instanceof Float32Array ? 1 : 2;
    if (x.shape.length > 0) dims |= bit;
    else zeroDims |= bit;
  }
  const votes = dims !== 0 ? dims : zeroDims;
  const dtype: DType = votes >= 2 ? 'float64' : votes === 1 ? 'float32' : getDefaultDtype();
  const ts = xs.map((x, i) => (typeof x === 'number' ? lift(x, op, names[i], dtype) : x));
  if ((dims | zeroDims) === 3) for (let i = first; i < ts.length; i++) ts[i] = cast(ts[i]!, dtype);
  let shape: readonly number[] = ts[0]!.shape;
  for (let i = 1; i < ts.length; i++) shape = broadcastShapes(op, shape, ts[i]!.shape);
  return ts.map((t) => (sameShape(t.shape, shape) ? t : expand(t, shape)));
}

/** add: out = a + b.  da = g, db = g. */
export function add(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number' && a instanceof Tensor) {
    return fromOp('add', K.addScalar(a.data, b), a.shape, [a], (g) => [g]);
  }
  const [x, y] = broadcastAll('add', a, b) as [Tensor, Tensor];
  return fromOp('add', K.add(x.data, y.data), x.shape, [x, y], (g) => [g, g]);
}

/** sub: a - b = a + (-b), exact in IEEE arithmetic. */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number') return add(a, -b);
  const [x, y] = broadcastAll('sub', a, b) as [Tensor, Tensor];
  return add(x, neg(y));
}

/** mul: out = a * b.  da = g * b, db = g * a. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number' && a instanceof Tensor) {
    return fromOp('mul', K.mulScalar(a.data, b), a.shape, [a], (g) => [freshGrad(mul(g, b))]);
  }
  const [x, y] = broadcastAll('mul', a, b) as [Tensor, Tensor];
  return fromOp('mul', K.mul(x.data, y.data), x.shape, [x, y], (g, needs) => [
    needs[0] ? freshGrad(mul(g, y)) : null,
    needs[1] ? freshGrad(mul(g, x)) : null,
  ]);
}

/** div: out = a / b.  da = g / b, db = -g * a / b^2. */
export function div(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number' && a instanceof Tensor) {
    return fromOp('div', K.divScalar(a.data, b), a.shape, [a], (g) => [div(g, b)]);
  }
  const [x, y] = broadcastAll('div', a, b) as [Tensor, Tensor];
  return fromOp('div', K.div(x.data, y.data), x.shape, [x, y], (g, needs) => [
    needs[0] ? div(g, y) : null,
    needs[1] ? neg(div(mul(g, x), mul(y, y))) : null,
  ]);
}

/**
 * pow: out = a^b.  da = g * b * a^(b-1), and 0 where b = 0 (a^0 is the constant 1,
 * even at a = 0 where b * a^(b-1) would be 0 * inf); db = g * out * ln(a), and 0
 * where a = 0 and b >= 0 (the limit of a^b ln a as a -> 0+). Both masks are
 * PyTorch's (`pow_backward_self`, `pow_backward_exponent`); a negative base gives
 * NaN for db, as in PyTorch, since ln a is undefined there.
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number' && a instanceof Tensor) {
    if (b === 1) return mul(a, 1);
    return fromOp('pow', K.powScalar(a.data, b), a.shape, [a], (g) => [
      b === 0 ? zerosOf(g) : b === 2 ? mul(g, mul(a, 2)) : mul(g, mul(pow(a, b - 1), b)),
    ]);
  }
  const [x, y] = broadcastAll('pow', a, b) as [Tensor, Tensor];
  const out: Tensor = fromOp('pow', K.pow(x.data, y.data), x.shape, [x, y], (g, needs) => [
    needs[0] ? where(compare('eq', y, 0), 0, mul(g, mul(y, pow(x, sub(y, 1))))) : null,
    needs[1] ? mul(g, where(mul(compare('eq', x, 0), compare('ge', y, 0)), 0, mul(out, log(x)))) : null,
  ]);
  return savesOutput(out);
}

/** A constant zero gradient shaped like g. */
function zerosOf(g: Tensor): Tensor {
  return new Tensor(newArray(g.dtype, g.numel()), g.shape);
}

/** neg: out = -a.  da = -g. */
export function neg(a: TensorLike): Tensor {
  const x = lift(a, 'neg');
  return fromOp('neg', K.mulScalar(x.data, -1), x.shape, [x], (g) => [neg(g)]);
}

/** exp: out = e^a.  da = g * out. */
export function exp(a: TensorLike): Tensor {
  const x = lift(a, 'exp');
  const out: Tensor = fromOp('exp', K.exp(x.data), x.shape, [x], (g) => [mul(g, out)]);
  return savesOutput(out);
}

/** log: out = ln a.  da = g / a. */
export function log(a: TensorLike): Tensor {
  const x = lift(a, 'log');
  return fromOp('log', K.log(x.data), x.shape, [x], (g) => [div(g, x)]);
}

/** sqrt: out = a^(1/2).  da = g / (2 out). */
export function sqrt(a: TensorLike): Tensor {
  const x = lift(a, 'sqrt');
  const out: Tensor = fromOp('sqrt', K.map(x.data, Math.sqrt), x.shape, [x], (g) => [div(g, mul(out, 2))]);
  return savesOutput(out);
}

/** rsqrt: a^(-1/2) = 1 / sqrt(a). */
export function rsqrt(a: TensorLike): Tensor {
  return div(1, sqrt(a));
}

/** abs: out = |a|.  da = g * sign(a) (0 at a = 0, as PyTorch). */
export function abs(a: TensorLike): Tensor {
  const x = lift(a, 'abs');
  return fromOp('abs', K.map(x.data, Math.abs), x.shape, [x], (g) => [mul(g, sign(x))]);
}

/** sign: -1, 0 or 1; not differentiable (its gradient is zero almost everywhere). */
export function sign(a: TensorLike): Tensor {
  const x = lift(a, 'sign');
  return new Tensor(K.map(x.data, Math.sign), x.shape);
}

/** sigmoid: out = 1 / (1 + e^-a), computed without overflow.  da = g * out * (1 - out). */
export function sigmoid(a: TensorLike): Tensor {
  const x = lift(a, 'sigmoid');
  const out: Tensor = fromOp('sigmoid', K.sigmoid(x.data), x.shape, [x], (g) => [
    freshGrad(sigmoidGrad(g, out)),
  ]);
  return savesOutput(out);
}

/**
 * sigmoidGrad(g, y) = g * y * (1 - y), sigmoid's backward as one op.
 * d/dg = y (1 - y);  d/dy = g (1 - 2y).
 */
function sigmoidGrad(g: Tensor, y: Tensor): Tensor {
  return fromOp('sigmoidBackward', K.sigmoidGrad(g.data, y.data), g.shape, [g, y], (gg, needs) => [
    needs[0] ? sigmoidGrad(gg, y) : null,
    needs[1] ? mul(gg, mul(g, sub(1, mul(y, 2)))) : null,
  ]);
}

/** tanh: out = tanh a.  da = g * (1 - out^2). */
export function tanh(a: TensorLike): Tensor {
  const x = lift(a, 'tanh');
  const out: Tensor = fromOp('tanh', K.tanh(x.data), x.shape, [x], (g) => [freshGrad(tanhGrad(g, out))]);
  return savesOutput(out);
}

/**
 * tanhGrad(g, y) = g * (1 - y^2), tanh's backward as one op.
 * d/dg = 1 - y^2;  d/dy = -2 g y.
 */
function tanhGrad(g: Tensor, y: Tensor): Tensor {
  return fromOp('tanhBackward', K.tanhGrad(g.data, y.data), g.shape, [g, y], (gg, needs) => [
    needs[0] ? tanhGrad(gg, y) : null,
    needs[1] ? mul(gg, mul(g, mul(y, -2))) : null,
  ]);
}

/** relu: out = max(a, 0).  da = g * [a > 0] (0 at the kink, as PyTorch). */
export function relu(a: TensorLike): Tensor {
  const x = lift(a, 'relu');
  return fromOp('relu', K.relu(x.data), x.shape, [x], (g) => [freshGrad(reluGrad(g, x))]);
}

/** reluGrad(g, x) = g * [x > 0] in one pass; linear in g with a constant mask, so its backward is itself. */
function reluGrad(g: Tensor, x: Tensor): Tensor {
  return fromOp('reluBackward', K.reluGrad(g.data, x.data), g.shape, [g], (gg) => [reluGrad(gg, x)]);
}

/** leakyRelu(a) = a if a > 0 else slope * a (the slope also at a = 0, as PyTorch's gradient). */
export function leakyRelu(a: TensorLike, negativeSlope = 0.01): Tensor {
  const x = lift(a, 'leakyRelu');
  return where(compare('gt', x, 0), x, mul(x, negativeSlope));
}

/** where: out = cond ? a : b (cond nonzero).  da = where(cond, g, 0), db = where(cond, 0, g). */
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const [c, x, y] = broadcastAll('where', cond, a, b) as [Tensor, Tensor, Tensor];
  const mask = c.detach();
  return fromOp('where', K.where(mask.data, x.data, y.data), x.shape, [x, y], (g, needs) => {
    const zero = new Tensor(newArray(g.dtype, g.numel()), g.shape);
    return [needs[0] ? where(mask, g, zero) : null, needs[1] ? where(mask, zero, g) : null];
  });
}

/** clamp(a, min, max): where(a < min, min, where(a > max, max, a)); the gradient is 0 where clamped. */
export function clamp(a: TensorLike, min?: number | null, max?: number | null): Tensor {
  let x = lift(a, 'clamp');
  for (const [arg, v] of [
    ['min', min],
    ['max', max],
  ] as const) {
    if (v !== undefined && v !== null && typeof v !== 'number') {
      throw new ValueError(`clamp: ${arg} must be a number or null, got ${describe(v)}`);
    }
  }
  if (min !== undefined && min !== null) x = where(compare('lt', x, min), min, x);
  if (max !== undefined && max !== null) x = where(compare('gt', x, max), max, x);
  return x === a ? mul(x, 1) : x;
}

/** maximum(a, b) elementwise; at ties each side gets half the gradient, as PyTorch. */
export function maximum(x: TensorLike, y: TensorLike): Tensor {
  const [a, b] = broadcastAll('maximum', x, y) as [Tensor, Tensor];
  return where(compare('gt', a, b), a, where(compare('lt', a, b), b, mul(add(a, b), 0.5)));
}

/** minimum(a, b) elementwise; at ties each side gets half the gradient, as PyTorch. */
export function minimum(x: TensorLike, y: TensorLike): Tensor {
  const [a, b] = broadcastAll('minimum', x, y) as [Tensor, Tensor];
  return where(compare('lt', a, b), a, where(compare('gt', a, b), b, mul(add(a, b), 0.5)));
}

/** Comparisons give 0/1 masks in the operands' promoted dtype, with no gradient (normgrad has no bool dtype). */
export function compare(op: K.CompareOp, a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = broadcastAll(op, a, b) as [Tensor, Tensor];
  return new Tensor(K.compare(op, x.data, y.data), x.shape);
}
