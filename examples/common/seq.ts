/**
 * A one-layer Elman RNN that reads a sequence step by step and classifies it
 * from its last hidden state, with or without layer normalization (Ba, Kiros &
 * Hinton 2016, eq. 4), unrolled here by hand so that every hidden state h_t is
 * a tensor we can ask for its gradient; plus the recurrent-weight scaling and
 * the per-step gradient norms the layernorm-rnn experiment measures.
 */
import { grad, noGrad, type Tensor, ValueError } from '../../core/index.ts';
import { F, init, LayerNormRNNCell, Linear, Module, RNNCell } from '../../nn/index.ts';

export type RecurrentKind = 'plain' | 'layernorm';

export const RECURRENT_LABEL: Record<RecurrentKind, string> = {
  plain: 'RNN',
  layernorm: 'LN-RNN',
};

export interface Unrolled {
  logits: Tensor;
  /** h_1 ... h_T, each [N, hidden]. */
  hs: Tensor[];
}

/**
 *     h_t = tanh(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh)              (plain)
 *     h_t = tanh(LN(x_t W_ihᵀ + h_{t-1} W_hhᵀ) + b_ih + b_hh)          (layernorm)
 *     logits = h_T W_outᵀ + b_out,   h_0 = 0
 *
 * Input [N, T, features] (batch first, as `data.mnistRows` gives it).
 */
export class SequenceClassifier extends Module {
  readonly kind: RecurrentKind;
  readonly cell: RNNCell | LayerNormRNNCell;
  readonly head: Linear;

  constructor(kind: RecurrentKind, inputSize: number, hiddenSize: number, classes: number) {
    super();
    this.kind = kind;
    this.cell = this.registerModule(
      'cell',
      kind === 'layernorm' ? new LayerNormRNNCell(inputSize, hiddenSize) : new RNNCell(inputSize, hiddenSize),
    );
    this.head = this.registerModule('head', new Linear(hiddenSize, classes));
  }

  /** The logits and every hidden state. */
  unroll(x: Tensor): Unrolled {
    if (x.ndim !== 3 || x.shape[2] !== this.cell.inputSize) {
      throw new ValueError(
        `SequenceClassifier: expected input of shape [N, T, ${this.cell.inputSize}], got [${x.shape.join(', ')}]`,
      );
    }
    const hs: Tensor[] = [];
    let h: Tensor | null = null;
    for (let t = 0; t < x.shape[1]!; t++) {
      h = this.cell.forward(x.select(1, t), h);
      hs.push(h);
    }
    return { logits: this.head.forward(h!), hs };
  }

  override forward(x: Tensor): Tensor {
    return this.unroll(x).logits;
  }

  override extraRepr(): string {
    return `kind=${this.kind}`;
  }
}

/**
 * W_hh ~ N(0, gain² / hidden): a random matrix whose spectral radius is close
 * to `gain` (the circular law), the knob that makes a plain RNN's gradients
 * vanish (gain < 1) or explode (gain > 1 enough to beat tanh's damping).
 */
export function scaleRecurrent(model: SequenceClassifier, gain: number): void {
  init.normal_(model.cell.weightHh, 0, gain / Math.sqrt(model.cell.hiddenSize));
}

/**
 * ‖∂L/∂h_t‖ for t = 1 ... T, with L the mean cross-entropy over the batch and
 * the norm taken over the whole [N, hidden] gradient: the total derivative
 * through every later step, computed with `grad` (no `.grad` is touched).
 */
export function hiddenGradNorms(model: SequenceClassifier, x: Tensor, y: Tensor): number[] {
  const { logits, hs } = model.unroll(x);
  const loss = F.crossEntropy(logits, y);
  return grad(loss, hs).map((g) => {
    let s = 0;
    for (const v of g!.data) s += v * v;
    return Math.sqrt(s);
  });
}

/** log10 of the first step's gradient norm over the last's: > 0 grows backward in time (explodes), < 0 vanishes. */
export function ordersAcross(norms: readonly number[]): number {
  return Math.log10(norms[0]! / norms[norms.length - 1]!);
}

/** Fraction of correct predictions, in evaluation without a graph. */
export function sequenceAccuracy(model: SequenceClassifier, x: Tensor, y: Tensor): number {
  const logits = noGrad(() => model.forward(x));
  const pred = logits.argmax(1);
  let hits = 0;
  for (let i = 0; i < y.numel(); i++) if (pred.data[i] === y.data[i]) hits++;
  return hits / y.numel();
}
