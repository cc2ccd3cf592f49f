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
import { checkTensor, fmtShape, ShapeError, Tensor, ValueError } from '../../core/index.ts';

/** What every scaler offers; `fitTransform(x)` is `fit(x).transform(x)`. */
export abstract class Scaler {
  /** Number of features seen by `fit`, or null before it. */
  nFeaturesIn: number | null = null;
  /** Number of samples seen by `fit` (0 before it). */
  nSamplesSeen = 0;

  /** Learns the statistics from x ([N, features]) and returns this, as scikit-learn's `fit`. */
  abstract fit(x: Tensor): this;
  /** Applies the learned scaling to x. */
  abstract transform(x: Tensor): Tensor;
  /** Maps scaled values back to the original units. */
  abstract inverseTransform(x: Tensor): Tensor;

  /** `fit(x)` then `transform(x)`. */
  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  /** The class name, for messages. */
  protected get name(): string {
    return this.constructor.name;
  }

  /** Checks a `[n, features]` input of finite values (against the fitted feature count when there is one). */
  protected check(method: string, x: Tensor): void {
    const where = `${this.name}.${method}`;
    checkTensor(where, 'x', x);
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

/** Throws unless `json` is an object saved by the scaler named `type`. */
export function checkJSON(type: string, json: { type: string; fitted: unknown }): void {
  if (json === null || typeof json !== 'object' || json.type !== type) {
    const got =
      json !== null && typeof json === 'object' ? `type ${JSON.stringify(json.type)}` : String(json);
    throw new ValueError(`${type}.fromJSON: expected an object with type "${type}" (got ${got})`);
  }
}

/** A saved statistic as a Float64Array, checked to be non-empty, finite and of the expected length. */
export function finiteArray(type: string, field: string, values: unknown, length?: number): Float64Array {
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
