/**
 * Gradient clipping, as `torch.nn.utils.clip_grad_norm_` and `clip_grad_value_`.
 * Both change `.grad` in place (hence the trailing underscore) and skip
 * parameters whose gradient is null.
 */
import { Tensor, ValueError } from '../core/index.ts';

function gradsOf(parameters: Tensor | Iterable<Tensor>): Tensor[] {
  const ps = parameters instanceof Tensor ? [parameters] : Array.from(parameters);
  return ps.flatMap((p) => (p.grad === null ? [] : [p.grad]));
}

/** The p-norm of a list of numbers: (Σ |x|^p)^(1/p), or max |x| for p = ∞. */
function pNorm(values: ArrayLike<number>, p: number): number {
  let acc = 0;
  if (p === Number.POSITIVE_INFINITY) {
    for (let i = 0; i < values.length; i++) acc = Math.max(acc, Math.abs(values[i]!));
    return acc;
  }
  if (p === 2) {
    for (let i = 0; i < values.length; i++) acc += values[i]! * values[i]!;
    return Math.sqrt(acc);
  }
  if (p === 1) {
    for (let i = 0; i < values.length; i++) acc += Math.abs(values[i]!);
    return acc;
  }
  for (let i = 0; i < values.length; i++) acc += Math.abs(values[i]!) ** p;
  return acc ** (1 / p);
}

/** Options of `clipGradNorm_`, as `clip_grad_norm_`'s. */
export interface ClipGradNormOptions {
  /** Throw if the total norm is NaN or ±Infinity, instead of scaling by it (default false, as PyTorch). */
  errorIfNonfinite?: boolean;
}

/**
 * Rescales the gradients so their joint norm is at most maxNorm
 * (https://pytorch.org/docs/stable/generated/torch.nn.utils.clip_grad_norm_.html).
 * The norm is taken over all gradients as one vector, computed as PyTorch does,
 * as the norm of the per-tensor norms:
 *
 *     total = ‖(‖g_1‖_p, ..., ‖g_k‖_p)‖_p          (max |g| for p = Infinity)
 *     c = maxNorm / (total + 1e-6);  g ← c g   when c < 1
 *
 * so clipped gradients end slightly below maxNorm. Returns the total norm
 * before clipping as a number (PyTorch returns a 0-d tensor; `.item()` of it is
 * this number), or 0 when no parameter has a gradient. A NaN total scales every
 * gradient to NaN, as in PyTorch, unless errorIfNonfinite is set.
 */
export function clipGradNorm_(
  parameters: Tensor | Iterable<Tensor>,
  maxNorm: number,
  normType: number | 'inf' = 2,
  { errorIfNonfinite = false }: ClipGradNormOptions = {},
): number {
  const p = normType === 'inf' ? Number.POSITIVE_INFINITY : normType;
  if (typeof p !== 'number' || !(p > 0)) {
    throw new ValueError(`clipGradNorm_: normType must be a positive number or Infinity (got ${normType})`);
  }
  if (!(maxNorm >= 0)) throw new ValueError(`clipGradNorm_: maxNorm must be >= 0 (got ${maxNorm})`);
  const grads = gradsOf(parameters);
  if (grads.length === 0) return 0;
  const total = pNorm(
    grads.map((g) => pNorm(g.data, p)),
    p,
  );
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw new ValueError(
      `clipGradNorm_: the total norm of order ${p} of the gradients is non-finite (${total}), so it cannot be clipped; set errorIfNonfinite: false to scale the gradients by it anyway`,
    );
  }
  const coef = maxNorm / (total + 1e-6);
  if (!(coef >= 1)) {
    for (const g of grads) {
      const d = g.data;
      for (let i = 0; i < d.length; i++) d[i] = d[i]! * coef;
    }
  }
  return total;
}

/**
 * Clamps every gradient element to [-clipValue, clipValue] in place
 * (https://pytorch.org/docs/stable/generated/torch.nn.utils.clip_grad_value_.html).
 * NaN elements stay NaN.
 */
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, clipValue: number): void {
  if (!(clipValue >= 0)) throw new ValueError(`clipGradValue_: clipValue must be >= 0 (got ${clipValue})`);
  for (const g of gradsOf(parameters)) {
    const d = g.data;
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!;
      if (v > clipValue) d[i] = clipValue;
      else if (v < -clipValue) d[i] = -clipValue;
    }
  }
}
