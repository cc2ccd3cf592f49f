/**
 * Sequence modules that unroll a cell over time, as `torch.nn.RNN`, `LSTM` and
 * `GRU`: input [T, N, inputSize] ([N, T, inputSize] with `batchFirst`, or one
 * sequence [T, inputSize]); each layer's hidden states are the next layer's inputs.
 *
 * Parameters are PyTorch's, per layer k: `weight_ih_lk` [G·hidden, in_k],
 * `weight_hh_lk` [G·hidden, hidden], `bias_ih_lk`, `bias_hh_lk` [G·hidden], with
 * in_0 = inputSize and in_k = hiddenSize above, so a state dict moves to and from
 * PyTorch unchanged. With `layerNorm: true` each layer uses the layer-normalized
 * cell of nn/rnn-cells.ts, whose gains are children `ln_lk` (RNN), `ln_ih_lk`,
 * `ln_hh_lk`, `ln_c_lk` (LSTM) or `ln_ih_lk`, `ln_hh_lk` (GRU); PyTorch has no
 * such option, so those keys exist only here.
 *
 * forward returns PyTorch's tuple, `[output, h]` (LSTM: `[output, [h, c]]`), so
 * `const [output, [h, c]] = lstm.forward(x)` destructures as in Python; the same
 * values are also named fields, `{ output, h }` (LSTM: `{ output, h, c }`).
 * `output` stacks the last layer's hidden state at every step, [T, N, hidden]
 * ([N, T, hidden] with batchFirst); `h` (and `c`) hold each layer's final state,
 * [numLayers, N, hidden]. PyTorch's `bidirectional`, `dropout` between layers
 * and `proj_size` options are left out (the experiments need none of them) and
 * are not in the options type.
 */
import {
  checkTensor,
  type DType,
  fmtShape,
  namedTuple,
  ShapeError,
  stack,
  type Tensor,
  ValueError,
  zeros,
} from '../core/index.ts';
import {
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
import { cellNorm, checkNonlinearity } from './rnn-cells.ts';

/** Options every multi-layer recurrent module takes, as PyTorch's. */
export interface RNNBaseOptions {
  /** Stacked layers (1 by default). */
  numLayers?: number;
  /** Learn `bias_ih_lk` and `bias_hh_lk` (true by default). */
  bias?: boolean;
  /** Input and output are [N, T, features] instead of [T, N, features]. */
  batchFirst?: boolean;
  /** Use the layer-normalized cells (Ba et al. 2016); false by default. */
  layerNorm?: boolean;
  /** ε of the layer norms, when `layerNorm` is on. */
  eps?: number;
}

/** Options of `RNN`. */
export interface RNNOptions extends RNNBaseOptions {
  /** The activation: 'tanh' (the default) or 'relu'. */
  nonlinearity?: Nonlinearity;
}

/** RNN and GRU output: `[output, h]`, also as `.output` and `.h`. */
export type RNNOutput = readonly [output: Tensor, h: Tensor] & {
  /** The last layer's hidden state at every step. */
  readonly output: Tensor;
  /** Each layer's final hidden state, [numLayers, N, hidden] ([numLayers, hidden] unbatched). */
  readonly h: Tensor;
};

/** LSTM output: `[output, [h, c]]`, also as `.output`, `.h` and `.c`. */
export type LSTMOutput = readonly [output: Tensor, hc: readonly [h: Tensor, c: Tensor]] & {
  /** The last layer's hidden state at every step. */
  readonly output: Tensor;
  /** Each layer's final hidden state, [numLayers, N, hidden] ([numLayers, hidden] unbatched). */
  readonly h: Tensor;
  /** Each layer's final cell state, shaped as h. */
  readonly c: Tensor;
};

function rnnOutput(output: Tensor, h: Tensor): RNNOutput {
  return namedTuple([output, h] as const, { output, h });
}

/** The layer norms of one layer, named by role ('ln', 'ih', 'hh', 'c'). */
type LayerNorms = Record<string, LayerNorm>;

/** What RNN, LSTM and GRU share: per-layer weights, shape checks, and the loop over time and layers. */
export abstract class _RNNBase extends Module {
  /** Features per input step (`input_size`). */
  readonly inputSize: number;
  /** Features of the hidden state (`hidden_size`). */
  readonly hiddenSize: number;
  /** Stacked layers (`num_layers`). */
  readonly numLayers: number;
  /** Whether the layers have biases. */
  readonly bias: boolean;
  /** Input and output are [N, L, features] rather than [L, N, features] (`batch_first`). */
  readonly batchFirst: boolean;
  /** Whether each layer is layer-normalized (a normgrad option; PyTorch has none). */
  readonly layerNorm: boolean;
  /** Per layer: the weights as the functional cells take them, and the layer norms. */
  protected readonly layers: { w: CellWeights; ln: LayerNorms }[] = [];

  /**
   * @param gates gate blocks per weight matrix (1, 4 or 3)
   * @param norms with layerNorm: [role, width in units of hiddenSize, with shift] per layer norm
   */
  constructor(
    inputSize: number,
    hiddenSize: number,
    opts: RNNBaseOptions,
    gates: number,
    norms: readonly [string, number, boolean][],
  ) {
    super();
    const numLayers = opts.numLayers ?? 1;
    for (const [arg, v] of [
      ['inputSize', inputSize],
      ['hiddenSize', hiddenSize],
      ['numLayers', numLayers],
    ] as const) {
      if (!Number.isInteger(v) || v < 1)
        throw new ValueError(`${this.name}: ${arg} must be a positive integer, got ${v}`);
    }
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = numLayers;
    this.bias = opts.bias ?? true;
    this.batchFirst = opts.batchFirst ?? false;
    this.layerNorm = opts.layerNorm ?? false;
    const rows = gates * hiddenSize;
    for (let k = 0; k < numLayers; k++) {
      const w: CellWeights = {
        weightIh: this.registerParameter(`weight_ih_l${k}`, zeros([rows, k === 0 ? inputSize : hiddenSize])),
        weightHh: this.registerParameter(`weight_hh_l${k}`, zeros([rows, hiddenSize])),
        biasIh: this.registerParameter(`bias_ih_l${k}`, this.bias ? zeros([rows]) : null),
        biasHh: this.registerParameter(`bias_hh_l${k}`, this.bias ? zeros([rows]) : null),
      };
      const ln: LayerNorms = {};
      if (this.layerNorm) {
        for (const [role, width, shift] of norms) {
          const name = role === 'ln' ? `ln_l${k}` : `ln_${role}_l${k}`;
          const norm = new LayerNorm(width * hiddenSize, { bias: shift, eps: opts.eps ?? 1e-5 });
          ln[role] = this.registerModule(name, norm);
        }
      }
      this.layers.push({ w, ln });
    }
    this.resetParameters();
  }

  /** Every weight and bias from U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)), as PyTorch; LN gains 1, shifts 0. */
  resetParameters(): void {
    const k = 1 / Math.sqrt(this.hiddenSize);
    for (const { w, ln } of this.layers) {
      for (const t of [w.weightIh, w.weightHh, w.biasIh, w.biasHh]) if (t !== null) uniform_(t, -k, k);
      for (const norm of Object.values(ln)) norm.resetParameters();
    }
  }

  /** Checks the input and returns the time dim and the shape of one layer's state. */
  protected checkInput(input: Tensor): { timeDim: number; stateShape: number[] } {
    checkTensor(`${this.name}.forward`, 'input', input);
    const seq = this.batchFirst ? `[N, T, ${this.inputSize}]` : `[T, N, ${this.inputSize}]`;
    if ((input.ndim !== 2 && input.ndim !== 3) || input.shape[input.ndim - 1] !== this.inputSize) {
      throw new ShapeError(
        `${this.name}: expected input of shape ${seq} or [T, ${this.inputSize}] (inputSize = ${this.inputSize}), got ${fmtShape(input.shape)}`,
      );
    }
    const timeDim = input.ndim === 3 && this.batchFirst ? 1 : 0;
    if (input.shape[timeDim] === 0) {
      throw new ShapeError(
        `${this.name}: expected at least one time step, got input of shape ${fmtShape(input.shape)}`,
      );
    }
    const batch = input.ndim === 3 ? [input.shape[this.batchFirst ? 0 : 1]!] : [];
    return { timeDim, stateShape: [...batch, this.hiddenSize] };
  }

  /** Each layer's initial state from a given [numLayers, ...] tensor (shape-checked), or zeros in the input's dtype. */
  protected initialStates(
    arg: string,
    given: Tensor | null | undefined,
    stateShape: number[],
    dtype: DType,
  ): Tensor[] {
    const shape = [this.numLayers, ...stateShape];
    if (given === null || given === undefined) return this.layers.map(() => zeros(stateShape, { dtype }));
    if (fmtShape(given.shape) !== fmtShape(shape)) {
      throw new ShapeError(
        `${this.name}: expected ${arg} of shape ${fmtShape(shape)} (numLayers, ${stateShape.length === 2 ? 'batch, ' : ''}hiddenSize), got ${fmtShape(given.shape)}`,
      );
    }
    return this.layers.map((_, k) => given.select(0, k));
  }

  /**
   * Runs `step` over time for each layer in turn; the hidden states of one layer
   * (read from its state by `hidden`) are the inputs of the next. Returns the last
   * layer's hidden states stacked on the time dim, and each layer's final state.
   */
  protected unroll<S>(
    input: Tensor,
    timeDim: number,
    initial: S[],
    step: (layer: number, x: Tensor, state: S) => S,
    hidden: (state: S) => Tensor,
  ): { output: Tensor; finals: S[] } {
    let xs = Array.from({ length: input.shape[timeDim]! }, (_, t) => input.select(timeDim, t));
    const finals = initial.map((s0, k) => {
      let s = s0;
      xs = xs.map((x) => {
        s = step(k, x, s);
        return hidden(s);
      });
      return s;
    });
    return { output: stack(xs, timeDim), finals };
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += `, bias=${pyBool(false)}`;
    if (this.batchFirst) s += `, batch_first=${pyBool(true)}`;
    return s;
  }
}

/** Multi-layer Elman RNN, as `torch.nn.RNN`: h_t = act(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh) per layer. */
export class RNN extends _RNNBase {
  /** The activation: 'tanh' or 'relu'. */
  readonly nonlinearity: Nonlinearity;

  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    super(inputSize, hiddenSize, opts, 1, [['ln', 1, false]]);
    this.nonlinearity = checkNonlinearity(this.name, opts.nonlinearity ?? 'tanh');
  }

  /** hx: the initial hidden state of every layer, [numLayers, N, hidden]; zeros when absent. */
  override forward(input: Tensor, hx?: Tensor | null): RNNOutput {
    const { timeDim, stateShape } = this.checkInput(input);
    const { output, finals } = this.unroll(
      input,
      timeDim,
      this.initialStates('hx', hx, stateShape, input.dtype),
      (k, x, h) => {
        const { w, ln } = this.layers[k]!;
        return this.layerNorm
          ? layerNormRnnCell(x, h, w, cellNorm(ln['ln']!), this.nonlinearity)
          : rnnCell(x, h, w, this.nonlinearity);
      },
      (h) => h,
    );
    return rnnOutput(output, stack(finals, 0));
  }

  override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity === 'tanh' ? '' : `, nonlinearity=${this.nonlinearity}`);
  }
}

/** Multi-layer LSTM, as `torch.nn.LSTM` (gates i, f, g, o); see LSTMCell for the equations. */
export class LSTM extends _RNNBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNBaseOptions = {}) {
    super(inputSize, hiddenSize, opts, 4, [
      ['ih', 4, false],
      ['hh', 4, false],
      ['c', 1, true],
    ]);
  }

  /** hx: [h0, c0], each [numLayers, N, hidden]; zeros when absent. */
  override forward(input: Tensor, hx?: readonly [Tensor, Tensor] | null): LSTMOutput {
    const { timeDim, stateShape } = this.checkInput(input);
    const h0 = this.initialStates('h0', hx?.[0], stateShape, input.dtype);
    const c0 = this.initialStates('c0', hx?.[1], stateShape, input.dtype);
    const { output, finals } = this.unroll(
      input,
      timeDim,
      h0.map((h, k): [Tensor, Tensor] => [h, c0[k]!]),
      (k, x, state) => {
        const { w, ln } = this.layers[k]!;
        return this.layerNorm
          ? layerNormLstmCell(x, state, w, {
              ih: cellNorm(ln['ih']!),
              hh: cellNorm(ln['hh']!),
              c: cellNorm(ln['c']!),
            })
          : lstmCell(x, state, w);
      },
      ([h]) => h,
    );
    const h = stack(
      finals.map(([hk]) => hk),
      0,
    );
    const c = stack(
      finals.map(([, ck]) => ck),
      0,
    );
    return namedTuple([output, [h, c] as const] as const, { output, h, c });
  }
}

/** Multi-layer GRU, as `torch.nn.GRU` (gates r, z, n); see GRUCell for the equations. */
export class GRU extends _RNNBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNBaseOptions = {}) {
    super(inputSize, hiddenSize, opts, 3, [
      ['ih', 3, false],
      ['hh', 3, false],
    ]);
  }

  /** hx: the initial hidden state of every layer, [numLayers, N, hidden]; zeros when absent. */
  override forward(input: Tensor, hx?: Tensor | null): RNNOutput {
    const { timeDim, stateShape } = this.checkInput(input);
    const { output, finals } = this.unroll(
      input,
      timeDim,
      this.initialStates('hx', hx, stateShape, input.dtype),
      (k, x, h) => {
        const { w, ln } = this.layers[k]!;
        return this.layerNorm
          ? layerNormGruCell(x, h, w, { ih: cellNorm(ln['ih']!), hh: cellNorm(ln['hh']!) })
          : gruCell(x, h, w);
      },
      (h) => h,
    );
    return rnnOutput(output, stack(finals, 0));
  }
}
