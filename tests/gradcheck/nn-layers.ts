/**
 * The gradient-check table of the nn layers, activations, containers, Dropout and
 * losses (the normalization and recurrent modules have their own tables). Every
 * module appears in train and in eval mode and is checked with respect to its
 * input and every parameter; every loss with each reduction, also w.r.t. the
 * target where the target is differentiable. Dropout in training is checked
 * with a fixed mask: its generator is reseeded inside fn, so each call of fn
 * (gradcheck calls it many times) draws the same mask.
 */
import { Generator, type Tensor, tensor } from '../../core/index.ts';
import * as nn from '../../nn/index.ts';
import { awayFromZero as az, uniform as u } from './inputs.ts';
import type { GradcheckCase } from './types.ts';

const F = nn.functional;
const REDUCTIONS = ['mean', 'sum', 'none'] as const;

/**
 * Two rows (train and eval) for a module: the inputs are `inputs()` followed by
 * the module's parameters, so every parameter is checked too. The module is made
 * afresh by each `inputs()` call and kept for the `fn` that follows it.
 */
function moduleRows(
  covers: string,
  detail: string,
  make: () => nn.Module,
  inputs: () => Tensor[],
  extra: Partial<GradcheckCase> = {},
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
      fn: (...xs: Tensor[]) => m!.forward(...xs.slice(0, nIn)) as Tensor,
      ...extra,
    };
  });
}

const labels = () => tensor([2, 0, 3, 1, 3]);
const classWeight = () => tensor([0.5, 1.2, 2, 0.7]);
const probs = (shape: number[], requiresGrad = true) => u(shape, 0.1, 0.9, requiresGrad);

const lossRows: GradcheckCase[] = REDUCTIONS.flatMap((reduction) => [
  {
    name: `mseLoss (${reduction}) w.r.t. input and target`,
    covers: 'mseLoss',
    inputs: () => [u([3, 4]), u([3, 4])],
    fn: (x, y) => F.mseLoss(x!, y!, { reduction }),
    gradgrad: reduction === 'mean',
  },
  {
    name: `crossEntropy (${reduction})`,
    covers: 'crossEntropy',
    inputs: () => [u([5, 4], -2, 2)],
    fn: (x) => F.crossEntropy(x!, labels(), { reduction }),
    gradgrad: reduction === 'mean',
  },
  {
    name: `crossEntropy (${reduction}) weight, ignoreIndex, labelSmoothing`,
    covers: 'crossEntropy',
    inputs: () => [u([5, 4], -2, 2)],
    fn: (x) =>
      F.crossEntropy(x!, labels(), { reduction, weight: classWeight(), ignoreIndex: 3, labelSmoothing: 0.1 }),
  },
  {
    name: `crossEntropy (${reduction}) [N, C, d] input`,
    covers: 'crossEntropy',
    inputs: () => [u([2, 4, 3], -2, 2)],
    fn: (x) =>
      F.crossEntropy(
        x!,
        tensor([
          [0, 3, 1],
          [2, 2, 0],
        ]),
        { reduction },
      ),
  },
  {
    name: `crossEntropy (${reduction}) probability targets, w.r.t. both`,
    covers: 'crossEntropy',
    inputs: () => [u([3, 4], -2, 2), probs([3, 4])],
    fn: (x, t) => F.crossEntropy(x!, t!, { reduction, labelSmoothing: 0.2 }),
  },
  {
    name: `nllLoss (${reduction}) weight`,
    covers: 'nllLoss',
    inputs: () => [u([5, 4], -3, -0.1)],
    fn: (x) => F.nllLoss(x!, labels(), { reduction, weight: classWeight() }),
  },
  {
    name: `binaryCrossEntropy (${reduction}) w.r.t. input and target`,
    covers: 'binaryCrossEntropy',
    inputs: () => [probs([3, 4]), probs([3, 4])],
    fn: (p, t) => F.binaryCrossEntropy(p!, t!, { reduction, weight: tensor([0.5, 1, 2, 1.5]) }),
    gradgrad: reduction === 'mean',
  },
  {
    name: `binaryCrossEntropyWithLogits (${reduction}) w.r.t. input and target`,
    covers: 'binaryCrossEntropyWithLogits',
    inputs: () => [u([3, 4], -3, 3), probs([3, 4])],
    fn: (x, t) => F.binaryCrossEntropyWithLogits(x!, t!, { reduction }),
    gradgrad: reduction === 'mean',
  },
  {
    name: `binaryCrossEntropyWithLogits (${reduction}) weight and posWeight`,
    covers: 'binaryCrossEntropyWithLogits',
    inputs: () => [u([3, 4], -3, 3), probs([3, 4])],
    fn: (x, t) =>
      F.binaryCrossEntropyWithLogits(x!, t!, {
        reduction,
        weight: tensor([0.5, 1, 2, 1.5]),
        posWeight: tensor([0.5, 2, 3, 1]),
      }),
  },
  ...moduleRows(
    `MSELoss`,
    ` ${reduction}`,
    () => new nn.MSELoss({ reduction }),
    () => [u([3, 4]), u([3, 4])],
  ),
  ...moduleRows(
    'CrossEntropyLoss',
    ` ${reduction}`,
    () => new nn.CrossEntropyLoss({ reduction, weight: classWeight(), labelSmoothing: 0.05 }),
    () => [u([5, 4], -2, 2), labels()],
  ),
  ...moduleRows(
    'NLLLoss',
    ` ${reduction}`,
    () => new nn.NLLLoss({ reduction, ignoreIndex: 0 }),
    () => [u([5, 4], -3, -0.1), labels()],
  ),
  ...moduleRows(
    'BCELoss',
    ` ${reduction}`,
    () => new nn.BCELoss({ reduction }),
    () => [probs([3, 4]), probs([3, 4])],
  ),
  ...moduleRows(
    'BCEWithLogitsLoss',
    ` ${reduction}`,
    () => new nn.BCEWithLogitsLoss({ reduction, posWeight: tensor([0.5, 2, 3, 1]) }),
    () => [u([3, 4], -3, 3), probs([3, 4])],
  ),
]);

export const nnLayerCases: GradcheckCase[] = [
  // Linear and its functional, with second derivatives
  ...moduleRows(
    'Linear',
    ' [4,3] -> [4,2]',
    () => new nn.Linear(3, 2),
    () => [u([4, 3])],
    { gradgrad: true },
  ),
  ...moduleRows(
    'Linear',
    ' no bias, batch dims',
    () => new nn.Linear(3, 2, { bias: false }),
    () => [u([2, 4, 3])],
    {
      gradgrad: true,
    },
  ),
  {
    name: 'linear w.r.t. input, weight and bias',
    covers: 'linear',
    inputs: () => [u([4, 3]), u([2, 3]), u([2])],
    fn: (x, w, b) => F.linear(x!, w!, b!),
    gradgrad: true,
  },

  // activations, modules and functionals
  ...moduleRows(
    'Identity',
    '',
    () => new nn.Identity(),
    () => [u([2, 3])],
  ),
  ...moduleRows(
    'Sigmoid',
    '',
    () => new nn.Sigmoid(),
    () => [u([2, 3], -3, 3)],
  ),
  ...moduleRows(
    'Tanh',
    '',
    () => new nn.Tanh(),
    () => [u([2, 3], -2, 2)],
  ),
  ...moduleRows(
    'ReLU',
    '',
    () => new nn.ReLU(),
    () => [az([2, 3])],
  ),
  ...moduleRows(
    'LeakyReLU',
    ' slope 0.2',
    () => new nn.LeakyReLU(0.2),
    () => [az([2, 3])],
  ),
  ...moduleRows(
    'Softmax',
    ' dim 1',
    () => new nn.Softmax(1),
    () => [u([3, 4], -2, 2)],
  ),
  ...moduleRows(
    'LogSoftmax',
    ' dim 0',
    () => new nn.LogSoftmax(0),
    () => [u([3, 4], -2, 2)],
  ),
  ...moduleRows(
    'Flatten',
    ' [2,3,2] -> [2,6]',
    () => new nn.Flatten(),
    () => [u([2, 3, 2])],
  ),
  { name: 'F.sigmoid', covers: 'sigmoid', inputs: () => [u([4], -3, 3)], fn: (x) => F.sigmoid(x!) },
  { name: 'F.tanh', covers: 'tanh', inputs: () => [u([4], -2, 2)], fn: (x) => F.tanh(x!) },
  { name: 'F.relu', covers: 'relu', inputs: () => [az([4])], fn: (x) => F.relu(x!) },
  { name: 'F.leakyRelu', covers: 'leakyRelu', inputs: () => [az([4])], fn: (x) => F.leakyRelu(x!, 0.1) },
  { name: 'F.softmax', covers: 'softmax', inputs: () => [u([2, 3], -2, 2)], fn: (x) => F.softmax(x!, -1) },
  {
    name: 'F.logSoftmax',
    covers: 'logSoftmax',
    inputs: () => [u([2, 3], -2, 2)],
    fn: (x) => F.logSoftmax(x!, 1),
  },

  // containers
  ...moduleRows(
    'Sequential',
    ' Linear, Tanh, Linear',
    () => new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 2)),
    () => [u([5, 3])],
  ),

  // Dropout: the identity in eval; in training a fixed mask (the generator is reseeded on every call)
  ...moduleRows(
    'Dropout',
    ' p 0.3, fixed mask',
    () => {
      const d = new nn.Dropout(0.3, { generator: new Generator(7) });
      const forward = d.forward;
      d.forward = (x: Tensor) => {
        d.generator!.manualSeed(7);
        return forward(x);
      };
      return d;
    },
    () => [u([4, 5])],
  ),
  {
    name: 'dropout (training, fixed mask)',
    covers: 'dropout',
    inputs: () => [u([4, 5])],
    fn: (x) => F.dropout(x!, 0.4, true, { generator: new Generator(11) }),
  },
  {
    name: 'dropout (not training)',
    covers: 'dropout',
    inputs: () => [u([4, 5])],
    fn: (x) => F.dropout(x!, 0.4, false),
  },

  ...lossRows,
];
