export * from './creation.ts';
export {
  type BackwardOptions,
  backward,
  bumpVersion,
  detectAnomaly,
  enableGrad,
  type GradOptions,
  grad,
  isAnomalyEnabled,
  isGradEnabled,
  Node,
  noGrad,
  savesOutput,
  setDetectAnomaly,
  versionOf,
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
export { type Backend, getBackend, getNumThreads, setBackend, setNumThreads } from './kernels/backend.ts';
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
export { amax, amin, logSoftmax, logsumexp, mean, softmax, std, sum, variance as var } from './ops/reduce.ts';
export { defaultGenerator, Generator, manualSeed } from './random.ts';
export type { Shape } from './shape.ts';
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
  checkTensor,
  checkTensorLike,
  describe as describeValue,
  type NumberRule,
  suggest,
} from './validate.ts';
