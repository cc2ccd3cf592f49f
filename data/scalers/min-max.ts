import { Tensor, ValueError, zerosLike } from '../../core/index.ts';
import { checkJSON, finiteArray, Scaler } from './scaler.ts';

/** Options of `MinMaxScaler`, as scikit-learn's. */
export interface MinMaxScalerOptions {
  /** The target interval `[a, b]`, a < b; `[0, 1]` by default. */
  featureRange?: readonly [number, number];
  /** Clip transformed values of data outside the fitted range to `[a, b]`. */
  clip?: boolean;
}

/** A MinMaxScaler as plain JSON (`toJSON` / `fromJSON`). */
export interface MinMaxScalerJSON {
  /** The scaler's kind. */
  type: 'MinMaxScaler';
  /** The target range. */
  featureRange: [number, number];
  /** Whether transform clips to the range. */
  clip: boolean;
  /** The learned statistics, or null before `fit`. */
  fitted: {
    /** Rows seen by `fit`. */
    nSamplesSeen: number;
    /** Per-feature minimum. */
    dataMin: number[];
    /** Per-feature maximum. */
    dataMax: number[];
  } | null;
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
  /** The target range [min, max] (`feature_range`). */
  readonly featureRange: readonly [number, number];
  /** Clip transformed values to the range. */
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
    const [a, b] = this.featureRange;
    return this.perFeature('transform', x, (v, lo, range) => {
      const y = ((b - a) * (v - lo)) / range + a;
      return this.clip ? Math.min(Math.max(y, a), b) : y;
    });
  }

  /** `(f' - a) · (f_max - f_min) / (b - a) + f_min`. */
  inverseTransform(x: Tensor): Tensor {
    const [a, b] = this.featureRange;
    return this.perFeature('inverseTransform', x, (v, lo, range) => ((v - a) * range) / (b - a) + lo);
  }

  /** `fn` applied to every value of x with its feature's f_min and (safe) range, into a new tensor of x's dtype. */
  private perFeature(who: string, x: Tensor, fn: (v: number, lo: number, range: number) => number): Tensor {
    this.check(who, x);
    const lo = this.min_!;
    const range = this.safeRange();
    const f = lo.length;
    const d = x.data;
    const result = zerosLike(x);
    const out = result.data;
    for (let k = 0; k < d.length; k++) out[k] = fn(d[k]!, lo[k % f]!, range[k % f]!);
    return result;
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

  /** The settings and learned statistics as plain JSON. */
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
