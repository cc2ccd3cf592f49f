/**
 * Fused normalization ops, as PyTorch's `native_batch_norm` (training) and
 * `native_layer_norm`: the normalize-and-affine step of BatchNorm and LayerNorm
 * as one op, forward and backward each a kernel from core/kernels/batchnorm.ts
 * or layernorm.ts instead of about a dozen elementwise ops, broadcasts and
 * reductions.
 *
 *     x̂ = (x - μ) / sqrt(σ² + ε),   y = γ x̂ + β      (μ, σ² the mean and biased variance)
 *     dβ = Σ g,   dγ = Σ g x̂,   dx = (γ g - mean(γ g) - x̂ · mean(γ g x̂)) / sqrt(σ² + ε)
 *
 * Why fused (measured, bench W5): the composed form allocates and walks a full
 * [N, C] array for every step; the kernels make two passes forward and two
 * backward. The math is the same as the composition in nn/functional (mean,
 * then the mean of squared deviations), so they agree to rounding.
 *
 * When the backward itself must be differentiable (`createGraph`, i.e. grad mode
 * is on while the backward runs), the gradient above is built from ops instead,
 * so double backward works exactly as through the composed forward.
 */
import { freshGrad, fromOp, isGradEnabled } from '../engine.ts';
import { fmtShape, ShapeError } from '../errors.ts';
import { channelNormBackward, channelNormForward } from '../kernels/batchnorm.ts';
import { rowNormBackward, rowNormForward } from '../kernels/layernorm.ts';
import { numelOf, sameShape } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { add, mul, rsqrt, sub } from './elementwise.ts';
import { reshape } from './movement.ts';
import { mean, sum } from './reduce.ts';

export interface NativeBatchNorm {
  out: Tensor;
  /** The batch mean per channel (not part of the graph; for running statistics). */
  mean: Float64Array;
  /** The biased batch variance per channel (not part of the graph). */
  var: Float64Array;
}

/**
 * BatchNorm in training mode over x [N, C, *]: statistics per channel over N and
 * the trailing dims. weight and bias are [C] or null.
 */
export function nativeBatchNorm(
  x: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  eps: number,
): NativeBatchNorm {
  if (x.ndim < 2) {
    throw new ShapeError(`nativeBatchNorm: expected input [N, C, *], got shape ${fmtShape(x.shape)}`);
  }
  const n = x.shape[0]!;
  const c = x.shape[1]!;
  const s = numelOf(x.shape.slice(2));
  checkParam('nativeBatchNorm', 'weight', weight, [c]);
  checkParam('nativeBatchNorm', 'bias', bias, [c]);
  const st = channelNormForward(x.data, n, c, s, weight?.data ?? null, bias?.data ?? null, eps);
  const statDims = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const perChannel = (t: Tensor) => reshape(t, [1, c, ...x.shape.slice(2).map(() => 1)]);
  const out = affineOp('nativeBatchNorm', st.out, x, weight, bias, (g, wantX) => {
    if (isGradEnabled()) return composedBackward(g, x, weight, eps, statDims, statDims, [c], perChannel);
    const r = channelNormBackward(g.data, x.data, n, c, s, st.mean, st.rstd, weight?.data ?? null, wantX);
    return [
      r.dx === null ? null : freshGrad(new Tensor(r.dx, x.shape)),
      freshGrad(new Tensor(r.dweight, [c])),
      freshGrad(new Tensor(r.dbias, [c])),
    ];
  });
  return { out, mean: st.mean, var: st.var };
}

/**
 * LayerNorm over the trailing dims of x that equal `normalizedShape`: statistics
 * per leading index; weight and bias have shape normalizedShape or are null.
 */
export function nativeLayerNorm(
  x: Tensor,
  normalizedShape: readonly number[],
  weight: Tensor | null,
  bias: Tensor | null,
  eps: number,
): Tensor {
  const lead = x.ndim - normalizedShape.length;
  if (lead < 0 || !sameShape(x.shape.slice(lead), normalizedShape)) {
    throw new ShapeError(
      `nativeLayerNorm: expected input with trailing shape ${fmtShape(normalizedShape)}, got shape ${fmtShape(x.shape)}`,
    );
  }
  checkParam('nativeLayerNorm', 'weight', weight, normalizedShape);
  checkParam('nativeLayerNorm', 'bias', bias, normalizedShape);
  const d = numelOf(normalizedShape);
  const r = d === 0 ? 0 : x.numel() / d;
  const st = rowNormForward(x.data, r, d, weight?.data ?? null, bias?.data ?? null, eps);
  const statDims = normalizedShape.map((_, i) => lead + i);
  const leadDims = x.shape.slice(0, lead).map((_, i) => i);
  return affineOp('nativeLayerNorm', st.out, x, weight, bias, (g, wantX) => {
    if (isGradEnabled())
      return composedBackward(g, x, weight, eps, statDims, leadDims, normalizedShape, (t) => t);
    const b = rowNormBackward(g.data, x.data, r, d, st.mean, st.rstd, weight?.data ?? null, wantX);
    return [
      b.dx === null ? null : freshGrad(new Tensor(b.dx, x.shape)),
      freshGrad(new Tensor(b.dweight, normalizedShape)),
      freshGrad(new Tensor(b.dbias, normalizedShape)),
    ];
  });
}

function checkParam(op: string, arg: string, t: Tensor | null, shape: readonly number[]): void {
  if (t !== null && !sameShape(t.shape, shape)) {
    throw new ShapeError(`${op}: ${arg} should have shape ${fmtShape(shape)}, got ${fmtShape(t.shape)}`);
  }
}

type Grads = readonly [Tensor | null, Tensor, Tensor];

/** Records the op on [x, weight?, bias?], handing back only the gradients of the inputs that are present. */
function affineOp(
  name: string,
  out: Float64Array,
  x: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  backward: (g: Tensor, wantX: boolean) => Grads,
): Tensor {
  const inputs = [x];
  if (weight !== null) inputs.push(weight);
  if (bias !== null) inputs.push(bias);
  return fromOp(name, out, x.shape, inputs, (g, needs) => {
    const [dx, dw, db] = backward(g, needs[0]!);
    const grads: (Tensor | null)[] = [dx];
    if (weight !== null) grads.push(dw);
    if (bias !== null) grads.push(db);
    return grads;
  });
}

/**
 * The same gradient written in ops (differentiable again): statistics over
 * `statDims`, dγ and dβ summed over `paramDims` and shaped `paramShape`, and
 * `broadcast` shaping γ to multiply g.
 */
function composedBackward(
  g: Tensor,
  x: Tensor,
  weight: Tensor | null,
  eps: number,
  statDims: readonly number[],
  paramDims: readonly number[],
  paramShape: readonly number[],
  broadcast: (t: Tensor) => Tensor,
): Grads {
  const centered = sub(x, mean(x, statDims, true));
  const rstd = rsqrt(add(mean(mul(centered, centered), statDims, true), eps));
  const xhat = mul(centered, rstd);
  const dy = weight === null ? g : mul(g, broadcast(weight));
  const dx = mul(
    rstd,
    sub(sub(dy, mean(dy, statDims, true)), mul(xhat, mean(mul(dy, xhat), statDims, true))),
  );
  const dw = reshape(sum(mul(g, xhat), paramDims), paramShape);
  const db = reshape(sum(g, paramDims), paramShape);
  return [dx, dw, db];
}
