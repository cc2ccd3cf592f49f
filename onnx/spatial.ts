/**
 * Converters of the convolution and pooling layers (NCHW, as PyTorch and ONNX
 * both lay images out). ONNX writes pads as [begin of each spatial dim..., end
 * of each...]; PyTorch pads both sides by the same amount, except 'same', which
 * puts the odd one at the end, as here.
 */
import type { _ConvNd, AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from '../nn/index.ts';
import { type Converter, key } from './context.ts';

const pair = (v: number | readonly [number, number]): [number, number] =>
  typeof v === 'number' ? [v, v] : [v[0], v[1]];

/** ONNX's Pad modes for PyTorch's padding modes. */
const PAD_MODE = { reflect: 'reflect', replicate: 'edge', circular: 'wrap' } as const;

/**
 * Conv1d/Conv2d: one Conv node, with zero padding in its pads. Another
 * paddingMode becomes a Pad node first (circular needs Pad's 'wrap', opset 19).
 *
 *     out[n, o] = bias[o] + Σ_c Σ_k weight[o, c, k] · x[n, g·C_in/groups + c, s·i + d·k - p]
 */
export const conv: Converter<_ConvNd> = (m, x, _out, c) => {
  const { g, path } = c;
  const k = m.kernelSize.length;
  if (x.shape.length !== k + 2) {
    c.fail(
      `ONNX Conv needs a batch dim; export with a batched sample of ${k + 2} dims, not ${x.shape.length}`,
    );
  }
  // [begin, end] padding of each spatial dim.
  const sides = m.kernelSize.map((size, i): [number, number] => {
    if (m.padding === 'valid') return [0, 0];
    if (m.padding !== 'same') return [m.padding[i]!, m.padding[i]!];
    const total = m.dilation[i]! * (size - 1);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  });
  const begin = sides.map((p) => p[0]);
  const end = sides.map((p) => p[1]);
  let input = x.name;
  let pads = [...begin, ...end];
  if (m.paddingMode !== 'zeros') {
    if (m.paddingMode === 'circular' && g.opset < 19)
      c.fail("circular padding needs Pad's 'wrap' mode (opset 19 or later)");
    const all = [0, 0, ...begin, 0, 0, ...end];
    input = g.node('Pad', [x.name, g.ints(key(path, 'pads'), all)], path, {
      mode: { string: PAD_MODE[m.paddingMode] },
    });
    pads = pads.map(() => 0);
  }
  const w = g.weight(key(path, 'weight'), m.weight);
  const inputs = m.bias === null ? [input, w] : [input, w, g.weight(key(path, 'bias'), m.bias)];
  return g.node('Conv', inputs, path, {
    kernel_shape: { ints: m.kernelSize },
    strides: { ints: m.stride },
    pads: { ints: pads },
    dilations: { ints: m.dilation },
    group: { int: m.groups },
  });
};

/** MaxPool2d: MaxPool with PyTorch's -Infinity padding, dilation and ceil mode. */
export const maxPool: Converter<MaxPool2d> = (m, x, _out, c) => {
  if (x.shape.length !== 4)
    c.fail('ONNX MaxPool needs a batch dim; export with a batched [N, C, H, W] sample');
  const [ph, pw] = pair(m.padding);
  return c.g.node('MaxPool', [x.name], c.path, {
    kernel_shape: { ints: pair(m.kernelSize) },
    strides: { ints: pair(m.stride) },
    pads: { ints: [ph, pw, ph, pw] },
    dilations: { ints: pair(m.dilation) },
    ceil_mode: { int: m.ceilMode ? 1 : 0 },
  });
};

/**
 * AvgPool2d: AveragePool. A divisorOverride d becomes the zero-padded average
 * times (kH · kW / d), which is Σ window / d wherever every window is whole
 * (so not with ceilMode, where the last windows may be cut).
 */
export const avgPool: Converter<AvgPool2d> = (m, x, _out, c) => {
  if (x.shape.length !== 4)
    c.fail('ONNX AveragePool needs a batch dim; export with a batched [N, C, H, W] sample');
  if (m.divisorOverride !== null && m.ceilMode) c.fail('divisorOverride with ceilMode has no ONNX form');
  const [kh, kw] = pair(m.kernelSize);
  const [ph, pw] = pair(m.padding);
  const y = c.g.node('AveragePool', [x.name], c.path, {
    kernel_shape: { ints: [kh, kw] },
    strides: { ints: pair(m.stride) },
    pads: { ints: [ph, pw, ph, pw] },
    ceil_mode: { int: m.ceilMode ? 1 : 0 },
    count_include_pad: { int: m.countIncludePad || m.divisorOverride !== null ? 1 : 0 },
  });
  if (m.divisorOverride === null) return y;
  return c.g.node(
    'Mul',
    [y, c.g.filled(key(c.path, 'divisor_scale'), [], (kh * kw) / m.divisorOverride)],
    c.path,
  );
};

/**
 * AdaptiveAvgPool2d: GlobalAveragePool for a 1 × 1 output; otherwise, when
 * each output size divides the input's, an AveragePool whose windows are then
 * all of size S / O (ONNX has no adaptive pooling for uneven windows).
 */
export const adaptiveAvgPool: Converter<AdaptiveAvgPool2d> = (_m, x, out, c) => {
  if (x.shape.length !== 4) c.fail('export with a batched [N, C, H, W] sample');
  const [h, w] = [x.shape[2]!, x.shape[3]!];
  const [oh, ow] = [out[2]!, out[3]!];
  if (oh === 1 && ow === 1) return c.g.node('GlobalAveragePool', [x.name], c.path);
  if (h % oh !== 0 || w % ow !== 0) {
    c.fail(
      `output size [${oh}, ${ow}] does not divide the input's [${h}, ${w}], and ONNX has no adaptive pooling`,
    );
  }
  const kernel = [h / oh, w / ow];
  return c.g.node('AveragePool', [x.name], c.path, {
    kernel_shape: { ints: kernel },
    strides: { ints: kernel },
  });
};
