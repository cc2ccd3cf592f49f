/**
 * The WebAssembly side of the kernels: one linear memory and the module
 * instance that computes in it, created on first use.
 *
 * Where tensor memory lives (see core/kernels/README.md for the numbers):
 * tensors stay ordinary `Float64Array`s and `Float32Array`s on the JavaScript heap, so the garbage
 * collector frees them and nobody calls `dispose()`. A WASM kernel copies (the
 * GEMM: packs) its operands into this memory and copies its result back. The
 * memory is scratch: it grows to the largest call seen and is reused by every
 * call, so it does not grow with the number of tensors.
 *
 * The memory is shared when the platform allows it (Node; a browser page with
 * cross-origin isolation), so worker threads can compute in it; otherwise it
 * is a plain memory and the kernels run on the calling thread. A shared memory
 * needs a maximum (MAX_PAGES, reserved as address space, not committed). Work
 * on the calling thread alone runs in a second, plain memory (`soloRuntime`),
 * where copies in and out are plain memory copies.
 *
 * Nothing here imports a Node module: the bytes are embedded in
 * modules.generated.ts and compiled synchronously, so the same code runs from
 * a browser bundle.
 */

import type {
  ChannelsExports,
  ElementwiseExports,
  GemmExports,
  NormExports,
  PoolExports,
  RowsExports,
  TranscendentalExports,
} from './exports.ts';
import {
  CHANNELS_PLAIN,
  CHANNELS_SHARED,
  ELEMENTWISE_PLAIN,
  ELEMENTWISE_SHARED,
  GEMM_PLAIN,
  GEMM_SHARED,
  NORM_PLAIN,
  NORM_SHARED,
  POOL_PLAIN,
  POOL_SHARED,
  ROWS_PLAIN,
  ROWS_SHARED,
  TRANSCENDENTAL_PLAIN,
  TRANSCENDENTAL_SHARED,
} from './modules.generated.ts';

/**
 * The slice of the WebAssembly JS API used here, typed locally: the project's
 * TypeScript libs (ES2022, Node 20 types) do not declare the global, and a
 * browser build's DOM lib would declare it differently.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
/** A compiled module (opaque; workers instantiate it again). */
export type WasmModule = object;
interface WasmApi {
  Memory: new (d: { initial: number; maximum: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (m: WasmModule, imports: object) => { exports: object };
  validate(bytes: Uint8Array): boolean;
}

/** The engine's WebAssembly, or null where there is none. */
export function wasmApi(): WasmApi | null {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly ?? null;
}

/** 64 KB pages; 16384 pages = 1 GB, the largest a kernel call may need (beyond it the JS kernels run). */
export const MAX_PAGES = 16384;
const PAGE = 65536;

/** The memory, its current views, and the compiled GEMM module (which workers instantiate again). */
export interface Runtime {
  memory: WasmMemory;
  shared: boolean;
  module: WasmModule;
  gemm: GemmExports;
  norm: NormExports;
  elementwise: ElementwiseExports;
  channels: ChannelsExports;
  rows: RowsExports;
  pool: PoolExports;
  transcendental: TranscendentalExports;
  f64: Float64Array;
  f32: Float32Array;
  i32: Int32Array;
}

let runtime: Runtime | null | undefined;

function decode(base64: string): Uint8Array {
  const s = atob(base64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

function instantiate(wantShared: boolean): Runtime | null {
  const WebAssembly = wasmApi();
  if (WebAssembly === null) return null;
  let memory: WasmMemory;
  let shared = wantShared;
  try {
    memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared });
  } catch {
    shared = false;
    memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES });
  }
  const [gemm, norm, elementwise, channels, rows, pool, transcendental] = [
    shared ? GEMM_SHARED : GEMM_PLAIN,
    shared ? NORM_SHARED : NORM_PLAIN,
    shared ? ELEMENTWISE_SHARED : ELEMENTWISE_PLAIN,
    shared ? CHANNELS_SHARED : CHANNELS_PLAIN,
    shared ? ROWS_SHARED : ROWS_PLAIN,
    shared ? POOL_SHARED : POOL_PLAIN,
    shared ? TRANSCENDENTAL_SHARED : TRANSCENDENTAL_PLAIN,
  ].map(decode) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  // An engine without SIMD rejects the modules: the JS kernels remain.
  if (![gemm, norm, elementwise, channels, rows, pool, transcendental].every((b) => WebAssembly.validate(b)))
    return null;
  const module = new WebAssembly.Module(gemm);
  // transcendental.wat calls V8's own exp and expm1 for the lanes its formulas do not cover.
  const env = { memory, exp: Math.exp, expm1: Math.expm1 };
  const exportsOf = (m: WasmModule) => new WebAssembly.Instance(m, { env }).exports;
  return {
    memory,
    shared,
    module,
    gemm: exportsOf(module) as unknown as GemmExports,
    norm: exportsOf(new WebAssembly.Module(norm)) as unknown as NormExports,
    elementwise: exportsOf(new WebAssembly.Module(elementwise)) as unknown as ElementwiseExports,
    channels: exportsOf(new WebAssembly.Module(channels)) as unknown as ChannelsExports,
    rows: exportsOf(new WebAssembly.Module(rows)) as unknown as RowsExports,
    pool: exportsOf(new WebAssembly.Module(pool)) as unknown as PoolExports,
    transcendental: exportsOf(new WebAssembly.Module(transcendental)) as unknown as TranscendentalExports,
    f64: new Float64Array(memory.buffer),
    f32: new Float32Array(memory.buffer),
    i32: new Int32Array(memory.buffer),
  };
}

/** The runtime, instantiated on first call; null where WebAssembly SIMD is unavailable. */
export function wasmRuntime(): Runtime | null {
  if (runtime === undefined) {
    try {
      runtime = instantiate(true);
    } catch {
      runtime = null;
    }
  }
  return runtime;
}

let solo: Runtime | undefined;

/**
 * The runtime for work on the calling thread alone: a second instance over a plain memory when
 * `rt`'s is shared, else `rt` itself. V8 copies typed arrays into and out of a shared memory
 * value by value, so tearing stays impossible for other threads (measured: 19 against 5.5 us
 * for two 256 KB copies in, 2026-12-01, load ~10), and a single-thread GEMM has no other thread.
 */
export function soloRuntime(rt: Runtime): Runtime {
  if (!rt.shared) return rt;
  if (solo === undefined) {
    try {
      solo = instantiate(false) ?? rt;
    } catch {
      solo = rt;
    }
  }
  return solo;
}

/**
 * Grows the memory to at least `bytes` and refreshes the views (growing detaches
 * a plain memory's views and leaves a shared one's at their old length). False
 * when `bytes` is past MAX_PAGES: the caller then runs its JS kernel.
 */
export function ensureBytes(rt: Runtime, bytes: number): boolean {
  const have = rt.memory.buffer.byteLength;
  if (bytes > have) {
    const pages = Math.ceil((bytes - have) / PAGE);
    if (have / PAGE + pages > MAX_PAGES) return false;
    try {
      rt.memory.grow(pages);
    } catch {
      return false; // the system would not give the address space
    }
  }
  if (rt.f64.buffer.byteLength !== rt.memory.buffer.byteLength || rt.f64.byteLength === 0) {
    rt.f64 = new Float64Array(rt.memory.buffer);
    rt.f32 = new Float32Array(rt.memory.buffer);
    rt.i32 = new Int32Array(rt.memory.buffer);
  }
  return true;
}
