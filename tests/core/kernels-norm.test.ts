/**
 * The fused BatchNorm / LayerNorm ops against the same normalization composed
 * from core ops: values, batch statistics and gradients (the kernel backward),
 * then gradcheck and gradgradcheck (the second order runs the backward written
 * in ops), and the error messages.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  add,
  describeGradcheck,
  Generator,
  gradcheck,
  gradgradcheck,
  mean,
  mul,
  randn,
  rsqrt,
  ShapeError,
  sub,
  type Tensor,
} from '../../core/index.ts';
import { nativeBatchNorm, nativeLayerNorm } from '../../core/ops/norm.ts';

const gen = new Generator(5);
const T = (shape: number[], requiresGrad = true) => randn(shape, { generator: gen, requiresGrad });

/** (x - μ) / sqrt(σ² + ε) · γ + β over `dims`, from core ops; γ and β already shaped to broadcast. */
function composed(x: Tensor, dims: number[], w: Tensor | null, b: Tensor | null, eps: number) {
  const mu = mean(x, dims, true);
  const xc = sub(x, mu);
  const v = mean(mul(xc, xc), dims, true);
  let y = mul(xc, rsqrt(add(v, eps)));
  if (w !== null) y = mul(y, w);
  if (b !== null) y = add(y, b);
  return { y, mu, v };
}

function assertClose(got: Float64Array, want: Float64Array, what: string, tol = 1e-10): void {
  assert.is(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    if (Math.abs(got[i]! - want[i]!) > tol * (1 + Math.abs(want[i]!)))
      assert.unreachable(`${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
}

const ok = (r: ReturnType<typeof gradcheck>, what: string) =>
  assert.ok(r.ok, `${what}: ${describeGradcheck(r)}`);

for (const shape of [
  [64, 33],
  [8, 5, 7],
  [4, 3, 5, 6],
]) {
  for (const affine of [true, false]) {
    test(`nativeBatchNorm ${JSON.stringify(shape)} (affine ${affine}) equals the composed form: values, statistics, gradients`, () => {
      const c = shape[1]!;
      const bshape = [1, c, ...shape.slice(2).map(() => 1)];
      const x = T(shape);
      const w = affine ? T([c]) : null;
      const b = affine ? T([c]) : null;
      const g = T(shape, false);
      const fused = nativeBatchNorm(x, w, b, 1e-5);
      const dims = shape.map((_, i) => i).filter((i) => i !== 1);
      const ref = composed(x, dims, w?.reshape(bshape) ?? null, b?.reshape(bshape) ?? null, 1e-5);
      assertClose(fused.out.data, ref.y.data, 'out');
      assertClose(fused.mean, ref.mu.data, 'mean');
      assertClose(fused.var, ref.v.data, 'var');

      fused.out.backward(g);
      const [dx, dw, db] = [x.grad!, w?.grad, b?.grad];
      x.grad = null;
      if (w !== null && b !== null) {
        w.grad = null;
        b.grad = null;
      }
      ref.y.backward(g);
      assertClose(dx.data, x.grad!.data, 'dx');
      if (w !== null && b !== null) {
        assertClose(dw!.data, w.grad!.data, 'dweight');
        assertClose(db!.data, b.grad!.data, 'dbias');
      }
    });
  }
}

for (const [shape, normalized] of [
  [[6, 40], [40]],
  [
    [2, 3, 4, 5],
    [4, 5],
  ],
  [[7], [7]],
] as [number[], number[]][]) {
  test(`nativeLayerNorm ${JSON.stringify(shape)} over ${JSON.stringify(normalized)} equals the composed form`, () => {
    const x = T(shape);
    const w = T(normalized);
    const b = T(normalized);
    const g = T(shape, false);
    const dims = normalized.map((_, i) => shape.length - normalized.length + i);
    const fused = nativeLayerNorm(x, normalized, w, b, 1e-5);
    const ref = composed(x, dims, w, b, 1e-5).y;
    assertClose(fused.data, ref.data, 'out');
    fused.backward(g);
    const [dx, dw, db] = [x.grad!, w.grad!, b.grad!];
    x.grad = null;
    w.grad = null;
    b.grad = null;
    ref.backward(g);
    assertClose(dx.data, x.grad!.data, 'dx');
    assertClose(dw.data, w.grad!.data, 'dweight');
    assertClose(db.data, b.grad!.data, 'dbias');
    assertClose(
      nativeLayerNorm(x, normalized, null, null, 1e-5).data,
      composed(x, dims, null, null, 1e-5).y.data,
      'no affine',
    );
  });
}

test('nativeBatchNorm passes gradcheck (kernel backward) and gradgradcheck (backward in ops)', () => {
  const bn = (x: Tensor, w: Tensor, b: Tensor) => nativeBatchNorm(x, w, b, 1e-5).out;
  ok(gradcheck(bn, [T([5, 3]), T([3]), T([3])]), '[5, 3]');
  ok(gradgradcheck(bn, [T([5, 3]), T([3]), T([3])]), '[5, 3] gradgrad');
  ok(gradgradcheck(bn, [T([3, 2, 4]), T([2]), T([2])]), '[3, 2, 4] gradgrad');
  ok(
    gradgradcheck((x) => nativeBatchNorm(x, null, null, 1e-3).out, [T([4, 3])]),
    'no affine',
  );
});

test('nativeLayerNorm passes gradcheck and gradgradcheck', () => {
  const ln = (x: Tensor, w: Tensor, b: Tensor) => nativeLayerNorm(x, [4], w, b, 1e-5);
  ok(gradcheck(ln, [T([3, 4]), T([4]), T([4])]), '[3, 4]');
  ok(gradgradcheck(ln, [T([3, 4]), T([4]), T([4])]), '[3, 4] gradgrad');
  ok(
    gradgradcheck((x, w) => nativeLayerNorm(x, [2, 3], w, null, 1e-5), [T([2, 2, 3]), T([2, 3])]),
    'weight only',
  );
});

test('a bias-only or input-only backward skips the other gradients', () => {
  const x = T([6, 4], false);
  const b = T([4]);
  nativeBatchNorm(x, null, b, 1e-5).out.sum().backward();
  assert.ok(b.grad?.data.every((v) => v === 6) === true, 'dβ = Σ g = 6 per channel');
  const x2 = T([3, 5]);
  nativeLayerNorm(x2, [5], null, null, 1e-5).sum().backward();
  // Σ over a row of x̂ is 0 whatever x is, so its gradient under sum() is 0.
  assert.ok(x2.grad!.data.every((v) => Math.abs(v) < 1e-12));
});

test('the input gradient sums to 0 over each group even when the mean dwarfs the spread', () => {
  // Σ dx = 0 exactly in the math (a bias added before the norm gets no gradient); rounding of
  // μ and of x - μ, amplified by rstd², must not break that.
  for (const n of [2, 3, 16]) {
    const raw = T([n, 3], false);
    const x = raw.mul(0.01).add(-1188.8).detach().requiresGrad_();
    nativeBatchNorm(x, null, null, 1e-5)
      .out.mul(T([n, 3], false))
      .sum()
      .backward();
    const xr = raw.mul(0.01).add(-1188.8).transpose(0, 1).detach().requiresGrad_();
    nativeLayerNorm(xr, [n], null, null, 1e-5)
      .mul(T([3, n], false))
      .sum()
      .backward();
    for (let j = 0; j < 3; j++) {
      let bn = 0;
      let ln = 0;
      let scale = 0;
      for (let i = 0; i < n; i++) {
        bn += x.grad!.data[i * 3 + j]!;
        ln += xr.grad!.data[j * n + i]!;
        scale = Math.max(scale, Math.abs(x.grad!.data[i * 3 + j]!));
      }
      assert.ok(
        Math.abs(bn) <= 1e-13 * scale,
        `BatchNorm channel ${j}, n=${n}: Σ dx = ${bn} (|dx| up to ${scale})`,
      );
      assert.ok(Math.abs(ln) <= 1e-13 * scale * 10, `LayerNorm row ${j}, n=${n}: Σ dx = ${ln}`);
    }
  }
});

test('fused norm errors name the op, the argument and the shapes', () => {
  const raises = (fn: () => unknown, re: RegExp) =>
    assert.throws(fn, (e: Error) => e instanceof ShapeError && re.test(e.message), re.source);
  raises(
    () => nativeBatchNorm(T([3]), null, null, 1e-5),
    /^nativeBatchNorm: expected input with at least 2 dims \[N, C, \*\], got input of shape \[3\]$/,
  );
  raises(
    () => nativeBatchNorm(T([3, 4]), T([3]), null, 1e-5),
    /^nativeBatchNorm: weight should have shape \[4\] \(the channels of input \[3, 4\]\), got \[3\]$/,
  );
  raises(
    () => nativeLayerNorm(T([3, 4]), [5], null, null, 1e-5),
    /^nativeLayerNorm: expected input with trailing shape \[5\] \(normalizedShape\), got input of shape \[3, 4\]$/,
  );
  raises(
    () => nativeLayerNorm(T([3, 4]), [4], null, T([3]), 1e-5),
    /^nativeLayerNorm: bias should have shape \[4\] \(normalizedShape\), got \[3\]$/,
  );
});

test.run();
