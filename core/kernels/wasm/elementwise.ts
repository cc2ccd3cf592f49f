/**
 * Elementwise arithmetic on the WASM backend (elementwise.wat): a + b, a * b,
 * a / b on two arrays (float64 or float32) and a + s, a * s, a / s (float64);
 * relu and its gradient (both widths), tanh's and sigmoid's gradients (float64);
 * exp, sigmoid and tanh (transcendental.wat, both widths),
 * computed in the plain one-thread memory after copying the operands in
 * (stage.ts), then copied out. The lanes give the JS loops' bits (see
 * elementwise.wat), so the backends agree exactly.
 *
 * The copies cost about 0.1-0.35 ns per value each way (memcpy), the SIMD loop
 * 0.25-0.35; V8's scalar loop costs 1.3-2 ns per value, so from a few thousand
 * values on the trip pays (core/kernels/README.md, "Elementwise and BatchNorm
 * in WebAssembly"). Below ELEMENTWISE_WASM_MIN the JS loop runs, so small
 * tensors (W4) do not pay for the call.
 */
import { dtypeOf, type FloatArray } from '../../dtype.ts';
import { NormgradError } from '../../errors.ts';
import { alloc } from '../alloc.ts';
import { type Staged, stage, unstage } from './stage.ts';

/** Fewer values than this run the JS loop. */
export const ELEMENTWISE_WASM_MIN = 4096;

/**
 * Values staged at a time: a longer call goes through wasm memory a piece after another, so each
 * piece's operands and output (three float64 pieces are 384 KB) stay in the core's L2 cache from
 * the copy in, through the loop, to the copy out, and a value crosses main memory once each way,
 * as in the JS loop. Whole calls staged at once went through it three times: at W5's 524,288
 * values a product took 711-729 us in 2^20-value pieces and 465-495 in 2^14 (relu 534-573 and
 * 444-488), and at conv1's 1,384,448 2,179-2,316 against 1,414-1,783 (05:12-05:14 UTC, load
 * about 1.5, glibc tunables as the bench); 2^13 measured as 2^14. Elementwise results do not
 * depend on the pieces.
 */
export const PIECE = 1 << 14;

/**
 * Stages `inputs` a piece at a time, runs `call` on each piece and copies its output into the
 * result; null (nothing done) when the first piece cannot be staged, so the JS loop runs.
 */
function piecewise(inputs: readonly FloatArray[], call: (s: Staged, n: number) => void): FloatArray | null {
  const n = inputs[0]!.length;
  let out: FloatArray | null = null;
  for (let lo = 0; lo < n; lo += PIECE) {
    const hi = Math.min(n, lo + PIECE);
    const s = stage(
      inputs.map((a) => a.subarray(lo, hi)),
      0,
    );
    if (s === null) {
      if (lo === 0) return null;
      // Nothing that decides staging (backend, widths, size) changes between pieces of one call.
      throw new NormgradError(
        'elementwise: a piece could not be staged after the first was (an internal error)',
      );
    }
    call(s, hi - lo);
    out ??= alloc(n, dtypeOf(inputs[0]!));
    unstage(s, out.subarray(lo, hi));
  }
  return out;
}

/** The two-array operations; the last two are float64 only (see elementwise.wat). */
export type BinaryOp = 'add' | 'mul' | 'div' | 'reluGrad' | 'tanhGrad' | 'sigmoidGrad';
const FLOAT64_ONLY = new Set<BinaryOp>(['tanhGrad', 'sigmoidGrad']);

/** out = a op b in wasm memory; null (nothing done) when the JS loop should run. */
export function wasmBinary(op: BinaryOp, a: FloatArray, b: FloatArray): FloatArray | null {
  const n = a.length;
  if (n < ELEMENTWISE_WASM_MIN || (a instanceof Float32Array && FLOAT64_ONLY.has(op))) return null;
  // `${op}32` exists for every op not in FLOAT64_ONLY, which returned above for float32.
  const name = `${op}${a instanceof Float32Array ? 32 : 64}` as `${'add' | 'mul' | 'div' | 'reluGrad'}64`;
  return piecewise([a, b], (s, m) => s.rt.elementwise[name](s.at[0]!, s.at[1]!, s.outAt, m));
}

/**
 * Fewer values than this run the JS loop for exp, sigmoid and tanh. Each costs V8 8-25 ns a value
 * (a call into fdlibm, whose branches the processor mispredicts on fresh data), against 5-11 in
 * transcendental.wat, so the trip pays from a few hundred values (core/kernels/README.md).
 */
export const TRANSCENDENTAL_WASM_MIN = 512;

/** The one-array operations: relu (elementwise.wat) and exp, sigmoid, tanh (transcendental.wat). */
export type UnaryOp = 'relu' | 'exp' | 'sigmoid' | 'tanh';

/** out = op(a) in wasm memory, either width; null (nothing done) when the JS loop should run. */
export function wasmUnary(op: UnaryOp, a: FloatArray): FloatArray | null {
  if (a.length < (op === 'relu' ? ELEMENTWISE_WASM_MIN : TRANSCENDENTAL_WASM_MIN)) return null;
  const name = `${op}${a instanceof Float32Array ? 32 : 64}` as const;
  return piecewise([a], (s, m) =>
    name === 'relu64' || name === 'relu32'
      ? s.rt.elementwise[name](s.at[0]!, s.outAt, m)
      : s.rt.transcendental[name](s.at[0]!, s.outAt, m),
  );
}

/**
 * out = a op s for a float64 a; null when the JS loop should run (float32 too: there the JS
 * loop adds a float32 to a double s and rounds once, which float32 lanes would not).
 */
export function wasmScalar(op: 'add' | 'mul' | 'div', a: FloatArray, s: number): FloatArray | null {
  if (!(a instanceof Float64Array) || a.length < ELEMENTWISE_WASM_MIN) return null;
  return piecewise([a], (st, m) => st.rt.elementwise[`${op}Scalar64`](st.at[0]!, s, st.outAt, m));
}
