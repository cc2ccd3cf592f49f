/** Activation modules, as in `torch.nn`; each delegates to `nn.functional`. */
import { checkTensor, type Tensor } from '../core/index.ts';
import * as F from './functional/activation.ts';
import { Module } from './module.ts';
import { pyFloat } from './repr.ts';

/** sigmoid(x) = 1 / (1 + e^-x), elementwise. */
export class Sigmoid extends Module {
  forward(input: Tensor): Tensor {
    checkTensor(`${this.name}.forward`, 'input', input);
    return F.sigmoid(input);
  }
}

/** tanh(x), elementwise. */
export class Tanh extends Module {
  forward(input: Tensor): Tensor {
    checkTensor(`${this.name}.forward`, 'input', input);
    return F.tanh(input);
  }
}

/** relu(x) = max(x, 0), elementwise. */
export class ReLU extends Module {
  forward(input: Tensor): Tensor {
    checkTensor(`${this.name}.forward`, 'input', input);
    return F.relu(input);
  }
}

/** leakyRelu(x) = x for x > 0, negativeSlope * x otherwise. */
export class LeakyReLU extends Module {
  constructor(
    /** Slope for negative inputs (`negative_slope`), 0.01 by default. */
    readonly negativeSlope = 0.01,
  ) {
    super();
  }
  forward(input: Tensor): Tensor {
    checkTensor(`${this.name}.forward`, 'input', input);
    return F.leakyRelu(input, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}`;
  }
}

/** softmax(x)_i = e^x_i / sum_j e^x_j along `dim`. */
export class Softmax extends Module {
  constructor(
    /** The dim the probabilities are normalized along. */
    readonly dim: number,
  ) {
    super();
  }
  forward(input: Tensor): Tensor {
    checkTensor(`${this.name}.forward`, 'input', input);
    return F.softmax(input, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** logSoftmax(x)_i = x_i - logsumexp(x) along `dim`, computed stably. */
export class LogSoftmax extends Module {
  constructor(
    /** The dim the probabilities are normalized along. */
    readonly dim: number,
  ) {
    super();
  }
  forward(input: Tensor): Tensor {
    checkTensor(`${this.name}.forward`, 'input', input);
    return F.logSoftmax(input, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
