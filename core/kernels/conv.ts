/**
 * Sliding-window kernels for convolution and pooling over [N, C, H, W] planes.
 *
 * Convolution runs as im2col plus the matrix product (`gemm` in matmul.ts), so
 * whatever speeds up `gemm` (the WebAssembly backend, worker bands) speeds up
 * convolution too, forward and both backward products:
 *
 *     cols[n] = im2col(x[n])                 [C kh kw, OH OW]
 *     y[n]    = W cols[n]                    W as [Cout, C kh kw]
 *     dW      = sum_n g[n] cols[n]^T,        dcols[n] = W^T g[n],   dx[n] = col2im(dcols[n])
 *
 * Row r = (c kh + i) kw + j of cols[n] holds, at column oy OW + ox, the input
 * x[n, c, oy sh - ph + i dh, ox sw - pw + j dw], or 0 where that falls in the
 * padding. col2im is its adjoint: every column entry is added back to the input
 * position it was read from (positions read by several windows get the sum).
 */
import { dtypeOf, type FloatArray } from '../dtype.ts';
import { alloc, allocZeroed } from './alloc.ts';
import { wasmMaxPoolIndices } from './wasm/pool.ts';

/** The geometry of a 2-D sliding window: input planes, kernel, stride, padding, dilation and output size. */
export interface Window2d {
  /** Channels, input height and width. */
  c: number;
  h: number;
  w: number;
  /** Kernel height and width. */
  kh: number;
  kw: number;
  /** Strides. */
  sh: number;
  sw: number;
  /** Zero padding on each side (top and bottom by ph, left and right by pw). */
  ph: number;
  pw: number;
  /** Dilations (the distance between kernel taps). */
  dh: number;
  dw: number;
  /** Output height and width. */
  oh: number;
  ow: number;
}

/** Output length of a window along one dim, as PyTorch: floor((size + 2 pad - dil (k - 1) - 1) / stride) + 1. */
export function windowOut(size: number, k: number, stride: number, pad: number, dil: number): number {
  return Math.floor((size + 2 * pad - dil * (k - 1) - 1) / stride) + 1;
}

/** cols [n, c kh kw, oh ow] from x [n, c, h, w]; padding reads as 0. */
export function im2col(x: FloatArray, n: number, g: Window2d): FloatArray {
  const { c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = g;
  const l = oh * ow;
  const rows = c * kh * kw;
  const out = alloc(n * rows * l, dtypeOf(x)); // every element is written below
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const plane = (b * c + ch) * h * w;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          for (let oy = 0; oy < oh; oy++) {
            const iy = oy * sh - ph + i * dh;
            if (iy < 0 || iy >= h) {
              for (let ox = 0; ox < ow; ox++) out[o++] = 0;
              continue;
            }
            const line = plane + iy * w;
            for (let ox = 0; ox < ow; ox++) {
              const ix = ox * sw - pw + j * dw;
              out[o++] = ix >= 0 && ix < w ? x[line + ix]! : 0;
            }
          }
        }
      }
    }
  }
  return out;
}

/** x [n, c, h, w] with every entry of cols [n, c kh kw, oh ow] added where im2col read it (the adjoint of im2col). */
export function col2im(cols: FloatArray, n: number, g: Window2d): FloatArray {
  const { c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = g;
  const out = allocZeroed(n * c * h * w, dtypeOf(cols));
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const plane = (b * c + ch) * h * w;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          for (let oy = 0; oy < oh; oy++) {
            const iy = oy * sh - ph + i * dh;
            if (iy < 0 || iy >= h) {
              o += ow;
              continue;
            }
            const line = plane + iy * w;
            for (let ox = 0; ox < ow; ox++) {
              const ix = ox * sw - pw + j * dw;
              if (ix >= 0 && ix < w) out[line + ix]! += cols[o]!;
              o++;
            }
          }
        }
      }
    }
  }
  return out;
}

/**
 * For each output position of a max pool over x [n, c, h, w], the flat index
 * (iy w + ix, within its own [h, w] plane) of the window's maximum, as PyTorch's
 * `return_indices`. Padding never wins (it counts as -Infinity); among equal
 * values the first in row-major window order wins; a NaN wins over any number
 * (the last NaN, as in PyTorch's CPU kernel), so it propagates.
 */
export function maxPool2dIndices(x: FloatArray, n: number, g: Window2d): FloatArray {
  const viaWasm = wasmMaxPoolIndices(x, n, g); // 2 x 2 windows at stride 2, on the WASM backend
  if (viaWasm !== null) return viaWasm;
  const { c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = g;
  const out = alloc(n * c * oh * ow, 'float64'); // indices are float64 whatever x's dtype
  let o = 0;
  for (let p = 0; p < n * c; p++) {
    const plane = p * h * w;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let best = -1;
        let bestVal = Number.NEGATIVE_INFINITY;
        for (let i = 0; i < kh; i++) {
          const iy = oy * sh - ph + i * dh;
          if (iy < 0 || iy >= h) continue;
          for (let j = 0; j < kw; j++) {
            const ix = ox * sw - pw + j * dw;
            if (ix < 0 || ix >= w) continue;
            // Take the first tap, a larger value, or a NaN (which then stays: PyTorch's
            // `val > max || isnan(val)`), by arithmetic rather than a jump: which tap wins
            // is data, and a jump on it is mispredicted about every other time.
            const k = iy * w + ix;
            const v = x[plane + k]!;
            const take = +(best < 0) | +(v > bestVal) | +Number.isNaN(v);
            best += take * (k - best);
            bestVal = x[plane + best]!;
          }
        }
        out[o++] = best;
      }
    }
  }
  return out;
}
