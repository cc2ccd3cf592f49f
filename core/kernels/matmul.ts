/**
 * Matrix-product kernels over flat Float64Arrays or Float32Arrays, no Tensor
 * and no autograd.
 *
 *     gemm:  C += op(A) op(B),   op(A) m x k,  op(B) k x n,  C m x n row-major
 *
 * Each operand is an offset plus a row stride and a column stride, so a
 * transposed operand (the backward's A^T g and g B^T) is the same memory read
 * with its strides swapped: nothing is transposed in memory. C is accumulated
 * into, never overwritten, so a caller sums several products (a batch reduced
 * to one gradient) by pointing them at the same C.
 *
 * A, B and C are all float64 or all float32; a float32 product accumulates in
 * float32 (each product and each sum rounded, no FMA), as PyTorch's does.
 *
 * Why it is written this way (measured with V8 in Node 20, see bench/ and the
 * note in the performance issue):
 * - Register blocking and module-level panels: gemm-tiles.ts.
 * - Packing. Before the kernel runs, a strip of MR rows of op(A) and a strip of
 *   NR columns of op(B) are copied into panels in exactly the order the kernel
 *   reads them. Every read in the hot loop is then unit-stride whatever the
 *   operand's strides (transposes cost nothing extra), and ragged edges are
 *   zero-padded so the loop itself has no edge cases.
 * - Monomorphic. Each kernel touches one array class and small-integer
 *   indices, so it compiles to one specialized version.
 * The kernels are synchronous and never call out, so the shared panels cannot
 * be entered twice at once (a worker has its own module instance).
 *
 * The seam for faster backends: `gemm` and `gemmBatched` are pure functions of
 * flat arrays, sizes and strides that add into C. On the WASM backend (the
 * default where WebAssembly SIMD works, core/kernels/backend.ts) every product
 * past the small-product threshold goes to wasm/gemm.ts, a WebAssembly SIMD
 * kernel split over worker threads, with the same k blocks and the same order
 * of additions, so both backends give the same bits, in either width.
 */

import type { FloatArray } from '../dtype.ts';
import { NormgradError } from '../errors.ts';
import { getBackend, getNumThreads } from './backend.ts';
import { balanced, KC } from './blocking.ts';
import { MC, MR, NC, NR, TILES32, TILES64, type Tiles } from './gemm-tiles.ts';
import { packStrip, packStrip32 } from './pack.ts';
import { wasmGemm } from './wasm/gemm.ts';
import { wasmRuntime } from './wasm/runtime.ts';

/** Below this many multiply-adds, packing costs more than it saves: use the plain loop. */
const SMALL = 4096;

/** A strided operand: element (i, j) is data[offset + i * rowStride + j * colStride]. */
export interface Operand {
  data: FloatArray;
  offset: number;
  rowStride: number;
  colStride: number;
}

/** A row-major m x k (or, with `transposed`, the transpose of a row-major k x m) operand at `offset`. */
export function operand(data: FloatArray, offset: number, cols: number, transposed: boolean): Operand {
  return transposed
    ? { data, offset, rowStride: 1, colStride: cols }
    : { data, offset, rowStride: cols, colStride: 1 };
}

/**
 * The ops check dtypes before they get here (matmul of float32 and float64 is
 * a user error with its own message), so mixed arrays mean a bug inside
 * normgrad: say so rather than compute in a width nobody asked for.
 */
function checkSameType(a: FloatArray, b: FloatArray, c: FloatArray): void {
  if (a.constructor === b.constructor && b.constructor === c.constructor) return;
  throw new NormgradError(
    `gemm: A, B and C must be all Float64Array or all Float32Array, got ${a.constructor.name}, ${b.constructor.name} and ${c.constructor.name} (an internal error: the calling op should have checked dtypes)`,
  );
}

/**
 * C[cOff + i * ldc + j] += sum_p A(i, p) B(p, j) for i < m, j < n, p < k.
 * `cZero` promises that C's block holds zeros (a fresh `allocZeroed` output):
 * the WASM backend then neither reads C nor clears its copy (the kernel's
 * first k block writes it, 0 + sum, the same bits), which spares a pass over C.
 */
export function gemm(
  m: number,
  n: number,
  k: number,
  a: Operand,
  b: Operand,
  c: FloatArray,
  cOff: number,
  ldc: number,
  cZero = false,
): void {
  checkSameType(a.data, b.data, c);
  if (m === 0 || n === 0 || k === 0) return;
  if (m * n * k <= SMALL) {
    if (c instanceof Float32Array) plain32(m, n, k, a, b, c, cOff, ldc);
    else plain64(m, n, k, a, b, c as Float64Array, cOff, ldc);
    return;
  }
  if (
    getBackend() === 'wasm' &&
    wasmGemm(wasmRuntime()!, getNumThreads(), m, n, k, a, b, c, cOff, ldc, cZero)
  )
    return;
  if (c instanceof Float32Array) blocked(TILES32, m, n, k, a, b, c, cOff, ldc);
  else blocked(TILES64, m, n, k, a, b, c as Float64Array, cOff, ldc);
}

/**
 * `batch` products C_t += op(A_t) op(B_t); each operand steps by its batch stride
 * per t. A batch stride of 0 broadcasts an operand, and a C batch stride of 0
 * sums the products into one C (the gradient of a broadcast operand).
 * `cZero`: C holds zeros before the first product (see `gemm`).
 */
export function gemmBatched(
  batch: number,
  m: number,
  n: number,
  k: number,
  a: Operand,
  aBatchStride: number,
  b: Operand,
  bBatchStride: number,
  c: FloatArray,
  cBatchStride: number,
  cZero = false,
): void {
  for (let t = 0; t < batch; t++) {
    const at = { ...a, offset: a.offset + t * aBatchStride };
    const bt = { ...b, offset: b.offset + t * bBatchStride };
    gemm(m, n, k, at, bt, c, t * cBatchStride, n, cZero && (t === 0 || cBatchStride !== 0));
  }
}

/** The packed, blocked product on the JS backend, with the register kernel and panels of `tiles`. */
function blocked<T extends FloatArray>(
  tiles: Tiles<T>,
  m: number,
  n: number,
  k: number,
  a: Operand,
  b: Operand,
  c: T,
  cOff: number,
  ldc: number,
): void {
  const { pa, pb, kernel } = tiles;
  // Equal blocks rather than full blocks plus a thin remainder (k = 784 runs as 4 x 196, not 3 x 256 + 16).
  const kb = balanced(k, KC);
  const mb = balanced(m, MC, MR);
  const nb = balanced(n, NC, NR);
  for (let jc = 0; jc < n; jc += nb) {
    const nc = Math.min(nb, n - jc);
    for (let pc = 0; pc < k; pc += kb) {
      const kc = Math.min(kb, k - pc);
      packB(pb, b, pc, kc, jc, nc);
      for (let ic = 0; ic < m; ic += mb) {
        const mc = Math.min(mb, m - ic);
        packA(pa, a, ic, mc, pc, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            kernel(c, cOff + (ic + ir) * ldc + jc + jr, ldc, Math.min(MR, mc - ir), nr, kc, ir * kc, jr * kc);
          }
        }
      }
    }
  }
}

/**
 * The small product's block sums, one row of C at a time. Sized for the widest
 * row the plain loop can meet (m = k = 1); module-level like the panels.
 */
const ROW = new Float64Array(SMALL);
const ROW32 = new Float32Array(SMALL);

/**
 * The triple loop, i-p-j so the innermost loop runs along a row of C, summing
 * in the blocked kernels' order: per k block of balanced(k, KC), the block's
 * products from zero, then the block's sum into C. A row of C then has the same
 * bits whichever path its product takes, so it does not depend on how many rows
 * come with it (a batch's size), even when C already holds values or k spans
 * several blocks.
 */
function plain64(
  m: number,
  n: number,
  k: number,
  a: Operand,
  b: Operand,
  c: Float64Array,
  cOff: number,
  ldc: number,
) {
  const ad = a.data;
  const bd = b.data;
  const { rowStride: ars, colStride: acs } = a;
  const { rowStride: brs, colStride: bcs } = b;
  const kb = balanced(k, KC);
  const s = ROW;
  for (let i = 0; i < m; i++) {
    const crow = cOff + i * ldc;
    for (let pc = 0; pc < k; pc += kb) {
      const pe = Math.min(k, pc + kb);
      s.fill(0, 0, n);
      for (let p = pc; p < pe; p++) {
        const av = ad[a.offset + i * ars + p * acs]!;
        const brow = b.offset + p * brs;
        for (let j = 0; j < n; j++) s[j] = s[j]! + av * bd[brow + j * bcs]!;
      }
      for (let j = 0; j < n; j++) c[crow + j] = c[crow + j]! + s[j]!;
    }
  }
}

/** plain64 in float32: each product rounded to float32, each sum by its store into a Float32Array (as gemm-tiles.ts explains). */
function plain32(
  m: number,
  n: number,
  k: number,
  a: Operand,
  b: Operand,
  c: Float32Array,
  cOff: number,
  ldc: number,
) {
  const ad = a.data;
  const bd = b.data;
  const { rowStride: ars, colStride: acs } = a;
  const { rowStride: brs, colStride: bcs } = b;
  const kb = balanced(k, KC);
  const s = ROW32;
  for (let i = 0; i < m; i++) {
    const crow = cOff + i * ldc;
    for (let pc = 0; pc < k; pc += kb) {
      const pe = Math.min(k, pc + kb);
      s.fill(0, 0, n);
      for (let p = pc; p < pe; p++) {
        const av = ad[a.offset + i * ars + p * acs]!;
        const brow = b.offset + p * brs;
        for (let j = 0; j < n; j++) s[j] = s[j]! + Math.fround(av * bd[brow + j * bcs]!);
      }
      for (let j = 0; j < n; j++) c[crow + j] = c[crow + j]! + s[j]!;
    }
  }
}

/**
 * Packs rows [i0, i0 + mc) x columns [p0, p0 + kc) of op(A) into `pa` as strips of
 * MR rows: pa[(r / MR) * kc * MR + p * MR + i] = A(i0 + r + i, p0 + p), zero past row mc.
 */
function packA(pa: FloatArray, a: Operand, i0: number, mc: number, p0: number, kc: number): void {
  for (let r = 0; r < mc; r += MR) {
    const start = a.offset + (i0 + r) * a.rowStride + p0 * a.colStride;
    const lines = Math.min(MR, mc - r);
    if (pa instanceof Float32Array)
      packStrip32(pa, r * kc, a.data as Float32Array, start, a.rowStride, a.colStride, lines, kc, MR);
    else packStrip(pa, r * kc, a.data as Float64Array, start, a.rowStride, a.colStride, lines, kc);
  }
}

/**
 * Packs rows [p0, p0 + kc) x columns [j0, j0 + nc) of op(B) into `pb` as strips of
 * NR columns: pb[(s / NR) * kc * NR + p * NR + j] = B(p0 + p, j0 + s + j), zero past column nc.
 */
function packB(pb: FloatArray, b: Operand, p0: number, kc: number, j0: number, nc: number): void {
  for (let s0 = 0; s0 < nc; s0 += NR) {
    const start = b.offset + p0 * b.rowStride + (j0 + s0) * b.colStride;
    const lines = Math.min(NR, nc - s0);
    if (pb instanceof Float32Array)
      packStrip32(pb, s0 * kc, b.data as Float32Array, start, b.colStride, b.rowStride, lines, kc, NR);
    else packStrip(pb, s0 * kc, b.data as Float64Array, start, b.colStride, b.rowStride, lines, kc);
  }
}
