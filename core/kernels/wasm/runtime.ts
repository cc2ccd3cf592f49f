/**
 * The WebAssembly side of the kernels: one linear memory and the module
 * instance that computes in it, created on first use.
 *
 * Where tensor memory lives (see core/kernels/README.md for the numbers):
 * tensors stay ordinary `Float64Array`s and `Float32Array`s on the JavaScript heap, so the garbage
 * collector frees them and nobody calls `dispose()`. A WASM kernel packs its
 * operands into this memory (the packing GEMM needs anyway, so the copy is
 * free there) and copies its result back. The memory is scratch: it grows to
 * the largest call seen and is reused by every call, so it does not grow with
 * the number of tensors.
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
import {
  CHANNELS_PLAIN,
  CHANNELS_SHARED,
  ELEMENTWISE_PLAIN,
  ELEMENTWISE_SHARED,
  GEMM_PLAIN,
  GEMM_SHARED,
  NORM_PLAIN,
  NORM_SHARED,
  ROWS_PLAIN,
  ROWS_SHARED,
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

/**
 * gemm.wat's band function (float64 and float32 take the same arguments; see gemm.wat). `over`
 * (1: the first k block writes C rather than adding to it) may be left out: WebAssembly reads a
 * missing argument as 0.
 */
export type GemmBand = (
  pa: number,
  pb: number,
  c: number,
  m: number,
  n: number,
  k: number,
  kb: number,
  ldc: number,
  i0: number,
  i1: number,
  j0: number,
  j1: number,
  tile: number,
  over?: number,
) => void;

/**
 * gemm.wat's packers: one k block of an operand already in wasm memory into strips of `width`
 * lines (dst, src in bytes; lineStride, step in values; see gemm.wat).
 */
export type Pack = (
  dst: number,
  src: number,
  lineStride: number,
  step: number,
  lines: number,
  kc: number,
  width: number,
) => void;

/** The exports of gemm.wat. */
export interface GemmExports {
  gemmBand: GemmBand;
  gemmBand32: GemmBand;
  pack64: Pack;
  pack32: Pack;
}

/** norm.wat's column loops (addresses in bytes; see norm.wat and norm.ts beside it). */
type ColStats = (x: number, n: number, c: number, c8: number, mean: number, variance: number) => void;
type ColAffine = (
  x: number,
  out: number,
  n: number,
  c: number,
  c8: number,
  mean: number,
  scale: number,
  shift: number,
) => void;
type ColSums = (
  g: number,
  x: number,
  n: number,
  c: number,
  c8: number,
  mean: number,
  dbias: number,
  dweight: number,
  residue: number,
) => void;
type ColGrad = (
  g: number,
  x: number,
  dx: number,
  n: number,
  c: number,
  c8: number,
  mean: number,
  rr: number,
  k: number,
  gMean: number,
  q: number,
) => void;

/** channels.wat's loops over [n, c, s] data (s > 1), the first c4 channels (see channels.wat). */
type ChStats = (x: number, n: number, c: number, s: number, c4: number, mean: number, variance: number) => void;
type ChAffine = (
  x: number,
  out: number,
  n: number,
  c: number,
  s: number,
  c4: number,
  mean: number,
  scale: number,
  shift: number,
) => void;
type ChSums = (
  g: number,
  x: number,
  n: number,
  c: number,
  s: number,
  c4: number,
  mean: number,
  dbias: number,
  dweight: number,
  residue: number,
) => void;
type ChGrad = (
  g: number,
  x: number,
  dx: number,
  n: number,
  c: number,
  s: number,
  c4: number,
  mean: number,
  rr: number,
  k: number,
  gMean: number,
  q: number,
) => void;

/** BatchNorm's channel loops over [n, c, s] data, float64 and (suffix 32) float32. */
export interface ChannelsExports {
  chStats: ChStats;
  chAffine: ChAffine;
  chSums: ChSums;
  chGrad: ChGrad;
  chStats32: ChStats;
  chAffine32: ChAffine;
  chSums32: ChSums;
  chGrad32: ChGrad;
}

/** rows.wat's LayerNorm loops over [r, d] data (see rows.wat); the statistics are chStats's. */
type RowSums = (
  g: number,
  x: number,
  r4: number,
  d: number,
  mean: number,
  rstd: number,
  w: number,
  sdy: number,
  sdyx: number,
  residue: number,
) => void;
type RowAffine = (x: number, out: number, r: number, d: number, mean: number, rstd: number, w: number, b: number) => void;
type RowColSums = (
  g: number,
  x: number,
  r: number,
  d: number,
  mean: number,
  rstd: number,
  dbias: number,
  dweight: number,
) => void;
type RowGrad = (
  g: number,
  x: number,
  dx: number,
  r: number,
  d: number,
  mean: number,
  rstd: number,
  w: number,
  a: number,
  bb: number,
  rr: number,
) => void;

/** LayerNorm's row loops over [r, d] data, float64 and (suffix 32) float32. */
export interface RowsExports {
  rowSums: RowSums;
  rowAffine: RowAffine;
  rowColSums: RowColSums;
  rowGrad: RowGrad;
  rowSums32: RowSums;
  rowAffine32: RowAffine;
  rowColSums32: RowColSums;
  rowGrad32: RowGrad;
}

/** BatchNorm's column loops over [n, c] data, float64 and (suffix 32) float32; the first c8 columns. */
export interface NormExports {
  colStats: ColStats;
  colAffine: ColAffine;
  colSums: ColSums;
  colGrad: ColGrad;
  colStats32: ColStats;
  colAffine32: ColAffine;
  colSums32: ColSums;
  colGrad32: ColGrad;
}

/** elementwise.wat's loops: o = a op b (both arrays) or a op s, over n values (addresses in bytes). */
type Binary = (a: number, b: number, o: number, n: number) => void;
type WithScalar = (a: number, s: number, o: number, n: number) => void;
export interface ElementwiseExports {
  add64: Binary;
  mul64: Binary;
  div64: Binary;
  add32: Binary;
  mul32: Binary;
  div32: Binary;
  addScalar64: WithScalar;
  mulScalar64: WithScalar;
  divScalar64: WithScalar;
}

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
  const [gemm, norm, elementwise, channels, rows] = [
    shared ? GEMM_SHARED : GEMM_PLAIN,
    shared ? NORM_SHARED : NORM_PLAIN,
    shared ? ELEMENTWISE_SHARED : ELEMENTWISE_PLAIN,
    shared ? CHANNELS_SHARED : CHANNELS_PLAIN,
    shared ? ROWS_SHARED : ROWS_PLAIN,
  ].map(decode) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  // An engine without SIMD rejects the modules: the JS kernels remain.
  if (![gemm, norm, elementwise, channels, rows].every((b) => WebAssembly.validate(b))) return null;
  const module = new WebAssembly.Module(gemm);
  const exportsOf = (m: WasmModule) => new WebAssembly.Instance(m, { env: { memory } }).exports;
  return {
    memory,
    shared,
    module,
    gemm: exportsOf(module) as unknown as GemmExports,
    norm: exportsOf(new WebAssembly.Module(norm)) as unknown as NormExports,
    elementwise: exportsOf(new WebAssembly.Module(elementwise)) as unknown as ElementwiseExports,
    channels: exportsOf(new WebAssembly.Module(channels)) as unknown as ChannelsExports,
    rows: exportsOf(new WebAssembly.Module(rows)) as unknown as RowsExports,
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
