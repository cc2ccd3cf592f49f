/**
 * The packed matmul kernel against the plain triple loop and mathjs, on odd
 * sizes that leave ragged edges in every block, for all four transpose
 * combinations; then the `mm` primitive, `matmul`'s fast paths and the fused
 * `linear` op through gradcheck and gradgradcheck.
 */
import * as math from 'mathjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { FloatArray } from '../../core/index.ts';
import {
  describeGradcheck,
  Generator,
  gradcheck,
  gradgradcheck,
  randn,
  ShapeError,
  Tensor,
} from '../../core/index.ts';
import { gemm, gemmBatched, operand } from '../../core/kernels/matmul.ts';
import { linear, mm } from '../../core/ops/matmul.ts';

const gen = new Generator(11);
const rand = (n: number) => Float64Array.from({ length: n }, () => gen.normal());
const T = (shape: number[], requiresGrad = true) => randn(shape, { generator: gen, requiresGrad });

/** C (m x n) = op(A) op(B) by definition, A stored [m, k] or (transposed) [k, m], B [k, n] or [n, k]. */
function reference(a: FloatArray, b: FloatArray, m: number, n: number, k: number, ta: boolean, tb: boolean) {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++)
        s += (ta ? a[p * m + i]! : a[i * k + p]!) * (tb ? b[j * k + p]! : b[p * n + j]!);
      c[i * n + j] = s;
    }
  }
  return c;
}

function assertClose(got: FloatArray, want: FloatArray, what: string, tol = 1e-11): void {
  assert.is(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i]! - want[i]!);
    if (err > tol * (1 + Math.abs(want[i]!))) assert.unreachable(`${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
}

// Sizes below and above the packing threshold, not multiples of the 4 x 4 tile, and past one
// block in k (KC = 256), rows (MC = 128) and columns (NC = 1024).
const SIZES: [number, number, number][] = [
  [1, 1, 1],
  [3, 5, 7],
  [4, 4, 4],
  [17, 13, 29],
  [33, 65, 9],
  [130, 7, 300],
  [6, 1030, 5],
  [1, 64, 70],
  [70, 1, 70],
];

for (const [m, n, k] of SIZES) {
  for (const ta of [false, true]) {
    for (const tb of [false, true]) {
      test(`gemm ${m}x${k} @ ${k}x${n} (ta=${ta}, tb=${tb}) equals the triple loop and accumulates into C`, () => {
        const a = rand(m * k);
        const b = rand(k * n);
        const c0 = rand(m * n);
        const c = Float64Array.from(c0);
        gemm(m, n, k, operand(a, 0, ta ? m : k, ta), operand(b, 0, tb ? k : n, tb), c, 0, n);
        const want = reference(a, b, m, n, k, ta, tb).map((v, i) => v + c0[i]!);
        assertClose(c, want, 'C');
      });
    }
  }
}

test('gemm reads operands at offsets and writes a block of a wider C', () => {
  const [m, n, k] = [9, 11, 300];
  const a = rand(5 + m * k);
  const b = rand(3 + k * n);
  const ldc = n + 4;
  const c = new Float64Array(2 + m * ldc);
  gemm(m, n, k, operand(a, 5, k, false), operand(b, 3, n, false), c, 2, ldc);
  const want = reference(a.subarray(5), b.subarray(3), m, n, k, false, false);
  for (let i = 0; i < m; i++)
    assertClose(c.subarray(2 + i * ldc, 2 + i * ldc + n), want.subarray(i * n, (i + 1) * n), `row ${i}`);
  assert.is(c[0], 0);
  assert.is(c[2 + n], 0, 'the padding columns of C are untouched');
});

test('gemmBatched broadcasts with a batch stride of 0 and sums into one C with a C stride of 0', () => {
  const [batch, m, n, k] = [3, 20, 24, 30];
  const a = rand(batch * m * k);
  const b = rand(k * n);
  const each = new Float64Array(batch * m * n);
  gemmBatched(batch, m, n, k, operand(a, 0, k, false), m * k, operand(b, 0, n, false), 0, each, m * n);
  const summed = new Float64Array(m * n);
  gemmBatched(batch, m, n, k, operand(a, 0, k, false), m * k, operand(b, 0, n, false), 0, summed, 0);
  const total = new Float64Array(m * n);
  for (let t = 0; t < batch; t++) {
    const want = reference(a.subarray(t * m * k), b, m, n, k, false, false);
    assertClose(each.subarray(t * m * n, (t + 1) * m * n), want, `batch ${t}`);
    want.forEach((v, i) => {
      total[i]! += v;
    });
  }
  assertClose(summed, total, 'summed');
});

test('matmul on a large odd product equals mathjs.multiply', () => {
  const a = T([37, 131], false);
  const b = T([131, 29], false);
  const want = (math.multiply(a.toArray() as number[][], b.toArray() as number[][]) as number[][]).flat();
  assertClose(a.matmul(b).data, Float64Array.from(want), 'matmul');
});

// ------------------------------------------------------------------ mm and its gradients

const ok = (r: ReturnType<typeof gradcheck>, what: string) =>
  assert.ok(r.ok, `${what}: ${describeGradcheck(r)}`);

for (const ta of [false, true]) {
  for (const tb of [false, true]) {
    test(`mm (ta=${ta}, tb=${tb}) passes gradcheck and gradgradcheck, 2-D and batched`, () => {
      const [m, n, k] = [3, 2, 4];
      const a2 = T(ta ? [k, m] : [m, k]);
      const b2 = T(tb ? [n, k] : [k, n]);
      const f2 = (a: Tensor, b: Tensor) => mm(a, b, ta, tb, null);
      ok(gradcheck(f2, [a2, b2]), '2-D');
      ok(gradgradcheck(f2, [a2, b2]), '2-D gradgrad');
      // Batched a with a broadcast 2-D b, kept batched; and the same summed over the batch.
      const a3 = T(ta ? [2, k, m] : [2, m, k]);
      ok(
        gradcheck((a, b) => mm(a, b, ta, tb, 2), [a3, b2]),
        'batched, broadcast b',
      );
      ok(
        gradgradcheck((a, b) => mm(a, b, ta, tb, null), [a3, b2]),
        'summed over the batch',
      );
      const b3 = T(tb ? [2, n, k] : [2, k, n]);
      ok(
        gradgradcheck((a, b) => mm(a, b, ta, tb, 2), [a2, b3]),
        'broadcast a, batched b',
      );
    });
  }
}

test('mm gradients on packed sizes equal the formulas dA = g B^T, dB = A^T g', () => {
  const [m, n, k] = [21, 18, 40];
  const a = T([m, k]);
  const b = T([n, k]);
  const g = T([m, n], false);
  mm(a, b, false, true, null).backward(g);
  // C = A B^T: dA = g B, dB = g^T A.
  assertClose(a.grad!.data, reference(g.data, b.data, m, k, n, false, false), 'dA');
  assertClose(b.grad!.data, reference(g.data, a.data, n, k, m, true, false), 'dB');
});

test('matmul fast paths pass gradcheck: batched @ matrix, matrix @ batched, vectors, broadcast batches', () => {
  const cases: [number[], number[]][] = [
    [
      [2, 3, 4],
      [4, 5],
    ],
    [
      [3, 4],
      [2, 4, 5],
    ],
    [
      [2, 1, 3, 4],
      [3, 4, 2],
    ],
    [[4], [2, 4, 3]],
    [[2, 3, 4], [4]],
    [
      [2, 2, 3],
      [2, 3, 2],
    ],
  ];
  for (const [sa, sb] of cases) {
    const r = gradgradcheck((a, b) => a.matmul(b), [T(sa), T(sb)]);
    ok(r, `${JSON.stringify(sa)} @ ${JSON.stringify(sb)}`);
  }
});

test('matmul with an empty inner dim gives zeros of the right shape', () => {
  const out = T([2, 3, 0], false).matmul(T([0, 4], false));
  assert.equal(out.shape, [2, 3, 4]);
  assert.ok(out.data.every((v) => v === 0));
});

// ------------------------------------------------------------------ linear

test('linear equals x @ W^T + b, with and without bias, for 1-D, 2-D and 3-D inputs', () => {
  const w = T([5, 7], false);
  const b = T([5], false);
  for (const shape of [[7], [3, 7], [2, 3, 7]]) {
    const x = T(shape, false);
    assertClose(linear(x, w, b).data, x.matmul(w.t()).add(b).data, `with bias ${shape}`);
    assertClose(linear(x, w).data, x.matmul(w.t()).data, `without bias ${shape}`);
    assert.equal(linear(x, w, b).shape, [...shape.slice(0, -1), 5]);
  }
});

test('linear passes gradcheck and gradgradcheck', () => {
  ok(
    gradgradcheck((x, w, b) => linear(x, w, b), [T([3, 4]), T([2, 4]), T([2])]),
    '2-D with bias',
  );
  ok(
    gradgradcheck((x, w) => linear(x, w), [T([2, 3, 4]), T([2, 4])]),
    '3-D without bias',
  );
  ok(
    gradcheck((x, w, b) => linear(x, w, b), [T([30, 20]), T([12, 20]), T([12])]),
    'packed sizes',
  );
});

test('linear errors name the op, the argument and the shapes', () => {
  assert.throws(
    () => linear(T([3, 4]), T([4])),
    (e: Error) =>
      e instanceof ShapeError && /linear: weight must be 2-D \[out, in\], got shape \[4\]/.test(e.message),
  );
  assert.throws(
    () => linear(T([3, 4]), T([2, 5])),
    /linear: input of shape \[3, 4\] must have 5 features in its last dim to match weight of shape \[2, 5\]/,
  );
  assert.throws(
    () => linear(T([3, 4]), T([2, 4]), T([3])),
    /linear: bias must have shape \[2\] to match weight, got \[3\]/,
  );
});

test('a Tensor built on the result of linear keeps working as a leaf input elsewhere', () => {
  const y = linear(T([2, 3], false), T([4, 3], false));
  assert.ok(y instanceof Tensor);
  assert.is(y.requiresGrad, false, 'no input requires grad, so no graph is recorded');
});

test.run();
