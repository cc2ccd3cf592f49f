/**
 * The gradient-check table of the convolution, pooling and padding ops in core
 * (core/ops/conv.ts, pool.ts, padding.ts). Max pooling gets inputs whose values
 * are far apart (a shuffled range), so a finite-difference step never changes a
 * window's winner.
 */
import * as ng from '../../core/index.ts';
import { uniform as u } from './inputs.ts';
import type { GradcheckCase } from './types.ts';

/** Distinct values 0.1 apart in a fixed shuffled order: no ties, no winner changes under a 1e-6 step. */
export function spread(shape: number[]): ng.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const order = ng.randperm(n, { generator: new ng.Generator(n) });
  return new ng.Tensor(
    Float64Array.from(order.data, (v) => (v - n / 2) * 0.1),
    shape,
    true,
  );
}

/** The rows of the conv, pooling and padding ops. */
export const convOpCases: GradcheckCase[] = [
  {
    name: 'conv2d [2,2,4,5] * [3,2,3,3] + bias',
    covers: 'conv2d',
    inputs: () => [u([2, 2, 4, 5]), u([3, 2, 3, 3]), u([3])],
    fn: (x, w, b) => ng.conv2d(x!, w!, b!),
    gradgrad: true,
  },
  {
    name: 'conv2d stride (2, 1), padding (2, 1), dilation (1, 2)',
    covers: 'conv2d',
    inputs: () => [u([1, 2, 5, 6]), u([2, 2, 2, 3]), u([2])],
    fn: (x, w, b) => ng.conv2d(x!, w!, b!, { stride: [2, 1], padding: [2, 1], dilation: [1, 2] }),
  },
  {
    name: 'conv2d groups 2, no bias',
    covers: 'conv2d',
    inputs: () => [u([2, 4, 4, 4]), u([6, 2, 3, 3])],
    fn: (x, w) => ng.conv2d(x!, w!, null, { groups: 2, padding: 1 }),
    gradgrad: true,
  },
  {
    name: "conv2d padding 'same' with an even kernel (asymmetric), unbatched",
    covers: 'conv2d',
    inputs: () => [u([2, 4, 5]), u([2, 2, 2, 4]), u([2])],
    fn: (x, w, b) => ng.conv2d(x!, w!, b!, { padding: 'same' }),
  },
  {
    name: 'conv1d stride 2, padding 1, dilation 2, groups 2',
    covers: 'conv1d',
    inputs: () => [u([2, 4, 9]), u([2, 2, 3]), u([2])],
    fn: (x, w, b) => ng.conv1d(x!, w!, b!, { stride: 2, padding: 1, dilation: 2, groups: 2 }),
    gradgrad: true,
  },
  {
    name: 'unfold kernel (2, 3), all options',
    covers: 'unfold',
    inputs: () => [u([2, 2, 5, 6])],
    fn: (x) => ng.unfold(x!, [2, 3], { stride: [2, 1], padding: 1, dilation: [1, 2] }),
    gradgrad: true,
  },
  {
    name: 'fold overlapping windows',
    covers: 'fold',
    inputs: () => [u([2, 2 * 4, 12])],
    fn: (x) => ng.fold(x!, [4, 5], 2),
    gradgrad: true,
  },
  {
    name: 'maxPool2d kernel 3, stride 2, padding 1',
    covers: 'maxPool2d',
    inputs: () => [spread([2, 2, 5, 6])],
    fn: (x) => ng.maxPool2d(x!, 3, { stride: 2, padding: 1 }),
    gradgrad: true,
  },
  {
    name: 'maxPool2d overlapping (stride 1), dilation 2, ceilMode',
    covers: 'maxPool2d',
    inputs: () => [spread([1, 2, 7, 6])],
    fn: (x) => ng.maxPool2d(x!, 2, { stride: [1, 2], dilation: 2, ceilMode: true }),
  },
  {
    name: 'maxPool2dWithIndices values',
    covers: 'maxPool2dWithIndices',
    inputs: () => [spread([2, 5, 4])],
    fn: (x) => ng.maxPool2dWithIndices(x!, 2)[0],
  },
  {
    name: 'avgPool2d kernel 3, stride 2, padding 1, countIncludePad false, ceilMode',
    covers: 'avgPool2d',
    inputs: () => [u([2, 2, 6, 7])],
    fn: (x) => ng.avgPool2d(x!, 3, { stride: 2, padding: 1, countIncludePad: false, ceilMode: true }),
    gradgrad: true,
  },
  {
    name: 'avgPool2d divisorOverride, unbatched',
    covers: 'avgPool2d',
    inputs: () => [u([2, 4, 5])],
    fn: (x) => ng.avgPool2d(x!, [2, 3], { stride: 1, divisorOverride: 4 }),
  },
  {
    name: 'adaptiveAvgPool2d [2,2,7,5] -> (3, 4), overlapping windows',
    covers: 'adaptiveAvgPool2d',
    inputs: () => [u([2, 2, 7, 5])],
    fn: (x) => ng.adaptiveAvgPool2d(x!, [3, 4]),
    gradgrad: true,
  },
  ...(['constant', 'reflect', 'replicate', 'circular'] as const).map(
    (mode): GradcheckCase => ({
      name: `pad '${mode}' of the last two dims`,
      covers: 'pad',
      inputs: () => [u([2, 3, 4])],
      fn: (x) => ng.pad(x!, mode === 'constant' ? [1, -1, 2, 0] : [2, 1, 1, 2], mode, 0),
      gradgrad: mode === 'reflect',
    }),
  ),
];
