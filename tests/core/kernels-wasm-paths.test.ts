/**
 * The WASM GEMM's copy-and-pack paths (core/kernels/wasm/gemm.ts), each against the JS backend on
 * the same inputs, bit for bit, in float32 and float64:
 * - a dense operand (or its transpose) copied in whole and packed by gemm.wat's SIMD packers,
 *   including edge strips (m not a multiple of 4, n not of the strip width), k not a multiple of
 *   the transpose's 4 (2), several k blocks, k = 1, k = 0, 1 x N and N x 1, offsets, ldc > n;
 * - a strided operand (row stride wider than its columns) packed from the JS heap by pack.ts;
 * - cZero (the kernel writes C's block on its first k block without reading it) against adding
 *   into zeros, with the rest of a wider C left alone;
 * - one thread (the plain "solo" memory) against two (the shared memory and its workers);
 * - gemm.wat's packers against pack.ts's, on every layout they take.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { FloatArray } from '../../core/index.ts';
import { Generator } from '../../core/index.ts';
import type { Backend } from '../../core/kernels/backend.ts';
import { gemm, type Operand, operand } from '../../core/kernels/matmul.ts';
import { packStrip, packStrip32 } from '../../core/kernels/pack.ts';
import { THREAD_MIN_MACS } from '../../core/kernels/wasm/gemm.ts';
import { ensureBytes, soloRuntime, wasmRuntime } from '../../core/kernels/wasm/runtime.ts';
import { sameBits, using } from '../helpers/kernels.ts';

const gen = new Generator(13);
type Kind = 'float32' | 'float64';
const rand = (kind: Kind, n: number): FloatArray => {
  const a = kind === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = gen.normal();
  return a;
};

/** op(X) for an m x k product side: dense (maybe transposed) at an offset, or rows `pad` wider than needed. */
function side(data: FloatArray, off: number, rows: number, cols: number, t: boolean, pad: number): Operand {
  if (pad === 0) return operand(data, off, t ? rows : cols, t);
  return t
    ? { data, offset: off, rowStride: 1, colStride: rows + pad }
    : { data, offset: off, rowStride: cols + pad, colStride: 1 };
}

interface Case {
  size: [number, number, number];
  ta: boolean;
  tb: boolean;
  pad: number;
  ldcPad: number;
  cZero: boolean;
}

/** C (ldc = n + ldcPad, at offset 2, random or zero) += op(A) op(B) on a backend and thread count. */
function run(backend: Backend, threads: number, c: Case, seedData: FloatArray[]): FloatArray {
  const [m, n, k] = c.size;
  const [a, b, c0] = seedData as [FloatArray, FloatArray, FloatArray];
  const out = c0.slice();
  const ldc = n + c.ldcPad;
  if (c.cZero) for (let i = 0; i < m; i++) out.fill(0, 2 + i * ldc, 2 + i * ldc + n);
  using(backend, threads, () =>
    gemm(m, n, k, side(a, 3, m, k, c.ta, c.pad), side(b, 5, k, n, c.tb, c.pad), out, 2, ldc, c.cZero),
  );
  return out;
}

function data(kind: Kind, c: Case): FloatArray[] {
  const [m, n, k] = c.size;
  const span = (r: number, q: number) => (r + c.pad) * (q + c.pad) + 8;
  return [rand(kind, span(m, k)), rand(kind, span(k, n)), rand(kind, 2 + m * (n + c.ldcPad) + 4)];
}

// Past the small-product threshold (4096 multiply-adds) unless noted, so the WASM kernel runs.
const SIZES: [number, number, number][] = [
  [33, 19, 21], // m, n ragged; k = 21: 5 transposed quads and one left over
  [64, 64, 64],
  [7, 300, 9],
  [1, 5000, 3], // 1 x N
  [5000, 1, 3], // N x 1
  [70, 80, 1], // k = 1
  [40, 70, 2],
  [21, 35, 600], // three k blocks (balanced 200)
  [9, 10, 0], // k = 0: C is left as it was (and stays zero with cZero)
];

test('gemm: the copy-and-pack paths give the JS backend bits, every layout, float32 and float64', () => {
  for (const kind of ['float32', 'float64'] as const) {
    for (const size of SIZES) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          for (const pad of [0, 3]) {
            for (const cZero of [false, true]) {
              const c: Case = { size, ta, tb, pad, ldcPad: pad === 0 ? 0 : 5, cZero };
              const d = data(kind, c);
              const what = `${kind} [${size}] ta=${ta} tb=${tb} pad=${pad} cZero=${cZero}`;
              sameBits(run('wasm', 1, c, d), run('js', 1, c, d), what);
            }
          }
        }
      }
    }
  }
});

test('gemm: cZero writes only the m x n block, with the bits of adding into zeros where sums cancel', () => {
  for (const kind of ['float32', 'float64'] as const) {
    const [m, n, k] = [20, 24, 30];
    const a = rand(kind, m * k);
    const b = rand(kind, k * n);
    const neg = b.map((x) => -x);
    // Each row of A twice against B over -B: every sum cancels to zero or nearly, where +0 and -0 differ.
    const a2 = new (a.constructor as Float64ArrayConstructor)(m * 2 * k);
    const b2 = new (b.constructor as Float64ArrayConstructor)(2 * k * n);
    for (let i = 0; i < m; i++) {
      a2.set(a.subarray(i * k, (i + 1) * k), i * 2 * k);
      a2.set(a.subarray(i * k, (i + 1) * k), i * 2 * k + k);
    }
    b2.set(b, 0);
    b2.set(neg, k * n);
    const ldc = n + 7;
    const c = new (a.constructor as Float64ArrayConstructor)(1 + m * ldc).fill(-5);
    for (let i = 0; i < m; i++) c.fill(0, 1 + i * ldc, 1 + i * ldc + n);
    using('wasm', 1, () =>
      gemm(m, n, 2 * k, operand(a2, 0, 2 * k, false), operand(b2, 0, n, false), c, 1, ldc, true),
    );
    const js = new (a.constructor as Float64ArrayConstructor)(c.length).fill(-5);
    for (let i = 0; i < m; i++) js.fill(0, 1 + i * ldc, 1 + i * ldc + n);
    using('js', 1, () =>
      gemm(m, n, 2 * k, operand(a2, 0, 2 * k, false), operand(b2, 0, n, false), js, 1, ldc, false),
    );
    sameBits(c, js, `${kind}: cZero against adding into zeros`);
    assert.is(c[0], -5, `${kind}: the element before C's block`);
    for (let i = 0; i < m; i++) {
      for (let j = n; j < ldc && 1 + i * ldc + j < c.length; j++) {
        assert.is(c[1 + i * ldc + j], -5, `${kind}: C[${i}, ${j}] past n is left alone`);
      }
    }
  }
});

test('gemm: one thread (plain memory) and two (shared memory) give the same bits', () => {
  for (const kind of ['float32', 'float64'] as const) {
    for (const size of [
      [128, 136, 130],
      [13, 700, 300],
    ] as [number, number, number][]) {
      const [m, n, k] = size;
      assert.ok(m * n * k >= THREAD_MIN_MACS, 'big enough for two threads');
      for (const [ta, tb] of [
        [false, false],
        [true, true],
      ] as const) {
        const c: Case = { size, ta, tb, pad: 0, ldcPad: 0, cZero: true };
        const d = data(kind, c);
        sameBits(run('wasm', 2, c, d), run('wasm', 1, c, d), `${kind} [${size}] ta=${ta}`);
      }
    }
  }
});

test('the one-thread runtime is a plain memory beside the shared one, with the same module', () => {
  const main = wasmRuntime()!;
  const solo = soloRuntime(main);
  assert.is(solo.shared, false);
  assert.is(solo === main, !main.shared);
  assert.is(soloRuntime(main), solo, 'made once');
  assert.is(soloRuntime(solo), solo, 'a plain runtime is its own');
  assert.is(typeof solo.gemm.gemmBand32, 'function');
});

test("gemm.wat's packers lay out strips exactly as pack.ts's, every layout and edge", () => {
  const rt = soloRuntime(wasmRuntime()!);
  for (const kind of ['float32', 'float64'] as const) {
    const bytes = kind === 'float32' ? 4 : 8;
    const widths: (4 | 8)[] = kind === 'float32' ? [4, 8] : [4];
    for (const width of widths) {
      for (const [lines, kc] of [
        [16, 8],
        [13, 11],
        [3, 5],
        [width, 1],
        [9, 4],
      ] as [number, number][]) {
        for (const adjacent of [false, true]) {
          // lines adjacent: line l, value p at l + p * lines; strided: at l * kc + p.
          const [lineStride, step] = adjacent ? [1, lines] : [kc, 1];
          const src = rand(kind, lines * kc);
          const strips = Math.ceil(lines / width);
          const want =
            kind === 'float32'
              ? new Float32Array(strips * width * kc)
              : new Float64Array(strips * width * kc);
          for (let l = 0; l < lines; l += width) {
            const count = Math.min(width, lines - l);
            if (want instanceof Float32Array)
              packStrip32(
                want,
                l * kc,
                src as Float32Array,
                l * lineStride,
                lineStride,
                step,
                count,
                kc,
                width,
              );
            else packStrip(want, l * kc, src as Float64Array, l * lineStride, lineStride, step, count, kc);
          }
          const [srcAt, dstAt] = [64, 64 + 16 * Math.ceil((src.length * bytes) / 16) + 32];
          assert.ok(ensureBytes(rt, dstAt + want.length * bytes + 64));
          const view = kind === 'float32' ? rt.f32 : rt.f64;
          view.set(src, srcAt / bytes);
          view.fill(Number.NaN, dstAt / bytes, dstAt / bytes + want.length); // every value must be written
          (kind === 'float32' ? rt.gemm.pack32 : rt.gemm.pack64)(
            dstAt,
            srcAt,
            lineStride,
            step,
            lines,
            kc,
            width,
          );
          const got = view.slice(dstAt / bytes, dstAt / bytes + want.length);
          sameBits(got, want, `${kind} width ${width} [${lines} x ${kc}] adjacent=${adjacent}`);
        }
      }
    }
  }
});

test.run();
