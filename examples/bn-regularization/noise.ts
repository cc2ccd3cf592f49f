/**
 * The noise BN's batch statistics put into a normalized value (C10), and
 * dropout's in the same units: the measuring half of bn-regularization, apart
 * from its runs. The experiment's constants come in as arguments.
 */
import { Generator, noGrad, type Tensor } from '../../core/index.ts';
import { BatchNorm1d, Dropout, Linear, type Sequential } from '../../nn/index.ts';
import { mean, sd } from '../common/mlp.ts';

export interface Noise {
  /** Per probed digit: the normalized value of unit 0 in each random batch, and with the running statistics. */
  unit0: { batchValues: number[]; evalValue: number }[];
  /** SD across batches of the normalized value, averaged over the units and the probed digits. */
  meanSd: number;
  /** The same for unit 0 and the first probed digit. */
  firstSd: number;
}

/**
 * The normalized value BN computes in training for row `members[0]` of z
 * ([n, h]) in the batch of rows `members`, per unit:
 * (z - batch mean) / sqrt(biased batch variance + eps).
 */
export function normalizedInBatch(z: Tensor, members: readonly number[], eps: number): Float64Array {
  const h = z.shape[1]!;
  const out = new Float64Array(h);
  const s = members[0]!;
  for (let u = 0; u < h; u++) {
    let m = 0;
    for (const j of members) m += z.data[j * h + u]!;
    m /= members.length;
    let v = 0;
    for (const j of members) v += (z.data[j * h + u]! - m) ** 2;
    v /= members.length;
    out[u] = (z.data[s * h + u]! - m) / Math.sqrt(v + eps);
  }
  return out;
}

/**
 * The first BN layer's input z = x Wᵀ (its Linear has no bias) for every
 * training digit; then, for each of the first `o.samples` digits (the probed
 * ones) and each of `o.batches` random batches of it and `o.batch` − 1 other
 * training digits, the digit's normalized value per unit, exactly as BN
 * computes it in training.
 */
export function batchNoise(
  model: Sequential,
  x: Tensor,
  seed: number,
  o: { batches: number; samples: number; batch: number },
): Noise {
  const lin = [...model].find((m): m is Linear => m instanceof Linear)!;
  const bn = [...model].find((m): m is BatchNorm1d => m instanceof BatchNorm1d)!;
  const z = noGrad(() => lin.forward(x));
  const [n, h] = z.shape as [number, number];
  const g = new Generator(seed);
  const sds: number[] = [];
  const unit0: Noise['unit0'] = [];
  for (let s = 0; s < Math.min(o.samples, n); s++) {
    const values = Array.from({ length: h }, () => new Array<number>(o.batches));
    for (let b = 0; b < o.batches; b++) {
      const members = [s];
      while (members.length < Math.min(o.batch, n)) {
        const j = g.randint(0, n);
        if (!members.includes(j)) members.push(j);
      }
      normalizedInBatch(z, members, bn.eps).forEach((v, u) => {
        values[u]![b] = v;
      });
    }
    for (const vs of values) sds.push(sd(vs));
    const evalValue =
      (z.data[s * h]! - bn.runningMean!.data[0]!) / Math.sqrt(bn.runningVar!.data[0]! + bn.eps);
    unit0.push({ batchValues: values[0]!, evalValue });
  }
  return { unit0, meanSd: mean(sds), firstSd: sd(unit0[0]!.batchValues) };
}

/**
 * Dropout's noise in the same units: for a kept-or-dropped unit of value a the
 * output is 0 or a / (1 − p), a standard deviation of a · sqrt(p / (1 − p)) over
 * masks; divided by the unit's spread over the training digits, averaged over
 * the first hidden layer's units (with a nonzero spread) and the first
 * `samples` (probed) digits.
 */
export function dropoutNoise(model: Sequential, x: Tensor, p: number, samples: number): number {
  const layers = [...model];
  const at = layers.findIndex((m) => m instanceof Dropout);
  const a = noGrad(() => {
    let t = x;
    for (const m of layers.slice(0, at)) t = m.forward(t) as Tensor;
    return t;
  });
  const [n, h] = a.shape as [number, number];
  const ratios: number[] = [];
  for (let u = 0; u < h; u++) {
    const col = Array.from({ length: n }, (_, i) => a.data[i * h + u]!);
    const spreadU = Math.sqrt(mean(col.map((v) => (v - mean(col)) ** 2)));
    if (spreadU <= 0) continue;
    for (let s = 0; s < Math.min(samples, n); s++) ratios.push((col[s]! * Math.sqrt(p / (1 - p))) / spreadU);
  }
  return mean(ratios);
}
