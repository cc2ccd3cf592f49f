/**
 * The float32 GEMM (issue 13) on both backends.
 *
 * - JS and WASM give the same bits (float32 products and sums, no FMA, the
 *   same k blocks), for all four transpose combinations, ragged sizes against
 *   both tiles (JS 4 x 4, WASM 4 x 8), offsets, a C with a row stride wider
 *   than n and a C that already holds values; and so does every thread count.
 * - The result is the float64 product to float32 accuracy: within the
 *   worst-case bound of float32 recursive summation, (k + blocks + 1) u
 *   sum |a||b|, u = 2^-24.
 * - The JS kernel's arithmetic is float32's: a hand-computed case where the
 *   float32 sum differs from the rounded float64 one.
 * - Mixed Float32Array/Float64Array operands are refused with an internal error.
 * - The plain-memory module (the browser fallback) runs the same float32 band.
 * - matmul and linear on float32 tensors run this kernel end to end, gradients included.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { FloatArray } from '../../core/dtype.ts';
import {
  Generator,
  getBackend,
  getNumThreads,
  matmul,
  NormgradError,
  randn,
  setBackend,
  setNumThreads,
} from '../../core/index.ts';
import type { Backend } from '../../core/kernels/backend.ts';
import { KC } from '../../core/kernels/blocking.ts';
import { gemm, gemmBatched, operand } from '../../core/kernels/matmul.ts';
import { THREAD_MIN_MACS } from '../../core/kernels/wasm/gemm.ts';
import { GEMM_PLAIN } from '../../core/kernels/wasm/modules.generated.ts';
import { MAX_PAGES, wasmApi } from '../../core/kernels/wasm/runtime.ts';
import { linear } from '../../core/ops/matmul.ts';

const gen = new Generator(13);
const rand32 = (n: number) => Float32Array.from({ length: n }, () => gen.normal());
const U = 2 ** -24;

function using<T>(backend: Backend, threads: number, f: () => T): T {
  const [b0, t0] = [getBackend(), getNumThreads()];
  setBackend(backend);
  setNumThreads(threads);
  try {
    return f();
  } finally {
    setBackend(b0);
    setNumThreads(t0);
  }
}

function sameBits(got: FloatArray, want: FloatArray, what: string): void {
  assert.is(got.constructor, want.constructor, `${what}: array class`);
  assert.is(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) assert.unreachable(`${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
}

interface Case {
  size: [number, number, number];
  ta: boolean;
  tb: boolean;
  off: number;
  ldc: number;
  a: Float32Array;
  b: Float32Array;
  c: Float32Array;
}

/** Operands with A at offset 3 and B at offset 5, C (row stride ldc, at off) already holding values. */
function makeCase(size: [number, number, number], ta: boolean, tb: boolean, ldc: number, off = 2): Case {
  const [m, n, k] = size;
  return { size, ta, tb, off, ldc, a: rand32(m * k + 3), b: rand32(k * n + 5), c: rand32(off + m * ldc) };
}

function run(backend: Backend, threads: number, x: Case): Float32Array {
  const [m, n, k] = x.size;
  const c = x.c.slice();
  using(backend, threads, () =>
    gemm(m, n, k, operand(x.a, 3, x.ta ? m : k, x.ta), operand(x.b, 5, x.tb ? k : n, x.tb), c, x.off, x.ldc),
  );
  return c;
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

// Below the small-product threshold (plain loop), ragged against 4 x 4 and 4 x 8, several k blocks
// (KC = 256), thin shapes (a row, a column, k = 1).
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
  [131, 9, 517],
];

test('float32 gemm: js and wasm give the same bits, every transpose, offset, row stride and starting C', () => {
  for (const size of SIZES) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        for (const ldc of [size[1], size[1] + 3]) {
          const x = makeCase(size, ta, tb, ldc);
          sameBits(run('wasm', 1, x), run('js', 1, x), `[${size}] ta=${ta} tb=${tb} ldc=${ldc}`);
        }
      }
    }
  }
});

test('float32 gemm: every thread count gives the same bits', () => {
  const sizes: [number, number, number][] = [
    [128, 128, 128],
    [203, 97, 301],
    [12, 700, 400],
    [4, 1001, 600],
  ];
  for (const size of sizes) {
    const [m, n, k] = size;
    assert.ok(m * n * k >= THREAD_MIN_MACS, 'the sizes are big enough to be split');
    const x = makeCase(size, true, false, n, 0);
    const one = run('wasm', 1, x);
    for (const threads of [2, 3, 4, 7])
      sameBits(run('wasm', threads, x), one, `[${size}] on ${threads} threads`);
    sameBits(run('js', 1, x), one, `[${size}] js`);
  }
});

test('float32 gemm is the float64 product to float32 accuracy, on both backends', () => {
  for (const size of [...SIZES, [128, 128, 600] as [number, number, number]]) {
    const [m, n, k] = size;
    const x = makeCase(size, false, true, n + 1);
    const { value, scale } = reference(x);
    // Worst case of float32 recursive summation: one rounding per product, per addition in a
    // block and per block added into C.
    const bound = (k + Math.ceil(k / KC) + 1) * U;
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

test('the float32 kernels round every sum to float32, as an f32x4 lane does', () => {
  // 1 + 2^-24 + 2^-24 in float32 left to right: each addition rounds back to 1 (ties to even);
  // in float64 rounded once at the end it would be 1 + 2^-23. k = 3 on a 64 x 64 C so the
  // blocked kernels (not the plain loop) run.
  const [m, n, k] = [64, 64, 3];
  const a = new Float32Array(m * k).fill(1);
  const b = new Float32Array(k * n).fill(U); // rows 1 and 2: 2^-24
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

test('float32 gemmBatched agrees across backends and thread counts, summed into one C', () => {
  const a = rand32(4 * 30 * 70);
  const b = rand32(70 * 50);
  const go = (backend: Backend, threads: number) => {
    const c = new Float32Array(50 * 30);
    using(backend, threads, () =>
      gemmBatched(4, 30, 50, 70, operand(a, 0, 70, false), 30 * 70, operand(b, 0, 50, false), 0, c, 0),
    );
    return c;
  };
  sameBits(go('wasm', 2), go('js', 1), 'batched');
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

test('the plain-memory module (the browser fallback) computes the same float32 tile sums', () => {
  const api = wasmApi()!;
  const memory = new api.Memory({ initial: 1, maximum: MAX_PAGES });
  const { exports } = new api.Instance(new api.Module(new Uint8Array(Buffer.from(GEMM_PLAIN, 'base64'))), {
    env: { memory },
  });
  const gemmBand32 = (exports as { gemmBand32: (...args: number[]) => void }).gemmBand32;
  // m = 4, n = 10 (a full 8-wide strip and a 2-wide edge strip), k = 3; packed A (4 x 3) and B (3 x 16).
  const f = new Float32Array(memory.buffer);
  const [pa, pb, c, tile] = [64, 256, 512, 1024];
  for (let p = 0; p < 3; p++) for (let r = 0; r < 4; r++) f[pa / 4 + p * 4 + r] = r + p;
  for (let s = 0; s < 2; s++) {
    for (let p = 0; p < 3; p++) {
      for (let q = 0; q < 8; q++) f[pb / 4 + s * 3 * 8 + p * 8 + q] = 8 * s + q < 10 ? 8 * s + q - p : 0;
    }
  }
  gemmBand32(pa, pb, c, 4, 10, 3, 256, 10, 0, 3, 0, 10, tile); // rows 0..2 only: edge tiles
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 10; j++) {
      let s = 0;
      for (let p = 0; p < 3; p++) s += (i + p) * (j - p);
      assert.is(f[c / 4 + i * 10 + j], i < 3 ? s : 0, `C[${i}, ${j}]`);
    }
  }
});

test('matmul and linear on float32 tensors run the float32 kernel, forward and backward', () => {
  const x = randn([40, 70], { generator: gen, dtype: 'float32', requiresGrad: true });
  const w = randn([30, 70], { generator: gen, dtype: 'float32', requiresGrad: true });
  const bias = randn([30], { generator: gen, dtype: 'float32', requiresGrad: true });
  const g = randn([40, 30], { generator: gen, dtype: 'float32' });
  for (const backend of ['js', 'wasm'] as const) {
    using(backend, 2, () => {
      for (const t of [x, w, bias]) t.grad = null;
      const y = linear(x, w, bias);
      assert.is(y.dtype, 'float32');
      // The same bits as the kernel: every row starts as the bias, then C += x W^T in float32.
      const want = new Float32Array(40 * 30);
      for (let r = 0; r < 40; r++) want.set(bias.data, r * 30);
      gemm(40, 30, 70, operand(x.data, 0, 70, false), operand(w.data, 0, 70, true), want, 0, 30);
      sameBits(y.data, want, `${backend}: linear`);
      y.mul(g).sum().backward();
      const dx = new Float32Array(40 * 70);
      gemm(40, 70, 30, operand(g.data, 0, 30, false), operand(w.data, 0, 70, false), dx, 0, 70);
      sameBits(x.grad!.data, dx, `${backend}: dx`);
      assert.is(w.grad!.dtype, 'float32');
      sameBits(
        matmul(x, w.transpose(0, 1)).data,
        (() => {
          const c = new Float32Array(40 * 30);
          gemm(40, 30, 70, operand(x.data, 0, 70, false), operand(w.data, 0, 70, true), c, 0, 30);
          return c;
        })(),
        `${backend}: matmul`,
      );
    });
  }
});

test.run();
