/**
 * Data and dtypes (issue 13): data sets made under `setDefaultDtype('float32')`
 * hold float32 inputs and regression targets (the float64 draws rounded) and
 * float64 class labels; TensorDataset, collate, DataLoader and the scalers keep
 * the dtype of the tensors they are given.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type DType,
  getDefaultDtype,
  randn,
  setDefaultDtype,
  type Tensor,
  tensor,
} from '../../core/index.ts';
import * as data from '../../data/index.ts';

function withDefault<T>(d: DType, fn: () => T): T {
  const before = getDefaultDtype();
  setDefaultDtype(d);
  try {
    return fn();
  } finally {
    setDefaultDtype(before);
  }
}

const rounded = (t: Tensor) => Array.from(t.data, Math.fround);

test('synthetic sets under float32: inputs and regression targets float32 (the float64 set rounded), labels float64', () => {
  const make = {
    circles: () => data.circles({ n: 40, noise: 0.1, seed: 2 }),
    twoMoons: () => data.twoMoons({ n: 40, seed: 2 }),
    spirals: () => data.spirals({ n: 30, seed: 2 }),
    gaussianBlobs: () => data.gaussianBlobs({ n: 30, seed: 2 }),
  };
  for (const [name, fn] of Object.entries(make)) {
    const wide = fn();
    const narrow = withDefault('float32', fn);
    assert.is(narrow.x.dtype, 'float32', name);
    assert.is(narrow.y.dtype, 'float64', `${name}: class labels are float64, as every index`);
    assert.equal(Array.from(narrow.x.data), rounded(wide.x), name);
    assert.equal(Array.from(narrow.y.data), Array.from(wide.y.data), name);
  }
  const reg = withDefault('float32', () => data.badlyScaledRegression({ n: 20, seed: 3 }));
  const regWide = data.badlyScaledRegression({ n: 20, seed: 3 });
  for (const k of ['x', 'y', 'weight'] as const) {
    assert.is(reg[k].dtype, 'float32', k);
    assert.equal(Array.from(reg[k].data), rounded(regWide[k]), k);
  }
  const adding = withDefault('float32', () => data.addingProblem({ n: 5, length: 6, seed: 1 }));
  assert.equal(
    [adding.x.dtype, adding.y.dtype],
    ['float32', 'float32'],
    'the adding target is a regression target',
  );
  assert.is(data.circles({ n: 10 }).x.dtype, 'float64', 'the default stays float64');
});

test('MNIST under float32: images float32 (the float64 grey levels rounded), labels float64; rows share the images', () => {
  const wide = data.mnist({ train: 20, test: 10, seed: 4 });
  const narrow = withDefault('float32', () => data.mnist({ train: 20, test: 10, seed: 4 }));
  assert.equal([narrow.trainX.dtype, narrow.testX.dtype], ['float32', 'float32']);
  assert.equal([narrow.trainY.dtype, narrow.testY.dtype], ['float64', 'float64']);
  assert.equal(Array.from(narrow.trainX.data), rounded(wide.trainX));
  assert.equal(Array.from(narrow.testY.data), Array.from(wide.testY.data));
  assert.is(withDefault('float32', () => data.mnistRows({ train: 5, test: 0 })).trainX.dtype, 'float32');
});

test('TensorDataset, collate and DataLoader keep each tensor its dtype', () => {
  const x = randn([6, 3]).float();
  const y = tensor([0, 1, 2, 0, 1, 2]);
  const ds = new data.TensorDataset(x, y);
  const [x0, y0] = ds.get(2);
  assert.equal([x0!.dtype, y0!.dtype], ['float32', 'float64']);
  assert.equal(Array.from(x0!.data), Array.from(x.data.subarray(6, 9)));
  const [xb, yb] = ds.getBatch([4, 1]);
  assert.equal([xb!.dtype, yb!.dtype], ['float32', 'float64']);
  assert.equal(Array.from(xb!.data), [...x.data.subarray(12, 15), ...x.data.subarray(3, 6)]);
  const [xc, yc] = data.collate([ds.get(0), ds.get(5)]);
  assert.equal([xc!.dtype, yc!.dtype], ['float32', 'float64']);
  for (const [bx, by] of new data.DataLoader(ds, { batchSize: 4 })) {
    assert.equal([bx.dtype, by.dtype], ['float32', 'float64']);
  }
});

test('scalers transform a float32 input into float32 (statistics kept in float64, as scikit-learn fits)', () => {
  const x = randn([8, 3]).mul(5).add(2).float();
  for (const scaler of [new data.StandardScaler(), new data.MinMaxScaler()]) {
    const z = scaler.fitTransform(x);
    assert.is(z.dtype, 'float32', scaler.constructor.name);
    const wide = scaler.transform(x.double());
    assert.is(wide.dtype, 'float64');
    assert.equal(Array.from(z.data), rounded(wide), `${scaler.constructor.name}: the float64 result rounded`);
    assert.is(scaler.inverseTransform(z).dtype, 'float32');
  }
});

test.run();
