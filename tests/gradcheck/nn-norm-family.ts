/**
 * Gradient checks of the normalization family beyond BatchNorm and LayerNorm's
 * own rows: GroupNorm, InstanceNorm1d/2d, LayerNorm over [C, H, W], RMSNorm,
 * weight normalization (checked through g and v), and their functional forms, with respect to the input and every parameter, in training
 * and evaluation mode. InstanceNorm with tracked statistics is the one whose
 * modes differ: eval rows set the running statistics to non-trivial values first.
 */
import type { Tensor } from '../../core/index.ts';
import { groupNorm, instanceNorm } from '../../nn/functional/group-norm.ts';
import { rmsNorm } from '../../nn/functional/rms-norm.ts';
import { GroupNorm } from '../../nn/groupnorm.ts';
import { type _InstanceNorm, InstanceNorm1d, InstanceNorm2d } from '../../nn/instancenorm.ts';
import { LayerNorm } from '../../nn/layernorm.ts';
import { Linear } from '../../nn/linear.ts';
import { RMSNorm } from '../../nn/rmsnorm.ts';
import { RNNCell } from '../../nn/rnn-cells.ts';
import { weightNorm } from '../../nn/utils/weight-norm.ts';
import { positive as pos, uniform as u } from './inputs.ts';
import { bothModes } from './nn-norm-rnn.ts';
import type { GradcheckCase } from './types.ts';

const fwd = (m: { forward(x: Tensor): Tensor }, x: Tensor) => m.forward(x);

/** Running statistics away from 0 and 1, so eval rows are not a plain affine map of x. */
function withStats<M extends _InstanceNorm>(m: M): M {
  m.runningMean?.data.set(u([m.numFeatures]).data);
  m.runningVar?.data.set(pos([m.numFeatures]).data);
  return m;
}

export const nnNormFamilyCases: GradcheckCase[] = [
  // ------------------------------------------------------------ GroupNorm
  ...bothModes(
    'GroupNorm(2, 4) on [2, 4, 3]',
    'GroupNorm',
    () => new GroupNorm(2, 4),
    () => [u([2, 4, 3])],
    fwd,
    true,
  ),
  ...bothModes(
    'GroupNorm(1, 3) (LayerNorm-like) on [2, 3, 2, 2]',
    'GroupNorm',
    () => new GroupNorm(1, 3),
    () => [u([2, 3, 2, 2])],
    fwd,
  ),
  ...bothModes(
    'GroupNorm(3, 3) (InstanceNorm-like) on [2, 3, 4]',
    'GroupNorm',
    () => new GroupNorm(3, 3),
    () => [u([2, 3, 4])],
    fwd,
  ),
  ...bothModes(
    'GroupNorm(2, 6) on [3, 6] (no spatial dims)',
    'GroupNorm',
    () => new GroupNorm(2, 6),
    () => [u([3, 6])],
    fwd,
  ),
  ...bothModes(
    'GroupNorm(2, 4) no affine, batch of one',
    'GroupNorm',
    () => new GroupNorm(2, 4, { affine: false }),
    () => [u([1, 4, 3])],
    fwd,
  ),
  {
    name: 'F.groupNorm weight and bias',
    covers: 'groupNorm',
    inputs: () => [u([2, 4, 2, 2]), u([4]), u([4])],
    fn: (x, g, b) => groupNorm(x!, 2, { weight: g!, bias: b!, eps: 1e-3 }),
    gradgrad: true,
  },

  // ------------------------------------------------------------ InstanceNorm
  ...bothModes(
    'InstanceNorm1d(3) defaults on [2, 3, 4]',
    'InstanceNorm1d',
    () => new InstanceNorm1d(3),
    () => [u([2, 3, 4])],
    fwd,
    true,
  ),
  ...bothModes(
    'InstanceNorm1d(3) affine, tracked',
    'InstanceNorm1d',
    () => withStats(new InstanceNorm1d(3, { affine: true, trackRunningStats: true })),
    () => [u([2, 3, 4])],
    fwd,
    true,
  ),
  ...bothModes(
    'InstanceNorm1d(3) affine, unbatched [3, 5]',
    'InstanceNorm1d',
    () => withStats(new InstanceNorm1d(3, { affine: true, trackRunningStats: true })),
    () => [u([3, 5])],
    fwd,
  ),
  ...bothModes(
    'InstanceNorm2d(2) affine, tracked, on [2, 2, 3, 3]',
    'InstanceNorm2d',
    () => withStats(new InstanceNorm2d(2, { affine: true, trackRunningStats: true, momentum: 0.3 })),
    () => [u([2, 2, 3, 3])],
    fwd,
    true,
  ),
  ...bothModes(
    'InstanceNorm2d(2) affine, untracked, batch of one',
    'InstanceNorm2d',
    () => new InstanceNorm2d(2, { affine: true }),
    () => [u([1, 2, 2, 3])],
    fwd,
  ),
  {
    name: 'F.instanceNorm input statistics, weight and bias',
    covers: 'instanceNorm',
    inputs: () => [u([2, 3, 4]), u([3]), u([3])],
    fn: (x, g, b) => instanceNorm(x!, { weight: g!, bias: b! }),
    gradgrad: true,
  },
  {
    name: 'F.instanceNorm running statistics (useInputStats false)',
    covers: 'instanceNorm',
    inputs: () => [u([2, 3, 4]), u([3]), u([3]), u([3], -1, 1, false), pos([3], false)],
    fn: (x, g, b, rm, rv) =>
      instanceNorm(x!, { runningMean: rm!, runningVar: rv!, weight: g!, bias: b!, useInputStats: false }),
    gradgrad: true,
  },

  // ------------------------------------------------------------ LayerNorm over [C, H, W]
  ...bothModes(
    'LayerNorm [C, H, W] = [2, 3, 2] on [2, 2, 3, 2]',
    'LayerNorm',
    () => new LayerNorm([2, 3, 2]),
    () => [u([2, 2, 3, 2])],
    fwd,
    true,
  ),

  // ------------------------------------------------------------ RMSNorm
  ...bothModes(
    'RMSNorm [4] on [3, 4], eps null',
    'RMSNorm',
    () => new RMSNorm(4),
    () => [u([3, 4])],
    fwd,
    true,
  ),
  ...bothModes(
    'RMSNorm [2, 3, 2] on [2, 2, 3, 2], eps 1e-6',
    'RMSNorm',
    () => new RMSNorm([2, 3, 2], { eps: 1e-6 }),
    () => [u([2, 2, 3, 2])],
    fwd,
  ),
  ...bothModes(
    'RMSNorm no affine',
    'RMSNorm',
    () => new RMSNorm([3], { elementwiseAffine: false }),
    () => [u([2, 3])],
    fwd,
  ),
  {
    name: 'F.rmsNorm weight',
    covers: 'rmsNorm',
    inputs: () => [u([2, 3, 4]), u([3, 4])],
    fn: (x, g) => rmsNorm(x!, [3, 4], { weight: g!, eps: 1e-3 }),
    gradgrad: true,
  },

  // ------------------------------------------------------------ weight normalization (w.r.t. g, v and the input)
  ...bothModes(
    'weightNorm(Linear(4, 3)), dim 0',
    'weightNorm',
    () => weightNorm(new Linear(4, 3)),
    () => [u([5, 4])],
    fwd,
    true,
  ),
  ...bothModes(
    'weightNorm(Linear(4, 3)), dim null (one g)',
    'weightNorm',
    () => weightNorm(new Linear(4, 3), 'weight', null),
    () => [u([5, 4])],
    fwd,
  ),
  ...bothModes(
    'weightNorm(RNNCell(2, 3), weight_hh, dim 1)',
    'weightNorm',
    () => weightNorm(new RNNCell(2, 3), 'weight_hh', 1),
    () => [u([2, 2]), u([2, 3])],
    (m, x, h) => m.forward(x!, h!),
  ),
];
