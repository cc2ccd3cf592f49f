export { detectAnomaly, isAnomalyEnabled, setDetectAnomaly, withScope } from './anomaly.ts';
export * from './creation.ts';
export {
  checkDtype,
  type DType,
  type FloatArray,
  getDefaultDtype,
  promoteTypes,
  setDefaultDtype,
} from './dtype.ts';
export {
  type BackwardOptions,
  backward,
  enableGrad,
  type GradOptions,
  grad,
  isGradEnabled,
  Node,
  noGrad,
  withGradMode,
} from './engine.ts';
export * from './errors.ts';
export {
  describe as describeGradcheck,
  type GradcheckOptions,
  type GradcheckReport,
  gradcheck,
  gradgradcheck,
} from './gradcheck.ts';
export { emptyPool, pooledByteCount } from './kernels/alloc.ts';
export { type Backend, getBackend, getNumThreads, setBackend, setNumThreads } from './kernels/backend.ts';
export { cast, expand, reshape, sum } from './ops/base.ts';
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
export type { FillRandomOptions } from './ops/inplace.ts';
export { binaryCrossEntropy, softplus } from './ops/loss.ts';
export { linear, linearComposed, matmul } from './ops/matmul.ts';
export {
  cat,
  chunk,
  flatten,
  gather,
  indexSelect,
  narrow,
  permute,
  select,
  slice,
  split,
  squeeze,
  stack,
  transpose,
  unsqueeze,
} from './ops/movement.ts';
export {
  batchNormComposed,
  checkBatchNormInput,
  checkLayerNormInput,
  layerNormComposed,
  type NativeBatchNorm,
  nativeBatchNorm,
  nativeLayerNorm,
} from './ops/norm.ts';
export { type PaddingMode, pad } from './ops/padding.ts';
export {
  type AvgPool2dOptions,
  adaptiveAvgPool2d,
  avgPool2d,
  type MaxPool2dOptions,
  maxPool2d,
  maxPool2dWithIndices,
} from './ops/pool.ts';
export { amax, amin, logsumexp, mean, std, variance as var } from './ops/reduce.ts';
export {
  checkClassTargets,
  logSoftmax,
  logSoftmaxComposed,
  type SoftmaxCrossEntropyOptions,
  softmax,
  softmaxComposed,
  softmaxCrossEntropy,
  softmaxCrossEntropyComposed,
} from './ops/softmax.ts';
export { defaultGenerator, Generator, manualSeed } from './random.ts';
export { broadcastShapes, type Shape, sameShape } from './shape.ts';
export {
  type BackwardCallOptions,
  type Dims,
  type NestedArray,
  type RemovableHandle,
  Tensor,
  type TensorJSON,
  type TensorLike,
  type VarOptions,
} from './tensor.ts';
export { namedTuple } from './tuple.ts';
export {
  checkBoolean,
  checkChoice,
  checkNumber,
  checkOptionalTensor,
  checkOptions,
  checkSameDtype,
  checkTensor,
  checkTensorLike,
  describe as describeValue,
  type NumberRule,
  suggest,
} from './validate.ts';
export { bumpVersion, savesOutput, versionOf } from './versions.ts';
