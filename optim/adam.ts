import type { Tensor } from '../core/index.ts';
import {
  checks,
  type Defaults,
  Optimizer,
  type ParamGroup,
  type Params,
  type StateValue,
  zerosBuffer,
} from './optimizer.ts';
import { optionalStateTensor, stateNumber, stateTensor } from './state-dict.ts';

/** Options of `Adam` and `AdamW`, with PyTorch's defaults. */
export interface AdamOptions {
  /** Learning rate γ (default 1e-3). */
  lr: number;
  /** Decay rates [β1, β2] of the first and second moment estimates (default [0.9, 0.999]). */
  betas: [number, number];
  /** ε added to the denominator after the square root (default 1e-8). */
  eps: number;
  /** λ: an L2 penalty added to the gradient for Adam (default 0); decoupled decay for AdamW (default 0.01). */
  weightDecay: number;
  /** Use the running maximum of the second moment (AMSGrad; default false). */
  amsgrad: boolean;
  /** Ascend the objective instead of descending it (default false). */
  maximize: boolean;
}

/**
 * `step`, `exp_avg`, `exp_avg_sq` and, with amsgrad, `max_exp_avg_sq` in a state dict.
 *
 * @property step - Updates taken so far (t in the bias corrections).
 * @property expAvg - m_t, the running average of the gradient.
 * @property expAvgSq - v_t, the running average of the squared gradient.
 * @property maxExpAvgSq - max over time of v_t (amsgrad only).
 */
export type AdamState = { step: number; expAvg: Tensor; expAvgSq: Tensor; maxExpAvgSq?: Tensor };

/**
 * Adam and AdamW share everything but where the weight decay goes. The update
 * for one parameter θ with gradient g, at its t-th step:
 *
 *     g ← -g                                   if maximize
 *     g ← g + λ θ          (Adam)    or    θ ← θ (1 - γ λ)   (AdamW, decoupled)
 *     m ← β1 m + (1 - β1) g
 *     v ← β2 v + (1 - β2) g²
 *     v ← max(vmax, v) as vmax                  if amsgrad
 *     θ ← θ - γ / (1 - β1^t) · m / (√v / √(1 - β2^t) + ε)
 *
 * ε is added to the square root of the bias-corrected second moment, in
 * PyTorch's order of operations (not to the uncorrected root, as the paper writes it).
 */
export abstract class AdamBase extends Optimizer<AdamOptions, AdamState> {
  /** Whether weight decay shrinks θ directly (AdamW) instead of joining the gradient (Adam). */
  protected abstract readonly decoupled: boolean;

  protected constructor(
    name: string,
    params: Params<AdamOptions>,
    defaults: Defaults<AdamOptions>,
    given: object,
  ) {
    super(name, params, defaults, given);
  }

  protected checkOptions(o: Partial<AdamOptions>): string | null {
    const msg = checks.lr(o.lr) ?? checks.eps(o.eps);
    if (msg !== null) return msg;
    if (o.betas !== undefined) {
      if (!Array.isArray(o.betas) || o.betas.length !== 2) {
        return `betas must be a pair [beta1, beta2] (got ${JSON.stringify(o.betas)})`;
      }
      for (const i of [0, 1]) {
        const b = o.betas[i]!;
        if (!(b >= 0 && b < 1)) return `Invalid beta parameter at index ${i}: ${b}`;
      }
    }
    return checks.weightDecay(o.weightDecay);
  }

  protected updateParam(
    param: Tensor,
    grad: Tensor,
    state: AdamState | undefined,
    group: ParamGroup<AdamOptions>,
  ): AdamState {
    const { lr, eps, weightDecay, amsgrad, maximize } = group;
    const [beta1, beta2] = group.betas;
    const s: AdamState = state ?? { step: 0, expAvg: zerosBuffer(param), expAvgSq: zerosBuffer(param) };
    if (amsgrad && s.maxExpAvgSq === undefined) s.maxExpAvgSq = zerosBuffer(param);
    s.step += 1;
    const stepSize = lr / (1 - beta1 ** s.step);
    const bias2Sqrt = Math.sqrt(1 - beta2 ** s.step);
    const decay = this.decoupled ? 1 - lr * weightDecay : 1;
    const l2 = this.decoupled ? 0 : weightDecay;
    const x = param.data;
    const g = grad.data;
    const m = s.expAvg.data;
    const v = s.expAvgSq.data;
    const vmax = amsgrad ? s.maxExpAvgSq!.data : v;
    const n = x.length;
    const c1 = 1 - beta1;
    const c2 = 1 - beta2;
    for (let i = 0; i < n; i++) {
      let gi = maximize ? -g[i]! : g[i]!;
      if (l2 !== 0) gi += l2 * x[i]!;
      const xi = this.decoupled ? x[i]! * decay : x[i]!;
      const mi = m[i]! * beta1 + c1 * gi;
      const vi = v[i]! * beta2 + c2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      if (amsgrad) vmax[i] = Math.max(vmax[i]!, vi);
      const denom = Math.sqrt(vmax[i]!) / bias2Sqrt + eps;
      x[i] = xi + (-stepSize * mi) / denom;
    }
    return s;
  }

  protected parseState(raw: Record<string, StateValue>, where: string): AdamState {
    const s: AdamState = {
      step: stateNumber(raw, 'step', where),
      expAvg: stateTensor(raw, 'expAvg', where),
      expAvgSq: stateTensor(raw, 'expAvgSq', where),
    };
    const maxExpAvgSq = optionalStateTensor(raw, 'maxExpAvgSq');
    if (maxExpAvgSq !== undefined) s.maxExpAvgSq = maxExpAvgSq;
    return s;
  }
}

function adamDefaults(options: Partial<AdamOptions>, weightDecay: number): Defaults<AdamOptions> {
  return {
    lr: options.lr ?? 1e-3,
    betas: options.betas ?? [0.9, 0.999],
    eps: options.eps ?? 1e-8,
    weightDecay: options.weightDecay ?? weightDecay,
    amsgrad: options.amsgrad ?? false,
    maximize: options.maximize ?? false,
  };
}

/**
 * Adam, as `torch.optim.Adam` (https://pytorch.org/docs/stable/generated/torch.optim.Adam.html):
 * weight decay is an L2 penalty λθ added to the gradient, so it is rescaled by
 * the adaptive denominator like the rest of the gradient. See AdamBase for the update.
 */
export class Adam extends AdamBase {
  protected readonly decoupled = false;
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super('Adam', params, adamDefaults(options, 0), options);
  }
}

/**
 * AdamW, as `torch.optim.AdamW` (https://pytorch.org/docs/stable/generated/torch.optim.AdamW.html):
 * decoupled weight decay (Loshchilov & Hutter), θ ← θ(1 - γλ) before the Adam
 * step, so every weight decays at the same rate whatever its gradient history.
 * The default λ is 0.01. See AdamBase for the update.
 */
export class AdamW extends AdamBase {
  protected readonly decoupled = true;
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super('AdamW', params, adamDefaults(options, 0.01), options);
  }
}
