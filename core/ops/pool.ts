/**
 * 2-D pooling over [N, C, H, W] (or unbatched [C, H, W]), as PyTorch's
 * `max_pool2d`, `avg_pool2d` and `adaptive_avg_pool2d`. All three are
 * compositions of primitives, so none needs a backward of its own:
 *
 * - max: a kernel finds each window's argmax (no gradient flows through an
 *   index), then `gather` reads the values; gather's backward scatters the
 *   gradient to the winners (the first of tied values, as PyTorch).
 * - avg: the window sum of `unfold` divided by each window's count.
 * - adaptive avg: separable, so out = P_h x P_w^T with P_h [OH, H] holding
 *   1 / count over the rows of window i, start floor(i H / OH), end ceil((i + 1) H / OH).
 *
 * Output size along a dim, as PyTorch (ceilMode rounds up, but a window may
 * not start in the right padding):
 *
 *     out = floor_or_ceil((in + 2 pad - dil (k - 1) - 1) / stride) + 1
 */
import { type DType, newArray } from '../dtype.ts';
import { fmtShape, ShapeError, ValueError } from '../errors.ts';
import { maxPool2dIndices } from '../kernels/conv.ts';
import { Tensor } from '../tensor.ts';
import { checkTensor } from '../validate.ts';
import { reshape, sum } from './base.ts';
import { pair, type Size2, unfoldWindow, window2d } from './conv.ts';
import { div } from './elementwise.ts';
import { matmul } from './matmul.ts';
import { gather, squeeze, unsqueeze } from './movement.ts';

/** Options of `maxPool2d`, as `torch.nn.functional.max_pool2d`. */
export interface MaxPool2dOptions {
  /** Step between windows (the kernel size). */
  stride?: Size2 | null;
  /** Implicit -Infinity padding on both sides, at most half the kernel (0). */
  padding?: Size2;
  /** Distance between kernel taps (1). */
  dilation?: Size2;
  /** Round the output size up instead of down (false). */
  ceilMode?: boolean;
}

/** Options of `avgPool2d`, as `torch.nn.functional.avg_pool2d`. */
export interface AvgPool2dOptions {
  /** Step between windows (the kernel size). */
  stride?: Size2 | null;
  /** Implicit zero padding on both sides, at most half the kernel (0). */
  padding?: Size2;
  /** Round the output size up instead of down (false). */
  ceilMode?: boolean;
  /** Count the padding zeros in each window's divisor (true). */
  countIncludePad?: boolean;
  /** Divide by this instead of the window's count (null). */
  divisorOverride?: number | null;
}

function poolOut(size: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = size + 2 * p - d * (k - 1) - 1;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (out - 1) * s >= size + p) out--; // the last window must start inside the input or left padding
  return out;
}

/** Checks the input and options shared by max and avg pooling; returns the batched input and geometry. */
function poolSetup(
  op: string,
  input: Tensor,
  kernelSize: Size2,
  stride: Size2 | null | undefined,
  padding: Size2 | undefined,
  dilation: Size2 | undefined,
  ceilMode: boolean,
) {
  checkTensor(op, 'input', input);
  if (input.ndim !== 3 && input.ndim !== 4) {
    throw new ShapeError(
      `${op}: expected 3D (unbatched) or 4D (batched) input, got input of shape ${fmtShape(input.shape)}`,
    );
  }
  const k = pair(op, 'kernelSize', kernelSize, 1);
  const s = stride === null || stride === undefined ? k : pair(op, 'stride', stride, 1);
  const p = pair(op, 'padding', padding ?? 0, 0);
  const d = pair(op, 'dilation', dilation ?? 1, 1);
  if (p[0] > k[0] / 2 || p[1] > k[1] / 2) {
    throw new ValueError(
      `${op}: padding should be at most half of the kernel size, got padding ${fmtShape(p)} and kernelSize ${fmtShape(k)}`,
    );
  }
  const x = input.ndim === 4 ? input : unsqueeze(input, 0);
  const [h, w] = [x.shape[2]!, x.shape[3]!];
  const out: [number, number] = [
    poolOut(h, k[0], s[0], p[0], d[0], ceilMode),
    poolOut(w, k[1], s[1], p[1], d[1], ceilMode),
  ];
  if (out[0] < 1 || out[1] < 1) {
    throw new ShapeError(
      `${op}: input of shape ${fmtShape(input.shape)} is too small for kernel ${fmtShape(k)} with padding ` +
        `${fmtShape(p)} and dilation ${fmtShape(d)}: the output would be ${out[0]} x ${out[1]}`,
    );
  }
  return { x, g: window2d(x.shape, k, s, p, d, out) };
}

/**
 * Max pooling with the argmax of each window, as `max_pool2d(..., return_indices=True)`:
 * the indices are flat positions iy W + ix within each input plane (what
 * `maxUnpool2d` takes in PyTorch). The indices carry no gradient.
 */
export function maxPool2dWithIndices(
  input: Tensor,
  kernelSize: Size2,
  opts: MaxPool2dOptions = {},
): [Tensor, Tensor] {
  const { x, g } = poolSetup(
    'maxPool2d',
    input,
    kernelSize,
    opts.stride,
    opts.padding,
    opts.dilation,
    opts.ceilMode ?? false,
  );
  const n = x.shape[0]!;
  const idx = new Tensor(maxPool2dIndices(x.data, n, g), [n, g.c, g.oh * g.ow]);
  const values = reshape(gather(reshape(x, [n, g.c, g.h * g.w]), 2, idx), [n, g.c, g.oh, g.ow]);
  const indices = reshape(idx, [n, g.c, g.oh, g.ow]);
  return input.ndim === 4 ? [values, indices] : [squeeze(values, 0), squeeze(indices, 0)];
}

/** Max pooling: the largest value of each window (see maxPool2dWithIndices). */
export function maxPool2d(input: Tensor, kernelSize: Size2, opts: MaxPool2dOptions = {}): Tensor {
  return maxPool2dWithIndices(input, kernelSize, opts)[0];
}

/**
 * Average pooling: each window's sum over its divisor, which is divisorOverride
 * if given, else the window's size clipped to the padded input (countIncludePad)
 * or to the input itself.
 */
export function avgPool2d(input: Tensor, kernelSize: Size2, opts: AvgPool2dOptions = {}): Tensor {
  const { x, g } = poolSetup(
    'avgPool2d',
    input,
    kernelSize,
    opts.stride,
    opts.padding,
    1,
    opts.ceilMode ?? false,
  );
  const override = opts.divisorOverride ?? null;
  if (override !== null && (!Number.isFinite(override) || override === 0)) {
    throw new ValueError(`avgPool2d: divisorOverride must be a non-zero number or null, got ${override}`);
  }
  const n = x.shape[0]!;
  const planes = reshape(x, [n * g.c, 1, g.h, g.w]);
  const sums = sum(unfoldWindow(planes, { ...g, c: 1 }), 1); // [N C, OH OW]
  const divisor = newArray(x.dtype, g.oh * g.ow);
  const includePad = opts.countIncludePad ?? true;
  const count = (o: number, stride: number, pad: number, k: number, size: number) => {
    const start = o * stride - pad;
    const end = Math.min(start + k, size + pad);
    return includePad ? end - start : Math.min(end, size) - Math.max(start, 0);
  };
  for (let oy = 0; oy < g.oh; oy++) {
    for (let ox = 0; ox < g.ow; ox++) {
      divisor[oy * g.ow + ox] =
        override ?? count(oy, g.sh, g.ph, g.kh, g.h) * count(ox, g.sw, g.pw, g.kw, g.w);
    }
  }
  const out = reshape(div(sums, new Tensor(divisor, [g.oh * g.ow])), [n, g.c, g.oh, g.ow]);
  return input.ndim === 4 ? out : squeeze(out, 0);
}

/**
 * Adaptive average pooling to outputSize (a null entry keeps that input size),
 * as `adaptive_avg_pool2d`: window i along a dim of size S covers
 * [floor(i S / O), ceil((i + 1) S / O)).
 */
export function adaptiveAvgPool2d(
  input: Tensor,
  outputSize: number | readonly [number | null, number | null],
): Tensor {
  checkTensor('adaptiveAvgPool2d', 'input', input);
  if (input.ndim !== 3 && input.ndim !== 4) {
    throw new ShapeError(
      `adaptiveAvgPool2d: expected 3D (unbatched) or 4D (batched) input, got input of shape ${fmtShape(input.shape)}`,
    );
  }
  const [h, w] = input.shape.slice(-2) as [number, number];
  const wanted = typeof outputSize === 'number' ? [outputSize, outputSize] : outputSize;
  const sizes = [wanted[0] ?? h, wanted[1] ?? w];
  if (wanted.length !== 2 || sizes.some((o) => !Number.isInteger(o) || o < 1)) {
    throw new ValueError(
      `adaptiveAvgPool2d: outputSize must be a positive integer or a pair of them (null keeps the input size), ` +
        `got ${typeof outputSize === 'number' ? outputSize : `[${outputSize.join(', ')}]`}`,
    );
  }
  if (h === 0 || w === 0) {
    throw new ShapeError(
      `adaptiveAvgPool2d: input of shape ${fmtShape(input.shape)} has an empty spatial dim`,
    );
  }
  const ph = averagingMatrix(sizes[0]!, h, input.dtype); // [OH, H]
  const pwT = averagingMatrix(sizes[1]!, w, input.dtype, true); // [W, OW]
  return matmul(matmul(ph, input), pwT);
}

/** P [out, size] with P[i, j] = 1 / count_i for j in window i (or its transpose). */
function averagingMatrix(out: number, size: number, dtype: DType, transposed = false): Tensor {
  const p = newArray(dtype, out * size);
  for (let i = 0; i < out; i++) {
    const start = Math.floor((i * size) / out);
    const end = Math.ceil(((i + 1) * size) / out);
    for (let j = start; j < end; j++) p[transposed ? j * out + i : i * size + j] = 1 / (end - start);
  }
  return new Tensor(p, transposed ? [size, out] : [out, size]);
}
