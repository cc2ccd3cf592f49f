/**
 * The WASM backend's streaming kernels against the JS backend on the same inputs, bit for bit:
 * - elementwise.wat's add, mul, div (float64 and float32), add, mul, div by a scalar
 *   (float64), relu and its gradient (both widths) and tanh's and sigmoid's gradients (float64), at and around the size where the WASM path starts, with tails that are not a
 *   whole step, and on every special value (NaN, infinities, signed zeros, subnormals, the
 *   extremes) paired with every other;
 * - BatchNorm's channel loops, forward (statistics and output) and backward (dγ, dβ and dx),
 *   in both widths: norm.wat's columns of [N, C] and channels.wat's runs of [N, C, S], with
 *   channel counts that are and are not multiples of 8 (4), one row, odd and even S, a large
 *   mean over a small spread (where the residue matters), and special values;
 * - LayerNorm's row loops (rows.wat, with channels.wat's statistics), forward and backward, in
 *   both widths, with row counts that are and are not multiples of 4 (and below 4), odd D.
 * Each test also checks the WASM path is the one taken, so a test cannot pass by both sides
 * running the JS loop.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type FloatArray, Generator } from '../../core/index.ts';
import { channelNormForward } from '../../core/kernels/batchnorm.ts';
import { channelNormBackward } from '../../core/kernels/batchnorm-backward.ts';
import {
  add,
  addScalar,
  div,
  divScalar,
  mul,
  mulScalar,
  relu,
  reluGrad,
  sigmoidGrad,
  tanhGrad,
} from '../../core/kernels/elementwise.ts';
import { rowNormBackward, rowNormForward } from '../../core/kernels/layernorm.ts';
import type { NormBackward, NormForward } from '../../core/kernels/norm.ts';
import {
  ELEMENTWISE_WASM_MIN,
  PIECE,
  wasmBinary,
  wasmScalar,
  wasmUnary,
} from '../../core/kernels/wasm/elementwise.ts';
import { NORM_WASM_MIN, WasmChannels } from '../../core/kernels/wasm/norm.ts';
import { WasmRows } from '../../core/kernels/wasm/rows.ts';
import { MAX_PAGES } from '../../core/kernels/wasm/runtime.ts';
import { STAGE_MAX_BYTES, stage } from '../../core/kernels/wasm/stage.ts';
import { sameBits, using, wasmCalls } from '../helpers/kernels.ts';

const gen = new Generator(29);
const SPECIAL = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  0,
  -0,
  5e-324,
  -5e-324,
  2.2250738585072014e-308,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  1,
  -1,
  1e-300,
  3e38,
  1.401298464324817e-45,
];

function randomArray(kind: 'float32' | 'float64', n: number, scale = 1): Float32Array | Float64Array {
  const a = kind === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = gen.normal() * scale;
  return a;
}

/** Every special value against every other (a[i], b[i]), then random values to fill n. */
function pairs(
  kind: 'float32' | 'float64',
  n: number,
): [Float32Array | Float64Array, Float32Array | Float64Array] {
  const a = randomArray(kind, n, 1e3);
  const b = randomArray(kind, n, 1e-2);
  let i = 0;
  for (const x of SPECIAL) {
    for (const y of SPECIAL) {
      a[i] = x;
      b[i] = y;
      i++;
    }
  }
  return [a, b];
}

/**
 * The WASM path ran (not null) and gave the JS loop's bits, and the kernel itself, on the WASM
 * backend, called elementwise.wat and gave them too.
 */
function sameAsJs(what: string, viaWasm: FloatArray | null, kernel: () => FloatArray): void {
  assert.ok(viaWasm !== null, `${what}: the WASM path ran`);
  const js = using('js', 1, kernel);
  sameBits(viaWasm, js, what);
  const { result, calls } = wasmCalls('wasm', ['elementwise'], kernel);
  assert.ok(calls.length > 0, `${what}: the kernel called elementwise.wat`);
  sameBits(result, js, `${what} through the kernel`);
}

const BINARY = { add, mul, div } as const;
const SCALAR = { add: addScalar, mul: mulScalar, div: divScalar } as const;

test('add, mul and div on two arrays: the WASM lanes give the JS loop bits, in both widths', () => {
  for (const kind of ['float64', 'float32'] as const) {
    for (const n of [
      ELEMENTWISE_WASM_MIN,
      ELEMENTWISE_WASM_MIN + 1,
      ELEMENTWISE_WASM_MIN + 3,
      6000,
      65_537,
    ]) {
      const [a, b] = pairs(kind, n);
      for (const op of ['add', 'mul', 'div'] as const) {
        const viaWasm = using('wasm', 1, () => wasmBinary(op, a, b));
        sameAsJs(`${op} ${kind} n=${n}`, viaWasm, () => BINARY[op](a, b));
      }
    }
  }
});

test('relu, its gradient, and the tanh and sigmoid gradients: the WASM lanes give the JS loop bits', () => {
  const grads = { reluGrad, tanhGrad, sigmoidGrad } as const;
  for (const kind of ['float64', 'float32'] as const) {
    for (const n of [ELEMENTWISE_WASM_MIN, ELEMENTWISE_WASM_MIN + 3, 6001]) {
      const [a, b] = pairs(kind, n);
      sameAsJs(
        `relu ${kind} n=${n}`,
        using('wasm', 1, () => wasmUnary('relu', a)),
        () => relu(a),
      );
      for (const op of ['reluGrad', 'tanhGrad', 'sigmoidGrad'] as const) {
        const viaWasm = using('wasm', 1, () => wasmBinary(op, a, b));
        if (kind === 'float32' && op !== 'reluGrad')
          assert.is(viaWasm, null, `${op} float32 stays on the JS loop`);
        else sameAsJs(`${op} ${kind} n=${n}`, viaWasm, () => grads[op](a, b));
      }
    }
  }
});

test('add, mul and div by a scalar: the WASM lanes give the JS loop bits (float64)', () => {
  const [a] = pairs('float64', ELEMENTWISE_WASM_MIN + 5);
  for (const s of [...SPECIAL, 0.1, -3.7, 1e-3]) {
    for (const op of ['add', 'mul', 'div'] as const) {
      const viaWasm = using('wasm', 1, () => wasmScalar(op, a, s));
      assert.ok(viaWasm !== null, `${op} by ${s}: the WASM path ran`);
      sameBits(
        viaWasm,
        using('js', 1, () => SCALAR[op](a, s)),
        `${op} by ${s}`,
      );
    }
  }
});

test('small arrays, float32 by a scalar, mixed widths and the JS backend stay on the JS loop', () => {
  const small = randomArray('float64', ELEMENTWISE_WASM_MIN - 1);
  assert.is(
    using('wasm', 1, () => wasmBinary('add', small, small)),
    null,
  );
  const big32 = randomArray('float32', ELEMENTWISE_WASM_MIN);
  const big64 = randomArray('float64', ELEMENTWISE_WASM_MIN);
  assert.is(
    using('wasm', 1, () => wasmScalar('mul', big32, 0.1)),
    null,
  );
  assert.is(
    using('wasm', 1, () => wasmBinary('mul', big32, big64)),
    null,
  );
  assert.is(
    using('js', 1, () => wasmBinary('mul', big64, big64)),
    null,
  );
  // float32 by a scalar: a double s is added to the float32 value in double and rounded once,
  // which float32 lanes (rounding s first) would not give.
  const r = using('wasm', 1, () => addScalar(new Float32Array(ELEMENTWISE_WASM_MIN).fill(1), 1e-8));
  assert.is(r[0], Math.fround(1 + 1e-8));
});

interface NormCase {
  n: number;
  c: number;
  /** Values per channel per sample (1: [N, C]). */
  s: number;
  /** Mean and spread of x. */
  shift: number;
  spread: number;
  affine: boolean;
  special?: boolean;
}

interface NormRun {
  f: NormForward;
  r: NormBackward;
  tookWasm: boolean;
}

/** The WASM run took the WASM path, the JS run did not, and every output has the same bits. */
function sameNorm(what: string, wasm: NormRun, js: NormRun): void {
  assert.not.ok(js.tookWasm);
  assert.ok(wasm.tookWasm, `${what}: the WASM path ran`);
  for (const key of ['out', 'mean', 'var', 'rstd'] as const)
    sameBits(wasm.f[key], js.f[key], `${what} ${key}`);
  sameBits(wasm.r.dx!, js.r.dx!, `${what} dx`);
  sameBits(wasm.r.dweight, js.r.dweight, `${what} dweight`);
  sameBits(wasm.r.dbias, js.r.dbias, `${what} dbias`);
}

/**
 * A case's x (shift + spread * N(0, 1)) and g (N(0, 1)), `len` values each in the case's width,
 * and a maker of affine parameters (N(0, 1)), all from one generator seeded with `seed`.
 */
function normData(
  k: NormCase,
  kind: 'float32' | 'float64',
  len: number,
  seed: number,
): { x: FloatArray; g: FloatArray; param: (m: number) => FloatArray } {
  const gen2 = new Generator(seed);
  const Data = kind === 'float32' ? Float32Array : Float64Array;
  const x = new Data(len);
  const g = new Data(len);
  for (let i = 0; i < len; i++) {
    x[i] = k.shift + k.spread * gen2.normal();
    g[i] = gen2.normal();
  }
  const param = (m: number) => {
    const v = new Data(m);
    for (let i = 0; i < m; i++) v[i] = gen2.normal();
    return v;
  };
  return { x, g, param };
}

function normBothWays(k: NormCase, backend: 'js' | 'wasm', kind: 'float32' | 'float64'): NormRun {
  const { n, c, s } = k;
  const { x, g, param } = normData(k, kind, n * c * s, n * 1000 + c * 10 + s);
  if (k.special) {
    // A NaN in one column, an infinity in another, signed zeros in a third.
    x[3] = Number.NaN;
    x[(c + 5) * s] = Number.POSITIVE_INFINITY;
    for (let r = 0; r < n; r++) x[(r * c + 6) * s] = r % 2 === 0 ? 0 : -0;
    g[7] = -0;
  }
  const w = k.affine ? param(c) : null;
  const b = k.affine ? param(c) : null;
  const { result, calls } = wasmCalls(backend, ['norm', 'channels'], () => {
    const f = channelNormForward(x, n, c, s, w, b, 1e-5);
    return { f, r: channelNormBackward(g, x, n, c, s, f.mean, f.rstd, w, true) };
  });
  // The four passes, in order, from norm.wat ([N, C]) or channels.wat ([N, C, S]).
  const passes =
    s === 1 ? ['colStats', 'colAffine', 'colSums', 'colGrad'] : ['chStats', 'chAffine', 'chSums', 'chGrad'];
  const want = passes.map((p) => (kind === 'float32' ? `${p}32` : p));
  return { ...result, tookWasm: calls.join() === want.join() };
}

test('BatchNorm over [N, C]: the WASM column loops give the JS loops bits, forward and backward', () => {
  const cases: NormCase[] = [
    { n: 1024, c: 512, s: 1, shift: 0, spread: 1, affine: true },
    { n: 60, c: 100, s: 1, shift: 0, spread: 1, affine: true },
    { n: 256, c: 8, s: 1, shift: 0, spread: 1, affine: false },
    { n: 7, c: 1000, s: 1, shift: 0, spread: 1, affine: true },
    { n: 300, c: 13, s: 1, shift: 0, spread: 1, affine: true },
    { n: 1, c: NORM_WASM_MIN, s: 1, shift: 0, spread: 1, affine: true },
    { n: 128, c: 40, s: 1, shift: 1e6, spread: 1e-3, affine: true },
    { n: 128, c: 40, s: 1, shift: -3, spread: 2, affine: true, special: true },
    { n: 16, c: 32, s: 676, shift: 0, spread: 1, affine: true }, // W6's first BatchNorm2d, 16 of 64
    { n: 8, c: 64, s: 121, shift: 0, spread: 1, affine: true },
    { n: 5, c: 6, s: 100, shift: 0, spread: 1, affine: false }, // 4 channels here, 2 in JS
    { n: 3, c: 9, s: 77, shift: 2, spread: 0.5, affine: true },
    { n: 64, c: 4, s: 8, shift: 0, spread: 1, affine: true },
    { n: 1, c: 8, s: 257, shift: 1e6, spread: 1e-3, affine: true },
    { n: 33, c: 12, s: 7, shift: -3, spread: 2, affine: true, special: true },
  ];
  for (const [k, kind] of cases.flatMap((k) => [[k, 'float64'] as const, [k, 'float32'] as const])) {
    const what = `[${k.n}, ${k.c}, ${k.s}] ${kind} shift ${k.shift}${k.special ? ' special' : ''}`;
    sameNorm(what, normBothWays(k, 'wasm', kind), normBothWays(k, 'js', kind));
  }
});

function rowsBothWays(k: NormCase, backend: 'js' | 'wasm', kind: 'float32' | 'float64'): NormRun {
  // NormCase's n is the row count R and s the row length D here (c unused).
  const { n: r, s: d } = k;
  const { x, g, param } = normData(k, kind, r * d, r * 7919 + d);
  if (k.special) {
    x[1] = Number.NaN;
    x[d + 2] = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < r; i++) x[i * d + 3] = i % 2 === 0 ? 0 : -0;
    g[4] = -0;
  }
  const w = k.affine ? param(d) : null;
  const b = k.affine ? param(d) : null;
  const { result, calls } = wasmCalls(backend, ['rows', 'channels'], () => {
    const f = rowNormForward(x, r, d, w, b, 1e-5);
    return { f, r: rowNormBackward(g, x, r, d, f.mean, f.rstd, w, true) };
  });
  // Statistics (channels.wat), output, the two sums and dx (rows.wat), in order.
  const sfx = kind === 'float32' ? '32' : '';
  const want = ['chStats', 'rowAffine', 'rowSums', 'rowColSums', 'rowGrad'].map((p) => p + sfx);
  return { ...result, tookWasm: calls.join() === want.join() };
}

test('LayerNorm over [R, D]: the WASM row loops give the JS loops bits, forward and backward', () => {
  const cases: NormCase[] = [
    { n: 32, c: 0, s: 128, shift: 0, spread: 1, affine: true }, // W3's LN
    { n: 16, c: 0, s: 5408, shift: 0, spread: 1, affine: true }, // LN over [32, 13, 13]
    { n: 5, c: 0, s: 1000, shift: 0, spread: 1, affine: false }, // 4 rows summed in WASM, 1 in JS
    { n: 3, c: 0, s: 999, shift: 0, spread: 1, affine: true }, // no row group: sums in JS
    { n: 8, c: 0, s: 257, shift: 1e6, spread: 1e-3, affine: true },
    { n: 7, c: 0, s: 301, shift: -3, spread: 2, affine: true, special: true },
  ];
  for (const [k, kind] of cases.flatMap((k) => [[k, 'float64'] as const, [k, 'float32'] as const])) {
    const what = `LN [${k.n}, ${k.s}] ${kind} shift ${k.shift}${k.special ? ' special' : ''}`;
    sameNorm(what, rowsBothWays(k, 'wasm', kind), rowsBothWays(k, 'js', kind));
  }
});

test('BatchNorm: fewer than 8 columns or 4 channels, few values, mixed widths and the JS backend stay on the JS loops', () => {
  const big = new Float64Array(NORM_WASM_MIN);
  const on = (backend: 'js' | 'wasm', f: () => WasmChannels | null) => using(backend, 1, f);
  assert.is(
    on('wasm', () => WasmChannels.of(big, NORM_WASM_MIN / 4, 4, 1)),
    null,
  );
  assert.is(
    on('wasm', () => WasmChannels.of(big, NORM_WASM_MIN / 30, 3, 10)),
    null,
  );
  assert.is(
    on('wasm', () => WasmChannels.of(new Float64Array(NORM_WASM_MIN - 8), (NORM_WASM_MIN - 8) / 8, 8, 1)),
    null,
  );
  assert.is(
    on('wasm', () => WasmChannels.of(big, NORM_WASM_MIN / 8, 8, 1, new Float32Array(NORM_WASM_MIN))),
    null,
  );
  assert.is(
    on('js', () => WasmChannels.of(big, NORM_WASM_MIN / 8, 8, 1)),
    null,
  );
  assert.is(on('wasm', () => WasmChannels.of(big, NORM_WASM_MIN / 8, 8, 1))?.done, 8);
  assert.is(on('wasm', () => WasmChannels.of(big, 8, 6, NORM_WASM_MIN / 48))?.done, 4);
});

test('long arrays go through wasm memory a piece at a time, with the same bits, and the memory stays small', () => {
  const n = 2 * PIECE + 7;
  const [a, b] = pairs('float64', n);
  sameAsJs(
    `mul n=${n}`,
    using('wasm', 1, () => wasmBinary('mul', a, b)),
    () => mul(a, b),
  );
  const a32 = Float32Array.from(a);
  sameAsJs(
    `relu float32 n=${n}`,
    using('wasm', 1, () => wasmUnary('relu', a32)),
    () => relu(a32),
  );
  sameAsJs(
    `add 0.5 n=${n}`,
    using('wasm', 1, () => wasmScalar('add', a, 0.5)),
    () => addScalar(a, 0.5),
  );
  assert.ok(
    using('wasm', 1, () => stage([a.subarray(0, PIECE), a.subarray(0, PIECE)], 0)) !== null,
    'two pieces and an output fit',
  );
});

test('a BatchNorm or LayerNorm call past STAGE_MAX_BYTES runs the JS loops, with the same results', () => {
  // x of 2/5 of the limit: x and an output fit, x, g and an output do not.
  const [c, s] = [8, Math.floor(STAGE_MAX_BYTES / 8 / 2.5 / (64 * 8))];
  const x = Float64Array.from({ length: 64 * c * s }, (_, i) => Math.sin(i));
  const g = Float64Array.from({ length: x.length }, (_, i) => Math.cos(i));
  assert.is(
    using('wasm', 1, () => WasmChannels.of(x, 64, c, s, g)),
    null,
  );
  assert.ok(using('wasm', 1, () => WasmChannels.of(x, 64, c, s)) !== null, 'x and the output alone fit');
  assert.is(
    using('wasm', 1, () => WasmRows.of(x, 64, c * s, g)),
    null,
  );
  const f = channelNormForward(x, 64, c, s, null, null, 1e-5);
  const back = (backend: 'js' | 'wasm') =>
    using(backend, 1, () => channelNormBackward(g, x, 64, c, s, f.mean, f.rstd, null, true).dx!);
  sameBits(back('wasm'), back('js'), 'BatchNorm backward past the limit');
});

test('a call past the memory limit is refused before anything is copied, so the JS loops run', () => {
  const a = new Float64Array(16).fill(1);
  assert.is(
    using('wasm', 1, () => stage([a], MAX_PAGES * 65536)),
    null,
  );
  assert.is(
    using('wasm', 1, () => stage([a], STAGE_MAX_BYTES)),
    null,
  );
  const s = using('wasm', 1, () => stage([a, a], 64));
  assert.ok(s !== null);
  assert.equal(s.at, [16, 16 + 128]);
  assert.is(s.outAt, 16 + 256);
  assert.is(s.scratchAt, 16 + 384);
});

test.run();
