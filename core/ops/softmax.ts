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
 */
import { freshGrad, fromOp, isGradEnabled, savesOutput } from '../engine.ts';
import { fmtShape, ShapeError, ValueError } from '../errors.ts';
import * as K from '../kernels/softmax.ts';
import { normalizeDim, numelOf } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { div, exp, mul, sub } from './elementwise.ts';
import { reshape } from './movement.ts';
import { sum } from './reduce.ts';

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

export interface SoftmaxCrossEntropyOptions {
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
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const v = t[i]!;
    if (v === ignoreIndex) continue;
    if (!Number.isInteger(v) || v < 0 || v >= c) {
      throw new ValueError(`softmaxCrossEntropy: target ${v} at row ${i} is out of bounds for ${c} classes`);
    }
    kept++;
  }
  const { loss, lse } = K.crossEntropyForward(logits.data, t, n, c, ignoreIndex);
  let data = loss;
  if (reduction !== 'none') {
    let s = 0;
    for (let i = 0; i < n; i++) s += loss[i]!;
    data = new Float64Array([reduction === 'sum' ? s : s / kept]);
  }
  const keep = new Tensor(
    Float64Array.from(t, (v) => (v === ignoreIndex ? 0 : 1)),
    [n],
  );
  return fromOp('softmaxCrossEntropy', data, reduction === 'none' ? [n] : [], [logits], (g) => {
    // The weight of each row's (softmax - onehot): g per row, or the one g spread over the rows kept.
    const perRow = mul(reduction === 'mean' ? div(g, kept) : g, keep);
    if (isGradEnabled()) {
      const onehot = new Float64Array(n * c);
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
