/**
 * The WASM backend against the JS one, and against itself on every thread count.
 *
 * - The committed module bytes are what the WAT sources assemble to today.
 * - gemm on both backends gives the same bits (same k blocks, no FMA, products
 *   added in the same order), for all four transpose combinations, ragged sizes,
 *   offsets, a C with a row stride wider than n, and a C that already holds values.
 * - Every thread count gives the same bits (each band is whole rows of C).
 * - The module built for a plain (unshared) memory computes the same thing, so
 *   the browser fallback is the same kernel.
 * - The backend switches and their errors.
 */
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { FloatArray } from '../../core/index.ts';
import {
  Generator,
  getBackend,
  getNumThreads,
  gradcheck,
  matmul,
  randn,
  setBackend,
  setNumThreads,
} from '../../core/index.ts';
import type { Backend } from '../../core/kernels/backend.ts';
import { gemm, gemmBatched, operand } from '../../core/kernels/matmul.ts';
import { assembleAll } from '../../core/kernels/wasm/build.ts';
import { bandBounds, THREAD_MIN_MACS } from '../../core/kernels/wasm/gemm.ts';
import { GEMM_PLAIN, GEMM_SHARED } from '../../core/kernels/wasm/modules.generated.ts';
import { ensureBytes, MAX_PAGES, wasmApi, wasmRuntime } from '../../core/kernels/wasm/runtime.ts';
import { linear } from '../../core/ops/matmul.ts';

const gen = new Generator(12);
const rand = (n: number) => Float64Array.from({ length: n }, () => gen.normal());
const fromBase64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

/** Runs f with a backend and thread count, restoring both after. */
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
  assert.is(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) assert.unreachable(`${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
}

/** C0 (with row stride ldc, at offset off) += op(A) op(B) on the given backend and threads. */
function product(
  backend: Backend,
  threads: number,
  [m, n, k]: [number, number, number],
  ta: boolean,
  tb: boolean,
  data: { a: Float64Array; b: Float64Array; c: Float64Array },
  off: number,
  ldc: number,
): Float64Array {
  const c = data.c.slice();
  using(backend, threads, () =>
    gemm(m, n, k, operand(data.a, 3, ta ? m : k, ta), operand(data.b, 5, tb ? k : n, tb), c, off, ldc),
  );
  return c;
}

test('the committed module bytes are what the WAT sources assemble to', async () => {
  const built = await assembleAll();
  assert.equal(
    [...built.GEMM.shared],
    [...fromBase64(GEMM_SHARED)],
    'shared-memory module: run npm run build:wasm',
  );
  assert.equal(
    [...built.GEMM.plain],
    [...fromBase64(GEMM_PLAIN)],
    'plain-memory module: run npm run build:wasm',
  );
});

test('WebAssembly SIMD is available here, so the default backend is wasm', () => {
  assert.ok(wasmRuntime() !== null);
  assert.is(getBackend(), process.env['NORMGRAD_BACKEND'] ?? 'wasm');
});

// Below and above the JS small-product threshold, ragged against the 4 x 4 tile, several k blocks (KC = 256).
const SIZES: [number, number, number][] = [
  [3, 5, 7],
  [17, 13, 19],
  [64, 65, 66],
  [60, 100, 784],
  [7, 300, 9],
  [131, 6, 517],
];

test('gemm: js and wasm give the same bits, every transpose, offset, row stride and starting C', () => {
  for (const size of SIZES) {
    const [m, n, k] = size;
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        for (const ldc of [n, n + 3]) {
          const off = 2;
          const data = { a: rand(m * k + 3), b: rand(k * n + 5), c: rand(off + m * ldc) };
          const js = product('js', 1, size, ta, tb, data, off, ldc);
          const wasm = product('wasm', 1, size, ta, tb, data, off, ldc);
          sameBits(wasm, js, `[${size}] ta=${ta} tb=${tb} ldc=${ldc}`);
        }
      }
    }
  }
});

test('gemm: every thread count gives the same bits', () => {
  const sizes: [number, number, number][] = [
    [128, 128, 128],
    [203, 97, 301],
    [12, 700, 400],
    [4, 1001, 600],
  ];
  for (const size of sizes) {
    const [m, n, k] = size;
    assert.ok(m * n * k >= THREAD_MIN_MACS, 'the sizes are big enough to be split');
    const data = { a: rand(m * k + 3), b: rand(k * n + 5), c: rand(m * n) };
    const one = product('wasm', 1, size, true, false, data, 0, n);
    for (const threads of [2, 3, 4, 7]) {
      sameBits(
        product('wasm', threads, size, true, false, data, 0, n),
        one,
        `[${size}] on ${threads} threads`,
      );
    }
    sameBits(product('js', 1, size, true, false, data, 0, n), one, `[${size}] js`);
  }
});

test('gemmBatched and matmul agree across backends and thread counts', () => {
  const a = rand(4 * 30 * 70);
  const b = rand(70 * 50);
  const run = (backend: Backend, threads: number) => {
    const c = new Float64Array(50 * 30);
    using(backend, threads, () =>
      gemmBatched(4, 30, 50, 70, operand(a, 0, 70, false), 30 * 70, operand(b, 0, 50, false), 0, c, 0),
    );
    return c;
  };
  sameBits(run('wasm', 2), run('js', 1), 'batched, summed into one C');
  const x = randn([3, 90, 120], { generator: gen });
  const y = randn([120, 110], { generator: gen });
  sameBits(using('wasm', 2, () => matmul(x, y)).data, using('js', 1, () => matmul(x, y)).data, 'matmul');
});

test('cZero (C known to hold zeros) gives the same bits, and a batch summed into one C still sums', () => {
  const a = rand(3 * 40 * 60);
  const b = rand(60 * 50);
  const run = (backend: Backend, cZero: boolean, cBatchStride: number) => {
    const c = new Float64Array((cBatchStride === 0 ? 1 : 3) * 40 * 50);
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
    sameBits(run(backend, true, 0), run('js', false, 0), `${backend}: summed into one C`);
    sameBits(run(backend, true, 40 * 50), run('js', false, 40 * 50), `${backend}: one C per product`);
  }
});

test('matmul and linear pass gradcheck on the wasm backend at sizes the wasm kernel takes', () => {
  // m n k = 9 * 11 * 50 > 4096, so forward and both backward products run in WASM.
  const x = randn([9, 50], { generator: gen, requiresGrad: true });
  const w = randn([11, 50], { generator: gen, requiresGrad: true });
  const bias = randn([11], { generator: gen, requiresGrad: true });
  using('wasm', 2, () => {
    assert.ok(gradcheck((a, b) => matmul(a, b.transpose(0, 1)), [x, w]).ok);
    assert.ok(gradcheck((a, b, c) => linear(a, b, c), [x, w, bias]).ok);
  });
});

test('the plain-memory module (the browser fallback) computes the same tile sums', () => {
  const api = wasmApi()!;
  const memory = new api.Memory({ initial: 1, maximum: MAX_PAGES });
  const { exports } = new api.Instance(new api.Module(fromBase64(GEMM_PLAIN)), { env: { memory } });
  const gemmBand = (exports as { gemmBand: (...args: number[]) => void }).gemmBand;
  // A 4 x 4 tile with k = 3: packed A (4 x 3, row r = [r, r+1, r+2] interleaved), packed B (3 x 4).
  const f = new Float64Array(memory.buffer);
  const [pa, pb, c, tile] = [64, 256, 512, 1024];
  for (let p = 0; p < 3; p++) for (let r = 0; r < 4; r++) f[pa / 8 + p * 4 + r] = r + p;
  for (let p = 0; p < 3; p++) for (let q = 0; q < 4; q++) f[pb / 8 + p * 4 + q] = q - p;
  gemmBand(pa, pb, c, 4, 4, 3, 256, 4, 0, 3, 0, 4, tile); // rows 0..2 only: an edge tile
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      let s = 0;
      for (let p = 0; p < 3; p++) s += (i + p) * (j - p);
      assert.is(f[c / 8 + i * 4 + j], i < 3 ? s : 0, `C[${i}, ${j}]`);
    }
  }
});

test('a call past the memory limit is refused, so the JS kernel runs', () => {
  const rt = wasmRuntime()!;
  assert.not.ok(ensureBytes(rt, (MAX_PAGES + 1) * 65536));
  assert.ok(ensureBytes(rt, 1 << 20));
});

test('chunks are whole tiles, cover C once, and are as even as the strips allow', () => {
  for (const [m, n] of [
    [1, 10],
    [5, 10],
    [6, 300],
    [99, 10],
    [100, 100],
    [128, 7],
    [4, 1000],
  ] as [number, number][]) {
    for (const threads of [1, 2, 3, 8]) {
      for (const nr of [4, 8]) {
        const b = bandBounds(m, n, threads, nr);
        const covered = new Uint8Array(m * n);
        for (let t = 0; t < b.length / 4; t++) {
          const [i0, i1, j0, j1] = b.slice(4 * t, 4 * t + 4) as [number, number, number, number];
          assert.ok(i0 < i1 && j0 < j1, `[${m}, ${n}] on ${threads}: chunk ${t} is empty`);
          assert.is(i0 % 4, 0);
          assert.is(j0 % nr, 0);
          for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) covered[i * n + j]! += 1;
        }
        assert.ok(
          covered.every((x) => x === 1),
          `[${m}, ${n}] on ${threads} threads: every cell of C in exactly one chunk`,
        );
        if (threads === 1) assert.equal([...b], [0, m, 0, n]);
      }
    }
  }
  // Few rows and many columns: the chunks run along the columns.
  assert.is(bandBounds(4, 1000, 2, 8)[3]! < 1000, true);
});

test('setBackend and setNumThreads switch and report, as torch.set_num_threads does', () => {
  using('js', 3, () => {
    assert.is(getBackend(), 'js');
    assert.is(getNumThreads(), 3);
  });
  assert.ok(getNumThreads() >= 1);
});

test('NORMGRAD_BACKEND and NORMGRAD_NUM_THREADS set the starting values, and a bad value is a clear error', () => {
  const run = (env: Record<string, string>) =>
    spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        "const b = await import('./core/kernels/backend.ts'); console.log(b.getBackend() + ' ' + b.getNumThreads());",
      ],
      { env: { ...process.env, ...env }, encoding: 'utf8' },
    );
  assert.is(run({ NORMGRAD_BACKEND: 'js', NORMGRAD_NUM_THREADS: '3' }).stdout.trim(), 'js 3');
  assert.match(
    run({ NORMGRAD_BACKEND: 'gpu' }).stderr,
    "NORMGRAD_BACKEND: expected 'js' or 'wasm', got 'gpu'",
  );
  assert.match(
    run({ NORMGRAD_NUM_THREADS: '0' }).stderr,
    "NORMGRAD_NUM_THREADS: expected a positive integer, got '0'",
  );
});

test.run();
