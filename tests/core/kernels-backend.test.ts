/**
 * The backend around the WASM GEMM: WebAssembly SIMD is found, `setBackend` /
 * `setNumThreads` and their environment variables, the memory limit, and the
 * thread chunks. (The products themselves: kernels-gemm.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getBackend, getNumThreads } from '../../core/index.ts';
import { bandBounds } from '../../core/kernels/wasm/gemm.ts';
import { ensureBytes, MAX_PAGES, wasmRuntime } from '../../core/kernels/wasm/runtime.ts';
import { using } from '../helpers/kernels.ts';

test('WebAssembly SIMD is available here, so the default backend is wasm', () => {
  assert.ok(wasmRuntime() !== null);
  assert.is(getBackend(), process.env['NORMGRAD_BACKEND'] ?? 'wasm');
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
  const spawn = (env: Record<string, string>) =>
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
  assert.is(spawn({ NORMGRAD_BACKEND: 'js', NORMGRAD_NUM_THREADS: '3' }).stdout.trim(), 'js 3');
  assert.match(
    spawn({ NORMGRAD_BACKEND: 'gpu' }).stderr,
    "NORMGRAD_BACKEND: expected 'js' or 'wasm', got 'gpu'",
  );
  assert.match(
    spawn({ NORMGRAD_NUM_THREADS: '0' }).stderr,
    "NORMGRAD_NUM_THREADS: expected a positive integer, got '0'",
  );
});

test.run();
