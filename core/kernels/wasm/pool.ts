/**
 * Max pooling's winners on the WASM backend (pool.wat) for nn.MaxPool2d(2)'s
 * windows: 2 x 2 at stride 2, no padding, no dilation. The same taps in the
 * same order and the same choice as core/kernels/conv.ts's maxPool2dIndices,
 * so the backends agree; other windows run the JS loop. x is copied into the
 * one-thread memory (stage.ts), the float64 indices are written after it and
 * copied out.
 */
import type { FloatArray } from '../../dtype.ts';
import { alloc } from '../alloc.ts';
import type { Window2d } from '../conv.ts';
import { NORM_WASM_MIN } from './norm.ts';
import { stage } from './stage.ts';

/** Each window's winning index (float64, within its plane), or null when the JS loop should run. */
export function wasmMaxPoolIndices(x: FloatArray, n: number, g: Window2d): Float64Array | null {
  const twoByTwo =
    g.kh === 2 &&
    g.kw === 2 &&
    g.sh === 2 &&
    g.sw === 2 &&
    g.ph === 0 &&
    g.pw === 0 &&
    g.dh === 1 &&
    g.dw === 1;
  if (!twoByTwo || x.length < NORM_WASM_MIN) return null;
  const count = n * g.c * g.oh * g.ow;
  const s = stage([x], count * 8);
  if (s === null) return null;
  s.rt.pool[s.f32 ? 'maxPool2x2f32' : 'maxPool2x2'](s.at[0]!, s.scratchAt, n * g.c, g.h, g.w, g.oh, g.ow);
  // alloc (recycled or uninitialized memory) and set, not slice, which makes a fresh zeroed array.
  const out = alloc(count, 'float64') as Float64Array;
  out.set(s.rt.f64.subarray(s.scratchAt / 8, s.scratchAt / 8 + count));
  return out;
}
