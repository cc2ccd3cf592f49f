import { bernoulli, checkTensor, type Generator, type Tensor, ValueError } from '../../core/index.ts';

/** Options of `F.dropout`. */
export interface DropoutOptions {
  /** Source of the mask; the seeded global generator by default. */
  generator?: Generator;
}

/**
 * Inverted dropout, as `torch.nn.functional.dropout`: in training each element
 * is kept with probability 1 - p and scaled by 1 / (1 - p), so the expected
 * output equals the input and evaluation needs no rescaling:
 *
 *     y = x * m / (1 - p),   m_i ~ Bernoulli(1 - p)
 *
 * Outside training (or with p = 0) the input is returned as is; p = 1 zeros it.
 * The mask is a constant, so dy/dx = m / (1 - p).
 */
export function dropout(input: Tensor, p = 0.5, training = true, opts: DropoutOptions = {}): Tensor {
  checkTensor('dropout', 'input', input);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new ValueError(`dropout: dropout probability has to be between 0 and 1, but got ${p}`);
  }
  if (!training || p === 0) return input;
  if (p === 1) return input.mul(0);
  const draw = opts.generator ? { generator: opts.generator, dtype: input.dtype } : { dtype: input.dtype };
  const keep = bernoulli(1 - p, [...input.shape], draw);
  return input.mul(keep.div(1 - p));
}
