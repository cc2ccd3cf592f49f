/**
 * softmax, logSoftmax and the softmax cross-entropy of logits against class
 * indices, each one fused op (kernels in core/kernels/softmax.ts) instead of the
 * max / subtract / exp / sum / log / divide composition, which walks the whole
 * input five or six times and leaves as many nodes.
 *
 *     softmax:    y = exp(x - m) / Σ exp(x - m)       dx = y (g - Σ g y)
 *     logSoftmax: y = x - m - log Σ exp(x - m)         dx = g - exp(y) Σ g
 *     cross entropy (per row i, class t_i): l_i = logsumexp(x_i) - x_i[t_i]
 *                                           dx_i = w_i (softmax(x_i) - onehot(t_i))
 *
 * Under `createGraph` each backward is written with ops on the output instead
 * (y has this op as its grad_fn, so the second derivative flows back into x).
 *
 * `softmaxComposed`, `logSoftmaxComposed` and `softmaxCrossEntropyComposed` are
 * the one composed definition of each, from primitives; the fused ops are tested
 * against them (tests/core/fused-vs-composed.test.ts).
 */
import { type DType, type FloatArray, newArray } from '../dtype.ts';
import { fromOp, isGradEnabled } from '../engine.ts';
import { fmtShape, ShapeError, ValueError } from '../errors.ts';
import { freshGrad } from '../grad-buffers.ts';
import * as K from '../kernels/softmax.ts';
import { normalizeDim, numelOf } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { savesOutput } from '../versions.ts';
import { reshape, sum } from './base.ts';
import { div, exp, mul, neg, sub } from './elementwise.ts';
import { gather } from './movement.ts';
import { amax, logsumexp } from './reduce.ts';

/** x viewed as [outer, r, inner] around dim d (a 0-d tensor is one line of length 1). */
function around(x: Tensor, d: number): [number, number, number] {
  if (x.ndim === 0) return [1, 1, 1];
  return [numelOf(x.shape.slice(0, d)), x.shape[d]!, numelOf(x.shape.slice(d + 1))];
}

/** softmax along dim: exp(x - max) / sum(exp(x - max)). */
export function softmax(a: Tensor, dim: number): Tensor {
  const d = normalizeDim('softmax', dim, a.ndim);
  const [outer, r, inner] = around(a, d);
  const out: Tensor = fromOp(
    'softmax',
    K.softmaxForward(a.data, outer, r, inner, false),
    a.shape,
    [a],
    (g) => {
      if (isGradEnabled()) return [mul(out, sub(g, sum(mul(g, out), d, true)))];
      return [freshGrad(new Tensor(K.softmaxBackward(g.data, out.data, outer, r, inner, false), a.shape))];
    },
  );
  return savesOutput(out);
}

/** logSoftmax along dim: x - logsumexp(x). */
export function logSoftmax(a: Tensor, dim: number): Tensor {
  const d = normalizeDim('logSoftmax', dim, a.ndim);
  const [outer, r, inner] = around(a, d);
  const out: Tensor = fromOp(
    'logSoftmax',
    K.softmaxForward(a.data, outer, r, inner, true),
    a.shape,
    [a],
    (g) => {
      if (isGradEnabled()) return [sub(g, mul(exp(out), sum(g, d, true)))];
      return [freshGrad(new Tensor(K.softmaxBackward(g.data, out.data, outer, r, inner, true), a.shape))];
    },
  );
  return savesOutput(out);
}

/** Options of `softmaxCrossEntropy`, as `F.cross_entropy` without class weights or label smoothing. */
export interface SoftmaxCrossEntropyOptions {
  /** 'mean' over the counted targets (default), 'sum', or 'none' for one loss per sample. */
  reduction?: 'mean' | 'sum' | 'none';
  /** Rows whose target equals this add nothing to the loss nor to the mean's denominator (default -100). */
  ignoreIndex?: number;
}

/**
 * Cross entropy of logits [N, C] against class indices [N] (integers stored as
 * floats), as `F.cross_entropy` without class weights or label smoothing: the
 * mean is over the rows not ignored (NaN if all are), as PyTorch.
 */
export function softmaxCrossEntropy(
  logits: Tensor,
  target: Tensor,
  opts: SoftmaxCrossEntropyOptions = {},
): Tensor {
  const reduction = opts.reduction ?? 'mean';
  const ignoreIndex = opts.ignoreIndex ?? -100;
  if (logits.ndim !== 2 || target.ndim !== 1 || target.shape[0] !== logits.shape[0]) {
    throw new ShapeError(
      `softmaxCrossEntropy: expected logits [N, C] and target [N], got ${fmtShape(logits.shape)} and ${fmtShape(target.shape)}`,
    );
  }
  const [n, c] = logits.shape as [number, number];
  const t = target.data;
  const kept = checkClassTargets('softmaxCrossEntropy', t, c, ignoreIndex);
  const { loss, lse } = K.crossEntropyForward(logits.data, t, n, c, ignoreIndex);
  let data = loss;
  if (reduction !== 'none') {
    let s = 0;
    for (let i = 0; i < n; i++) s += loss[i]!;
    data = newArray(logits.dtype, 1).fill(reduction === 'sum' ? s : s / kept);
  }
  const keep = keptRows(t, ignoreIndex, logits.dtype);
  return fromOp('softmaxCrossEntropy', data, reduction === 'none' ? [n] : [], [logits], (g) => {
    // The weight of each row's (softmax - onehot): g per row, or the one g spread over the rows kept.
    const perRow = mul(reduction === 'mean' ? div(g, kept) : g, keep);
    if (isGradEnabled()) {
      const onehot = newArray(logits.dtype, n * c);
      for (let i = 0; i < n; i++) if (t[i] !== ignoreIndex) onehot[i * c + t[i]!] = 1;
      return [mul(sub(softmax(logits, 1), new Tensor(onehot, [n, c])), reshape(perRow, [n, 1]))];
    }
    return [
      freshGrad(
        new Tensor(K.crossEntropyBackward(logits.data, t, lse, perRow.data, n, c, ignoreIndex), [n, c]),
      ),
    ];
  });
}

/**
 * Class-index targets, checked once for every cross-entropy and NLL path:
 * each is an integer in [0, classes) or equals ignoreIndex. Returns how many
 * rows count (are not ignored).
 */
export function checkClassTargets(
  op: string,
  target: FloatArray,
  classes: number,
  ignoreIndex: number,
): number {
  let kept = 0;
  for (let i = 0; i < target.length; i++) {
    const y = target[i]!;
    if (y === ignoreIndex) continue;
    if (!Number.isInteger(y)) {
      throw new ValueError(`${op}: target must hold integer class indices, got ${y} at index ${i}`);
    }
    if (y < 0 || y >= classes) {
      throw new ValueError(
        `${op}: target ${y} at index ${i} is out of bounds for ${classes} classes ` +
          `(expected 0..${classes - 1}, or ignoreIndex ${ignoreIndex})`,
      );
    }
    kept++;
  }
  return kept;
}

/** 1 for each row whose target is not ignoreIndex, else 0, in the logits' dtype. */
function keptRows(target: FloatArray, ignoreIndex: number, dtype: DType): Tensor {
  const keep = newArray(dtype, target.length);
  for (let i = 0; i < target.length; i++) keep[i] = target[i] === ignoreIndex ? 0 : 1;
  return new Tensor(keep, [target.length]);
}

/** softmax from primitives: e = exp(x - m) with m = max along dim (a constant), then e / Σ e. */
export function softmaxComposed(a: Tensor, dim: number): Tensor {
  const e = exp(sub(a, amax(a, dim, true).detach()));
  return div(e, sum(e, dim, true));
}

/** logSoftmax from primitives: x - logsumexp(x) along dim. */
export function logSoftmaxComposed(a: Tensor, dim: number): Tensor {
  return sub(a, logsumexp(a, dim, true));
}

/**
 * Cross entropy from primitives, with lp = logSoftmaxComposed(logits, 1) and
 * k_i = [t_i != ignoreIndex]: class indices [N] give l_i = -lp[i, t_i] k_i and a
 * mean over the rows kept; class probabilities [N, C] give l_i = -Σ_c t_ic lp[i, c]
 * and a mean over N.
 */
export function softmaxCrossEntropyComposed(
  logits: Tensor,
  target: Tensor,
  opts: SoftmaxCrossEntropyOptions = {},
): Tensor {
  const reduction = opts.reduction ?? 'mean';
  const lp = logSoftmaxComposed(logits, 1);
  if (target.ndim === 2) {
    const loss = neg(sum(mul(lp, target), 1));
    return reduction === 'none' ? loss : reduction === 'sum' ? sum(loss) : div(sum(loss), loss.numel());
  }
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const kept = checkClassTargets('softmaxCrossEntropyComposed', target.data, logits.shape[1]!, ignoreIndex);
  const keep = keptRows(target.data, ignoreIndex, logits.dtype);
  const index = new Tensor(
    Float64Array.from(target.data, (v) => (v === ignoreIndex ? 0 : v)),
    [target.numel(), 1],
  );
  const loss = mul(neg(reshape(gather(lp, 1, index), [target.numel()])), keep);
  return reduction === 'none' ? loss : reduction === 'sum' ? sum(loss) : div(sum(loss), kept);
}
