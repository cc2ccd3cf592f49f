/**
 * What the MNIST experiments share: multilayer perceptrons with or without
 * normalization, an endless stream of shuffled mini-batches, and test accuracy.
 */
import { noGrad, type Tensor } from '../../core/index.ts';
import { DataLoader, TensorDataset } from '../../data/index.ts';
import {
  BatchNorm1d,
  init,
  LayerNorm,
  Linear,
  type Module,
  ReLU,
  Sequential,
  Sigmoid,
  Tanh,
} from '../../nn/index.ts';

export type Activation = 'sigmoid' | 'tanh' | 'relu';
export type Norm = 'none' | 'batch' | 'layer';

export interface MlpOptions {
  /** Layer widths from input to output, e.g. [784, 100, 100, 100, 10]. */
  sizes: readonly number[];
  activation: Activation;
  /** Normalization after each hidden Linear, before its activation (the article's placement). */
  norm?: Norm;
  /** Bias in the hidden Linears; by default only when there is no normalization after them. */
  hiddenBias?: boolean;
  /** Extra module after each normalization (e.g. noise injection), made per hidden layer. */
  afterNorm?: (layer: number, width: number) => Module;
  /**
   * 'default': PyTorch's U(±1/sqrt(fan_in)) for weights and biases; 'xavier': Glorot and Bengio's
   * U(±sqrt(6/(fan_in + fan_out))) for weights and zero biases, the scale meant for sigmoid and tanh.
   */
  init?: 'default' | 'xavier';
}

function activation(a: Activation): Module {
  return a === 'sigmoid' ? new Sigmoid() : a === 'tanh' ? new Tanh() : new ReLU();
}

/**
 * Linear → [norm → afterNorm] → activation for each hidden layer, then a Linear
 * to the logits.
 */
export function mlp(o: MlpOptions): Sequential {
  const norm = o.norm ?? 'none';
  const layers: Module[] = [];
  for (let i = 0; i + 2 < o.sizes.length; i++) {
    const [inF, outF] = [o.sizes[i]!, o.sizes[i + 1]!];
    layers.push(new Linear(inF, outF, { bias: o.hiddenBias ?? norm === 'none' }));
    if (norm === 'batch') layers.push(new BatchNorm1d(outF));
    if (norm === 'layer') layers.push(new LayerNorm([outF]));
    if (norm !== 'none' && o.afterNorm) layers.push(o.afterNorm(i, outF));
    layers.push(activation(o.activation));
  }
  layers.push(new Linear(o.sizes[o.sizes.length - 2]!, o.sizes[o.sizes.length - 1]!));
  if (o.init === 'xavier') {
    for (const m of layers) {
      if (!(m instanceof Linear)) continue;
      init.xavierUniform_(m.weight);
      if (m.bias) init.zeros_(m.bias);
    }
  }
  return new Sequential(...layers);
}

/**
 * The model's logits and, for each activation module, its input (the
 * "sigmoid input" the Batch Normalization paper plots).
 */
export function forwardWithPreactivations(
  model: Sequential,
  x: Tensor,
): { logits: Tensor; preacts: Tensor[] } {
  const preacts: Tensor[] = [];
  let h = x;
  for (const m of model) {
    if (m instanceof Sigmoid || m instanceof Tanh || m instanceof ReLU) preacts.push(h);
    h = m.forward(h) as Tensor; // every child of an MLP maps a tensor to a tensor
  }
  return { logits: h, preacts };
}

/** Shuffled mini-batches for ever, epoch after epoch, in an order fixed by the seed. */
export function* batches(x: Tensor, y: Tensor, batchSize: number, seed: number): Generator<[Tensor, Tensor]> {
  const loader = new DataLoader(new TensorDataset(x, y), { batchSize, shuffle: true, dropLast: true, seed });
  for (;;) for (const [bx, by] of loader) yield [bx!, by!];
}

/** Fraction of correct predictions in evaluation mode (the model's mode is restored). */
export function accuracy(model: Sequential, x: Tensor, y: Tensor): number {
  const was = model.training;
  model.eval();
  const acc = noGrad(() => model.forward(x).argmax(1).eq(y).mean().item());
  model.train(was);
  return acc;
}
