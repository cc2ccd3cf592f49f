/**
 * The scalers against the article's formulas (CLAIMS.md, C3) and against mathjs
 * as an independent implementation of min, max, mean and the population std.
 */
import * as math from 'mathjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator, ShapeError, Tensor, tensor, ValueError } from '../../core/index.ts';
import {
  MinMaxScaler,
  type MinMaxScalerJSON,
  StandardScaler,
  type StandardScalerJSON,
} from '../../data/index.ts';

const gen = new Generator(11);
/** n samples of features with very different ranges and offsets: column j is offset_j + scale_j * N(0, 1). */
function badlyScaled(n: number, scales = [1, 1000, 0.001, 50], offsets = [0, -300, 2, 7]): Tensor {
  const d = new Float64Array(n * scales.length);
  for (let i = 0; i < d.length; i++)
    d[i] = offsets[i % scales.length]! + scales[i % scales.length]! * gen.normal();
  return new Tensor(d, [n, scales.length]);
}
const rows = (t: Tensor) => t.toArray() as number[][];
const flat = (x: unknown): number[] => (Array.isArray(x) ? x.flatMap(flat) : [Number(x)]);

function close(a: number, b: number, what: string, tol = 1e-12): void {
  assert.ok(Math.abs(a - b) <= tol + tol * Math.abs(b), `${what}: ${a} vs ${b}`);
}
function closeAll(a: ArrayLike<number>, b: ArrayLike<number>, what: string, tol = 1e-12): void {
  assert.is(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) close(a[i]!, b[i]!, `${what}[${i}]`, tol);
}
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

// ------------------------------------------------------------------ MinMaxScaler

for (const [a, b] of [
  [0, 1],
  [-1, 1],
  [-3.5, 7.25],
] as const) {
  test(`MinMaxScaler [${a}, ${b}] is (b - a)(f - min)/(max - min) + a with min, max from mathjs`, () => {
    const x = badlyScaled(40);
    const s = new MinMaxScaler({ featureRange: [a, b] }).fit(x);
    const lo = flat(math.min(rows(x), 0));
    const hi = flat(math.max(rows(x), 0));
    assert.equal(Array.from(s.dataMin.data), lo);
    assert.equal(Array.from(s.dataMax.data), hi);
    closeAll(
      s.dataRange.data,
      hi.map((h, j) => h - lo[j]!),
      'dataRange',
    );
    const y = s.transform(x);
    const f = x.shape[1]!;
    const want = Array.from(x.data, (v, k) => ((b - a) * (v - lo[k % f]!)) / (hi[k % f]! - lo[k % f]!) + a);
    closeAll(y.data, want, 'transform');
    // Each feature now spans exactly [a, b].
    closeAll(flat(math.min(rows(y), 0)), new Array(f).fill(a), 'min after');
    closeAll(flat(math.max(rows(y), 0)), new Array(f).fill(b), 'max after');
    // scikit-learn's scale_ and min_ give the same map as f * scale + min.
    const scale = s.scale.data;
    const min = s.min.data;
    closeAll(
      scale,
      hi.map((h, j) => (b - a) / (h - lo[j]!)),
      'scale',
    );
    closeAll(
      y.data,
      Array.from(x.data, (v, k) => v * scale[k % f]! + min[k % f]!),
      'f * scale + min',
      1e-10,
    );
  });
}

test('MinMaxScaler [-1, 1] equals the article form 2 (f - min)/(max - min) - 1', () => {
  const x = badlyScaled(15);
  const [lo, hi] = [flat(math.min(rows(x), 0)), flat(math.max(rows(x), 0))];
  const y = new MinMaxScaler({ featureRange: [-1, 1] }).fitTransform(x);
  closeAll(
    y.data,
    Array.from(x.data, (v, k) => (2 * (v - lo[k % 4]!)) / (hi[k % 4]! - lo[k % 4]!) - 1),
    '[-1, 1]',
  );
});

for (const featureRange of [
  [0, 1],
  [-1, 1],
  [-3.5, 7.25],
] as const) {
  test(`MinMaxScaler ${featureRange}: inverseTransform(transform(x)) returns x to 1e-12`, () => {
    const x = badlyScaled(50);
    const s = new MinMaxScaler({ featureRange }).fit(x);
    const back = s.inverseTransform(s.transform(x));
    for (let k = 0; k < x.numel(); k++)
      assert.ok(Math.abs(back.data[k]! - x.data[k]!) <= 1e-12, `element ${k}`);
  });
}

test('MinMaxScaler: transform of new data uses the fitted statistics; clip bounds it to [a, b]', () => {
  const train = tensor([
    [0, 10],
    [2, 30],
  ]);
  const test_ = tensor([
    [-2, 50],
    [1, 20],
  ]);
  assert.equal(new MinMaxScaler().fit(train).transform(test_).toArray(), [
    [-1, 2],
    [0.5, 0.5],
  ]);
  const clipped = new MinMaxScaler({ featureRange: [-1, 1], clip: true }).fit(train).transform(test_);
  assert.equal(clipped.toArray(), [
    [-1, 1],
    [0, 0],
  ]);
});

test('MinMaxScaler: a constant feature gets scale 1 and maps to a, with no NaN; inverse restores it', () => {
  const x = tensor([
    [0.1, 1],
    [0.1, 2],
    [0.1, 4],
  ]);
  const s = new MinMaxScaler({ featureRange: [-2, 3] }).fit(x);
  const y = s.transform(x);
  assert.equal(
    rows(y).map((r) => r[0]),
    [-2, -2, -2],
  );
  assert.ok(y.data.every(Number.isFinite));
  assert.equal(Array.from(s.dataRange.data), [0, 3]);
  assert.equal(Array.from(s.scale.data), [5, 5 / 3]);
  assert.equal(Array.from(s.inverseTransform(y).data).slice(0, 1), [0.1]);
  closeAll(s.inverseTransform(y).data, x.data, 'inverse');
});

test('MinMaxScaler: a single sample is constant in every feature and fits', () => {
  const s = new MinMaxScaler().fit(tensor([[3, -4]]));
  assert.equal(s.transform(tensor([[3, -4]])).toArray(), [[0, 0]]);
  assert.is(s.nSamplesSeen, 1);
  assert.is(s.nFeaturesIn, 2);
});

test('MinMaxScaler: toJSON / fromJSON round trip through a JSON string, fitted or not', () => {
  const x = badlyScaled(20);
  const s = new MinMaxScaler({ featureRange: [-1, 1], clip: true }).fit(x);
  const json = JSON.parse(JSON.stringify(s)) as MinMaxScalerJSON;
  assert.is(json.type, 'MinMaxScaler');
  const r = MinMaxScaler.fromJSON(json);
  assert.equal(r.featureRange, [-1, 1]);
  assert.is(r.clip, true);
  assert.is(r.nSamplesSeen, 20);
  assert.equal(Array.from(r.transform(x).data), Array.from(s.transform(x).data));
  assert.equal(Array.from(r.dataMax.data), Array.from(s.dataMax.data));
  const blank = MinMaxScaler.fromJSON(JSON.parse(JSON.stringify(new MinMaxScaler())));
  assert.is(blank.nFeaturesIn, null);
  assert.equal(blank.featureRange, [0, 1]);
});

test('MinMaxScaler.fromJSON rejects another type, bad lengths and non-finite values', () => {
  const good = new MinMaxScaler().fit(tensor([[1, 2]])).toJSON();
  throwsWith(
    () => MinMaxScaler.fromJSON({ ...good, type: 'StandardScaler' } as unknown as MinMaxScalerJSON),
    ValueError,
    'MinMaxScaler.fromJSON: expected an object with type "MinMaxScaler" (got type "StandardScaler")',
  );
  throwsWith(
    () => MinMaxScaler.fromJSON(null as unknown as MinMaxScalerJSON),
    ValueError,
    'MinMaxScaler.fromJSON: expected an object with type "MinMaxScaler" (got null)',
  );
  throwsWith(
    () => MinMaxScaler.fromJSON({ ...good, fitted: { nSamplesSeen: 1, dataMin: [1, 2], dataMax: [2] } }),
    ValueError,
    'MinMaxScaler.fromJSON: dataMax must be a non-empty array of numbers of length 2 (got length 1)',
  );
  throwsWith(
    () =>
      MinMaxScaler.fromJSON({
        ...good,
        fitted: { nSamplesSeen: 1, dataMin: 'x', dataMax: [2] },
      } as unknown as MinMaxScalerJSON),
    ValueError,
    'MinMaxScaler.fromJSON: dataMin must be a non-empty array of numbers (got string)',
  );
  throwsWith(
    () =>
      MinMaxScaler.fromJSON({
        ...good,
        fitted: { nSamplesSeen: 1, dataMin: [1, null], dataMax: [2, 3] },
      } as unknown as MinMaxScalerJSON),
    ValueError,
    'MinMaxScaler.fromJSON: dataMin[1] is null; values must be finite',
  );
});

// ------------------------------------------------------------------ StandardScaler

test('StandardScaler: mean, var and scale equal mathjs mean, population variance and std (uncorrected)', () => {
  const x = badlyScaled(30);
  const s = new StandardScaler().fit(x);
  const mu = flat(math.mean(rows(x), 0));
  const variance = flat(math.variance(rows(x), 0, 'uncorrected'));
  const sigma = flat(math.std(rows(x), 0, 'uncorrected'));
  closeAll(s.mean.data, mu, 'mean');
  closeAll(s.var.data, variance, 'var');
  closeAll(s.scale.data, sigma, 'scale');
  // Population, not sample: the divisor is n, so scale = sqrt((n - 1) / n) * the unbiased std.
  const unbiased = flat(math.std(rows(x), 0, 'unbiased'));
  closeAll(
    s.scale.data,
    unbiased.map((u) => u * Math.sqrt(29 / 30)),
    'population vs unbiased',
  );
  assert.is(s.nSamplesSeen, 30);
});

test('StandardScaler: transform is (f - mu) / sigma, giving per-feature mean 0 and population std 1', () => {
  const x = badlyScaled(25);
  const s = new StandardScaler().fit(x);
  const mu = flat(math.mean(rows(x), 0));
  const sigma = flat(math.std(rows(x), 0, 'uncorrected'));
  const y = s.transform(x);
  closeAll(
    y.data,
    Array.from(x.data, (v, k) => (v - mu[k % 4]!) / sigma[k % 4]!),
    'transform',
    1e-10,
  );
  closeAll(flat(math.mean(rows(y), 0)), [0, 0, 0, 0], 'mean after');
  closeAll(flat(math.std(rows(y), 0, 'uncorrected')), [1, 1, 1, 1], 'std after');
});

test('StandardScaler: withMean false only divides, withStd false only centers; both false is the identity', () => {
  const x = badlyScaled(10);
  const mu = flat(math.mean(rows(x), 0));
  const sigma = flat(math.std(rows(x), 0, 'uncorrected'));
  const noMean = new StandardScaler({ withMean: false }).fit(x);
  closeAll(
    noMean.transform(x).data,
    Array.from(x.data, (v, k) => v / sigma[k % 4]!),
    'withMean false',
  );
  const noStd = new StandardScaler({ withStd: false }).fit(x);
  closeAll(
    noStd.transform(x).data,
    Array.from(x.data, (v, k) => v - mu[k % 4]!),
    'withStd false',
  );
  assert.equal(Array.from(noStd.scale.data), [1, 1, 1, 1]);
  closeAll(noStd.var.data, flat(math.variance(rows(x), 0, 'uncorrected')), 'var still fitted');
  const none = new StandardScaler({ withMean: false, withStd: false }).fit(x);
  assert.equal(Array.from(none.transform(x).data), Array.from(x.data));
  for (const s of [noMean, noStd, none]) closeAll(s.inverseTransform(s.transform(x)).data, x.data, 'inverse');
});

test('StandardScaler: inverseTransform(transform(x)) returns x to 1e-12', () => {
  const x = badlyScaled(60);
  const s = new StandardScaler().fit(x);
  const back = s.inverseTransform(s.transform(x));
  for (let k = 0; k < x.numel(); k++)
    assert.ok(Math.abs(back.data[k]! - x.data[k]!) <= 1e-12, `element ${k}`);
});

test('StandardScaler: a constant feature has var 0, scale 1, its exact value as mean, and maps to 0', () => {
  // 0.1 summed 7 times and divided by 7 is not exactly 0.1; the scaler must still give 0, not 1e-17.
  const x = new Tensor(
    Float64Array.from({ length: 14 }, (_, k) => (k % 2 === 0 ? 0.1 : k)),
    [7, 2],
  );
  const s = new StandardScaler().fit(x);
  assert.is(s.mean.data[0], 0.1);
  assert.is(s.var.data[0], 0);
  assert.is(s.scale.data[0], 1);
  const y = s.transform(x);
  assert.ok(y.data.every(Number.isFinite));
  for (let i = 0; i < 7; i++) assert.is(y.data[2 * i], 0);
  closeAll(s.inverseTransform(y).data, x.data, 'inverse');
});

test('StandardScaler: toJSON / fromJSON round trip through a JSON string, fitted or not', () => {
  const x = badlyScaled(20);
  const s = new StandardScaler({ withMean: false }).fit(x);
  const r = StandardScaler.fromJSON(JSON.parse(JSON.stringify(s)) as StandardScalerJSON);
  assert.is(r.withMean, false);
  assert.is(r.withStd, true);
  assert.is(r.nSamplesSeen, 20);
  assert.equal(Array.from(r.transform(x).data), Array.from(s.transform(x).data));
  assert.equal(Array.from(r.scale.data), Array.from(s.scale.data));
  const blank = StandardScaler.fromJSON(JSON.parse(JSON.stringify(new StandardScaler())));
  assert.is(blank.nFeaturesIn, null);
  const constant = new StandardScaler().fit(tensor([[5], [5]]));
  assert.equal(Array.from(StandardScaler.fromJSON(constant.toJSON()).scale.data), [1]);
});

test('StandardScaler.fromJSON rejects another type and a negative variance', () => {
  const good = new StandardScaler().fit(tensor([[1], [3]])).toJSON();
  throwsWith(
    () => StandardScaler.fromJSON({ ...good, type: 'MinMaxScaler' } as unknown as StandardScalerJSON),
    ValueError,
    'StandardScaler.fromJSON: expected an object with type "StandardScaler" (got type "MinMaxScaler")',
  );
  throwsWith(
    () => StandardScaler.fromJSON({ ...good, fitted: { nSamplesSeen: 2, mean: [2], var: [-1] } }),
    ValueError,
    'StandardScaler.fromJSON: var must be non-negative (got [-1])',
  );
});

// ------------------------------------------------------------------ both: errors and contracts

for (const make of [() => new MinMaxScaler(), () => new StandardScaler()]) {
  const name = make().constructor.name;

  test(`${name}: every misuse throws a clear error naming the scaler, the method and the culprit`, () => {
    const s = make();
    throwsWith(
      () => s.transform(tensor([[1, 2]])),
      ValueError,
      `${name}.transform: this ${name} is not fitted yet; call fit(x) first`,
    );
    throwsWith(
      () => s.inverseTransform(tensor([[1, 2]])),
      ValueError,
      `${name}.inverseTransform: this ${name} is not fitted yet; call fit(x) first`,
    );
    throwsWith(
      () => s.fit(tensor([1, 2, 3])),
      ShapeError,
      `${name}.fit: expected a 2D input of shape [nSamples, nFeatures] (got 1D input of shape [3]); ` +
        'reshape a single feature to [n, 1]',
    );
    throwsWith(
      () => s.fit(tensor([[[1, 2]]])),
      ShapeError,
      `${name}.fit: expected a 2D input of shape [nSamples, nFeatures] (got 3D input of shape [1, 1, 2]); ` +
        'reshape a single feature to [n, 1]',
    );
    throwsWith(
      () => s.fit(new Tensor(new Float64Array(0), [0, 3])),
      ValueError,
      `${name}.fit: found 0 samples in input of shape [0, 3]; at least 1 is required`,
    );
    throwsWith(
      () => s.fit(new Tensor(new Float64Array(0), [4, 0])),
      ValueError,
      `${name}.fit: found 0 features in input of shape [4, 0]; at least 1 is required`,
    );
    throwsWith(
      () =>
        s.fit(
          tensor([
            [1, 2],
            [3, Number.NaN],
          ]),
        ),
      ValueError,
      `${name}.fit: feature 1 of sample 1 is NaN; the data must be finite`,
    );
    throwsWith(
      () =>
        s.fit(
          tensor([
            [1, 2],
            [Number.POSITIVE_INFINITY, 4],
          ]),
        ),
      ValueError,
      `${name}.fit: feature 0 of sample 1 is Infinity; the data must be finite`,
    );
    s.fit(
      tensor([
        [1, 2],
        [3, 5],
      ]),
    );
    throwsWith(
      () => s.transform(tensor([[1, 2, 3]])),
      ShapeError,
      `${name}.transform: input has 3 features (shape [1, 3]), but ${name} was fitted on 2 features`,
    );
    throwsWith(
      () => s.inverseTransform(tensor([[1], [2]])),
      ShapeError,
      `${name}.inverseTransform: input has 1 features (shape [2, 1]), but ${name} was fitted on 2 features`,
    );
    throwsWith(
      () => s.transform(tensor([[Number.NEGATIVE_INFINITY, 2]])),
      ValueError,
      `${name}.transform: feature 0 of sample 0 is -Infinity; the data must be finite`,
    );
  });

  test(`${name}: fitted statistics cannot be read before fit`, () => {
    const s = make();
    const stats =
      name === 'MinMaxScaler'
        ? ['dataMin', 'dataMax', 'dataRange', 'scale', 'min']
        : ['mean', 'var', 'scale'];
    for (const stat of stats) {
      throwsWith(
        () => (s as unknown as Record<string, unknown>)[stat],
        ValueError,
        `${name}.${stat}: this ${name} is not fitted yet; call fit(x) first`,
      );
    }
  });

  test(`${name}: returns a plain new tensor, leaves its input alone, fitTransform = fit then transform`, () => {
    const x = badlyScaled(12);
    x.requiresGrad = true;
    const before = Array.from(x.data);
    const y = make().fitTransform(x);
    assert.is(y.requiresGrad, false);
    assert.is(y.gradFn, null);
    assert.equal(Array.from(x.data), before);
    assert.equal(Array.from(y.data), Array.from(make().fit(x).transform(x).data));
    // A statistic read out is a copy: changing it does not change the scaler.
    const s = make().fit(x);
    const stat = s instanceof MinMaxScaler ? s.dataMin : (s as StandardScaler).mean;
    stat.data.fill(1e9);
    assert.equal(Array.from(s.transform(x).data), Array.from(y.data));
    // An empty batch transforms to an empty batch.
    assert.equal(s.transform(new Tensor(new Float64Array(0), [0, 4])).shape, [0, 4]);
  });
}

test('MinMaxScaler: featureRange with a >= b or non-finite ends throws', () => {
  for (const [a, b] of [
    [1, 0],
    [1, 1],
    [0, Number.POSITIVE_INFINITY],
  ] as const) {
    throwsWith(
      () => new MinMaxScaler({ featureRange: [a, b] }),
      ValueError,
      `MinMaxScaler: featureRange minimum must be smaller than maximum and both finite (got [${a}, ${b}])`,
    );
  }
});

test('toString shows the configuration', () => {
  assert.is(
    new MinMaxScaler({ featureRange: [-1, 1] }).toString(),
    'MinMaxScaler(featureRange=[-1, 1], clip=false)',
  );
  assert.is(
    new StandardScaler({ withStd: false }).toString(),
    'StandardScaler(withMean=true, withStd=false)',
  );
});

test.run();
