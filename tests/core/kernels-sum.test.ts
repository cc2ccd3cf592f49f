/**
 * The cascade sum along contiguous values (core/kernels/reduce.ts): its order, written out here
 * from the file's description and compared bit for bit; that fewer than 8 values still add one
 * after another; its accuracy against mathjs's exact sum where one running sum loses every small
 * value; special values; and float32 summed in float64 and rounded once.
 */
import { all, create } from 'mathjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator } from '../../core/index.ts';
import { BLOCK, cascadeSum, sumAxis } from '../../core/kernels/reduce.ts';

const math = create(all, { number: 'BigNumber', precision: 80 });

/** The order as the file describes it, spelled out independently. */
function reference(x: Float64Array | Float32Array): number {
  const block = (lo: number, n: number) => {
    const lanes = [0, 0, 0, 0, 0, 0, 0, 0];
    const full = n - (n % 8);
    for (let j = 0; j < full; j++) lanes[j % 8] = lanes[j % 8]! + x[lo + j]!;
    let rest = 0;
    for (let j = full; j < n; j++) rest += x[lo + j]!;
    const a = (k: number) => lanes[k]!;
    return a(0) + a(1) + (a(2) + a(3)) + (a(4) + a(5) + (a(6) + a(7))) + rest;
  };
  const sums: number[] = [];
  for (let lo = 0; lo < x.length; lo += BLOCK) sums.push(block(lo, Math.min(BLOCK, x.length - lo)));
  const tree = (lo: number, hi: number): number =>
    hi - lo === 1
      ? sums[lo]!
      : tree(lo, lo + Math.floor((hi - lo) / 2)) + tree(lo + Math.floor((hi - lo) / 2), hi);
  return x.length === 0 ? 0 : tree(0, sums.length);
}

const sequential = (x: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s;
};

test('the sum follows its described order exactly, at every size around the lanes and blocks', () => {
  const gen = new Generator(3);
  for (const n of [1, 7, 8, 9, 15, 16, 17, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 5, 7 * BLOCK, 1 << 19]) {
    const x = Float64Array.from({ length: n }, () => gen.normal() * 10 ** Math.floor(gen.normal() * 3));
    assert.ok(Object.is(cascadeSum(x, 0, n), reference(x)), `n=${n}`);
    assert.ok(Object.is(sumAxis(x, 1, n, 1)[0], reference(x)), `sumAxis n=${n}`);
  }
  // Rows of a matrix are summed each from its own start.
  const m = Float64Array.from({ length: 3 * 1000 }, (_, i) => Math.sin(i));
  const rows = sumAxis(m, 3, 1000, 1);
  for (let o = 0; o < 3; o++) assert.ok(Object.is(rows[o], reference(m.subarray(o * 1000, (o + 1) * 1000))));
});

test('fewer than 8 values add one after another from +0, as before', () => {
  for (const x of [[0.1, 0.2, 0.3], [-0], [-0, -0], [1e308, 1e308, -1e308], [5e-324, -5e-324, 0.5]]) {
    const a = Float64Array.from(x);
    assert.ok(Object.is(cascadeSum(a, 0, a.length), sequential(a)), `${x}`);
  }
});

test('the cascade keeps the small values that one running sum rounds away (mathjs exact sum)', () => {
  const n = 1 << 20;
  const x = new Float64Array(n).fill(2 ** -53);
  x[0] = 1;
  const exact = math.add(
    math.bignumber(1),
    math.multiply(math.bignumber(n - 1), math.pow(math.bignumber(2), -53)),
  );
  const relErr = (v: number) =>
    Math.abs(Number(math.divide(math.subtract(math.bignumber(v), exact), exact).toString()));
  assert.is(sequential(x), 1, 'one running sum: 1 + 2^-53 rounds back to 1 every time');
  assert.ok(relErr(sequential(x)) > 1e-10);
  // The cascade loses only the 511 small values that share the 1's running sum in the first
  // block: 511 x 2^-53 against the running sum's (n - 1) x 2^-53.
  assert.ok(relErr(cascadeSum(x, 0, n)) <= 512 * 2 ** -53, `cascade ${cascadeSum(x, 0, n)}`);
  assert.ok(relErr(cascadeSum(x, 0, n)) * 1000 < relErr(sequential(x)));
  // Random data over a wide range: within the pairwise bound, (log2 n + 8) eps sum |x|.
  const gen = new Generator(9);
  const y = Float64Array.from({ length: n }, () => gen.normal() * 10 ** Math.floor(gen.normal() * 4));
  const exactY = math.sum(Array.from(y, (v) => math.bignumber(v)));
  const absSum = y.reduce((s, v) => s + Math.abs(v), 0);
  const err = Math.abs(Number(math.subtract(math.bignumber(cascadeSum(y, 0, n)), exactY).toString()));
  assert.ok(
    err <= (Math.log2(n) + 8) * 2 ** -53 * absSum,
    `error ${err} against bound ${(28 * 2 ** -53 * absSum).toExponential(2)}`,
  );
});

test('NaN and infinities come through as in any order of additions', () => {
  for (const [at, v, want] of [
    [5000, Number.NaN, Number.NaN],
    [3, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY],
    [9000, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
  ] as const) {
    const x = new Float64Array(10_000).fill(1);
    x[at] = v;
    assert.ok(Object.is(cascadeSum(x, 0, x.length), want), `${v} at ${at}`);
  }
  const both = new Float64Array(10_000).fill(1);
  both[1] = Number.POSITIVE_INFINITY;
  both[9999] = Number.NEGATIVE_INFINITY;
  assert.ok(Number.isNaN(cascadeSum(both, 0, both.length)));
});

test('float32 values are summed in float64 and rounded once', () => {
  const gen = new Generator(4);
  const x = Float32Array.from({ length: 3 * BLOCK + 11 }, () => gen.normal());
  const got = sumAxis(x, 1, x.length, 1);
  assert.instance(got, Float32Array);
  assert.ok(Object.is(got[0], Math.fround(reference(x))));
});

test.run();
