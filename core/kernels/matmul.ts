/**
 * Matrix-product kernels over flat Float64Arrays, no Tensor and no autograd.
 *
 *     gemm:  C += op(A) op(B),   op(A) m x k,  op(B) k x n,  C m x n row-major
 *
 * Each operand is an offset plus a row stride and a column stride, so a
 * transposed operand (the backward's A^T g and g B^T) is the same memory read
 * with its strides swapped: nothing is transposed in memory. C is accumulated
 * into, never overwritten, so a caller sums several products (a batch reduced
 * to one gradient) by pointing them at the same C.
 *
 * Why it is written this way (measured with V8 in Node 20, see bench/ and the
 * note in the performance issue):
 * - Register blocking. The inner kernel keeps a 4 x 4 tile of C in sixteen
 *   local variables, so one step along k does 8 loads for 32 flops instead of
 *   the 2 loads per 2 flops of a plain loop. V8 does not vectorize and has 16
 *   float registers; 4 x 4 spills a few accumulators and still beat every
 *   other shape tried (2x4, 4x2, 3x4, 4x3, 2x6, 4x6, 6x4, 4x8, 8x4): about
 *   5x the triple loop.
 * - Packing. Before the kernel runs, a strip of MR rows of op(A) and a strip of
 *   NR columns of op(B) are copied into panels in exactly the order the kernel
 *   reads them. Every read in the hot loop is then unit-stride whatever the
 *   operand's strides (transposes cost nothing extra), and ragged edges are
 *   zero-padded so the loop itself has no edge cases.
 * - Module-level panels. The panels are module constants of a fixed size, so
 *   TurboFan embeds their address and length in the machine code; the same
 *   loop over typed arrays passed as parameters ran about 2.5x slower. Their
 *   fixed size is what makes the loops block over k (KC), rows (MC) and
 *   columns (NC); with these sizes a B strip (KC x NR, 8 KB) stays in L1 while
 *   the kernel sweeps an A panel (MC x KC, 256 KB) held in L2.
 * - Monomorphic. Every array here is a Float64Array and every index a small
 *   integer, so each function compiles to one specialized version.
 * The kernels are synchronous and never call out, so the shared panels cannot
 * be entered twice at once (a worker has its own module instance).
 *
 * The seam for faster backends: `gemm` and `gemmBatched` are pure functions of
 * flat arrays, sizes and strides that add into C. On the WASM backend (the
 * default where WebAssembly SIMD works, core/kernels/backend.ts) every product
 * past the small-product threshold goes to wasm/gemm.ts, a WebAssembly SIMD
 * kernel split over worker threads, with the same k blocks and the same order
 * of additions, so both backends give the same bits.
 */

import { getBackend, getNumThreads } from './backend.ts';
import { balanced, KC } from './blocking.ts';
import { packStrip } from './pack.ts';
import { wasmGemm } from './wasm/gemm.ts';
import { wasmRuntime } from './wasm/runtime.ts';

/** Register tile: MR rows x NR columns of C live in locals. */
const MR = 4;
const NR = 4;
/** Cache blocks: how many rows (columns) of op(A) (op(B)) are packed at once (the depth, KC, is shared with the WASM kernel). */
const MC = 128;
const NC = 1024;
/** Below this many multiply-adds, packing costs more than it saves: use the plain loop. */
const SMALL = 4096;

const PA = new Float64Array(MC * KC);
const PB = new Float64Array(KC * NC);
/** An edge tile's accumulators, written out only where they fall inside C. */
const TILE = new Float64Array(MR * NR);

/** A strided operand: element (i, j) is data[offset + i * rowStride + j * colStride]. */
export interface Operand {
  data: Float64Array;
  offset: number;
  rowStride: number;
  colStride: number;
}

/** A row-major m x k (or, with `transposed`, the transpose of a row-major k x m) operand at `offset`. */
export function operand(data: Float64Array, offset: number, cols: number, transposed: boolean): Operand {
  return transposed
    ? { data, offset, rowStride: 1, colStride: cols }
    : { data, offset, rowStride: cols, colStride: 1 };
}

/** C[cOff + i * ldc + j] += sum_p A(i, p) B(p, j) for i < m, j < n, p < k. */
export function gemm(
  m: number,
  n: number,
  k: number,
  a: Operand,
  b: Operand,
  c: Float64Array,
  cOff: number,
  ldc: number,
): void {
  if (m === 0 || n === 0 || k === 0) return;
  if (m * n * k <= SMALL) {
    plain(m, n, k, a, b, c, cOff, ldc);
    return;
  }
  if (getBackend() === 'wasm' && wasmGemm(wasmRuntime()!, getNumThreads(), m, n, k, a, b, c, cOff, ldc))
    return;
  // Equal blocks rather than full blocks plus a thin remainder (k = 784 runs as 4 x 196, not 3 x 256 + 16).
  const kb = balanced(k, KC);
  const mb = balanced(m, MC, MR);
  const nb = balanced(n, NC, NR);
  for (let jc = 0; jc < n; jc += nb) {
    const nc = Math.min(nb, n - jc);
    for (let pc = 0; pc < k; pc += kb) {
      const kc = Math.min(kb, k - pc);
      packB(b, pc, kc, jc, nc);
      for (let ic = 0; ic < m; ic += mb) {
        const mc = Math.min(mb, m - ic);
        packA(a, ic, mc, pc, kc);
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
 * `batch` products C_t += op(A_t) op(B_t); each operand steps by its batch stride
 * per t. A batch stride of 0 broadcasts an operand, and a C batch stride of 0
 * sums the products into one C (the gradient of a broadcast operand).
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
  c: Float64Array,
  cBatchStride: number,
): void {
  for (let t = 0; t < batch; t++) {
    const at = { ...a, offset: a.offset + t * aBatchStride };
    const bt = { ...b, offset: b.offset + t * bBatchStride };
    gemm(m, n, k, at, bt, c, t * cBatchStride, n);
  }
}

/** The triple loop, i-p-j so the innermost loop runs along a row of C. */
function plain(
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
  for (let i = 0; i < m; i++) {
    const crow = cOff + i * ldc;
    for (let p = 0; p < k; p++) {
      const av = ad[a.offset + i * ars + p * acs]!;
      const brow = b.offset + p * brs;
      for (let j = 0; j < n; j++) c[crow + j] = c[crow + j]! + av * bd[brow + j * bcs]!;
    }
  }
}

/**
 * Packs rows [i0, i0 + mc) x columns [p0, p0 + kc) of op(A) into PA as strips of
 * MR rows: PA[(r / MR) * kc * MR + p * MR + i] = A(i0 + r + i, p0 + p), zero past row mc.
 */
function packA(a: Operand, i0: number, mc: number, p0: number, kc: number): void {
  for (let r = 0; r < mc; r += MR) {
    const start = a.offset + (i0 + r) * a.rowStride + p0 * a.colStride;
    packStrip(PA, r * kc, a.data, start, a.rowStride, a.colStride, Math.min(MR, mc - r), kc);
  }
}

/**
 * Packs rows [p0, p0 + kc) x columns [j0, j0 + nc) of op(B) into PB as strips of
 * NR columns: PB[(s / NR) * kc * NR + p * NR + j] = B(p0 + p, j0 + s + j), zero past column nc.
 */
function packB(b: Operand, p0: number, kc: number, j0: number, nc: number): void {
  for (let s0 = 0; s0 < nc; s0 += NR) {
    const start = b.offset + p0 * b.rowStride + (j0 + s0) * b.colStride;
    packStrip(PB, s0 * kc, b.data, start, b.colStride, b.rowStride, Math.min(NR, nc - s0), kc);
  }
}

/**
 * The 4 x 4 register kernel: C[ci + i * ldc + j] += sum_p PA[ao + p * 4 + i] * PB[bo + p * 4 + j]
 * for i < mr, j < nr (the padded rows and columns are computed and dropped).
 */
function kernel(
  c: Float64Array,
  ci: number,
  ldc: number,
  mr: number,
  nr: number,
  kc: number,
  ao: number,
  bo: number,
): void {
  let c00 = 0;
  let c01 = 0;
  let c02 = 0;
  let c03 = 0;
  let c10 = 0;
  let c11 = 0;
  let c12 = 0;
  let c13 = 0;
  let c20 = 0;
  let c21 = 0;
  let c22 = 0;
  let c23 = 0;
  let c30 = 0;
  let c31 = 0;
  let c32 = 0;
  let c33 = 0;
  let a = ao;
  let b = bo;
  for (let p = 0; p < kc; p++) {
    const b0 = PB[b]!;
    const b1 = PB[b + 1]!;
    const b2 = PB[b + 2]!;
    const b3 = PB[b + 3]!;
    const a0 = PA[a]!;
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    const a1 = PA[a + 1]!;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    const a2 = PA[a + 2]!;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    const a3 = PA[a + 3]!;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
    a += MR;
    b += NR;
  }
  if (mr === MR && nr === NR) {
    let r = ci;
    c[r] = c[r]! + c00;
    c[r + 1] = c[r + 1]! + c01;
    c[r + 2] = c[r + 2]! + c02;
    c[r + 3] = c[r + 3]! + c03;
    r += ldc;
    c[r] = c[r]! + c10;
    c[r + 1] = c[r + 1]! + c11;
    c[r + 2] = c[r + 2]! + c12;
    c[r + 3] = c[r + 3]! + c13;
    r += ldc;
    c[r] = c[r]! + c20;
    c[r + 1] = c[r + 1]! + c21;
    c[r + 2] = c[r + 2]! + c22;
    c[r + 3] = c[r + 3]! + c23;
    r += ldc;
    c[r] = c[r]! + c30;
    c[r + 1] = c[r + 1]! + c31;
    c[r + 2] = c[r + 2]! + c32;
    c[r + 3] = c[r + 3]! + c33;
    return;
  }
  TILE[0] = c00;
  TILE[1] = c01;
  TILE[2] = c02;
  TILE[3] = c03;
  TILE[4] = c10;
  TILE[5] = c11;
  TILE[6] = c12;
  TILE[7] = c13;
  TILE[8] = c20;
  TILE[9] = c21;
  TILE[10] = c22;
  TILE[11] = c23;
  TILE[12] = c30;
  TILE[13] = c31;
  TILE[14] = c32;
  TILE[15] = c33;
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nr; j++) c[ci + i * ldc + j] = c[ci + i * ldc + j]! + TILE[i * NR + j]!;
  }
}
