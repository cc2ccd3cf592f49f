/**
 * Elementwise loss ops that are one op each rather than a composition, each for
 * a numerical reason (loops in core/kernels/loss.ts):
 *
 *     binaryCrossEntropy(p, t) = -(t max(ln p, -100) + (1 - t) max(ln(1 - p), -100))
 *         dp = (p - t) / max(p (1 - p), 1e-12),   dt = ln(1 - p) - ln p = -logit(p)
 *     softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^-|x|),   dx = sigmoid(x)
 *
 * dt is unclamped, as PyTorch's `binary_cross_entropy_target_backward` (-logit(p)):
 * +inf at p = 0 and -inf at p = 1, where the loss itself is clamped.
 * Composing log and clamp would give 0 * inf = NaN gradients at p in {0, 1};
 * composing log(1 + exp(x)) overflows for x > 709 and loses the tail below -37.
 */
import { fromOp } from '../engine.ts';
import { fmtShape, ShapeError } from '../errors.ts';
import * as K from '../kernels/loss.ts';
import { sameShape } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { checkSameDtype } from '../validate.ts';
import { add, clamp, div, log, mul, neg, sigmoid, sub } from './elementwise.ts';

/** PyTorch's clamp of p (1 - p) in the gradient: 1e-12 rounded to float32, as its kernel. */
const BCE_EPSILON = Math.fround(1e-12);

/**
 * Binary cross entropy per element between probabilities p and targets t of the
 * same shape, as the unreduced `F.binary_cross_entropy` (PyTorch's clamped logs).
 */
export function binaryCrossEntropy(p: Tensor, t: Tensor): Tensor {
  checkSameDtype('binaryCrossEntropy', { input: p, target: t }); // PyTorch: "Found dtype Double but expected Float"
  if (!sameShape(p.shape, t.shape)) {
    throw new ShapeError(
      `binaryCrossEntropy: target of shape ${fmtShape(t.shape)} must have the same shape as input ${fmtShape(p.shape)}`,
    );
  }
  return fromOp('binaryCrossEntropy', K.binaryCrossEntropy(p.data, t.data), p.shape, [p, t], (g, needs) => [
    needs[0] ? div(mul(g, sub(p, t)), clamp(mul(p, add(neg(p), 1)), BCE_EPSILON)) : null,
    needs[1] ? mul(g, sub(log(add(neg(p), 1)), log(p))) : null,
  ]);
}

/**
 * softplus(x) = log(1 + e^x) with no threshold (unlike `F.softplus`'s default of
 * 20), so the logit losses built on it match PyTorch's to the last bits.
 */
export function softplus(x: Tensor): Tensor {
  return fromOp('softplus', K.softplus(x.data), x.shape, [x], (g) => [mul(g, sigmoid(x))]);
}
