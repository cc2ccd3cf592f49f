/**
 * Recurrent cells: one time step as a module, as `torch.nn.RNNCell`, `LSTMCell`
 * and `GRUCell`, plus their layer-normalized forms after Ba, Kiros & Hinton
 * (2016). The equations are in nn/functional/recurrent.ts, next to the code that
 * computes them; the cells hold the weights under PyTorch's names and check shapes.
 *
 * Input is [N, inputSize] or one sample [inputSize]; the state has the same
 * leading shape with hiddenSize features, and is zeros when not given.
 */
import {
  checkTensor,
  type DType,
  fmtShape,
  ShapeError,
  type Tensor,
  ValueError,
  zeros,
} from '../core/index.ts';
import {
  type CellNorm,
  type CellWeights,
  gruCell,
  layerNormGruCell,
  layerNormLstmCell,
  layerNormRnnCell,
  lstmCell,
  type Nonlinearity,
  rnnCell,
} from './functional/recurrent.ts';
import { uniform_ } from './init.ts';
import { LayerNorm } from './layernorm.ts';
import { Module } from './module.ts';
import { pyBool } from './repr.ts';

/** Options of the recurrent cells. */
export interface RNNCellOptions {
  /** Learn `bias_ih` and `bias_hh` (true by default). */
  bias?: boolean;
}

/** Options of `RNNCell` and `LayerNormRNNCell`. */
export interface ElmanCellOptions extends RNNCellOptions {
  /** The activation: 'tanh' (the default) or 'relu'. */
  nonlinearity?: Nonlinearity;
}

/** Options of the layer-normalized cells. */
export interface LayerNormCellOptions {
  /** ε of the cell's layer norms. */
  eps?: number;
}

/** Throws unless the nonlinearity is one PyTorch's RNN accepts. */
export function checkNonlinearity(who: string, nonlinearity: string): Nonlinearity {
  if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') {
    throw new ValueError(`${who}: unknown nonlinearity '${nonlinearity}' (expected 'tanh' or 'relu')`);
  }
  return nonlinearity;
}

/** The LN inside a cell as the functional form takes it. */
export function cellNorm(ln: LayerNorm): CellNorm {
  return { weight: ln.weight, bias: ln.bias, eps: ln.eps };
}

/**
 * What every cell shares, as PyTorch's RNNCellBase: `weight_ih` [G·hidden,
 * inputSize], `weight_hh` [G·hidden, hidden], `bias_ih` and `bias_hh` [G·hidden]
 * (null without bias), G gate blocks stacked row-wise.
 */
export abstract class _RNNCellBase extends Module {
  /** Features per input sample (`input_size`). */
  readonly inputSize: number;
  /** Features of the hidden state (`hidden_size`). */
  readonly hiddenSize: number;
  /** Whether the cell has biases. */
  readonly bias: boolean;
  /** Input-to-hidden weights (`weight_ih`), shape [gates × hiddenSize, inputSize]. */
  readonly weightIh: Tensor;
  /** Hidden-to-hidden weights (`weight_hh`), shape [gates × hiddenSize, hiddenSize]. */
  readonly weightHh: Tensor;
  /** Input-to-hidden bias (`bias_ih`), or null. */
  readonly biasIh: Tensor | null;
  /** Hidden-to-hidden bias (`bias_hh`), or null. */
  readonly biasHh: Tensor | null;

  constructor(inputSize: number, hiddenSize: number, bias: boolean, gates: number) {
    super();
    for (const [arg, v] of [
      ['inputSize', inputSize],
      ['hiddenSize', hiddenSize],
    ] as const) {
      if (!Number.isInteger(v) || v < 1)
        throw new ValueError(`${this.name}: ${arg} must be a positive integer, got ${v}`);
    }
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.bias = bias;
    const rows = gates * hiddenSize;
    this.weightIh = this.registerParameter('weight_ih', zeros([rows, inputSize]));
    this.weightHh = this.registerParameter('weight_hh', zeros([rows, hiddenSize]));
    this.biasIh = this.registerParameter('bias_ih', bias ? zeros([rows]) : null);
    this.biasHh = this.registerParameter('bias_hh', bias ? zeros([rows]) : null);
  }

  /** Every weight and bias from U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)), as PyTorch. */
  resetParameters(): void {
    const k = 1 / Math.sqrt(this.hiddenSize);
    for (const w of [this.weightIh, this.weightHh, this.biasIh, this.biasHh])
      if (w !== null) uniform_(w, -k, k);
  }

  /** The four tensors as the functional cells take them. */
  protected get weights(): CellWeights {
    return { weightIh: this.weightIh, weightHh: this.weightHh, biasIh: this.biasIh, biasHh: this.biasHh };
  }

  /** Checks input is [N, inputSize] or [inputSize]; returns the state's shape. */
  protected checkInput(input: Tensor): number[] {
    checkTensor(`${this.name}.forward`, 'input', input);
    if ((input.ndim !== 1 && input.ndim !== 2) || input.shape[input.ndim - 1] !== this.inputSize) {
      throw new ShapeError(
        `${this.name}: expected input of shape [N, ${this.inputSize}] or [${this.inputSize}] (inputSize = ${this.inputSize}), got ${fmtShape(input.shape)}`,
      );
    }
    return input.ndim === 2 ? [input.shape[0]!, this.hiddenSize] : [this.hiddenSize];
  }

  /** The given state after a shape check, or zeros in the input's dtype. */
  protected stateOr(arg: string, state: Tensor | null | undefined, shape: number[], dtype: DType): Tensor {
    if (state === null || state === undefined) return zeros(shape, { dtype });
    if (fmtShape(state.shape) !== fmtShape(shape)) {
      throw new ShapeError(
        `${this.name}: expected ${arg} of shape ${fmtShape(shape)} (hiddenSize = ${this.hiddenSize}), got ${fmtShape(state.shape)}`,
      );
    }
    return state;
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? '' : `, bias=${pyBool(false)}`}`;
  }
}

/** Elman RNN cell, as `torch.nn.RNNCell`: h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh). */
export class RNNCell extends _RNNCellBase {
  /** The activation: 'tanh' (the default) or 'relu'. */
  readonly nonlinearity: Nonlinearity;

  constructor(inputSize: number, hiddenSize: number, opts: ElmanCellOptions = {}) {
    super(inputSize, hiddenSize, opts.bias ?? true, 1);
    this.nonlinearity = checkNonlinearity(this.name, opts.nonlinearity ?? 'tanh');
    this.resetParameters();
  }

  override forward(input: Tensor, hx?: Tensor | null): Tensor {
    const h = this.stateOr('hx', hx, this.checkInput(input), input.dtype);
    return rnnCell(input, h, this.weights, this.nonlinearity);
  }

  override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity === 'tanh' ? '' : `, nonlinearity=${this.nonlinearity}`);
  }
}

/** LSTM cell, as `torch.nn.LSTMCell`, gates i, f, g, o; forward returns [h', c']. */
export class LSTMCell extends _RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptions = {}) {
    super(inputSize, hiddenSize, opts.bias ?? true, 4);
    this.resetParameters();
  }

  override forward(input: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, Tensor] {
    const shape = this.checkInput(input);
    const state = [
      this.stateOr('hx', hx?.[0], shape, input.dtype),
      this.stateOr('cx', hx?.[1], shape, input.dtype),
    ] as const;
    return lstmCell(input, state, this.weights);
  }
}

/** GRU cell, as `torch.nn.GRUCell`, gates r, z, n. */
export class GRUCell extends _RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptions = {}) {
    super(inputSize, hiddenSize, opts.bias ?? true, 3);
    this.resetParameters();
  }

  override forward(input: Tensor, hx?: Tensor | null): Tensor {
    const h = this.stateOr('hx', hx, this.checkInput(input), input.dtype);
    return gruCell(input, h, this.weights);
  }
}

/**
 * Layer-normalized RNN cell (Ba et al. 2016, eq. 4):
 *
 *     h' = act(LN(x W_ihᵀ + h W_hhᵀ) + b_ih + b_hh)
 *
 * The LN (child `ln`, gain only, state-dict key `ln.weight` [hidden]) takes its
 * statistics over the hidden units of each sample at each step; its gain is shared
 * across steps. The weights keep RNNCell's names, shapes and init.
 */
export class LayerNormRNNCell extends _RNNCellBase {
  /** The activation: 'tanh' (the default) or 'relu'. */
  readonly nonlinearity: Nonlinearity;
  /** LayerNorm of the pre-activation (state-dict prefix `ln`). */
  readonly ln: LayerNorm;

  constructor(inputSize: number, hiddenSize: number, opts: ElmanCellOptions & LayerNormCellOptions = {}) {
    super(inputSize, hiddenSize, opts.bias ?? true, 1);
    this.nonlinearity = checkNonlinearity(this.name, opts.nonlinearity ?? 'tanh');
    this.ln = this.registerModule('ln', new LayerNorm(hiddenSize, { bias: false, eps: opts.eps ?? 1e-5 }));
    this.resetParameters();
  }

  /** Weights as RNNCell; the LN gain back to 1. */
  override resetParameters(): void {
    super.resetParameters();
    this.ln.resetParameters();
  }

  override forward(input: Tensor, hx?: Tensor | null): Tensor {
    const h = this.stateOr('hx', hx, this.checkInput(input), input.dtype);
    return layerNormRnnCell(input, h, this.weights, cellNorm(this.ln), this.nonlinearity);
  }

  override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity === 'tanh' ? '' : `, nonlinearity=${this.nonlinearity}`);
  }
}

/**
 * Layer-normalized LSTM cell (Ba et al. 2016, supplement):
 *
 *     [i, f, g, o] = LN_hh(h W_hhᵀ) + LN_ih(x W_ihᵀ) + b_ih + b_hh
 *     c' = σ(f) ⊙ c + σ(i) ⊙ tanh(g),    h' = σ(o) ⊙ tanh(LN_c(c'))
 *
 * Children: `ln_ih` and `ln_hh` (gains only, [4·hidden], over all gates at once),
 * `ln_c` (gain and shift, [hidden]); state-dict keys `ln_ih.weight`,
 * `ln_hh.weight`, `ln_c.weight`, `ln_c.bias`. Forward returns [h', c'], with c'
 * un-normalized.
 */
export class LayerNormLSTMCell extends _RNNCellBase {
  /** LayerNorm of the input projection (`ln_ih`). */
  readonly lnIh: LayerNorm;
  /** LayerNorm of the recurrent projection (`ln_hh`). */
  readonly lnHh: LayerNorm;
  /** LayerNorm of the cell state before its tanh (`ln_c`). */
  readonly lnC: LayerNorm;

  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptions & LayerNormCellOptions = {}) {
    super(inputSize, hiddenSize, opts.bias ?? true, 4);
    const eps = opts.eps ?? 1e-5;
    this.lnIh = this.registerModule('ln_ih', new LayerNorm(4 * hiddenSize, { bias: false, eps }));
    this.lnHh = this.registerModule('ln_hh', new LayerNorm(4 * hiddenSize, { bias: false, eps }));
    this.lnC = this.registerModule('ln_c', new LayerNorm(hiddenSize, { eps }));
    this.resetParameters();
  }

  /** Weights as LSTMCell; LN gains back to 1 and the cell-state shift to 0. */
  override resetParameters(): void {
    super.resetParameters();
    for (const ln of [this.lnIh, this.lnHh, this.lnC]) ln.resetParameters();
  }

  override forward(input: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, Tensor] {
    const shape = this.checkInput(input);
    const state = [
      this.stateOr('hx', hx?.[0], shape, input.dtype),
      this.stateOr('cx', hx?.[1], shape, input.dtype),
    ] as const;
    return layerNormLstmCell(input, state, this.weights, {
      ih: cellNorm(this.lnIh),
      hh: cellNorm(this.lnHh),
      c: cellNorm(this.lnC),
    });
  }
}

/**
 * Layer-normalized GRU cell: LN_ih and LN_hh (gains only, [3·hidden]) on the input
 * and hidden pre-activations, then GRUCell's equations with the biases as shift:
 *
 *     gi = LN_ih(x W_ihᵀ) + b_ih,   gh = LN_hh(h W_hhᵀ) + b_hh
 *     r = σ(gi_r + gh_r),  z = σ(gi_z + gh_z),  n = tanh(gi_n + r ⊙ gh_n)
 *     h' = (1 - z) ⊙ n + z ⊙ h
 *
 * State-dict keys of the gains: `ln_ih.weight`, `ln_hh.weight`.
 */
export class LayerNormGRUCell extends _RNNCellBase {
  /** LayerNorm of the input projection (`ln_ih`). */
  readonly lnIh: LayerNorm;
  /** LayerNorm of the recurrent projection (`ln_hh`). */
  readonly lnHh: LayerNorm;

  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptions & LayerNormCellOptions = {}) {
    super(inputSize, hiddenSize, opts.bias ?? true, 3);
    const eps = opts.eps ?? 1e-5;
    this.lnIh = this.registerModule('ln_ih', new LayerNorm(3 * hiddenSize, { bias: false, eps }));
    this.lnHh = this.registerModule('ln_hh', new LayerNorm(3 * hiddenSize, { bias: false, eps }));
    this.resetParameters();
  }

  /** Weights as GRUCell; LN gains back to 1. */
  override resetParameters(): void {
    super.resetParameters();
    this.lnIh.resetParameters();
    this.lnHh.resetParameters();
  }

  override forward(input: Tensor, hx?: Tensor | null): Tensor {
    const h = this.stateOr('hx', hx, this.checkInput(input), input.dtype);
    return layerNormGruCell(input, h, this.weights, { ih: cellNorm(this.lnIh), hh: cellNorm(this.lnHh) });
  }
}
