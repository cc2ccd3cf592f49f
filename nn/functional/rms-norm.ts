import {
  checkLayerNormInput,
  fmtShape,
  mean,
  mul,
  rsqrt,
  ShapeError,
  type Tensor,
  ValueError,
} from '../../core/index.ts';

/** torch.finfo(dtype).eps: the gap between 1 and the next representable number. */
const FINFO_EPS: Record<Tensor['dtype'], number> = { float32: 2 ** -23, float64: Number.EPSILON };

/** Options of `rmsNorm`. */
export interface RMSNormOptions {
  /** γ, shape = normalizedShape; null or absent for no scale. */
  weight?: Tensor | null;
  /** Added to the mean square; null or absent for the machine epsilon of the input's dtype, as PyTorch. */
  eps?: number | null;
}

/**
 * Root mean square layer normalization (Zhang & Sennrich 2019,
 * https://arxiv.org/abs/1910.07467), as `F.rms_norm` (PyTorch 2.4). With D =
 * normalizedShape (the trailing dims of x), per sample:
 *
 *     y = x / sqrt(mean over D of x² + ε) · γ          (γ of shape D)
 *
 * LayerNorm without the centering and without β: it rescales each sample to unit
 * root mean square but leaves its mean where it was. ε defaults to
 * `torch.finfo(x.dtype).eps` (2.22e-16 in float64), not LayerNorm's 1e-5, so a
 * sample of zeros gives zeros with a gradient of 1/sqrt(ε) ≈ 6.7e7 times the
 * upstream gradient there, as in PyTorch. Composed from ops in PyTorch's own order
 * (x · rsqrt(mean(x²) + ε) · γ), so the gradient comes for free.
 */
export function rmsNorm(
  input: Tensor,
  normalizedShape: number | readonly number[],
  opts: RMSNormOptions = {},
): Tensor {
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
  if (shape.length === 0) throw new ValueError('rmsNorm: normalizedShape must name at least one dim, got []');
  checkLayerNormInput('rmsNorm', input, shape, null, null);
  const weight = opts.weight ?? null;
  if (weight !== null && fmtShape(weight.shape) !== fmtShape(shape)) {
    throw new ShapeError(
      `rmsNorm: weight should have shape ${fmtShape(shape)} (normalizedShape), got ${fmtShape(weight.shape)}`,
    );
  }
  const eps = opts.eps ?? FINFO_EPS[input.dtype];
  if (typeof eps !== 'number' || !(eps >= 0 && eps < Number.POSITIVE_INFINITY)) {
    throw new ValueError(`rmsNorm: eps must be a finite number >= 0 or null, got ${eps}`);
  }
  const dims = shape.map((_, i) => input.ndim - shape.length + i);
  const out = mul(input, rsqrt(mean(mul(input, input), dims, true).add(eps)));
  return weight === null ? out : mul(out, weight);
}
