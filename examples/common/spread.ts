/**
 * Mean and spread of a handful of numbers (one per seed, one per repetition),
 * for the experiments that report several seeds.
 */
import { ValueError } from '../../core/index.ts';

export interface Spread {
  n: number;
  mean: number;
  /** Sample standard deviation (divisor n - 1); 0 for a single value. */
  sd: number;
  min: number;
  max: number;
}

function checkNonEmpty(who: string, xs: readonly number[]): void {
  if (xs.length === 0) throw new ValueError(`${who}: needs at least one value, got an empty list`);
}

export function mean(xs: readonly number[]): number {
  checkNonEmpty('mean', xs);
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Mean, sample standard deviation, minimum and maximum. */
export function spread(xs: readonly number[]): Spread {
  checkNonEmpty('spread', xs);
  const m = mean(xs);
  const sd = xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
  return { n: xs.length, mean: m, sd, min: Math.min(...xs), max: Math.max(...xs) };
}

/** The q-quantile (0 <= q <= 1) with linear interpolation between order statistics, as numpy's default. */
export function quantile(xs: readonly number[], q: number): number {
  checkNonEmpty('quantile', xs);
  if (!(q >= 0 && q <= 1)) throw new ValueError(`quantile: q must be in [0, 1], got ${q}`);
  const s = [...xs].sort((a, b) => a - b);
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (pos - lo) * (s[hi]! - s[lo]!);
}

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** "mean ± sd (min to max, n = k)" for tables and notes. */
export function describeSpread(s: Spread, digits = 2): string {
  const f = (v: number) => v.toFixed(digits);
  return s.n === 1
    ? `${f(s.mean)} (one seed)`
    : `${f(s.mean)} ± ${f(s.sd)} (${f(s.min)} to ${f(s.max)}, n = ${s.n})`;
}

/**
 * The one-sided sign test's threshold: the smallest k with P(X >= k) <= level
 * for X ~ Binomial(n, 1/2), i.e. how many of n paired comparisons must go one
 * way before chance is an unlikely explanation; n + 1 when no count is enough.
 */
export function signTestThreshold(n: number, level: number): number {
  const logC = (k: number) => {
    let v = 0;
    for (let i = 1; i <= k; i++) v += Math.log((n - k + i) / i);
    return v;
  };
  let tail = 0;
  for (let k = n; k >= 0; k--) {
    const p = tail + Math.exp(logC(k) - n * Math.LN2);
    if (p > level) return k + 1;
    tail = p;
  }
  return 0;
}
