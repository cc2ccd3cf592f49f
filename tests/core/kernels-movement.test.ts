/**
 * stridedRead against the definition (every multi-index, row-major, read at offset + Σ idx·stride),
 * on shapes whose dims merge (contiguous runs, broadcast runs of stride 0, dims of size 1) and
 * whose dims do not (transposes, steps), with innermost runs shorter and longer than the length
 * where the kernel switches to native `set` / `fill`; and what `coalesce` merges.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator } from '../../core/index.ts';
import { coalesce, stridedRead } from '../../core/kernels/movement.ts';
import { sameBits } from '../helpers/kernels.ts';

/** The definition, one element at a time. */
function reference(src: Float64Array | Float32Array, offset: number, strides: number[], shape: number[]) {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = src instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let rest = i;
    let at = offset;
    for (let d = shape.length - 1; d >= 0; d--) {
      at += (rest % shape[d]!) * strides[d]!;
      rest = Math.floor(rest / shape[d]!);
    }
    out[i] = src[at]!;
  }
  return out;
}

const contiguous = (shape: number[]) => shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));

test('coalesce merges contiguous and broadcast runs and drops size-1 dims, and nothing else', () => {
  assert.equal(coalesce([0, 0], [1024, 512]), { strides: [0], shape: [524288] });
  assert.equal(coalesce(contiguous([2, 3, 4]), [2, 3, 4]), { strides: [1], shape: [24] });
  assert.equal(coalesce([1, 3], [3, 2]), { strides: [1, 3], shape: [3, 2] }); // a transpose
  assert.equal(coalesce([5, 0, 1], [2, 7, 5]), { strides: [5, 0, 1], shape: [2, 7, 5] });
  assert.equal(coalesce([0, 9, 1], [1, 2, 9]), { strides: [1], shape: [18] });
  assert.equal(coalesce([4, 0, 0], [3, 1, 1]), { strides: [4], shape: [3] });
  assert.equal(coalesce([], []), { strides: [], shape: [] });
  assert.equal(coalesce([0, 0], [1, 1]), { strides: [], shape: [] });
});

test('stridedRead is the definition on merged and unmerged layouts, short and long runs, both widths', () => {
  const gen = new Generator(5);
  const src64 = Float64Array.from({ length: 5000 }, () => gen.normal());
  src64[7] = -0;
  src64[8] = Number.NaN;
  const src32 = Float32Array.from(src64);
  const cases: [number, number[], number[]][] = [
    [0, [0, 0], [64, 40]], // a scalar expanded: one long fill
    [3, [0, 0], [3, 5]], // short fill
    [0, [1, 0], [40, 33]], // a column expanded along rows: fills of 33
    [2, [0, 1], [6, 100]], // a row repeated: copies of 100
    [1, [0, 1], [6, 10]], // short copies
    [0, [1, 50], [50, 40]], // a transpose
    [9, [120, 0, 1], [4, 3, 40]], // broadcast in the middle
    [0, contiguous([2, 3, 300]), [2, 3, 300]], // one contiguous copy
    [4, [2, 1], [7, 31]], // overlapping reads
    [0, [0, 3, 0], [1, 50, 1]], // size-1 dims around a step
    [0, [0], [0]], // empty
    [6, [], []], // a scalar
  ];
  for (const [offset, strides, shape] of cases) {
    for (const src of [src64, src32]) {
      const what = `offset ${offset} strides [${strides}] shape [${shape}] ${src.constructor.name}`;
      sameBits(stridedRead(src, offset, strides, shape), reference(src, offset, strides, shape), what);
    }
  }
});

test.run();
