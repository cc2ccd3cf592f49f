/**
 * Small synthetic data sets, each drawn from `Generator(seed)` so a seed gives
 * the same tensors bit for bit. Inputs and regression targets are in the default
 * dtype (drawn in float64, then stored: under float32 each value is the float64
 * one rounded, so both dtypes see the same set); labels are float64 class
 * indices `[n]`, as every index in normgrad. Regression targets are `[n]`
 * (unsqueeze to `[n, 1]` against a `[n, 1]` output).
 */
import { Generator, Tensor, tensor, ValueError } from '../../core/index.ts';

/** Inputs and targets of a synthetic set. */
export interface Labelled {
  /** Inputs, one sample per row. */
  x: Tensor;
  /** Targets (class indices or values), one per sample. */
  y: Tensor;
}

export function checkInt(fn: string, name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) {
    throw new ValueError(`${fn}: ${name} must be an integer >= ${min} (got ${v})`);
  }
}

export function checkNonNegative(fn: string, name: string, v: number): void {
  if (!(Number.isFinite(v) && v >= 0)) {
    throw new ValueError(`${fn}: ${name} must be a finite number >= 0 (got ${v})`);
  }
}

/** Reorders the rows of x (`[n, d]`) and y (`[n]`) by one random permutation. */
function shuffled(x: Float64Array, y: Float64Array, d: number, g: Generator): Labelled {
  const n = y.length;
  const perm = g.randperm(n);
  const xs = new Float64Array(x.length);
  const ys = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    xs.set(x.subarray(perm[r]! * d, (perm[r]! + 1) * d), r * d);
    ys[r] = y[perm[r]!]!;
  }
  return { x: tensor(xs, { shape: [n, d] }), y: new Tensor(ys, [n]) };
}

/** Splits n into k counts differing by at most one, the larger ones first (as scikit-learn's make_blobs). */
function splitCounts(n: number, k: number): number[] {
  return Array.from({ length: k }, (_, c) => Math.floor(n / k) + (c < n % k ? 1 : 0));
}

/** Options of `badlyScaledRegression`. */
export interface BadlyScaledRegressionOptions {
  /** Number of samples, outliers included; 200 by default. */
  n?: number;
  /** Range of each feature: feature j is uniform on [0, scales[j]]; `[1, 1000]` by default. */
  scales?: readonly number[];
  /** Standard deviation of the Gaussian noise on the target; 0.1 by default. */
  noise?: number;
  /** How many samples are outliers; 0 by default. */
  outliers?: number;
  /** An outlier's feature j is uniform on [outlierScale / 2, outlierScale] · scales[j]; 50 by default (>= 2). */
  outlierScale?: number;
  /** Seed of the draws; the same seed gives the same set. */
  seed?: number;
}

/** A regression set whose features differ in scale, with the true parameters that made it. */
export interface BadlyScaledRegression extends Labelled {
  /** The true coefficients in raw units: `y = x · weight + bias + noise`. */
  weight: Tensor;
  /** The true intercept. */
  bias: number;
  /** Rows of x that are outliers, ascending. */
  outlierIndices: number[];
}

/**
 * Linear regression whose features have ranges that differ by orders of
 * magnitude (CLAIMS.md, C1 and C2). Feature j is uniform on `[0, s_j]` and
 *
 *     y = Σ_j c_j · x_j / s_j + bias + noise · ε,   c_j = ±U(1, 2),  bias ~ N(0, 1),  ε ~ N(0, 1)
 *
 * so every feature matters about equally to y while the raw weights `c_j / s_j`
 * differ as much as the scales: the loss surface in raw units is a long narrow
 * valley. With `outliers > 0`, that many samples get features far beyond the
 * normal range (at least `outlierScale / 2` times it) and the target of the same
 * linear model: they are extreme in x, not mislabelled, so they change the
 * conditioning of the problem but not its solution.
 */
export function badlyScaledRegression({
  n = 200,
  scales = [1, 1000],
  noise = 0.1,
  outliers = 0,
  outlierScale = 50,
  seed = 0,
}: BadlyScaledRegressionOptions = {}): BadlyScaledRegression {
  const fn = 'badlyScaledRegression';
  checkInt(fn, 'n', n, 1);
  checkNonNegative(fn, 'noise', noise);
  if (scales.length === 0 || scales.some((s) => !(Number.isFinite(s) && s > 0))) {
    throw new ValueError(
      `${fn}: scales must be a non-empty list of positive numbers (got [${scales.join(', ')}])`,
    );
  }
  checkInt(fn, 'outliers', outliers, 0);
  if (outliers > n) throw new ValueError(`${fn}: outliers (${outliers}) cannot exceed n (${n})`);
  if (!(Number.isFinite(outlierScale) && outlierScale >= 2)) {
    throw new ValueError(`${fn}: outlierScale must be a finite number >= 2 (got ${outlierScale})`);
  }
  const g = new Generator(seed);
  const d = scales.length;
  const coef = scales.map(() => (g.random() < 0.5 ? -1 : 1) * (1 + g.random()));
  const weight = Float64Array.from(coef, (c, j) => c / scales[j]!);
  const bias = g.normal();
  const outlierIndices = Array.from(g.randperm(n).subarray(0, outliers)).sort((a, b) => a - b);
  const isOutlier = new Uint8Array(n);
  for (const i of outlierIndices) isOutlier[i] = 1;
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let target = bias;
    for (let j = 0; j < d; j++) {
      const u = isOutlier[i] ? (outlierScale / 2) * (1 + g.random()) : g.random();
      x[i * d + j] = u * scales[j]!;
      target += x[i * d + j]! * weight[j]!;
    }
    y[i] = target + noise * g.normal();
  }
  return {
    x: tensor(x, { shape: [n, d] }),
    y: tensor(y, { shape: [n] }),
    weight: tensor(weight, { shape: [d] }),
    bias,
    outlierIndices,
  };
}

/** Options of `twoMoons`, as scikit-learn's `make_moons`. */
export interface TwoMoonsOptions {
  /** Number of samples. */
  n?: number;
  /** Standard deviation of Gaussian noise added to each coordinate; 0.1 by default. */
  noise?: number;
  /** Seed of the draws; the same seed gives the same set. */
  seed?: number;
}

/**
 * Two interleaving half circles, as scikit-learn's `make_moons`: class 0 is
 * `(cos t, sin t)` and class 1 is `(1 - cos t, 1/2 - sin t)` for t evenly spaced
 * on [0, π] (floor(n/2) samples in class 0), plus N(0, noise²) noise, shuffled.
 */
export function twoMoons({ n = 200, noise = 0.1, seed = 0 }: TwoMoonsOptions = {}): Labelled {
  checkInt('twoMoons', 'n', n, 2);
  checkNonNegative('twoMoons', 'noise', noise);
  const g = new Generator(seed);
  const [nOut, nIn] = [Math.floor(n / 2), n - Math.floor(n / 2)];
  const x = new Float64Array(2 * n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const inner = i >= nOut;
    const k = inner ? i - nOut : i;
    const count = inner ? nIn : nOut;
    const t = count > 1 ? (Math.PI * k) / (count - 1) : 0;
    x[2 * i] = (inner ? 1 - Math.cos(t) : Math.cos(t)) + noise * g.normal();
    x[2 * i + 1] = (inner ? 0.5 - Math.sin(t) : Math.sin(t)) + noise * g.normal();
    y[i] = inner ? 1 : 0;
  }
  return shuffled(x, y, 2, g);
}

/** Options of `circles`, as scikit-learn's `make_circles`. */
export interface CirclesOptions {
  /** Number of samples. */
  n?: number;
  /** Standard deviation of Gaussian noise added to each coordinate; 0 by default (scikit-learn's None). */
  noise?: number;
  /** Radius of the inner circle relative to the outer one, in [0, 1); 0.8 by default. */
  factor?: number;
  /** Seed of the draws; the same seed gives the same set. */
  seed?: number;
}

/**
 * A small circle inside a large one, as scikit-learn's `make_circles`: class 0 is
 * `(cos t, sin t)` and class 1 is `factor · (cos t, sin t)` for t evenly spaced
 * on [0, 2π) without the endpoint (floor(n/2) samples in class 0), plus
 * N(0, noise²) noise, shuffled. No line separates the classes, so a network
 * needs a hidden layer to learn them.
 */
export function circles({ n = 200, noise = 0, factor = 0.8, seed = 0 }: CirclesOptions = {}): Labelled {
  checkInt('circles', 'n', n, 2);
  checkNonNegative('circles', 'noise', noise);
  if (!(factor >= 0 && factor < 1)) {
    throw new ValueError(`circles: factor must be in [0, 1) (got ${factor})`);
  }
  const g = new Generator(seed);
  const [nOut, nIn] = [Math.floor(n / 2), n - Math.floor(n / 2)];
  const x = new Float64Array(2 * n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const inner = i >= nOut;
    const t = (2 * Math.PI * (inner ? i - nOut : i)) / (inner ? nIn : nOut);
    const r = inner ? factor : 1;
    x[2 * i] = r * Math.cos(t) + noise * g.normal();
    x[2 * i + 1] = r * Math.sin(t) + noise * g.normal();
    y[i] = inner ? 1 : 0;
  }
  return shuffled(x, y, 2, g);
}

/** Options of `spirals`. */
export interface SpiralsOptions {
  /** Number of samples. */
  n?: number;
  /** Number of spiral arms (classes). */
  classes?: number;
  /** Standard deviation of the Gaussian noise on each point's angle (radians); 0.2 by default. */
  noise?: number;
  /** Seed of the draws; the same seed gives the same set. */
  seed?: number;
}

/**
 * Interleaved spiral arms, one per class, as in CS231n's "spiral data": class c
 * has radius r evenly spaced on [0, 1] and angle `t = 4c + 4r + noise · ε`, at
 * `(r sin t, r cos t)`. n is split among the classes as evenly as possible, shuffled.
 * See https://cs231n.github.io/neural-networks-case-study/
 */
export function spirals({ n = 300, classes = 3, noise = 0.2, seed = 0 }: SpiralsOptions = {}): Labelled {
  checkInt('spirals', 'classes', classes, 2);
  checkInt('spirals', 'n', n, classes);
  checkNonNegative('spirals', 'noise', noise);
  const g = new Generator(seed);
  const x = new Float64Array(2 * n);
  const y = new Float64Array(n);
  let i = 0;
  for (const [c, count] of splitCounts(n, classes).entries()) {
    for (let k = 0; k < count; k++, i++) {
      const r = count > 1 ? k / (count - 1) : 1;
      const t = 4 * c + 4 * r + noise * g.normal();
      x[2 * i] = r * Math.sin(t);
      x[2 * i + 1] = r * Math.cos(t);
      y[i] = c;
    }
  }
  return shuffled(x, y, 2, g);
}

/** Options of `gaussianBlobs`, as scikit-learn's `make_blobs`. */
export interface GaussianBlobsOptions {
  /** Number of samples. */
  n?: number;
  /** Number of centers drawn uniformly in `centerBox`, or the centers themselves; 3 by default. */
  centers?: number | readonly (readonly number[])[];
  /** Standard deviation of every blob; 1 by default. */
  std?: number;
  /** Dimension when `centers` is a number; 2 by default. */
  nFeatures?: number;
  /** Range of the random centres' coordinates, when `centers` is a count. */
  centerBox?: readonly [number, number];
  /** Seed of the draws; the same seed gives the same set. */
  seed?: number;
}

/**
 * Isotropic Gaussian blobs, as scikit-learn's `make_blobs`: sample i of class c
 * is `center_c + std · ε`, ε ~ N(0, I), with n split evenly among the classes,
 * shuffled. Returns the centers used too.
 */
export function gaussianBlobs({
  n = 300,
  centers = 3,
  std = 1,
  nFeatures = 2,
  centerBox = [-10, 10],
  seed = 0,
}: GaussianBlobsOptions = {}): Labelled & {
  /** The class centres used, [classes, nFeatures]. */
  centers: Tensor;
} {
  const fn = 'gaussianBlobs';
  checkNonNegative(fn, 'std', std);
  const g = new Generator(seed);
  let c: number[][];
  if (typeof centers === 'number') {
    checkInt(fn, 'centers', centers, 1);
    checkInt(fn, 'nFeatures', nFeatures, 1);
    const [lo, hi] = centerBox;
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) {
      throw new ValueError(`${fn}: centerBox must be finite with min < max (got [${lo}, ${hi}])`);
    }
    c = Array.from({ length: centers }, () =>
      Array.from({ length: nFeatures }, () => lo + (hi - lo) * g.random()),
    );
  } else {
    c = centers.map((row) => [...row]);
    const d = c[0]?.length ?? 0;
    if (d === 0 || c.some((row) => row.length !== d || row.some((v) => !Number.isFinite(v)))) {
      throw new ValueError(
        `${fn}: centers must be a non-empty list of equally long lists of finite numbers (got ${JSON.stringify(centers)})`,
      );
    }
  }
  const k = c.length;
  const d = c[0]!.length;
  checkInt(fn, 'n', n, k);
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  let i = 0;
  for (const [label, count] of splitCounts(n, k).entries()) {
    for (let s = 0; s < count; s++, i++) {
      for (let j = 0; j < d; j++) x[i * d + j] = c[label]![j]! + std * g.normal();
      y[i] = label;
    }
  }
  return { ...shuffled(x, y, d, g), centers: tensor(c.flat(), { shape: [k, d] }) };
}
