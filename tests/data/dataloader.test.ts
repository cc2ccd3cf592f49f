import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { arange, Generator, manualSeed, ShapeError, Tensor, tensor, ValueError } from '../../core/index.ts';
import { collate, DataLoader, type Dataset, TensorDataset } from '../../data/index.ts';

function throwsWith(fn: () => unknown, kind: typeof ValueError | typeof ShapeError, message: string): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, kind);
    assert.is((e as Error).message, message);
    return;
  }
  assert.unreachable(`expected ${kind.name}: ${message}`);
}

/** x row i is [i, 100 + i, 200 + i] (so a row names its sample), y[i] = i. */
function numbered(n: number): TensorDataset<[Tensor, Tensor]> {
  const x = new Tensor(
    Float64Array.from({ length: 3 * n }, (_, k) => Math.floor(k / 3) + 100 * (k % 3)),
    [n, 3],
  );
  return new TensorDataset(x, arange(n));
}

/** The sample ids of one epoch, checking that each x row belongs to its y. */
function epoch(loader: DataLoader<[Tensor, Tensor]>): number[][] {
  const out: number[][] = [];
  for (const [x, y] of loader) {
    assert.is(x.shape[0], y.shape[0]);
    for (let b = 0; b < y.numel(); b++) {
      assert.equal(
        Array.from(x.data.subarray(3 * b, 3 * b + 3)),
        [0, 100, 200].map((o) => o + y.data[b]!),
      );
    }
    out.push(Array.from(y.data));
  }
  return out;
}

test('TensorDataset: length, get(i) as copies of row i, negative indices', () => {
  const ds = numbered(5);
  assert.is(ds.length, 5);
  const [x, y] = ds.get(2);
  assert.equal(x.shape, [3]);
  assert.equal(Array.from(x.data), [2, 102, 202]);
  assert.equal(y.shape, []);
  assert.is(y.item(), 2);
  x.data[0] = -1;
  assert.is(ds.tensors[0].data[6], 2, 'get returns a copy');
  assert.is(ds.get(-1)[1].item(), 4);
  assert.is(ds.toString(), 'TensorDataset([5, 3], [5])');
});

test('TensorDataset: mismatched first dims, no tensors, 0-d tensors and bad indices throw', () => {
  throwsWith(
    () => new TensorDataset(tensor([[1], [2], [3]]), tensor([1, 2])),
    ShapeError,
    'TensorDataset: size mismatch between tensors: tensor 0 has shape [3, 1] but tensor 1 has shape [2] ' +
      '(the first dims must match)',
  );
  throwsWith(() => new TensorDataset(), ValueError, 'TensorDataset: expected at least one tensor (got none)');
  throwsWith(
    () => new TensorDataset(tensor([1, 2]), tensor(3)),
    ShapeError,
    'TensorDataset: tensor 1 is 0-d; every tensor needs a first (sample) dim',
  );
  const ds = numbered(4);
  for (const i of [4, -5, 1.5]) {
    throwsWith(
      () => ds.get(i),
      ValueError,
      `TensorDataset.get: index ${i} is out of range for a data set of length 4`,
    );
  }
  throwsWith(
    () => ds.getBatch([0, 7]),
    ValueError,
    'TensorDataset.getBatch: index 7 is out of range for a data set of length 4',
  );
});

test('DataLoader: in order without shuffle, batch shapes, the last partial batch, length', () => {
  const loader = new DataLoader(numbered(10), { batchSize: 4 });
  assert.is(loader.length, 3);
  const shapes: number[][][] = [];
  for (const [x, y] of loader) shapes.push([[...x.shape], [...y.shape]]);
  assert.equal(shapes, [
    [[4, 3], [4]],
    [[4, 3], [4]],
    [[2, 3], [2]],
  ]);
  assert.equal(epoch(loader), [
    [0, 1, 2, 3],
    [4, 5, 6, 7],
    [8, 9],
  ]);
  assert.is(loader.toString(), 'DataLoader(batchSize=4, shuffle=false, dropLast=false, batches=3)');
});

test('DataLoader: dropLast drops only an incomplete last batch', () => {
  const loader = new DataLoader(numbered(10), { batchSize: 4, dropLast: true });
  assert.is(loader.length, 2);
  assert.equal(epoch(loader).flat(), [0, 1, 2, 3, 4, 5, 6, 7]);
  const exact = new DataLoader(numbered(8), { batchSize: 4, dropLast: true });
  assert.is(exact.length, 2);
  assert.equal(epoch(exact).flat(), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.is(new DataLoader(numbered(3), { batchSize: 4, dropLast: true }).length, 0);
  assert.equal(epoch(new DataLoader(numbered(3), { batchSize: 4, dropLast: true })), []);
});

test('DataLoader: the default batch size is 1, as PyTorch', () => {
  const loader = new DataLoader(numbered(3));
  assert.is(loader.length, 3);
  assert.equal(epoch(loader), [[0], [1], [2]]);
});

test('DataLoader shuffle: every sample exactly once per epoch, x rows stay with their y', () => {
  const loader = new DataLoader(numbered(103), { batchSize: 10, shuffle: true, seed: 3 });
  for (let e = 0; e < 3; e++) {
    const ids = epoch(loader).flat();
    assert.is(ids.length, 103);
    assert.equal(
      [...ids].sort((a, b) => a - b),
      Array.from({ length: 103 }, (_, i) => i),
    );
  }
});

test('DataLoader shuffle: the same seed gives the same epochs, other seeds and epochs differ', () => {
  const run = (seed: number) => {
    const loader = new DataLoader(numbered(50), { batchSize: 8, shuffle: true, seed });
    return [epoch(loader).flat(), epoch(loader).flat()];
  };
  const [a1, a2] = run(7);
  const [b1, b2] = run(7);
  const [c1] = run(8);
  assert.equal(a1, b1);
  assert.equal(a2, b2);
  assert.not.equal(a1, a2, 'a new order each epoch');
  assert.not.equal(a1, c1, 'another seed, another order');
  assert.not.equal(
    a1,
    Array.from({ length: 50 }, (_, i) => i),
    'shuffled at all',
  );
});

test('DataLoader shuffle draws from a given generator, or from the global one after manualSeed', () => {
  const withGen = (seed: number) =>
    epoch(new DataLoader(numbered(30), { batchSize: 30, shuffle: true, generator: new Generator(seed) }));
  assert.equal(withGen(5), withGen(5));
  assert.equal(withGen(5), epoch(new DataLoader(numbered(30), { batchSize: 30, shuffle: true, seed: 5 })));
  const global = () => {
    manualSeed(42);
    return epoch(new DataLoader(numbered(30), { batchSize: 30, shuffle: true }));
  };
  assert.equal(global(), global());
});

test('DataLoader: a single-tensor data set yields one-tensor batches', () => {
  const loader = new DataLoader(new TensorDataset(arange(5)), { batchSize: 2 });
  const batches = [...loader].map((b) => {
    assert.is(b.length, 1);
    return Array.from(b[0]!.data);
  });
  assert.equal(batches, [[0, 1], [2, 3], [4]]);
});

test('DataLoader: a data set without getBatch is stacked from get(i), as default_collate', () => {
  const squares: Dataset<[Tensor, Tensor]> = {
    length: 5,
    get: (i) => [tensor([i, i * i]), tensor(i % 2)],
  };
  const batches = [...new DataLoader(squares, { batchSize: 2 })];
  assert.equal(
    batches.map(([x, y]) => [x.toArray(), y.toArray()]),
    [
      [
        [
          [0, 0],
          [1, 1],
        ],
        [0, 1],
      ],
      [
        [
          [2, 4],
          [3, 9],
        ],
        [0, 1],
      ],
      [[[4, 16]], [0]],
    ],
  );
});

test('collate: mismatched shapes or part counts, or no samples, throw', () => {
  throwsWith(
    () => collate([[tensor([1, 2])], [tensor([1, 2, 3])]]),
    ShapeError,
    "collate: part 0 of sample 1 has shape [3] but sample 0's has shape [2]; stacking needs equal shapes",
  );
  throwsWith(
    () => collate([[tensor([1]), tensor(0)], [tensor([1])]]),
    ValueError,
    'collate: sample 1 has 1 tensors but sample 0 has 2; every sample must have the same parts',
  );
  throwsWith(() => collate([]), ValueError, 'collate: expected at least one sample (got none)');
});

test('DataLoader: batchSize < 1 or not an integer, bad seeds, and seed with generator throw', () => {
  for (const batchSize of [0, -1, 2.5, Number.NaN]) {
    throwsWith(
      () => new DataLoader(numbered(4), { batchSize }),
      ValueError,
      `DataLoader: batchSize should be a positive integer value (got ${batchSize})`,
    );
  }
  throwsWith(
    () => new DataLoader(numbered(4), { seed: 1, generator: new Generator(1) }),
    ValueError,
    'DataLoader: pass either seed or generator, not both',
  );
  throwsWith(
    () => new DataLoader(numbered(4), { seed: Number.NaN }),
    ValueError,
    'DataLoader: seed must be a finite number (got NaN)',
  );
});

test('DataLoader: batches are fresh tensors; writing to one leaves the data set intact', () => {
  const ds = numbered(6);
  for (const [x] of new DataLoader(ds, { batchSize: 3 })) x.data.fill(-1);
  assert.equal(Array.from(ds.tensors[1].data), [0, 1, 2, 3, 4, 5]);
  assert.is(ds.tensors[0].data[17], 205);
});

test.run();
