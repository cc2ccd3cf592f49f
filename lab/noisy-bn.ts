import { type Generator, nn, type Tensor, tensor } from '../browser.ts';

/** Santurkar et al.'s noise: mean ~ U(-NOISE_MEAN, NOISE_MEAN), sd ~ U(NOISE_SD[0], NOISE_SD[1]), as examples/covariate-shift.ts. */
export const NOISE_MEAN = 1;
export const NOISE_SD: readonly [number, number] = [0.5, 1.5];

/**
 * The "noisy BN" of Santurkar et al. 2018 (https://arxiv.org/abs/1805.11604),
 * placed after a BatchNorm: in training each activation gets i.i.d. noise
 * N(m_t, s_t²) whose mean and spread are redrawn every step t, so the next
 * layer's input distribution keeps moving however well BN normalized it. The
 * lab's measurements switch it off (`active = false`) so that looking never
 * draws from its generator and a measured run trains exactly like an unmeasured one.
 */
export class ShiftNoise extends nn.Module {
  active = true;
  private mean = 0;
  private sd = 0;

  constructor(private readonly generator: Generator) {
    super();
  }

  /** A new noise distribution for the coming training step. */
  resample(): void {
    this.mean = NOISE_MEAN * (2 * this.generator.random() - 1);
    this.sd = NOISE_SD[0] + (NOISE_SD[1] - NOISE_SD[0]) * this.generator.random();
  }

  forward(x: Tensor): Tensor {
    if (!this.training || !this.active) return x;
    const g = this.generator;
    const noise = Float64Array.from({ length: x.numel }, () => this.mean + this.sd * g.normal());
    return x.add(tensor(noise, { shape: x.shape }));
  }

  override extraRepr(): string {
    return `mean~U(-${NOISE_MEAN}, ${NOISE_MEAN}), sd~U(${NOISE_SD[0]}, ${NOISE_SD[1]}) per step`;
  }
}
