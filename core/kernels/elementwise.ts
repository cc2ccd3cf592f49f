/**
 * Elementwise kernels: loops over flat arrays of equal length and one dtype (the
 * ops promote first); each output takes the dtype of the first array operand, and
 * every value is computed in double and rounded once at the store. Broadcasting
 * is done before these are called (by the `expand` op), so every kernel here sees
 * operands of one shape. Each hot operation has its own loop so V8 keeps it
 * monomorphic; the rare ones share `map`. Every kernel writes each element of
 * its output, so outputs come from `alloc` (recycled memory for large arrays).
 * On the WASM backend, add, mul and div (and their float64 scalar forms), relu
 * and the relu, tanh and sigmoid gradients of a few thousand values or more run
 * in wasm/elementwise.ts, with the same bits.
 */
import { dtypeOf, type FloatArray } from '../dtype.ts';
import { alloc } from './alloc.ts';
import { wasmBinary, wasmScalar, wasmUnary } from './wasm/elementwise.ts';

export function add(a: FloatArray, b: FloatArray): FloatArray {
  const viaWasm = wasmBinary('add', a, b);
  if (viaWasm !== null) return viaWasm;
  const n = a.length;
  const out = alloc(n, dtypeOf(a));
  for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
  return out;
}

export function mul(a: FloatArray, b: FloatArray): FloatArray {
  const viaWasm = wasmBinary('mul', a, b);
  if (viaWasm !== null) return viaWasm;
  const n = a.length;
  const out = alloc(n, dtypeOf(a));
  for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
  return out;
}

export function div(a: FloatArray, b: FloatArray): FloatArray {
  const viaWasm = wasmBinary('div', a, b);
  if (viaWasm !== null) return viaWasm;
  const n = a.length;
  const out = alloc(n, dtypeOf(a));
  for (let i = 0; i < n; i++) out[i] = a[i]! / b[i]!;
  return out;
}

export function pow(a: FloatArray, b: FloatArray): FloatArray {
  const n = a.length;
  const out = alloc(n, dtypeOf(a));
  for (let i = 0; i < n; i++) out[i] = a[i]! ** b[i]!;
  return out;
}

export function addScalar(a: FloatArray, s: number): FloatArray {
  const viaWasm = wasmScalar('add', a, s);
  if (viaWasm !== null) return viaWasm;
  const n = a.length;
  const out = alloc(n, dtypeOf(a));
  for (let i = 0; i < n; i++) out[i] = a[i]! + s;
  return out;
}

export function mulScalar(a: FloatArray, s: number): FloatArray {
  const viaWasm = wasmScalar('mul', a, s);
  if (viaWasm !== null) return viaWasm;
  const n = a.length;
  const out = alloc(n, dtypeOf(a));
  for (let i = 0; i < n; i++) out[i] = a[i]! * s;
  return out;
}

export function divScalar(a: FloatArray, s: number): FloatArray {
  const viaWasm = wasmScalar('div', a, s);
  if (viaWasm !== null) return viaWasm;
  const n = a.length;
  const out = alloc(n, dtypeOf(a));
  for (let i = 0; i < n; i++) out[i] = a[i]! / s;
  return out;
}

export function powScalar(a: FloatArray, s: number): FloatArray {
  const n = a.length;
  const out = alloc(n, dtypeOf(a));
  if (s === 2) for (let i = 0; i < n; i++) out[i] = a[i]! * a[i]!;
  else for (let i = 0; i < n; i++) out[i] = a[i]! ** s;
  return out;
}

export function map(a: FloatArray, f: (x: number) => number): FloatArray {
  const n = a.length;
  const out = alloc(n, dtypeOf(a));
  for (let i = 0; i < n; i++) out[i] = f(a[i]!);
  return out;
}

export function exp(a: FloatArray): FloatArray {
  const viaWasm = wasmUnary('exp', a);
  if (viaWasm !== null) return viaWasm;
  const n = a.length;
  const out = alloc(n, dtypeOf(a));
  for (let i = 0; i < n; i++) out[i] = Math.exp(a[i]!);
  return out;
}

export function log(a: FloatArray): FloatArray {
  const n = a.length;
  const out = alloc(n, dtypeOf(a));
  for (let i = 0; i < n; i++) out[i] = Math.log(a[i]!);
  return out;
}

/**
 * sigmoid(x) = 1 / (1 + e^-x), in the form that cannot overflow for either sign: with
 * e = e^-|x| (at most 1), 1 / (1 + e) for x >= 0 and e / (1 + e) below. The numerator is chosen
 * by arithmetic, m + (1 - m)·e with m = [x >= 0], which is exactly 1 or exactly e, rather than by
 * a branch on the sign, which the processor mispredicts on every other activation of either sign
 * (fresh inputs each call, as in training: 22.8 against 19.6 ns per element at W7's 6,000
 * values, 18.3 against 14.3 at 32,768; e^x is most of both; see `relu`).
 */
export function sigmoid(a: FloatArray): FloatArray {
  const viaWasm = wasmUnary('sigmoid', a);
  if (viaWasm !== null) return viaWasm;
  const n = a.length;
  const out = alloc(n, dtypeOf(a));
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const e = Math.exp(-Math.abs(x));
    const m = +(x >= 0);
    out[i] = (m + (1 - m) * e) / (1 + e);
  }
  return out;
}

/**
 * tanh(x) = expm1(2x) / (expm1(2x) + 2): within 2e-16 of Math.tanh and about 25 %
 * faster in V8 (it is the RNN benchmark's costliest elementwise op). expm1 keeps
 * small |x| exact; above 20, tanh is 1 in double precision and expm1 would overflow.
 */
export function tanh(a: FloatArray): FloatArray {
  const viaWasm = wasmUnary('tanh', a);
  if (viaWasm !== null) return viaWasm;
  const n = a.length;
  const out = alloc(n, dtypeOf(a));
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    if (x > 20) out[i] = 1;
    else {
      const e = Math.expm1(2 * x);
      out[i] = e / (e + 2);
    }
  }
  return out;
}

/**
 * max(x, 0), without a branch per element. `Math.max(x, 0)` compiles to compares and jumps, and
 * on activations of either sign (after a BatchNorm, half are negative) the processor mispredicts
 * every other one: 5.7 ns per element against 1.35 ns for this form (1.4M float64 values), and
 * 6.7 against 1.8 at W7's 6,000 with fresh inputs each call. (Fed the same array over and over,
 * as a benchmark cell with fixed inputs does, the predictor learns a 6,000-value pattern and the
 * branch costs nothing; training data never repeats like that.) For every finite x up to
 * MAX_VALUE / 2, (x + |x|) / 2 is max(x, 0) bit for bit: 2x and the halving are exact, and a
 * negative x or -0 gives +0 as `Math.max` does. The rest (NaN, ±Infinity, x above MAX_VALUE / 2,
 * where 2x overflows) come out NaN or +Infinity and take `Math.max` itself: a branch that is
 * almost never taken, so always predicted.
 */
export function relu(a: FloatArray): FloatArray {
  const viaWasm = wasmUnary('relu', a);
  if (viaWasm !== null) return viaWasm;
  const n = a.length;
  const out = alloc(n, dtypeOf(a));
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = (x + Math.abs(x)) * 0.5;
    out[i] = y < Number.POSITIVE_INFINITY ? y : Math.max(x, 0); // false for NaN and +Infinity
  }
  return out;
}

// Activation gradients as one pass each: the composed forms (g * (x > 0), g * (1 - y * y), ...)
// allocate and walk two or three full arrays per backward.

/**
 * x > 0 ? g : 0 (relu's gradient; 0 at the kink, as PyTorch), without a branch per element (see
 * `relu`: 5.7 against 0.7-1.4 ns per element). With m = [x > 0] as 0 or 1, g·m + (m - 1)·(-0)
 * is g exactly when m = 1 (g + -0 = g, -0 included) and +0 when m = 0 (±0 + +0 = +0), for every
 * finite g; a NaN or infinite g with m = 0 makes it NaN, and those take the select itself.
 */
export function reluGrad(g: FloatArray, x: FloatArray): FloatArray {
  const viaWasm = wasmBinary('reluGrad', g, x);
  if (viaWasm !== null) return viaWasm;
  const n = g.length;
  const out = alloc(n, dtypeOf(g));
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    const m = +(x[i]! > 0);
    const r = gi * m + (m - 1) * -0;
    out[i] = r < Number.POSITIVE_INFINITY ? r : m === 1 ? gi : 0; // NaN and +Infinity take the select
  }
  return out;
}

/** g · (1 - y²) from tanh's output y. */
export function tanhGrad(g: FloatArray, y: FloatArray): FloatArray {
  const viaWasm = wasmBinary('tanhGrad', g, y);
  if (viaWasm !== null) return viaWasm;
  const n = g.length;
  const out = alloc(n, dtypeOf(g));
  for (let i = 0; i < n; i++) out[i] = g[i]! * (1 - y[i]! * y[i]!);
  return out;
}

/** g · y (1 - y) from sigmoid's output y. */
export function sigmoidGrad(g: FloatArray, y: FloatArray): FloatArray {
  const viaWasm = wasmBinary('sigmoidGrad', g, y);
  if (viaWasm !== null) return viaWasm;
  const n = g.length;
  const out = alloc(n, dtypeOf(g));
  for (let i = 0; i < n; i++) out[i] = g[i]! * y[i]! * (1 - y[i]!);
  return out;
}

/** Ternary select: out = cond != 0 ? a : b. */
export function where(cond: FloatArray, a: FloatArray, b: FloatArray): FloatArray {
  const n = cond.length;
  const out = alloc(n, dtypeOf(a));
  for (let i = 0; i < n; i++) out[i] = cond[i] !== 0 ? a[i]! : b[i]!;
  return out;
}

export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

/**
 * Comparison to a 0/1 mask (normgrad has no bool dtype; masks are zeros and ones in the operands' dtype).
 * `+(a > b)` rather than `a > b ? 1 : 0`: a number from the comparison, not a jump on it (see `relu`).
 */
export function compare(op: CompareOp, a: FloatArray, b: FloatArray): FloatArray {
  const n = a.length;
  const out = alloc(n, dtypeOf(a));
  switch (op) {
    case 'eq':
      for (let i = 0; i < n; i++) out[i] = +(a[i] === b[i]);
      break;
    case 'ne':
      for (let i = 0; i < n; i++) out[i] = +(a[i] !== b[i]);
      break;
    case 'gt':
      for (let i = 0; i < n; i++) out[i] = +(a[i]! > b[i]!);
      break;
    case 'ge':
      for (let i = 0; i < n; i++) out[i] = +(a[i]! >= b[i]!);
      break;
    case 'lt':
      for (let i = 0; i < n; i++) out[i] = +(a[i]! < b[i]!);
      break;
    case 'le':
      for (let i = 0; i < n; i++) out[i] = +(a[i]! <= b[i]!);
      break;
  }
  return out;
}
