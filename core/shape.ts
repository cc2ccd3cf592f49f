import { fmtShape, ShapeError, ValueError } from './errors.ts';
import { describe } from './validate.ts';

/** A tensor's sizes, outermost first (PyTorch's `torch.Size`). */
export type Shape = readonly number[];

export function numelOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C-contiguous) strides. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** Whether two shapes are equal, dim by dim. */
export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy/PyTorch broadcasting: align trailing dims; each pair must be equal or contain a 1. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast together ` +
          `(dim ${i - n}: ${da} vs ${db})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Maps a possibly negative dim into [0, ndim), as PyTorch does, or throws naming the op. */
export function normalizeDim(op: string, dim: number, ndim: number, arg = 'dim'): number {
  if (typeof dim !== 'number') throw new ValueError(`${op}: ${arg} must be an integer, got ${describe(dim)}`);
  const lo = ndim === 0 ? -1 : -ndim;
  const hi = ndim === 0 ? 0 : ndim - 1;
  if (!Number.isInteger(dim) || dim < lo || dim > hi) {
    throw new ValueError(
      `${op}: ${arg} ${dim} is out of range for a tensor of ${ndim} dimension${ndim === 1 ? '' : 's'} ` +
        `(expected to be in range of [${lo}, ${hi}])`,
    );
  }
  return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}

/** Normalizes a dim list (or all dims when undefined), sorted, rejecting repeats. */
export function normalizeDims(
  op: string,
  dims: number | readonly number[] | undefined,
  ndim: number,
): number[] {
  if (dims === undefined) return Array.from({ length: ndim }, (_, i) => i);
  if (typeof dims !== 'number' && !Array.isArray(dims)) {
    throw new ValueError(`${op}: dim must be an integer or an array of them, got ${describe(dims)}`);
  }
  const list = typeof dims === 'number' ? [dims] : dims;
  const out = list.map((d) => normalizeDim(op, d, ndim)).sort((x, y) => x - y);
  for (let i = 1; i < out.length; i++) {
    if (out[i] === out[i - 1])
      throw new ValueError(`${op}: dim ${out[i]} appears more than once in ${fmtShape(list)}`);
  }
  return out;
}

export function checkShapeArg(op: string, shape: Shape): void {
  if (!Array.isArray(shape)) {
    throw new ValueError(
      `${op}: shape must be an array of sizes such as [2, 3], got ${describe(shape)}` +
        (typeof shape === 'number' ? `; write ${op}([${shape}, ...])` : ''),
    );
  }
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ValueError(
        `${op}: shape ${fmtShape(shape)} has an invalid size ${d}; sizes are non-negative integers`,
      );
    }
  }
}
