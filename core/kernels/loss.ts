/**
 * Loops of the elementwise loss ops (core/ops/loss.ts); no Tensor, no autograd.
 *
 *     bce(p, t)   = -(t max(ln p, -100) + (1 - t) max(ln(1 - p), -100))
 *     softplus(x) = max(x, 0) + log1p(e^-|x|)
 */
import { dtypeOf, type FloatArray } from '../dtype.ts';
import { alloc } from './alloc.ts';

/** PyTorch's binary cross entropy per element, each log clamped at -100 so p in {0, 1} stays finite. */
export function binaryCrossEntropy(p: FloatArray, t: FloatArray): FloatArray {
  const out = alloc(p.length, dtypeOf(p));
  for (let i = 0; i < out.length; i++) {
    const x = p[i]!;
    const y = t[i]!;
    out[i] = -(y * Math.max(Math.log(x), -100) + (1 - y) * Math.max(Math.log(1 - x), -100));
  }
  return out;
}

/** log(1 + e^x) without overflow for large x nor lost digits for very negative x. */
export function softplus(x: FloatArray): FloatArray {
  const out = alloc(x.length, dtypeOf(x));
  for (let i = 0; i < out.length; i++) {
    const v = x[i]!;
    out[i] = Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
  }
  return out;
}
