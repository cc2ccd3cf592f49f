export * from './creation.ts';
export {
  type BackwardOptions,
  backward,
  detectAnomaly,
  enableGrad,
  type GradOptions,
  grad,
  isAnomalyEnabled,
  isGradEnabled,
  Node,
  noGrad,
  setDetectAnomaly,
  withGradMode,
  withScope,
} from './engine.ts';
export * from './errors.ts';
export {
  describe as describeGradcheck,
  type GradcheckOptions,
  type GradcheckReport,
  gradcheck,
  gradgradcheck,
} from './gradcheck.ts';
export {
  type ConvOptions,
  conv1d,
  conv2d,
  fold,
  type Size2,
  type UnfoldOptions,
  unfold,
} from './ops/conv.ts';
export {
  abs,
  add,
  clamp,
  div,
  exp,
  leakyRelu,
  log,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  relu,
  rsqrt,
  sigmoid,
  sign,
  sqrt,
  sub,
  tanh,
  where,
} from './ops/elementwise.ts';
export { matmul } from './ops/matmul.ts';
export {
  cat,
  chunk,
  expand,
  flatten,
  gather,
  indexSelect,
  narrow,
  permute,
  reshape,
  select,
  slice,
  split,
  squeeze,
  stack,
  transpose,
  unsqueeze,
} from './ops/movement.ts';
export { type PaddingMode, pad } from './ops/padding.ts';
export {
  type AvgPool2dOptions,
  adaptiveAvgPool2d,
  avgPool2d,
  type MaxPool2dOptions,
  maxPool2d,
  maxPool2dWithIndices,
} from './ops/pool.ts';
export { amax, amin, logSoftmax, logsumexp, mean, softmax, std, sum, variance as var } from './ops/reduce.ts';
export { defaultGenerator, Generator, manualSeed } from './random.ts';
export type { Shape } from './shape.ts';
export {
  type Dims,
  type NestedArray,
  type RemovableHandle,
  Tensor,
  type TensorLike,
  type VarOptions,
} from './tensor.ts';
