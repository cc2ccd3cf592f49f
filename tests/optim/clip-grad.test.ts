/**
 * Gradient clipping beyond the PyTorch fixtures (fixtures-optim.test.ts):
 * non-finite norms, parameters without gradients, argument errors.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, tensor, ValueError } from '../../core/index.ts';
import { clipGradNorm_, clipGradValue_ } from '../../optim/index.ts';
import { throwsWith } from '../helpers/throws.ts';

function withGrad(grad: number[]): Tensor {
  const p = new Tensor(new Float64Array(grad.length), [grad.length], true);
  p.grad = tensor(grad);
  return p;
}

test('clipGradNorm_ takes one tensor or any iterable, and "inf" as Infinity', () => {
  const a = withGrad([3, -4]);
  assert.is(clipGradNorm_(a, 100), 5);
  assert.equal(Array.from(a.grad!.data), [3, -4], 'under the limit, unchanged');
  const b = withGrad([3, -4]);
  const c = withGrad([-6, 1]);
  function* both() {
    yield b;
    yield c;
  }
  assert.is(clipGradNorm_(both(), 100, 'inf'), 6);
  assert.is(clipGradNorm_([b, c], 100, Number.POSITIVE_INFINITY), 6);
});

test('clipGradNorm_ with no gradients returns 0', () => {
  const p = new Tensor(new Float64Array(2), [2], true);
  assert.is(clipGradNorm_([p], 1), 0);
  assert.is(clipGradNorm_([], 1), 0);
  assert.is(p.grad, null);
});

test('a non-finite total norm throws with errorIfNonfinite, else scales as PyTorch does', () => {
  const message =
    'clipGradNorm_: the total norm of order 2 of the gradients is non-finite (Infinity), so it cannot be clipped; set errorIfNonfinite: false to scale the gradients by it anyway';
  const a = withGrad([1, Number.POSITIVE_INFINITY]);
  throwsWith(() => clipGradNorm_([a], 1, 2, { errorIfNonfinite: true }), ValueError, message);
  assert.equal(Array.from(a.grad!.data), [1, Number.POSITIVE_INFINITY], 'unchanged when it throws');
  // coef = 1 / (inf + 1e-6) = 0: finite entries become 0, infinite ones inf * 0 = NaN
  assert.is(clipGradNorm_([a], 1), Number.POSITIVE_INFINITY);
  assert.equal(Array.from(a.grad!.data), [0, Number.NaN]);
  // a NaN norm scales every gradient to NaN (PyTorch multiplies by clamp(NaN, max=1) = NaN)
  const b = withGrad([1, Number.NaN]);
  const c = withGrad([2]);
  assert.ok(Number.isNaN(clipGradNorm_([b, c], 1)));
  assert.ok([...b.grad!.data, ...c.grad!.data].every(Number.isNaN));
});

test('clipGradValue_ clamps in place, leaves NaN and missing gradients alone', () => {
  const a = withGrad([-3, -0.5, 0, 0.5, 3, Number.NaN]);
  const none = new Tensor(new Float64Array(1), [1], true);
  clipGradValue_([a, none], 1);
  assert.equal(Array.from(a.grad!.data), [-1, -0.5, 0, 0.5, 1, Number.NaN]);
  assert.is(none.grad, null);
  clipGradValue_(a, 0.25);
  assert.equal(Array.from(a.grad!.data), [-0.25, -0.25, 0, 0.25, 0.25, Number.NaN]);
});

test('invalid clipping arguments throw ValueError naming the argument and value', () => {
  const a = withGrad([1]);
  throwsWith(
    () => clipGradNorm_(a, 1, 0),
    ValueError,
    'clipGradNorm_: normType must be a positive number or Infinity (got 0)',
  );
  throwsWith(
    () => clipGradNorm_(a, 1, -2),
    ValueError,
    'clipGradNorm_: normType must be a positive number or Infinity (got -2)',
  );
  throwsWith(
    () => clipGradNorm_(a, 1, 'fro' as 'inf'),
    ValueError,
    'clipGradNorm_: normType must be a positive number or Infinity (got fro)',
  );
  throwsWith(() => clipGradNorm_(a, -1), ValueError, 'clipGradNorm_: maxNorm must be >= 0 (got -1)');
  throwsWith(() => clipGradNorm_(a, Number.NaN), ValueError, 'clipGradNorm_: maxNorm must be >= 0 (got NaN)');
  throwsWith(() => clipGradValue_(a, -0.5), ValueError, 'clipGradValue_: clipValue must be >= 0 (got -0.5)');
});

test.run();
