/**
 * Softmax kernels along one axis of x viewed as [outer, r, inner] (row-major),
 * and the softmax cross-entropy of rows against class indices; no Tensor, no
 * autograd. Each (outer, inner) line is shifted by its maximum before exp, so
 * large logits do not overflow:
 *
 *     softmax(x)_j    = exp(x_j - m) / Σ_k exp(x_k - m)
 *     logSoftmax(x)_j = x_j - m - log Σ_k exp(x_k - m)
 *
 * The backward kernels need only the output and the upstream gradient:
 *
 *     softmax:    dx_j = y_j (g_j - Σ_k g_k y_k)
 *     logSoftmax: dx_j = g_j - exp(y_j) Σ_k g_k
 *
 * Outputs take the input's dtype; the sums and logsumexp are float64 locals.
 */
import { dtypeOf, type FloatArray, newArray } from '../dtype.ts';
import { alloc, allocZeroed } from './alloc.ts';

/** The line's maximum; NaN if it holds a NaN (so the result is NaN, as PyTorch). */
function lineMax(x: FloatArray, base: number, r: number, inner: number): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < r; j++) {
    const v = x[base + j * inner]!;
    if (v > m || Number.isNaN(v)) m = v;
  }
  return m;
}

/**
 * softmax (log = false) or logSoftmax (log = true) along the middle axis. The
 * log form shifts by the maximum only where it is finite, so a line of all -inf
 * gives NaN from -inf - -inf rather than a shift of -inf (as logsumexp).
 */
export function softmaxForward(
  x: FloatArray,
  outer: number,
  r: number,
  inner: number,
  log: boolean,
): FloatArray {
  const out = alloc(x.length, dtypeOf(x)); // every element written
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * r * inner + i;
      let m = lineMax(x, base, r, inner);
      if (log && !Number.isFinite(m)) m = 0;
      let s = 0;
      for (let j = 0; j < r; j++) {
        const e = Math.exp(x[base + j * inner]! - m);
        if (!log) out[base + j * inner] = e;
        s += e;
      }
      if (log) {
        const shift = m + Math.log(s);
        for (let j = 0; j < r; j++) out[base + j * inner] = x[base + j * inner]! - shift;
      } else {
        const inv = 1 / s;
        for (let j = 0; j < r; j++) out[base + j * inner] = out[base + j * inner]! * inv;
      }
    }
  }
  return out;
}

/** The gradient of softmax (log = false) or logSoftmax (log = true) from its output y and upstream g. */
export function softmaxBackward(
  g: FloatArray,
  y: FloatArray,
  outer: number,
  r: number,
  inner: number,
  log: boolean,
): FloatArray {
  const dx = alloc(g.length, dtypeOf(g)); // every element written
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * r * inner + i;
      let s = 0;
      if (log) {
        for (let j = 0; j < r; j++) s += g[base + j * inner]!;
        for (let j = 0; j < r; j++) {
          const at = base + j * inner;
          dx[at] = g[at]! - Math.exp(y[at]!) * s;
        }
      } else {
        for (let j = 0; j < r; j++) s += g[base + j * inner]! * y[base + j * inner]!;
        for (let j = 0; j < r; j++) {
          const at = base + j * inner;
          dx[at] = y[at]! * (g[at]! - s);
        }
      }
    }
  }
  return dx;
}

/**
 * Per-row cross entropy of logits x [n, c] against class indices t [n]:
 * loss_i = logsumexp(x_i) - x_i[t_i], and lse_i for the backward. Rows whose
 * target equals `ignoreIndex` get loss 0.
 */
export function crossEntropyForward(
  x: FloatArray,
  t: FloatArray,
  n: number,
  c: number,
  ignoreIndex: number,
): { loss: FloatArray; lse: Float64Array } {
  const loss = newArray(dtypeOf(x), n);
  const lse = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (t[i] === ignoreIndex) continue;
    const row = i * c;
    let m = lineMax(x, row, c, 1);
    if (!Number.isFinite(m)) m = 0;
    let s = 0;
    for (let j = 0; j < c; j++) s += Math.exp(x[row + j]! - m);
    lse[i] = m + Math.log(s);
    loss[i] = lse[i]! - x[row + t[i]!]!;
  }
  return { loss, lse };
}

/** dx[i, j] = w_i (softmax(x_i)_j - [j = t_i]) for the rows kept, 0 for ignored rows. */
export function crossEntropyBackward(
  x: FloatArray,
  t: FloatArray,
  lse: Float64Array,
  rowWeight: FloatArray,
  n: number,
  c: number,
  ignoreIndex: number,
): FloatArray {
  const dx = allocZeroed(x.length, dtypeOf(x)); // ignored rows stay 0
  for (let i = 0; i < n; i++) {
    if (t[i] === ignoreIndex) continue;
    const l = lse[i]!;
    const row = i * c;
    const w = rowWeight[i]!;
    for (let j = 0; j < c; j++) dx[row + j] = w * Math.exp(x[row + j]! - l);
    dx[row + t[i]!] = dx[row + t[i]!]! - w;
  }
  return dx;
}
