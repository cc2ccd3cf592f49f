/**
 * A row of a product must not depend on how many rows come with it. gemm
 * takes the plain loop below its small-product threshold and the blocked
 * kernels (JS or WASM) above it, so the same row of A lands on one path or the
 * other depending on M (a batch's size). Both paths must build each C element
 * in the same order: per k block of balanced(k, KC), the block's products
 * summed from zero, then added to C. Checked where the orders could part: C
 * already holding values (the backward's accumulation, linear's bias rows)
 * and k past one block; in both dtypes, on both backends, and end to end
 * through matmul and linear on a batch of 1 against a batch of 64.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type DType, newArray } from '../../core/dtype.ts';
import { Generator, getBackend, linear, matmul, setBackend, Tensor } from '../../core/index.ts';
import type { Backend } from '../../core/kernels/backend.ts';
import { KC } from '../../core/kernels/blocking.ts';
import { gemm, operand } from '../../core/kernels/matmul.ts';

const gen = new Generator(2);
const DTYPES: DType[] = ['float64', 'float32'];
const BACKENDS: Backend[] = ['js', 'wasm'];

function rand(dtype: DType, n: number) {
  const out = newArray(dtype, n);
  for (let i = 0; i < n; i++) out[i] = gen.normal();
  return out;
}

function onBackend<T>(backend: Backend, f: () => T): T {
  const before = getBackend();
  setBackend(backend);
  try {
    return f();
  } finally {
    setBackend(before);
  }
}

/** Row 0 of C0 + A B for A's first m rows (m = 1 takes the plain loop, m = 64 the blocked kernel). */
function firstRow(
  m: number,
  n: number,
  k: number,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  c0: ArrayLike<number>,
) {
  const dtype: DType = a instanceof Float32Array ? 'float32' : 'float64';
  const c = newArray(dtype, m * n);
  for (let i = 0; i < m * n; i++) c[i] = c0[i]!;
  const A = newArray(dtype, m * k);
  for (let i = 0; i < m * k; i++) A[i] = a[i]!;
  const B = newArray(dtype, k * n);
  for (let i = 0; i < k * n; i++) B[i] = b[i]!;
  gemm(m, n, k, operand(A, 0, k, false), operand(B, 0, n, false), c, 0, n);
  return Array.from(c.subarray(0, n));
}

// [n, k, C starts at zero]: m = 1 stays at or under the plain loop's 4096 multiply-adds.
const SHAPES: [number, number, boolean][] = [
  [4, 100, false], // one k block, C holding values
  [4, 1000, true], // four k blocks of 250, C zero
  [3, 700, false], // three k blocks of 234/233, C holding values
  [8, KC, false],
];

for (const dtype of DTYPES) {
  for (const backend of BACKENDS) {
    test(`gemm ${dtype} ${backend}: a row gives the same bits alone (plain loop) as in 64 rows (blocked)`, () => {
      for (const [n, k, zero] of SHAPES) {
        const a = rand(dtype, 64 * k);
        const b = rand(dtype, k * n);
        const c0 = zero ? newArray(dtype, 64 * n) : rand(dtype, 64 * n);
        const [alone, inBatch] = onBackend(backend, () => [
          firstRow(1, n, k, a, b, c0),
          firstRow(64, n, k, a, b, c0),
        ]);
        for (let j = 0; j < n; j++) {
          if (!Object.is(alone[j], inBatch[j])) {
            assert.unreachable(
              `n=${n} k=${k} C0 ${zero ? 'zero' : 'set'}: [${j}] ${alone[j]} alone vs ${inBatch[j]} in 64 rows`,
            );
          }
        }
      }
    });
  }

  test(`matmul and linear ${dtype}: row 0 of a batch of 64 is row 0 computed alone`, () => {
    const x = new Tensor(rand(dtype, 64 * 300), [64, 300]);
    const w = new Tensor(rand(dtype, 10 * 300), [10, 300]);
    const bias = new Tensor(rand(dtype, 10), [10]);
    const x0 = x.narrow(0, 0, 1);
    for (const backend of BACKENDS) {
      onBackend(backend, () => {
        for (const [what, whole, alone] of [
          ['matmul', matmul(x, w.t()), matmul(x0, w.t())],
          ['linear', linear(x, w, bias), linear(x0, w, bias)],
        ] as const) {
          const got = Array.from(alone.data);
          const want = Array.from(whole.data.subarray(0, 10));
          assert.equal(got, want, `${what} on ${backend}`);
        }
      });
    }
  });
}

test.run();
