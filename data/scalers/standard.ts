import { Tensor, ValueError, zerosLike } from '../../core/index.ts';
import { checkJSON, finiteArray, Scaler } from './scaler.ts';

/** Options of `StandardScaler`, as scikit-learn's. */
export interface StandardScalerOptions {
  /** Subtract the mean (center). */
  withMean?: boolean;
  /** Divide by the population standard deviation (scale to unit variance). */
  withStd?: boolean;
}

/** A StandardScaler as plain JSON (`toJSON` / `fromJSON`). */
export interface StandardScalerJSON {
  /** The scaler's kind. */
  type: 'StandardScaler';
  /** Whether the mean is subtracted. */
  withMean: boolean;
  /** Whether values are divided by the standard deviation. */
  withStd: boolean;
  /** The learned statistics, or null before `fit`. */
  fitted: {
    /** Rows seen by `fit`. */
    nSamplesSeen: number;
    /** Per-feature mean. */
    mean: number[];
    /** Per-feature biased variance (divided by N, as scikit-learn). */
    var: number[];
  } | null;
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
  /** Subtract the mean (`with_mean`). */
  readonly withMean: boolean;
  /** Divide by the standard deviation (`with_std`). */
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
    const result = zerosLike(x); // in x's dtype
    const out = result.data;
    for (let k = 0; k < d.length; k++) out[k] = (d[k]! - shift[k % f]!) / divisor[k % f]!;
    return result;
  }

  /** `f' · σ + μ`. */
  inverseTransform(x: Tensor): Tensor {
    this.check('inverseTransform', x);
    const { shift, divisor } = this.applied();
    const f = shift.length;
    const d = x.data;
    const result = zerosLike(x); // in x's dtype
    const out = result.data;
    for (let k = 0; k < d.length; k++) out[k] = d[k]! * divisor[k % f]! + shift[k % f]!;
    return result;
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

  /** The settings and learned statistics as plain JSON. */
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
