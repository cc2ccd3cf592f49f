/**
 * Reductions. Primitives: sum and amax (with amin as amax of -x). mean, var,
 * std, logsumexp and max/min with indices are compositions. softmax and
 * logSoftmax are fused ops in softmax.ts (re-exported here, where callers
 * have always found them).
 * Dims may be negative, a single dim or a list, or omitted for all dims.
 */
import { freshGrad, fromOp, noGrad } from '../engine.ts';
import { fmtShape, ValueError } from '../errors.ts';
import * as K from '../kernels/reduce.ts';
import { normalizeDim, normalizeDims, numelOf, type Shape } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { add, compare, div, exp, log, mul, neg, sqrt, sub } from './elementwise.ts';
import { expand, gather, reshape, squeeze } from './movement.ts';

export type Dims = number | readonly number[] | undefined;

export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

/** The shape with reduced dims kept as 1, and the final shape. */
function reducedShapes(shape: Shape, dims: readonly number[], keepdim: boolean): [number[], number[]] {
  const kept = shape.map((s, i) => (dims.includes(i) ? 1 : s));
  return [kept, keepdim ? kept : shape.filter((_, i) => !dims.includes(i))];
}

/**
 * Applies a one-axis kernel over a set of dims: adjacent dims merge into one
 * axis, separate blocks are reduced one after another from the last.
 */
function reduceBlocks(
  data: Float64Array,
  shape: Shape,
  dims: readonly number[],
  kernel: (src: Float64Array, outer: number, r: number, inner: number) => Float64Array,
): Float64Array {
  let cur = data;
  const s = [...shape];
  let i = dims.length - 1;
  while (i >= 0) {
    let j = i;
    while (j > 0 && dims[j - 1] === dims[j]! - 1) j--;
    const lo = dims[j]!;
    const hi = dims[i]!;
    const outer = numelOf(s.slice(0, lo));
    const r = numelOf(s.slice(lo, hi + 1));
    const inner = numelOf(s.slice(hi + 1));
    cur = kernel(cur, outer, r, inner);
    for (let d = lo; d <= hi; d++) s[d] = 1;
    i = j - 1;
  }
  return cur === data ? Float64Array.from(data) : cur;
}

/** sum over dims.  da = g expanded back over the reduced dims. */
export function sum(a: Tensor, dim?: Dims, keepdim = false): Tensor {
  const dims = normalizeDims('sum', dim, a.ndim);
  const [kept, shape] = reducedShapes(a.shape, dims, keepdim);
  const data = reduceBlocks(a.data, a.shape, dims, K.sumAxis);
  return fromOp('sum', data, shape, [a], (g) => {
    const spread = expand(reshape(g, kept), a.shape);
    return [spread.data === g.data ? spread : freshGrad(spread)]; // a sum over no dims passes g through
  });
}

/** mean = sum / N over the reduced dims (NaN for an empty reduction, as PyTorch). */
export function mean(a: Tensor, dim?: Dims, keepdim = false): Tensor {
  const dims = normalizeDims('mean', dim, a.ndim);
  return div(sum(a, dims, keepdim), numelOf(dims.map((d) => a.shape[d]!)));
}

export interface VarOptions {
  correction?: number;
  keepdim?: boolean;
}

/**
 * var = sum((a - mean)^2) / (N - correction). correction = 1 (default, as PyTorch)
 * is the unbiased estimate; 0 is the population (biased) variance that BatchNorm
 * and LayerNorm normalize with.
 */
export function variance(a: Tensor, dim?: Dims, opts: VarOptions = {}): Tensor {
  const correction = opts.correction ?? 1;
  const dims = normalizeDims('var', dim, a.ndim);
  const n = numelOf(dims.map((d) => a.shape[d]!));
  const centered = sub(a, mean(a, dims, true));
  return div(sum(mul(centered, centered), dims, opts.keepdim ?? false), Math.max(0, n - correction));
}

/** std = sqrt(var), with the same correction. */
export function std(a: Tensor, dim?: Dims, opts: VarOptions = {}): Tensor {
  return sqrt(variance(a, dim, opts));
}

/**
 * amax over dims. The gradient is split evenly among elements that tie for the
 * maximum, as PyTorch's amax.  da = g * [a == max] / count.
 */
export function amax(a: Tensor, dim?: Dims, keepdim = false): Tensor {
  const dims = normalizeDims('amax', dim, a.ndim);
  if (a.numel === 0)
    throw new ValueError(`amax: cannot reduce an empty tensor of shape ${fmtShape(a.shape)}`);
  const [kept, shape] = reducedShapes(a.shape, dims, keepdim);
  const data = reduceBlocks(a.data, a.shape, dims, (src, o, r, i) => K.maxAxis(src, o, r, i, 1).values);
  const out: Tensor = fromOp('amax', data, shape, [a], (g) => {
    const mask = compare('eq', a, expand(reshape(out.detach(), kept), a.shape));
    const count = noGrad(() => expand(sum(mask, dims, true), a.shape));
    return [div(mul(expand(reshape(g, kept), a.shape), mask), count)];
  });
  return out;
}

/** Minimum over `dim` (all dims by default), as `torch.amin`; the gradient is split evenly among ties. */
export function amin(a: Tensor, dim?: Dims, keepdim = false): Tensor {
  return neg(amax(neg(a), dim, keepdim));
}

/** Indices of the maximum (sign 1) or minimum (sign -1) along dim, or of the flattened tensor. */
export function argmax(a: Tensor, dim: number | undefined, keepdim: boolean, sign: 1 | -1): Tensor {
  const name = sign === 1 ? 'argmax' : 'argmin';
  if (a.numel === 0)
    throw new ValueError(`${name}: cannot reduce an empty tensor of shape ${fmtShape(a.shape)}`);
  if (dim === undefined) {
    const { indices } = K.maxAxis(a.data, 1, a.numel, 1, sign);
    return new Tensor(indices, keepdim ? a.shape.map(() => 1) : []);
  }
  const d = normalizeDim(name, dim, a.ndim);
  const outer = numelOf(a.shape.slice(0, d));
  const inner = numelOf(a.shape.slice(d + 1));
  const { indices } = K.maxAxis(a.data, outer, a.shape[d] ?? 1, inner, sign);
  const [, shape] = reducedShapes(a.shape, a.ndim === 0 ? [] : [d], keepdim);
  return new Tensor(indices, shape);
}

/**
 * max (or min) along one dim with indices, as `torch.max(x, dim)`. The values are
 * gathered at the indices, so the gradient goes to the first extreme element only.
 */
export function maxDim(a: Tensor, dim: number, keepdim: boolean, sign: 1 | -1): ValuesIndices {
  const d = normalizeDim(sign === 1 ? 'max' : 'min', dim, a.ndim);
  const idx = argmax(a, d, true, sign);
  const values = gather(a, d, idx);
  return keepdim ? { values, indices: idx } : { values: squeeze(values, d), indices: squeeze(idx, d) };
}

/** logsumexp = m + log(sum(exp(a - m))) with m = max (held constant), so large logits do not overflow. */
export function logsumexp(a: Tensor, dim: Dims, keepdim = false): Tensor {
  const dims = normalizeDims('logsumexp', dim, a.ndim);
  const m = noGrad(() => {
    const raw = amax(a, dims, true);
    // An all -inf (or inf) slice keeps a finite shift, so -inf - -inf does not become NaN.
    return new Tensor(
      raw.data.map((v) => (Number.isFinite(v) ? v : 0)),
      raw.shape,
    );
  });
  const out = add(log(sum(exp(sub(a, m)), dims, true)), m);
  return keepdim ? out : squeeze(out, dims);
}

export { logSoftmax, softmax } from './softmax.ts';
