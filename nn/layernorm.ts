import { checkTensor, ones, type Tensor, ValueError, zeros } from '../core/index.ts';
import { layerNorm } from './functional/normalization.ts';
import { ones_, zeros_ } from './init.ts';
import { Module } from './module.ts';
import { pyBool, pyFloat } from './repr.ts';

/** Options of `LayerNorm`, with PyTorch's defaults. */
export interface LayerNormOptions {
  /** Added to the variance before the square root; 1e-5 by default. */
  eps?: number;
  /** Learn a per-element gain γ (and shift β), both of shape normalizedShape. */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, also learn β (PyTorch ≥ 2.1's `bias`). */
  bias?: boolean;
}

/**
 * Layer normalization (Ba, Kiros & Hinton 2016, https://arxiv.org/abs/1607.06450),
 * as `torch.nn.LayerNorm`, over the trailing dims D = normalizedShape of the input:
 *
 *     y = (x - E[x]) / sqrt(Var[x] + ε) * γ + β
 *
 * with the mean and the **biased** variance (divisor |D|) taken per sample over D.
 * γ (`weight`, ones) and β (`bias`, zeros) have shape D. Unlike BatchNorm it keeps
 * no running statistics, so training and evaluation compute the same function and
 * one sample's output does not depend on the rest of the batch.
 */
export class LayerNorm extends Module {
  /** The trailing dims normalized over (`normalized_shape`). */
  readonly normalizedShape: readonly number[];
  /** Added to the variance before the square root. */
  readonly eps: number;
  /** Whether γ (and β) are learned (`elementwise_affine`). */
  readonly elementwiseAffine: boolean;
  /** γ, shape normalizedShape; null without elementwiseAffine. */
  readonly weight: Tensor | null;
  /** β, shape normalizedShape; null without elementwiseAffine or bias. */
  readonly bias: Tensor | null;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (shape.length === 0 || shape.some((s) => !Number.isInteger(s) || s < 1)) {
      throw new ValueError(
        `LayerNorm: normalizedShape must be a positive integer or a non-empty list of them, got ${JSON.stringify(normalizedShape)}`,
      );
    }
    const eps = opts.eps ?? 1e-5;
    if (typeof eps !== 'number' || !(eps >= 0 && eps < Number.POSITIVE_INFINITY)) {
      throw new ValueError(`LayerNorm: eps must be a finite number >= 0, got ${eps}`);
    }
    this.normalizedShape = Object.freeze(shape);
    this.eps = eps;
    this.elementwiseAffine = opts.elementwiseAffine ?? true;
    const withBias = this.elementwiseAffine && (opts.bias ?? true);
    this.weight = this.registerParameter('weight', this.elementwiseAffine ? ones(shape) : null);
    this.bias = this.registerParameter('bias', withBias ? zeros(shape) : null);
    this.resetParameters();
  }

  /** γ = 1, β = 0: the layer starts as a pure normalization. */
  resetParameters(): void {
    if (this.weight !== null) ones_(this.weight);
    if (this.bias !== null) zeros_(this.bias);
  }

  override forward(input: Tensor): Tensor {
    checkTensor(`${this.name}.forward`, 'input', input);
    return layerNorm(input, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    const shape = `(${this.normalizedShape.join(', ')}${this.normalizedShape.length === 1 ? ',' : ''})`;
    const bias = this.elementwiseAffine && this.bias === null ? ', bias=False' : '';
    return `${shape}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}${bias}`;
  }
}
