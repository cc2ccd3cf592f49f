/**
 * Reductions. Primitives: sum (in base.ts, the floor every op file imports) and
 * amax (with amin as amax of -x). mean, var, std, logsumexp and max/min with
 * indices are compositions; softmax and logSoftmax are fused ops in softmax.ts.
 * Dims may be negative, a single dim or a list, or omitted for all dims; an
 * empty list means all dims, as in PyTorch 1.13.
 */
import { fromOp, noGrad } from '../engine.ts';
import { fmtShape, ValueError } from '../errors.ts';
import * as K from '../kernels/reduce.ts';
import { normalizeDim, normalizeDims, numelOf } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { namedTuple } from '../tuple.ts';
import { savesOutput } from '../versions.ts';
import { type Dims, expand, reduceBlocks, reducedShapes, reductionDims, reshape, sum } from './base.ts';
import { add, compare, div, exp, log, mul, neg, sqrt, sub } from './elementwise.ts';
import { gather, squeeze } from './movement.ts';

/** What `max(dim)` and `min(dim)` return: `[values, indices]`, also as `.values` and `.indices`. */
export type ValuesIndices = readonly [values: Tensor, indices: Tensor] & {
  readonly values: Tensor;
  readonly indices: Tensor;
};

/** mean = sum / N over the reduced dims (NaN for an empty reduction, as PyTorch). */
export function mean(a: Tensor, dim?: Dims, keepdim = false): Tensor {
  const dims = reductionDims('mean', dim, a.ndim);
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
  const dims = reductionDims('var', dim, a.ndim);
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
  const dims = reductionDims('amax', dim, a.ndim);
  if (a.numel() === 0)
    throw new ValueError(`amax: cannot reduce an empty tensor of shape ${fmtShape(a.shape)}`);
  const [kept, shape] = reducedShapes(a.shape, dims, keepdim);
  const data = reduceBlocks(a.data, a.shape, dims, (src, o, r, i) => K.maxAxis(src, o, r, i, 1).values);
  const out: Tensor = fromOp('amax', data, shape, [a], (g) => {
    const mask = compare('eq', a, expand(reshape(out.detach(), kept), a.shape));
    const count = noGrad(() => expand(sum(mask, dims, true), a.shape));
    return [div(mul(expand(reshape(g, kept), a.shape), mask), count)];
  });
  return savesOutput(out);
}

/** Minimum over `dim` (all dims by default), as `torch.amin`; the gradient is split evenly among ties. */
export function amin(a: Tensor, dim?: Dims, keepdim = false): Tensor {
  return neg(amax(neg(a), dim, keepdim));
}

/** Indices of the maximum (sign 1) or minimum (sign -1) along dim, or of the flattened tensor. */
export function argmax(a: Tensor, dim: number | undefined, keepdim: boolean, sign: 1 | -1): Tensor {
  const name = sign === 1 ? 'argmax' : 'argmin';
  if (a.numel() === 0)
    throw new ValueError(`${name}: cannot reduce an empty tensor of shape ${fmtShape(a.shape)}`);
  if (dim === undefined) {
    const { indices } = K.maxAxis(a.data, 1, a.numel(), 1, sign);
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
  const [v, i] = keepdim ? [values, idx] : [squeeze(values, d), squeeze(idx, d)];
  return namedTuple([v, i] as const, { values: v, indices: i });
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
