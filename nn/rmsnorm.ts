import { ones, type Tensor, ValueError } from '../core/index.ts';
import { rmsNorm } from './functional/rms-norm.ts';
import { ones_ } from './init.ts';
import { Module } from './module.ts';
import { pyBool, pyFloat } from './repr.ts';

/** Options of `RMSNorm` (PyTorch's keyword arguments after normalizedShape). */
export interface RMSNormOptions {
  /** Added to the mean square; null (the default) for the machine epsilon of the input's dtype. */
  eps?: number | null;
  /** Learn a per-element gain γ of shape normalizedShape (true by default). RMSNorm has no β. */
  elementwiseAffine?: boolean;
}

/**
 * Root mean square layer normalization (Zhang & Sennrich 2019,
 * https://arxiv.org/abs/1910.07467), as `torch.nn.RMSNorm` (PyTorch 2.4), over the
 * trailing dims D = normalizedShape of the input:
 *
 *     y = x / sqrt(mean over D of x² + ε) · γ
 *
 * LayerNorm without re-centering: cheaper (one statistic instead of two, no β)
 * and, the paper argues, as good, since LayerNorm's benefit comes from the
 * rescaling. ε defaults to null, meaning `torch.finfo(x.dtype).eps` at call time
 * (2.22e-16 in float64). γ (`weight`, ones) has shape D; no running statistics,
 * so training and evaluation compute the same function.
 */
export class RMSNorm extends Module {
  /** The trailing dims normalized over (`normalized_shape`). */
  readonly normalizedShape: readonly number[];
  /** Added to mean(x²) before the square root; null for the dtype's machine epsilon. */
  readonly eps: number | null;
  /** Whether the gain γ is learned (`elementwise_affine`). */
  readonly elementwiseAffine: boolean;
  /** γ, shape normalizedShape; null without elementwiseAffine. */
  readonly weight: Tensor | null;

  constructor(normalizedShape: number | readonly number[], opts: RMSNormOptions = {}) {
    super();
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (shape.length === 0 || shape.some((s) => !Number.isInteger(s) || s < 1)) {
      throw new ValueError(
        `RMSNorm: normalizedShape must be a positive integer or a non-empty list of them, got ${JSON.stringify(normalizedShape)}`,
      );
    }
    const eps = opts.eps ?? null;
    if (eps !== null && (typeof eps !== 'number' || !(eps >= 0 && eps < Number.POSITIVE_INFINITY))) {
      throw new ValueError(`RMSNorm: eps must be a finite number >= 0 or null, got ${eps}`);
    }
    this.normalizedShape = Object.freeze(shape);
    this.eps = eps;
    this.elementwiseAffine = opts.elementwiseAffine ?? true;
    this.weight = this.registerParameter('weight', this.elementwiseAffine ? ones(shape) : null);
    this.resetParameters();
  }

  /** γ = 1: the layer starts as a pure rescaling. */
  resetParameters(): void {
    if (this.weight !== null) ones_(this.weight);
  }

  override forward(input: Tensor): Tensor {
    return rmsNorm(input, this.normalizedShape, { weight: this.weight, eps: this.eps });
  }

  override extraRepr(): string {
    const shape = `(${this.normalizedShape.join(', ')}${this.normalizedShape.length === 1 ? ',' : ''})`;
    const eps = this.eps === null ? 'None' : pyFloat(this.eps);
    return `${shape}, eps=${eps}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}
