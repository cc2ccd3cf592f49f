/**
 * Loss functions with PyTorch's exact semantics, as `torch.nn.functional`.
 * Each takes `reduction: 'mean' | 'sum' | 'none'` ('mean' by default).
 */

import {
  binaryCrossEntropy as binaryCrossEntropyOp,
  broadcastShapes,
  checkClassTargets,
  checkOptionalTensor,
  checkSameDtype,
  checkTensor,
  fmtShape,
  isGradEnabled,
  ShapeError,
  sameShape,
  softmaxCrossEntropy,
  softplus,
  Tensor,
  ValueError,
  zeros,
} from '../../core/index.ts';

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
/** input and target must be tensors (a JavaScript array of labels is the likeliest slip). */
function checkLossArgs(who: string, input: unknown, target: unknown): void {
  checkTensor(who, 'input', input);
  checkTensor(who, 'target', target);
}

/**
 * mean((input - target)²) (or its sum, or per element), as `F.mse_loss`.
 * Mixed dtypes: PyTorch computes the forward pass in the promoted dtype but
 * its backward refuses it ("Found dtype Double but expected Float"), so this
 * refuses them as soon as a gradient would be needed, rather than at backward.
 */
export function mseLoss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  checkLossArgs('mseLoss', input, target);
  const reduction = checkReduction('mseLoss', opts.reduction ?? 'mean');
  checkSameShape('mseLoss', input, target);
  if (isGradEnabled() && (input.requiresGrad || target.requiresGrad)) {
    checkSameDtype(
      'mseLoss',
      { input, target },
      " (PyTorch's backward refuses mixed dtypes; under noGrad they promote)",
    );
  }
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

/** Throws unless a class-index target has the shape this input needs (one index per sample). */
function checkIndexTargetShape(who: string, input: Tensor, target: Tensor): void {
  const want = indexTargetShape(input);
  if (!sameShape(target.shape, want)) {
    throw new ShapeError(
      `${who}: expected target of shape ${fmtShape(want)} (one class index per sample) for input of shape ` +
        `${fmtShape(input.shape)}, got target of shape ${fmtShape(target.shape)}`,
    );
  }
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
  checkIndexTargetShape(who, input, target);
  checkClassTargets(who, target.data, C, ignoreIndex);
  const M = target.numel();
  const index = new Float64Array(M);
  // Factors of the loss, so in the input's dtype: a float64 factor would promote a float32 loss.
  const rowWeight = zeros([M], { dtype: input.dtype });
  const keep = zeros([M], { dtype: input.dtype });
  for (let i = 0; i < M; i++) {
    const y = target.data[i]!;
    if (y === ignoreIndex) continue;
    index[i] = y;
    keep.data[i] = 1;
    rowWeight.data[i] = weight === null ? 1 : weight.data[y]!;
  }
  return { index: new Tensor(index, [M, 1]), rowWeight, keep };
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
  checkSameDtype(who, { input: logProbs, weight }); // PyTorch: "expected scalar type Float but found Double"
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
  checkLossArgs('crossEntropy', input, target);
  checkInputRank('crossEntropy', input);
  const e = opts.labelSmoothing ?? 0;
  if (typeof e !== 'number' || !(e >= 0 && e <= 1)) {
    throw new ValueError(`crossEntropy: labelSmoothing must be between 0.0 and 1.0, got ${e}`);
  }
  const probabilities = sameShape(target.shape, input.shape);
  if (input.ndim === 2 && !probabilities && e === 0 && (opts.weight ?? null) === null) {
    // The common case as one fused op (core/ops/softmax.ts): the
    // same loss without the logSoftmax / gather / mean chain, tested against that composition.
    const reduction = checkReduction('crossEntropy', opts.reduction ?? 'mean');
    checkIndexTargetShape('crossEntropy', input, target);
    checkClassTargets('crossEntropy', target.data, input.shape[1]!, opts.ignoreIndex ?? -100);
    return softmaxCrossEntropy(input, target, { reduction, ignoreIndex: opts.ignoreIndex ?? -100 });
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
  checkLossArgs('nllLoss', input, target);
  checkInputRank('nllLoss', input);
  return classLoss('nllLoss', input, target, opts, 0, false);
}

// ---------------------------------------------------------------- binary losses

/**
 * PyTorch's binary losses finish with in-place ops (`loss.mul_(weight)`), which
 * compute in the promoted dtype and round into the destination: the result
 * keeps the destination's dtype, and a weight of the other dtype does not
 * promote it (tests/fixtures/dtype_rules.json).
 */
function keepDtype(loss: Tensor, dtype: Tensor['dtype']): Tensor {
  return loss.to(dtype);
}

/**
 * Binary cross entropy between probabilities and targets of the same shape, as
 * `F.binary_cross_entropy`: l_i = -w_i (t_i log p_i + (1 - t_i) log(1 - p_i)),
 * each log clamped at -100 so p in {0, 1} gives a finite loss (100). Input and
 * target must share a dtype; the loss has the input's whatever the weight's.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, opts: BCEOptions = {}): Tensor {
  checkLossArgs('binaryCrossEntropy', input, target);
  const reduction = checkReduction('binaryCrossEntropy', opts.reduction ?? 'mean');
  checkSameShape('binaryCrossEntropy', input, target);
  const bad = input.data.findIndex((v) => !(v >= 0 && v <= 1));
  if (bad >= 0) {
    throw new ValueError(
      `binaryCrossEntropy: all elements of input should be between 0 and 1, got ${input.data[bad]} at index ${bad}`,
    );
  }
  checkOptionalTensor('binaryCrossEntropy', 'weight', opts.weight);
  let loss = binaryCrossEntropyOp(input, target);
  if (opts.weight) {
    checkBroadcastsTo('binaryCrossEntropy', 'weight', opts.weight, input.shape);
    loss = keepDtype(loss.mul(opts.weight), input.dtype);
  }
  return reduce(loss, reduction);
}

/**
 * Binary cross entropy on logits, as `F.binary_cross_entropy_with_logits`, in
 * PyTorch's stable form (log sigmoid(x) = -softplus(-x)):
 *
 *     l = (1 - t) x + (1 + (pw - 1) t) softplus(-x),   times weight
 *
 * which equals -w [pw t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))].
 *
 * The loss has the target's dtype whatever the others', as PyTorch's: its
 * kernel builds the loss in place on (1 - t).
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  opts: BCEWithLogitsOptions = {},
): Tensor {
  const who = 'binaryCrossEntropyWithLogits';
  checkLossArgs(who, input, target);
  const reduction = checkReduction(who, opts.reduction ?? 'mean');
  checkSameShape(who, input, target);
  checkOptionalTensor(who, 'weight', opts.weight);
  checkOptionalTensor(who, 'posWeight', opts.posWeight);
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
  return reduce(keepDtype(loss, target.dtype), reduction);
}
