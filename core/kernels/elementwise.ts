/**
 * Elementwise kernels: loops over flat Float64Arrays of equal length. Broadcasting
 * is done before these are called (by the `expand` op), so every kernel here sees
 * operands of one shape. Each hot operation has its own loop so V8 keeps it
 * monomorphic; the rare ones share `map`. Every kernel writes each element of
 * its output, so outputs come from `alloc` (recycled memory for large arrays).
 */
import { alloc } from './alloc.ts';

export function add(a: Float64Array, b: Float64Array): Float64Array {
  const n = a.length;
  const out = alloc(n);
  for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
  return out;
}

export function mul(a: Float64Array, b: Float64Array): Float64Array {
  const n = a.length;
  const out = alloc(n);
  for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
  return out;
}

export function div(a: Float64Array, b: Float64Array): Float64Array {
  const n = a.length;
  const out = alloc(n);
  for (let i = 0; i < n; i++) out[i] = a[i]! / b[i]!;
  return out;
}

export function pow(a: Float64Array, b: Float64Array): Float64Array {
  const n = a.length;
  const out = alloc(n);
  for (let i = 0; i < n; i++) out[i] = a[i]! ** b[i]!;
  return out;
}

export function addScalar(a: Float64Array, s: number): Float64Array {
  const n = a.length;
  const out = alloc(n);
  for (let i = 0; i < n; i++) out[i] = a[i]! + s;
  return out;
}

export function mulScalar(a: Float64Array, s: number): Float64Array {
  const n = a.length;
  const out = alloc(n);
  for (let i = 0; i < n; i++) out[i] = a[i]! * s;
  return out;
}

export function divScalar(a: Float64Array, s: number): Float64Array {
  const n = a.length;
  const out = alloc(n);
  for (let i = 0; i < n; i++) out[i] = a[i]! / s;
  return out;
}

export function powScalar(a: Float64Array, s: number): Float64Array {
  const n = a.length;
  const out = alloc(n);
  if (s === 2) for (let i = 0; i < n; i++) out[i] = a[i]! * a[i]!;
  else for (let i = 0; i < n; i++) out[i] = a[i]! ** s;
  return out;
}

export function map(a: Float64Array, f: (x: number) => number): Float64Array {
  const n = a.length;
  const out = alloc(n);
  for (let i = 0; i < n; i++) out[i] = f(a[i]!);
  return out;
}

export function exp(a: Float64Array): Float64Array {
  const n = a.length;
  const out = alloc(n);
  for (let i = 0; i < n; i++) out[i] = Math.exp(a[i]!);
  return out;
}

export function log(a: Float64Array): Float64Array {
  const n = a.length;
  const out = alloc(n);
  for (let i = 0; i < n; i++) out[i] = Math.log(a[i]!);
  return out;
}

/** sigmoid(x) = 1 / (1 + e^-x), written in the form that cannot overflow for either sign. */
export function sigmoid(a: Float64Array): Float64Array {
  const n = a.length;
  const out = alloc(n);
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
export function tanh(a: Float64Array): Float64Array {
  const n = a.length;
  const out = alloc(n);
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

export function relu(a: Float64Array): Float64Array {
  const n = a.length;
  const out = alloc(n);
  for (let i = 0; i < n; i++) out[i] = Math.max(a[i]!, 0);
  return out;
}

// Activation gradients as one pass each: the composed forms (g * (x > 0), g * (1 - y * y), ...)
// allocate and walk two or three full arrays per backward.

/** g · [x > 0] (relu's gradient; 0 at the kink, as PyTorch). */
export function reluGrad(g: Float64Array, x: Float64Array): Float64Array {
  const n = g.length;
  const out = alloc(n);
  for (let i = 0; i < n; i++) out[i] = x[i]! > 0 ? g[i]! : 0;
  return out;
}

/** g · (1 - y²) from tanh's output y. */
export function tanhGrad(g: Float64Array, y: Float64Array): Float64Array {
  const n = g.length;
  const out = alloc(n);
  for (let i = 0; i < n; i++) out[i] = g[i]! * (1 - y[i]! * y[i]!);
  return out;
}

/** g · y (1 - y) from sigmoid's output y. */
export function sigmoidGrad(g: Float64Array, y: Float64Array): Float64Array {
  const n = g.length;
  const out = alloc(n);
  for (let i = 0; i < n; i++) out[i] = g[i]! * y[i]! * (1 - y[i]!);
  return out;
}

/** Ternary select: out = cond != 0 ? a : b. */
export function where(cond: Float64Array, a: Float64Array, b: Float64Array): Float64Array {
  const n = cond.length;
  const out = alloc(n);
  for (let i = 0; i < n; i++) out[i] = cond[i] !== 0 ? a[i]! : b[i]!;
  return out;
}

export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

/** Comparison to a 0/1 mask (normgrad has no bool dtype; masks are float64 zeros and ones). */
export function compare(op: CompareOp, a: Float64Array, b: Float64Array): Float64Array {
  const n = a.length;
  const out = alloc(n);
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
