/**
 * Padding, as `torch.nn.functional.pad`. `pad` lists (left, right) pairs
 * starting from the LAST dim: [l, r] pads the last dim, [l, r, t, b] the last
 * two, and so on. A composition of movement ops, so it needs no backward:
 *
 * - 'constant': cat with filled blocks (a negative size crops, with narrow);
 * - 'reflect', 'replicate', 'circular': one indexSelect per padded dim, with
 *   the source index of every output position along that dim:
 *
 *       reflect    [l, ..., 1, 0, 1, ..., S-1, S-2, ..., S-1-r]   (l, r < S)
 *       replicate  [0, ..., 0, 0, 1, ..., S-1, S-1, ..., S-1]
 *       circular   [S-l, ..., S-1, 0, 1, ..., S-1, 0, ..., r-1]   (l, r <= S)
 */
import { newArray } from '../dtype.ts';
import { fmtShape, ShapeError, ValueError } from '../errors.ts';
import { Tensor } from '../tensor.ts';
import { checkTensor } from '../validate.ts';
import { cat, indexSelect, narrow } from './movement.ts';

/** How `pad` fills the new border. */
export type PaddingMode = 'constant' | 'reflect' | 'replicate' | 'circular';

const MODES: readonly string[] = ['constant', 'reflect', 'replicate', 'circular'];

/** Pads (or, with negative sizes in 'constant' mode, crops) the trailing dims of input. */
export function pad(
  input: Tensor,
  pads: readonly number[],
  mode: PaddingMode = 'constant',
  value = 0,
): Tensor {
  checkTensor('pad', 'input', input);
  if (!Array.isArray(pads)) throw new ValueError(`pad: pad must be an array of integers, got ${typeof pads}`);
  if (!MODES.includes(mode)) {
    throw new ValueError(`pad: mode must be one of ${MODES.map((m) => `'${m}'`).join(', ')}, got '${mode}'`);
  }
  if (pads.length % 2 !== 0 || pads.some((p) => !Number.isInteger(p))) {
    throw new ValueError(
      `pad: pad must hold an even number of integers ((left, right) per dim), got ${fmtShape(pads)}`,
    );
  }
  if (pads.length / 2 > input.ndim) {
    throw new ShapeError(
      `pad: pad ${fmtShape(pads)} covers ${pads.length / 2} dims, but input of shape ${fmtShape(input.shape)} has ${input.ndim}`,
    );
  }
  if (mode !== 'constant' && value !== 0) {
    throw new ValueError(
      `pad: value applies to 'constant' mode only, got value ${value} with mode '${mode}'`,
    );
  }
  let out = input;
  for (let i = 0; i < pads.length / 2; i++) {
    const dim = input.ndim - 1 - i;
    const left = pads[2 * i]!;
    const right = pads[2 * i + 1]!;
    if (left === 0 && right === 0) continue;
    const size = out.shape[dim]!;
    if (mode === 'constant') out = padConstant(out, dim, left, right, value);
    else {
      const limit = mode === 'reflect' ? size - 1 : mode === 'circular' ? size : Number.POSITIVE_INFINITY;
      if (left < 0 || right < 0 || left > limit || right > limit || size === 0) {
        throw new ShapeError(
          `pad: '${mode}' padding (${left}, ${right}) of dim ${dim} must be >= 0 and ` +
            `${mode === 'reflect' ? 'less than' : 'at most'} that dim's size ${size} ` +
            `(input of shape ${fmtShape(input.shape)})`,
        );
      }
      out = indexSelect(out, dim, sourceIndex(mode, size, left, right));
    }
  }
  return out;
}

function padConstant(x: Tensor, dim: number, left: number, right: number, value: number): Tensor {
  const size = x.shape[dim]!;
  if (size + Math.min(left, 0) + Math.min(right, 0) < 0) {
    throw new ShapeError(
      `pad: cropping (${left}, ${right}) of dim ${dim} removes more than its size ${size} (input of shape ${fmtShape(x.shape)})`,
    );
  }
  let out = x;
  if (left < 0 || right < 0) {
    const start = Math.max(-left, 0);
    out = narrow(out, dim, start, size - start - Math.max(-right, 0));
  }
  const block = (n: number) => {
    const shape = out.shape.map((s, i) => (i === dim ? n : s));
    const numel = shape.reduce((a, b) => a * b, 1);
    return new Tensor(newArray(x.dtype, numel).fill(value), shape);
  };
  const parts: Tensor[] = [];
  if (left > 0) parts.push(block(left));
  parts.push(out);
  if (right > 0) parts.push(block(right));
  return parts.length === 1 ? out : cat(parts, dim);
}

/** The source position along a dim of `size` for each of the left + size + right output positions. */
function sourceIndex(mode: PaddingMode, size: number, left: number, right: number): number[] {
  const index: number[] = [];
  for (let j = -left; j < size + right; j++) {
    if (mode === 'reflect') index.push(j < 0 ? -j : j >= size ? 2 * (size - 1) - j : j);
    else if (mode === 'replicate') index.push(Math.min(Math.max(j, 0), size - 1));
    else index.push(((j % size) + size) % size);
  }
  return index;
}
