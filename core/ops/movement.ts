/**
 * Movement ops. Primitives: permute, narrow (with its adjoint `pad`), cat, indexSelect (with its adjoint indexAdd) and gather (with its
 * adjoint scatterAdd). Each adjoint pair is the other's backward, so movement is
 * differentiable to any order. Everything else (flatten, transpose, squeeze,
 * slice, split, stack, ...) is a composition. reshape and expand, which every
 * op file needs, live in base.ts, the floor of the op layer.
 *
 * Tensors are always contiguous: a movement op copies. (Views can come later
 * without changing this API.)
 */
import { type FloatArray, newArray } from '../dtype.ts';
import { fromOp } from '../engine.ts';
import { fmtShape, ShapeError, ValueError } from '../errors.ts';
import * as K from '../kernels/movement.ts';
import { normalizeDim, normalizeDims, numelOf, type Shape, sameShape, stridesOf } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { checkTensor, describe } from '../validate.ts';
import { cast, reshape } from './base.ts';

/** cat and stack take an array of tensors, each checked by position. */
function checkTensorList(op: string, tensors: unknown): void {
  if (!Array.isArray(tensors)) {
    throw new ValueError(`${op}: tensors must be an array of Tensors, got ${describe(tensors)}`);
  }
  tensors.forEach((t, i) => checkTensor(op, `tensors[${i}]`, t));
}

/** permute: out.shape[i] = a.shape[dims[i]].  da = permute(g, inverse(dims)). */
export function permute(a: Tensor, dims: Shape): Tensor {
  if (dims.length !== a.ndim) {
    throw new ShapeError(
      `permute: number of dims ${fmtShape(dims)} does not match the ${a.ndim} dims of input of shape ${fmtShape(a.shape)}`,
    );
  }
  const d = dims.map((x) => normalizeDim('permute', x, a.ndim));
  if (new Set(d).size !== d.length) throw new ValueError(`permute: dims ${fmtShape(dims)} repeat a dim`);
  if (d.every((x, i) => x === i)) return a;
  const strides = stridesOf(a.shape);
  const shape = d.map((x) => a.shape[x]!);
  const inverse = new Array<number>(d.length);
  d.forEach((x, i) => {
    inverse[x] = i;
  });
  const data = K.stridedRead(
    a.data,
    0,
    d.map((x) => strides[x]!),
    shape,
  );
  return fromOp('permute', data, shape, [a], (g) => [permute(g, inverse)]);
}

/** narrow: the slice [start, start + length) of `dim`.  da = pad(g) with zeros back to a's shape. */
export function narrow(a: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normalizeDim('narrow', dim, a.ndim);
  const size = a.shape[d]!;
  if (start < 0) start += size;
  if (
    !Number.isInteger(start) ||
    !Number.isInteger(length) ||
    start < 0 ||
    length < 0 ||
    start + length > size
  ) {
    throw new ValueError(
      `narrow: start (${start}) + length (${length}) exceeds dimension size (${size}) of dim ${d} ` +
        `for input of shape ${fmtShape(a.shape)}`,
    );
  }
  if (start === 0 && length === size) return a;
  const strides = stridesOf(a.shape);
  const shape = a.shape.map((s, i) => (i === d ? length : s));
  const data = K.stridedRead(a.data, start * strides[d]!, strides, shape);
  return fromOp('narrow', data, shape, [a], (g) => [pad(g, d, start, a.shape)]);
}

/** pad: places g at offset `start` of `dim` inside zeros of `shape`; the adjoint of narrow.  dg = narrow(grad). */
function pad(g: Tensor, dim: number, start: number, shape: Shape): Tensor {
  const out = newArray(g.dtype, numelOf(shape));
  const strides = stridesOf(shape);
  K.stridedWrite(out, start * strides[dim]!, strides, g.shape, g.data, false);
  return fromOp('pad', out, shape, [g], (gg) => [narrow(gg, dim, start, g.shape[dim]!)]);
}

/**
 * cat: joins tensors along an existing dim, in their promoted dtype (float64 if any is), as PyTorch.
 * each input's grad is its narrow of g.
 */
export function cat(inputs: readonly Tensor[], dim = 0): Tensor {
  checkTensorList('cat', inputs);
  if (inputs.length === 0) throw new ValueError('cat: expected a non-empty list of tensors');
  const dtype = inputs.some((t) => t.dtype === 'float64') ? 'float64' : 'float32';
  const tensors = inputs.map((t) => cast(t, dtype));
  const first = tensors[0]!;
  const d = normalizeDim('cat', dim, first.ndim);
  for (const [i, t] of tensors.entries()) {
    if (t.ndim !== first.ndim || t.shape.some((s, j) => j !== d && s !== first.shape[j])) {
      throw new ShapeError(
        `cat: sizes of tensors must match except in dimension ${d}; tensor 0 has shape ${fmtShape(first.shape)} ` +
          `but tensor ${i} has shape ${fmtShape(t.shape)}`,
      );
    }
  }
  const total = tensors.reduce((s, t) => s + t.shape[d]!, 0);
  const shape = first.shape.map((s, j) => (j === d ? total : s));
  const out = newArray(dtype, numelOf(shape));
  const outer = numelOf(shape.slice(0, d));
  const inner = numelOf(shape.slice(d + 1));
  const starts: number[] = [];
  let at = 0;
  for (const t of tensors) {
    starts.push(at);
    const rows = t.shape[d]! * inner;
    for (let o = 0; o < outer; o++)
      out.set(t.data.subarray(o * rows, (o + 1) * rows), (o * total + at) * inner);
    at += t.shape[d]!;
  }
  return fromOp('cat', out, shape, tensors, (g, needs) =>
    tensors.map((t, i) => (needs[i] ? narrow(g, d, starts[i]!, t.shape[d]!) : null)),
  );
}

function checkIndex(op: string, index: FloatArray, size: number, dim: number, shape: Shape): void {
  // An indexed loop with one compound test: iterating the typed array and Number.isInteger cost
  // 1.4 % of W6's step (max pooling's gather checks every index). NaN fails v >= 0.
  for (let i = 0; i < index.length; i++) {
    const v = index[i]!;
    if (!(v >= 0 && v < size && Math.trunc(v) === v)) {
      throw new ValueError(
        `${op}: index ${v} is out of bounds for dimension ${dim} with size ${size} (input shape ${fmtShape(shape)})`,
      );
    }
  }
}

/** indexSelect: whole slices of `dim` picked by a 1-D index.  da = indexAdd of g at the same index. */
export function indexSelect(a: Tensor, dim: number, index: Tensor | readonly number[]): Tensor {
  const d = normalizeDim('indexSelect', dim, a.ndim);
  const idx = index instanceof Tensor ? index : new Tensor(Float64Array.from(index), [index.length]);
  if (idx.ndim > 1)
    throw new ShapeError(`indexSelect: index should be 1-D, got shape ${fmtShape(idx.shape)}`);
  const size = a.ndim === 0 ? 1 : a.shape[d]!;
  checkIndex('indexSelect', idx.data, size, d, a.shape);
  const outer = numelOf(a.shape.slice(0, d));
  const inner = numelOf(a.shape.slice(d + 1));
  const shape = a.ndim === 0 ? [] : a.shape.map((s, i) => (i === d ? idx.numel() : s));
  const data = K.indexSelect(a.data, outer, size, inner, idx.data);
  return fromOp('indexSelect', data, shape, [a], (g) => [indexAdd(g, d, idx, a.shape)]);
}

/** indexAdd: zeros of `shape` with g's slices added at `index` along `dim`; the adjoint of indexSelect. */
function indexAdd(g: Tensor, dim: number, index: Tensor, shape: Shape): Tensor {
  const outer = numelOf(shape.slice(0, dim));
  const inner = numelOf(shape.slice(dim + 1));
  const size = shape.length === 0 ? 1 : shape[dim]!;
  const data = K.indexAdd(outer, size, inner, index.data, g.data);
  return fromOp('indexAdd', data, shape, [g], (gg) => [indexSelect(gg, dim, index)]);
}

/** gather: out[..., j, ...] = a[..., index[..., j, ...], ...] along `dim` (index.shape == out.shape).  da = scatterAdd. */
export function gather(a: Tensor, dim: number, index: Tensor): Tensor {
  const d = normalizeDim('gather', dim, a.ndim);
  if (index.ndim !== a.ndim || index.shape.some((s, i) => i !== d && s !== a.shape[i])) {
    throw new ShapeError(
      `gather: index of shape ${fmtShape(index.shape)} must match input of shape ${fmtShape(a.shape)} ` +
        `in every dimension except dim ${d}`,
    );
  }
  const size = a.shape[d]!;
  checkIndex('gather', index.data, size, d, a.shape);
  const outer = numelOf(a.shape.slice(0, d));
  const inner = numelOf(a.shape.slice(d + 1));
  const data = K.gather(a.data, outer, size, inner, index.data, index.shape[d]!);
  return fromOp('gather', data, index.shape, [a], (g) => [scatterAdd(g, d, index, a.shape)]);
}

/** scatterAdd: zeros of `shape` with g added at `index` along `dim`; the adjoint of gather. */
function scatterAdd(g: Tensor, dim: number, index: Tensor, shape: Shape): Tensor {
  const outer = numelOf(shape.slice(0, dim));
  const inner = numelOf(shape.slice(dim + 1));
  const data = K.scatterAdd(outer, shape[dim]!, inner, index.data, index.shape[dim]!, g.data);
  return fromOp('scatterAdd', data, shape, [g], (gg) => [gather(gg, dim, index)]);
}

// ---------------------------------------------------------------- compositions

/** Merges dims startDim..endDim into one, as `torch.flatten` (all dims by default). */
export function flatten(a: Tensor, startDim = 0, endDim = -1): Tensor {
  if (a.ndim === 0) return reshape(a, [1]);
  const s = normalizeDim('flatten', startDim, a.ndim, 'startDim');
  const e = normalizeDim('flatten', endDim, a.ndim, 'endDim');
  if (s > e) throw new ValueError(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const merged = numelOf(a.shape.slice(s, e + 1));
  return reshape(a, [...a.shape.slice(0, s), merged, ...a.shape.slice(e + 1)]);
}

/** Swaps two dims, as `torch.transpose` (a copy, not a view). */
export function transpose(a: Tensor, dim0: number, dim1: number): Tensor {
  const d0 = normalizeDim('transpose', dim0, a.ndim, 'dim0');
  const d1 = normalizeDim('transpose', dim1, a.ndim, 'dim1');
  const dims = a.shape.map((_, i) => i);
  dims[d0] = d1;
  dims[d1] = d0;
  return permute(a, dims);
}

export function t(a: Tensor): Tensor {
  if (a.ndim > 2)
    throw new ShapeError(`t: expects a tensor with <= 2 dimensions, but got shape ${fmtShape(a.shape)}`);
  return a.ndim < 2 ? a : transpose(a, 0, 1);
}

/** Inserts a dim of size 1 at `dim` (negative counts from the end of the result), as `torch.unsqueeze`. */
export function unsqueeze(a: Tensor, dim: number): Tensor {
  const d = normalizeDim('unsqueeze', dim, a.ndim + 1);
  return reshape(a, [...a.shape.slice(0, d), 1, ...a.shape.slice(d)]);
}

/** squeeze: drops size-1 dims (all of them, or those in `dim`). */
export function squeeze(a: Tensor, dim?: number | readonly number[]): Tensor {
  const dims = new Set(normalizeDims('squeeze', dim, a.ndim));
  return reshape(
    a,
    a.shape.filter((s, i) => !(s === 1 && dims.has(i))),
  );
}

/** slice: indices [start, end) of `dim`, with Python's negative and out-of-range handling. */
export function slice(a: Tensor, dim: number, start = 0, end?: number): Tensor {
  const d = normalizeDim('slice', dim, a.ndim);
  const size = a.shape[d]!;
  const clampIdx = (i: number) => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
  const s = clampIdx(start);
  const e = Math.max(clampIdx(end ?? size), s);
  return narrow(a, d, s, e - s);
}

/** select: index `index` of `dim`, removing that dim, as `x[:, i]`. */
export function select(a: Tensor, dim: number, index: number): Tensor {
  const d = normalizeDim('select', dim, a.ndim);
  const size = a.shape[d]!;
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new ValueError(`select: index ${index} is out of range for dimension ${d} with size ${size}`);
  }
  return squeeze(narrow(a, d, index < 0 ? index + size : index, 1), d);
}

/** split: pieces of `splitSize` along dim (the last may be smaller), or pieces of the listed sizes. */
export function split(a: Tensor, splitSize: number | readonly number[], dim = 0): Tensor[] {
  const d = normalizeDim('split', dim, a.ndim);
  const size = a.shape[d]!;
  let sizes: number[];
  if (typeof splitSize === 'number') {
    if (!Number.isInteger(splitSize) || splitSize < 1)
      throw new ValueError(`split: splitSize must be a positive integer, got ${splitSize}`);
    sizes = [];
    for (let at = 0; at < size; at += splitSize) sizes.push(Math.min(splitSize, size - at));
  } else {
    sizes = [...splitSize];
    const total = sizes.reduce((x, y) => x + y, 0);
    if (total !== size) {
      throw new ShapeError(
        `split: split sizes ${fmtShape(sizes)} sum to ${total}, but dim ${d} of input ${fmtShape(a.shape)} has size ${size}`,
      );
    }
  }
  let at = 0;
  return sizes.map((n) => {
    const piece = narrow(a, d, at, n);
    at += n;
    return piece;
  });
}

/** chunk: `chunks` pieces of size ceil(size / chunks) along dim, as PyTorch. */
export function chunk(a: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks < 1)
    throw new ValueError(`chunk: chunks must be a positive integer, got ${chunks}`);
  const d = normalizeDim('chunk', dim, a.ndim);
  return split(a, Math.max(1, Math.ceil(a.shape[d]! / chunks)), d);
}

/** stack: joins tensors of one shape along a new dim. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  checkTensorList('stack', tensors);
  if (tensors.length === 0) throw new ValueError('stack: expected a non-empty list of tensors');
  const first = tensors[0]!;
  for (const [i, x] of tensors.entries()) {
    if (!sameShape(x.shape, first.shape)) {
      throw new ShapeError(
        `stack: expects each tensor to be equal size, but got ${fmtShape(first.shape)} at entry 0 and ${fmtShape(x.shape)} at entry ${i}`,
      );
    }
  }
  const d = normalizeDim('stack', dim, first.ndim + 1);
  return cat(
    tensors.map((x) => unsqueeze(x, d)),
    d,
  );
}
