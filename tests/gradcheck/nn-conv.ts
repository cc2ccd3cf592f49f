/**
 * The gradient-check table of the convolution and pooling modules, each in
 * train and eval mode, checked with respect to the input and every parameter,
 * and of BatchNorm2d on real convolutional activations (Conv2d -> BatchNorm2d).
 */
import type { Tensor } from '../../core/index.ts';
import * as nn from '../../nn/index.ts';
import { spread } from './conv-ops.ts';
import { uniform as u } from './inputs.ts';
import type { GradcheckCase } from './types.ts';

/** Two rows (train and eval): inputs() followed by the parameters of a fresh module. */
function moduleRows(
  covers: string,
  detail: string,
  make: () => nn.Module,
  inputs: () => Tensor[],
): GradcheckCase[] {
  return (['train', 'eval'] as const).map((mode) => {
    let m: nn.Module | null = null;
    let nIn = 0;
    return {
      name: `${covers}${detail} (${mode})`,
      covers,
      inputs: () => {
        m = make();
        m.train(mode === 'train');
        const xs = inputs();
        nIn = xs.length;
        return [...xs, ...m.parameters()];
      },
      fn: (...xs: Tensor[]) => {
        const y = m!.forward(...xs.slice(0, nIn)) as Tensor | [Tensor, Tensor];
        return Array.isArray(y) ? y[0] : y;
      },
    };
  });
}

/** The rows of the conv and pooling modules, and of BatchNorm2d after a convolution. */
export const nnConvCases: GradcheckCase[] = [
  ...moduleRows(
    'Conv2d',
    ' 2->4, kernel (3, 2), stride 2, padding 1, groups 2',
    () => new nn.Conv2d(2, 4, [3, 2], { stride: 2, padding: 1, groups: 2 }),
    () => [u([2, 2, 5, 4])],
  ),
  ...moduleRows(
    'Conv2d',
    " 'reflect' padding, dilation 2",
    () => new nn.Conv2d(1, 2, 2, { padding: 1, dilation: 2, paddingMode: 'reflect' }),
    () => [u([2, 1, 4, 4])],
  ),
  ...moduleRows(
    'Conv1d',
    " 3->2, kernel 4, padding 'same', no bias",
    () => new nn.Conv1d(3, 2, 4, { padding: 'same', bias: false }),
    () => [u([2, 3, 6])],
  ),
  ...moduleRows(
    'MaxPool2d',
    ' kernel 2',
    () => new nn.MaxPool2d(2),
    () => [spread([2, 2, 4, 5])],
  ),
  ...moduleRows(
    'MaxPool2d',
    ' kernel 3, stride 1, returnIndices',
    () => new nn.MaxPool2d(3, { stride: 1, returnIndices: true }),
    () => [spread([1, 2, 4, 4])],
  ),
  ...moduleRows(
    'AvgPool2d',
    ' kernel 3, stride 2, padding 1',
    () => new nn.AvgPool2d(3, { stride: 2, padding: 1 }),
    () => [u([2, 2, 5, 5])],
  ),
  ...moduleRows(
    'AdaptiveAvgPool2d',
    ' (2, 3)',
    () => new nn.AdaptiveAvgPool2d([2, 3]),
    () => [u([2, 2, 5, 7])],
  ),
  // The conv has no bias, as is usual before BN: in train mode its gradient is exactly 0 (C6), which the
  // table's relative-error column would print as a meaningless 1e+284.
  ...moduleRows(
    'BatchNorm2d',
    ' on Conv2d activations (Conv2d -> BatchNorm2d -> ReLU -> MaxPool2d)',
    () =>
      new nn.Sequential(
        new nn.Conv2d(2, 3, 3, { padding: 1, bias: false }),
        new nn.BatchNorm2d(3),
        new nn.ReLU(),
        new nn.MaxPool2d(2),
      ),
    () => [u([3, 2, 4, 4])],
  ),
];
