/**
 * The recurrent networks and the adding problem of the rnn-long-sequences
 * experiment: one model that unrolls an Elman, LN-Elman, LSTM or LN-LSTM cell
 * by hand (so every h_t is a tensor whose gradient can be asked for), and
 * Hochreiter & Schmidhuber's adding problem.
 */
import { type Generator, grad, type Tensor, tensor, ValueError } from '../../core/index.ts';
import { LayerNormLSTMCell, LayerNormRNNCell, Linear, LSTMCell, Module, RNNCell } from '../../nn/index.ts';

/** The four cells compared. */
export type CellKind = 'RNN' | 'LN-RNN' | 'LSTM' | 'LN-LSTM';
export const CELLS: readonly CellKind[] = ['RNN', 'LN-RNN', 'LSTM', 'LN-LSTM'];

type AnyCell = RNNCell | LayerNormRNNCell | LSTMCell | LayerNormLSTMCell;

function makeCell(kind: CellKind, input: number, hidden: number): AnyCell {
  if (kind === 'RNN') return new RNNCell(input, hidden);
  if (kind === 'LN-RNN') return new LayerNormRNNCell(input, hidden);
  if (kind === 'LSTM') return new LSTMCell(input, hidden);
  return new LayerNormLSTMCell(input, hidden);
}

/**
 *     h_t = cell(x_t, h_{t-1})   (an LSTM also carries c_t),   out = h_T W_outᵀ + b_out
 *
 * Input [N, T, features], batch first.
 */
export class Recurrent extends Module {
  readonly cell: AnyCell;
  readonly head: Linear;

  constructor(
    readonly kind: CellKind,
    inputSize: number,
    hiddenSize: number,
    outputs: number,
  ) {
    super();
    this.cell = this.registerModule('cell', makeCell(kind, inputSize, hiddenSize));
    this.head = this.registerModule('head', new Linear(hiddenSize, outputs));
  }

  /** The output and every hidden state h_1 ... h_T. */
  unroll(x: Tensor): { out: Tensor; hs: Tensor[] } {
    if (x.ndim !== 3 || x.shape[2] !== this.cell.inputSize) {
      throw new ValueError(
        `Recurrent: expected input of shape [N, T, ${this.cell.inputSize}], got [${x.shape.join(', ')}]`,
      );
    }
    const hs: Tensor[] = [];
    let h: Tensor | null = null;
    let c: Tensor | null = null;
    for (let t = 0; t < x.shape[1]!; t++) {
      const xt = x.select(1, t);
      if (this.cell instanceof LSTMCell || this.cell instanceof LayerNormLSTMCell) {
        [h, c] = this.cell.forward(xt, h && c ? [h, c] : null);
      } else h = this.cell.forward(xt, h);
      hs.push(h);
    }
    return { out: this.head.forward(h!), hs };
  }

  override forward(x: Tensor): Tensor {
    return this.unroll(x).out;
  }
}

/**
 * ‖∂L/∂h_t‖ for t = 1 ... T (norm over the whole [N, hidden] gradient).
 *
 * This, not training (N = 32), sets the full run's memory: the whole unrolled graph is alive until
 * the gradient is taken. The LN-LSTM on 1000 test sequences keeps 50 arrays of [1000, 64] float64
 * per step (graph edges pin every intermediate: GEMMs, LNs, adds and expanded biases of
 * [1000, 256], the gate chunks), 1000 x 64 x 50 x 100 steps x 8 B = 2.56 GB. The resident size
 * then stays near that peak (about 3 GB) because glibc keeps the freed blocks for reuse, while
 * live memory falls back to about 80 MB.
 */
export function stateGradNorms(model: Recurrent, x: Tensor, loss: (out: Tensor) => Tensor): number[] {
  const { out, hs } = model.unroll(x);
  return grad(loss(out), hs).map((g) => Math.sqrt(Array.from(g!.data).reduce((a, v) => a + v * v, 0)));
}

/**
 * The adding problem (Hochreiter & Schmidhuber 1997, experiment 4): each step
 * carries a value in [0, 1] and a marker; exactly two steps are marked, one in
 * each half of the sequence, and the target is the sum of their values.
 * Always predicting 1 gives a mean squared error of 1/6.
 */
export function addingProblem(n: number, steps: number, g: Generator): { x: Tensor; y: Tensor } {
  const x = new Float64Array(n * steps * 2);
  const y = new Float64Array(n);
  const half = Math.floor(steps / 2);
  for (let i = 0; i < n; i++) {
    const a = g.randint(0, half);
    const b = half + g.randint(0, steps - half);
    for (let t = 0; t < steps; t++) x[(i * steps + t) * 2] = g.random();
    x[(i * steps + a) * 2 + 1] = 1;
    x[(i * steps + b) * 2 + 1] = 1;
    y[i] = x[(i * steps + a) * 2]! + x[(i * steps + b) * 2]!;
  }
  return { x: tensor(x, { shape: [n, steps, 2] }), y: tensor(y, { shape: [n, 1] }) };
}
