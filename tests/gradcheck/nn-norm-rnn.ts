/**
 * Gradient checks of the normalization and recurrent modules and their
 * functional forms: with respect to the input, the initial states and every
 * parameter, in training and in evaluation mode. BatchNorm in training mode is
 * the interesting one: its gradient flows through the batch mean and variance.
 * (gradcheck calls fn many times, so BatchNorm's running statistics drift during
 * a training row; training outputs do not read them. Eval rows set them to
 * non-trivial values first and then only read them.)
 */
import { stack, type Tensor } from '../../core/index.ts';
import { BatchNorm1d, BatchNorm2d } from '../../nn/batchnorm.ts';
import { batchNorm, layerNorm, moments, normalize } from '../../nn/functional/normalization.ts';
import {
  gruCell,
  layerNormGruCell,
  layerNormLstmCell,
  layerNormRnnCell,
  lstmCell,
  rnnCell,
} from '../../nn/functional/recurrent.ts';
import { LayerNorm } from '../../nn/layernorm.ts';
import type { Module } from '../../nn/module.ts';
import { GRU, LSTM, RNN } from '../../nn/rnn.ts';
import {
  GRUCell,
  LayerNormGRUCell,
  LayerNormLSTMCell,
  LayerNormRNNCell,
  LSTMCell,
  RNNCell,
} from '../../nn/rnn-cells.ts';
import { positive as pos, uniform as u } from './inputs.ts';
import type { GradcheckCase } from './types.ts';

type Mode = 'train' | 'eval';
type Out = Tensor | readonly Tensor[];

/**
 * A row for a module: `inputs()` builds a fresh module (parameters drawn from
 * U(-1, 1), so none sits at its trivial init) and returns the data followed by
 * the module's own parameter tensors; `fn` runs the module on the data. gradcheck
 * perturbs the parameters in place, which is what the module reads.
 */
export function moduleRow<M extends Module>(
  name: string,
  covers: string,
  mode: Mode,
  make: () => M,
  data: () => Tensor[],
  run: (m: M, ...xs: Tensor[]) => Out,
  gradgrad = false,
): GradcheckCase {
  let m: M | null = null;
  let nData = 0;
  return {
    name: `${name} (${mode})`,
    covers,
    gradgrad,
    inputs: () => {
      m = make();
      if (mode === 'eval') m.eval();
      for (const p of m.parameters()) p.data.set(u([...p.shape]).data);
      const xs = data();
      nData = xs.length;
      return [...xs, ...m.parameters()];
    },
    fn: (...xs) => {
      const params = [...m!.parameters()];
      if (xs.length !== nData + params.length || params.some((p, i) => p !== xs[nData + i])) {
        throw new Error(`${name}: fn called with tensors other than the module's parameters`);
      }
      return run(m!, ...xs.slice(0, nData));
    },
  };
}

/** Both modes of one module. */
export function bothModes<M extends Module>(
  name: string,
  covers: string,
  make: () => M,
  data: () => Tensor[],
  run: (m: M, ...xs: Tensor[]) => Out,
  gradgrad = false,
): GradcheckCase[] {
  return (['train', 'eval'] as const).map((mode) => moduleRow(name, covers, mode, make, data, run, gradgrad));
}

/** BatchNorm with running statistics away from 0 and 1, so eval rows are not a plain affine map of x. */
function withStats<M extends BatchNorm1d | BatchNorm2d>(bn: M): M {
  bn.runningMean?.data.set(u([bn.numFeatures]).data);
  bn.runningVar?.data.set(pos([bn.numFeatures]).data);
  return bn;
}

const fwd = (m: { forward(x: Tensor): Tensor }, x: Tensor) => m.forward(x);

/** A cell unrolled over xs [T, ...] from h0 (and c0); returns every hidden state (and the last c). */
function unrollCell(
  cell: RNNCell | GRUCell | LayerNormRNNCell | LayerNormGRUCell,
  xs: Tensor,
  h0: Tensor,
): Tensor {
  let h = h0;
  const hs: Tensor[] = [];
  for (let t = 0; t < xs.shape[0]!; t++) {
    h = cell.forward(xs.select(0, t), h);
    hs.push(h);
  }
  return stack(hs, 0);
}
function unrollLstm(cell: LSTMCell | LayerNormLSTMCell, xs: Tensor, h0: Tensor, c0: Tensor): Tensor[] {
  let state: [Tensor, Tensor] = [h0, c0];
  const hs: Tensor[] = [];
  for (let t = 0; t < xs.shape[0]!; t++) {
    state = cell.forward(xs.select(0, t), state);
    hs.push(state[0]);
  }
  return [stack(hs, 0), state[1]];
}

// Sizes: input 2, hidden 3, batch 2, 3 steps.
const cellData = () => [u([3, 2, 2]), u([2, 3])];
const lstmData = () => [u([3, 2, 2]), u([2, 3]), u([2, 3])];
const w = (g: number, i = 2) => ({
  weightIh: u([g * 3, i]),
  weightHh: u([g * 3, 3]),
  biasIh: u([g * 3]),
  biasHh: u([g * 3]),
});
const gain = (weight: Tensor, bias: Tensor | null = null) => ({ weight, bias, eps: 1e-5 });

export const nnNormRnnCases: GradcheckCase[] = [
  // ------------------------------------------------------------ BatchNorm
  ...bothModes(
    'BatchNorm1d [5, 3]',
    'BatchNorm1d',
    () => withStats(new BatchNorm1d(3)),
    () => [u([5, 3])],
    fwd,
    true,
  ),
  ...bothModes(
    'BatchNorm1d [3, 2, 4] (N, C, L)',
    'BatchNorm1d',
    () => withStats(new BatchNorm1d(2, { momentum: null })),
    () => [u([3, 2, 4])],
    fwd,
  ),
  ...bothModes(
    'BatchNorm1d no affine',
    'BatchNorm1d',
    () => withStats(new BatchNorm1d(3, { affine: false })),
    () => [u([4, 3])],
    fwd,
    true,
  ),
  ...bothModes(
    'BatchNorm1d trackRunningStats false',
    'BatchNorm1d',
    () => new BatchNorm1d(3, { trackRunningStats: false }),
    () => [u([4, 3])],
    fwd,
  ),
  ...bothModes(
    'BatchNorm2d [2, 2, 3, 3]',
    'BatchNorm2d',
    () => withStats(new BatchNorm2d(2)),
    () => [u([2, 2, 3, 3])],
    fwd,
    true,
  ),
  {
    name: 'F.batchNorm training, weight and bias',
    covers: 'batchNorm',
    inputs: () => [u([4, 3]), u([3]), u([3])],
    fn: (x, g, b) => batchNorm(x!, null, null, { weight: g!, bias: b!, training: true }),
    gradgrad: true,
  },
  {
    name: 'F.batchNorm eval with running stats',
    covers: 'batchNorm',
    inputs: () => [u([4, 3, 2]), u([3]), u([3]), u([3], -1, 1, false), pos([3], false)],
    fn: (x, g, b, rm, rv) => batchNorm(x!, rm!, rv!, { weight: g!, bias: b! }),
    gradgrad: true,
  },

  // ------------------------------------------------------------ LayerNorm
  ...bothModes(
    'LayerNorm [5] on [4, 5]',
    'LayerNorm',
    () => new LayerNorm(5),
    () => [u([4, 5])],
    fwd,
    true,
  ),
  ...bothModes(
    'LayerNorm [3, 4] on [2, 3, 4]',
    'LayerNorm',
    () => new LayerNorm([3, 4]),
    () => [u([2, 3, 4])],
    fwd,
    true,
  ),
  ...bothModes(
    'LayerNorm no affine',
    'LayerNorm',
    () => new LayerNorm(4, { elementwiseAffine: false }),
    () => [u([3, 4])],
    fwd,
    true,
  ),
  ...bothModes(
    'LayerNorm bias false',
    'LayerNorm',
    () => new LayerNorm(4, { bias: false }),
    () => [u([3, 4])],
    fwd,
  ),
  {
    name: 'F.layerNorm weight and bias',
    covers: 'layerNorm',
    inputs: () => [u([3, 4]), u([4]), u([4])],
    fn: (x, g, b) => layerNorm(x!, 4, { weight: g!, bias: b! }),
    gradgrad: true,
  },
  {
    name: 'moments over dims [0, 2] (mean and biased var)',
    covers: 'moments',
    inputs: () => [u([3, 2, 4])],
    fn: (x) => {
      const m = moments(x!, [0, 2]);
      return [m.mean, m.var];
    },
    gradgrad: true,
  },
  {
    name: 'normalize with given mean and var',
    covers: 'normalize',
    inputs: () => [u([3, 4]), u([1, 4]), pos([1, 4])],
    fn: (x, m, v) => normalize(x!, m!, v!, 1e-5),
    gradgrad: true,
  },

  // ------------------------------------------------------------ cells, over 3 steps
  ...bothModes('RNNCell tanh', 'RNNCell', () => new RNNCell(2, 3), cellData, unrollCell),
  ...bothModes(
    'RNNCell relu, no bias',
    'RNNCell',
    () => new RNNCell(2, 3, { nonlinearity: 'relu', bias: false }),
    cellData,
    unrollCell,
  ),
  ...bothModes('LSTMCell', 'LSTMCell', () => new LSTMCell(2, 3), lstmData, unrollLstm),
  ...bothModes('GRUCell', 'GRUCell', () => new GRUCell(2, 3), cellData, unrollCell),
  ...bothModes(
    'GRUCell one sample (unbatched)',
    'GRUCell',
    () => new GRUCell(2, 3),
    () => [u([3, 2]), u([3])],
    unrollCell,
  ),
  ...bothModes(
    'LayerNormRNNCell',
    'LayerNormRNNCell',
    () => new LayerNormRNNCell(2, 3),
    cellData,
    unrollCell,
  ),
  ...bothModes(
    'LayerNormLSTMCell',
    'LayerNormLSTMCell',
    () => new LayerNormLSTMCell(2, 3),
    lstmData,
    unrollLstm,
  ),
  ...bothModes(
    'LayerNormGRUCell',
    'LayerNormGRUCell',
    () => new LayerNormGRUCell(2, 3),
    cellData,
    unrollCell,
  ),
  {
    name: 'F.rnnCell tanh, one step',
    covers: 'rnnCell',
    inputs: () => [u([2, 2]), u([2, 3]), ...Object.values(w(1))],
    fn: (x, h, wi, wh, bi, bh) => rnnCell(x!, h!, { weightIh: wi!, weightHh: wh!, biasIh: bi!, biasHh: bh! }),
  },
  {
    name: 'F.lstmCell, one step',
    covers: 'lstmCell',
    inputs: () => [u([2, 2]), u([2, 3]), u([2, 3]), ...Object.values(w(4))],
    fn: (x, h, c, wi, wh, bi, bh) =>
      lstmCell(x!, [h!, c!], { weightIh: wi!, weightHh: wh!, biasIh: bi!, biasHh: bh! }),
  },
  {
    name: 'F.gruCell, one step',
    covers: 'gruCell',
    inputs: () => [u([2, 2]), u([2, 3]), ...Object.values(w(3))],
    fn: (x, h, wi, wh, bi, bh) => gruCell(x!, h!, { weightIh: wi!, weightHh: wh!, biasIh: bi!, biasHh: bh! }),
  },
  {
    name: 'F.layerNormRnnCell, one step, gain and shift',
    covers: 'layerNormRnnCell',
    inputs: () => [u([2, 2]), u([2, 3]), u([3, 2]), u([3, 3]), u([3]), u([3])],
    fn: (x, h, wi, wh, g, b) =>
      layerNormRnnCell(
        x!,
        h!,
        { weightIh: wi!, weightHh: wh!, biasIh: null, biasHh: null },
        { weight: g!, bias: b!, eps: 1e-5 },
      ),
  },
  {
    name: 'F.layerNormLstmCell, one step',
    covers: 'layerNormLstmCell',
    inputs: () => [u([2, 2]), u([2, 3]), u([2, 3]), ...Object.values(w(4)), u([12]), u([12]), u([3]), u([3])],
    fn: (x, h, c, wi, wh, bi, bh, gi, gh, gc, bc) =>
      layerNormLstmCell(
        x!,
        [h!, c!],
        { weightIh: wi!, weightHh: wh!, biasIh: bi!, biasHh: bh! },
        { ih: gain(gi!), hh: gain(gh!), c: gain(gc!, bc!) },
      ),
  },
  {
    name: 'F.layerNormGruCell, one step',
    covers: 'layerNormGruCell',
    inputs: () => [u([2, 2]), u([2, 3]), ...Object.values(w(3)), u([9]), u([9])],
    fn: (x, h, wi, wh, bi, bh, gi, gh) =>
      layerNormGruCell(
        x!,
        h!,
        { weightIh: wi!, weightHh: wh!, biasIh: bi!, biasHh: bh! },
        { ih: gain(gi!), hh: gain(gh!) },
      ),
  },

  // ------------------------------------------------------------ sequence modules, 2-3 steps
  ...bothModes(
    'RNN 2 layers',
    'RNN',
    () => new RNN(2, 3, { numLayers: 2 }),
    () => [u([3, 2, 2]), u([2, 2, 3])],
    (m, x, h0) => {
      const { output, h } = m.forward(x!, h0);
      return [output, h];
    },
  ),
  ...bothModes(
    'LSTM batchFirst',
    'LSTM',
    () => new LSTM(2, 3, { batchFirst: true }),
    () => [u([2, 3, 2]), u([1, 2, 3]), u([1, 2, 3])],
    (m, x, h0, c0) => {
      const { output, h, c } = m.forward(x!, [h0!, c0!]);
      return [output, h, c];
    },
  ),
  ...bothModes(
    'GRU, zero initial state',
    'GRU',
    () => new GRU(2, 3),
    () => [u([3, 2, 2])],
    (m, x) => m.forward(x!).output,
  ),
  ...bothModes(
    'RNN layerNorm',
    'RNN',
    () => new RNN(2, 3, { layerNorm: true }),
    () => [u([3, 2, 2])],
    (m, x) => m.forward(x!).output,
  ),
  ...bothModes(
    'LSTM layerNorm, 2 layers',
    'LSTM',
    () => new LSTM(2, 3, { layerNorm: true, numLayers: 2 }),
    () => [u([2, 2, 2])],
    (m, x) => {
      const { output, c } = m.forward(x!);
      return [output, c];
    },
  ),
  ...bothModes(
    'GRU layerNorm',
    'GRU',
    () => new GRU(2, 3, { layerNorm: true }),
    () => [u([3, 2, 2]), u([1, 2, 3])],
    (m, x, h0) => m.forward(x!, h0).h,
  ),
];
