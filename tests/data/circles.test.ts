import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ValueError } from '../../core/index.ts';
import { circles } from '../../data/index.ts';

test("circles: without noise, class 0 lies on the unit circle and class 1 on the circle of radius factor, at make_circles' angles", () => {
  const n = 9;
  const factor = 0.5;
  const { x, y } = circles({ n, factor });
  assert.equal(x.shape, [n, 2]);
  const angles: Record<number, number[]> = { 0: [], 1: [] };
  for (let i = 0; i < n; i++) {
    const [a, b] = [x.data[2 * i]!, x.data[2 * i + 1]!];
    const label = y.data[i]!;
    assert.ok(Math.abs(Math.hypot(a, b) - (label === 0 ? 1 : factor)) < 1e-12);
    angles[label]!.push((Math.atan2(b, a) + 2 * Math.PI) % (2 * Math.PI));
  }
  // scikit-learn: np.linspace(0, 2 pi, n_out, endpoint=False) with n_out = n // 2 = 4 and n_in = 5.
  const expect = (k: number) => Array.from({ length: k }, (_, j) => (2 * Math.PI * j) / k);
  for (const [label, k] of [
    [0, 4],
    [1, 5],
  ] as const) {
    const got = angles[label]!.sort((p, q) => p - q);
    assert.is(got.length, k);
    got.forEach((t, j) => assert.ok(Math.abs(t - expect(k)[j]!) < 1e-12, `class ${label} angle ${j}`));
  }
});

test('circles: noise moves points off the circles; the same seed gives the same points', () => {
  const a = circles({ n: 50, noise: 0.1, seed: 3 });
  const b = circles({ n: 50, noise: 0.1, seed: 3 });
  assert.equal(Array.from(a.x.data), Array.from(b.x.data));
  const off = Array.from({ length: 50 }, (_, i) => Math.hypot(a.x.data[2 * i]!, a.x.data[2 * i + 1]!));
  assert.ok(off.some((r) => Math.abs(r - 1) > 1e-3 && Math.abs(r - 0.8) > 1e-3));
});

test('circles: bad arguments name the function, the argument and the value', () => {
  assert.throws(
    () => circles({ factor: 1 }),
    (e: Error) => e instanceof ValueError && e.message === 'circles: factor must be in [0, 1) (got 1)',
  );
  assert.throws(
    () => circles({ n: 1 }),
    (e: Error) => e instanceof ValueError && /circles: n/.test(e.message),
  );
  assert.throws(
    () => circles({ noise: -1 }),
    (e: Error) => e instanceof ValueError && /circles: noise/.test(e.message),
  );
});

test.run();
