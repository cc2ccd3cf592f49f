/**
 * The fused BatchNorm / LayerNorm ops beyond their differential test against the
 * composed definition (tests/core/fused-vs-composed.test.ts): the batch
 * statistics they return, gradcheck and gradgradcheck (the second order runs the
 * backward written in ops), skipped gradients, and the error messages.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  describeGradcheck,
  Generator,
  gradcheck,
  gradgradcheck,
  nativeBatchNorm,
  nativeLayerNorm,
  randn,
  ShapeError,
  type Tensor,
} from '../../core/index.ts';

const gen = new Generator(5);
const T = (shape: number[], requiresGrad = true) => randn(shape, { generator: gen, requiresGrad });

const ok = (r: ReturnType<typeof gradcheck>, what: string) =>
  assert.ok(r.ok, `${what}: ${describeGradcheck(r)}`);

test('nativeBatchNorm hands back the batch mean and biased variance it normalized with', () => {
  for (const shape of [
    [64, 33],
    [8, 5, 7],
    [4, 3, 5, 6],
  ]) {
    const x = T(shape, false);
    const dims = shape.map((_, i) => i).filter((i) => i !== 1);
    const fused = nativeBatchNorm(x, null, null, 1e-5);
    const want = [x.mean(dims), x.var(dims, { correction: 0 })];
    [fused.mean, fused.var].forEach((got, k) => {
      for (let i = 0; i < got.length; i++) {
        const w = want[k]!.data[i]!;
        if (Math.abs(got[i]! - w) > 1e-12 * (1 + Math.abs(w)))
          assert.unreachable(`${k}[${i}]: ${got[i]} vs ${w}`);
      }
    });
  }
});

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
