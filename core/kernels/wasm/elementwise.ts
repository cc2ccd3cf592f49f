/**
 * Elementwise arithmetic on the WASM backend (elementwise.wat): a + b, a * b,
 * a / b on two arrays (float64 or float32) and a + s, a * s, a / s (float64);
 * relu and its gradient (both widths), tanh's and sigmoid's gradients (float64),
 * computed in the plain one-thread memory (`soloRuntime`) after copying the
 * operands in, then copied out. The lanes give the JS loops' bits (see
 * elementwise.wat), so the backends agree exactly.
 *
 * The copies cost about 0.1-0.35 ns per value each way (memcpy), the SIMD loop
 * 0.25-0.35; V8's scalar loop costs 1.3-2 ns per value, so from a few thousand
 * values on the trip pays (core/kernels/README.md, "Elementwise and BatchNorm
 * in WebAssembly"). Below ELEMENTWISE_WASM_MIN the JS loop runs, so small
 * tensors (W4) do not pay for the call.
 */
import { dtypeOf, type FloatArray } from '../../dtype.ts';
import { alloc } from '../alloc.ts';
import { getBackend } from '../backend.ts';
import { ensureBytes, type Runtime, soloRuntime, wasmRuntime } from './runtime.ts';

/** Fewer values than this run the JS loop. */
export const ELEMENTWISE_WASM_MIN = 4096;

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** The one-thread runtime with room for `arrays` arrays of n values, or null for the JS loop. */
function room(n: number, bytes: number, arrays: number): Runtime | null {
  if (n < ELEMENTWISE_WASM_MIN || getBackend() !== 'wasm') return null;
  const main = wasmRuntime();
  if (main === null) return null;
  const rt = soloRuntime(main);
  return ensureBytes(rt, 16 + arrays * align16(n * bytes)) ? rt : null;
}

/** The two-array operations; the last two are float64 only (see elementwise.wat). */
export type BinaryOp = 'add' | 'mul' | 'div' | 'reluGrad' | 'tanhGrad' | 'sigmoidGrad';
const FLOAT64_ONLY = new Set<BinaryOp>(['tanhGrad', 'sigmoidGrad']);

/** out = a op b in wasm memory; null (nothing done) when the JS loop should run. */
export function wasmBinary(op: BinaryOp, a: FloatArray, b: FloatArray): FloatArray | null {
  const n = a.length;
  const f32 = a instanceof Float32Array;
  if (f32 !== b instanceof Float32Array || (f32 && FLOAT64_ONLY.has(op))) return null;
  const bytes = f32 ? 4 : 8;
  const rt = room(n, bytes, 3);
  if (rt === null) return null;
  const view = f32 ? rt.f32 : rt.f64;
  const size = align16(n * bytes);
  const [aAt, bAt, oAt] = [16, 16 + size, 16 + 2 * size];
  view.set(a, aAt / bytes);
  view.set(b, bAt / bytes);
  rt.elementwise[`${op}${f32 ? 32 : 64}` as `${'add' | 'mul' | 'div' | 'reluGrad'}64`](aAt, bAt, oAt, n);
  const out = alloc(n, dtypeOf(a));
  out.set(view.subarray(oAt / bytes, oAt / bytes + n));
  return out;
}

/** relu(a) = max(a, 0) in wasm memory, either width; null when the JS loop should run. */
export function wasmRelu(a: FloatArray): FloatArray | null {
  const n = a.length;
  const f32 = a instanceof Float32Array;
  const bytes = f32 ? 4 : 8;
  const rt = room(n, bytes, 2);
  if (rt === null) return null;
  const view = f32 ? rt.f32 : rt.f64;
  const [aAt, oAt] = [16, 16 + align16(n * bytes)];
  view.set(a, aAt / bytes);
  rt.elementwise[f32 ? 'relu32' : 'relu64'](aAt, oAt, n);
  const out = alloc(n, dtypeOf(a));
  out.set(view.subarray(oAt / bytes, oAt / bytes + n));
  return out;
}

/**
 * out = a op s for a float64 a; null when the JS loop should run (float32 too: there the JS
 * loop adds a float32 to a double s and rounds once, which float32 lanes would not).
 */
export function wasmScalar(op: 'add' | 'mul' | 'div', a: FloatArray, s: number): FloatArray | null {
  if (!(a instanceof Float64Array)) return null;
  const n = a.length;
  const rt = room(n, 8, 2);
  if (rt === null) return null;
  const [aAt, oAt] = [16, 16 + align16(n * 8)];
  rt.f64.set(a, aAt / 8);
  rt.elementwise[`${op}Scalar64`](aAt, s, oAt, n);
  const out = alloc(n, 'float64');
  out.set(rt.f64.subarray(oAt / 8, oAt / 8 + n));
  return out;
}
