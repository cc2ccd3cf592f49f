/**
 * Group and instance normalization as functions. Both take their statistics
 * per sample over a group of channels (and the spatial dims), so both are the
 * shared normalize step on a reshaped tensor, not new math:
 *
 *     GroupNorm:    x [N, C, *]  ->  [N, G, (C/G)·prod(*)]    LayerNorm over the last dim
 *     InstanceNorm: x [N, C, *]  ->  [1, N·C, *]              BatchNorm in training mode
 *
 * then back to x's shape and the per-channel affine step y = γ_c x̂ + β_c. The
 * InstanceNorm route is PyTorch's own (`at::instance_norm` reshapes and calls
 * batch_norm), which also gives its running-statistics semantics for free.
 */
import {
  checkSameDtype,
  fmtShape,
  mul,
  ShapeError,
  type Tensor,
  ValueError,
  zeros,
} from '../../core/index.ts';
import { batchNorm, layerNorm } from './normalization.ts';

/** Options of `groupNorm`. */
export interface GroupNormOptions {
  /** γ, shape [C]; null or absent for no scale. */
  weight?: Tensor | null;
  /** β, shape [C]; null or absent for no shift. */
  bias?: Tensor | null;
  /** Added to the variance before the square root; 1e-5 by default. */
  eps?: number;
}

/**
 * Group normalization (Wu & He 2018, https://arxiv.org/abs/1803.08494), as
 * `F.group_norm`. The C channels of x [N, C, *] are split into G = numGroups
 * groups of C/G consecutive channels; for each sample n and group g, over the
 * (C/G)·prod(*) values of that group:
 *
 *     μ = mean,  σ² = mean of (x - μ)²   (biased)
 *     y = (x - μ) / sqrt(σ² + ε) · γ_c + β_c     (γ, β per channel, shape [C])
 *
 * No statistic crosses samples, so training and evaluation compute the same
 * thing and the result does not depend on the batch size. G = 1 is LayerNorm
 * over [C, *] with a per-channel affine; G = C is InstanceNorm without running
 * statistics.
 */
export function groupNorm(input: Tensor, numGroups: number, opts: GroupNormOptions = {}): Tensor {
  const { weight = null, bias = null, eps = 1e-5 } = opts;
  if (input.ndim < 2) {
    throw new ShapeError(
      `groupNorm: expected input with at least 2 dims [N, C, *], got input of shape ${fmtShape(input.shape)}`,
    );
  }
  const [n, c] = input.shape as [number, number];
  if (!Number.isInteger(numGroups) || numGroups < 1 || c % numGroups !== 0) {
    throw new ValueError(
      `groupNorm: numGroups must be a positive integer that divides the ${c} channels of input ${fmtShape(input.shape)}, got ${numGroups}`,
    );
  }
  checkPerChannel('groupNorm', input, { weight, bias });
  checkGroupSize('groupNorm', input, numGroups);
  const perGroup = (c / numGroups) * input.shape.slice(2).reduce((a, b) => a * b, 1);
  const grouped = input.reshape([n, numGroups, perGroup]);
  const out = layerNorm(grouped, [perGroup], { eps }).reshape(input.shape);
  return affinePerChannel(out, weight, bias);
}

/** Options of `instanceNorm` (F.instance_norm's arguments after input). */
export interface InstanceNormOptions {
  /** Running mean [C], updated in place when `useInputStats`; read when not. */
  runningMean?: Tensor | null;
  /** Running (unbiased) variance [C], as runningMean. */
  runningVar?: Tensor | null;
  /** γ, shape [C]; null or absent for no scale. */
  weight?: Tensor | null;
  /** β, shape [C]; null or absent for no shift. */
  bias?: Tensor | null;
  /** Normalize with each instance's own statistics (true, the default) or with the running ones. */
  useInputStats?: boolean;
  /** Weight of the new statistics in the running averages (default 0.1). */
  momentum?: number;
  /** Added to the variance before the square root; 1e-5 by default. */
  eps?: number;
}

/**
 * Instance normalization (Ulyanov, Vedaldi & Lempitsky 2016,
 * https://arxiv.org/abs/1607.08022), as `F.instance_norm`. For x [N, C, *],
 * with `useInputStats` (the default), per sample n and channel c over the
 * prod(*) spatial values:
 *
 *     y = (x - μ_nc) / sqrt(σ²_nc + ε) · γ_c + β_c       (σ² biased)
 *
 * and, when running statistics are given, they are updated in place with the
 * average over the batch of what BatchNorm would do per instance:
 *
 *     running_mean ← (1 - momentum) · running_mean + momentum · mean_n μ_nc
 *     running_var  ← (1 - momentum) · running_var  + momentum · mean_n σ²_nc · S / (S - 1)
 *
 * (S = prod(*), the unbiased estimate as in BatchNorm). With
 * `useInputStats: false`, μ and σ² are the running statistics, the same for every
 * instance: the computation is then BatchNorm's evaluation mode.
 *
 * Differs from PyTorch in one corner: an empty batch (N = 0) leaves the running
 * statistics as they were, where PyTorch averages over no instances and stores NaN.
 */
export function instanceNorm(input: Tensor, opts: InstanceNormOptions = {}): Tensor {
  const {
    runningMean = null,
    runningVar = null,
    weight = null,
    bias = null,
    useInputStats = true,
    momentum = 0.1,
    eps = 1e-5,
  } = opts;
  if (input.ndim < 2) {
    throw new ShapeError(
      `instanceNorm: expected input with at least 2 dims [N, C, *], got input of shape ${fmtShape(input.shape)}`,
    );
  }
  checkPerChannel('instanceNorm', input, { runningMean, runningVar, weight, bias });
  if ((runningMean === null) !== (runningVar === null)) {
    throw new ValueError('instanceNorm: runningMean and runningVar must both be given or both be null');
  }
  if (!useInputStats) {
    if (runningMean === null || runningVar === null) {
      throw new ValueError(
        'instanceNorm: runningMean and runningVar are needed when useInputStats is false (there are no statistics to normalize with)',
      );
    }
    return batchNorm(input, runningMean, runningVar, { weight, bias, training: false, eps });
  }
  checkSpatialSize('instanceNorm', input);
  const [n, c] = input.shape as [number, number];
  const spatial = input.shape.slice(2);
  // Each instance is a BatchNorm channel: γ and β are repeated per instance (differentiably, so their
  // gradients sum back over the batch) and the affine step runs inside BatchNorm's fused op, about
  // twice as fast as a separate broadcast multiply and add; the running statistics are repeated per
  // instance too, then averaged back.
  const repeatedParam = (t: Tensor | null) =>
    t === null
      ? null
      : t
          .unsqueeze(0)
          .expand([n, c])
          .reshape([n * c]);
  const repeated = (t: Tensor | null) => (t === null || n === 0 ? null : repeat(t, n));
  const rm = repeated(runningMean);
  const rv = repeated(runningVar);
  const out = batchNorm(input.reshape([1, n * c, ...spatial]), rm, rv, {
    weight: repeatedParam(weight),
    bias: repeatedParam(bias),
    training: true,
    momentum,
    eps,
  }).reshape(input.shape);
  if (rm !== null && rv !== null) {
    averageInto(runningMean!, rm, n);
    averageInto(runningVar!, rv, n);
  }
  return out;
}

/**
 * PyTorch's _verify_batch_size for group_norm: it refuses exactly a batch of one
 * whose groups hold one value each (x - μ = 0 everywhere), in both modes. Larger
 * batches of one-value groups pass, as in PyTorch, and give β.
 */
export function checkGroupSize(who: string, input: Tensor, numGroups: number): void {
  if (input.numel() === numGroups) {
    throw new ValueError(
      `${who}: Expected more than 1 value per group, got input size ${fmtShape(input.shape)} with numGroups=${numGroups} (a batch of one whose groups hold one value each)`,
    );
  }
}

/** PyTorch's _verify_spatial_size: with one spatial value an instance has no statistics to take. */
export function checkSpatialSize(who: string, input: Tensor): void {
  if (input.shape.slice(2).reduce((a, b) => a * b, 1) === 1) {
    throw new ValueError(
      `${who}: Expected more than 1 spatial element when training, got input size ${fmtShape(input.shape)}`,
    );
  }
}

/** Throws unless every given tensor has shape [C], C = input.shape[1], and the input's dtype (PyTorch refuses a mix). */
function checkPerChannel(who: string, input: Tensor, tensors: Record<string, Tensor | null>): void {
  checkSameDtype(who, { input, ...tensors });
  const c = input.shape[1]!;
  for (const [arg, t] of Object.entries(tensors)) {
    if (t !== null && (t.ndim !== 1 || t.shape[0] !== c)) {
      throw new ShapeError(
        `${who}: ${arg} should have shape [${c}] (the channels of input ${fmtShape(input.shape)}), got ${fmtShape(t.shape)}`,
      );
    }
  }
}

/** y = γ_c x̂ + β_c, with γ and β [C] broadcast over N and the spatial dims. */
function affinePerChannel(x: Tensor, weight: Tensor | null, bias: Tensor | null): Tensor {
  const perChannel = (t: Tensor) => t.reshape([1, x.shape[1]!, ...x.shape.slice(2).map(() => 1)]);
  let out = x;
  if (weight !== null) out = mul(out, perChannel(weight));
  if (bias !== null) out = out.add(perChannel(bias));
  return out;
}

/** [C] -> [n·C], the values repeated n times (bookkeeping for the running statistics, not in the graph). */
function repeat(t: Tensor, n: number): Tensor {
  const out = zeros([n * t.numel()], { dtype: t.dtype });
  for (let i = 0; i < n; i++) out.data.set(t.data, i * t.numel());
  return out;
}

/** target[c] = mean over i of repeated[i·C + c], in place. */
function averageInto(target: Tensor, repeated: Tensor, n: number): void {
  const c = target.numel();
  for (let j = 0; j < c; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += repeated.data[i * c + j]!;
    target.data[j] = s / n;
  }
}
