/**
 * Input normalization, exactly as the article defines it (CLAIMS.md, C3), with
 * scikit-learn's names for the options and the fitted statistics.
 *
 * The scalers work on a 2-D tensor `[nSamples, nFeatures]`, one statistic per
 * feature (column). They are preprocessing, not ops: `transform` returns a plain
 * tensor that is not differentiable with respect to the fitted statistics (nor
 * records a graph from its input). Fit on the training set, then apply the same
 * fitted scaler to validation and test data; save it with `toJSON` beside the model.
 */
import { fmtShape, ShapeError, Tensor, ValueError } from '../core/index.ts';

/** What every scaler offers; `fitTransform(x)` is `fit(x).transform(x)`. */
export abstract class Scaler {
  /** Number of features seen by `fit`, or null before it. */
  nFeaturesIn: number | null = null;
  /** Number of samples seen by `fit` (0 before it). */
  nSamplesSeen = 0;

  abstract fit(x: Tensor): this;
  abstract transform(x: Tensor): Tensor;
  abstract inverseTransform(x: Tensor): Tensor;

  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  protected get name(): string {
    return this.constructor.name;
  }

  /** Checks a `[n, features]` input of finite values (against the fitted feature count when there is one). */
  protected check(method: string, x: Tensor): void {
    const where = `${this.name}.${method}`;
    const fittedFeatures = method === 'fit' ? null : this.fitted(method);
    if (x.ndim !== 2) {
      throw new ShapeError(
        `${where}: expected a 2D input of shape [nSamples, nFeatures] (got ${x.ndim}D input of shape ` +
          `${fmtShape(x.shape)}); reshape a single feature to [n, 1]`,
      );
    }
    const [n, f] = x.shape as [number, number];
    if (method === 'fit' && n === 0) {
      throw new ValueError(
        `${where}: found 0 samples in input of shape ${fmtShape(x.shape)}; at least 1 is required`,
      );
    }
    if (f === 0) {
      throw new ValueError(
        `${where}: found 0 features in input of shape ${fmtShape(x.shape)}; at least 1 is required`,
      );
    }
    if (fittedFeatures !== null && f !== fittedFeatures) {
      throw new ShapeError(
        `${where}: input has ${f} features (shape ${fmtShape(x.shape)}), but ${this.name} was fitted ` +
          `on ${fittedFeatures} features`,
      );
    }
    const d = x.data;
    for (let k = 0; k < d.length; k++) {
      if (!Number.isFinite(d[k]!)) {
        throw new ValueError(
          `${where}: feature ${k % f} of sample ${Math.floor(k / f)} is ${d[k]}; the data must be finite`,
        );
      }
    }
  }

  /** Throws unless `fit` has run; returns the fitted feature count. */
  protected fitted(method: string): number {
    if (this.nFeaturesIn === null) {
      throw new ValueError(`${this.name}.${method}: this ${this.name} is not fitted yet; call fit(x) first`);
    }
    return this.nFeaturesIn;
  }

  /** A fitted statistic as a fresh `[features]` tensor. */
  protected stat(name: string, values: Float64Array | null): Tensor {
    this.fitted(name);
    return new Tensor(Float64Array.from(values!), [values!.length]);
  }
}

export interface MinMaxScalerOptions {
  /** The target interval `[a, b]`, a < b; `[0, 1]` by default. */
  featureRange?: readonly [number, number];
  /** Clip transformed values of data outside the fitted range to `[a, b]`. */
  clip?: boolean;
}

export interface MinMaxScalerJSON {
  type: 'MinMaxScaler';
  featureRange: [number, number];
  clip: boolean;
  fitted: { nSamplesSeen: number; dataMin: number[]; dataMax: number[] } | null;
}

/**
 * Min-max scaling (the article's 极差变化法), per feature f over the fitted data:
 *
 *     f' = (b - a) · (f - f_min) / (f_max - f_min) + a
 *
 * which is `(f - f_min) / (f_max - f_min)` for the default `[0, 1]` and
 * `2 (f - f_min) / (f_max - f_min) - 1` for `[-1, 1]`. The inverse is
 * `f = (f' - a) · (f_max - f_min) / (b - a) + f_min`. A constant feature
 * (f_max = f_min) divides by 1 instead of 0, as scikit-learn does, so it maps to a.
 * One extreme sample stretches (f_max - f_min) and squeezes all the others together.
 *
 * See https://scikit-learn.org/stable/modules/generated/sklearn.preprocessing.MinMaxScaler.html
 */
export class MinMaxScaler extends Scaler {
  readonly featureRange: readonly [number, number];
  readonly clip: boolean;
  private min_: Float64Array | null = null;
  private max_: Float64Array | null = null;

  constructor({ featureRange = [0, 1], clip = false }: MinMaxScalerOptions = {}) {
    super();
    const [a, b] = featureRange;
    if (!Number.isFinite(a) || !Number.isFinite(b) || !(a < b)) {
      throw new ValueError(
        `MinMaxScaler: featureRange minimum must be smaller than maximum and both finite (got [${a}, ${b}])`,
      );
    }
    this.featureRange = [a, b];
    this.clip = clip;
  }

  /** Records each feature's minimum and maximum. */
  fit(x: Tensor): this {
    this.check('fit', x);
    const [n, f] = x.shape as [number, number];
    const lo = new Float64Array(f).fill(Number.POSITIVE_INFINITY);
    const hi = new Float64Array(f).fill(Number.NEGATIVE_INFINITY);
    const d = x.data;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < f; j++) {
        const v = d[i * f + j]!;
        if (v < lo[j]!) lo[j] = v;
        if (v > hi[j]!) hi[j] = v;
      }
    }
    this.min_ = lo;
    this.max_ = hi;
    this.nFeaturesIn = f;
    this.nSamplesSeen = n;
    return this;
  }

  /** `(b - a) · (f - f_min) / (f_max - f_min) + a`, clipped to `[a, b]` when `clip` is set. */
  transform(x: Tensor): Tensor {
    this.check('transform', x);
    const [a, b] = this.featureRange;
    const lo = this.min_!;
    const range = this.safeRange();
    const f = lo.length;
    const d = x.data;
    const out = new Float64Array(d.length);
    for (let k = 0; k < d.length; k++) {
      const j = k % f;
      let v = ((b - a) * (d[k]! - lo[j]!)) / range[j]! + a;
      if (this.clip) v = Math.min(Math.max(v, a), b);
      out[k] = v;
    }
    return new Tensor(out, x.shape);
  }

  /** `(f' - a) · (f_max - f_min) / (b - a) + f_min`. */
  inverseTransform(x: Tensor): Tensor {
    this.check('inverseTransform', x);
    const [a, b] = this.featureRange;
    const lo = this.min_!;
    const range = this.safeRange();
    const f = lo.length;
    const d = x.data;
    const out = new Float64Array(d.length);
    for (let k = 0; k < d.length; k++) {
      const j = k % f;
      out[k] = ((d[k]! - a) * range[j]!) / (b - a) + lo[j]!;
    }
    return new Tensor(out, x.shape);
  }

  /** Per-feature minimum seen in fit (`data_min_`). */
  get dataMin(): Tensor {
    return this.stat('dataMin', this.min_);
  }
  /** Per-feature maximum seen in fit (`data_max_`). */
  get dataMax(): Tensor {
    return this.stat('dataMax', this.max_);
  }
  /** `f_max - f_min` per feature (`data_range_`); 0 for a constant feature. */
  get dataRange(): Tensor {
    this.fitted('dataRange');
    return new Tensor(
      this.max_!.map((v, j) => v - this.min_![j]!),
      [this.max_!.length],
    );
  }
  /** `(b - a) / (f_max - f_min)` per feature (`scale_`), with a zero range taken as 1. */
  get scale(): Tensor {
    this.fitted('scale');
    const [a, b] = this.featureRange;
    return new Tensor(
      this.safeRange().map((r) => (b - a) / r),
      [this.min_!.length],
    );
  }
  /** `a - f_min · scale` per feature (`min_`), so that `f' = f · scale + min`. */
  get min(): Tensor {
    this.fitted('min');
    const s = this.scale.data;
    return new Tensor(
      this.min_!.map((m, j) => this.featureRange[0] - m * s[j]!),
      [s.length],
    );
  }

  private safeRange(): Float64Array {
    return this.max_!.map((v, j) => (v - this.min_![j]! === 0 ? 1 : v - this.min_![j]!));
  }

  toJSON(): MinMaxScalerJSON {
    return {
      type: 'MinMaxScaler',
      featureRange: [...this.featureRange],
      clip: this.clip,
      fitted:
        this.min_ === null
          ? null
          : {
              nSamplesSeen: this.nSamplesSeen,
              dataMin: Array.from(this.min_),
              dataMax: Array.from(this.max_!),
            },
    };
  }

  /** Rebuilds a scaler saved with `toJSON` (after `JSON.parse`). */
  static fromJSON(json: MinMaxScalerJSON): MinMaxScaler {
    checkJSON('MinMaxScaler', json);
    const s = new MinMaxScaler({ featureRange: json.featureRange, clip: json.clip });
    if (json.fitted !== null) {
      const { dataMin, dataMax, nSamplesSeen } = json.fitted;
      s.min_ = finiteArray('MinMaxScaler', 'dataMin', dataMin);
      s.max_ = finiteArray('MinMaxScaler', 'dataMax', dataMax, dataMin.length);
      s.nFeaturesIn = dataMin.length;
      s.nSamplesSeen = nSamplesSeen;
    }
    return s;
  }

  override toString(): string {
    return `MinMaxScaler(featureRange=[${this.featureRange.join(', ')}], clip=${this.clip})`;
  }
}

export interface StandardScalerOptions {
  /** Subtract the mean (center). */
  withMean?: boolean;
  /** Divide by the population standard deviation (scale to unit variance). */
  withStd?: boolean;
}

export interface StandardScalerJSON {
  type: 'StandardScaler';
  withMean: boolean;
  withStd: boolean;
  fitted: { nSamplesSeen: number; mean: number[]; var: number[] } | null;
}

/**
 * Z-score standardization (the article's 0均值标准化), per feature f over the n
 * fitted samples:
 *
 *     f' = (f - μ) / σ,   μ = (1/n) Σ f_i,   σ = sqrt((1/n) Σ (f_i - μ)²)
 *
 * σ is the population standard deviation (divide by n, not n - 1), as the article
 * and scikit-learn define it. `withMean: false` skips the subtraction and
 * `withStd: false` the division; `mean` and `var` are fitted either way. A
 * constant feature (σ = 0) divides by 1, as scikit-learn does, so it maps to 0.
 *
 * See https://scikit-learn.org/stable/modules/generated/sklearn.preprocessing.StandardScaler.html
 */
export class StandardScaler extends Scaler {
  readonly withMean: boolean;
  readonly withStd: boolean;
  private mean_: Float64Array | null = null;
  private var_: Float64Array | null = null;

  constructor({ withMean = true, withStd = true }: StandardScalerOptions = {}) {
    super();
    this.withMean = withMean;
    this.withStd = withStd;
  }

  /** Records each feature's mean and population variance (two passes, for accuracy). */
  fit(x: Tensor): this {
    this.check('fit', x);
    const [n, f] = x.shape as [number, number];
    const d = x.data;
    const mean = new Float64Array(f);
    const variance = new Float64Array(f);
    for (let j = 0; j < f; j++) {
      let sum = 0;
      let lo = d[j]!;
      let hi = d[j]!;
      for (let i = 0; i < n; i++) {
        const v = d[i * f + j]!;
        sum += v;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      // A constant column's mean is its value exactly (sum / n may be off by an ulp), and its variance 0.
      if (lo === hi) {
        mean[j] = lo;
        continue;
      }
      const mu = sum / n;
      let ss = 0;
      for (let i = 0; i < n; i++) ss += (d[i * f + j]! - mu) ** 2;
      mean[j] = mu;
      variance[j] = ss / n;
    }
    this.mean_ = mean;
    this.var_ = variance;
    this.nFeaturesIn = f;
    this.nSamplesSeen = n;
    return this;
  }

  /** `(f - μ) / σ` (without the subtraction if `withMean` is false, the division if `withStd` is false). */
  transform(x: Tensor): Tensor {
    this.check('transform', x);
    const { shift, divisor } = this.applied();
    const f = shift.length;
    const d = x.data;
    const out = new Float64Array(d.length);
    for (let k = 0; k < d.length; k++) out[k] = (d[k]! - shift[k % f]!) / divisor[k % f]!;
    return new Tensor(out, x.shape);
  }

  /** `f' · σ + μ`. */
  inverseTransform(x: Tensor): Tensor {
    this.check('inverseTransform', x);
    const { shift, divisor } = this.applied();
    const f = shift.length;
    const d = x.data;
    const out = new Float64Array(d.length);
    for (let k = 0; k < d.length; k++) out[k] = d[k]! * divisor[k % f]! + shift[k % f]!;
    return new Tensor(out, x.shape);
  }

  /** Per-feature mean μ (`mean_`). */
  get mean(): Tensor {
    return this.stat('mean', this.mean_);
  }
  /** Per-feature population variance σ² (`var_`). */
  get var(): Tensor {
    return this.stat('var', this.var_);
  }
  /** Per-feature divisor actually applied (`scale_`): σ, or 1 for a constant feature or when `withStd` is false. */
  get scale(): Tensor {
    this.fitted('scale');
    return new Tensor(this.applied().divisor, [this.var_!.length]);
  }

  private applied(): { shift: Float64Array; divisor: Float64Array } {
    const shift = this.withMean ? this.mean_! : new Float64Array(this.mean_!.length);
    const divisor = this.var_!.map((v) => (this.withStd && v > 0 ? Math.sqrt(v) : 1));
    return { shift, divisor };
  }

  toJSON(): StandardScalerJSON {
    return {
      type: 'StandardScaler',
      withMean: this.withMean,
      withStd: this.withStd,
      fitted:
        this.mean_ === null
          ? null
          : { nSamplesSeen: this.nSamplesSeen, mean: Array.from(this.mean_), var: Array.from(this.var_!) },
    };
  }

  /** Rebuilds a scaler saved with `toJSON` (after `JSON.parse`). */
  static fromJSON(json: StandardScalerJSON): StandardScaler {
    checkJSON('StandardScaler', json);
    const s = new StandardScaler({ withMean: json.withMean, withStd: json.withStd });
    if (json.fitted !== null) {
      const { mean, var: variance, nSamplesSeen } = json.fitted;
      s.mean_ = finiteArray('StandardScaler', 'mean', mean);
      s.var_ = finiteArray('StandardScaler', 'var', variance, mean.length);
      if (s.var_.some((v) => v < 0)) {
        throw new ValueError(
          `StandardScaler.fromJSON: var must be non-negative (got [${variance.join(', ')}])`,
        );
      }
      s.nFeaturesIn = mean.length;
      s.nSamplesSeen = nSamplesSeen;
    }
    return s;
  }

  override toString(): string {
    return `StandardScaler(withMean=${this.withMean}, withStd=${this.withStd})`;
  }
}

function checkJSON(type: string, json: { type: string; fitted: unknown }): void {
  if (json === null || typeof json !== 'object' || json.type !== type) {
    const got =
      json !== null && typeof json === 'object' ? `type ${JSON.stringify(json.type)}` : String(json);
    throw new ValueError(`${type}.fromJSON: expected an object with type "${type}" (got ${got})`);
  }
}

function finiteArray(type: string, field: string, values: unknown, length?: number): Float64Array {
  if (!Array.isArray(values) || values.length === 0 || (length !== undefined && values.length !== length)) {
    const len = Array.isArray(values) ? `length ${values.length}` : typeof values;
    throw new ValueError(
      `${type}.fromJSON: ${field} must be a non-empty array of numbers` +
        `${length === undefined ? '' : ` of length ${length}`} (got ${len})`,
    );
  }
  const bad = values.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) {
    throw new ValueError(
      `${type}.fromJSON: ${field}[${bad}] is ${String(values[bad])}; values must be finite`,
    );
  }
  return Float64Array.from(values as number[]);
}
