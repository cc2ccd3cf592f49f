/**
 * The GEMM on both backends, in both dtypes (float64 and float32, each test
 * below runs once per dtype unless its name says otherwise).
 *
 * - JS and WASM give the same bits (same k blocks, no FMA, products added in
 *   the same order), for all four transpose combinations, ragged sizes against
 *   every tile (JS 4 x 4, WASM 4 x 4 in float64 and 4 x 8 in float32), sizes
 *   below and above the small-product threshold, offsets, a C with a row
 *   stride wider than n and a C that already holds values.
 * - Every thread count gives the same bits; so does `cZero`, and a batch
 *   summed into one C.
 * - matmul and linear on tensors run this kernel, forward and backward.
 * - The plain-memory module (the browser fallback) computes the same tile sums.
 * - float32 only: the result is the float64 product to float32 accuracy, and
 *   the arithmetic is float32's (a case where it differs from float64 rounded
 *   at the end).
 * - Once: mixed array classes are an internal error; gradcheck on the wasm
 *   backend. (The module bytes: kernels-wasm-build.test.ts; the backend
 *   switches, memory limit and thread chunks: kernels-backend.test.ts.)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type DType, type FloatArray, newArray } from '../../core/dtype.ts';
import { Generator, gradcheck, matmul, NormgradError, randn } from '../../core/index.ts';
import type { Backend } from '../../core/kernels/backend.ts';
import { KC } from '../../core/kernels/blocking.ts';
import { gemm, gemmBatched, operand } from '../../core/kernels/matmul.ts';
import { THREAD_MIN_MACS } from '../../core/kernels/wasm/gemm.ts';
import { GEMM_PLAIN } from '../../core/kernels/wasm/modules.generated.ts';
import { MAX_PAGES, wasmApi } from '../../core/kernels/wasm/runtime.ts';
import { linear } from '../../core/ops/matmul.ts';
import { sameBits, using } from '../helpers/kernels.ts';

const DTYPES: DType[] = ['float64', 'float32'];
const gen = new Generator(12);
const U32 = 2 ** -24;

function rand(dtype: DType, n: number): FloatArray {
  const out = newArray(dtype, n);
  for (let i = 0; i < n; i++) out[i] = gen.normal();
  return out;
}

interface Case {
  size: [number, number, number];
  ta: boolean;
  tb: boolean;
  off: number;
  ldc: number;
  a: FloatArray;
  b: FloatArray;
  c: FloatArray;
}

/** Operands with A at offset 3 and B at offset 5, C (row stride ldc, at off) already holding values. */
function makeCase(
  dtype: DType,
  size: [number, number, number],
  ta: boolean,
  tb: boolean,
  ldc: number,
  off = 2,
): Case {
  const [m, n, k] = size;
  const [a, b, c] = [rand(dtype, m * k + 3), rand(dtype, k * n + 5), rand(dtype, off + m * ldc)];
  return { size, ta, tb, off, ldc, a, b, c };
}

/** C0 += op(A) op(B) on the given backend and threads. */
function run(backend: Backend, threads: number, x: Case): FloatArray {
  const [m, n, k] = x.size;
  const c = x.c.slice();
  using(backend, threads, () =>
    gemm(m, n, k, operand(x.a, 3, x.ta ? m : k, x.ta), operand(x.b, 5, x.tb ? k : n, x.tb), c, x.off, x.ldc),
  );
  return c;
}

// Below the small-product threshold (plain loop) and above it, ragged against 4 x 4 and 4 x 8, several
// k blocks (KC = 256), thin shapes (a row, a column, k = 1).
const SIZES: [number, number, number][] = [
  [1, 1, 1],
  [3, 5, 7],
  [1, 300, 40],
  [300, 1, 40],
  [50, 60, 1],
  [17, 13, 19],
  [64, 65, 66],
  [60, 100, 784],
  [7, 300, 9],
  [131, 6, 517],
  [131, 9, 517],
];

for (const dtype of DTYPES) {
  test(`${dtype} gemm: js and wasm give the same bits, every transpose, offset, row stride and starting C`, () => {
    for (const size of SIZES) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          for (const ldc of [size[1], size[1] + 3]) {
            const x = makeCase(dtype, size, ta, tb, ldc);
            sameBits(run('wasm', 1, x), run('js', 1, x), `[${size}] ta=${ta} tb=${tb} ldc=${ldc}`);
          }
        }
      }
    }
  });

  test(`${dtype} gemm: every thread count gives the same bits`, () => {
    const sizes: [number, number, number][] = [
      [128, 128, 128],
      [203, 97, 301],
      [12, 700, 400],
      [4, 1001, 600],
    ];
    for (const size of sizes) {
      const [m, n, k] = size;
      assert.ok(m * n * k >= THREAD_MIN_MACS, 'the sizes are big enough to be split');
      const x = makeCase(dtype, size, true, false, n, 0);
      const one = run('wasm', 1, x);
      for (const threads of [2, 3, 4, 7]) {
        sameBits(run('wasm', threads, x), one, `[${size}] on ${threads} threads`);
      }
      sameBits(run('js', 1, x), one, `[${size}] js`);
    }
  });

  test(`${dtype} gemmBatched and matmul agree across backends and thread counts`, () => {
    const a = rand(dtype, 4 * 30 * 70);
    const b = rand(dtype, 70 * 50);
    const go = (backend: Backend, threads: number) => {
      const c = newArray(dtype, 50 * 30);
      using(backend, threads, () =>
        gemmBatched(4, 30, 50, 70, operand(a, 0, 70, false), 30 * 70, operand(b, 0, 50, false), 0, c, 0),
      );
      return c;
    };
    sameBits(go('wasm', 2), go('js', 1), 'batched, summed into one C');
    const x = randn([3, 90, 120], { generator: gen, dtype });
    const y = randn([120, 110], { generator: gen, dtype });
    sameBits(using('wasm', 2, () => matmul(x, y)).data, using('js', 1, () => matmul(x, y)).data, 'matmul');
  });

  test(`${dtype} cZero (C known to hold zeros) gives the same bits, and a batch summed into one C still sums`, () => {
    const a = rand(dtype, 3 * 40 * 60);
    const b = rand(dtype, 60 * 50);
    const go = (backend: Backend, cZero: boolean, cBatchStride: number) => {
      const c = newArray(dtype, (cBatchStride === 0 ? 1 : 3) * 40 * 50);
      using(backend, 2, () =>
        gemmBatched(
          3,
          40,
          50,
          60,
          operand(a, 0, 60, false),
          40 * 60,
          operand(b, 0, 50, false),
          0,
          c,
          cBatchStride,
          cZero,
        ),
      );
      return c;
    };
    for (const backend of ['js', 'wasm'] as const) {
      sameBits(go(backend, true, 0), go('js', false, 0), `${backend}: summed into one C`);
      sameBits(go(backend, true, 40 * 50), go('js', false, 40 * 50), `${backend}: one C per product`);
    }
  });

  test(`${dtype} matmul and linear on tensors run this kernel, forward and backward`, () => {
    const x = randn([40, 70], { generator: gen, dtype, requiresGrad: true });
    const w = randn([30, 70], { generator: gen, dtype, requiresGrad: true });
    const bias = randn([30], { generator: gen, dtype, requiresGrad: true });
    const g = randn([40, 30], { generator: gen, dtype });
    for (const backend of ['js', 'wasm'] as const) {
      using(backend, 2, () => {
        for (const t of [x, w, bias]) t.grad = null;
        const y = linear(x, w, bias);
        assert.is(y.dtype, dtype);
        // The same bits as the kernel: every row starts as the bias, then C += x W^T.
        const want = newArray(dtype, 40 * 30);
        for (let r = 0; r < 40; r++) want.set(bias.data, r * 30);
        gemm(40, 30, 70, operand(x.data, 0, 70, false), operand(w.data, 0, 70, true), want, 0, 30);
        sameBits(y.data, want, `${backend}: linear`);
        y.mul(g).sum().backward();
        const dx = newArray(dtype, 40 * 70);
        gemm(40, 70, 30, operand(g.data, 0, 30, false), operand(w.data, 0, 70, false), dx, 0, 70);
        sameBits(x.grad!.data, dx, `${backend}: dx`);
        assert.is(w.grad!.dtype, dtype);
        const c = newArray(dtype, 40 * 30);
        gemm(40, 30, 70, operand(x.data, 0, 70, false), operand(w.data, 0, 70, true), c, 0, 30);
        sameBits(matmul(x, w.transpose(0, 1)).data, c, `${backend}: matmul`);
      });
    }
  });

  test(`${dtype}: the plain-memory module (the browser fallback) computes the same tile sums`, () => {
    // The float64 band has a 4 x 4 tile (B in strips of 4), the float32 band 4 x 8 (strips of 8).
    const [band, nr] = dtype === 'float64' ? (['gemmBand', 4] as const) : (['gemmBand32', 8] as const);
    const api = wasmApi()!;
    const memory = new api.Memory({ initial: 1, maximum: MAX_PAGES });
    const { exports } = new api.Instance(new api.Module(new Uint8Array(Buffer.from(GEMM_PLAIN, 'base64'))), {
      env: { memory },
    });
    const gemmBand = (exports as Record<string, (...args: number[]) => void>)[band]!;
    // m = 4, n = 10 (full strips and a 2-wide edge strip), k = 3; packed A (4 x 3) and B (3 x 10, zero-padded).
    const f = dtype === 'float64' ? new Float64Array(memory.buffer) : new Float32Array(memory.buffer);
    const el = f.BYTES_PER_ELEMENT;
    const [pa, pb, c, tile] = [64, 512, 1024, 2048];
    for (let p = 0; p < 3; p++) for (let r = 0; r < 4; r++) f[pa / el + p * 4 + r] = r + p;
    for (let s = 0; s < Math.ceil(10 / nr); s++) {
      for (let p = 0; p < 3; p++) {
        for (let q = 0; q < nr; q++)
          f[pb / el + s * 3 * nr + p * nr + q] = nr * s + q < 10 ? nr * s + q - p : 0;
      }
    }
    gemmBand(pa, pb, c, 4, 10, 3, 256, 10, 0, 3, 0, 10, tile); // rows 0..2 only: edge tiles
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 10; j++) {
        let s = 0;
        for (let p = 0; p < 3; p++) s += (i + p) * (j - p);
        assert.is(f[c / el + i * 10 + j], i < 3 ? s : 0, `C[${i}, ${j}]`);
      }
    }
  });
}

/** C0 + op(A) op(B) in float64 from the same float32 values, and sum |a||b| + |c0| per element. */
function reference(x: Case): { value: Float64Array; scale: Float64Array } {
  const [m, n, k] = x.size;
  const A = (i: number, p: number) => x.a[3 + (x.ta ? p * m + i : i * k + p)]!;
  const B = (p: number, j: number) => x.b[5 + (x.tb ? j * k + p : p * n + j)]!;
  const value = new Float64Array(m * n);
  const scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const c0 = x.c[x.off + i * x.ldc + j]!;
      let s = c0;
      let t = Math.abs(c0);
      for (let p = 0; p < k; p++) {
        s += A(i, p) * B(p, j);
        t += Math.abs(A(i, p) * B(p, j));
      }
      value[i * n + j] = s;
      scale[i * n + j] = t;
    }
  }
  return { value, scale };
}

test('float32 only: gemm is the float64 product to float32 accuracy, on both backends', () => {
  for (const size of [...SIZES, [128, 128, 600] as [number, number, number]]) {
    const [m, n, k] = size;
    const x = makeCase('float32', size, false, true, n + 1);
    const { value, scale } = reference(x);
    // Worst case of float32 recursive summation: one rounding per product, per addition in a
    // block and per block added into C.
    const bound = (k + Math.ceil(k / KC) + 1) * U32;
    for (const backend of ['js', 'wasm'] as const) {
      const c = run(backend, 2, x);
      let worst = 0;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          const err = Math.abs(c[x.off + i * x.ldc + j]! - value[i * n + j]!) / scale[i * n + j]!;
          worst = Math.max(worst, err);
        }
      }
      assert.ok(worst <= bound, `[${size}] ${backend}: relative error ${worst} past ${bound}`);
      // And it is float32 arithmetic, not float64 rounded at the end: far coarser than float64's.
      if (k >= 64)
        assert.ok(worst > 1e3 * 2 ** -53, `[${size}] ${backend}: error ${worst} looks like float64`);
    }
  }
});

test('float32 only: the kernels round every sum to float32, as an f32x4 lane does', () => {
  // 1 + 2^-24 + 2^-24 in float32 left to right: each addition rounds back to 1 (ties to even);
  // in float64 rounded once at the end it would be 1 + 2^-23. k = 3 on a 64 x 64 C so the
  // blocked kernels (not the plain loop) run.
  const [m, n, k] = [64, 64, 3];
  const a = new Float32Array(m * k).fill(1);
  const b = new Float32Array(k * n).fill(U32); // rows 1 and 2: 2^-24
  b.fill(1, 0, n); // row 0: 1
  for (const backend of ['js', 'wasm'] as const) {
    const c = new Float32Array(m * n);
    using(backend, 1, () => gemm(m, n, k, operand(a, 0, k, false), operand(b, 0, n, false), c, 0, n));
    assert.ok(
      c.every((v) => v === 1),
      `${backend}: ${c[0]}`,
    );
  }
});

test('mixed Float32Array and Float64Array operands are an internal error, not a silent conversion', () => {
  const a32 = new Float32Array(64 * 64);
  const b64 = new Float64Array(64 * 64);
  const c32 = new Float32Array(64 * 64);
  for (const backend of ['js', 'wasm'] as const) {
    using(backend, 1, () => {
      assert.throws(
        () => gemm(64, 64, 64, operand(a32, 0, 64, false), operand(b64, 0, 64, false), c32, 0, 64),
        (e: unknown) =>
          e instanceof NormgradError &&
          e.message ===
            'gemm: A, B and C must be all Float64Array or all Float32Array, got Float32Array, Float64Array and Float32Array (an internal error: the calling op should have checked dtypes)',
      );
    });
  }
});

test('matmul and linear pass gradcheck on the wasm backend at sizes the wasm kernel takes', () => {
  // m n k = 9 * 11 * 50 > 4096, so forward and both backward products run in WASM (gradcheck is float64 only).
  const x = randn([9, 50], { generator: gen, requiresGrad: true });
  const w = randn([11, 50], { generator: gen, requiresGrad: true });
  const bias = randn([11], { generator: gen, requiresGrad: true });
  using('wasm', 2, () => {
    assert.ok(gradcheck((a, b) => matmul(a, b.transpose(0, 1)), [x, w]).ok);
    assert.ok(gradcheck((a, b, c) => linear(a, b, c), [x, w, bias]).ok);
  });
});

test.run();
