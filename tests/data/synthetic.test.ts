import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Tensor, ValueError } from '../../core/index.ts';
import { addingProblem, badlyScaledRegression, gaussianBlobs, spirals, twoMoons } from '../../data/index.ts';
import { throwsWith } from '../helpers/throws.ts';

const col = (x: Tensor, j: number) =>
  Array.from({ length: x.shape[0]! }, (_, i) => x.data[i * x.shape[1]! + j]!);
const countsOf = (y: Tensor) => {
  const c = new Map<number, number>();
  for (const v of y.data) c.set(v, (c.get(v) ?? 0) + 1);
  return [...c.entries()].sort((a, b) => a[0] - b[0]);
};
const same = (a: { x: Tensor; y: Tensor }, b: { x: Tensor; y: Tensor }) =>
  a.x.data.every((v, i) => v === b.x.data[i]) && a.y.data.every((v, i) => v === b.y.data[i]);

// ------------------------------------------------------------------ badlyScaledRegression

test('badlyScaledRegression: feature j lies in [0, scales[j]], so the ranges differ by the ratio of the scales', () => {
  const { x, y, weight, outlierIndices } = badlyScaledRegression({ n: 500 });
  assert.equal(x.shape, [500, 2]);
  assert.equal(y.shape, [500]);
  assert.equal(weight.shape, [2]);
  assert.equal(outlierIndices, []);
  const [a, b] = [col(x, 0), col(x, 1)];
  assert.ok(a.every((v) => v >= 0 && v <= 1) && b.every((v) => v >= 0 && v <= 1000));
  const range = (v: number[]) => Math.max(...v) - Math.min(...v);
  const ratio = range(b) / range(a);
  assert.ok(ratio > 900 && ratio < 1100, `range ratio ${ratio}`);
  // Every feature matters about equally in scaled units: |w_j| * s_j in [1, 2].
  assert.ok(Math.abs(weight.data[0]!) >= 1 && Math.abs(weight.data[0]!) <= 2);
  assert.ok(Math.abs(weight.data[1]! * 1000) >= 1 && Math.abs(weight.data[1]! * 1000) <= 2);
});

test('badlyScaledRegression: y = x . weight + bias exactly without noise, and with noise of the stated std', () => {
  const scales = [1, 100, 10000];
  const clean = badlyScaledRegression({ n: 50, scales, noise: 0, seed: 2 });
  const resid = (r: ReturnType<typeof badlyScaledRegression>) =>
    Array.from(
      r.y.data,
      (v, i) => v - r.bias - scales.reduce((s, _, j) => s + r.x.data[i * 3 + j]! * r.weight.data[j]!, 0),
    );
  assert.ok(resid(clean).every((e) => Math.abs(e) < 1e-12));
  const noisy = badlyScaledRegression({ n: 4000, scales, noise: 0.5, seed: 2 });
  const e = resid(noisy);
  const sd = Math.sqrt(e.reduce((s, v) => s + v * v, 0) / e.length);
  assert.ok(Math.abs(sd - 0.5) < 0.03, `noise std ${sd}`);
});

test('badlyScaledRegression: outliers lie far outside the normal range in every feature', () => {
  const r = badlyScaledRegression({ n: 100, scales: [1, 1000], outliers: 4, outlierScale: 30, seed: 5 });
  assert.is(r.outlierIndices.length, 4);
  assert.equal(
    r.outlierIndices,
    [...r.outlierIndices].sort((a, b) => a - b),
  );
  for (let i = 0; i < 100; i++) {
    const out = r.outlierIndices.includes(i);
    for (const [j, s] of [1, 1000].entries()) {
      const v = r.x.data[i * 2 + j]!;
      if (out) assert.ok(v >= 15 * s && v <= 30 * s, `outlier ${i} feature ${j}: ${v}`);
      else assert.ok(v >= 0 && v <= s, `sample ${i} feature ${j}: ${v}`);
    }
  }
  // Same model for the outliers: they stretch the data, they are not mislabelled.
  const i = r.outlierIndices[0]!;
  const fit = r.bias + r.x.data[2 * i]! * r.weight.data[0]! + r.x.data[2 * i + 1]! * r.weight.data[1]!;
  assert.ok(Math.abs(r.y.data[i]! - fit) < 1);
});

test('badlyScaledRegression: deterministic under a seed, different across seeds; bad options throw', () => {
  assert.ok(
    same(badlyScaledRegression({ seed: 1, outliers: 3 }), badlyScaledRegression({ seed: 1, outliers: 3 })),
  );
  assert.not.ok(same(badlyScaledRegression({ seed: 1 }), badlyScaledRegression({ seed: 2 })));
  throwsWith(
    () => badlyScaledRegression({ scales: [1, -5] }),
    ValueError,
    'badlyScaledRegression: scales must be a non-empty list of positive numbers (got [1, -5])',
  );
  throwsWith(
    () => badlyScaledRegression({ n: 0 }),
    ValueError,
    'badlyScaledRegression: n must be an integer >= 1 (got 0)',
  );
  throwsWith(
    () => badlyScaledRegression({ n: 3, outliers: 4 }),
    ValueError,
    'badlyScaledRegression: outliers (4) cannot exceed n (3)',
  );
  throwsWith(
    () => badlyScaledRegression({ outlierScale: 1 }),
    ValueError,
    'badlyScaledRegression: outlierScale must be a finite number >= 2 (got 1)',
  );
  throwsWith(
    () => badlyScaledRegression({ noise: -1 }),
    ValueError,
    'badlyScaledRegression: noise must be a finite number >= 0 (got -1)',
  );
});

// ------------------------------------------------------------------ twoMoons, spirals, blobs

test('twoMoons: without noise, class 0 lies on the upper unit half circle, class 1 on the shifted lower one', () => {
  const { x, y } = twoMoons({ n: 101, noise: 0 });
  assert.equal(x.shape, [101, 2]);
  assert.equal(countsOf(y), [
    [0, 50],
    [1, 51],
  ]);
  for (let i = 0; i < 101; i++) {
    const [u, v] = [x.data[2 * i]!, x.data[2 * i + 1]!];
    if (y.data[i] === 0) assert.ok(Math.abs(u * u + v * v - 1) < 1e-12 && v >= -1e-12);
    else assert.ok(Math.abs((u - 1) ** 2 + (v - 0.5) ** 2 - 1) < 1e-12 && v <= 0.5 + 1e-12);
  }
  // Shuffled: the classes are mixed, not in two blocks.
  assert.not.equal(Array.from(y.data.subarray(0, 50)), new Array(50).fill(0));
});

test('twoMoons: noise moves points off the curves by about its std; deterministic under a seed', () => {
  const { x, y } = twoMoons({ n: 2000, noise: 0.1, seed: 4 });
  let ss = 0;
  for (let i = 0; i < 2000; i++) {
    const [u, v] = [x.data[2 * i]!, x.data[2 * i + 1]!];
    const r = y.data[i] === 0 ? Math.hypot(u, v) : Math.hypot(u - 1, v - 0.5);
    ss += (r - 1) ** 2;
  }
  const radialSd = Math.sqrt(ss / 2000);
  assert.ok(radialSd > 0.07 && radialSd < 0.13, `radial spread ${radialSd}`);
  assert.ok(same(twoMoons({ seed: 4 }), twoMoons({ seed: 4 })));
  assert.not.ok(same(twoMoons({ seed: 4 }), twoMoons({ seed: 5 })));
  throwsWith(() => twoMoons({ n: 1 }), ValueError, 'twoMoons: n must be an integer >= 2 (got 1)');
});

test('spirals: n split evenly among the classes; without noise, angle = 4c + 4r on each arm', () => {
  const { x, y } = spirals({ n: 100, classes: 3, noise: 0 });
  assert.equal(x.shape, [100, 2]);
  assert.equal(countsOf(y), [
    [0, 34],
    [1, 33],
    [2, 33],
  ]);
  for (let i = 0; i < 100; i++) {
    const [u, v] = [x.data[2 * i]!, x.data[2 * i + 1]!];
    const r = Math.hypot(u, v);
    assert.ok(r <= 1 + 1e-12);
    if (r < 1e-9) continue;
    const t = 4 * y.data[i]! + 4 * r;
    assert.ok(Math.abs(u - r * Math.sin(t)) < 1e-12 && Math.abs(v - r * Math.cos(t)) < 1e-12, `sample ${i}`);
  }
  assert.ok(same(spirals({ seed: 1 }), spirals({ seed: 1 })));
  assert.not.ok(same(spirals({ seed: 1 }), spirals({ seed: 2 })));
  throwsWith(() => spirals({ classes: 1 }), ValueError, 'spirals: classes must be an integer >= 2 (got 1)');
  throwsWith(() => spirals({ n: 2, classes: 3 }), ValueError, 'spirals: n must be an integer >= 3 (got 2)');
});

test('gaussianBlobs: centers in the box, each class around its center with the stated std', () => {
  const { x, y, centers } = gaussianBlobs({ n: 3000, centers: 3, std: 0.5, nFeatures: 4, seed: 8 });
  assert.equal(x.shape, [3000, 4]);
  assert.equal(centers.shape, [3, 4]);
  assert.ok(centers.data.every((v) => v >= -10 && v <= 10));
  assert.equal(countsOf(y), [
    [0, 1000],
    [1, 1000],
    [2, 1000],
  ]);
  for (let c = 0; c < 3; c++) {
    for (let j = 0; j < 4; j++) {
      const vals = col(x, j).filter((_, i) => y.data[i] === c);
      const m = vals.reduce((s, v) => s + v, 0) / vals.length;
      const sd = Math.sqrt(vals.reduce((s, v) => s + (v - m) ** 2, 0) / vals.length);
      assert.ok(Math.abs(m - centers.data[c * 4 + j]!) < 0.1, `class ${c} feature ${j} mean`);
      assert.ok(Math.abs(sd - 0.5) < 0.05, `class ${c} feature ${j} std ${sd}`);
    }
  }
  assert.ok(same(gaussianBlobs({ seed: 8 }), gaussianBlobs({ seed: 8 })));
  assert.not.ok(same(gaussianBlobs({ seed: 8 }), gaussianBlobs({ seed: 9 })));
});

test('gaussianBlobs: given centers are used as they are; bad options throw', () => {
  const { x, y, centers } = gaussianBlobs({
    n: 5,
    centers: [
      [100, 0],
      [0, -100],
    ],
    std: 0,
  });
  assert.equal(centers.toArray(), [
    [100, 0],
    [0, -100],
  ]);
  assert.equal(countsOf(y), [
    [0, 3],
    [1, 2],
  ]);
  for (let i = 0; i < 5; i++) {
    assert.equal(Array.from(x.data.subarray(2 * i, 2 * i + 2)), y.data[i] === 0 ? [100, 0] : [0, -100]);
  }
  throwsWith(
    () => gaussianBlobs({ centers: [[1, 2], [3]] }),
    ValueError,
    'gaussianBlobs: centers must be a non-empty list of equally long lists of finite numbers (got [[1,2],[3]])',
  );
  throwsWith(
    () => gaussianBlobs({ centerBox: [1, 1] }),
    ValueError,
    'gaussianBlobs: centerBox must be finite with min < max (got [1, 1])',
  );
  throwsWith(
    () => gaussianBlobs({ n: 2, centers: 3 }),
    ValueError,
    'gaussianBlobs: n must be an integer >= 3 (got 2)',
  );
  throwsWith(
    () => gaussianBlobs({ std: Number.NaN }),
    ValueError,
    'gaussianBlobs: std must be a finite number >= 0 (got NaN)',
  );
});

// ------------------------------------------------------------------ addingProblem

test('addingProblem: two markers per sequence, one in each half; the target is the sum of the marked values', () => {
  const T = 30;
  const { x, y } = addingProblem({ n: 200, length: T, seed: 6 });
  assert.equal(x.shape, [200, T, 2]);
  assert.equal(y.shape, [200]);
  const firstHalf = new Set<number>();
  for (let i = 0; i < 200; i++) {
    const marked: number[] = [];
    let sum = 0;
    for (let t = 0; t < T; t++) {
      const [v, m] = [x.data[(i * T + t) * 2]!, x.data[(i * T + t) * 2 + 1]!];
      assert.ok(v >= 0 && v < 1, `value ${v}`);
      assert.ok(m === 0 || m === 1, `marker ${m}`);
      if (m === 1) {
        marked.push(t);
        sum += v;
      }
    }
    assert.is(marked.length, 2, `sequence ${i} markers`);
    assert.ok(marked[0]! < T / 2 && marked[1]! >= T / 2, `marker positions ${marked}`);
    firstHalf.add(marked[0]!);
    assert.is(y.data[i], sum);
  }
  // The first marker is spread over the first half, not stuck in one place.
  assert.ok(firstHalf.size > 10, `first-marker positions used: ${firstHalf.size}`);
});

test('addingProblem: deterministic under a seed, the shortest length is 2, bad options throw', () => {
  assert.ok(same(addingProblem({ n: 10, seed: 3 }), addingProblem({ n: 10, seed: 3 })));
  assert.not.ok(same(addingProblem({ n: 10, seed: 3 }), addingProblem({ n: 10, seed: 4 })));
  const { x } = addingProblem({ n: 3, length: 2 });
  for (let i = 0; i < 3; i++) assert.equal([x.data[4 * i + 1], x.data[4 * i + 3]], [1, 1]);
  assert.equal(addingProblem().x.shape, [1000, 50, 2]);
  throwsWith(
    () => addingProblem({ length: 1 }),
    ValueError,
    'addingProblem: length must be an integer >= 2 (got 1)',
  );
  throwsWith(() => addingProblem({ n: 0 }), ValueError, 'addingProblem: n must be an integer >= 1 (got 0)');
});

test.run();
