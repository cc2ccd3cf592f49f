import { checkTensor, type Generator, type Tensor, ValueError } from '../core/index.ts';
import { dropout } from './functional/dropout.ts';
import { Module } from './module.ts';
import { pyFloat } from './repr.ts';

/** Options of `Dropout`. */
export interface DropoutModuleOptions {
  /** Source of the masks; the seeded global generator by default. */
  generator?: Generator;
}

/**
 * Inverted dropout, as `torch.nn.Dropout`: in training, y = x * m / (1 - p) with
 * m_i ~ Bernoulli(1 - p) drawn fresh on every call; in eval, y = x.
 */
export class Dropout extends Module {
  /** Probability of zeroing an element in training. */
  readonly p: number;
  /** Source of the masks; null uses the global generator. */
  generator: Generator | null;

  constructor(p = 0.5, opts: DropoutModuleOptions = {}) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new ValueError(`Dropout: dropout probability has to be between 0 and 1, but got ${p}`);
    }
    this.p = p;
    this.generator = opts.generator ?? null;
  }

  forward(input: Tensor): Tensor {
    checkTensor(`${this.name}.forward`, 'input', input);
    return dropout(input, this.p, this.training, this.generator ? { generator: this.generator } : {});
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=False`;
  }
}
