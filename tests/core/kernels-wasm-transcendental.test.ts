/**
 * transcendental.wat's exp, sigmoid and tanh against the JS kernels, bit for bit, in both widths.
 * The JS kernels call V8's Math.exp and Math.expm1 (fdlibm); the lanes run fdlibm's algorithms
 * with its branches turned into selects, so the inputs gather at every place a branch of fdlibm
 * changes course (|x| = ln2 / 2 and 3 ln2 / 2, each k = ±(j + 1/2) ln2 where the reduction's k
 * steps, exp's 1 and 2^-28 and 708 and overflow and underflow thresholds, expm1's 2^-54, 56 ln2,
 * k = ±1, 2, 20 and r = -1/4, tanh's 20), a few ulps either side of each, then special values,
 * subnormals and random values at several scales. Each check also proves the kernel called the
 * WASM module, so a test cannot pass by both sides running the JS loop.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator } from '../../core/index.ts';
import { exp, sigmoid, tanh } from '../../core/kernels/elementwise.ts';
import { TRANSCENDENTAL_WASM_MIN, wasmUnary } from '../../core/kernels/wasm/elementwise.ts';
import { sameBits, using, wasmCalls } from '../helpers/kernels.ts';

const gen = new Generator(31);
const bits = new Float64Array(1);
const word = new BigInt64Array(bits.buffer);

/** x and its neighbours up to `ulps` steps away either side (x finite and nonzero). */
function around(x: number, ulps = 3): number[] {
  const out: number[] = [];
  for (let d = -ulps; d <= ulps; d++) {
    bits[0] = x;
    word[0] += BigInt(d);
    out.push(bits[0]);
  }
  return out;
}

/** The inputs where fdlibm's exp and expm1 (and the kernels around them) change course. */
function boundaries(): number[] {
  const LN2 = Math.LN2;
  const at = [
    LN2 / 2, // k = 0 below, the reduction above
    1.5 * LN2, // fdlibm's k = ±1 branch ends
    1,
    2 ** -28, // exp: 1 + x below
    2 ** -54, // expm1: x below
    708, // the kernel's own limit: beyond it the lanes call Math.exp
    709.782712893384, // exp overflows
    745.1332191019411, // exp underflows to 0
    56 * LN2, // expm1: -1 (or overflow) beyond
    20, // tanh: 1 above
    0.25,
    5e-324,
    2.2250738585072014e-308,
  ];
  const xs: number[] = [];
  for (const x of at) for (const s of [1, -1, 0.5, -0.5]) xs.push(...around(x * s));
  // Where the reduction's k steps: x = (j + 1/2) ln2, for every k exp and expm1 reach.
  for (let j = -1080; j <= 1030; j++) xs.push(...around((j + 0.5) * LN2, 1));
  return xs;
}

const SPECIAL = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  0,
  -0,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  3e38,
  -3e38,
  1e-300,
  1.401298464324817e-45,
];

/** Boundaries, special values and random values at several scales, to length n. */
function inputs(kind: 'float32' | 'float64', n: number): Float32Array | Float64Array {
  const a = kind === 'float32' ? new Float32Array(n) : new Float64Array(n);
  const fixed = [...SPECIAL, ...boundaries()];
  const scales = [1, 4, 30, 400];
  for (let i = 0; i < n; i++) a[i] = i < fixed.length ? fixed[i]! : gen.normal() * scales[i % 4]!;
  return a;
}

const KERNELS = { exp, sigmoid, tanh } as const;

/**
 * On the WASM backend `op` took transcendental.wat (and `wasmUnary` ran), and both gave the JS
 * backend's bits.
 */
function sameAsJs(op: keyof typeof KERNELS, a: Float32Array | Float64Array, what: string): void {
  const js = using('js', 1, () => KERNELS[op](a));
  const direct = using('wasm', 1, () => wasmUnary(op, a));
  assert.ok(direct !== null, `${what}: the WASM path ran`);
  sameBits(direct, js, what);
  const { result, calls } = wasmCalls('wasm', ['transcendental'], () => KERNELS[op](a));
  assert.ok(
    calls.includes(`${op}${a instanceof Float32Array ? 32 : 64}`),
    `${what}: called transcendental.wat`,
  );
  sameBits(result, js, `${what} through the kernel`);
}

test('exp, sigmoid and tanh: the WASM lanes give the JS kernels bits at every branch of fdlibm, in both widths', () => {
  const n = boundaries().length + SPECIAL.length + 20_001; // odd: the last value takes a vector alone
  for (const kind of ['float64', 'float32'] as const) {
    const a = inputs(kind, n);
    for (const op of ['exp', 'sigmoid', 'tanh'] as const) sameAsJs(op, a, `${op} ${kind}`);
  }
});

test('exp, sigmoid and tanh: sizes at and around where the WASM path starts', () => {
  for (const kind of ['float64', 'float32'] as const) {
    for (const n of [TRANSCENDENTAL_WASM_MIN, TRANSCENDENTAL_WASM_MIN + 1, 6000]) {
      const a = inputs(kind, n);
      for (const op of ['exp', 'sigmoid', 'tanh'] as const) sameAsJs(op, a, `${op} ${kind} n=${n}`);
    }
    const small = inputs(kind, TRANSCENDENTAL_WASM_MIN - 1);
    for (const op of ['exp', 'sigmoid', 'tanh'] as const) {
      assert.is(
        using('wasm', 1, () => wasmUnary(op, small)),
        null,
        `${op} below the minimum stays on the JS loop`,
      );
      const { calls } = wasmCalls('wasm', ['transcendental'], () => KERNELS[op](small));
      assert.equal(calls, [], `${op}: no call into transcendental.wat below the minimum`);
    }
  }
});

test('the JS kernels are V8 Math.exp and Math.tanh forms: exp is Math.exp, tanh within 2 ulps of Math.tanh', () => {
  // What the bit-for-bit checks above are checked against: exp is Math.exp itself, and tanh's
  // expm1 form stays close to Math.tanh (it is not Math.tanh, see elementwise.ts).
  const a = inputs('float64', 30_000);
  const e = using('js', 1, () => exp(a));
  const t = using('js', 1, () => tanh(a));
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (!Object.is(e[i], Math.exp(x))) assert.unreachable(`exp(${x}): ${e[i]} vs ${Math.exp(x)}`);
    const want = Math.tanh(x);
    if (
      !(Math.abs(t[i]! - want) <= 2 * Number.EPSILON * Math.abs(want)) &&
      !(Number.isNaN(x) && Number.isNaN(t[i]!))
    )
      assert.unreachable(`tanh(${x}): ${t[i]} vs ${want}`);
  }
});

test.run();
