/**
 * What covariate-shift measures besides training: Santurkar et al.'s noisy
 * BatchNorm (a module) and the measurements taken at each checkpoint (the
 * last hidden layer's input percentiles, the loss landscape along the
 * gradient step, and the gradient-based covariate shift). The experiment's
 * constants stay in examples/covariate-shift.ts and come in as arguments.
 */
import { type Generator, noGrad, type Tensor, tensor } from '../../core/index.ts';
import { BatchNorm1d, F, Linear, Module, type Sequential, Sigmoid } from '../../nn/index.ts';
import { quantile } from '../lib/stats.ts';
import { fmt } from '../lib/verdict.ts';

// ---------------------------------------------------------------- noisy BatchNorm

/**
 * Santurkar et al.'s time-varying noise after BN: in training, each activation
 * gets i.i.d. noise N(m_t, s_t²) whose mean and spread are redrawn for every
 * step t (m_t ~ U(-1, 1), s_t ~ U(0.5, 1.5), one pair per layer), so the next
 * layer's input distribution keeps moving however well BN normalized it. One
 * noise sample is drawn per step and reused by every forward in that step.
 * Identity in evaluation.
 */
export class ShiftNoise extends Module {
  private mean = 0;
  private sd = 0;
  private sample: Tensor | null = null;

  constructor(
    private readonly generator: Generator,
    private readonly amplitude: number,
    private readonly sdRange: readonly [number, number],
  ) {
    super();
  }

  /** A new noise distribution for the coming training step. */
  resample(): void {
    this.mean = this.amplitude * (2 * this.generator.random() - 1);
    this.sd = this.sdRange[0] + (this.sdRange[1] - this.sdRange[0]) * this.generator.random();
    this.sample = null;
  }

  forward(x: Tensor): Tensor {
    if (!this.training) return x;
    if (this.sample === null || this.sample.numel() !== x.numel()) {
      const g = this.generator;
      this.sample = tensor(
        Float64Array.from({ length: x.numel() }, () => this.mean + this.sd * g.normal()),
        { shape: x.shape },
      );
    }
    return x.add(this.sample);
  }

  override extraRepr(): string {
    return `mean~U(-${fmt(this.amplitude)}, ${fmt(this.amplitude)}), sd~U(${this.sdRange[0]}, ${this.sdRange[1]}) per step`;
  }
}

// ---------------------------------------------------------------- measurements

function snapshot(ts: Iterable<Tensor>): [Tensor, Float64Array][] {
  return [...ts].map((t) => [t, Float64Array.from(t.data)]);
}

function restore(s: [Tensor, Float64Array][]): void {
  for (const [t, d] of s) t.data.set(d);
}

/** Per unit, its percentiles qs (e.g. 15th, 50th and 85th) over the rows of z [n, units]. */
function columnPercentiles(z: Tensor, qs: readonly number[]): number[][] {
  const [n, units] = z.shape as [number, number];
  return Array.from({ length: units }, (_, j) => {
    const col = Float64Array.from({ length: n }, (_, i) => z.data[i * units + j]!);
    return qs.map((q) => quantile(col, q));
  });
}

/** The inputs of the last hidden layer's sigmoid and of its BatchNorm (the Linear's output), if any. */
function lastLayerInputs(model: Sequential, x: Tensor): { sigmoid: Tensor; preBn: Tensor | null } {
  let h = x;
  let preBn: Tensor | null = null;
  let sigmoid = x;
  for (const m of model) {
    if (m instanceof BatchNorm1d) preBn = h;
    if (m instanceof Sigmoid) sigmoid = h;
    h = m.forward(h) as Tensor; // every child of an MLP maps a tensor to a tensor
  }
  return { sigmoid, preBn };
}

/**
 * The percentiles of every unit of the last hidden layer: its sigmoid input in
 * training mode (BN standardizes by the held-out batch's own statistics, the
 * noise is on) and in evaluation mode (running statistics, no noise), and its
 * Linear output before BN (evaluation mode; the same as the sigmoid input without BN).
 */
export function percentiles(
  model: Sequential,
  x: Tensor,
  qs: readonly number[],
): { train: number[][]; eval: number[][]; preBn: number[][] } {
  const buffers = snapshot(model.buffers()); // a training-mode forward would move the running statistics
  const train = noGrad(() => lastLayerInputs(model, x));
  restore(buffers);
  model.eval();
  const evald = noGrad(() => lastLayerInputs(model, x));
  model.train();
  return {
    train: columnPercentiles(train.sigmoid, qs),
    eval: columnPercentiles(evald.sigmoid, qs),
    preBn: columnPercentiles(evald.preBn ?? evald.sigmoid, qs),
  };
}

/**
 * Santurkar et al.'s landscape along the training path, on this batch: with
 * g = ∇L(w), for each step η of probeSteps x lr, the loss L(w − ηg) and the
 * gradient there. Returns the range of those losses (how much the loss changes
 * along the step), the largest gradient change ‖g − ∇L(w − ηg)‖ (gradient
 * predictiveness, smaller is more predictive) and the largest change per unit
 * moved, ‖g − ∇L(w − ηg)‖ / ‖ηg‖ (the effective β-smoothness).
 */
export function landscape(
  model: Sequential,
  x: Tensor,
  y: Tensor,
  lr: number,
  probeSteps: readonly number[],
): Landscape {
  const params = [...model.parameters()];
  const saved = snapshot([...params, ...model.buffers()]);
  const at = (): { loss: number; grad: Float64Array } => {
    model.zeroGrad();
    const loss = F.crossEntropy(model.forward(x), y);
    loss.backward();
    const grad = new Float64Array(params.reduce((n, p) => n + p.numel(), 0));
    let o = 0;
    for (const p of params) {
      grad.set(p.grad!.data, o);
      o += p.numel();
    }
    return { loss: loss.item(), grad };
  };
  const base = at();
  const gNorm = Math.sqrt(base.grad.reduce((a, v) => a + v * v, 0));
  const losses = [base.loss];
  let predictiveness = 0;
  let beta = 0;
  for (const k of probeSteps) {
    const eta = k * lr;
    restore(saved);
    noGrad(() => {
      let o = 0;
      for (const p of params) {
        for (let i = 0; i < p.numel(); i++) p.data[i] = p.data[i]! - eta * base.grad[o + i]!;
        o += p.numel();
      }
    });
    const moved = at();
    losses.push(moved.loss);
    let d2 = 0;
    for (let i = 0; i < moved.grad.length; i++) d2 += (moved.grad[i]! - base.grad[i]!) ** 2;
    const change = Math.sqrt(d2);
    predictiveness = Math.max(predictiveness, change);
    beta = Math.max(beta, gNorm > 0 ? change / (eta * gNorm) : 0);
  }
  restore(saved);
  model.zeroGrad();
  return { lossRange: Math.max(...losses) - Math.min(...losses), predictiveness, beta };
}

/**
 * Santurkar et al.'s internal covariate shift of the last hidden Linear: its
 * weight gradient G on this batch, and G' on the same batch after the earlier
 * layers have taken their SGD step of rate lr. Returns ||G - G'|| / ||G|| and cos(G, G').
 */
export function gradientShift(
  model: Sequential,
  x: Tensor,
  y: Tensor,
  lr: number,
): { rel: number; abs: number; cos: number } {
  const children = [...model];
  const linearIdx = children.flatMap((m, i) => (m instanceof Linear ? [i] : []));
  const target = children[linearIdx[linearIdx.length - 2]!] as Linear; // the last hidden Linear
  const earlier = children.slice(0, linearIdx[linearIdx.length - 2]!).flatMap((m) => [...m.parameters()]);
  const saved = snapshot([...model.parameters(), ...model.buffers()]);
  const gradOf = (): Float64Array => {
    model.zeroGrad();
    F.crossEntropy(model.forward(x), y).backward();
    return Float64Array.from(target.weight.grad!.data);
  };
  const g = gradOf();
  noGrad(() => {
    for (const p of earlier)
      for (let k = 0; k < p.numel(); k++) p.data[k] = p.data[k]! - lr * p.grad!.data[k]!;
  });
  const g2 = gradOf();
  restore(saved);
  model.zeroGrad();
  let dot = 0;
  let nn = 0;
  let n2 = 0;
  let diff = 0;
  for (let k = 0; k < g.length; k++) {
    dot += g[k]! * g2[k]!;
    nn += g[k]! ** 2;
    n2 += g2[k]! ** 2;
    diff += (g[k]! - g2[k]!) ** 2;
  }
  return { rel: Math.sqrt(diff / nn), abs: Math.sqrt(diff), cos: dot / Math.sqrt(nn * n2) };
}

/** Santurkar et al.'s measures at one point of the training path (see `landscape`). */
export interface Landscape {
  lossRange: number;
  predictiveness: number;
  beta: number;
}
