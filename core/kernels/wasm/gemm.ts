/**
 * GEMM on the WASM backend: C += op(A) op(B) with the same signature as the JS
 * `gemm` (core/kernels/matmul.ts), computed by gemm.wat in wasm memory, in
 * float64 (f64x2 lanes, 4 x 4 tile) or float32 (f32x4 lanes, 4 x 8 tile) as
 * the arrays are.
 *
 * One call: copy the m x n block of C in (unless it is known zero), pack op(A) into 4-row strips and
 * op(B) into NR-column strips for every k block (reading the operands through
 * their strides, so transposes cost nothing and the packing is the only copy
 * of A and B), run the bands, copy C back. The copies are O(mn + mk + kn) for
 * O(mnk) work: 2-8 % of the time at the sizes the benchmarks run.
 *
 * Memory layout of a call, after the thread control block:
 *   C (m x n, row-major) | packed A (mpad x k) | packed B (k x npad) | edge-tile scratch per thread
 */

import type { FloatArray } from '../../dtype.ts';
import { balanced, KC } from '../blocking.ts';
import type { Operand } from '../matmul.ts';
import { packStrip, packStrip32 } from '../pack.ts';
import { ensureBytes, type Runtime } from './runtime.ts';
import { type Bands, CONTROL_BYTES, MAX_CHUNKS, runGemm, TILE_BYTES, threadsAvailable } from './threads.ts';

/** Tile height (both widths) and tile width per element type, as in gemm.wat. */
const MR = 4;
const NR64 = 4;
const NR32 = 8;
/** Below this many multiply-adds a second thread costs more (about 45 us to wake) than it saves. */
export const THREAD_MIN_MACS = 1 << 21;

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** Chunks per thread: enough that a late or slow thread costs little, few enough that each keeps a tile row busy. */
const CHUNKS_PER_THREAD = 4;

/**
 * How a job on `threads` threads is cut into chunks (the Bands layout of
 * threads.ts): about CHUNKS_PER_THREAD per thread, of whole 4-row strips of C
 * as even as the strips allow; when C has fewer than two strips per thread
 * (a few rows, many columns: a gradient of a small batch), of whole nr-wide
 * column strips instead. One thread: one chunk, all of C.
 */
export function bandBounds(m: number, n: number, threads: number, nr = NR64): Bands {
  const rowStrips = Math.ceil(m / MR);
  const colStrips = Math.ceil(n / nr);
  const byRows = rowStrips >= 2 * threads || rowStrips >= colStrips;
  const strips = byRows ? rowStrips : colStrips;
  const chunks = Math.max(1, Math.min(MAX_CHUNKS, threads === 1 ? 1 : CHUNKS_PER_THREAD * threads, strips));
  const out: number[] = [];
  for (let t = 0; t < chunks; t++) {
    const lo = Math.floor((t * strips) / chunks);
    const hi = Math.floor(((t + 1) * strips) / chunks);
    if (byRows) out.push(Math.min(m, lo * MR), Math.min(m, hi * MR), 0, n);
    else out.push(0, m, Math.min(n, lo * nr), Math.min(n, hi * nr));
  }
  return out;
}

/**
 * C[cOff + i * ldc + j] += sum_p A(i, p) B(p, j) on `threads` threads at most;
 * A, B and C are all Float64Array or all Float32Array (matmul.ts checks).
 * With `cZero` C's block is known to hold zeros and is neither read nor cleared: the kernel's
 * first k block writes it (0 + sum, the same bits).
 * Returns false (having done nothing) when the call needs more memory than
 * wasm memory may have, so the caller runs the JS kernel instead.
 */
export function wasmGemm(
  rt: Runtime,
  threads: number,
  m: number,
  n: number,
  k: number,
  a: Operand,
  b: Operand,
  c: FloatArray,
  cOff: number,
  ldc: number,
  cZero = false,
): boolean {
  const f32 = c instanceof Float32Array;
  const bytes = f32 ? 4 : 8;
  const NR = f32 ? NR32 : NR64;
  const kb = balanced(k, KC);
  const mpad = Math.ceil(m / MR) * MR;
  const npad = Math.ceil(n / NR) * NR;
  const used = m * n * k >= THREAD_MIN_MACS ? threadsAvailable(rt, threads) : 1;
  const cAt = CONTROL_BYTES;
  const paAt = align16(cAt + m * n * bytes);
  const pbAt = align16(paAt + mpad * k * bytes);
  const tileAt = align16(pbAt + k * npad * bytes);
  if (!ensureBytes(rt, tileAt + used * TILE_BYTES)) return false;
  const f: FloatArray = f32 ? rt.f32 : rt.f64;
  const c0 = cAt / bytes;
  // With cZero the kernel's first k block writes C's block (`over`) without reading it: nothing to copy in.
  if (!cZero && ldc === n) f.set(c.subarray(cOff, cOff + m * n), c0);
  else if (!cZero)
    for (let i = 0; i < m; i++) f.set(c.subarray(cOff + i * ldc, cOff + i * ldc + n), c0 + i * n);
  for (let pc = 0; pc < k; pc += kb) {
    const kc = Math.min(kb, k - pc);
    const aBlock = paAt / bytes + pc * mpad;
    const bBlock = pbAt / bytes + pc * npad;
    if (f32) {
      const [ad, bd] = [a.data as Float32Array, b.data as Float32Array];
      for (let i = 0; i < m; i += MR) {
        const start = a.offset + i * a.rowStride + pc * a.colStride;
        packStrip32(
          rt.f32,
          aBlock + i * kc,
          ad,
          start,
          a.rowStride,
          a.colStride,
          Math.min(MR, m - i),
          kc,
          MR,
        );
      }
      for (let j = 0; j < n; j += NR32) {
        const start = b.offset + pc * b.rowStride + j * b.colStride;
        packStrip32(
          rt.f32,
          bBlock + j * kc,
          bd,
          start,
          b.colStride,
          b.rowStride,
          Math.min(NR32, n - j),
          kc,
          NR32,
        );
      }
    } else {
      const [ad, bd] = [a.data as Float64Array, b.data as Float64Array];
      for (let i = 0; i < m; i += MR) {
        const start = a.offset + i * a.rowStride + pc * a.colStride;
        packStrip(rt.f64, aBlock + i * kc, ad, start, a.rowStride, a.colStride, Math.min(MR, m - i), kc);
      }
      for (let j = 0; j < n; j += NR64) {
        const start = b.offset + pc * b.rowStride + j * b.colStride;
        packStrip(rt.f64, bBlock + j * kc, bd, start, b.colStride, b.rowStride, Math.min(NR64, n - j), kc);
      }
    }
  }
  runGemm(rt, f32, used, bandBounds(m, n, used, NR), [
    paAt,
    pbAt,
    cAt,
    m,
    n,
    k,
    kb,
    n,
    tileAt,
    cZero ? 1 : 0,
  ]);
  const out = f32 ? rt.f32 : rt.f64; // the same view: nothing grew since
  if (ldc === n) c.set(out.subarray(c0, c0 + m * n), cOff);
  else for (let i = 0; i < m; i++) c.set(out.subarray(c0 + i * n, c0 + (i + 1) * n), cOff + i * ldc);
  return true;
}
