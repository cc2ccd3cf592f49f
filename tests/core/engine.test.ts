import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GraphError, noGrad, ones, type Tensor, tensor } from '../../index.ts';

test('accumulates across two backward calls', () => {
  const x = tensor([1, 2, 3], { requiresGrad: true });
  x.mul(2).sum().backward();
  x.mul(3).sum().backward();
  assert.equal(Array.from(x.grad!.data), [5, 5, 5]);
});

test('a 100,000-op chain backpropagates without recursion', () => {
  const x0 = tensor([1, 2], { requiresGrad: true });
  let y: Tensor = x0;
  for (let i = 0; i < 100_000; i++) y = y.mul(1.0001).add(0.0001);
  y.sum().backward();
  const want = 1.0001 ** 100_000;
  assert.ok(Math.abs(x0.grad!.data[0]! - want) / want < 1e-9);
});

test('backward twice without retainGraph throws', () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const y = x.mul(x).sum();
  y.backward();
  assert.throws(
    () => y.backward(),
    (e: unknown) => e instanceof GraphError && /second time/.test(String(e)),
  );
});

test('noGrad records nothing', () => {
  const x = ones([2], { requiresGrad: true });
  const y = noGrad(() => x.mul(2));
  assert.is(y.requiresGrad, false);
  assert.is(y.gradFn, null);
});

test.run();
