/**
 * C3 on real data: the data module's MinMaxScaler and StandardScaler against
 * the article's formulas written out here independently (plain loops, and
 * mathjs for the population standard deviation), and their inverse transforms.
 *
 *     [0, 1]:  f' = (f - f_min) / (f_max - f_min)
 *     [-1, 1]: f' = 2 (f - f_min) / (f_max - f_min) - 1
 *     [a, b]:  f' = (b - a) (f - f_min) / (f_max - f_min) + a
 *     z-score: f' = (f - μ) / σ,  μ = (1/n) Σ f_i,  σ = sqrt((1/n) Σ (f_i - μ)²)
 */
import { std } from 'mathjs';
import type { Tensor } from '../../core/index.ts';
import { MinMaxScaler, StandardScaler } from '../../data/index.ts';

export interface ScalerCheck {
  rows: { check: string; kind: 'formula' | 'inverse' | 'sigma'; deviation: number }[];
  /** Relative gap between the fitted z-score scale and the sample (n - 1) standard deviation. */
  sampleSigmaGap: number;
}

function columns(x: Tensor): number[][] {
  const [n, f] = x.shape as [number, number];
  return Array.from({ length: f }, (_, j) => Array.from({ length: n }, (_, i) => x.data[i * f + j]!));
}

/** Largest |a - b| over two [n, f] tensors, the second given as columns. */
function maxDiff(t: Tensor, cols: number[][]): number {
  const f = cols.length;
  let m = 0;
  for (let k = 0; k < t.numel(); k++)
    m = Math.max(m, Math.abs(t.data[k]! - cols[k % f]![Math.floor(k / f)]!));
  return m;
}

/** Largest |x - inverse(transform(x))| relative to the largest |x|. */
function roundTrip(x: Tensor, back: Tensor): number {
  let m = 0;
  let big = 0;
  for (let k = 0; k < x.numel(); k++) {
    m = Math.max(m, Math.abs(x.data[k]! - back.data[k]!));
    big = Math.max(big, Math.abs(x.data[k]!));
  }
  return m / big;
}

export function checkScalers(sets: readonly { name: string; x: Tensor }[]): ScalerCheck {
  const rows: ScalerCheck['rows'] = [];
  let sampleSigmaGap = 0;
  for (const { name, x } of sets) {
    const cols = columns(x);
    const n = cols[0]!.length;
    const ranges: [string, number, number][] = [
      ['[0, 1]', 0, 1],
      ['[-1, 1]', -1, 1],
      ['[-3, 5]', -3, 5],
    ];
    for (const [label, a, b] of ranges) {
      const s = new MinMaxScaler({ featureRange: [a, b] });
      const t = s.fitTransform(x);
      const expected = cols.map((c) => {
        const lo = Math.min(...c);
        const hi = Math.max(...c);
        const unit = c.map((v) => (v - lo) / (hi - lo));
        if (a === 0 && b === 1) return unit;
        if (a === -1 && b === 1) return unit.map((u) => 2 * u - 1);
        return unit.map((u) => (b - a) * u + a);
      });
      rows.push({
        check: `min-max ${label} vs formula, ${name}`,
        kind: 'formula',
        deviation: maxDiff(t, expected),
      });
      rows.push({
        check: `min-max ${label} inverse restores x, ${name} (relative)`,
        kind: 'inverse',
        deviation: roundTrip(x, s.inverseTransform(t)),
      });
    }
    const z = new StandardScaler();
    const t = z.fitTransform(x);
    const mus = cols.map((c) => c.reduce((s, v) => s + v, 0) / n);
    const sigmas = cols.map((c, j) => Math.sqrt(c.reduce((s, v) => s + (v - mus[j]!) ** 2, 0) / n));
    const expected = cols.map((c, j) => c.map((v) => (v - mus[j]!) / sigmas[j]!));
    rows.push({
      check: `z-score vs formula (population sigma), ${name}`,
      kind: 'formula',
      deviation: maxDiff(t, expected),
    });
    const scale = [...z.scale.data];
    const mathjsSigma = cols.map((c) => std(c, 'uncorrected') as number);
    rows.push({
      check: `z-score scale vs mathjs population sigma, ${name} (relative)`,
      kind: 'sigma',
      deviation: Math.max(...scale.map((s, j) => Math.abs(s - mathjsSigma[j]!) / mathjsSigma[j]!)),
    });
    rows.push({
      check: `z-score inverse restores x, ${name} (relative)`,
      kind: 'inverse',
      deviation: roundTrip(x, z.inverseTransform(t)),
    });
    const sampleSigma = cols.map((c) => std(c, 'unbiased') as number);
    sampleSigmaGap = Math.max(...scale.map((s, j) => Math.abs(s - sampleSigma[j]!) / sampleSigma[j]!));
  }
  return { rows, sampleSigmaGap };
}
