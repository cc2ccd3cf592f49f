/**
 * One step of the recurrent cells, as functions of (input, state, weights).
 * Inputs are [N, inputSize] (or [inputSize] for one sample), states [N, hidden]
 * (or [hidden]). The weight matrices stack the gate blocks row-wise, as PyTorch:
 * `weightIh` is [G·hidden, inputSize], `weightHh` [G·hidden, hidden], with
 * G = 1 (RNN), 4 (LSTM, gates i, f, g, o) or 3 (GRU, gates r, z, n).
 *
 * The layer-normalized forms follow Ba, Kiros & Hinton (2016),
 * https://arxiv.org/abs/1607.06450 (section 3.1 and the supplement's LSTM):
 * the pre-activations are normalized per sample, per time step, with a gain
 * shared across steps; the cell's biases are then the shift (β) after the
 * normalization, so the pre-activation LNs carry no bias of their own.
 */
import { add, checkSameDtype, mul, relu, sigmoid, sub, type Tensor, tanh } from '../../core/index.ts';
import { linear } from './linear.ts';
import { layerNorm } from './normalization.ts';

/** The weights of one recurrent cell, under PyTorch's names. */
export interface CellWeights {
  /** [G·hidden, inputSize] */
  weightIh: Tensor;
  /** [G·hidden, hidden] */
  weightHh: Tensor;
  /** [G·hidden], or null for a cell without biases. */
  biasIh: Tensor | null;
  /** Hidden-to-hidden bias (`bias_hh`), or null. */
  biasHh: Tensor | null;
}

/** A layer norm over the last dim inside a cell: gain γ, optional shift β. */
export interface CellNorm {
  /** γ of the LayerNorm, or null. */
  weight: Tensor | null;
  /** β of the LayerNorm, or null. */
  bias: Tensor | null;
  /** Added to the variance before the square root. */
  eps: number;
}

/** The activation of an Elman RNN cell. */
export type Nonlinearity = 'tanh' | 'relu';

/** LN over the last dim with the given gain and shift. */
function norm(x: Tensor, p: CellNorm): Tensor {
  return layerNorm(x, x.shape[x.ndim - 1]!, p);
}

/**
 * The input, the hidden state, the weights and the biases share one dtype, as
 * PyTorch's cells require ("mat1 and mat2 must have the same dtype"); the LSTM's
 * cell state c is only ever multiplied and added, and promotes as PyTorch's does.
 */
function checkCellDtypes(who: string, input: Tensor, hx: Tensor, w: CellWeights): void {
  const { weightIh, weightHh, biasIh, biasHh } = w;
  checkSameDtype(who, { input, hx, weightIh, weightHh, biasIh, biasHh });
}

/** b_ih + b_hh added to x, skipping absent biases. */
function addBiases(x: Tensor, w: CellWeights): Tensor {
  if (w.biasIh !== null) x = add(x, w.biasIh);
  return w.biasHh === null ? x : add(x, w.biasHh);
}

/**
 * Elman RNN cell, as `torch.nn.RNNCell`:
 *
 *     h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh),   act = tanh or relu
 */
export function rnnCell(
  input: Tensor,
  hx: Tensor,
  w: CellWeights,
  nonlinearity: Nonlinearity = 'tanh',
): Tensor {
  checkCellDtypes('rnnCell', input, hx, w);
  const pre = add(linear(input, w.weightIh, w.biasIh), linear(hx, w.weightHh, w.biasHh));
  return nonlinearity === 'relu' ? relu(pre) : tanh(pre);
}

/**
 * LSTM cell, as `torch.nn.LSTMCell` (Hochreiter & Schmidhuber 1997), gate
 * blocks in the order i, f, g, o:
 *
 *     [i, f, g, o] = x W_ihᵀ + b_ih + h W_hhᵀ + b_hh
 *     c' = σ(f) ⊙ c + σ(i) ⊙ tanh(g)
 *     h' = σ(o) ⊙ tanh(c')
 *
 * Returns [h', c'].
 */
export function lstmCell(input: Tensor, state: readonly [Tensor, Tensor], w: CellWeights): [Tensor, Tensor] {
  const [hx, cx] = state;
  checkCellDtypes('lstmCell', input, hx, w);
  const gates = add(linear(input, w.weightIh, w.biasIh), linear(hx, w.weightHh, w.biasHh));
  return lstmUpdate(gates, cx, (c) => c);
}

/** c' = σ(f) c + σ(i) tanh(g), h' = σ(o) tanh(normC(c')), from the stacked pre-activations. */
function lstmUpdate(gates: Tensor, cx: Tensor, normC: (c: Tensor) => Tensor): [Tensor, Tensor] {
  const [i, f, g, o] = gates.chunk(4, -1) as [Tensor, Tensor, Tensor, Tensor];
  const c = add(mul(sigmoid(f), cx), mul(sigmoid(i), tanh(g)));
  return [mul(sigmoid(o), tanh(normC(c))), c];
}

/**
 * GRU cell, as `torch.nn.GRUCell` (Cho et al. 2014), gate blocks r, z, n; the
 * reset gate multiplies the whole hidden-side term, bias included:
 *
 *     r  = σ(W_ir x + b_ir + W_hr h + b_hr)
 *     z  = σ(W_iz x + b_iz + W_hz h + b_hz)
 *     n  = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 *     h' = (1 - z) ⊙ n + z ⊙ h
 */
export function gruCell(input: Tensor, hx: Tensor, w: CellWeights): Tensor {
  checkCellDtypes('gruCell', input, hx, w);
  return gruUpdate(linear(input, w.weightIh, w.biasIh), linear(hx, w.weightHh, w.biasHh), hx);
}

/** The GRU equations from the stacked input-side and hidden-side pre-activations. */
function gruUpdate(gi: Tensor, gh: Tensor, hx: Tensor): Tensor {
  const [ir, iz, iN] = gi.chunk(3, -1) as [Tensor, Tensor, Tensor];
  const [hr, hz, hN] = gh.chunk(3, -1) as [Tensor, Tensor, Tensor];
  const r = sigmoid(add(ir, hr));
  const z = sigmoid(add(iz, hz));
  const n = tanh(add(iN, mul(r, hN)));
  // (1 - z) n + z h, written as n + z (h - n)
  return add(n, mul(z, sub(hx, n)));
}

/**
 * Layer-normalized RNN cell (Ba et al. 2016, eq. 4): one LN over the summed
 * input, statistics over the hidden units of each sample at this step:
 *
 *     a  = x W_ihᵀ + h W_hhᵀ
 *     h' = act(γ ⊙ (a - μ(a)) / sqrt(σ²(a) + ε) + b_ih + b_hh)
 */
export function layerNormRnnCell(
  input: Tensor,
  hx: Tensor,
  w: CellWeights,
  ln: CellNorm,
  nonlinearity: Nonlinearity = 'tanh',
): Tensor {
  checkCellDtypes('layerNormRnnCell', input, hx, w);
  const a = add(linear(input, w.weightIh, null), linear(hx, w.weightHh, null));
  const pre = addBiases(norm(a, ln), w);
  return nonlinearity === 'relu' ? relu(pre) : tanh(pre);
}

/**
 * Layer-normalized LSTM cell (Ba et al. 2016, supplement, eqs. 20-22): separate
 * LNs on the input and hidden contributions, each over all 4·hidden units, and a
 * third on the cell state before the output squashing:
 *
 *     [i, f, g, o] = LN_hh(h W_hhᵀ) + LN_ih(x W_ihᵀ) + b_ih + b_hh
 *     c' = σ(f) ⊙ c + σ(i) ⊙ tanh(g)
 *     h' = σ(o) ⊙ tanh(LN_c(c'))
 *
 * LN_ih and LN_hh have gains only (the cell biases are the shift); LN_c has a gain
 * and a shift. The state carried forward is the un-normalized c'. Returns [h', c'].
 */
export function layerNormLstmCell(
  input: Tensor,
  state: readonly [Tensor, Tensor],
  w: CellWeights,
  ln: { ih: CellNorm; hh: CellNorm; c: CellNorm },
): [Tensor, Tensor] {
  const [hx, cx] = state;
  checkCellDtypes('layerNormLstmCell', input, hx, w);
  const gates = addBiases(
    add(norm(linear(hx, w.weightHh, null), ln.hh), norm(linear(input, w.weightIh, null), ln.ih)),
    w,
  );
  return lstmUpdate(gates, cx, (c) => norm(c, ln.c));
}

/**
 * Layer-normalized GRU cell: LNs (gains only) on the input and hidden
 * pre-activations, each over all 3·hidden units, then the GRU equations with
 * the cell biases as the shift:
 *
 *     gi = LN_ih(x W_ihᵀ) + b_ih,   gh = LN_hh(h W_hhᵀ) + b_hh
 *     r = σ(gi_r + gh_r),  z = σ(gi_z + gh_z),  n = tanh(gi_n + r ⊙ gh_n)
 *     h' = (1 - z) ⊙ n + z ⊙ h
 */
export function layerNormGruCell(
  input: Tensor,
  hx: Tensor,
  w: CellWeights,
  ln: { ih: CellNorm; hh: CellNorm },
): Tensor {
  checkCellDtypes('layerNormGruCell', input, hx, w);
  let gi = norm(linear(input, w.weightIh, null), ln.ih);
  let gh = norm(linear(hx, w.weightHh, null), ln.hh);
  if (w.biasIh !== null) gi = add(gi, w.biasIh);
  if (w.biasHh !== null) gh = add(gh, w.biasHh);
  return gruUpdate(gi, gh, hx);
}
