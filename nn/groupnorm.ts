import { fmtShape, ShapeError, type Tensor, ValueError, zeros } from '../core/index.ts';
import { checkGroupSize, groupNorm } from './functional/group-norm.ts';
import { ones_, zeros_ } from './init.ts';
import { Module } from './module.ts';
import { pyBool, pyFloat } from './repr.ts';

/** Options of `GroupNorm` (PyTorch's keyword arguments after numGroups and numChannels). */
export interface GroupNormOptions {
  /** Added to the variance before the square root; 1e-5 by default. */
  eps?: number;
  /** Learn a per-channel scale γ and shift β (true by default). */
  affine?: boolean;
}

/**
 * Group normalization (Wu & He 2018, https://arxiv.org/abs/1803.08494), as
 * `torch.nn.GroupNorm`. The C = numChannels channels of input [N, C, *] are
 * split into G = numGroups groups of C/G consecutive channels, and each group
 * of each sample is normalized over its (C/G)·prod(*) values:
 *
 *     y = (x - E[x]) / sqrt(Var[x] + ε) · γ + β      (Var biased; γ, β per channel)
 *
 * No statistic crosses samples and no running statistics are kept, so training
 * and evaluation compute the same function at every batch size, which is the
 * point of the paper: BatchNorm's error grows at small batches, GroupNorm's
 * does not. G = 1 is LayerNorm over [C, *] (with a per-channel affine), G = C
 * is InstanceNorm. γ (`weight`, ones) and β (`bias`, zeros) have shape [C].
 */
export class GroupNorm extends Module {
  /** Groups the channels are split into (`num_groups`). */
  readonly numGroups: number;
  /** C, channels expected in dim 1 (`num_channels`). */
  readonly numChannels: number;
  /** Added to the variance before the square root. */
  readonly eps: number;
  /** Whether the per-channel γ and β are learned. */
  readonly affine: boolean;
  /** γ, shape [C]; null without affine. */
  readonly weight: Tensor | null;
  /** β, shape [C]; null without affine. */
  readonly bias: Tensor | null;

  constructor(numGroups: number, numChannels: number, opts: GroupNormOptions = {}) {
    super();
    for (const [arg, v] of [
      ['numGroups', numGroups],
      ['numChannels', numChannels],
    ] as const) {
      if (!Number.isInteger(v) || v < 1) {
        throw new ValueError(`GroupNorm: ${arg} must be a positive integer, got ${v}`);
      }
    }
    if (numChannels % numGroups !== 0) {
      throw new ValueError(
        `GroupNorm: numChannels must be divisible by numGroups, got numChannels=${numChannels} and numGroups=${numGroups}`,
      );
    }
    const eps = opts.eps ?? 1e-5;
    if (typeof eps !== 'number' || !(eps >= 0 && eps < Number.POSITIVE_INFINITY)) {
      throw new ValueError(`GroupNorm: eps must be a finite number >= 0, got ${eps}`);
    }
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = eps;
    this.affine = opts.affine ?? true;
    this.weight = this.registerParameter('weight', this.affine ? zeros([numChannels]) : null);
    this.bias = this.registerParameter('bias', this.affine ? zeros([numChannels]) : null);
    this.resetParameters();
  }

  /** γ = 1, β = 0: the layer starts as a pure normalization. */
  resetParameters(): void {
    if (this.weight !== null) ones_(this.weight);
    if (this.bias !== null) zeros_(this.bias);
  }

  override forward(input: Tensor): Tensor {
    if (input.ndim < 2) {
      throw new ShapeError(
        `GroupNorm: expected input with at least 2 dims [N, C, *] (got ${input.ndim}D input of shape ${fmtShape(input.shape)})`,
      );
    }
    if (input.shape[1] !== this.numChannels) {
      throw new ShapeError(
        `GroupNorm: expected input with ${this.numChannels} channels (numChannels) in dim 1, got input of shape ${fmtShape(input.shape)}`,
      );
    }
    checkGroupSize(this.name, input, this.numGroups);
    return groupNorm(input, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyBool(this.affine)}`;
  }
}
