/**
 * maxPool2dIndices picks each window's winner by arithmetic, not by a jump (core/kernels/conv.ts).
 * This checks it against the plain rule, written here as a loop with the jump: the first tap, then
 * any larger value or any NaN (PyTorch's `val > max || isnan(val)`: the last NaN wins, ties keep
 * the first), on windows with padding, dilation and strides that do not divide, and on inputs
 * full of ties, NaNs, infinities and signed zeros; on the JS loop (a small input) and, for 2 x 2
 * windows at stride 2, on the WASM backend's pool.wat (an input past its threshold, which the
 * test checks it took), in both widths, with odd widths and heights.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { maxPool2dIndices, type Window2d } from '../../core/kernels/conv.ts';
import { using, wasmCalls } from '../helpers/kernels.ts';

/** The plain rule, as a spec: list each window's taps inside the input, then keep a running winner. */
function reference(x: Float64Array | Float32Array, n: number, g: Window2d): number[] {
  const { c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = g;
  const inside = (lo: number, step: number, count: number, size: number) =>
    Array.from({ length: count }, (_, t) => lo + t * step).filter((v) => v >= 0 && v < size);
  const out: number[] = [];
  for (let p = 0; p < n * c; p++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        const taps = inside(oy * sh - ph, dh, kh, h).flatMap((iy) =>
          inside(ox * sw - pw, dw, kw, w).map((ix) => iy * w + ix),
        );
        const value = (k: number) => x[p * h * w + k]!;
        const wins = (k: number, best: number) => value(k) > value(best) || Number.isNaN(value(k));
        out.push(taps.reduce((best, k) => (wins(k, best) ? k : best)));
      }
  return out;
}

const windows: [string, Omit<Window2d, 'oh' | 'ow' | 'c' | 'h' | 'w'>][] = [
  ['2x2 stride 2', { kh: 2, kw: 2, sh: 2, sw: 2, ph: 0, pw: 0, dh: 1, dw: 1 }],
  ['3x3 stride 1 (overlapping)', { kh: 3, kw: 3, sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1 }],
  ['3x3 stride 2 padding 1', { kh: 3, kw: 3, sh: 2, sw: 2, ph: 1, pw: 1, dh: 1, dw: 1 }],
  ['2x3 dilation 2', { kh: 2, kw: 3, sh: 1, sw: 2, ph: 0, pw: 1, dh: 2, dw: 2 }],
];

const SPECIAL = [Number.NaN, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, -0, 0, -1, 1, 2];

for (const [name, win] of windows) {
  for (const [n, c, h, w] of [
    [2, 3, 7, 8],
    [4, 9, 13, 11],
    [3, 8, 10, 12],
  ] as const) {
    test(`maxPool2dIndices follows the plain rule: ${name}, [${n}, ${c}, ${h}, ${w}]`, () => {
      const oh = Math.floor((h + 2 * win.ph - win.dh * (win.kh - 1) - 1) / win.sh) + 1;
      const ow = Math.floor((w + 2 * win.pw - win.dw * (win.kw - 1) - 1) / win.sw) + 1;
      const g: Window2d = { ...win, c, h, w, oh, ow };
      let s = 99;
      const next = () => {
        s = (s * 1103515245 + 12345) % 2147483648;
        return s / 2147483648;
      };
      // Three inputs: random reals, small integers (ties everywhere), and specials mixed in.
      const inputs = [
        Float64Array.from({ length: n * c * h * w }, () => next() - 0.5),
        Float64Array.from({ length: n * c * h * w }, () => Math.floor(next() * 3) - 1),
        Float64Array.from({ length: n * c * h * w }, () =>
          next() < 0.4 ? SPECIAL[Math.floor(next() * SPECIAL.length)]! : Math.floor(next() * 3) - 1,
        ),
      ];
      const wasmPath = n * c * h * w >= 2048 && name === '2x2 stride 2';
      for (const x64 of inputs) {
        for (const x of [x64, Float32Array.from(x64)]) {
          const want = reference(x, n, g);
          assert.equal(Array.from(using('js', 1, () => maxPool2dIndices(x, n, g))), want, 'js');
          const { result, calls } = wasmCalls('wasm', ['pool'], () => maxPool2dIndices(x, n, g));
          assert.equal(Array.from(result), want, 'wasm');
          const ran = calls.length > 0;
          assert.is(
            ran,
            wasmPath,
            'the WASM path runs for 2 x 2 windows at stride 2 past its threshold only',
          );
        }
      }
    });
  }
}

test.run();
