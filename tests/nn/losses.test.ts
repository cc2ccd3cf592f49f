/** Loss behaviour beyond the fixtures: label checks, ignored samples, K-dim inputs, stability, and every error message. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randn, ShapeError, type Tensor, tensor, ValueError, zeros } from '../../core/index.ts';
import * as nn from '../../nn/index.ts';
import { throwsWith } from '../helpers/throws.ts';

const F = nn.functional;
const close = (a: number, b: number, tol = 1e-12) => Math.abs(a - b) <= tol * (1 + Math.abs(b));

test('crossEntropy checks its labels and names the loss and the values', () => {
  const logits = zeros([5, 4]);
  throwsWith(
    () => F.crossEntropy(logits, tensor([0, 1, 4, 2, 3])),
    ValueError,
    'crossEntropy: target 4 at index 2 is out of bounds for 4 classes (expected 0..3, or ignoreIndex -100)',
  );
  throwsWith(
    () => F.crossEntropy(logits, tensor([0, -1, 2, 2, 3])),
    ValueError,
    'crossEntropy: target -1 at index 1 is out of bounds for 4 classes (expected 0..3, or ignoreIndex -100)',
  );
  throwsWith(
    () => F.crossEntropy(logits, tensor([0, 1, 2, 2.5, 3])),
    ValueError,
    'crossEntropy: target must hold integer class indices, got 2.5 at index 3',
  );
  throwsWith(
    () => F.crossEntropy(logits, tensor([0, 1, 2, 3])),
    ShapeError,
    'crossEntropy: expected target of shape [5] (one class index per sample) for input of shape [5, 4], got target of shape [4]',
  );
  throwsWith(
    () => F.crossEntropy(logits, tensor([0, 1, 2, 3, 0]), { weight: tensor([1, 2, 3]) }),
    ShapeError,
    'crossEntropy: weight must have shape [4] (one per class), got [3]',
  );
  throwsWith(
    () => F.crossEntropy(logits, zeros([5, 4]), { weight: tensor([1, 2, 3]) }),
    ShapeError,
    'crossEntropy: weight must have shape [4] (one per class), got [3]',
  );
  throwsWith(
    () => F.crossEntropy(logits, tensor([0, 1, 2, 3, 0]), { labelSmoothing: 1.5 }),
    ValueError,
    'crossEntropy: labelSmoothing must be between 0.0 and 1.0, got 1.5',
  );
  throwsWith(
    () => F.crossEntropy(logits, tensor([0, 1, 2, 3, 0]), { reduction: 'avg' as nn.functional.Reduction }),
    ValueError,
    "crossEntropy: reduction must be 'mean', 'sum' or 'none', got 'avg'",
  );
  throwsWith(
    () => F.crossEntropy(tensor(1), tensor(0)),
    ShapeError,
    'crossEntropy: expected input of shape [N, C], [C] or [N, C, d1, ...], got a 0-d input',
  );
  throwsWith(
    () => F.nllLoss(logits, tensor([0, 1, 2, 3, 9])),
    ValueError,
    'nllLoss: target 9 at index 4 is out of bounds for 4 classes (expected 0..3, or ignoreIndex -100)',
  );
  throwsWith(
    () => F.nllLoss(tensor(1), tensor(0)),
    ShapeError,
    'nllLoss: expected input of shape [N, C], [C] or [N, C, d1, ...], got a 0-d input',
  );
  throwsWith(
    () => new nn.CrossEntropyLoss({ ignoreIndex: 1 }).forward(logits, tensor([0, 1, 7, 1, 0])),
    ValueError,
    'crossEntropy: target 7 at index 2 is out of bounds for 4 classes (expected 0..3, or ignoreIndex 1)',
  );
});

test('crossEntropy: ignored samples get no gradient and leave the mean; all ignored gives NaN as PyTorch', () => {
  const x = randn([4, 3], { requiresGrad: true });
  const y = tensor([0, -100, 2, -100]);
  const loss = F.crossEntropy(x, y);
  loss.backward();
  for (const row of [1, 3]) for (let c = 0; c < 3; c++) assert.is(x.grad!.data[row * 3 + c], 0);
  const kept = F.crossEntropy(x.slice(0, 0, 1).detach(), tensor([0])).item();
  const kept2 = F.crossEntropy(x.slice(0, 2, 3).detach(), tensor([2])).item();
  assert.ok(close(loss.item(), (kept + kept2) / 2));
  assert.ok(Number.isNaN(F.crossEntropy(x, tensor([-100, -100, -100, -100])).item()));
});

test('crossEntropy on [C] with a 0-d target, and on [N, C, d] as the per-position loss', () => {
  const logits = tensor([0.5, -1, 2]);
  const want = -(2 - Math.log(Math.exp(0.5) + Math.exp(-1) + Math.exp(2)));
  assert.ok(close(F.crossEntropy(logits, tensor(2)).item(), want));
  assert.equal([...F.crossEntropy(logits, tensor(2), { reduction: 'none' }).shape], []);
  const x = randn([2, 3, 4]);
  const y = tensor([
    [0, 1, 2, 1],
    [2, 2, 0, 1],
  ]);
  const perPosition = F.crossEntropy(x, y, { reduction: 'none' });
  assert.equal([...perPosition.shape], [2, 4]);
  for (let n = 0; n < 2; n++) {
    for (let d = 0; d < 4; d++) {
      const row = x.select(0, n).select(1, d);
      const one = F.crossEntropy(row, tensor(y.data[n * 4 + d]!)).item();
      assert.ok(close(perPosition.data[n * 4 + d]!, one));
    }
  }
  throwsWith(
    () => F.crossEntropy(x, zeros([2, 3])),
    ShapeError,
    'crossEntropy: expected target of shape [2, 4] (one class index per sample) for input of shape [2, 3, 4], got target of shape [2, 3]',
  );
});

test('crossEntropy equals nllLoss of logSoftmax', () => {
  const x = randn([6, 5]);
  const y = tensor([0, 4, 3, 3, 1, 2]);
  const w = tensor([0.5, 1, 2, 1.5, 0.3]);
  for (const reduction of ['mean', 'sum'] as const) {
    const a = F.crossEntropy(x, y, { weight: w, reduction }).item();
    const b = F.nllLoss(F.logSoftmax(x, 1), y, { weight: w, reduction }).item();
    assert.ok(close(a, b), `${reduction}: ${a} vs ${b}`);
  }
});

test('binaryCrossEntropy checks probabilities, shapes and weights', () => {
  throwsWith(
    () => F.binaryCrossEntropy(tensor([0.5, 1.2]), tensor([0, 1])),
    ValueError,
    'binaryCrossEntropy: all elements of input should be between 0 and 1, got 1.2 at index 1',
  );
  throwsWith(
    () => F.binaryCrossEntropy(tensor([0.5, 0.2]), tensor([[0, 1]])),
    ShapeError,
    'binaryCrossEntropy: target of shape [1, 2] must have the same shape as input [2]',
  );
  throwsWith(
    () => F.binaryCrossEntropy(tensor([0.5, 0.2]), tensor([0, 1]), { weight: tensor([1, 2, 3]) }),
    ShapeError,
    'binaryCrossEntropy: shapes [3] and [2] cannot be broadcast together (dim -1: 3 vs 2)',
  );
  throwsWith(
    () => F.binaryCrossEntropy(tensor([0.5, 0.2]), tensor([0, 1]), { weight: zeros([3, 2]) }),
    ShapeError,
    "binaryCrossEntropy: weight of shape [3, 2] does not broadcast to the input's [2]",
  );
  throwsWith(
    () => F.binaryCrossEntropyWithLogits(zeros([2, 3]), zeros([2, 3]), { posWeight: zeros([2, 3, 1]) }),
    ShapeError,
    "binaryCrossEntropyWithLogits: posWeight of shape [2, 3, 1] does not broadcast to the input's [2, 3]",
  );
  throwsWith(
    () => F.mseLoss(zeros([2, 3]), zeros([3])),
    ShapeError,
    'mseLoss: target of shape [3] must have the same shape as input [2, 3]',
  );
  throwsWith(
    () => F.mseLoss(zeros([3]), zeros([3]), { reduction: 'total' as nn.functional.Reduction }),
    ValueError,
    "mseLoss: reduction must be 'mean', 'sum' or 'none', got 'total'",
  );
});

test('binaryCrossEntropy: clamped logs give 100 at the wrong certainty, and a gradient w.r.t. the target', () => {
  assert.equal(
    F.binaryCrossEntropy(tensor([0, 1, 0, 1]), tensor([1, 0, 0, 1]), { reduction: 'none' }).toArray(),
    [100, 100, 0, 0],
  );
  const p = tensor([0.3, 0.8]);
  const t = tensor([0.2, 0.9], { requiresGrad: true });
  F.binaryCrossEntropy(p, t, { reduction: 'sum' }).backward();
  // dl/dt = log(1 - p) - log p
  [0.3, 0.8].forEach((v, i) => assert.ok(close(t.grad!.data[i]!, Math.log(1 - v) - Math.log(v))));
});

test('binaryCrossEntropyWithLogits is stable for huge logits and equals BCE of the sigmoid', () => {
  const x = tensor([-1000, -30, 0, 30, 1000]);
  const t = tensor([1, 0, 0.5, 1, 0]);
  const l = F.binaryCrossEntropyWithLogits(x, t, { reduction: 'none' });
  assert.ok(l.data.every(Number.isFinite));
  assert.ok(close(l.data[0]!, 1000) && close(l.data[4]!, 1000));
  const mid = tensor([-2, -0.3, 0.7, 1.5]);
  const tm = tensor([0, 0.25, 1, 0.6]);
  const a = F.binaryCrossEntropyWithLogits(mid, tm).item();
  const b = F.binaryCrossEntropy(mid.sigmoid(), tm).item();
  assert.ok(close(a, b, 1e-10));
  const g = tensor([0], { requiresGrad: true });
  F.binaryCrossEntropyWithLogits(g, tensor([1])).backward();
  assert.is(g.grad!.item(), -0.5, 'sigmoid(0) - 1 at the kink-free point 0');
});

test('loss modules use their options and default to mean', () => {
  const x = randn([3, 4]);
  const y = randn([3, 4]);
  const mse = new nn.MSELoss();
  assert.ok(close((mse.forward(x, y) as Tensor).item(), F.mseLoss(x, y).item()));
  assert.ok(close(new nn.MSELoss({ reduction: 'sum' }).forward(x, y).item(), x.sub(y).square().sum().item()));
  assert.equal([...new nn.MSELoss({ reduction: 'none' }).forward(x, y).shape], [3, 4]);
  const labels = tensor([1, 0, 3]);
  const ce = new nn.CrossEntropyLoss({ labelSmoothing: 0.2, weight: tensor([1, 2, 3, 4]) });
  assert.is(
    ce.forward(x, labels).item(),
    F.crossEntropy(x, labels, { labelSmoothing: 0.2, weight: tensor([1, 2, 3, 4]) }).item(),
  );
});

test.run();
