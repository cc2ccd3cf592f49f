import type { Tensor } from '../core/index.ts';
import {
  checks,
  Optimizer,
  type ParamGroup,
  type Params,
  type StateValue,
  zerosBuffer,
} from './optimizer.ts';
import { optionalStateTensor, stateNumber, stateTensor } from './state-dict.ts';

/** Options of `RMSprop`, with PyTorch's defaults. */
export interface RMSpropOptions {
  /** Learning rate γ (default 1e-2). */
  lr: number;
  /** Smoothing constant α of the squared-gradient average (default 0.99). */
  alpha: number;
  /** ε added to the denominator after the square root (default 1e-8). */
  eps: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay: number;
  /** Momentum factor μ (default 0). */
  momentum: number;
  /** Divide by the estimated variance of the gradient instead of its raw second moment (default false). */
  centered: boolean;
  /** Ascend the objective instead of descending it (default false). */
  maximize: boolean;
}

/**
 * `step`, `square_avg`, and `momentum_buffer` (momentum > 0) / `grad_avg` (centered) in a state dict.
 *
 * @property step - Updates taken so far.
 * @property squareAvg - v_t = α v_{t-1} + (1 - α) g², the running average of the squared gradient.
 * @property momentumBuffer - b_t = μ b_{t-1} + g / (√v_t + eps) (momentum > 0 only).
 * @property gradAvg - The running average of the gradient, subtracted from v_t's square root when centered.
 */
export type RMSpropState = { step: number; squareAvg: Tensor; momentumBuffer?: Tensor; gradAvg?: Tensor };

/**
 * RMSprop, as `torch.optim.RMSprop`
 * (https://pytorch.org/docs/stable/generated/torch.optim.RMSprop.html). Per
 * step, for each parameter θ with gradient g:
 *
 *     g ← -g                               if maximize
 *     g ← g + λ θ                          if λ ≠ 0
 *     v ← α v + (1 - α) g²
 *     ḡ ← α ḡ + (1 - α) g;  d ← √(v - ḡ²) + ε     if centered
 *                           d ← √v + ε           otherwise
 *     b ← μ b + g / d;  θ ← θ - γ b             if μ > 0 (b starts at zero)
 *     θ ← θ - γ g / d                           otherwise
 *
 * ε is added after the square root, as in PyTorch (Keras adds it inside).
 */
export class RMSprop extends Optimizer<RMSpropOptions, RMSpropState> {
  constructor(params: Params<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super(
      'RMSprop',
      params,
      {
        lr: options.lr ?? 1e-2,
        alpha: options.alpha ?? 0.99,
        eps: options.eps ?? 1e-8,
        weightDecay: options.weightDecay ?? 0,
        momentum: options.momentum ?? 0,
        centered: options.centered ?? false,
        maximize: options.maximize ?? false,
      },
      options,
    );
  }

  protected checkOptions(o: Partial<RMSpropOptions>): string | null {
    return (
      checks.lr(o.lr) ??
      checks.eps(o.eps) ??
      checks.momentum(o.momentum) ??
      checks.weightDecay(o.weightDecay) ??
      // alpha above 1 makes the running average of g² negative and its square root NaN
      (o.alpha !== undefined && !(o.alpha >= 0 && o.alpha <= 1) ? `Invalid alpha value: ${o.alpha}` : null)
    );
  }

  protected updateParam(
    param: Tensor,
    grad: Tensor,
    state: RMSpropState | undefined,
    group: ParamGroup<RMSpropOptions>,
  ): RMSpropState {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    const s: RMSpropState = state ?? { step: 0, squareAvg: zerosBuffer(param) };
    if (momentum > 0 && s.momentumBuffer === undefined) s.momentumBuffer = zerosBuffer(param);
    if (centered && s.gradAvg === undefined) s.gradAvg = zerosBuffer(param);
    s.step += 1;
    const x = param.data;
    const g = grad.data;
    const v = s.squareAvg.data;
    const gAvg = centered ? s.gradAvg!.data : v;
    const b = momentum > 0 ? s.momentumBuffer!.data : v;
    const c = 1 - alpha;
    const n = x.length;
    for (let i = 0; i < n; i++) {
      let gi = maximize ? -g[i]! : g[i]!;
      if (weightDecay !== 0) gi += weightDecay * x[i]!;
      const vi = v[i]! * alpha + c * gi * gi;
      v[i] = vi;
      let avg: number;
      if (centered) {
        const ga = gAvg[i]! * alpha + c * gi;
        gAvg[i] = ga;
        avg = Math.sqrt(vi - ga * ga) + eps;
      } else avg = Math.sqrt(vi) + eps;
      if (momentum > 0) {
        const bi = b[i]! * momentum + gi / avg;
        b[i] = bi;
        x[i] = x[i]! + -lr * bi;
      } else x[i] = x[i]! + (-lr * gi) / avg;
    }
    return s;
  }

  protected parseState(raw: Record<string, StateValue>, where: string): RMSpropState {
    const s: RMSpropState = {
      step: stateNumber(raw, 'step', where),
      squareAvg: stateTensor(raw, 'squareAvg', where),
    };
    const momentumBuffer = optionalStateTensor(raw, 'momentumBuffer');
    const gradAvg = optionalStateTensor(raw, 'gradAvg');
    if (momentumBuffer !== undefined) s.momentumBuffer = momentumBuffer;
    if (gradAvg !== undefined) s.gradAvg = gradAvg;
    return s;
  }
}
