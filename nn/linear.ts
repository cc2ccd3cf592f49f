import {
  checkBoolean,
  checkOptions,
  checkTensor,
  describeValue,
  type Tensor,
  ValueError,
  zeros,
} from '../core/index.ts';
import { linear } from './functional/linear.ts';
import { kaimingUniform_, uniform_ } from './init.ts';
import { Module } from './module.ts';
import { pyBool } from './repr.ts';

/** Options of `Linear`. */
export interface LinearOptions {
  /** Learn an additive bias b; true by default. */
  bias?: boolean;
}

/**
 * An affine map over the last dim, as `torch.nn.Linear`:
 *
 *     y = x W^T + b,   W [outFeatures, inFeatures], b [outFeatures]
 *
 * Input [..., inFeatures] gives output [..., outFeatures].
 */
export class Linear extends Module {
  /** Size of each input sample (`in_features`). */
  readonly inFeatures: number;
  /** Size of each output sample (`out_features`). */
  readonly outFeatures: number;
  /** W, shape [outFeatures, inFeatures]. */
  weight: Tensor;
  /** b, shape [outFeatures]; null without bias. */
  bias: Tensor | null;

  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    for (const [arg, v] of [
      ['inFeatures', inFeatures],
      ['outFeatures', outFeatures],
    ] as const) {
      if (!Number.isInteger(v) || v < 0) {
        throw new ValueError(
          `Linear: ${arg} must be a non-negative integer, got ${typeof v === 'number' ? v : describeValue(v)}`,
        );
      }
    }
    checkOptions('Linear', opts, ['bias']);
    checkBoolean('Linear', 'bias', opts.bias ?? true);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = this.registerParameter('weight', zeros([outFeatures, inFeatures]));
    this.bias = this.registerParameter('bias', (opts.bias ?? true) ? zeros([outFeatures]) : null);
    this.resetParameters();
  }

  /**
   * PyTorch's default: W ~ kaiming_uniform(a = sqrt(5)), which is
   * U(-1/sqrt(inFeatures), 1/sqrt(inFeatures)), and b ~ U(-1/sqrt(inFeatures), 1/sqrt(inFeatures)).
   */
  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  forward(input: Tensor): Tensor {
    checkTensor(`${this.name}.forward`, 'input', input);
    return linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}

/** Returns its input, as `torch.nn.Identity` (a placeholder, e.g. where a norm layer is switched off). */
export class Identity extends Module {
  forward(input: Tensor): Tensor {
    checkTensor(`${this.name}.forward`, 'input', input);
    return input;
  }
}
