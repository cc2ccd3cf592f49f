/**
 * The WASM GEMM's parts for one product on one thread, replayed alone on the
 * layout a real call uses (core/kernels/wasm/gemm.ts's `gemmLayout`): copying
 * dense A and B into wasm memory, packing them with the module's SIMD packers,
 * the kernel over the packed panels (C's block written, not read, as for mm's
 * zero output), and copying C out. Used by the W1 and W7 breakdowns, so both
 * time what `gemm` does today.
 */
import type { FloatArray } from '../core/index.ts';
import { balanced, KC } from '../core/kernels/blocking.ts';
import type { Operand } from '../core/kernels/matmul.ts';
import { dense, gemmLayout } from '../core/kernels/wasm/gemm.ts';
import { ensureBytes, soloRuntime, wasmRuntime } from '../core/kernels/wasm/runtime.ts';

export interface GemmReplay {
  copyIn: () => void;
  pack: () => void;
  /** Reads the panels the last `pack` left. */
  kernel: () => void;
  /** Copies C's block out, into `c` or into `into`. */
  cOut: (into?: FloatArray) => void;
}

/** The parts of `gemm(m, n, k, a, b, c)` on one thread; a and b must be dense (or dense transposes). */
export function gemmReplay(
  m: number,
  n: number,
  k: number,
  a: Operand,
  b: Operand,
  c: FloatArray,
): GemmReplay {
  if (!dense(a, m, k) || !dense(b, k, n)) throw new Error('gemmReplay: operands must be dense');
  const rt = soloRuntime(wasmRuntime()!);
  const f32 = c instanceof Float32Array;
  const bytes = f32 ? 4 : 8;
  const L = gemmLayout(m, n, k, f32, 1, true, true);
  if (!ensureBytes(rt, L.end)) throw new Error('gemmReplay: wasm memory');
  const view = (): FloatArray => (f32 ? rt.f32 : rt.f64);
  const kb = balanced(k, KC);
  const packer = f32 ? rt.gemm.pack32 : rt.gemm.pack64;
  const band = f32 ? rt.gemm.gemmBand32 : rt.gemm.gemmBand;
  const c0 = L.cAt / bytes;
  return {
    copyIn: () => {
      view().set(a.data.subarray(a.offset, a.offset + m * k), L.rawAAt / bytes);
      view().set(b.data.subarray(b.offset, b.offset + k * n), L.rawBAt / bytes);
    },
    pack: () => {
      for (let pc = 0; pc < k; pc += kb) {
        const kc = Math.min(kb, k - pc);
        const [aAt, bAt] = [L.rawAAt + pc * a.colStride * bytes, L.rawBAt + pc * b.rowStride * bytes];
        packer(L.paAt + pc * L.mpad * bytes, aAt, a.rowStride, a.colStride, m, kc, 4);
        packer(L.pbAt + pc * L.npad * bytes, bAt, b.colStride, b.rowStride, n, kc, f32 ? 8 : 4);
      }
    },
    kernel: () => band(L.paAt, L.pbAt, L.cAt, m, n, k, kb, n, 0, m, 0, n, L.tileAt, 1),
    cOut: (into = c) => into.set(view().subarray(c0, c0 + m * n)),
  };
}
