/**
 * Staging a call of a streaming kernel (elementwise.ts, norm.ts, rows.ts) in the
 * plain one-thread memory (`soloRuntime`, where copies are memcpy): the arrays
 * it reads are copied in one after another from byte 16, then come its output
 * (as long as the first input) and its scratch; the output is copied back out.
 * Every region starts on a 16-byte boundary, as v128 loads like.
 */
import type { FloatArray } from '../../dtype.ts';
import { getBackend } from '../backend.ts';
import { ensureBytes, type Runtime, soloRuntime, wasmRuntime } from './runtime.ts';

/**
 * The most a staged call may take of the one-thread memory (64 MB). That memory never shrinks,
 * so a call past this runs the JS loops instead (the elementwise kernels stage in pieces and
 * never reach it); the GEMM's own scratch is sized as before (gemm.ts).
 */
export const STAGE_MAX_BYTES = 64 * 1024 * 1024;

/** Bytes rounded up to a multiple of 16. */
export const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** Where a staged call's arrays sit (byte addresses) and in which element type. */
export interface Staged {
  rt: Runtime;
  f32: boolean;
  /** Bytes per element. */
  bytes: number;
  /** Each input's address, in the order given. */
  at: number[];
  outAt: number;
  scratchAt: number;
}

/**
 * Copies `inputs` (of one length and one element type) into the one-thread memory, with room
 * after them for an output as long as they are and `scratch` bytes more; null (nothing copied)
 * when the JS loops should run: the JS backend, no WebAssembly, mixed element types (the ops
 * promote first, so only a caller's own mix), or more than STAGE_MAX_BYTES in all.
 */
export function stage(inputs: readonly FloatArray[], scratch: number): Staged | null {
  if (getBackend() !== 'wasm') return null;
  const f32 = inputs[0] instanceof Float32Array;
  for (const a of inputs) if (a instanceof Float32Array !== f32) return null;
  const main = wasmRuntime();
  if (main === null) return null;
  const rt = soloRuntime(main);
  const bytes = f32 ? 4 : 8;
  const size = align16(inputs[0]!.length * bytes);
  const at = inputs.map((_, i) => 16 + i * size);
  const outAt = 16 + inputs.length * size;
  const scratchAt = outAt + size;
  if (scratchAt + scratch > STAGE_MAX_BYTES || !ensureBytes(rt, scratchAt + scratch)) return null;
  const view = f32 ? rt.f32 : rt.f64;
  for (let i = 0; i < inputs.length; i++) view.set(inputs[i]!, at[i]! / bytes);
  return { rt, f32, bytes, at, outAt, scratchAt };
}

/** The staged call's output copied into `out` (its first out.length values). */
export function unstage(s: Staged, out: FloatArray): void {
  const view = s.f32 ? s.rt.f32 : s.rt.f64;
  out.set(view.subarray(s.outAt / s.bytes, s.outAt / s.bytes + out.length));
}

/** A call staged once and run in several passes (norm.ts, rows.ts): where its arrays sit. */
export abstract class StagedCall {
  protected constructor(protected readonly st: Staged) {}

  protected get rt(): Runtime {
    return this.st.rt;
  }

  protected get f32(): boolean {
    return this.st.f32;
  }

  protected get xAt(): number {
    return this.st.at[0]!;
  }

  /** g's address (a gradient's call stages x and g). */
  protected get gAt(): number {
    return this.st.at[1]!;
  }

  protected get outAt(): number {
    return this.st.outAt;
  }
}
