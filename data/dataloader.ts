/** Mini-batches over a data set, as `torch.utils.data.DataLoader` (single process). */
import {
  checkBoolean,
  checkOptions,
  defaultGenerator,
  describeValue,
  Generator,
  type Tensor,
  ValueError,
} from '../core/index.ts';
import { collate, type Dataset } from './dataset.ts';

/** Options of `DataLoader`, as `torch.utils.data.DataLoader`'s. */
export interface DataLoaderOptions {
  /** Samples per batch (a positive integer); 1 by default, as PyTorch. */
  batchSize?: number;
  /** Draw a new random order of the samples every epoch. */
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than `batchSize`. */
  dropLast?: boolean;
  /** Shuffle from a Generator of its own seeded with this, so a seed fixes the order of every epoch. */
  seed?: number;
  /** Shuffle from this generator; without `seed` or `generator` the global default generator is used. */
  generator?: Generator;
}

/**
 * Iterates a data set in batches: each batch is the data set's tuple of tensors
 * (for a `TensorDataset(x, y)`, `[x, y]`) with a new first dim of size
 * `batchSize` (smaller for the last batch unless `dropLast`). Every sample appears
 * exactly once per epoch; one epoch is one pass of `for (const [x, y] of loader)`.
 * With `shuffle`, each epoch draws `randperm(length)` from the generator, so the
 * same seed gives the same sequence of epochs.
 */
export class DataLoader<T extends Tensor[] = Tensor[]> implements Iterable<T> {
  /** The dataset batches are drawn from. */
  readonly dataset: Dataset<T>;
  /** Samples per batch (`batch_size`). */
  readonly batchSize: number;
  /** Draw a new permutation each epoch. */
  readonly shuffle: boolean;
  /** Skip the last batch when it is smaller than batchSize (`drop_last`). */
  readonly dropLast: boolean;
  /** Source of the shuffles. */
  readonly generator: Generator;

  constructor(dataset: Dataset<T>, options: DataLoaderOptions = {}) {
    const isDataset =
      typeof dataset === 'object' &&
      dataset !== null &&
      !Array.isArray(dataset) &&
      Number.isInteger((dataset as Partial<Dataset<T>>).length) &&
      typeof (dataset as Partial<Dataset<T>>).get === 'function';
    if (!isDataset) {
      throw new ValueError(
        `DataLoader: dataset must be a Dataset (an object with length and get(i)), got ${describeValue(dataset)}; ` +
          'wrap tensors as new TensorDataset(x, y)',
      );
    }
    checkOptions('DataLoader', options, ['batchSize', 'shuffle', 'dropLast', 'seed', 'generator']);
    const { batchSize = 1, shuffle = false, dropLast = false, seed, generator } = options;
    checkBoolean('DataLoader', 'shuffle', shuffle);
    checkBoolean('DataLoader', 'dropLast', dropLast);
    if (generator !== undefined && !(generator instanceof Generator)) {
      throw new ValueError(`DataLoader: generator must be a Generator, got ${describeValue(generator)}`);
    }
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new ValueError(`DataLoader: batchSize should be a positive integer value (got ${batchSize})`);
    }
    if (seed !== undefined && generator !== undefined) {
      throw new ValueError('DataLoader: pass either seed or generator, not both');
    }
    if (seed !== undefined && !Number.isFinite(seed)) {
      throw new ValueError(`DataLoader: seed must be a finite number (got ${seed})`);
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = seed !== undefined ? new Generator(seed) : (generator ?? defaultGenerator);
  }

  /** Number of batches in one epoch (`len(loader)`). */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** One epoch: the batches in order (a fresh shuffle each time with `shuffle`). */
  *[Symbol.iterator](): Iterator<T> {
    const n = this.dataset.length;
    const order = this.shuffle ? this.generator.randperm(n) : Int32Array.from({ length: n }, (_, i) => i);
    const batches = this.length;
    for (let b = 0; b < batches; b++) {
      const indices = order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, n));
      yield this.dataset.getBatch !== undefined
        ? this.dataset.getBatch(indices)
        : collate(Array.from(indices, (i) => this.dataset.get(i)));
    }
  }

  toString(): string {
    return `DataLoader(batchSize=${this.batchSize}, shuffle=${this.shuffle}, dropLast=${this.dropLast}, batches=${this.length})`;
  }
}
