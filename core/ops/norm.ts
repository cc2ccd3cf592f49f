/**
 * Fused normalization ops, as PyTorch's `native_batch_norm` (training) and
 * `native_layer_norm`: the normalize-and-affine step of BatchNorm and LayerNorm
 * as one op, forward and backward each a kernel from core/kernels/batchnorm.ts
 * (batchnorm-backward.ts) or layernorm.ts instead of about a dozen elementwise
 * ops, broadcasts and reductions.
 *
 *     x̂ = (x - μ) / sqrt(σ² + ε),   y = γ x̂ + β      (μ, σ² the mean and biased variance)
 *     dβ = Σ g,   dγ = Σ g x̂,   dx = (γ g - mean(γ g) - x̂ · mean(γ g x̂)) / sqrt(σ² + ε)
 *
 * Why fused (measured, bench W5): the composed form allocates and walks a full
 * [N, C] array for every step; the kernels make two passes forward and two
 * backward. `batchNormComposed` and `layerNormComposed` below are the one
 * composed definition of the same math (mean, then the mean of squared
 * deviations); BatchNorm in eval mode runs it, and tests/core/fused-vs-composed
 * checks each fused op against it, outputs and gradients.
 *
 * When the backward itself must be differentiable (`createGraph`, i.e. grad mode
 * is on while the backward runs), the gradient above is built from ops instead,
 * so double backward works exactly as through the composed forward.
 */
import type { FloatArray } from '../dtype.ts';
import { fromOp, isGradEnabled } from '../engine.ts';
import { fmtShape, ShapeError, ValueError } from '../errors.ts';
import { freshGrad } from '../grad-buffers.ts';
import { channelNormForward } from '../kernels/batchnorm.ts';
import { channelNormBackward } from '../kernels/batchnorm-backward.ts';
import { rowNormBackward, rowNormForward } from '../kernels/layernorm.ts';
import { numelOf, sameShape } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { checkSameDtype } from '../validate.ts';
import { reshape, sum } from './base.ts';
import { add, mul, rsqrt, sub } from './elementwise.ts';
import { mean } from './reduce.ts';

/** What `nativeBatchNorm` returns: the output and the batch statistics it normalized with. */
export interface NativeBatchNorm {
  /** The normalized (and scaled, shifted) output, in the graph. */
  out: Tensor;
  /** The batch mean per channel, in float64 whatever x's dtype (not part of the graph; for running statistics). */
  mean: Float64Array;
  /** The biased batch variance per channel, in float64 (not part of the graph). */
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
  checkBatchNormInput('nativeBatchNorm', x, { weight, bias }, true);
  const n = x.shape[0]!;
  const c = x.shape[1]!;
  const s = numelOf(x.shape.slice(2));
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
  checkLayerNormInput('nativeLayerNorm', x, normalizedShape, weight, bias);
  const lead = x.ndim - normalizedShape.length;
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

/**
 * BatchNorm's composed definition, from primitives: for x [N, C, *] and per channel c,
 *
 *     y = (x - μ_c) / sqrt(σ²_c + ε) · γ_c + β_c
 *
 * with μ and the biased σ² over N and * (training), or the given running
 * statistics (eval: constants for autograd). The fused `nativeBatchNorm` computes
 * the training form; eval mode runs this.
 */
export function batchNormComposed(
  x: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  eps: number,
  running: { mean: Tensor; var: Tensor } | null = null,
): Tensor {
  checkBatchNormInput('batchNorm', x, { weight, bias, ...runningArgs(running) }, running === null);
  // [C] -> [1, C, 1, ...] so per-channel values broadcast over N and the spatial dims.
  const perChannel = (t: Tensor) => reshape(t, [1, x.shape[1]!, ...x.shape.slice(2).map(() => 1)]);
  const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const [mu, v] = running === null ? moments(x, dims) : [perChannel(running.mean), perChannel(running.var)];
  return affine(normalize(x, mu, v, eps), weight, bias, perChannel);
}

/**
 * LayerNorm's composed definition, from primitives: over the trailing dims D of x
 * that equal normalizedShape, per leading index,
 *
 *     y = (x - μ) / sqrt(σ² + ε) · γ + β,   μ, σ² (biased) over D;  γ, β of shape D
 */
export function layerNormComposed(
  x: Tensor,
  normalizedShape: readonly number[],
  weight: Tensor | null,
  bias: Tensor | null,
  eps: number,
): Tensor {
  checkLayerNormInput('layerNorm', x, normalizedShape, weight, bias);
  const dims = normalizedShape.map((_, i) => x.ndim - normalizedShape.length + i);
  const [mu, v] = moments(x, dims);
  return affine(normalize(x, mu, v, eps), weight, bias, (t) => t);
}

/** μ and the biased σ² = mean((x - μ)²) of x over dims, kept as size-1 dims so they broadcast back. */
function moments(x: Tensor, dims: readonly number[]): [Tensor, Tensor] {
  const mu = mean(x, dims, true);
  const centered = sub(x, mu);
  return [mu, mean(mul(centered, centered), dims, true)];
}

/** x̂ = (x - μ) / sqrt(σ² + ε). */
function normalize(x: Tensor, mu: Tensor, v: Tensor, eps: number): Tensor {
  return mul(sub(x, mu), rsqrt(add(v, eps)));
}

/** γ x̂ + β, each skipped when absent; `shape` lays γ and β out against x̂. */
function affine(
  xhat: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  shape: (t: Tensor) => Tensor,
): Tensor {
  const scaled = weight === null ? xhat : mul(xhat, shape(weight));
  return bias === null ? scaled : add(scaled, shape(bias));
}

function runningArgs(running: { mean: Tensor; var: Tensor } | null): Record<string, Tensor | null> {
  return running === null ? {} : { runningMean: running.mean, runningVar: running.var };
}

/**
 * BatchNorm's input checks, written once for the fused op, the composition, the
 * functional form and the modules: x is [N, C, *], every per-channel tensor is
 * [C], and batch statistics need more than one value per channel (with one, x - μ
 * is 0 and so is the variance; PyTorch refuses the same input in training).
 */
export function checkBatchNormInput(
  op: string,
  x: Tensor,
  perChannel: Readonly<Record<string, Tensor | null>>,
  batchStats: boolean,
): void {
  if (x.ndim < 2) {
    throw new ShapeError(
      `${op}: expected input with at least 2 dims [N, C, *], got input of shape ${fmtShape(x.shape)}`,
    );
  }
  checkSameDtype(op, { input: x, ...perChannel });
  const c = x.shape[1]!;
  for (const [arg, t] of Object.entries(perChannel)) {
    if (t !== null && (t.ndim !== 1 || t.shape[0] !== c)) {
      throw new ShapeError(
        `${op}: ${arg} should have shape [${c}] (the channels of input ${fmtShape(x.shape)}), got ${fmtShape(t.shape)}`,
      );
    }
  }
  if (batchStats && x.numel() / c <= 1) {
    throw new ValueError(
      `${op}: Expected more than 1 value per channel when training, got input size ${fmtShape(x.shape)}`,
    );
  }
}

/** LayerNorm's input checks, written once: x ends in normalizedShape, and γ, β have that shape. */
export function checkLayerNormInput(
  op: string,
  x: Tensor,
  normalizedShape: readonly number[],
  weight: Tensor | null,
  bias: Tensor | null,
): void {
  if (normalizedShape.length === 0) {
    throw new ValueError(`${op}: normalizedShape must name at least one dim, got []`);
  }
  checkSameDtype(op, { input: x, weight, bias });
  const lead = x.ndim - normalizedShape.length;
  if (lead < 0 || !sameShape(x.shape.slice(lead), normalizedShape)) {
    throw new ShapeError(
      `${op}: expected input with trailing shape ${fmtShape(normalizedShape)} (normalizedShape), got input of shape ${fmtShape(x.shape)}`,
    );
  }
  for (const [arg, t] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t !== null && !sameShape(t.shape, normalizedShape)) {
      throw new ShapeError(
        `${op}: ${arg} should have shape ${fmtShape(normalizedShape)} (normalizedShape), got ${fmtShape(t.shape)}`,
      );
    }
  }
}

type Grads = readonly [Tensor | null, Tensor, Tensor];

/** Records the op on [x, weight?, bias?], handing back only the gradients of the inputs that are present. */
function affineOp(
  name: string,
  out: FloatArray,
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
  // No leading dims (a single LayerNorm row) means nothing to sum over; sum(t, []) would sum everything.
  const over = (t: Tensor) => reshape(paramDims.length === 0 ? t : sum(t, paramDims), paramShape);
  const dw = over(mul(g, xhat));
  const db = over(g);
  return [dx, dw, db];
}
