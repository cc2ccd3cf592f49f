/**
 * The floor of the op layer: reshape, expand and sum, sumTo (expand's
 * adjoint), and cast (the dtype conversion every promoting op uses). Every other op file builds on these, and this file imports no other
 * op file, so the op layer has no import loop: base <- movement, elementwise <-
 * reduce, softmax <- norm, matmul, loss.
 *
 * The three are each other's backward: reshape's is reshape, expand's is a sum
 * over the broadcast dims, and sum's is an expand, so all of them are
 * differentiable to any order.
 */
import { arrayFrom, type DType, type FloatArray } from '../dtype.ts';
import { fromOp } from '../engine.ts';
import { fmtShape, ShapeError, ValueError } from '../errors.ts';
import { freshGrad } from '../grad-buffers.ts';
import * as KM from '../kernels/movement.ts';
import * as KR from '../kernels/reduce.ts';
import { checkShapeArg, normalizeDims, numelOf, type Shape, sameShape, stridesOf } from '../shape.ts';
import type { Tensor } from '../tensor.ts';

/** Dims to reduce over: one, a list, or undefined for all. */
export type Dims = number | readonly number[] | undefined;

/** reshape: same data, new shape; one dim may be -1 (inferred).  da = reshape(g, a.shape). */
export function reshape(a: Tensor, shape: Shape, op = 'reshape'): Tensor {
  const resolved = inferShape(op, a, shape);
  if (sameShape(resolved, a.shape)) return a;
  return fromOp('reshape', a.data, resolved, [a], (g) => [reshape(g, a.shape)]);
}

function inferShape(op: string, a: Tensor, shape: Shape): number[] {
  const out = [...shape];
  const free = out.indexOf(-1);
  if (free !== out.lastIndexOf(-1))
    throw new ValueError(`${op}: only one dimension can be inferred in ${fmtShape(shape)}`);
  if (free >= 0) out[free] = 1;
  checkShapeArg(op, out);
  const known = numelOf(out);
  if (free >= 0) {
    if (known === 0 || a.numel() % known !== 0) {
      throw new ShapeError(
        `${op}: shape ${fmtShape(shape)} is invalid for input of size ${a.numel()} (shape ${fmtShape(a.shape)})`,
      );
    }
    out[free] = a.numel() / known;
  } else if (known !== a.numel()) {
    throw new ShapeError(
      `${op}: shape ${fmtShape(shape)} is invalid for input of size ${a.numel()} (shape ${fmtShape(a.shape)})`,
    );
  }
  return out;
}

/**
 * expand: broadcast size-1 dims (and new leading dims) to `shape`; -1 keeps a dim.
 * da = g summed over the broadcast dims (sumTo).
 */
export function expand(a: Tensor, shape: Shape): Tensor {
  const lead = shape.length - a.ndim;
  if (lead < 0) {
    throw new ShapeError(
      `expand: the number of sizes provided (${shape.length}) must be greater or equal to the number of dimensions ` +
        `in the tensor (${a.ndim}); got ${fmtShape(shape)} for input of shape ${fmtShape(a.shape)}`,
    );
  }
  const target = shape.map((s, i) => (s === -1 && i >= lead ? a.shape[i - lead]! : s));
  checkShapeArg('expand', target);
  const src = stridesOf(a.shape);
  const strides = target.map((s, i) => {
    if (i < lead) return 0;
    const own = a.shape[i - lead]!;
    if (own === s) return src[i - lead]!;
    if (own === 1) return 0;
    throw new ShapeError(
      `expand: the expanded size of the tensor (${s}) must match the existing size (${own}) at non-singleton ` +
        `dimension ${i}; target ${fmtShape(shape)}, input ${fmtShape(a.shape)}`,
    );
  });
  if (sameShape(target, a.shape)) return a;
  return fromOp('expand', KM.stridedRead(a.data, 0, strides, target), target, [a], (g) => [
    sumTo(g, a.shape),
  ]);
}

/** Sums g over the dims that broadcasting added or stretched, giving a tensor of `shape`. */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  return reshape(sum(g, dims, true), shape);
}

/**
 * The dims a reduction runs over, sorted and non-negative. An empty list means
 * every dim, as `x.sum([])` in PyTorch 1.13 (a list with nothing in it is not
 * "reduce nothing" there).
 */
export function reductionDims(op: string, dim: Dims, ndim: number): number[] {
  return normalizeDims(op, Array.isArray(dim) && dim.length === 0 ? undefined : dim, ndim);
}

/** The shape with reduced dims kept as 1, and the final shape. */
export function reducedShapes(shape: Shape, dims: readonly number[], keepdim: boolean): [number[], number[]] {
  const kept = shape.map((s, i) => (dims.includes(i) ? 1 : s));
  return [kept, keepdim ? kept : shape.filter((_, i) => !dims.includes(i))];
}

/**
 * Applies a one-axis kernel over a set of dims: adjacent dims merge into one
 * axis, separate blocks are reduced one after another from the last.
 */
export function reduceBlocks(
  data: FloatArray,
  shape: Shape,
  dims: readonly number[],
  kernel: (src: FloatArray, outer: number, r: number, inner: number) => FloatArray,
): FloatArray {
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
  return cur === data ? data.slice() : cur;
}

/** sum over dims.  da = g expanded back over the reduced dims. */
export function sum(a: Tensor, dim?: Dims, keepdim = false): Tensor {
  const dims = reductionDims('sum', dim, a.ndim);
  const [kept, shape] = reducedShapes(a.shape, dims, keepdim);
  const data = reduceBlocks(a.data, a.shape, dims, KR.sumAxis);
  return fromOp('sum', data, shape, [a], (g) => {
    const spread = expand(reshape(g, kept), a.shape);
    return [spread.data === g.data ? spread : freshGrad(spread)]; // a sum over no dims passes g through
  });
}

/**
 * cast: a's values in `dtype` (rounded to nearest when narrowing to float32), as
 * `x.to(dtype)`; a itself when it already has that dtype, as PyTorch.
 * da = cast(g, a.dtype), so each input of a mixed-dtype op gets its gradient in its own dtype.
 */
export function cast(a: Tensor, dtype: DType): Tensor {
  if (a.dtype === dtype) return a;
  return fromOp('to', arrayFrom(dtype, a.data), a.shape, [a], (g) => [cast(g, a.dtype)]);
}
