/**
 * The networks of the norm-family experiment: C7's MLP and C13's row-by-row RNN
 * (built by examples/common/mlp.ts and seq.ts, so they are the same networks
 * with the same initial weights), each with one more normalization arm:
 * RMSNorm in place of LayerNorm, and weight normalization of the Linear or
 * recurrent weights.
 */
import { add, type Tensor, tanh, ValueError } from '../../core/index.ts';
import { F, LayerNorm, type Module, RMSNorm, Sequential, utils } from '../../nn/index.ts';
import { type Activation, linears, mlp } from '../common/mlp.ts';
import { type RecurrentKind, SequenceClassifier, scaleRecurrent, type Unrolled } from '../common/seq.ts';

// ---------------------------------------------------------------- MLP (C7)

/** The normalization of one MLP arm. */
export type MlpArm = 'none' | 'batchnorm' | 'layernorm' | 'rmsnorm' | 'weightnorm';

/** How the report names each MLP arm. */
export const MLP_ARM_LABEL: Record<MlpArm, string> = {
  none: 'no normalization',
  batchnorm: 'BatchNorm',
  layernorm: 'LayerNorm',
  rmsnorm: 'RMSNorm',
  weightnorm: 'weight norm',
};

/**
 * C7's MLP (Linear, [norm], activation per hidden layer) with one arm's
 * normalization. none and batchnorm are exactly `mlp` (BN's Linears without
 * bias, as in C7). layernorm and rmsnorm insert the layer after each hidden
 * Linear of the plain network, so their Linears start from the plain network's
 * weights (the norms draw nothing from the generator). weightnorm reparametrizes
 * every Linear weight of the plain network, the output layer too, as Salimans &
 * Kingma do (dim 0: one g per unit; no data-dependent init).
 */
export function armMlp(arm: MlpArm, sizes: readonly number[], activation: Activation): Sequential {
  if (arm === 'none' || arm === 'batchnorm')
    return mlp({ sizes, activation, batchNorm: arm === 'batchnorm' });
  const plain = mlp({ sizes, activation });
  if (arm === 'weightnorm') {
    for (const lin of linears(plain)) utils.weightNorm(lin);
    return plain;
  }
  const layers: Module[] = [];
  let hidden = 0;
  for (const m of plain) {
    layers.push(m);
    if (m.name === 'Linear' && hidden < sizes.length - 2) {
      const width = sizes[++hidden]!;
      layers.push(arm === 'layernorm' ? new LayerNorm(width) : new RMSNorm(width, { eps: 1e-5 }));
    }
  }
  return new Sequential(...layers);
}

// ---------------------------------------------------------------- RNN (C13)

/** The recurrent network of one RNN arm. */
export type RnnArm = RecurrentKind | 'rmsnorm' | 'weightnorm';

/** How the report names each RNN arm. */
export const RNN_ARM_LABEL: Record<RnnArm, string> = {
  plain: 'RNN',
  layernorm: 'LN-RNN',
  rmsnorm: 'RMSNorm-RNN',
  weightnorm: 'WN-RNN',
};

/**
 * C13's classifier with RMSNorm where the LN-RNN has LayerNorm:
 *
 *     h_t = tanh(RMSNorm(x_t W_ihᵀ + h_{t-1} W_hhᵀ) + b_ih + b_hh)
 *
 * It is the plain classifier (same cell, same weights for a seed) with its step
 * replaced, so C13's gradient probes and accuracy read it unchanged.
 */
export class RMSNormSequenceClassifier extends SequenceClassifier {
  readonly rms: RMSNorm;

  constructor(inputSize: number, hiddenSize: number, classes: number) {
    super('plain', inputSize, hiddenSize, classes);
    // eps 1e-5 as the LN-RNN's LayerNorm, so the two differ only by the centering.
    this.rms = this.registerModule('rms', new RMSNorm(hiddenSize, { eps: 1e-5 }));
  }

  override unroll(x: Tensor): Unrolled {
    if (x.ndim !== 3 || x.shape[2] !== this.cell.inputSize) {
      throw new ValueError(
        `RMSNormSequenceClassifier: expected input of shape [N, T, ${this.cell.inputSize}], got [${x.shape.join(', ')}]`,
      );
    }
    const c = this.cell;
    const hs: Tensor[] = [];
    let h: Tensor | null = null;
    for (let t = 0; t < x.shape[1]!; t++) {
      const input = F.linear(x.select(1, t), c.weightIh);
      const pre = h === null ? input : add(input, F.linear(h, c.weightHh));
      let out = this.rms.forward(pre);
      if (c.biasIh !== null) out = add(out, c.biasIh);
      if (c.biasHh !== null) out = add(out, c.biasHh);
      h = tanh(out);
      hs.push(h);
    }
    return { logits: this.head.forward(h!), hs };
  }

  override extraRepr(): string {
    return 'kind=rmsnorm';
  }
}

/**
 * The classifier of one arm, drawn from the global generator (call manualSeed
 * first): the plain, LN and RMSNorm arms draw identical weights for a seed, and
 * the weight-norm arm starts as the plain one (see prepareRnn).
 */
export function armRnn(arm: RnnArm, hidden: number): SequenceClassifier {
  if (arm === 'rmsnorm') return new RMSNormSequenceClassifier(28, hidden, 10);
  return new SequenceClassifier(arm === 'layernorm' ? 'layernorm' : 'plain', 28, hidden, 10);
}

/**
 * C13's scaling W_hh ~ N(0, gain²/H), then, for the weight-norm arm, the
 * reparametrization of W_ih and W_hh: after the scaling, so g starts at the
 * scaled rows' norms and the network computes what the plain one does.
 */
export function prepareRnn(model: SequenceClassifier, arm: RnnArm, gain: number): SequenceClassifier {
  scaleRecurrent(model, gain);
  if (arm === 'weightnorm') {
    utils.weightNorm(model.cell, 'weight_ih');
    utils.weightNorm(model.cell, 'weight_hh');
  }
  return model;
}
