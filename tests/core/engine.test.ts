import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  AnomalyError,
  detectAnomaly,
  enableGrad,
  GraphError,
  grad,
  isGradEnabled,
  noGrad,
  ones,
  ShapeError,
  type Tensor,
  tensor,
  withScope,
} from '../../index.ts';

const arr = (t: Tensor | null) => Array.from(t!.data);

test('accumulates across two backward calls', () => {
  const x = tensor([1, 2, 3], { requiresGrad: true });
  x.mul(2).sum().backward();
  x.mul(3).sum().backward();
  assert.equal(arr(x.grad), [5, 5, 5]);
});

test('a value used twice (diamond) gets both contributions', () => {
  const x = tensor([2, -1], { requiresGrad: true });
  const a = x.mul(3);
  const y = a.mul(a).add(a).sum(); // d/dx (9x^2 + 3x) = 18x + 3
  y.backward();
  assert.equal(arr(x.grad), [39, -15]);
});

test('add hands the same gradient to both inputs without sharing .grad', () => {
  const a = tensor([1], { requiresGrad: true });
  const b = tensor([1], { requiresGrad: true });
  a.add(b).sum().backward();
  assert.ok(a.grad !== b.grad);
  a.grad!.data[0] = 7;
  assert.is(b.grad!.data[0], 1);
});

test('a 100,000-op chain backpropagates without recursion', () => {
  const x0 = tensor([1, 2], { requiresGrad: true });
  let y: Tensor = x0;
  for (let i = 0; i < 100_000; i++) y = y.mul(1.0001).add(0.0001);
  y.sum().backward();
  const want = 1.0001 ** 100_000;
  assert.ok(Math.abs(x0.grad!.data[0]! - want) / want < 1e-9);
});

test('backward twice without retainGraph throws; with retainGraph it accumulates', () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const y = x.mul(x).sum();
  y.backward(null, { retainGraph: true });
  y.backward();
  assert.equal(arr(x.grad), [4, 8]);
  assert.throws(
    () => y.backward(),
    (e: unknown) =>
      e instanceof GraphError && /backward through the graph a second time.*op 'sum'/.test(String(e)),
  );
});

test('backward on a non-scalar needs a gradient; on a tensor without grad it throws', () => {
  const x = tensor([1, 2], { requiresGrad: true });
  assert.throws(
    () => x.mul(2).backward(),
    /grad can be implicitly created only for scalar outputs; got an output of shape \[2\]/,
  );
  assert.throws(
    () => tensor([1]).backward(),
    (e: unknown) => e instanceof GraphError && /does not require grad/.test(String(e)),
  );
  assert.throws(
    () => x.mul(2).backward(ones([3])),
    (e: unknown) => e instanceof ShapeError && /\[3\].*\[2\]/.test(String(e)),
  );
  const y = x.mul(2);
  y.backward(tensor([1, 10]));
  assert.equal(arr(x.grad), [2, 20]);
});

test('noGrad records nothing and enableGrad turns recording back on', () => {
  const x = ones([2], { requiresGrad: true });
  const y = noGrad(() => x.mul(2));
  assert.is(y.requiresGrad, false);
  assert.is(y.gradFn, null);
  const z = noGrad(() => enableGrad(() => x.mul(2)));
  assert.is(z.requiresGrad, true);
  assert.is(isGradEnabled(), true);
  assert.throws(() =>
    noGrad(() => {
      throw new Error('inside');
    }),
  );
  assert.is(isGradEnabled(), true, 'grad mode is restored after a throw');
});

test('detach cuts the graph and shares data; detach_ makes a leaf', () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const y = x.mul(2);
  const d = y.detach();
  assert.is(d.requiresGrad, false);
  assert.is(d.data, y.data);
  const z = x.mul(3);
  z.detach_();
  assert.ok(z.isLeaf);
  assert.is(z.requiresGrad, false);
});

test('retainGrad keeps the gradient of an intermediate; leaves get .grad, intermediates do not', () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const h = x.mul(2);
  const k = x.mul(3);
  h.retainGrad();
  h.mul(k).sum().backward();
  assert.equal(arr(h.grad), [3, 6]);
  assert.is(k.grad, null);
  assert.throws(() => tensor([1]).retainGrad(), /retainGrad/);
});

test('requiresGrad cannot be switched off on a non-leaf', () => {
  const x = tensor([1], { requiresGrad: true });
  assert.throws(() => {
    x.mul(2).requiresGrad = false;
  }, /only change requiresGrad flags of leaf tensors/);
  assert.is(tensor([1]).requiresGrad_().requiresGrad, true);
});

test('hooks see the gradient, can replace it, and can be removed', () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const seen: number[][] = [];
  const h = x.mul(2);
  const handle = h.registerHook((g) => {
    seen.push(Array.from(g.data));
    return g.mul(10);
  });
  h.sum().backward();
  assert.equal(seen, [[1, 1]]);
  assert.equal(arr(x.grad), [20, 20]);
  handle.remove();
  x.grad = null;
  x.mul(2).sum().backward();
  assert.equal(arr(x.grad), [2, 2]);
  assert.throws(() => tensor([1]).registerHook(() => undefined), /registerHook/);
});

test('grad() returns gradients without touching .grad, and errors on unused inputs', () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const w = tensor([3, 4], { requiresGrad: true });
  const unused = tensor([0], { requiresGrad: true });
  const y = x.mul(w).sum();
  const [gx, gw] = grad(y, [x, w], { retainGraph: true });
  assert.equal(arr(gx!), [3, 4]);
  assert.equal(arr(gw!), [1, 2]);
  assert.is(x.grad, null);
  assert.throws(() => grad(y, [unused], { retainGraph: true }), /input 0 .* was not used in the graph/);
  assert.equal(grad(y, [unused], { allowUnused: true, retainGraph: true }), [null]);
  assert.throws(() => grad(y, [tensor([1])]), /does not require grad/);
  assert.throws(() => grad([y, y], [x], { gradOutputs: [ones([])] }), /got 1 gradOutputs for 2 outputs/);
});

test('createGraph gives second derivatives: d2/dx2 of x^3 = 6x', () => {
  const x = tensor([1.5, -2], { requiresGrad: true });
  const [g] = grad(x.pow(3).sum(), x, { createGraph: true });
  assert.equal(arr(g!), [6.75, 12]);
  const [gg] = grad(g!.sum(), x);
  assert.equal(arr(gg!), [9, -12]);
  // backward with createGraph leaves a differentiable .grad
  const y = tensor([2], { requiresGrad: true });
  y.pow(2).sum().backward(null, { createGraph: true });
  assert.ok(y.grad!.requiresGrad);
  y.grad!.sum().backward(null, { createGraph: true });
  assert.ok(y.grad!.requiresGrad);
});

test('every gradient shape is checked and a mismatch names the op', async () => {
  const { fromOp } = await import('../../core/engine.ts');
  const x = tensor([1, 2], { requiresGrad: true });
  const bad = fromOp('badOp', new Float64Array([3]), [1], [x], () => [ones([3])]);
  assert.throws(
    () => bad.sum().backward(),
    /badOp backward: gradient for input 0 has shape \[3\] but the input has shape \[2\]/,
  );
});

test('detectAnomaly names the op and module path of the first NaN, forward and backward', () => {
  const x = tensor([-1, 1], { requiresGrad: true });
  assert.throws(
    () => detectAnomaly(() => withScope('layers.2.bn', () => x.log())),
    (e: unknown) =>
      e instanceof AnomalyError &&
      /log: forward output .* NaN at flat index 0 in module 'layers.2.bn'/.test(String(e)),
  );
  const z = tensor([0, 1], { requiresGrad: true });
  assert.throws(
    () =>
      detectAnomaly(() =>
        withScope('head', () => z.sqrt())
          .sum()
          .backward(),
      ),
    (e: unknown) =>
      e instanceof AnomalyError &&
      /sqrt backward: .*Infinity at flat index 0 in module 'head'/.test(String(e)),
  );
  // off again afterwards: a NaN passes silently, as in PyTorch without anomaly mode
  assert.ok(Number.isNaN(x.log().data[0]!));
});

test.run();
