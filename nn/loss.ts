/**
 * Loss modules, as in `torch.nn`: each stores its options and delegates to the
 * functional of the same meaning (see nn/functional/loss.ts for the formulas).
 * Class and positive weights are buffers, as PyTorch registers them, so they
 * appear in the state dict under `weight` and `pos_weight`.
 */
import { checkTensor, type Tensor } from '../core/index.ts';
import * as F from './functional/loss.ts';
import { Module } from './module.ts';

export class MSELoss extends Module {
  /** 'mean', 'sum' or 'none' (see `F.Reduction`). */
  readonly reduction: F.Reduction;
  constructor(opts: F.ReductionOptions = {}) {
    super();
    this.reduction = opts.reduction ?? 'mean';
  }
  forward(input: Tensor, target: Tensor): Tensor {
    checkTensor(`${this.name}.forward`, 'input', input);
    checkTensor(`${this.name}.forward`, 'target', target);
    return F.mseLoss(input, target, { reduction: this.reduction });
  }
}

export class NLLLoss extends Module {
  /** 'mean', 'sum' or 'none' (see `F.Reduction`). */
  readonly reduction: F.Reduction;
  /** A target class that contributes neither loss nor gradient (`ignore_index`). */
  readonly ignoreIndex: number;
  /** Rescaling weight (per class, or per element for BCE), or null. */
  weight: Tensor | null;
  constructor(opts: F.ClassLossOptions = {}) {
    super();
    this.reduction = opts.reduction ?? 'mean';
    this.ignoreIndex = opts.ignoreIndex ?? -100;
    this.weight = this.registerBuffer('weight', opts.weight ?? null);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    checkTensor(`${this.name}.forward`, 'input', input);
    checkTensor(`${this.name}.forward`, 'target', target);
    return F.nllLoss(input, target, {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
    });
  }
}

export class CrossEntropyLoss extends Module {
  /** 'mean', 'sum' or 'none' (see `F.Reduction`). */
  readonly reduction: F.Reduction;
  /** A target class that contributes neither loss nor gradient (`ignore_index`). */
  readonly ignoreIndex: number;
  /** Mass spread uniformly over the classes (`label_smoothing`). */
  readonly labelSmoothing: number;
  /** Rescaling weight (per class, or per element for BCE), or null. */
  weight: Tensor | null;
  constructor(opts: F.CrossEntropyOptions = {}) {
    super();
    this.reduction = opts.reduction ?? 'mean';
    this.ignoreIndex = opts.ignoreIndex ?? -100;
    this.labelSmoothing = opts.labelSmoothing ?? 0;
    this.weight = this.registerBuffer('weight', opts.weight ?? null);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    checkTensor(`${this.name}.forward`, 'input', input);
    checkTensor(`${this.name}.forward`, 'target', target);
    return F.crossEntropy(input, target, {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
      labelSmoothing: this.labelSmoothing,
    });
  }
}

export class BCELoss extends Module {
  /** 'mean', 'sum' or 'none' (see `F.Reduction`). */
  readonly reduction: F.Reduction;
  /** Rescaling weight (per class, or per element for BCE), or null. */
  weight: Tensor | null;
  constructor(opts: F.BCEOptions = {}) {
    super();
    this.reduction = opts.reduction ?? 'mean';
    this.weight = this.registerBuffer('weight', opts.weight ?? null);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    checkTensor(`${this.name}.forward`, 'input', input);
    checkTensor(`${this.name}.forward`, 'target', target);
    return F.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

export class BCEWithLogitsLoss extends Module {
  /** 'mean', 'sum' or 'none' (see `F.Reduction`). */
  readonly reduction: F.Reduction;
  /** Rescaling weight (per class, or per element for BCE), or null. */
  weight: Tensor | null;
  /** Weight of the positive examples per class (`pos_weight`), or null. */
  posWeight: Tensor | null;
  constructor(opts: F.BCEWithLogitsOptions = {}) {
    super();
    this.reduction = opts.reduction ?? 'mean';
    this.weight = this.registerBuffer('weight', opts.weight ?? null);
    this.posWeight = this.registerBuffer('pos_weight', opts.posWeight ?? null);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    checkTensor(`${this.name}.forward`, 'input', input);
    checkTensor(`${this.name}.forward`, 'target', target);
    return F.binaryCrossEntropyWithLogits(input, target, {
      weight: this.weight,
      posWeight: this.posWeight,
      reduction: this.reduction,
    });
  }
}
