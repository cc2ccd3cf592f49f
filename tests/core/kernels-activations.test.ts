/**
 * relu, its gradient and sigmoid run without a branch per element (core/kernels/elementwise.ts).
 * These check that the branchless forms give exactly the bits of the plain definitions,
 * max(x, 0), x > 0 ? g : 0 and the two-sided sigmoid, in both widths: on every special value (signed zeros, NaN,
 * infinities, the largest finite values where doubling overflows, subnormals) paired with every
 * other, and on values spread over the whole exponent range.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { FloatArray } from '../../core/index.ts';
import { relu, reluGrad, sigmoid } from '../../core/kernels/elementwise.ts';

const MAX = Number.MAX_VALUE;
const SPECIALS = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  MAX,
  -MAX,
  MAX / 2,
  -MAX / 2,
  MAX * 0.75,
  1e308,
  -1e308,
  2.2250738585072014e-308,
  -2.2250738585072014e-308,
  Number.MIN_VALUE,
  -Number.MIN_VALUE,
  3e-320,
  -3e-320,
  3.4028234663852886e38,
  -3.4028234663852886e38,
  1.401298464324817e-45,
  -1.401298464324817e-45,
];

/** Values of both signs with exponents over the whole double range (a fixed LCG, so runs agree). */
function spread(n: number): number[] {
  let s = 12345;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  return Array.from({ length: n }, () => (next() - 0.5) * 10 ** (next() * 616 - 308));
}

/** The index of the first element whose bits differ, or -1. */
function firstDiff(got: FloatArray, want: ArrayLike<number>): number {
  for (let i = 0; i < got.length; i++) if (!Object.is(got[i], want[i])) return i;
  return -1;
}

for (const [name, Arr] of [
  ['float64', Float64Array],
  ['float32', Float32Array],
] as const) {
  test(`relu is max(x, 0) bit for bit (${name})`, () => {
    const x = Arr.from([...SPECIALS, ...spread(20000)]);
    const want = Arr.from(Array.from(x, (v) => Math.max(v, 0)));
    const got = relu(x);
    const i = firstDiff(got, want);
    assert.is(i, -1, `x = ${x[i]}: got ${got[i]}, want ${want[i]}`);
  });

  test(`reluGrad is x > 0 ? g : 0 bit for bit (${name})`, () => {
    // Every special g against every special x, then spread values against each other.
    const gs: number[] = [];
    const xs: number[] = [];
    for (const g of SPECIALS)
      for (const x of SPECIALS) {
        gs.push(g);
        xs.push(x);
      }
    const more = spread(40000);
    for (let k = 0; k < 20000; k++) {
      gs.push(more[2 * k]!);
      xs.push(more[2 * k + 1]!);
    }
    const [g, x] = [Arr.from(gs), Arr.from(xs)];
    const want = Arr.from(Array.from(g, (v, k) => (x[k]! > 0 ? v : 0)));
    const got = reluGrad(g, x);
    const i = firstDiff(got, want);
    assert.is(i, -1, `g = ${g[i]}, x = ${x[i]}: got ${got[i]}, want ${want[i]}`);
  });
}

/** sigmoid as it was written with a branch on the sign, the reference for the branchless form. */
function sigmoidBranch(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

for (const [name, Arr] of [
  ['float64', Float64Array],
  ['float32', Float32Array],
] as const) {
  test(`sigmoid is the two-sided definition bit for bit (${name})`, () => {
    // Exponents from 1e-5 to 1e3 cover the range where sigmoid is neither 0.5 nor saturated.
    let s = 777;
    const next = () => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s / 2147483648;
    };
    const mid = Array.from({ length: 20000 }, () => (next() - 0.5) * 10 ** (next() * 8 - 5));
    const x = Arr.from([...SPECIALS, 745, -745, 709.8, -709.8, 36, -36, ...mid, ...spread(5000)]);
    const want = Arr.from(Array.from(x, sigmoidBranch));
    const got = sigmoid(x);
    const i = firstDiff(got, want);
    assert.is(i, -1, `x = ${x[i]}: got ${got[i]}, want ${want[i]}`);
  });
}

test('the branchless forms are not the plain ones by accident: -0 and NaN are where they differ from a naive rewrite', () => {
  // (x + |x|) / 2 alone gives NaN for -Infinity and Infinity for MAX; g * [x > 0] alone gives -0
  // for a negative g and NaN for an infinite g where x <= 0. The kernels must not.
  const r = relu(Float64Array.from([Number.NEGATIVE_INFINITY, MAX, -0]));
  assert.ok(Object.is(r[0], 0) && r[1] === MAX && Object.is(r[2], 0));
  const d = reluGrad(Float64Array.from([-3, Number.POSITIVE_INFINITY, -0]), Float64Array.from([-1, -1, 1]));
  assert.ok(Object.is(d[0], 0) && Object.is(d[1], 0) && Object.is(d[2], -0));
});

test.run();
