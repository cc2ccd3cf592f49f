/**
 * Convolution, as im2col plus the matrix product. Primitives: `unfold`
 * (im2col: every sliding window of the input as a column) and its adjoint
 * `fold` (col2im: columns summed back into place). Each is the other's
 * backward, so convolution is differentiable to any order. `conv2d` and
 * `conv1d` are compositions: unfold, one (batched, per group) matmul, a bias
 * broadcast. The matmul runs on the `gemm` kernel, forward and both backward
 * products, so a faster gemm backend speeds convolution up with no change here:
 *
 *     y[n] = W cols[n] + b,   W [Cout, Cin kh kw],  cols[n] = unfold(x)[n]  [Cin kh kw, OH OW]
 *     dW = sum_n g[n] cols[n]^T,   dx = fold(W^T g)
 *
 * Output size along each spatial dim, as PyTorch:
 *
 *     out = floor((in + 2 pad - dil (k - 1) - 1) / stride) + 1
 *
 * (https://pytorch.org/docs/stable/generated/torch.nn.Conv2d.html)
 */
import { fromOp } from '../engine.ts';
import { fmtShape, ShapeError, ValueError } from '../errors.ts';
import { col2im, im2col, type Window2d, windowOut } from '../kernels/conv.ts';
import { Tensor } from '../tensor.ts';
import { checkOptionalTensor, checkSameDtype, checkTensor } from '../validate.ts';
import { cast, reshape } from './base.ts';
import { add } from './elementwise.ts';
import { matmul } from './matmul.ts';
import { squeeze, unsqueeze } from './movement.ts';
import { pad } from './padding.ts';

/** A size for each of two spatial dims, or one number for both. */
export type Size2 = number | readonly [number, number];

/** Options of `unfold` and `fold`, as `torch.nn.functional.unfold`. */
export interface UnfoldOptions {
  /** Distance between kernel taps (1). */
  dilation?: Size2;
  /** Zero padding on both sides of each spatial dim (0). */
  padding?: Size2;
  /** Step between windows (1). */
  stride?: Size2;
}

/** A size as a pair of integers >= min, or a ValueError naming the op and argument. */
export function pair(op: string, arg: string, v: Size2, min: number): [number, number] {
  const p: readonly number[] = typeof v === 'number' ? [v, v] : v;
  if (p.length !== 2 || p.some((x) => !Number.isInteger(x) || x < min)) {
    throw new ValueError(
      `${op}: ${arg} must be an integer >= ${min} or a pair of them, got ${typeof v === 'number' ? v : fmtShape(v)}`,
    );
  }
  return [p[0]!, p[1]!];
}

/** The window geometry of a [N, C, H, W] input; the caller checks the output size. */
export function window2d(
  shape: readonly number[],
  k: [number, number],
  s: [number, number],
  p: [number, number],
  d: [number, number],
  out: [number, number] = [
    windowOut(shape[2]!, k[0], s[0], p[0], d[0]),
    windowOut(shape[3]!, k[1], s[1], p[1], d[1]),
  ],
): Window2d {
  return {
    c: shape[1]!,
    h: shape[2]!,
    w: shape[3]!,
    kh: k[0],
    kw: k[1],
    sh: s[0],
    sw: s[1],
    ph: p[0],
    pw: p[1],
    dh: d[0],
    dw: d[1],
    oh: out[0],
    ow: out[1],
  };
}

/** unfold over a known geometry: cols [N, C kh kw, OH OW].  d input = fold(g). */
export function unfoldWindow(input: Tensor, g: Window2d): Tensor {
  const n = input.shape[0]!;
  const data = im2col(input.data, n, g);
  return fromOp('unfold', data, [n, g.c * g.kh * g.kw, g.oh * g.ow], [input], (grad) => [
    foldWindow(grad, n, g),
  ]);
}

/** fold over a known geometry: [N, C, H, W] from cols.  d cols = unfold(g). */
function foldWindow(cols: Tensor, n: number, g: Window2d): Tensor {
  const data = col2im(cols.data, n, g);
  return fromOp('fold', data, [n, g.c, g.h, g.w], [cols], (grad) => [unfoldWindow(grad, g)]);
}

function windowOpts(op: string, opts: UnfoldOptions) {
  return {
    s: pair(op, 'stride', opts.stride ?? 1, 1),
    p: pair(op, 'padding', opts.padding ?? 0, 0),
    d: pair(op, 'dilation', opts.dilation ?? 1, 1),
  };
}

/**
 * Every sliding window of input [N, C, H, W] as a column, as
 * `torch.nn.functional.unfold`: output [N, C kh kw, L] with L = OH OW windows.
 */
export function unfold(input: Tensor, kernelSize: Size2, opts: UnfoldOptions = {}): Tensor {
  checkTensor('unfold', 'input', input);
  if (input.ndim !== 4) {
    throw new ShapeError(
      `unfold: expected 4D input [N, C, H, W], got input of shape ${fmtShape(input.shape)}`,
    );
  }
  const k = pair('unfold', 'kernelSize', kernelSize, 1);
  const { s, p, d } = windowOpts('unfold', opts);
  const g = window2d(input.shape, k, s, p, d);
  if (g.oh < 1 || g.ow < 1) {
    throw new ShapeError(
      `unfold: kernel ${fmtShape(k)} with dilation ${fmtShape(d)} does not fit input of shape ` +
        `${fmtShape(input.shape)} padded by ${fmtShape(p)} (output would be ${g.oh} x ${g.ow})`,
    );
  }
  return unfoldWindow(input, g);
}

/**
 * Sums columns back into an image, as `torch.nn.functional.fold` (the adjoint of
 * unfold): input [N, C kh kw, L] gives [N, C, outputSize[0], outputSize[1]].
 */
export function fold(input: Tensor, outputSize: Size2, kernelSize: Size2, opts: UnfoldOptions = {}): Tensor {
  checkTensor('fold', 'input', input);
  const [h, w] = pair('fold', 'outputSize', outputSize, 1);
  const k = pair('fold', 'kernelSize', kernelSize, 1);
  const { s, p, d } = windowOpts('fold', opts);
  if (input.ndim !== 3 || input.shape[1]! % (k[0] * k[1]) !== 0) {
    throw new ShapeError(
      `fold: expected 3D input [N, C * ${k[0]} * ${k[1]}, L] (dim 1 divisible by the kernel's ${k[0] * k[1]} taps), ` +
        `got input of shape ${fmtShape(input.shape)}`,
    );
  }
  const n = input.shape[0]!;
  const g = window2d([n, input.shape[1]! / (k[0] * k[1]), h, w], k, s, p, d);
  if (g.oh < 1 || g.ow < 1 || g.oh * g.ow !== input.shape[2]) {
    throw new ShapeError(
      `fold: outputSize ${fmtShape([h, w])} with kernel ${fmtShape(k)} gives ${Math.max(g.oh, 0)} x ` +
        `${Math.max(g.ow, 0)} windows, but input of shape ${fmtShape(input.shape)} has ${input.shape[2]} in dim 2`,
    );
  }
  return foldWindow(input, n, g);
}

/** Options of conv1d / conv2d, as `torch.nn.functional.conv2d`. */
export interface ConvOptions<S> {
  /** Step between windows (1). */
  stride?: S;
  /** Zero padding: a size per side, 'valid' (none) or 'same' (output as large as input; stride 1 only). */
  padding?: S | 'same' | 'valid';
  /** Distance between kernel taps (1). */
  dilation?: S;
  /** Split channels into this many independent groups (1). */
  groups?: number;
}

/**
 * 2-D convolution (cross-correlation, as every deep learning library), as
 * `torch.nn.functional.conv2d`: input [N, Cin, H, W] (or unbatched [Cin, H, W]),
 * weight [Cout, Cin / groups, kh, kw], bias [Cout] or null.
 *
 *     y[n, o] = b[o] + sum_{c in group(o)} sum_{i, j} W[o, c, i, j] x[n, c, oy sh - ph + i dh, ox sw - pw + j dw]
 */
export function conv2d(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  opts: ConvOptions<Size2> = {},
): Tensor {
  return convolution('conv2d', 2, input, weight, bias, opts);
}

/**
 * 1-D convolution, as `torch.nn.functional.conv1d`: input [N, Cin, L] (or
 * unbatched [Cin, L]), weight [Cout, Cin / groups, k], bias [Cout] or null.
 * Runs as conv2d over a height of 1.
 */
export function conv1d(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  opts: ConvOptions<number | readonly [number]> = {},
): Tensor {
  // The height of 1 takes stride 1, no padding and dilation 1; the length takes the given sizes.
  const one = (
    arg: string,
    v: number | readonly [number] | undefined,
    min: number,
  ): [number, number] | undefined => {
    if (v === undefined) return undefined;
    const x = typeof v === 'number' ? v : v.length === 1 ? v[0]! : Number.NaN;
    if (!Number.isInteger(x) || x < min) {
      throw new ValueError(
        `conv1d: ${arg} must be an integer >= ${min}, got ${typeof v === 'number' ? v : fmtShape(v)}`,
      );
    }
    return [min === 0 ? 0 : 1, x];
  };
  const p = opts.padding;
  // PyTorch's conv1d, unlike its conv2d, takes a bias of the other dtype and rounds it to the input's:
  // the output keeps the input's dtype and the bias's gradient its own (tests/fixtures/dtype_rules.json).
  const b =
    bias instanceof Tensor &&
    input instanceof Tensor &&
    weight instanceof Tensor &&
    weight.dtype === input.dtype
      ? cast(bias, input.dtype)
      : bias;
  return convolution('conv1d', 1, input, weight, b, {
    stride: one('stride', opts.stride, 1),
    padding: typeof p === 'string' ? p : one('padding', p, 0),
    dilation: one('dilation', opts.dilation, 1),
    groups: opts.groups,
  });
}

/** Validates as PyTorch's convolution does, then runs the 2-D composition (1-D inputs get a height of 1). */
function convolution(
  op: string,
  dims: 1 | 2,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  opts: ConvOptions<Size2>,
): Tensor {
  checkTensor(op, 'input', input);
  checkTensor(op, 'weight', weight);
  checkOptionalTensor(op, 'bias', bias);
  checkSameDtype(op, { input, weight, bias });
  if (input.ndim !== dims + 1 && input.ndim !== dims + 2) {
    throw new ShapeError(
      `${op}: expected ${dims + 1}D (unbatched) or ${dims + 2}D (batched) input, got input of shape ${fmtShape(input.shape)}`,
    );
  }
  const taps = dims === 1 ? 'k' : 'kH, kW';
  if (weight.ndim !== dims + 2) {
    throw new ShapeError(
      `${op}: weight must be ${dims + 2}D [outChannels, inChannels / groups, ${taps}], got shape ${fmtShape(weight.shape)}`,
    );
  }
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) {
    throw new ValueError(`${op}: groups must be a positive integer, got ${groups}`);
  }
  const cout = weight.shape[0]!;
  if (cout % groups !== 0) {
    throw new ValueError(
      `${op}: given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, ` +
        `but got weight of shape ${fmtShape(weight.shape)}`,
    );
  }
  const batched = input.ndim === dims + 2;
  const cin = input.shape[batched ? 1 : 0]!;
  if (cin !== weight.shape[1]! * groups) {
    throw new ShapeError(
      `${op}: given groups=${groups}, weight of shape ${fmtShape(weight.shape)} expects input with ` +
        `${weight.shape[1]! * groups} channels, but got input of shape ${fmtShape(input.shape)} with ${cin} channels`,
    );
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== cout)) {
    throw new ShapeError(
      `${op}: given weight of shape ${fmtShape(weight.shape)}, expected bias of shape [${cout}], got ${fmtShape(bias.shape)}`,
    );
  }
  let x = batched ? input : unsqueeze(input, 0);
  let w = weight;
  if (dims === 1) {
    x = unsqueeze(x, 2);
    w = unsqueeze(w, 2);
  }
  const s = pair(op, 'stride', opts.stride ?? 1, 1);
  const d = pair(op, 'dilation', opts.dilation ?? 1, 1);
  const k: [number, number] = [w.shape[2]!, w.shape[3]!];
  const padding = opts.padding ?? 0;
  let p: [number, number];
  if (padding === 'valid') p = [0, 0];
  else if (padding === 'same') {
    if (s[0] !== 1 || s[1] !== 1) {
      throw new ValueError(
        `${op}: padding='same' is not supported for strided convolutions, got stride ${fmtShape(s.slice(dims === 1 ? 1 : 0))}`,
      );
    }
    // PyTorch's rule: total padding dil (k - 1) per dim, the odd one out on the right (bottom).
    const total = [d[0] * (k[0] - 1), d[1] * (k[1] - 1)];
    p = [Math.floor(total[0]! / 2), Math.floor(total[1]! / 2)];
    const extraH = total[0]! % 2;
    const extraW = total[1]! % 2;
    if (extraH > 0 || extraW > 0) x = pad(x, [0, extraW, 0, extraH]);
  } else if (typeof padding === 'string') {
    throw new ValueError(`${op}: invalid padding string '${padding}'; expected 'valid' or 'same'`);
  } else p = pair(op, 'padding', padding, 0);
  const g = window2d(x.shape, k, s, p, d);
  const spanH = d[0] * (k[0] - 1) + 1;
  const spanW = d[1] * (k[1] - 1) + 1;
  if (x.shape[2]! + 2 * p[0] < spanH || x.shape[3]! + 2 * p[1] < spanW) {
    const padded = [x.shape[2]! + 2 * p[0], x.shape[3]! + 2 * p[1]];
    const show = (v: number[]) => (dims === 1 ? `(${v[1]})` : `(${v[0]} x ${v[1]})`);
    throw new ShapeError(
      `${op}: calculated padded input size per channel ${show(padded)} is smaller than the ` +
        `${d[0] > 1 || d[1] > 1 ? 'dilated ' : ''}kernel size ${show([spanH, spanW])} (input of shape ${fmtShape(input.shape)})`,
    );
  }
  const n = x.shape[0]!;
  const cols = unfoldWindow(x, g); // [N, Cin kh kw, L]
  const kk = cin * k[0] * k[1];
  const l = g.oh * g.ow;
  let y =
    groups === 1
      ? matmul(reshape(w, [cout, kk]), cols)
      : reshape(
          matmul(
            reshape(w, [groups, cout / groups, kk / groups]),
            reshape(cols, [n, groups, kk / groups, l]),
          ),
          [n, cout, l],
        );
  y = reshape(y, dims === 1 ? [n, cout, g.ow] : [n, cout, g.oh, g.ow]);
  if (bias !== null) y = add(y, reshape(bias, dims === 1 ? [cout, 1] : [cout, 1, 1]));
  return batched ? y : squeeze(y, 0);
}
