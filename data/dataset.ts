/**
 * Data sets as PyTorch's `torch.utils.data` sees them: something with a length
 * that returns sample `i` as a tuple of tensors.
 */
import { checkTensor, fmtShape, ShapeError, Tensor, ValueError, zeros } from '../core/index.ts';

/**
 * A map-style data set (`torch.utils.data.Dataset`): `length` samples, each a
 * tuple of tensors such as `[x, y]`. `getBatch` is an optional fast path that
 * returns the samples at `indices` already stacked along a new first dim; the
 * DataLoader uses it when present and stacks `get(i)` results otherwise.
 */
export interface Dataset<T extends Tensor[] = Tensor[]> {
  /** Number of samples (`len(dataset)`). */
  readonly length: number;
  /** Sample i as a tuple of tensors (`dataset[i]`). */
  get(index: number): T;
  /** Samples at the given indices, stacked along a new first dim (a faster path than collating `get`). */
  getBatch?(indices: ArrayLike<number>): T;
}

/**
 * Wraps tensors that share their first dim (`torch.utils.data.TensorDataset`):
 * sample i is `[t0[i], t1[i], ...]`, each part in its tensor's dtype, and a batch copies whole rows with
 * typed-array `set`, so assembling 60 MNIST rows of 784 values costs 60 copies.
 */
export class TensorDataset<T extends Tensor[] = Tensor[]> implements Dataset<T> {
  /** The tensors, each with the samples along dim 0. */
  readonly tensors: T;

  constructor(...tensors: T) {
    if (tensors.length === 0) throw new ValueError('TensorDataset: expected at least one tensor (got none)');
    for (const [k, t] of tensors.entries()) {
      checkTensor('TensorDataset', `tensor ${k}`, t);
      if (t.ndim === 0) {
        throw new ShapeError(`TensorDataset: tensor ${k} is 0-d; every tensor needs a first (sample) dim`);
      }
    }
    const n = tensors[0]!.shape[0];
    const bad = tensors.findIndex((t) => t.shape[0] !== n);
    if (bad >= 0) {
      throw new ShapeError(
        `TensorDataset: size mismatch between tensors: tensor 0 has shape ${fmtShape(tensors[0]!.shape)} ` +
          `but tensor ${bad} has shape ${fmtShape(tensors[bad]!.shape)} (the first dims must match)`,
      );
    }
    this.tensors = tensors;
  }

  /** Number of samples (the common size of dim 0). */
  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }

  /** Sample `index` (negative counts from the end), each part a copy of one row. */
  get(index: number): T {
    const n = this.length;
    if (!Number.isInteger(index) || index < -n || index >= n) {
      throw new ValueError(`TensorDataset.get: index ${index} is out of range for a data set of length ${n}`);
    }
    const i = index < 0 ? index + n : index;
    return this.tensors.map((t) => {
      const row = t.numel() / n;
      return new Tensor(t.data.slice(i * row, (i + 1) * row), t.shape.slice(1));
    }) as T;
  }

  /** The rows at `indices`, stacked: each tensor of shape `[indices.length, ...rest]`. */
  getBatch(indices: ArrayLike<number>): T {
    const n = this.length;
    for (let b = 0; b < indices.length; b++) {
      const i = indices[b]!;
      if (!Number.isInteger(i) || i < 0 || i >= n) {
        throw new ValueError(
          `TensorDataset.getBatch: index ${i} is out of range for a data set of length ${n}`,
        );
      }
    }
    return this.tensors.map((t) => {
      const row = t.numel() / n;
      const batch = zeros([indices.length, ...t.shape.slice(1)], { dtype: t.dtype });
      for (let b = 0; b < indices.length; b++) {
        const i = indices[b]!;
        batch.data.set(t.data.subarray(i * row, (i + 1) * row), b * row);
      }
      return batch;
    }) as T;
  }

  toString(): string {
    return `TensorDataset(${this.tensors.map((t) => fmtShape(t.shape)).join(', ')})`;
  }
}

/**
 * Stacks samples (each a tuple of tensors) into a batch tuple, as PyTorch's
 * `default_collate`: part k of the batch is `stack([s[k] for s in samples])`,
 * in the dtype of sample 0's part k.
 */
export function collate<T extends Tensor[]>(samples: readonly T[]): T {
  if (samples.length === 0) throw new ValueError('collate: expected at least one sample (got none)');
  const first = samples[0]!;
  return first.map((t0, k) => {
    const batch = zeros([samples.length, ...t0.shape], { dtype: t0.dtype });
    for (const [b, s] of samples.entries()) {
      const t = s[k];
      if (s.length !== first.length || t === undefined) {
        throw new ValueError(
          `collate: sample ${b} has ${s.length} tensors but sample 0 has ${first.length}; every sample must have the same parts`,
        );
      }
      if (t.shape.length !== t0.shape.length || t.shape.some((d, i) => d !== t0.shape[i])) {
        throw new ShapeError(
          `collate: part ${k} of sample ${b} has shape ${fmtShape(t.shape)} but sample 0's has shape ` +
            `${fmtShape(t0.shape)}; stacking needs equal shapes`,
        );
      }
      batch.data.set(t.data, b * t0.numel());
    }
    return batch;
  }) as T;
}
