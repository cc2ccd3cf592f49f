/**
 * GEMM on the WASM backend: C += op(A) op(B) with the same signature as the JS
 * `gemm` (core/kernels/matmul.ts), computed by gemm.wat in wasm memory, in
 * float64 (f64x2 lanes, 4 x 4 tile) or float32 (f32x4 lanes, 4 x 8 tile) as
 * the arrays are.
 *
 * One call: copy the m x n block of C in (unless it is known zero), copy op(A)
 * and op(B) in as they are when each is a dense matrix or its transpose (one
 * `set` each), pack them into 4-row strips of op(A) and NR-column strips of
 * op(B) for every k block (gemm.wat's SIMD packers; a strided operand is
 * packed from the JS heap by pack.ts instead), run the bands, copy C back.
 * The copies are O(mn + mk + kn) for O(mnk) work; bench/w1-breakdown.ts
 * measures each.
 *
 * Memory layout of a call, after the thread control block:
 *   C (m x n, row-major) | packed A (mpad x k) | packed B (k x npad) | edge-tile scratch per thread
 *   | A as it is (m x k, if dense) | B as it is (k x n, if dense)
 */

import type { FloatArray } from '../../dtype.ts';
import { balanced, KC } from '../blocking.ts';
import type { Operand } from '../matmul.ts';
import { packStrip, packStrip32 } from '../pack.ts';
import { ensureBytes, type Runtime, soloRuntime } from './runtime.ts';
import { align16 } from './stage.ts';
import { type Bands, CONTROL_BYTES, MAX_CHUNKS, runGemm, TILE_BYTES, threadsAvailable } from './threads.ts';

/** Tile height (both widths) and tile width per element type, as in gemm.wat. */
const MR = 4;
const NR64 = 4;
const NR32 = 8;
/** Below this many multiply-adds a second thread costs more (about 45 us to wake) than it saves. */
export const THREAD_MIN_MACS = 1 << 21;

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

/** Whether op(X) (rows x cols) is a dense row-major matrix or the transpose of one: one copy moves it. */
export function dense(x: Operand, rows: number, cols: number): boolean {
  return (x.rowStride === cols && x.colStride === 1) || (x.rowStride === 1 && x.colStride === rows);
}

/**
 * Packs k block [pc, pc + kc) of a strided operand from the JS heap into `dst` from element d0:
 * strips of `width` rows of op(A), or (`columns`) of `width` columns of op(B), as the module's
 * packers lay them out.
 */
function packStrips(
  dst: FloatArray,
  d0: number,
  x: Operand,
  pc: number,
  kc: number,
  lines: number,
  width: 4 | 8,
  columns: boolean,
): void {
  const [lineStride, step] = columns ? [x.colStride, x.rowStride] : [x.rowStride, x.colStride];
  for (let l = 0; l < lines; l += width) {
    const start = x.offset + l * lineStride + pc * step;
    const count = Math.min(width, lines - l);
    if (dst instanceof Float32Array)
      packStrip32(dst, d0 + l * kc, x.data as Float32Array, start, lineStride, step, count, kc, width);
    else packStrip(dst, d0 + l * kc, x.data as Float64Array, start, lineStride, step, count, kc);
  }
}

/**
 * Where one call's parts sit in wasm memory, in bytes: C's block, the packed
 * panels of A (MR-tall) and B (NR-wide, zero-padded), one tile of scratch per
 * thread, then the raw copies of a dense A and B that the SIMD packers read.
 * `end` is the first byte past them. Exported so the bench's breakdowns replay
 * the very layout a call uses.
 */
export function gemmLayout(
  m: number,
  n: number,
  k: number,
  f32: boolean,
  threads: number,
  aDense: boolean,
  bDense: boolean,
) {
  const bytes = f32 ? 4 : 8;
  const mpad = Math.ceil(m / MR) * MR;
  const npad = Math.ceil(n / (f32 ? NR32 : NR64)) * (f32 ? NR32 : NR64);
  const cAt = CONTROL_BYTES;
  const paAt = align16(cAt + m * n * bytes);
  const pbAt = align16(paAt + mpad * k * bytes);
  const tileAt = align16(pbAt + k * npad * bytes);
  const rawAAt = align16(tileAt + threads * TILE_BYTES);
  const rawBAt = align16(rawAAt + (aDense ? m * k * bytes : 0));
  return { cAt, paAt, pbAt, tileAt, rawAAt, rawBAt, mpad, npad, end: rawBAt + (bDense ? k * n * bytes : 0) };
}

/**
 * C[cOff + i * ldc + j] += sum_p A(i, p) B(p, j) on `threads` threads at most (on one, in
 * `main`'s plain twin: see soloRuntime);
 * A, B and C are all Float64Array or all Float32Array (matmul.ts checks).
 * With `cZero` C's block is known to hold zeros and is neither read nor cleared: the kernel's
 * first k block writes it (0 + sum, the same bits).
 * Returns false (having done nothing) when the call needs more memory than
 * wasm memory may have, so the caller runs the JS kernel instead.
 */
export function wasmGemm(
  main: Runtime,
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
  const used = m * n * k >= THREAD_MIN_MACS ? threadsAvailable(main, threads) : 1;
  const rt = used === 1 ? soloRuntime(main) : main;
  // A dense operand (or its transpose) goes in with one copy and is packed by the module's SIMD
  // packers; any other strides are packed here, from the JS heap, by pack.ts.
  const aDense = dense(a, m, k);
  const bDense = dense(b, k, n);
  const L = gemmLayout(m, n, k, f32, used, aDense, bDense);
  const { cAt, paAt, pbAt, tileAt, rawAAt, rawBAt, mpad, npad } = L;
  if (!ensureBytes(rt, L.end)) return false;
  const f: FloatArray = f32 ? rt.f32 : rt.f64;
  const c0 = cAt / bytes;
  // With cZero the kernel's first k block writes C's block (`over`) without reading it: nothing to copy in.
  if (!cZero && ldc === n) f.set(c.subarray(cOff, cOff + m * n), c0);
  else if (!cZero)
    for (let i = 0; i < m; i++) f.set(c.subarray(cOff + i * ldc, cOff + i * ldc + n), c0 + i * n);
  if (aDense) f.set(a.data.subarray(a.offset, a.offset + m * k), rawAAt / bytes);
  if (bDense) f.set(b.data.subarray(b.offset, b.offset + k * n), rawBAt / bytes);
  const pack = f32 ? rt.gemm.pack32 : rt.gemm.pack64;
  for (let pc = 0; pc < k; pc += kb) {
    const kc = Math.min(kb, k - pc);
    const aBlock = paAt + pc * mpad * bytes;
    const bBlock = pbAt + pc * npad * bytes;
    if (aDense) pack(aBlock, rawAAt + pc * a.colStride * bytes, a.rowStride, a.colStride, m, kc, MR);
    else packStrips(f, aBlock / bytes, a, pc, kc, m, MR, false);
    if (bDense) pack(bBlock, rawBAt + pc * b.rowStride * bytes, b.colStride, b.rowStride, n, kc, NR);
    else packStrips(f, bBlock / bytes, b, pc, kc, n, NR, true);
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
