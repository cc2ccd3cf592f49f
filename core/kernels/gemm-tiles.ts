/**
 * The register kernels of the JS GEMM (matmul.ts drives them) and the packed
 * panels they read: a 4 x 4 tile of C in sixteen locals, in float64 and in
 * float32.
 *
 * - Register blocking. One step along k does 8 loads for 32 flops instead of
 *   the 2 loads per 2 flops of a plain loop. V8 does not vectorize and has 16
 *   float registers; 4 x 4 spills a few accumulators and still beat every
 *   other shape tried (2x4, 4x2, 3x4, 4x3, 2x6, 4x6, 6x4, 4x8, 8x4): about
 *   5x the triple loop.
 * - Module-level panels. The panels are module constants of a fixed size, so
 *   TurboFan embeds their address and length in the machine code; the same
 *   loop over typed arrays passed as parameters ran about 2.5x slower. Their
 *   fixed size is what makes the driver block over k (KC), rows (MC) and
 *   columns (NC); with these sizes a B strip (KC x NR, 8 KB) stays in L1 while
 *   the kernel sweeps an A panel (MC x KC, 256 KB) held in L2.
 * - One kernel per element type, each monomorphic (every array it touches has
 *   one class), rather than one kernel over both.
 * - float32 accumulates in float32, as PyTorch's CPU GEMM and the WASM f32x4
 *   kernel do: `Math.fround` after each product and each sum. A double product
 *   of two floats is exact and a double sum of two floats rounded once to
 *   float is the correctly rounded float sum (53 >= 2 * 24 + 2), so this is
 *   IEEE float32 arithmetic exactly, and the same bits as gemm.wat's lanes.
 */
import { KC } from './blocking.ts';

/** Register tile: MR rows x NR columns of C live in locals. */
export const MR = 4;
export const NR = 4;
/** Cache blocks: how many rows (columns) of op(A) (op(B)) are packed at once (the depth, KC, is shared with the WASM kernel). */
export const MC = 128;
export const NC = 1024;

const PA = new Float64Array(MC * KC);
const PB = new Float64Array(KC * NC);
/** An edge tile's accumulators, written out only where they fall inside C. */
const TILE = new Float64Array(MR * NR);
const PA32 = new Float32Array(MC * KC);
const PB32 = new Float32Array(KC * NC);
const TILE32 = new Float32Array(MR * NR);

/**
 * A register kernel: C[ci + i * ldc + j] += sum_p pa[ao + p * MR + i] * pb[bo + p * NR + j]
 * for i < mr, j < nr, over the panels it is paired with in a `Tiles`.
 */
type Kernel<T extends Float32Array | Float64Array> = (
  c: T,
  ci: number,
  ldc: number,
  mr: number,
  nr: number,
  kc: number,
  ao: number,
  bo: number,
) => void;

/** A kernel with the panels it reads: the driver packs into `pa` and `pb`, then calls `kernel`. */
export interface Tiles<T extends Float32Array | Float64Array> {
  pa: T;
  pb: T;
  kernel: Kernel<T>;
}

/**
 * The float64 4 x 4 register kernel: C[ci + i * ldc + j] += sum_p PA[ao + p * 4 + i] * PB[bo + p * 4 + j]
 * for i < mr, j < nr (the padded rows and columns are computed and dropped).
 */
function kernel64(
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

/**
 * The 4 x 4 register kernel: C[ci + i * ldc + j] += sum_p PA32[ao + p * 4 + i] * PB32[bo + p * 4 + j]
 * for i < mr, j < nr (the padded rows and columns are computed and dropped).
 */
function kernel32(
  c: Float32Array,
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
    const b0 = PB32[b]!;
    const b1 = PB32[b + 1]!;
    const b2 = PB32[b + 2]!;
    const b3 = PB32[b + 3]!;
    const a0 = PA32[a]!;
    c00 = Math.fround(c00 + Math.fround(a0 * b0));
    c01 = Math.fround(c01 + Math.fround(a0 * b1));
    c02 = Math.fround(c02 + Math.fround(a0 * b2));
    c03 = Math.fround(c03 + Math.fround(a0 * b3));
    const a1 = PA32[a + 1]!;
    c10 = Math.fround(c10 + Math.fround(a1 * b0));
    c11 = Math.fround(c11 + Math.fround(a1 * b1));
    c12 = Math.fround(c12 + Math.fround(a1 * b2));
    c13 = Math.fround(c13 + Math.fround(a1 * b3));
    const a2 = PA32[a + 2]!;
    c20 = Math.fround(c20 + Math.fround(a2 * b0));
    c21 = Math.fround(c21 + Math.fround(a2 * b1));
    c22 = Math.fround(c22 + Math.fround(a2 * b2));
    c23 = Math.fround(c23 + Math.fround(a2 * b3));
    const a3 = PA32[a + 3]!;
    c30 = Math.fround(c30 + Math.fround(a3 * b0));
    c31 = Math.fround(c31 + Math.fround(a3 * b1));
    c32 = Math.fround(c32 + Math.fround(a3 * b2));
    c33 = Math.fround(c33 + Math.fround(a3 * b3));
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
  TILE32[0] = c00;
  TILE32[1] = c01;
  TILE32[2] = c02;
  TILE32[3] = c03;
  TILE32[4] = c10;
  TILE32[5] = c11;
  TILE32[6] = c12;
  TILE32[7] = c13;
  TILE32[8] = c20;
  TILE32[9] = c21;
  TILE32[10] = c22;
  TILE32[11] = c23;
  TILE32[12] = c30;
  TILE32[13] = c31;
  TILE32[14] = c32;
  TILE32[15] = c33;
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nr; j++) c[ci + i * ldc + j] = c[ci + i * ldc + j]! + TILE32[i * NR + j]!;
  }
}

/** The float64 kernel and its panels. */
export const TILES64: Tiles<Float64Array> = { pa: PA, pb: PB, kernel: kernel64 };
/** The float32 kernel and its panels. */
export const TILES32: Tiles<Float32Array> = { pa: PA32, pb: PB32, kernel: kernel32 };
