/**
 * One table of bad calls across the public API (imported from the package root,
 * as a user would). Each row asserts the error's class, so callers can catch by
 * kind, and its exact message, which names the op or module, the argument and the
 * offending shapes or values. A second group of tests checks that a call that
 * throws leaves the object it was called on as it was.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  add,
  arange,
  cat,
  DTypeError,
  data,
  exp,
  full,
  GraphError,
  grad,
  gradcheck,
  linspace,
  matmul,
  maximum,
  minimum,
  NormgradError,
  nn,
  ones,
  onnx,
  optim,
  rand,
  randn,
  randperm,
  ShapeError,
  StateDictError,
  setBackend,
  setDefaultDtype,
  setNumThreads,
  stack,
  tensor,
  ValueError,
  where,
  zeros,
  zerosLike,
} from '../../index.ts';

/** The kinds of bad call the issue lists; the table must hold at least one of each. */
const TOPICS = [
  'broadcast',
  'matmul',
  'dim',
  'reshape',
  'batchnorm',
  'layernorm',
  'groupnorm',
  'instancenorm',
  'rmsnorm',
  'weightnorm',
  'rnn',
  'cross-entropy',
  'state-dict',
  'backward',
  'optimizer',
  'hyperparameter',
  'scaler',
  'dataloader',
  'tensor',
  'conv',
  'pooling',
  'padding',
  'js-array',
  'options',
  'js-value',
  'hyperparameter-kind',
  'in-place',
  'onnx',
  'dtype',
] as const;
type Topic = (typeof TOPICS)[number];
type ErrorClass =
  | typeof ShapeError
  | typeof ValueError
  | typeof GraphError
  | typeof StateDictError
  | typeof DTypeError;

interface BadCall {
  topic: Topic;
  call: string;
  fn: () => unknown;
  kind: ErrorClass;
  message: string;
}

const leaf = (shape: number[]) => zeros(shape, { requiresGrad: true });
/** A value of the wrong type, as a plain-JavaScript caller would pass it. */
const u = (x: unknown) => x as never;
const sgd = () => new optim.SGD([leaf([1])], { lr: 0.1 });
const a23 = () => zeros([2, 3]);
const linearSd = (edit: (sd: nn.StateDict) => void) => () => {
  const m = new nn.Linear(2, 2);
  const sd = m.stateDict();
  edit(sd);
  return m.loadStateDict(sd);
};
const bnNet = () => new nn.Sequential(new nn.Linear(2, 3), new nn.BatchNorm1d(3));
const usedTwice = () => {
  const x = leaf([2]);
  const y = x.mul(x).sum();
  y.backward();
  y.backward();
};

// biome-ignore format: one bad call per line reads as a table
const TABLE: BadCall[] = [
  // every binary op, with shapes that do not broadcast
  { topic: 'broadcast', call: 'x.add(y)', fn: () => a23().add(zeros([4])), kind: ShapeError, message: 'add: shapes [2, 3] and [4] cannot be broadcast together (dim -1: 3 vs 4)' },
  { topic: 'broadcast', call: 'add(x, y)', fn: () => add(zeros([3, 1, 5]), zeros([2, 4])), kind: ShapeError, message: 'add: shapes [3, 1, 5] and [2, 4] cannot be broadcast together (dim -1: 5 vs 4)' },
  { topic: 'broadcast', call: 'x.sub(y)', fn: () => a23().sub(zeros([3, 3])), kind: ShapeError, message: 'sub: shapes [2, 3] and [3, 3] cannot be broadcast together (dim -2: 2 vs 3)' },
  { topic: 'broadcast', call: 'x.mul(y)', fn: () => a23().mul(zeros([2, 2])), kind: ShapeError, message: 'mul: shapes [2, 3] and [2, 2] cannot be broadcast together (dim -1: 3 vs 2)' },
  { topic: 'broadcast', call: 'x.div(y)', fn: () => a23().div(zeros([5, 1, 2])), kind: ShapeError, message: 'div: shapes [2, 3] and [5, 1, 2] cannot be broadcast together (dim -1: 3 vs 2)' },
  { topic: 'broadcast', call: 'x.pow(y)', fn: () => a23().pow(zeros([4])), kind: ShapeError, message: 'pow: shapes [2, 3] and [4] cannot be broadcast together (dim -1: 3 vs 4)' },
  { topic: 'broadcast', call: 'maximum', fn: () => maximum(a23(), zeros([3, 2])), kind: ShapeError, message: 'maximum: shapes [2, 3] and [3, 2] cannot be broadcast together (dim -2: 2 vs 3)' },
  { topic: 'broadcast', call: 'minimum', fn: () => minimum(a23(), zeros([4, 1, 1, 2])), kind: ShapeError, message: 'minimum: shapes [2, 3] and [4, 1, 1, 2] cannot be broadcast together (dim -1: 3 vs 2)' },
  { topic: 'broadcast', call: 'where', fn: () => where(zeros([4]), a23(), 0), kind: ShapeError, message: 'where: shapes [4] and [2, 3] cannot be broadcast together (dim -1: 4 vs 3)' },
  { topic: 'broadcast', call: 'x.eq(y)', fn: () => a23().eq(zeros([2])), kind: ShapeError, message: 'eq: shapes [2, 3] and [2] cannot be broadcast together (dim -1: 3 vs 2)' },
  { topic: 'broadcast', call: 'x.lt(y)', fn: () => a23().lt(zeros([3, 3])), kind: ShapeError, message: 'lt: shapes [2, 3] and [3, 3] cannot be broadcast together (dim -2: 2 vs 3)' },
  { topic: 'broadcast', call: 'x.ge(y)', fn: () => a23().ge(zeros([5])), kind: ShapeError, message: 'ge: shapes [2, 3] and [5] cannot be broadcast together (dim -1: 3 vs 5)' },
  { topic: 'broadcast', call: 'mseLoss', fn: () => nn.F.mseLoss(a23(), zeros([3])), kind: ShapeError, message: 'mseLoss: target of shape [3] must have the same shape as input [2, 3]' },
  // matmul misalignment
  { topic: 'matmul', call: 'matmul 2-D', fn: () => matmul(a23(), zeros([4, 5])), kind: ShapeError, message: 'matmul: cannot multiply [2, 3] by [4, 5]: 3 != 4' },
  { topic: 'matmul', call: 'matmul 1-D', fn: () => zeros([3]).matmul(zeros([4])), kind: ShapeError, message: 'matmul: cannot multiply [3] by [4]: 3 != 4' },
  { topic: 'matmul', call: 'matmul batch', fn: () => zeros([2, 3, 4]).matmul(zeros([3, 4, 5])), kind: ShapeError, message: 'matmul: batch dims of [2, 3, 4] and [3, 4, 5]: shapes [2] and [3] cannot be broadcast together (dim -1: 2 vs 3)' },
  { topic: 'matmul', call: 'matmul 0-d', fn: () => zeros([]).matmul(zeros([2])), kind: ShapeError, message: 'matmul: both arguments need at least 1 dimension, got shapes [] and [2]' },
  { topic: 'matmul', call: 'F.linear', fn: () => nn.F.linear(a23(), zeros([4, 5])), kind: ShapeError, message: 'linear: input of shape [2, 3] must have 5 features in its last dim to match weight of shape [4, 5]' },
  { topic: 'matmul', call: 'Linear', fn: () => new nn.Linear(3, 2).forward(zeros([4, 5])), kind: ShapeError, message: 'linear: input of shape [4, 5] must have 3 features in its last dim to match weight of shape [2, 3]' },
  { topic: 'matmul', call: 'Linear in Sequential', fn: () => new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(4, 1)).forward(zeros([1, 2])), kind: ShapeError, message: "linear: input of shape [1, 3] must have 4 features in its last dim to match weight of shape [1, 4] in module '2 (Linear)'" },
  // dims out of range
  { topic: 'dim', call: 'sum', fn: () => a23().sum(2), kind: ValueError, message: 'sum: dim 2 is out of range for a tensor of 2 dimensions (expected to be in range of [-2, 1])' },
  { topic: 'dim', call: 'mean', fn: () => a23().mean(-3), kind: ValueError, message: 'mean: dim -3 is out of range for a tensor of 2 dimensions (expected to be in range of [-2, 1])' },
  { topic: 'dim', call: 'var', fn: () => a23().var([0, 2]), kind: ValueError, message: 'var: dim 2 is out of range for a tensor of 2 dimensions (expected to be in range of [-2, 1])' },
  { topic: 'dim', call: 'amax', fn: () => a23().amax(3), kind: ValueError, message: 'amax: dim 3 is out of range for a tensor of 2 dimensions (expected to be in range of [-2, 1])' },
  { topic: 'dim', call: 'argmax', fn: () => a23().argmax(2), kind: ValueError, message: 'argmax: dim 2 is out of range for a tensor of 2 dimensions (expected to be in range of [-2, 1])' },
  { topic: 'dim', call: 'max(dim)', fn: () => a23().max(-3), kind: ValueError, message: 'max: dim -3 is out of range for a tensor of 2 dimensions (expected to be in range of [-2, 1])' },
  { topic: 'dim', call: 'softmax', fn: () => a23().softmax(5), kind: ValueError, message: 'softmax: dim 5 is out of range for a tensor of 2 dimensions (expected to be in range of [-2, 1])' },
  { topic: 'dim', call: 'logSoftmax', fn: () => a23().logSoftmax(2), kind: ValueError, message: 'logSoftmax: dim 2 is out of range for a tensor of 2 dimensions (expected to be in range of [-2, 1])' },
  { topic: 'dim', call: 'logsumexp', fn: () => a23().logsumexp(-4), kind: ValueError, message: 'logsumexp: dim -4 is out of range for a tensor of 2 dimensions (expected to be in range of [-2, 1])' },
  { topic: 'dim', call: 'transpose', fn: () => a23().transpose(0, 2), kind: ValueError, message: 'transpose: dim1 2 is out of range for a tensor of 2 dimensions (expected to be in range of [-2, 1])' },
  { topic: 'dim', call: 'unsqueeze', fn: () => a23().unsqueeze(4), kind: ValueError, message: 'unsqueeze: dim 4 is out of range for a tensor of 3 dimensions (expected to be in range of [-3, 2])' },
  { topic: 'dim', call: 'squeeze', fn: () => a23().squeeze(2), kind: ValueError, message: 'squeeze: dim 2 is out of range for a tensor of 2 dimensions (expected to be in range of [-2, 1])' },
  { topic: 'dim', call: 'flatten', fn: () => a23().flatten(0, 3), kind: ValueError, message: 'flatten: endDim 3 is out of range for a tensor of 2 dimensions (expected to be in range of [-2, 1])' },
  { topic: 'dim', call: 'cat', fn: () => cat([a23(), a23()], 2), kind: ValueError, message: 'cat: dim 2 is out of range for a tensor of 2 dimensions (expected to be in range of [-2, 1])' },
  { topic: 'dim', call: 'stack', fn: () => stack([a23(), a23()], 4), kind: ValueError, message: 'stack: dim 4 is out of range for a tensor of 3 dimensions (expected to be in range of [-3, 2])' },
  { topic: 'dim', call: 'split', fn: () => a23().split(1, -3), kind: ValueError, message: 'split: dim -3 is out of range for a tensor of 2 dimensions (expected to be in range of [-2, 1])' },
  { topic: 'dim', call: 'select index', fn: () => a23().select(1, 3), kind: ValueError, message: 'select: index 3 is out of range for dimension 1 with size 3' },
  { topic: 'dim', call: 'narrow', fn: () => a23().narrow(1, 2, 2), kind: ValueError, message: 'narrow: start (2) + length (2) exceeds dimension size (3) of dim 1 for input of shape [2, 3]' },
  { topic: 'dim', call: 'gather index', fn: () => a23().gather(1, tensor([[0, 3], [1, 1] ]) ), kind: ValueError, message: 'gather: index 3 is out of bounds for dimension 1 with size 3 (input shape [2, 3])' },
  { topic: 'dim', call: 'indexSelect index', fn: () => a23().indexSelect(0, [0, 2]), kind: ValueError, message: 'indexSelect: index 2 is out of bounds for dimension 0 with size 2 (input shape [2, 3])' },
  // reshape to a different element count
  { topic: 'reshape', call: 'reshape', fn: () => a23().reshape(4, 2), kind: ShapeError, message: 'reshape: shape [4, 2] is invalid for input of size 6 (shape [2, 3])' },
  { topic: 'reshape', call: 'reshape -1', fn: () => a23().reshape(-1, 4), kind: ShapeError, message: 'reshape: shape [-1, 4] is invalid for input of size 6 (shape [2, 3])' },
  { topic: 'reshape', call: 'view', fn: () => zeros([2, 3, 4]).view([5, -1]), kind: ShapeError, message: 'view: shape [5, -1] is invalid for input of size 24 (shape [2, 3, 4])' },
  { topic: 'reshape', call: 'reshape two -1', fn: () => a23().reshape(-1, -1), kind: ValueError, message: 'reshape: only one dimension can be inferred in [-1, -1]' },
  { topic: 'reshape', call: 'expand', fn: () => a23().expand(4, 3), kind: ShapeError, message: 'expand: the expanded size of the tensor (4) must match the existing size (2) at non-singleton dimension 0; target [4, 3], input [2, 3]' },
  { topic: 'reshape', call: 'split sizes', fn: () => zeros([4]).split([1, 2]), kind: ShapeError, message: 'split: split sizes [1, 2] sum to 3, but dim 0 of input [4] has size 4' },
  { topic: 'reshape', call: 'cat shapes', fn: () => cat([a23(), zeros([2, 4])], 0), kind: ShapeError, message: 'cat: sizes of tensors must match except in dimension 0; tensor 0 has shape [2, 3] but tensor 1 has shape [2, 4]' },
  // BatchNorm
  { topic: 'batchnorm', call: 'BatchNorm1d channels', fn: () => new nn.BatchNorm1d(3).forward(zeros([4, 5])), kind: ShapeError, message: 'BatchNorm1d: expected input with 3 channels (numFeatures) in dim 1, got input of shape [4, 5]' },
  { topic: 'batchnorm', call: 'BatchNorm2d channels', fn: () => new nn.BatchNorm2d(3).forward(zeros([2, 4, 5, 5])), kind: ShapeError, message: 'BatchNorm2d: expected input with 3 channels (numFeatures) in dim 1, got input of shape [2, 4, 5, 5]' },
  { topic: 'batchnorm', call: 'BatchNorm1d 4D', fn: () => new nn.BatchNorm1d(3).forward(zeros([4, 3, 2, 2])), kind: ShapeError, message: 'BatchNorm1d: expected 2D or 3D input (got 4D input of shape [4, 3, 2, 2])' },
  { topic: 'batchnorm', call: 'BatchNorm1d 1D', fn: () => new nn.BatchNorm1d(3).forward(zeros([3])), kind: ShapeError, message: 'BatchNorm1d: expected 2D or 3D input (got 1D input of shape [3])' },
  { topic: 'batchnorm', call: 'BatchNorm2d 2D', fn: () => new nn.BatchNorm2d(3).forward(zeros([4, 3])), kind: ShapeError, message: 'BatchNorm2d: expected 4D input (got 2D input of shape [4, 3])' },
  { topic: 'batchnorm', call: 'BatchNorm1d one value', fn: () => new nn.BatchNorm1d(3).forward(zeros([1, 3])), kind: ValueError, message: 'batchNorm: Expected more than 1 value per channel when training, got input size [1, 3]' },
  { topic: 'batchnorm', call: 'BatchNorm2d one value', fn: () => new nn.BatchNorm2d(2).forward(zeros([1, 2, 1, 1])), kind: ValueError, message: 'batchNorm: Expected more than 1 value per channel when training, got input size [1, 2, 1, 1]' },
  { topic: 'batchnorm', call: 'BatchNorm1d in Sequential', fn: () => bnNet().forward(zeros([1, 2])), kind: ValueError, message: "batchNorm: Expected more than 1 value per channel when training, got input size [1, 3] in module '1 (BatchNorm1d)'" },
  { topic: 'batchnorm', call: 'F.batchNorm', fn: () => nn.F.batchNorm(a23(), zeros([4]), zeros([4])), kind: ShapeError, message: 'batchNorm: runningMean should have shape [3] (the channels of input [2, 3]), got [4]' },
  { topic: 'batchnorm', call: 'BatchNorm1d numFeatures', fn: () => new nn.BatchNorm1d(0), kind: ValueError, message: 'BatchNorm1d: numFeatures must be a positive integer, got 0' },
  // LayerNorm
  { topic: 'layernorm', call: 'LayerNorm', fn: () => new nn.LayerNorm(4).forward(a23()), kind: ShapeError, message: 'layerNorm: expected input with trailing shape [4] (normalizedShape), got input of shape [2, 3]' },
  { topic: 'layernorm', call: 'LayerNorm 2 dims', fn: () => new nn.LayerNorm([2, 3]).forward(zeros([4, 3, 2])), kind: ShapeError, message: 'layerNorm: expected input with trailing shape [2, 3] (normalizedShape), got input of shape [4, 3, 2]' },
  { topic: 'layernorm', call: 'LayerNorm rank', fn: () => new nn.LayerNorm([2, 3]).forward(zeros([3])), kind: ShapeError, message: 'layerNorm: expected input with trailing shape [2, 3] (normalizedShape), got input of shape [3]' },
  { topic: 'layernorm', call: 'F.layerNorm weight', fn: () => nn.F.layerNorm(a23(), 3, { weight: zeros([2]) }), kind: ShapeError, message: 'layerNorm: weight should have shape [3] (normalizedShape), got [2]' },
  { topic: 'layernorm', call: 'LayerNorm normalizedShape', fn: () => new nn.LayerNorm([2, 0]), kind: ValueError, message: 'LayerNorm: normalizedShape must be a positive integer or a non-empty list of them, got [2,0]' },
  // GroupNorm
  { topic: 'groupnorm', call: 'GroupNorm divisible', fn: () => new nn.GroupNorm(4, 6), kind: ValueError, message: 'GroupNorm: numChannels must be divisible by numGroups, got numChannels=6 and numGroups=4' },
  { topic: 'groupnorm', call: 'GroupNorm numGroups', fn: () => new nn.GroupNorm(0, 6), kind: ValueError, message: 'GroupNorm: numGroups must be a positive integer, got 0' },
  { topic: 'groupnorm', call: 'GroupNorm channels', fn: () => new nn.GroupNorm(2, 6).forward(zeros([2, 4, 3])), kind: ShapeError, message: 'GroupNorm: expected input with 6 channels (numChannels) in dim 1, got input of shape [2, 4, 3]' },
  { topic: 'groupnorm', call: 'GroupNorm rank', fn: () => new nn.GroupNorm(2, 6).forward(zeros([6])), kind: ShapeError, message: 'GroupNorm: expected input with at least 2 dims [N, C, *] (got 1D input of shape [6])' },
  { topic: 'groupnorm', call: 'GroupNorm one value', fn: () => new nn.GroupNorm(4, 4).forward(zeros([1, 4])), kind: ValueError, message: 'GroupNorm: Expected more than 1 value per group, got input size [1, 4] with numGroups=4 (a batch of one whose groups hold one value each)' },
  { topic: 'groupnorm', call: 'F.groupNorm groups', fn: () => nn.F.groupNorm(zeros([2, 6, 3]), 4), kind: ValueError, message: 'groupNorm: numGroups must be a positive integer that divides the 6 channels of input [2, 6, 3], got 4' },
  { topic: 'groupnorm', call: 'F.groupNorm weight', fn: () => nn.F.groupNorm(zeros([2, 6, 3]), 3, { weight: zeros([3]) }), kind: ShapeError, message: 'groupNorm: weight should have shape [6] (the channels of input [2, 6, 3]), got [3]' },
  { topic: 'groupnorm', call: 'F.groupNorm rank', fn: () => nn.F.groupNorm(zeros([4]), 2), kind: ShapeError, message: 'groupNorm: expected input with at least 2 dims [N, C, *], got input of shape [4]' },
  { topic: 'groupnorm', call: 'GroupNorm eps', fn: () => new nn.GroupNorm(2, 4, { eps: -1 }), kind: ValueError, message: 'GroupNorm: eps must be a finite number >= 0, got -1' },
  // InstanceNorm
  { topic: 'instancenorm', call: 'InstanceNorm1d 4D', fn: () => new nn.InstanceNorm1d(3).forward(zeros([2, 3, 4, 5])), kind: ShapeError, message: 'InstanceNorm1d: expected 2D or 3D input (got 4D input of shape [2, 3, 4, 5])' },
  { topic: 'instancenorm', call: 'InstanceNorm2d 2D', fn: () => new nn.InstanceNorm2d(3).forward(zeros([3, 4])), kind: ShapeError, message: 'InstanceNorm2d: expected 3D or 4D input (got 2D input of shape [3, 4])' },
  { topic: 'instancenorm', call: 'InstanceNorm1d affine channels', fn: () => new nn.InstanceNorm1d(3, { affine: true }).forward(zeros([2, 4, 5])), kind: ShapeError, message: "InstanceNorm1d: input's size at dim=1 is 4, expected numFeatures (3): the layer keeps affine weights per channel (input of shape [2, 4, 5])" },
  { topic: 'instancenorm', call: 'InstanceNorm2d tracked channels', fn: () => new nn.InstanceNorm2d(3, { trackRunningStats: true }).forward(zeros([2, 4, 5, 5])), kind: ShapeError, message: "InstanceNorm2d: input's size at dim=1 is 4, expected numFeatures (3): the layer keeps running statistics per channel (input of shape [2, 4, 5, 5])" },
  { topic: 'instancenorm', call: 'InstanceNorm1d one spatial value', fn: () => new nn.InstanceNorm1d(3).forward(zeros([2, 3, 1])), kind: ValueError, message: 'InstanceNorm1d: Expected more than 1 spatial element when training, got input size [2, 3, 1]' },
  { topic: 'instancenorm', call: 'InstanceNorm momentum null', fn: () => new nn.InstanceNorm1d(3, { momentum: null as unknown as number }), kind: ValueError, message: "InstanceNorm1d: momentum must be a number in [0, 1] (PyTorch's instance_norm has no cumulative average), got null" },
  { topic: 'instancenorm', call: 'F.instanceNorm no stats', fn: () => nn.F.instanceNorm(zeros([2, 3, 4]), { useInputStats: false }), kind: ValueError, message: 'instanceNorm: runningMean and runningVar are needed when useInputStats is false (there are no statistics to normalize with)' },
  { topic: 'instancenorm', call: 'F.instanceNorm runningMean', fn: () => nn.F.instanceNorm(zeros([2, 3, 4]), { runningMean: zeros([2]), runningVar: zeros([2]) }), kind: ShapeError, message: 'instanceNorm: runningMean should have shape [3] (the channels of input [2, 3, 4]), got [2]' },
  { topic: 'instancenorm', call: 'F.instanceNorm rank', fn: () => nn.F.instanceNorm(zeros([4])), kind: ShapeError, message: 'instanceNorm: expected input with at least 2 dims [N, C, *], got input of shape [4]' },
  { topic: 'instancenorm', call: 'F.instanceNorm one statistic', fn: () => nn.F.instanceNorm(zeros([2, 3, 4]), { runningMean: zeros([3]) }), kind: ValueError, message: 'instanceNorm: runningMean and runningVar must both be given or both be null' },
  // RMSNorm
  { topic: 'rmsnorm', call: 'RMSNorm shape', fn: () => new nn.RMSNorm(4).forward(a23()), kind: ShapeError, message: 'rmsNorm: expected input with trailing shape [4] (normalizedShape), got input of shape [2, 3]' },
  { topic: 'rmsnorm', call: 'RMSNorm normalizedShape', fn: () => new nn.RMSNorm([]), kind: ValueError, message: 'RMSNorm: normalizedShape must be a positive integer or a non-empty list of them, got []' },
  { topic: 'rmsnorm', call: 'RMSNorm eps', fn: () => new nn.RMSNorm(3, { eps: -1 }), kind: ValueError, message: 'RMSNorm: eps must be a finite number >= 0 or null, got -1' },
  { topic: 'rmsnorm', call: 'F.rmsNorm weight', fn: () => nn.F.rmsNorm(a23(), 3, { weight: zeros([2]) }), kind: ShapeError, message: 'rmsNorm: weight should have shape [3] (normalizedShape), got [2]' },
  { topic: 'rmsnorm', call: 'F.rmsNorm eps', fn: () => nn.F.rmsNorm(a23(), 3, { eps: Number.NaN }), kind: ValueError, message: 'rmsNorm: eps must be a finite number >= 0 or null, got NaN' },
  // weight normalization
  { topic: 'weightnorm', call: 'weightNorm twice', fn: () => nn.utils.weightNorm(nn.utils.weightNorm(new nn.Linear(3, 2))), kind: ValueError, message: "weightNorm: 'weight' of Linear is already weight-normalized (weight_g, weight_v); call removeWeightNorm first" },
  { topic: 'weightnorm', call: 'weightNorm name', fn: () => nn.utils.weightNorm(new nn.Linear(3, 2), 'foo'), kind: ValueError, message: "weightNorm: Linear has no parameter named 'foo'" },
  { topic: 'weightnorm', call: 'weightNorm dim', fn: () => nn.utils.weightNorm(new nn.Linear(3, 2), 'weight', 2), kind: ValueError, message: "weightNorm: dim must be null or an integer in [-2, 1] for 'weight' of shape [2, 3], got 2" },
  { topic: 'weightnorm', call: 'weightNorm RNN', fn: () => nn.utils.weightNorm(new nn.RNN(3, 2), 'weight_hh_l0'), kind: ValueError, message: "weightNorm: RNN keeps 'weight_hh_l0' in no property of its own, so its forward could not see the recomputed weight" },
  { topic: 'weightnorm', call: 'removeWeightNorm', fn: () => nn.utils.removeWeightNorm(new nn.Linear(3, 2)), kind: ValueError, message: "removeWeightNorm: weight_norm of 'weight' not found in Linear" },
  { topic: 'weightnorm', call: 'deleteParameter', fn: () => new nn.Linear(3, 2).deleteParameter('foo'), kind: ValueError, message: "Linear.deleteParameter: no parameter named 'foo'" },
  // recurrent cells
  { topic: 'rnn', call: 'RNNCell input', fn: () => new nn.RNNCell(3, 4).forward(zeros([2, 5])), kind: ShapeError, message: 'RNNCell: expected input of shape [N, 3] or [3] (inputSize = 3), got [2, 5]' },
  { topic: 'rnn', call: 'RNNCell hidden', fn: () => new nn.RNNCell(3, 4).forward(zeros([2, 3]), zeros([2, 5])), kind: ShapeError, message: 'RNNCell: expected hx of shape [2, 4] (hiddenSize = 4), got [2, 5]' },
  { topic: 'rnn', call: 'LSTMCell cell state', fn: () => new nn.LSTMCell(3, 4).forward(zeros([2, 3]), [zeros([2, 4]), zeros([2, 5])]), kind: ShapeError, message: 'LSTMCell: expected cx of shape [2, 4] (hiddenSize = 4), got [2, 5]' },
  { topic: 'rnn', call: 'GRUCell batch', fn: () => new nn.GRUCell(3, 4).forward(zeros([2, 3]), zeros([3, 4])), kind: ShapeError, message: 'GRUCell: expected hx of shape [2, 4] (hiddenSize = 4), got [3, 4]' },
  { topic: 'rnn', call: 'LayerNormLSTMCell input', fn: () => new nn.LayerNormLSTMCell(3, 4).forward(zeros([3, 4])), kind: ShapeError, message: 'LayerNormLSTMCell: expected input of shape [N, 3] or [3] (inputSize = 3), got [3, 4]' },
  { topic: 'rnn', call: 'LSTM h0', fn: () => new nn.LSTM(3, 4).forward(zeros([5, 2, 3]), [zeros([1, 2, 5]), zeros([1, 2, 4])]), kind: ShapeError, message: 'LSTM: expected h0 of shape [1, 2, 4] (numLayers, batch, hiddenSize), got [1, 2, 5]' },
  // cross-entropy labels
  { topic: 'cross-entropy', call: 'label too large', fn: () => nn.F.crossEntropy(a23(), tensor([0, 3])), kind: ValueError, message: 'crossEntropy: target 3 at index 1 is out of bounds for 3 classes (expected 0..2, or ignoreIndex -100)' },
  { topic: 'cross-entropy', call: 'label negative', fn: () => nn.F.crossEntropy(a23(), tensor([-1, 0])), kind: ValueError, message: 'crossEntropy: target -1 at index 0 is out of bounds for 3 classes (expected 0..2, or ignoreIndex -100)' },
  { topic: 'cross-entropy', call: 'label non-integer', fn: () => nn.F.crossEntropy(a23(), tensor([0, 1.5])), kind: ValueError, message: 'crossEntropy: target must hold integer class indices, got 1.5 at index 1' },
  { topic: 'cross-entropy', call: 'label NaN', fn: () => new nn.CrossEntropyLoss().forward(a23(), tensor([Number.NaN, 1])), kind: ValueError, message: 'crossEntropy: target must hold integer class indices, got NaN at index 0' },
  { topic: 'cross-entropy', call: 'label count', fn: () => nn.F.crossEntropy(a23(), tensor([0, 1, 2])), kind: ShapeError, message: 'crossEntropy: expected target of shape [2] (one class index per sample) for input of shape [2, 3], got target of shape [3]' },
  { topic: 'cross-entropy', call: 'nllLoss label', fn: () => new nn.NLLLoss().forward(a23(), tensor([2, 7])), kind: ValueError, message: 'nllLoss: target 7 at index 1 is out of bounds for 3 classes (expected 0..2, or ignoreIndex -100)' },
  { topic: 'cross-entropy', call: 'class weight', fn: () => nn.F.crossEntropy(a23(), tensor([0, 1]), { weight: zeros([2]) }), kind: ShapeError, message: 'crossEntropy: weight must have shape [3] (one per class), got [2]' },
  // loadStateDict
  { topic: 'state-dict', call: 'missing key', fn: linearSd((sd) => delete sd.bias), kind: StateDictError, message: 'Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "bias".' },
  { topic: 'state-dict', call: 'unexpected key', fn: linearSd((sd) => { sd['extra.weight'] = zeros([1]); }), kind: StateDictError, message: 'Error(s) in loading state_dict for Linear:\n\tUnexpected key(s) in state_dict: "extra.weight".' },
  { topic: 'state-dict', call: 'mis-shaped key', fn: linearSd((sd) => { sd.weight = zeros([2, 3]); }), kind: StateDictError, message: 'Error(s) in loading state_dict for Linear:\n\tsize mismatch for weight: copying a param with shape [2, 3] from checkpoint, the shape in current model is [2, 2].' },
  { topic: 'state-dict', call: 'not a tensor', fn: linearSd((sd) => { (sd as Record<string, unknown>).bias = [0, 0]; }), kind: StateDictError, message: 'Error(s) in loading state_dict for Linear:\n\tvalue for bias is an array, expected a Tensor of shape [2].' },
  { topic: 'state-dict', call: 'nested keys', fn: () => { const m = bnNet(); const sd = m.stateDict(); delete sd['1.running_var']; sd['1.running_mean'] = zeros([4]); m.loadStateDict(sd); }, kind: StateDictError, message: 'Error(s) in loading state_dict for Sequential:\n\tMissing key(s) in state_dict: "1.running_var".\n\tsize mismatch for 1.running_mean: copying a param with shape [4] from checkpoint, the shape in current model is [3].' },
  { topic: 'state-dict', call: 'non-strict shape', fn: () => new nn.Linear(2, 2).loadStateDict({ weight: zeros([3, 2]) }, { strict: false }), kind: StateDictError, message: 'Error(s) in loading state_dict for Linear:\n\tsize mismatch for weight: copying a param with shape [3, 2] from checkpoint, the shape in current model is [2, 2].' },
  // Module dtypes (tests/nn/module-dtype.test.ts has the rest)
  { topic: 'dtype', call: 'Module.to float16', fn: () => new nn.Linear(2, 2).to(u('float16')), kind: ValueError, message: "Linear.to: dtype must be 'float32' or 'float64', got 'float16'; tensors compute in float32 or float64 only; half precision is a storage format here" },
  { topic: 'dtype', call: 'Module.to torch name', fn: () => new nn.Sequential(new nn.Linear(2, 2)).to(u({ dtype: 'torch.float32' })), kind: ValueError, message: "Sequential.to: dtype must be 'float32' or 'float64', got 'torch.float32'; did you mean 'float32'? (the name without 'torch.')" },
  { topic: 'dtype', call: 'Module.to device', fn: () => new nn.Linear(2, 2).to(u({ device: 'cpu' })), kind: ValueError, message: "Linear.to: unknown option 'device' (known options: dtype)" },
  { topic: 'dtype', call: 'float32 model on float64 input', fn: () => new nn.Sequential(new nn.Linear(3, 2)).float().forward(zeros([4, 3])), kind: DTypeError, message: "linear: expected input and weight to have the same dtype, got input float64 and weight float32; convert one with .to('float64') (or .float() / .double()) in module '0 (Linear)'" },
  { topic: 'dtype', call: 'save as F16', fn: () => new nn.Linear(2, 2).serialize({ dtype: u('F16') }), kind: DTypeError, message: "safetensors.serialize: unsupported dtype F16 for '*' (F64, F32, I64 are written)" },
  { topic: 'onnx', call: 'onnx.export dtype', fn: () => onnx.exportToBytes(new nn.Linear(2, 2), zeros([1, 2]), { dtype: u('float16') }), kind: ValueError, message: "onnx.export: dtype must be 'float64' or 'float32', got float16" },
  // backward
  { topic: 'backward', call: 'backward twice', fn: usedTwice, kind: GraphError, message: "backward: trying to backward through the graph a second time (op 'sum' has already freed its saved values); pass { retainGraph: true } to the first backward or grad call" },
  { topic: 'backward', call: 'backward non-scalar', fn: () => leaf([2, 2]).mul(2).backward(), kind: GraphError, message: 'backward: grad can be implicitly created only for scalar outputs; got an output of shape [2, 2]' },
  { topic: 'backward', call: 'backward without grad', fn: () => zeros([3]).sum().backward(), kind: GraphError, message: 'backward: the output of shape [] does not require grad and has no gradFn (no input was created with requiresGrad: true, or it was computed under noGrad)' },
  { topic: 'backward', call: 'backward gradient shape', fn: () => leaf([2]) .mul(2) .backward(zeros([3])), kind: ShapeError, message: 'backward: mismatch in shape: grad of shape [3] given for an output of shape [2]' },
  { topic: 'backward', call: 'grad input', fn: () => grad(leaf([2]).sum(), zeros([2])), kind: GraphError, message: 'grad: input 0 (shape [2]) does not require grad' },
  { topic: 'backward', call: 'grad unused', fn: () => grad(leaf([2]).sum(), leaf([3])), kind: GraphError, message: 'grad: input 0 (shape [3]) was not used in the graph of the outputs; pass { allowUnused: true } to get null for it' },
  // optimizer parameters
  { topic: 'optimizer', call: 'no grad', fn: () => new optim.SGD([leaf([1]), zeros([2])], { lr: 0.1 }), kind: ValueError, message: 'SGD: parameter 1 (parameter group 0) of shape [2] does not require grad; create it with requiresGrad: true or leave it out' },
  { topic: 'optimizer', call: 'non-leaf', fn: () => new optim.Adam([leaf([2]).mul(2)]), kind: ValueError, message: "Adam: can't optimize a non-leaf Tensor: parameter 0 (parameter group 0) of shape [2] was computed by <mul>" },
  { topic: 'optimizer', call: 'same tensor twice', fn: () => { const p = leaf([2]); return new optim.SGD([p, p], { lr: 0.1 }); }, kind: ValueError, message: 'SGD: parameter 1 (parameter group 0) is the same tensor as parameter 0; a tensor may appear only once across all parameter groups' },
  { topic: 'optimizer', call: 'same tensor in two groups', fn: () => { const p = leaf([2]); return new optim.RMSprop([{ params: [p] }, { params: [leaf([1]), p] }]); }, kind: ValueError, message: 'RMSprop: parameter 2 (parameter group 1) is the same tensor as parameter 0; a tensor may appear only once across all parameter groups' },
  { topic: 'optimizer', call: 'gradient shape', fn: () => { const p = leaf([2]); const o = new optim.SGD([p], { lr: 1 }); p.grad = zeros([3]); o.step(); }, kind: ShapeError, message: 'SGD.step: the gradient of parameter 0 has shape [3], the parameter has shape [2]' },
  // hyperparameters
  { topic: 'hyperparameter', call: 'negative lr', fn: () => new optim.SGD([leaf([1])], { lr: -0.1 }), kind: ValueError, message: 'SGD: Invalid learning rate: -0.1' },
  { topic: 'hyperparameter', call: 'infinite lr', fn: () => new optim.Adam([leaf([1])], { lr: Number.POSITIVE_INFINITY }), kind: ValueError, message: 'Adam: Invalid learning rate: Infinity' },
  { topic: 'hyperparameter', call: 'momentum above 1', fn: () => new optim.SGD([leaf([1])], { lr: 0.1, momentum: 1.5 }), kind: ValueError, message: 'SGD: Invalid momentum value: 1.5' },
  { topic: 'hyperparameter', call: 'momentum below 0', fn: () => new optim.RMSprop([leaf([1])], { momentum: -0.5 }), kind: ValueError, message: 'RMSprop: Invalid momentum value: -0.5' },
  { topic: 'hyperparameter', call: 'dampening', fn: () => new optim.SGD([leaf([1])], { lr: 0.1, momentum: 0.9, dampening: Number.NaN }), kind: ValueError, message: 'SGD: Invalid dampening value: NaN' },
  { topic: 'hyperparameter', call: 'RMSprop alpha', fn: () => new optim.RMSprop([leaf([1])], { alpha: 1.5 }), kind: ValueError, message: 'RMSprop: Invalid alpha value: 1.5' },
  { topic: 'hyperparameter', call: 'Adam beta', fn: () => new optim.Adam([leaf([1])], { betas: [0.9, 1] }), kind: ValueError, message: 'Adam: Invalid beta parameter at index 1: 1' },
  { topic: 'hyperparameter', call: 'Dropout p above 1', fn: () => new nn.Dropout(1.5), kind: ValueError, message: 'Dropout: dropout probability has to be between 0 and 1, but got 1.5' },
  { topic: 'hyperparameter', call: 'Dropout p negative', fn: () => new nn.Dropout(-0.1), kind: ValueError, message: 'Dropout: dropout probability has to be between 0 and 1, but got -0.1' },
  { topic: 'hyperparameter', call: 'F.dropout p NaN', fn: () => nn.F.dropout(a23(), Number.NaN), kind: ValueError, message: 'dropout: dropout probability has to be between 0 and 1, but got NaN' },
  { topic: 'hyperparameter', call: 'BatchNorm momentum', fn: () => new nn.BatchNorm1d(3, { momentum: 1.1 }), kind: ValueError, message: 'BatchNorm1d: momentum must be in [0, 1] (the weight of each new batch statistic) or null, got 1.1' },
  { topic: 'hyperparameter', call: 'BatchNorm eps', fn: () => new nn.BatchNorm2d(3, { eps: -1e-5 }), kind: ValueError, message: 'BatchNorm2d: eps must be a finite number >= 0, got -0.00001' },
  { topic: 'hyperparameter', call: 'LayerNorm eps', fn: () => new nn.LayerNorm(3, { eps: Number.NaN }), kind: ValueError, message: 'LayerNorm: eps must be a finite number >= 0, got NaN' },
  { topic: 'hyperparameter', call: 'labelSmoothing', fn: () => nn.F.crossEntropy(a23(), tensor([0, 1]), { labelSmoothing: 1.5 }), kind: ValueError, message: 'crossEntropy: labelSmoothing must be between 0.0 and 1.0, got 1.5' },
  { topic: 'hyperparameter', call: 'StepLR stepSize', fn: () => new optim.StepLR(new optim.SGD([leaf([1])], { lr: 0.1 }), { stepSize: 0 }), kind: ValueError, message: 'StepLR: stepSize must be a positive integer (got 0)' },
  // scalers
  { topic: 'scaler', call: 'transform before fit', fn: () => new data.StandardScaler().transform(a23()), kind: ValueError, message: 'StandardScaler.transform: this StandardScaler is not fitted yet; call fit(x) first' },
  { topic: 'scaler', call: 'inverseTransform before fit', fn: () => new data.MinMaxScaler().inverseTransform(a23()), kind: ValueError, message: 'MinMaxScaler.inverseTransform: this MinMaxScaler is not fitted yet; call fit(x) first' },
  { topic: 'scaler', call: 'statistic before fit', fn: () => new data.StandardScaler().mean, kind: ValueError, message: 'StandardScaler.mean: this StandardScaler is not fitted yet; call fit(x) first' },
  { topic: 'scaler', call: 'feature count', fn: () => new data.StandardScaler().fit(a23()).transform(zeros([4, 2])), kind: ShapeError, message: 'StandardScaler.transform: input has 2 features (shape [4, 2]), but StandardScaler was fitted on 3 features' },
  { topic: 'scaler', call: 'feature count (min-max)', fn: () => new data.MinMaxScaler().fit(a23()).inverseTransform(zeros([4, 4])), kind: ShapeError, message: 'MinMaxScaler.inverseTransform: input has 4 features (shape [4, 4]), but MinMaxScaler was fitted on 3 features' },
  { topic: 'scaler', call: 'NaN in fit', fn: () => new data.StandardScaler().fit(tensor([[1, 2], [3, Number.NaN] ]) ), kind: ValueError, message: 'StandardScaler.fit: feature 1 of sample 1 is NaN; the data must be finite' },
  { topic: 'scaler', call: 'Infinity in transform', fn: () => new data.MinMaxScaler().fit(tensor([[1], [2]])).transform(tensor([[Number.NEGATIVE_INFINITY]])), kind: ValueError, message: 'MinMaxScaler.transform: feature 0 of sample 0 is -Infinity; the data must be finite' },
  { topic: 'scaler', call: '1-D input', fn: () => new data.StandardScaler().fit(zeros([5])), kind: ShapeError, message: 'StandardScaler.fit: expected a 2D input of shape [nSamples, nFeatures] (got 1D input of shape [5]); reshape a single feature to [n, 1]' },
  // DataLoader
  { topic: 'dataloader', call: 'batchSize 0', fn: () => new data.DataLoader(new data.TensorDataset(zeros([3, 2])), { batchSize: 0 }), kind: ValueError, message: 'DataLoader: batchSize should be a positive integer value (got 0)' },
  { topic: 'dataloader', call: 'batchSize negative', fn: () => new data.DataLoader(new data.TensorDataset(zeros([3, 2])), { batchSize: -4 }), kind: ValueError, message: 'DataLoader: batchSize should be a positive integer value (got -4)' },
  { topic: 'dataloader', call: 'batchSize fraction', fn: () => new data.DataLoader(new data.TensorDataset(zeros([3, 2])), { batchSize: 2.5 }), kind: ValueError, message: 'DataLoader: batchSize should be a positive integer value (got 2.5)' },
  { topic: 'dataloader', call: 'TensorDataset lengths', fn: () => new data.TensorDataset(zeros([3, 2]), zeros([4])), kind: ShapeError, message: 'TensorDataset: size mismatch between tensors: tensor 0 has shape [3, 2] but tensor 1 has shape [4] (the first dims must match)' },
  // tensor()
  { topic: 'tensor', call: 'ragged rows', fn: () => tensor([[1, 2], [3]]), kind: ValueError, message: 'tensor: ragged nested array: expected a sequence of length 2 at index [1] (dim 1), got length 1' },
  { topic: 'tensor', call: 'ragged depth', fn: () => tensor([[1, 2], 3] as unknown as number[][]), kind: ValueError, message: 'tensor: ragged nested array: a number at index [1] where a sequence of length 2 was expected' },
  { topic: 'tensor', call: 'string', fn: () => tensor([[1, 2], [3, '4'] ] as unknown as number[][]), kind: ValueError, message: 'tensor: expected a number at index [1, 1], got string (4)' },
  { topic: 'tensor', call: 'null', fn: () => tensor(null as unknown as number), kind: ValueError, message: 'tensor: cannot make a tensor from null; expected a number, a nested array or a typed array' },
  { topic: 'tensor', call: 'object', fn: () => tensor({ a: 1 } as unknown as number), kind: ValueError, message: 'tensor: cannot make a tensor from object; expected a number, a nested array or a typed array' },
  { topic: 'tensor', call: 'shape', fn: () => tensor([1, 2, 3], { shape: [2, 2] }), kind: ValueError, message: 'tensor: 3 values do not fit shape [2, 2] (4 elements)' },
  { topic: 'tensor', call: 'zeros size', fn: () => zeros([2, -1]), kind: ValueError, message: 'zeros: shape [2, -1] has an invalid size -1; sizes are non-negative integers' },
  { topic: 'tensor', call: 'randperm', fn: () => randperm(-3), kind: ValueError, message: 'randperm: n must be a non-negative integer, got -3' },
  // convolution, pooling, padding
  { topic: 'conv', call: 'Conv2d channels', fn: () => new nn.Conv2d(3, 8, 3).forward(zeros([2, 1, 8, 8])), kind: ShapeError, message: 'Conv2d: expected input with 3 channels (inChannels) in dim 1, got input of shape [2, 1, 8, 8]' },
  { topic: 'conv', call: 'Conv2d rank', fn: () => new nn.Conv2d(3, 8, 3).forward(zeros([3, 8])), kind: ShapeError, message: 'Conv2d: expected 3D (unbatched) or 4D (batched) input, got input of shape [3, 8]' },
  { topic: 'conv', call: 'Conv1d rank', fn: () => new nn.Conv1d(3, 8, 3).forward(zeros([2, 3, 8, 8])), kind: ShapeError, message: 'Conv1d: expected 2D (unbatched) or 3D (batched) input, got input of shape [2, 3, 8, 8]' },
  { topic: 'conv', call: 'Conv2d groups inChannels', fn: () => new nn.Conv2d(3, 6, 3, { groups: 2 }), kind: ValueError, message: 'Conv2d: inChannels must be divisible by groups, got inChannels 3 and groups 2' },
  { topic: 'conv', call: 'Conv2d groups outChannels', fn: () => new nn.Conv2d(4, 6, 3, { groups: 4 }), kind: ValueError, message: 'Conv2d: outChannels must be divisible by groups, got outChannels 6 and groups 4' },
  { topic: 'conv', call: 'Conv2d kernel larger than padded input', fn: () => new nn.Conv2d(1, 1, 5, { padding: 1 }).forward(zeros([1, 1, 2, 2])), kind: ShapeError, message: 'conv2d: calculated padded input size per channel (4 x 4) is smaller than the kernel size (5 x 5) (input of shape [1, 1, 2, 2])' },
  { topic: 'conv', call: 'Conv1d dilated kernel larger than input', fn: () => new nn.Conv1d(1, 1, 3, { dilation: 3 }).forward(zeros([1, 1, 6])), kind: ShapeError, message: 'conv1d: calculated padded input size per channel (6) is smaller than the dilated kernel size (7) (input of shape [1, 1, 6])' },
  { topic: 'conv', call: "Conv2d 'same' strided", fn: () => new nn.Conv2d(1, 1, 3, { padding: 'same', stride: 2 }), kind: ValueError, message: "Conv2d: padding='same' is not supported for strided convolutions" },
  { topic: 'conv', call: 'Conv2d padding string', fn: () => new nn.Conv2d(1, 1, 3, { padding: 'full' as 'same' }), kind: ValueError, message: "Conv2d: invalid padding string 'full'; expected 'valid' or 'same'" },
  { topic: 'conv', call: 'Conv2d kernelSize', fn: () => new nn.Conv2d(1, 1, [3, 0]), kind: ValueError, message: 'Conv2d: kernelSize must be an integer >= 1 or 2 of them, got [3, 0]' },
  { topic: 'conv', call: 'Conv2d paddingMode', fn: () => new nn.Conv2d(1, 1, 3, { paddingMode: 'mirror' as 'reflect' }), kind: ValueError, message: "Conv2d: paddingMode must be one of 'zeros', 'reflect', 'replicate', 'circular', got 'mirror'" },
  { topic: 'conv', call: 'F.conv2d channels', fn: () => nn.F.conv2d(zeros([2, 3, 5, 5]), zeros([4, 2, 3, 3])), kind: ShapeError, message: 'conv2d: given groups=1, weight of shape [4, 2, 3, 3] expects input with 2 channels, but got input of shape [2, 3, 5, 5] with 3 channels' },
  { topic: 'conv', call: 'F.conv2d groups weight', fn: () => nn.F.conv2d(zeros([2, 4, 5, 5]), zeros([3, 2, 3, 3]), null, { groups: 2 }), kind: ValueError, message: 'conv2d: given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of shape [3, 2, 3, 3]' },
  { topic: 'conv', call: 'F.conv2d weight rank', fn: () => nn.F.conv2d(zeros([2, 4, 5, 5]), zeros([3, 4, 3])), kind: ShapeError, message: 'conv2d: weight must be 4D [outChannels, inChannels / groups, kH, kW], got shape [3, 4, 3]' },
  { topic: 'conv', call: 'F.conv2d bias', fn: () => nn.F.conv2d(zeros([2, 4, 5, 5]), zeros([3, 4, 3, 3]), zeros([4])), kind: ShapeError, message: 'conv2d: given weight of shape [3, 4, 3, 3], expected bias of shape [3], got [4]' },
  { topic: 'conv', call: 'F.conv1d stride', fn: () => nn.F.conv1d(zeros([2, 4, 5]), zeros([3, 4, 3]), null, { stride: 0 }), kind: ValueError, message: 'conv1d: stride must be an integer >= 1, got 0' },
  { topic: 'conv', call: 'F.unfold too small', fn: () => nn.F.unfold(zeros([1, 1, 2, 2]), 3), kind: ShapeError, message: 'unfold: kernel [3, 3] with dilation [1, 1] does not fit input of shape [1, 1, 2, 2] padded by [0, 0] (output would be 0 x 0)' },
  { topic: 'conv', call: 'F.fold window count', fn: () => nn.F.fold(zeros([1, 4, 5]), [3, 3], 2), kind: ShapeError, message: 'fold: outputSize [3, 3] with kernel [2, 2] gives 2 x 2 windows, but input of shape [1, 4, 5] has 5 in dim 2' },
  { topic: 'pooling', call: 'MaxPool2d rank', fn: () => new nn.MaxPool2d(2).forward(zeros([4, 4])), kind: ShapeError, message: 'maxPool2d: expected 3D (unbatched) or 4D (batched) input, got input of shape [4, 4]' },
  { topic: 'pooling', call: 'MaxPool2d too small', fn: () => new nn.MaxPool2d(3).forward(zeros([1, 1, 2, 2])), kind: ShapeError, message: 'maxPool2d: input of shape [1, 1, 2, 2] is too small for kernel [3, 3] with padding [0, 0] and dilation [1, 1]: the output would be 0 x 0' },
  { topic: 'pooling', call: 'MaxPool2d padding', fn: () => new nn.MaxPool2d(2, { padding: 2 }).forward(zeros([1, 1, 4, 4])), kind: ValueError, message: 'maxPool2d: padding should be at most half of the kernel size, got padding [2, 2] and kernelSize [2, 2]' },
  { topic: 'pooling', call: 'AvgPool2d stride', fn: () => new nn.AvgPool2d(2, { stride: 0 }).forward(zeros([1, 1, 4, 4])), kind: ValueError, message: 'avgPool2d: stride must be an integer >= 1 or a pair of them, got 0' },
  { topic: 'pooling', call: 'AvgPool2d divisorOverride', fn: () => new nn.AvgPool2d(2, { divisorOverride: 0 }).forward(zeros([1, 1, 4, 4])), kind: ValueError, message: 'avgPool2d: divisorOverride must be a non-zero number or null, got 0' },
  { topic: 'pooling', call: 'AdaptiveAvgPool2d outputSize', fn: () => new nn.AdaptiveAvgPool2d(0).forward(zeros([1, 1, 4, 4])), kind: ValueError, message: 'adaptiveAvgPool2d: outputSize must be a positive integer or a pair of them (null keeps the input size), got 0' },
  { topic: 'pooling', call: 'AdaptiveAvgPool2d rank', fn: () => new nn.AdaptiveAvgPool2d(2).forward(zeros([4])), kind: ShapeError, message: 'adaptiveAvgPool2d: expected 3D (unbatched) or 4D (batched) input, got input of shape [4]' },
  { topic: 'padding', call: 'pad odd length', fn: () => nn.F.pad(zeros([2, 3]), [1, 2, 3]), kind: ValueError, message: 'pad: pad must hold an even number of integers ((left, right) per dim), got [1, 2, 3]' },
  { topic: 'padding', call: 'pad too many dims', fn: () => nn.F.pad(zeros([3]), [1, 1, 1, 1]), kind: ShapeError, message: 'pad: pad [1, 1, 1, 1] covers 2 dims, but input of shape [3] has 1' },
  { topic: 'padding', call: 'pad reflect too large', fn: () => nn.F.pad(zeros([1, 2, 3]), [3, 0], 'reflect'), kind: ShapeError, message: "pad: 'reflect' padding (3, 0) of dim 2 must be >= 0 and less than that dim's size 3 (input of shape [1, 2, 3])" },
  { topic: 'padding', call: 'pad mode', fn: () => nn.F.pad(zeros([1, 2, 3]), [1, 0], 'wrap' as 'reflect'), kind: ValueError, message: "pad: mode must be one of 'constant', 'reflect', 'replicate', 'circular', got 'wrap'" },
  { topic: 'conv', call: 'Conv2d.forward(array)', fn: () => new nn.Conv2d(1, 1, 3).forward([[1]] as unknown as ReturnType<typeof zeros>), kind: ValueError, message: 'Conv2d.forward: input must be a Tensor, got an array [[1]]; wrap it with tensor(...)' },
  { topic: 'pooling', call: 'F.maxPool2d(array)', fn: () => nn.F.maxPool2d([[1]] as unknown as ReturnType<typeof zeros>, 2), kind: ValueError, message: 'maxPool2d: input must be a Tensor, got an array [[1]]; wrap it with tensor(...)' },
  { topic: 'padding', call: 'pad crop too much', fn: () => nn.F.pad(zeros([1, 2, 3]), [-2, -2]), kind: ShapeError, message: 'pad: cropping (-2, -2) of dim 2 removes more than its size 3 (input of shape [1, 2, 3])' },
  // the plain-JavaScript boundary and in-place ops (issue 14): what a JavaScript caller or a PyTorch habit passes
  { topic: 'js-array', call: 'linear.forward([[1, 2]])', fn: () => new nn.Linear(2, 1).forward(u([[1, 2]])), kind: ValueError, message: 'Linear.forward: input must be a Tensor, got an array [[1,2]]; wrap it with tensor(...)' },
  { topic: 'js-array', call: 'x.add([1, 2])', fn: () => a23().add(u([1, 2])), kind: ValueError, message: 'add: other must be a Tensor or a number, got an array [1,2]; wrap it with tensor(...)' },
  { topic: 'js-array', call: 'add(x, [1, 2])', fn: () => add(a23(), u([1, 2])), kind: ValueError, message: 'add: other must be a Tensor or a number, got an array [1,2]; wrap it with tensor(...)' },
  { topic: 'js-array', call: 'crossEntropy(z, [0, 1])', fn: () => nn.F.crossEntropy(a23(), u([0, 1])), kind: ValueError, message: 'crossEntropy: target must be a Tensor, got an array [0,1]; wrap it with tensor(...)' },
  { topic: 'js-array', call: 'backward([1, 1])', fn: () => leaf([2]).mul(2).backward(u([1, 1])), kind: ValueError, message: 'backward: gradient must be a Tensor, got an array [1,1]; wrap it with tensor(...)' },
  { topic: 'js-array', call: 'x.mul([2])', fn: () => a23().mul(u([2])), kind: ValueError, message: 'mul: other must be a Tensor or a number, got an array [2]; wrap it with tensor(...)' },
  { topic: 'js-array', call: 'x.matmul([[1], [2], [3]])', fn: () => a23().matmul(u([[1], [2], [3]])), kind: ValueError, message: 'matmul: other must be a Tensor, got an array [[1],[2],[3]]; wrap it with tensor(...)' },
  { topic: 'js-array', call: 'matmul([[1]], x)', fn: () => matmul(u([[1]]), a23()), kind: ValueError, message: 'matmul: input must be a Tensor, got an array [[1]]; wrap it with tensor(...)' },
  { topic: 'js-array', call: 'cat([x, [1, 2]])', fn: () => cat(u([a23(), [1, 2]])), kind: ValueError, message: 'cat: tensors[1] must be a Tensor, got an array [1,2]; wrap it with tensor(...)' },
  { topic: 'js-array', call: 'stack of arrays', fn: () => stack(u([[1], [2]])), kind: ValueError, message: 'stack: tensors[0] must be a Tensor, got an array [1]; wrap it with tensor(...)' },
  { topic: 'js-array', call: 'mseLoss target array', fn: () => nn.F.mseLoss(a23(), u([[0, 0, 0], [0, 0, 0]])), kind: ValueError, message: 'mseLoss: target must be a Tensor, got an array [[0,0,0],[0,0,0]]; wrap it with tensor(...)' },
  { topic: 'js-array', call: 'MSELoss module target', fn: () => new nn.MSELoss().forward(a23(), u([1])), kind: ValueError, message: 'MSELoss.forward: target must be a Tensor, got an array [1]; wrap it with tensor(...)' },
  { topic: 'js-array', call: 'ReLU.forward(array)', fn: () => new nn.ReLU().forward(u([1, -1])), kind: ValueError, message: 'ReLU.forward: input must be a Tensor, got an array [1,-1]; wrap it with tensor(...)' },
  { topic: 'js-array', call: 'BatchNorm1d.forward(array)', fn: () => new nn.BatchNorm1d(2).forward(u([[1, 2], [3, 4]])), kind: ValueError, message: 'BatchNorm1d.forward: input must be a Tensor, got an array [[1,2],[3,4]]; wrap it with tensor(...)' },
  { topic: 'js-array', call: 'LayerNorm.forward(array)', fn: () => new nn.LayerNorm(2).forward(u([1, 2])), kind: ValueError, message: 'LayerNorm.forward: input must be a Tensor, got an array [1,2]; wrap it with tensor(...)' },
  { topic: 'js-array', call: 'LSTM.forward(array)', fn: () => new nn.LSTM(2, 3).forward(u([[[1, 2]]])), kind: ValueError, message: 'LSTM.forward: input must be a Tensor, got an array [[[1,2]]]; wrap it with tensor(...)' },
  { topic: 'js-array', call: 'GRUCell.forward(array)', fn: () => new nn.GRUCell(2, 3).forward(u([1, 2])), kind: ValueError, message: 'GRUCell.forward: input must be a Tensor, got an array [1,2]; wrap it with tensor(...)' },
  { topic: 'js-array', call: 'Sequential.forward(array)', fn: () => new nn.Sequential(new nn.Linear(2, 2)).forward(u([[1, 2]])), kind: ValueError, message: 'Linear.forward: input must be a Tensor, got an array [[1,2]]; wrap it with tensor(...) in module \'0 (Linear)\'' },
  { topic: 'js-array', call: 'F.linear weight array', fn: () => nn.F.linear(a23(), u([[1, 2, 3]])), kind: ValueError, message: 'linear: weight must be a Tensor, got an array [[1,2,3]]; wrap it with tensor(...)' },
  { topic: 'js-array', call: 'zerosLike(array)', fn: () => zerosLike(u([1, 2])), kind: ValueError, message: 'zerosLike: input must be a Tensor, got an array [1,2]; wrap it with tensor(...)' },
  { topic: 'js-array', call: 'copy_(array)', fn: () => a23().copy_(u([1, 2, 3])), kind: ValueError, message: 'copy_: src must be a Tensor, got an array [1,2,3]; wrap it with tensor(...)' },
  { topic: 'js-array', call: 'TensorDataset(array)', fn: () => new data.TensorDataset(u([[1, 2]])), kind: ValueError, message: 'TensorDataset: tensor 0 must be a Tensor, got an array [[1,2]]; wrap it with tensor(...)' },
  { topic: 'js-array', call: 'scaler.fit(array)', fn: () => new data.StandardScaler().fit(u([[1, 2]])), kind: ValueError, message: 'StandardScaler.fit: x must be a Tensor, got an array [[1,2]]; wrap it with tensor(...)' },
  { topic: 'js-array', call: 'exp(array)', fn: () => exp(u([1, 2])), kind: ValueError, message: 'exp: input must be a Tensor or a number, got an array [1,2]; wrap it with tensor(...)' },
  { topic: 'options', call: 'backward misspelt option', fn: () => leaf([1]).sum().backward(u({ retainGrap: true })), kind: ValueError, message: 'backward: unknown option \'retainGrap\'; did you mean \'retainGraph\'? (known options: gradient, retainGraph, createGraph)' },
  { topic: 'options', call: 'backward options second misspelt', fn: () => leaf([1]).sum().backward(null, u({ creatGraph: true })), kind: ValueError, message: 'backward: unknown option \'creatGraph\'; did you mean \'createGraph\'? (known options: retainGraph, createGraph)' },
  { topic: 'options', call: 'SGD lrr', fn: () => new optim.SGD([leaf([1])], u({ lrr: 0.1 })), kind: ValueError, message: 'SGD: unknown option \'lrr\'; did you mean \'lr\'? (known options: lr, momentum, dampening, weightDecay, nesterov, maximize)' },
  { topic: 'options', call: 'SGD momemtum', fn: () => new optim.SGD([leaf([1])], u({ lr: 0.1, momemtum: 0.9 })), kind: ValueError, message: 'SGD: unknown option \'momemtum\'; did you mean \'momentum\'? (known options: lr, momentum, dampening, weightDecay, nesterov, maximize)' },
  { topic: 'options', call: 'Adam weight_decay', fn: () => new optim.Adam([leaf([1])], u({ weight_decay: 0.1 })), kind: ValueError, message: 'Adam: unknown option \'weight_decay\'; did you mean \'weightDecay\'? (known options: lr, betas, eps, weightDecay, amsgrad, maximize)' },
  { topic: 'options', call: 'RMSprop options as a number', fn: () => new optim.RMSprop([leaf([1])], u(0.01)), kind: ValueError, message: 'RMSprop: options must be an object such as { lr: ... }, got number 0.01' },
  { topic: 'options', call: 'param group misspelt', fn: () => sgd().addParamGroup(u({ params: [leaf([1])], momentun: 0.5 })), kind: ValueError, message: 'SGD: unknown option \'momentun\' in parameter group 1; did you mean \'momentum\'?' },
  { topic: 'options', call: 'SGD(model)', fn: () => new optim.SGD(u(new nn.Linear(2, 2)), { lr: 0.1 }), kind: ValueError, message: 'SGD: params must be an iterable of Tensors or of parameter groups, got a Linear; pass model.parameters()' },
  { topic: 'options', call: 'StepLR step_size', fn: () => new optim.StepLR(sgd(), u({ step_size: 2 })), kind: ValueError, message: 'StepLR: unknown option \'step_size\'; did you mean \'stepSize\'? (known options: stepSize, gamma)' },
  { topic: 'options', call: 'ExponentialLR gama', fn: () => new optim.ExponentialLR(sgd(), u({ gama: 0.9 })), kind: ValueError, message: 'ExponentialLR: unknown option \'gama\'; did you mean \'gamma\'? (known options: gamma)' },
  { topic: 'options', call: 'ReduceLROnPlateau patiance', fn: () => new optim.ReduceLROnPlateau(sgd(), u({ patiance: 3 })), kind: ValueError, message: 'ReduceLROnPlateau: unknown option \'patiance\'; did you mean \'patience\'? (known options: mode, factor, patience, threshold, thresholdMode, cooldown, minLr, eps)' },
  { topic: 'options', call: 'scheduler on params', fn: () => new optim.StepLR(u([leaf([1])]), { stepSize: 1 }), kind: ValueError, message: 'StepLR: optimizer must be an Optimizer such as optim.SGD, got an array of 1 item holding Tensors' },
  { topic: 'options', call: 'DataLoader batch_size', fn: () => new data.DataLoader(new data.TensorDataset(zeros([3, 2])), u({ batch_size: 2 })), kind: ValueError, message: 'DataLoader: unknown option \'batch_size\'; did you mean \'batchSize\'? (known options: batchSize, shuffle, dropLast, seed, generator)' },
  { topic: 'options', call: 'DataLoader shuffle string', fn: () => new data.DataLoader(new data.TensorDataset(zeros([3, 2])), u({ shuffle: "true" })), kind: ValueError, message: 'DataLoader: shuffle must be true or false, got string \'true\'' },
  { topic: 'options', call: 'tensor requires_grad', fn: () => tensor([1], u({ requires_grad: true })), kind: ValueError, message: 'tensor: unknown option \'requires_grad\'; did you mean \'requiresGrad\'? (known options: requiresGrad, shape, dtype)' },
  { topic: 'options', call: 'zeros requiresgrad', fn: () => zeros([2], u({ requiresgrad: true })), kind: ValueError, message: 'zeros: unknown option \'requiresgrad\'; did you mean \'requiresGrad\'? (known options: requiresGrad, dtype)' },
  { topic: 'options', call: 'rand options misspelt', fn: () => rand([2], u({ generater: null })), kind: ValueError, message: 'rand: unknown option \'generater\'; did you mean \'generator\'? (known options: requiresGrad, generator, dtype)' },
  { topic: 'options', call: 'Linear bias string', fn: () => new nn.Linear(2, 2, u({ bias: "false" })), kind: ValueError, message: 'Linear: bias must be true or false, got string \'false\'' },
  { topic: 'options', call: 'Linear biass', fn: () => new nn.Linear(2, 2, u({ biass: false })), kind: ValueError, message: 'Linear: unknown option \'biass\'; did you mean \'bias\'? (known options: bias)' },
  { topic: 'options', call: 'zeroGrad set_to_none', fn: () => new nn.Linear(1, 1).zeroGrad(u({ set_to_none: false })), kind: ValueError, message: 'Linear.zeroGrad: unknown option \'set_to_none\'; did you mean \'setToNone\'? (known options: setToNone)' },
  { topic: 'options', call: 'F.layerNorm epsilon', fn: () => nn.F.layerNorm(a23(), 3, u({ epsilon: 1e-5 })), kind: ValueError, message: 'layerNorm: unknown option \'epsilon\'; did you mean \'eps\'? (known options: weight, bias, eps)' },
  { topic: 'js-value', call: 'pow("2")', fn: () => a23().pow(u("2")), kind: ValueError, message: 'pow: other must be a Tensor or a number, got string \'2\'' },
  { topic: 'js-value', call: 'sum("0")', fn: () => a23().sum(u("0")), kind: ValueError, message: 'sum: dim must be an integer or an array of them, got string \'0\'' },
  { topic: 'js-value', call: 'add(null)', fn: () => a23().add(u(null)), kind: ValueError, message: 'add: other must be a Tensor or a number, got null' },
  { topic: 'js-value', call: 'sub(undefined)', fn: () => a23().sub(u(undefined)), kind: ValueError, message: 'sub: other must be a Tensor or a number, got undefined' },
  { topic: 'js-value', call: 'mean(null)', fn: () => a23().mean(u(null)), kind: ValueError, message: 'mean: dim must be an integer or an array of them, got null' },
  { topic: 'js-value', call: 'softmax("1")', fn: () => a23().softmax(u("1")), kind: ValueError, message: 'softmax: dim must be an integer, got string \'1\'' },
  { topic: 'js-value', call: 'unsqueeze(undefined)', fn: () => a23().unsqueeze(u(undefined)), kind: ValueError, message: 'unsqueeze: dim must be an integer, got undefined' },
  { topic: 'js-value', call: 'full([2], "a")', fn: () => full([2], u("a")), kind: ValueError, message: 'full: fillValue must be a number, got string \'a\'' },
  { topic: 'js-value', call: 'zeros(2, 3)', fn: () => zeros(u(2), u(3)), kind: ValueError, message: 'zeros: shape must be an array of sizes such as [2, 3], got number 2; write zeros([2, ...])' },
  { topic: 'js-value', call: 'ones("3")', fn: () => ones(u("3")), kind: ValueError, message: 'ones: shape must be an array of sizes such as [2, 3], got string \'3\'' },
  { topic: 'js-value', call: 'arange(0, Number.POSITIVE_INFINITY)', fn: () => arange(0, Infinity), kind: ValueError, message: 'arange: end must be a finite number, got number Infinity' },
  { topic: 'js-value', call: 'arange("5")', fn: () => arange(u("5")), kind: ValueError, message: 'arange: end must be a finite number, got string \'5\'' },
  { topic: 'js-value', call: 'linspace(0, Number.NaN, 3)', fn: () => linspace(0, NaN, 3), kind: ValueError, message: 'linspace: end must be a finite number, got number NaN' },
  { topic: 'js-value', call: 'fill_("1")', fn: () => a23().fill_(u("1")), kind: ValueError, message: 'fill_: value must be a number, got string \'1\'' },
  { topic: 'js-value', call: 'where cond array', fn: () => a23().where(u([1, 0, 1]), 0), kind: ValueError, message: 'where: condition must be a Tensor or a number, got an array [1,0,1]; wrap it with tensor(...)' },
  { topic: 'js-value', call: 'clamp_ string', fn: () => a23().clamp_(u("0")), kind: ValueError, message: 'clamp: min must be a number or null, got string \'0\'' },
  { topic: 'js-value', call: 'Linear("3", 2)', fn: () => new nn.Linear(u("3"), 2), kind: ValueError, message: 'Linear: inFeatures must be a non-negative integer, got string \'3\'' },
  { topic: 'js-value', call: 'DataLoader(array)', fn: () => new data.DataLoader(u([[1, 2], [3, 4]])), kind: ValueError, message: 'DataLoader: dataset must be a Dataset (an object with length and get(i)), got an array [[1,2],[3,4]]; wrap tensors as new TensorDataset(x, y)' },
  { topic: 'js-value', call: 'TensorDataset(undefined)', fn: () => new data.TensorDataset(u(undefined)), kind: ValueError, message: 'TensorDataset: tensor 0 must be a Tensor, got undefined' },
  { topic: 'js-value', call: 'DataLoader(undefined)', fn: () => new data.DataLoader(u(undefined)), kind: ValueError, message: 'DataLoader: dataset must be a Dataset (an object with length and get(i)), got undefined; wrap tensors as new TensorDataset(x, y)' },
  { topic: 'hyperparameter-kind', call: 'SGD lr string', fn: () => new optim.SGD([leaf([1])], u({ lr: "0.1" })), kind: ValueError, message: 'SGD: lr must be a number, got string \'0.1\'' },
  { topic: 'hyperparameter-kind', call: 'Adam betas strings', fn: () => new optim.Adam([leaf([1])], u({ betas: ["0.9", 0.999] })), kind: ValueError, message: 'Adam: betas[0] must be a number, got string \'0.9\'' },
  { topic: 'hyperparameter-kind', call: 'SGD nesterov string', fn: () => new optim.SGD([leaf([1])], u({ lr: 0.1, momentum: 0.9, nesterov: "yes" })), kind: ValueError, message: 'SGD: nesterov must be true or false, got string \'yes\'' },
  { topic: 'hyperparameter-kind', call: 'group lr string', fn: () => new optim.SGD(u([{ params: [leaf([1])], lr: "1e-3" }])), kind: ValueError, message: 'SGD: lr (parameter group 0) must be a number, got string \'1e-3\'' },
  { topic: 'hyperparameter-kind', call: 'StepLR gamma NaN', fn: () => new optim.StepLR(sgd(), { stepSize: 1, gamma: Number.NaN }), kind: ValueError, message: 'StepLR: gamma must be a finite number >= 0, got number NaN' },
  { topic: 'hyperparameter-kind', call: 'ExponentialLR gamma Infinity', fn: () => new optim.ExponentialLR(sgd(), { gamma: Number.POSITIVE_INFINITY }), kind: ValueError, message: 'ExponentialLR: gamma must be a finite number >= 0, got number Infinity' },
  { topic: 'hyperparameter-kind', call: 'ExponentialLR no gamma', fn: () => new optim.ExponentialLR(sgd(), u(undefined)), kind: ValueError, message: 'ExponentialLR: gamma must be a finite number >= 0, got undefined' },
  { topic: 'hyperparameter-kind', call: 'MultiStepLR gamma string', fn: () => new optim.MultiStepLR(sgd(), u({ milestones: [2], gamma: "0.1" })), kind: ValueError, message: 'MultiStepLR: gamma must be a finite number >= 0, got string \'0.1\'' },
  { topic: 'hyperparameter-kind', call: 'StepLR stepSize string', fn: () => new optim.StepLR(sgd(), u({ stepSize: "2" })), kind: ValueError, message: 'StepLR: stepSize must be a positive integer (got string \'2\')' },
  { topic: 'hyperparameter-kind', call: 'CosineAnnealingLR etaMin NaN', fn: () => new optim.CosineAnnealingLR(sgd(), { tMax: 5, etaMin: Number.NaN }), kind: ValueError, message: 'CosineAnnealingLR: etaMin must be a finite number >= 0, got number NaN' },
  { topic: 'hyperparameter-kind', call: 'ReduceLROnPlateau threshold NaN', fn: () => new optim.ReduceLROnPlateau(sgd(), { threshold: Number.NaN }), kind: ValueError, message: 'ReduceLROnPlateau: threshold must be a finite number >= 0, got number NaN' },
  { topic: 'hyperparameter-kind', call: 'uniform_ bound NaN', fn: () => a23().uniform_(0, Number.NaN), kind: ValueError, message: 'uniform_: high must be a finite number, got number NaN' },
  { topic: 'hyperparameter-kind', call: 'normal_ std string', fn: () => a23().normal_(0, u("1")), kind: ValueError, message: 'normal_: std must be a finite number >= 0, got string \'1\'' },
  { topic: 'in-place', call: 'leaf add_', fn: () => leaf([2]).add_(1), kind: GraphError, message: 'add_: a leaf Variable that requires grad is being used in an in-place operation; wrap the update in noGrad(() => ...) or write to a clone()' },
  { topic: 'in-place', call: 'add_ broadcast the wrong way', fn: () => zeros([3]).add_(a23()), kind: ShapeError, message: 'add_: output with shape [3] doesn\'t match the broadcast shape [2, 3]' },
  { topic: 'in-place', call: 'stale saved tensor', fn: () => { const x = leaf([2]); const y = x.exp(); y.mul_(2); y.sum().backward(); }, kind: GraphError, message: 'backward: one of the variables needed for gradient computation has been modified by an inplace operation: the output of \'exp\' (shape [2]) is at version 1; expected version 0 instead' },
  { topic: 'in-place', call: 'in place on a view', fn: () => leaf([4]).mul(1).reshape(2, 2).zero_(), kind: GraphError, message: 'fill_: the tensor of shape [2, 2] shares its storage with the input of \'reshape\' that made it, and in-place ops on such views are not recorded; call clone() first' },
  { topic: 'hyperparameter', call: 'setBackend', fn: () => setBackend('gpu' as 'js'), kind: ValueError, message: "setBackend: name must be 'js' or 'wasm', got \"gpu\"" },
  { topic: 'hyperparameter', call: 'setNumThreads', fn: () => setNumThreads(0), kind: ValueError, message: 'setNumThreads: n must be a positive integer, got 0' },
  { topic: 'hyperparameter', call: 'setNumThreads frac', fn: () => setNumThreads(1.5), kind: ValueError, message: 'setNumThreads: n must be a positive integer, got 1.5' },
  // ONNX export (tests/onnx/export.test.ts has the rest, including modules without an ONNX form)
  { topic: 'onnx', call: 'onnx.export opsetVersion', fn: () => onnx.exportToBytes(new nn.Linear(2, 2), zeros([1, 2]), { opsetVersion: 9 }), kind: ValueError, message: 'onnx.export: opsetVersion must be an integer from 13 to 21, got 9' },
  { topic: 'onnx', call: 'onnx.export sampleInput', fn: () => onnx.exportToBytes(new nn.Linear(2, 2), [[1, 2]] as unknown as ReturnType<typeof zeros>), kind: ValueError, message: 'onnx.export: sampleInput must be a Tensor, got an array [[1,2]]; wrap it with tensor(...)' },
  { topic: 'onnx', call: 'onnx.export dynamicAxes', fn: () => onnx.exportToBytes(new nn.Linear(2, 2), zeros([1, 2]), { dynamicAxes: { input: [3] } }), kind: ValueError, message: "onnx.export: dynamicAxes['input'] names dim 3, but 'input' has shape [1, 2]" },
  // dtypes (issue 13; tests/core/dtype*.test.ts has the rules)
  { topic: 'dtype', call: 'matmul float32 @ float64', fn: () => matmul(zeros([2, 3], { dtype: 'float32' }), zeros([3, 2])), kind: DTypeError, message: "matmul: expected input and other to have the same dtype, got input float32 and other float64; convert one with .to('float32') (or .float() / .double())" },
  { topic: 'dtype', call: 'Linear float64 on float32 input', fn: () => new nn.Linear(3, 2).forward(zeros([4, 3], { dtype: 'float32' })), kind: DTypeError, message: "linear: expected input and weight to have the same dtype, got input float32 and weight float64; convert one with .to('float32') (or .float() / .double())" },
  { topic: 'dtype', call: 'tensor dtype float16', fn: () => tensor([1], { dtype: u('float16') }), kind: ValueError, message: "tensor: dtype must be 'float32' or 'float64', got 'float16'; tensors compute in float32 or float64 only; half precision is a storage format here" },
  { topic: 'dtype', call: 'zeros dtype torch.float32', fn: () => zeros([1], { dtype: u('torch.float32') }), kind: ValueError, message: "zeros: dtype must be 'float32' or 'float64', got 'torch.float32'; did you mean 'float32'? (the name without 'torch.')" },
  { topic: 'dtype', call: 'to double', fn: () => zeros([1]).to(u('double')), kind: ValueError, message: "to: dtype must be 'float32' or 'float64', got 'double'; did you mean 'float64'? (PyTorch's torch.double is float64)" },
  { topic: 'dtype', call: 'setDefaultDtype float', fn: () => setDefaultDtype(u('float')), kind: ValueError, message: "setDefaultDtype: dtype must be 'float32' or 'float64', got 'float'; did you mean 'float32'? (PyTorch's torch.float is float32)" },
  { topic: 'dtype', call: 'setDefaultDtype number', fn: () => setDefaultDtype(u(32)), kind: ValueError, message: "setDefaultDtype: dtype must be 'float32' or 'float64', got number 32" },
  { topic: 'dtype', call: 'setDefaultDtype typo', fn: () => setDefaultDtype(u('Float64')), kind: ValueError, message: "setDefaultDtype: dtype must be 'float32' or 'float64', got 'Float64'; did you mean 'float64'?" },
  { topic: 'dtype', call: 'gradcheck float32 input', fn: () => gradcheck((x) => x.exp(), [randn([2], { dtype: 'float32', requiresGrad: true })]), kind: DTypeError, message: "gradcheck: input 0 (shape [2]) requires grad and is float32; central differences need float64 (a step of 0.000001 is below float32's resolution), so pass x.double()" },
  { topic: 'dtype', call: 'crossEntropy float64 weight on float32 input', fn: () => nn.F.crossEntropy(zeros([2, 3], { dtype: 'float32' }), tensor([0, 1]), { weight: ones([3]) }), kind: DTypeError, message: "crossEntropy: expected input and weight to have the same dtype, got input float32 and weight float64; convert one with .to('float32') (or .float() / .double())" },
  { topic: 'dtype', call: 'CrossEntropyLoss float64 weight on float32 input', fn: () => new nn.CrossEntropyLoss({ weight: ones([3]) }).forward(zeros([2, 3], { dtype: 'float32' }), tensor([0, 1])), kind: DTypeError, message: "crossEntropy: expected input and weight to have the same dtype, got input float32 and weight float64; convert one with .to('float32') (or .float() / .double())" },
  { topic: 'dtype', call: 'nllLoss float32 weight on float64 input', fn: () => nn.F.nllLoss(zeros([2, 3]), tensor([0, 1]), { weight: ones([3], { dtype: 'float32' }) }), kind: DTypeError, message: "nllLoss: expected input and weight to have the same dtype, got input float64 and weight float32; convert one with .to('float64') (or .float() / .double())" },
  { topic: 'dtype', call: 'mseLoss mixed dtypes needing a gradient', fn: () => nn.F.mseLoss(zeros([2, 3], { dtype: 'float32', requiresGrad: true }), zeros([2, 3])), kind: DTypeError, message: "mseLoss: expected input and target to have the same dtype, got input float32 and target float64 (PyTorch's backward refuses mixed dtypes; under noGrad they promote); convert one with .to('float32') (or .float() / .double())" },
  { topic: 'dtype', call: 'groupNorm float64 weight on float32 input', fn: () => nn.F.groupNorm(zeros([2, 4], { dtype: 'float32' }), 2, { weight: ones([4]) }), kind: DTypeError, message: "groupNorm: expected input and weight to have the same dtype, got input float32 and weight float64; convert one with .to('float32') (or .float() / .double())" },
  { topic: 'dtype', call: 'GroupNorm float64 on float32 input', fn: () => new nn.GroupNorm(2, 4).forward(zeros([2, 4], { dtype: 'float32' })), kind: DTypeError, message: "groupNorm: expected input and weight to have the same dtype, got input float32 and weight float64; convert one with .to('float32') (or .float() / .double())" },
  { topic: 'dtype', call: 'instanceNorm float64 running stats on float32 input', fn: () => nn.F.instanceNorm(zeros([2, 3, 4], { dtype: 'float32' }), { runningMean: zeros([3]), runningVar: ones([3]) }), kind: DTypeError, message: "instanceNorm: expected input and runningMean to have the same dtype, got input float32 and runningMean float64; convert one with .to('float32') (or .float() / .double())" },
  { topic: 'dtype', call: 'rnnCell float64 hx with float32 input', fn: () => nn.F.rnnCell(zeros([2, 3], { dtype: 'float32' }), zeros([2, 4]), { weightIh: zeros([4, 3], { dtype: 'float32' }), weightHh: zeros([4, 4], { dtype: 'float32' }), biasIh: null, biasHh: null }), kind: DTypeError, message: "rnnCell: expected input and hx to have the same dtype, got input float32 and hx float64; convert one with .to('float32') (or .float() / .double())" },
  { topic: 'dtype', call: 'LSTM float32 on float64 input', fn: () => new nn.LSTM(3, 4).float().forward(zeros([5, 2, 3])), kind: DTypeError, message: "lstmCell: expected input and weightIh to have the same dtype, got input float64 and weightIh float32; convert one with .to('float64') (or .float() / .double())" },
  { topic: 'dtype', call: 'GRUCell float32 hx with float64 input', fn: () => new nn.GRUCell(3, 4).forward(zeros([2, 3]), zeros([2, 4], { dtype: 'float32' })), kind: DTypeError, message: "gruCell: expected input and hx to have the same dtype, got input float64 and hx float32; convert one with .to('float64') (or .float() / .double())" },
  { topic: 'dtype', call: 'lerp_ float64 end into float32', fn: () => zeros([2], { dtype: 'float32' }).lerp_(ones([2]), 0.5), kind: DTypeError, message: "lerp_: expected input and end to have the same dtype, got input float32 and end float64; convert one with .to('float32') (or .float() / .double())" },
  { topic: 'js-array', call: 'crossEntropy weight as an array', fn: () => nn.F.crossEntropy(zeros([2, 3]), tensor([0, 1]), { weight: [1, 2, 3] as unknown as ReturnType<typeof zeros> }), kind: ValueError, message: 'crossEntropy: weight must be a Tensor, got an array [1,2,3]; wrap it with tensor(...)' },
  { topic: 'js-array', call: 'binaryCrossEntropyWithLogits posWeight as an array', fn: () => nn.F.binaryCrossEntropyWithLogits(zeros([2, 3]), zeros([2, 3]), { posWeight: [1, 2, 3] as unknown as ReturnType<typeof zeros> }), kind: ValueError, message: 'binaryCrossEntropyWithLogits: posWeight must be a Tensor, got an array [1,2,3]; wrap it with tensor(...)' },
];

test('every bad call throws its error class with a message naming the op or module, argument and values', () => {
  const wrong: string[] = [];
  for (const row of TABLE) {
    try {
      row.fn();
      wrong.push(`${row.call}: did not throw`);
    } catch (e) {
      if (!(e instanceof row.kind) || !(e instanceof NormgradError)) {
        wrong.push(`${row.call}: expected a ${row.kind.name}, got ${e}`);
      } else if (e.message !== row.message) {
        wrong.push(
          `${row.call}: message\n  ${JSON.stringify(e.message)}\nexpected\n  ${JSON.stringify(row.message)}`,
        );
      } else if (e.name !== row.kind.name) {
        wrong.push(`${row.call}: name ${e.name}, expected ${row.kind.name}`);
      }
    }
  }
  assert.equal(wrong, []);
});

test('the table covers every kind of bad call the issue lists, at least 60 in all', () => {
  assert.ok(TABLE.length >= 180, `only ${TABLE.length} rows`);
  for (const topic of TOPICS) {
    assert.ok(
      TABLE.some((r) => r.topic === topic),
      `no bad call for ${topic}`,
    );
  }
  const calls = TABLE.map((r) => r.call);
  assert.is(new Set(calls).size, calls.length, 'call labels are unique, so a failure names one row');
});

// ---------------------------------------------------------------- nothing half-changed

const snapshot = (m: nn.Module) => Object.entries(m.stateDict()).map(([k, t]) => [k, [...t.data]]);

test('a state dict that does not fit leaves the module unchanged', () => {
  const model = bnNet();
  model.forward(
    tensor([
      [1, 2],
      [3, 5],
      [0, -1],
    ]),
  );
  const before = snapshot(model);
  const edits: ((sd: nn.StateDict) => void)[] = [
    (sd) => delete sd['0.bias'],
    (sd) => {
      sd['2.weight'] = zeros([1]);
    },
    (sd) => {
      sd['1.weight'] = zeros([4]);
    },
    (sd) => {
      (sd as Record<string, unknown>)['1.bias'] = 'zeros';
    },
  ];
  for (const edit of edits) {
    // every fitting key holds new values, so a partial copy would show
    const sd: nn.StateDict = {};
    for (const [k, t] of Object.entries(model.stateDict())) sd[k] = t.add(7);
    edit(sd);
    assert.throws(
      () => model.loadStateDict(sd),
      (e: unknown) => e instanceof StateDictError,
    );
    assert.equal(snapshot(model), before);
  }
});

test('an optimizer step with one mis-shaped gradient moves no parameter', () => {
  const a = tensor([1, 2], { requiresGrad: true });
  const b = tensor([3, 4], { requiresGrad: true });
  const opt = new optim.SGD([a, b], { lr: 0.1, momentum: 0.9 });
  a.grad = tensor([1, 1]);
  b.grad = zeros([3]);
  assert.throws(() => opt.step(), /SGD\.step: the gradient of parameter 1 has shape \[3\]/);
  assert.equal([...a.data, ...b.data], [1, 2, 3, 4]);
  assert.is(opt.state.size, 0, 'no momentum buffer was created');
});

test('a BatchNorm forward that throws leaves the running statistics and the batch count alone', () => {
  const bn = new nn.BatchNorm1d(2);
  bn.forward(
    tensor([
      [1, 2],
      [3, 6],
    ]),
  );
  const before = snapshot(bn);
  assert.throws(() => bn.forward(tensor([[1, 2]])), /more than 1 value per channel/);
  assert.throws(() => bn.forward(zeros([2, 3])), /expected input with 2 channels/);
  assert.equal(snapshot(bn), before);
});

test('a scaler whose fit throws keeps its earlier fit', () => {
  const s = new data.StandardScaler().fit(
    tensor([
      [1, 10],
      [3, 30],
    ]),
  );
  assert.throws(() => s.fit(tensor([[1, Number.NaN]])), /feature 1 of sample 0 is NaN/);
  assert.throws(() => s.fit(zeros([0, 2])), /found 0 samples/);
  assert.equal([...s.mean.data, ...s.var.data], [2, 20, 1, 100]);
  assert.is(s.nSamplesSeen, 2);
});

test('bad hyperparameters leave no optimizer half-built: a bad group is not added', () => {
  const p = tensor([1], { requiresGrad: true });
  const opt = new optim.SGD([p], { lr: 0.1 });
  assert.throws(
    () => opt.addParamGroup({ params: [tensor([2], { requiresGrad: true })], momentum: 2 }),
    (e: unknown) =>
      e instanceof ValueError && e.message === 'SGD: Invalid momentum value: 2 (parameter group 1)',
  );
  assert.is(opt.paramGroups.length, 1);
});

test('a bad call at the JavaScript boundary leaves every object as it was', () => {
  const x = tensor([1, 2, 3]);
  for (const bad of [
    () => x.add_(u([1, 2, 3])),
    () => x.mul_(u('2')),
    () => x.copy_(zeros([2, 3])),
    () => x.clamp_(u('0')),
  ]) {
    assert.throws(bad, (e: unknown) => e instanceof NormgradError);
  }
  assert.equal([...x.data], [1, 2, 3]);
  assert.is(x._version, 0);
  const opt = sgd();
  assert.throws(() => opt.addParamGroup(u({ params: [leaf([1])], lrr: 0.5 })), /did you mean 'lr'/);
  assert.is(opt.paramGroups.length, 1);
  const lin = new nn.Linear(1, 1);
  const loss = lin.forward(tensor([[2]])).sum();
  loss.backward();
  const g = [...lin.weight.grad!.data];
  assert.throws(() => lin.zeroGrad(u({ setToNone: 'no' })), /setToNone must be true or false/);
  assert.equal([...lin.weight.grad!.data], g);
});

test.run();
