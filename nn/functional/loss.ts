/**
 * Loss functions with PyTorch's exact semantics, as `torch.nn.functional`.
 * Each takes `reduction: 'mean' | 'sum' | 'none'` ('mean' by default).
 */

import { fromOp } from '../../core/engine.ts';
import { fmtShape, isAnomalyEnabled, ShapeError, sigmoid, Tensor, ValueError } from '../../core/index.ts';
import { softmaxCrossEntropy } from '../../core/ops/softmax.ts';
import { broadcastShapes, sameShape } from '../../core/shape.ts';

/** How a loss reduces over elements: their mean, their sum, or none (one loss per element). */
export type Reduction = 'mean' | 'sum' | 'none';

/** The option every loss takes. */
export interface ReductionOptions {
  /** 'mean' (the default), 'sum' or 'none'. */
  reduction?: Reduction;
}

/** Options of `nllLoss` (and the base of `crossEntropy`'s). */
export interface ClassLossOptions extends ReductionOptions {
  /** A manual rescaling weight for each class, shape [C]. */
  weight?: Tensor | null;
  /** Samples whose target equals this index add nothing to the loss nor to the mean's denominator. */
  ignoreIndex?: number;
}

/** Options of `crossEntropy`, as `F.cross_entropy`'s. */
export interface CrossEntropyOptions extends ClassLossOptions {
  /** Mixes the one-hot target with the uniform distribution: (1 - e) onehot + e / C. In [0, 1]. */
  labelSmoothing?: number;
}

/** Options of `binaryCrossEntropy`. */
export interface BCEOptions extends ReductionOptions {
  /** A weight broadcast against the loss of each element. */
  weight?: Tensor | null;
}

/** Options of `binaryCrossEntropyWithLogits`. */
export interface BCEWithLogitsOptions extends BCEOptions {
  /** Weight of the positive term, per class (broadcast over the last dim). */
  posWeight?: Tensor | null;
}

function checkReduction(who: string, reduction: unknown): Reduction {
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new ValueError(`${who}: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  }
  return reduction;
}

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  return reduction === 'none' ? loss : reduction === 'sum' ? loss.sum() : loss.mean();
}

function checkSameShape(who: string, input: Tensor, target: Tensor): void {
  if (!sameShape(input.shape, target.shape)) {
    throw new ShapeError(
      `${who}: target of shape ${fmtShape(target.shape)} must have the same shape as input ${fmtShape(input.shape)}`,
    );
  }
}

function checkBroadcastsTo(who: string, arg: string, t: Tensor, shape: readonly number[]): void {
  const ok = t.ndim <= shape.length && sameShape(broadcastShapes(who, t.shape, shape), shape);
  if (!ok) {
    throw new ShapeError(
      `${who}: ${arg} of shape ${fmtShape(t.shape)} does not broadcast to the input's ${fmtShape(shape)}`,
    );
  }
}

/**
 * Mean squared error, as `F.mse_loss`: l_i = (x_i - y_i)^2, then reduced. Unlike
 * PyTorch (which warns and broadcasts), a target of another shape throws.
 */
export function mseLoss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  const reduction = checkReduction('mseLoss', opts.reduction ?? 'mean');
  checkSameShape('mseLoss', input, target);
  return reduce(input.sub(target).square(), reduction);
}

// ---------------------------------------------------------------- class-index losses

/** Log-probabilities [N, C, d1...] (or [C]) as rows [M, C], with targets flattened to M. */
function asRows(lp: Tensor): Tensor {
  if (lp.ndim === 1) return lp.reshape([1, lp.shape[0]!]);
  if (lp.ndim === 2) return lp;
  const perm = [0, ...Array.from({ length: lp.ndim - 2 }, (_, i) => i + 2), 1];
  return lp.permute(perm).reshape([-1, lp.shape[1]!]);
}

function checkInputRank(who: string, input: Tensor): void {
  if (input.ndim === 0) {
    throw new ShapeError(`${who}: expected input of shape [N, C], [C] or [N, C, d1, ...], got a 0-d input`);
  }
}

/** The target shape a class-index target must have for this input. */
function indexTargetShape(input: Tensor): number[] {
  return input.ndim === 1 ? [] : [input.shape[0]!, ...input.shape.slice(2)];
}

/**
 * Validates class-index targets and returns the per-row gather index (ignored
 * rows point at class 0) and the per-row weight w[y_i] (0 for ignored rows).
 */
function classTargets(
  who: string,
  input: Tensor,
  target: Tensor,
  weight: Tensor | null,
  ignoreIndex: number,
): { index: Tensor; rowWeight: Tensor; keep: Tensor } {
  const C = input.ndim === 1 ? input.shape[0]! : input.shape[1]!;
  const want = indexTargetShape(input);
  if (!sameShape(target.shape, want)) {
    throw new ShapeError(
      `${who}: expected target of shape ${fmtShape(want)} (one class index per sample) for input of shape ` +
        `${fmtShape(input.shape)}, got target of shape ${fmtShape(target.shape)}`,
    );
  }
  const M = target.numel;
  const index = new Float64Array(M);
  const rowWeight = new Float64Array(M);
  const keep = new Float64Array(M);
  for (let i = 0; i < M; i++) {
    const y = target.data[i]!;
    if (y === ignoreIndex) continue;
    if (!Number.isInteger(y)) {
      throw new ValueError(`${who}: target must hold integer class indices, got ${y} at index ${i}`);
    }
    if (y < 0 || y >= C) {
      throw new ValueError(
        `${who}: target ${y} at index ${i} is out of bounds for ${C} classes ` +
          `(expected 0..${C - 1}, or ignoreIndex ${ignoreIndex})`,
      );
    }
    index[i] = y;
    keep[i] = 1;
    rowWeight[i] = weight === null ? 1 : weight.data[y]!;
  }
  return {
    index: new Tensor(index, [M, 1]),
    rowWeight: new Tensor(rowWeight, [M]),
    keep: new Tensor(keep, [M]),
  };
}

/**
 * Cross entropy (class-index targets), after PyTorch with lp = logSoftmax(x),
 * w = weight (ones when null), k_i = [y_i != ignoreIndex] and e = labelSmoothing:
 *
 *     nll_i    = -w[y_i] lp[i, y_i] k_i
 *     smooth_i = -(sum_c w_c lp[i, c]) / C * k_i
 *     l_i      = (1 - e) nll_i + e smooth_i
 *     mean     = sum_i l_i / sum_i w[y_i] k_i         (the weighted mean; NaN if every target is ignored)
 *
 * Probability targets (a target of the input's shape): l_i = -sum_c w_c t'_ic lp[i, c],
 * with t' = (1 - e) t + e / C, and the mean divides by the number of samples.
 */
function classLoss(
  who: string,
  logProbs: Tensor,
  target: Tensor,
  opts: CrossEntropyOptions,
  labelSmoothing: number,
  probabilityTargets: boolean,
): Tensor {
  const reduction = checkReduction(who, opts.reduction ?? 'mean');
  const weight = opts.weight ?? null;
  const C = logProbs.ndim === 1 ? logProbs.shape[0]! : logProbs.shape[1]!;
  if (weight !== null && (weight.ndim !== 1 || weight.shape[0] !== C)) {
    throw new ShapeError(
      `${who}: weight must have shape [${C}] (one per class), got ${fmtShape(weight.shape)}`,
    );
  }
  const rows = asRows(logProbs);
  const weighted = weight === null ? rows : rows.mul(weight);
  if (probabilityTargets) {
    const t = labelSmoothing > 0 ? target.mul(1 - labelSmoothing).add(labelSmoothing / C) : target;
    const loss = weighted.mul(asRows(t)).sum(1).neg();
    if (reduction === 'none') return loss.reshape(indexTargetShape(logProbs));
    return reduction === 'sum' ? loss.sum() : loss.mean();
  }
  const { index, rowWeight, keep } = classTargets(who, logProbs, target, weight, opts.ignoreIndex ?? -100);
  let loss = rows.gather(1, index).reshape([-1]).mul(rowWeight).neg();
  if (labelSmoothing > 0) {
    const smooth = weighted.sum(1).mul(keep).neg().div(C);
    loss = loss.mul(1 - labelSmoothing).add(smooth.mul(labelSmoothing));
  }
  if (reduction === 'none') return loss.reshape(indexTargetShape(logProbs));
  if (reduction === 'sum') return loss.sum();
  return loss.sum().div(rowWeight.sum());
}

/**
 * Cross entropy between logits and class indices (or class probabilities), as
 * `F.cross_entropy`: `nllLoss(logSoftmax(input, 1), target)` with optional
 * label smoothing. Input [N, C] (or [C], or [N, C, d1, ...]); the target holds
 * integer class indices as floats, shape [N] (or [], or [N, d1, ...]).
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  checkInputRank('crossEntropy', input);
  const e = opts.labelSmoothing ?? 0;
  if (typeof e !== 'number' || !(e >= 0 && e <= 1)) {
    throw new ValueError(`crossEntropy: labelSmoothing must be between 0.0 and 1.0, got ${e}`);
  }
  const probabilities = sameShape(target.shape, input.shape);
  if (
    input.ndim === 2 &&
    !probabilities &&
    e === 0 &&
    (opts.weight ?? null) === null &&
    !isAnomalyEnabled()
  ) {
    // The common case as one fused op (core/ops/softmax.ts): the same loss without the
    // logSoftmax / gather / mean chain. Anomaly mode keeps the composition, so an error names its op.
    const reduction = checkReduction('crossEntropy', opts.reduction ?? 'mean');
    const ignoreIndex = opts.ignoreIndex ?? -100;
    classTargets('crossEntropy', input, target, null, ignoreIndex); // the checks and messages of this module
    return softmaxCrossEntropy(input, target, { reduction, ignoreIndex });
  }
  return classLoss(
    'crossEntropy',
    input.logSoftmax(input.ndim === 1 ? 0 : 1),
    target,
    opts,
    e,
    probabilities,
  );
}

/**
 * Negative log likelihood of class indices given log-probabilities, as
 * `F.nll_loss`: l_i = -w[y_i] x[i, y_i], and the mean divides by sum_i w[y_i]
 * over the samples not ignored.
 */
export function nllLoss(input: Tensor, target: Tensor, opts: ClassLossOptions = {}): Tensor {
  checkInputRank('nllLoss', input);
  return classLoss('nllLoss', input, target, opts, 0, false);
}

// ---------------------------------------------------------------- binary losses

/**
 * Elementwise binary cross entropy with PyTorch's clamped logs (a fused op, since
 * composing log and clamp would give 0 * inf = NaN gradients at p in {0, 1}):
 *
 *     l = -(t max(log p, -100) + (1 - t) max(log(1 - p), -100))
 *     dl/dp = (p - t) / max(p (1 - p), 1e-12)    (1e-12 rounded to float32, as PyTorch's kernel)
 *     dl/dt = max(log(1 - p), -100) - max(log p, -100)
 */
const BCE_EPSILON = Math.fround(1e-12);

function bceElementwise(p: Tensor, t: Tensor): Tensor {
  const data = new Float64Array(p.numel);
  for (let i = 0; i < data.length; i++) {
    const x = p.data[i]!;
    const y = t.data[i]!;
    data[i] = -(y * Math.max(Math.log(x), -100) + (1 - y) * Math.max(Math.log(1 - x), -100));
  }
  return fromOp('binaryCrossEntropy', data, p.shape, [p, t], (g, needs) => [
    needs[0] ? g.mul(p.sub(t)).div(p.mul(p.neg().add(1)).clamp(BCE_EPSILON)) : null,
    needs[1] ? g.mul(p.neg().add(1).log().clamp(-100).sub(p.log().clamp(-100))) : null,
  ]);
}

/**
 * Binary cross entropy between probabilities and targets of the same shape, as
 * `F.binary_cross_entropy`: l_i = -w_i (t_i log p_i + (1 - t_i) log(1 - p_i)),
 * each log clamped at -100 so p in {0, 1} gives a finite loss (100).
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, opts: BCEOptions = {}): Tensor {
  const reduction = checkReduction('binaryCrossEntropy', opts.reduction ?? 'mean');
  checkSameShape('binaryCrossEntropy', input, target);
  const bad = input.data.findIndex((v) => !(v >= 0 && v <= 1));
  if (bad >= 0) {
    throw new ValueError(
      `binaryCrossEntropy: all elements of input should be between 0 and 1, got ${input.data[bad]} at index ${bad}`,
    );
  }
  let loss = bceElementwise(input, target);
  if (opts.weight) {
    checkBroadcastsTo('binaryCrossEntropy', 'weight', opts.weight, input.shape);
    loss = loss.mul(opts.weight);
  }
  return reduce(loss, reduction);
}

/**
 * softplus(x) = log(1 + e^x), computed as max(x, 0) + log1p(e^-|x|) so it neither
 * overflows nor loses the small tail; d/dx = sigmoid(x). No threshold, unlike
 * `F.softplus`, so the losses below match PyTorch's to the last bits.
 */
function softplus(x: Tensor): Tensor {
  const data = x.data.map((v) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))));
  return fromOp('softplus', data, x.shape, [x], (g) => [g.mul(sigmoid(x))]);
}

/**
 * Binary cross entropy on logits, as `F.binary_cross_entropy_with_logits`, in
 * PyTorch's stable form (log sigmoid(x) = -softplus(-x)):
 *
 *     l = (1 - t) x + (1 + (pw - 1) t) softplus(-x),   times weight
 *
 * which equals -w [pw t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))].
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  opts: BCEWithLogitsOptions = {},
): Tensor {
  const who = 'binaryCrossEntropyWithLogits';
  const reduction = checkReduction(who, opts.reduction ?? 'mean');
  checkSameShape(who, input, target);
  const sp = softplus(input.neg());
  let loss: Tensor;
  if (opts.posWeight) {
    checkBroadcastsTo(who, 'posWeight', opts.posWeight, input.shape);
    loss = target.neg().add(1).mul(input).add(opts.posWeight.sub(1).mul(target).add(1).mul(sp));
  } else {
    loss = target.neg().add(1).mul(input).add(sp);
  }
  if (opts.weight) {
    checkBroadcastsTo(who, 'weight', opts.weight, input.shape);
    loss = loss.mul(opts.weight);
  }
  return reduce(loss, reduction);
}
