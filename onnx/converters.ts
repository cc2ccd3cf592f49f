/**
 * One converter per exportable module class: each writes the ONNX nodes that
 * compute the module's eval-mode forward, from the module's settings and
 * tensors. Adding a layer is one entry in `CONVERTERS`. Containers
 * (Sequential) are walked by export.ts, not converted.
 */
import type { Tensor } from '../core/index.ts';
import {
  type _BatchNorm,
  AdaptiveAvgPool2d,
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv1d,
  Conv2d,
  Dropout,
  Flatten,
  Identity,
  LayerNorm,
  LeakyReLU,
  Linear,
  LogSoftmax,
  MaxPool2d,
  type Module,
  ReLU,
  Sigmoid,
  Softmax,
  Tanh,
} from '../nn/index.ts';
import { type ConvertContext, type Converter, key, type ModuleClass } from './context.ts';
import { adaptiveAvgPool, avgPool, conv, maxPool } from './spatial.ts';

/** ONNX's form of an elementwise activation: one node, no settings. */
const unary =
  (op: string): Converter<Module> =>
  (_m, x, _out, c) =>
    c.g.node(op, [x.name], c.path);

/**
 * Linear: y = x Wᵀ + b. A 2-d input becomes one Gemm with transB (as PyTorch
 * exports it); any other rank a MatMul with the transposed weight, then Add.
 * The weight keeps its state-dict shape [out, in] and name either way.
 */
const linear: Converter<Linear> = (m, x, _out, { g, path }) => {
  const w = g.weight(key(path, 'weight'), m.weight);
  const b = m.bias === null ? null : g.weight(key(path, 'bias'), m.bias);
  if (x.shape.length === 2) {
    return g.node('Gemm', b === null ? [x.name, w] : [x.name, w, b], path, { transB: { int: 1 } });
  }
  const y = g.node('MatMul', [x.name, g.node('Transpose', [w], path)], path);
  return b === null ? y : g.node('Add', [y, b], path);
};

/**
 * LeakyReLU as PRelu with the slope as a one-element tensor: ONNX's LeakyRelu
 * takes alpha as an attribute, and attributes are float32, which would round
 * 0.01 in a float64 model; a tensor keeps the slope in the model's own type.
 */
const leakyRelu: Converter<LeakyReLU> = (m, x, _out, { g, path }) =>
  g.node('PRelu', [x.name, g.filled(key(path, 'negative_slope'), [1], m.negativeSlope)], path);

/**
 * Normalizes `x` over `axes` with the biased variance, as the decomposed form
 * of LayerNorm (opsets before 17) and of BatchNorm without running statistics:
 *
 *     y = (x - mean(x)) / sqrt(mean((x - mean(x))²) + eps)
 *
 * ReduceMean takes its axes as an attribute up to opset 17 and as an input from 18.
 */
function normalize(x: string, axes: readonly number[], eps: number, { g, path }: ConvertContext): string {
  const reduceMean = (v: string): string =>
    g.opset >= 18
      ? g.node('ReduceMean', [v, g.ints(key(path, 'axes'), axes)], path, { keepdims: { int: 1 } })
      : g.node('ReduceMean', [v], path, { axes: { ints: axes }, keepdims: { int: 1 } });
  const centered = g.node('Sub', [x, reduceMean(x)], path);
  const variance = reduceMean(g.node('Mul', [centered, centered], path));
  const std = g.node('Sqrt', [g.node('Add', [variance, g.filled(key(path, 'eps'), [], eps)], path)], path);
  return g.node('Div', [centered, std], path);
}

/** Multiplies by the weight and adds the bias, each reshaped to `dims` (a null one is skipped). */
function affine(
  y: string,
  weight: Tensor | null,
  bias: Tensor | null,
  dims: readonly number[],
  c: ConvertContext,
) {
  const { g, path } = c;
  if (weight !== null) y = g.node('Mul', [y, g.weight(key(path, 'weight'), weight, dims)], path);
  if (bias !== null) y = g.node('Add', [y, g.weight(key(path, 'bias'), bias, dims)], path);
  return y;
}

/**
 * BatchNorm1d/2d in eval mode: BatchNormalization with the running statistics,
 *
 *     y = (x - running_mean) / sqrt(running_var + eps) * γ + β
 *
 * (γ = 1, β = 0 written out when the layer has no affine parameters; eps is a
 * float32 attribute in ONNX, a change of ~1e-13 relative to var + eps). Without
 * running statistics PyTorch normalizes with the batch's own statistics in eval
 * too, so the layer is written as that decomposition over every dim but 1.
 */
const batchNorm: Converter<_BatchNorm> = (m, x, _out, c) => {
  const { g, path } = c;
  const C = m.numFeatures;
  if (m.runningMean === null || m.runningVar === null) {
    const axes = [0, ...x.shape.slice(2).map((_, i) => i + 2)];
    const y = normalize(x.name, axes, m.eps, c);
    return affine(y, m.weight, m.bias, [C, ...x.shape.slice(2).map(() => 1)], c);
  }
  const scale =
    m.weight === null ? g.filled(key(path, 'weight'), [C], 1) : g.weight(key(path, 'weight'), m.weight);
  const bias = m.bias === null ? g.filled(key(path, 'bias'), [C], 0) : g.weight(key(path, 'bias'), m.bias);
  const mean = g.weight(key(path, 'running_mean'), m.runningMean);
  const variance = g.weight(key(path, 'running_var'), m.runningVar);
  return g.node('BatchNormalization', [x.name, scale, bias, mean, variance], path, {
    epsilon: { float: m.eps },
  });
};

/**
 * LayerNorm over the last `normalizedShape.length` dims: one
 * LayerNormalization node from opset 17, its decomposition before (see
 * `normalize`), y = (x - E[x]) / sqrt(Var[x] + eps) * γ + β with the biased variance.
 */
const layerNorm: Converter<LayerNorm> = (m, x, _out, c) => {
  const { g, path } = c;
  const k = m.normalizedShape.length;
  if (g.opset >= 17) {
    const scale =
      m.weight === null
        ? g.filled(key(path, 'weight'), m.normalizedShape, 1)
        : g.weight(key(path, 'weight'), m.weight);
    const inputs = [x.name, scale];
    if (m.bias !== null) inputs.push(g.weight(key(path, 'bias'), m.bias));
    return g.node('LayerNormalization', inputs, path, { axis: { int: -k }, epsilon: { float: m.eps } });
  }
  const axes = m.normalizedShape.map((_, i) => x.shape.length - k + i);
  return affine(normalize(x.name, axes, m.eps, c), m.weight, m.bias, m.normalizedShape, c);
};

/**
 * Flatten(startDim, endDim): ONNX's Flatten where it means the same thing (all
 * dims from startDim to the last, after the batch dim), otherwise a Reshape that
 * copies the leading dims (0), merges the flattened ones (-1) and states the trailing ones.
 */
const flatten: Converter<Flatten> = (m, x, _out, { g, path }) => {
  const r = x.shape.length;
  const start = m.startDim < 0 ? m.startDim + r : m.startDim;
  const end = m.endDim < 0 ? m.endDim + r : m.endDim;
  if (start === 1 && end === r - 1) return g.node('Flatten', [x.name], path, { axis: { int: 1 } });
  const shape = [...x.shape.slice(0, start).map(() => 0), -1, ...x.shape.slice(end + 1)];
  return g.node('Reshape', [x.name, g.ints(key(path, 'shape'), shape)], path);
};

const entry = <M extends Module>(
  cls: ModuleClass<M>,
  convert: Converter<M>,
): [ModuleClass<Module>, Converter<Module>] => [cls, convert as Converter<Module>];

/** Each exportable module class and its converter, looked up by the module's exact class. */
export const CONVERTERS: ReadonlyMap<ModuleClass<Module>, Converter<Module>> = new Map([
  entry(Linear, linear),
  entry(Identity, unary('Identity')),
  entry(Dropout, unary('Identity')), // eval mode: Dropout passes its input through
  entry(ReLU, unary('Relu')),
  entry(Sigmoid, unary('Sigmoid')),
  entry(Tanh, unary('Tanh')),
  entry(LeakyReLU, leakyRelu),
  entry(Softmax, (m, x, _out, c) => c.g.node('Softmax', [x.name], c.path, { axis: { int: m.dim } })),
  entry(LogSoftmax, (m, x, _out, c) => c.g.node('LogSoftmax', [x.name], c.path, { axis: { int: m.dim } })),
  entry(BatchNorm1d, batchNorm),
  entry(BatchNorm2d, batchNorm),
  entry(LayerNorm, layerNorm),
  entry(Flatten, flatten),
  entry(Conv1d, conv),
  entry(Conv2d, conv),
  entry(MaxPool2d, maxPool),
  entry(AvgPool2d, avgPool),
  entry(AdaptiveAvgPool2d, adaptiveAvgPool),
]);
