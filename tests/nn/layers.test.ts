/** Linear's init and checks, the activation modules, Flatten, Identity, and the README's model. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  manualSeed,
  noGrad,
  randint,
  randn,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
  zeros,
} from '../../core/index.ts';
import * as nn from '../../nn/index.ts';

const close = (a: number, b: number, tol = 1e-12) => Math.abs(a - b) <= tol * (1 + Math.abs(b));

test('Linear init: weight and bias in U(-1/sqrt(in), 1/sqrt(in)), filling the interval', () => {
  manualSeed(11);
  const layer = new nn.Linear(50, 400);
  const bound = 1 / Math.sqrt(50);
  for (const t of [layer.weight, layer.bias!]) {
    const max = Math.max(...Array.from(t.data, Math.abs));
    assert.ok(max <= bound, `|value| ${max} exceeds ${bound}`);
    assert.ok(max > 0.99 * bound, `largest |value| ${max} is far below the bound ${bound}`);
  }
  // U(-b, b) has variance b^2 / 3; 20,000 draws estimate it to about 1 %.
  const w = layer.weight.data;
  const variance = Array.from(w).reduce((s, v) => s + v * v, 0) / w.length;
  assert.ok(Math.abs(variance / ((bound * bound) / 3) - 1) < 0.05, `variance ${variance}`);
});

test('Linear init is reproducible from the seed; resetParameters redraws in place', () => {
  manualSeed(3);
  const a = new nn.Linear(3, 2);
  manualSeed(3);
  const b = new nn.Linear(3, 2);
  assert.equal(Array.from(a.weight.data), Array.from(b.weight.data));
  assert.equal(Array.from(a.bias!.data), Array.from(b.bias!.data));
  const w = a.weight;
  const before = Array.from(w.data);
  a.resetParameters();
  assert.is(a.weight, w);
  assert.not.equal(Array.from(w.data), before);
  assert.ok(w.isLeaf && w.requiresGrad);
});

test('Linear: shapes, no bias, and the value y = x W^T + b', () => {
  const layer = new nn.Linear(3, 2);
  noGrad(() => {
    layer.weight.data.set([1, 2, 3, 4, 5, 6]);
    layer.bias!.data.set([0.5, -0.5]);
  });
  assert.equal(layer.forward(tensor([1, 0, -1])).toArray(), [1 - 3 + 0.5, 4 - 6 - 0.5]);
  assert.equal([...layer.forward(zeros([4, 5, 3])).shape], [4, 5, 2]);
  const noBias = new nn.Linear(3, 2, { bias: false });
  assert.is(noBias.bias, null);
  assert.equal(
    [...noBias.namedParameters()].map(([n]) => n),
    ['weight'],
  );
  assert.is(noBias.toString(), 'Linear(in_features=3, out_features=2, bias=False)');
});

test('Linear and F.linear name the shapes that do not fit', () => {
  const layer = new nn.Linear(5, 3);
  const cases: [() => unknown, new (m: string) => Error, string][] = [
    [
      () => layer.forward(zeros([4, 6])),
      ShapeError,
      'linear: input of shape [4, 6] must have 5 features in its last dim to match weight of shape [3, 5]',
    ],
    [
      () => layer.forward(tensor(1)),
      ShapeError,
      'linear: input of shape [] must have 5 features in its last dim to match weight of shape [3, 5]',
    ],
    [() => new nn.Linear(2.5, 3), ValueError, 'Linear: inFeatures must be a non-negative integer, got 2.5'],
    [() => new nn.Linear(2, -1), ValueError, 'Linear: outFeatures must be a non-negative integer, got -1'],
    [
      () => nn.F.linear(zeros([2, 4]), zeros([3, 5])),
      ShapeError,
      'linear: input of shape [2, 4] must have 5 features in its last dim to match weight of shape [3, 5]',
    ],
    [
      () => nn.F.linear(zeros([2, 5]), zeros([5])),
      ShapeError,
      'linear: weight must be 2-D [out, in], got shape [5]',
    ],
    [
      () => nn.F.linear(zeros([2, 5]), zeros([3, 5]), zeros([2])),
      ShapeError,
      'linear: bias must have shape [3] to match weight, got [2]',
    ],
  ];
  for (const [fn, kind, message] of cases) {
    assert.throws(fn, (e: unknown) => e instanceof kind && (e as Error).message === message, message);
  }
});

test('activation modules compute their formulas', () => {
  const xs = [-2, -0.5, 0.25, 3];
  const x = tensor(xs);
  const check = (m: nn.Module, f: (v: number) => number) => {
    const y = m.forward(x) as Tensor;
    xs.forEach((v, i) => assert.ok(close(y.data[i]!, f(v)), `${m.name} at ${v}: ${y.data[i]} vs ${f(v)}`));
  };
  check(new nn.Sigmoid(), (v) => 1 / (1 + Math.exp(-v)));
  check(new nn.Tanh(), Math.tanh);
  check(new nn.ReLU(), (v) => Math.max(v, 0));
  check(new nn.LeakyReLU(), (v) => (v > 0 ? v : 0.01 * v));
  check(new nn.LeakyReLU(0.2), (v) => (v > 0 ? v : 0.2 * v));
  const z = xs.reduce((s, v) => s + Math.exp(v), 0);
  check(new nn.Softmax(0), (v) => Math.exp(v) / z);
  check(new nn.LogSoftmax(-1), (v) => v - Math.log(z));
  const id = new nn.Identity();
  assert.is(id.forward(x), x);
});

test('Softmax and LogSoftmax act along their dim', () => {
  const x = randn([3, 4]);
  const rows = new nn.Softmax(1).forward(x).sum(1);
  const cols = new nn.Softmax(0).forward(x).sum(0);
  for (const v of rows.data) assert.ok(close(v, 1));
  for (const v of cols.data) assert.ok(close(v, 1));
  const logp = new nn.LogSoftmax(1).forward(x);
  const p = new nn.Softmax(1).forward(x);
  logp.data.forEach((v, i) => assert.ok(close(v, Math.log(p.data[i]!))));
});

test('Flatten keeps the batch dim by default and takes a dim range', () => {
  assert.equal([...new nn.Flatten().forward(zeros([2, 3, 4])).shape], [2, 12]);
  assert.equal([...new nn.Flatten(0).forward(zeros([2, 3, 4])).shape], [24]);
  assert.equal([...new nn.Flatten(1, 2).forward(zeros([2, 3, 4, 5])).shape], [2, 12, 5]);
  assert.is(new nn.Flatten(1, 2).toString(), 'Flatten(start_dim=1, end_dim=2)');
});

test("the README's model trains with nn.functional.crossEntropy and evaluates", () => {
  manualSeed(0);
  const model = new nn.Sequential(
    new nn.Linear(4, 16, { bias: false }),
    new nn.BatchNorm1d(16),
    new nn.ReLU(),
    new nn.Linear(16, 3),
  );
  const params = [...model.parameters()];
  const x = randn([32, 4]);
  const y = randint(0, 3, [32]);
  const losses: number[] = [];
  for (let step = 0; step < 20; step++) {
    model.zeroGrad();
    const loss = nn.functional.crossEntropy(model.forward(x), y);
    losses.push(loss.item());
    loss.backward();
    noGrad(() => {
      for (const p of params) p.data.set(p.sub(p.grad!.mul(0.1)).data);
    });
  }
  assert.ok(losses[19]! < losses[0]!, `loss ${losses[0]} -> ${losses[19]}`);
  model.eval();
  const accuracy = noGrad(() => model.forward(x))
    .argmax(1)
    .eq(y)
    .mean()
    .item();
  assert.ok(accuracy > 1 / 3, `accuracy ${accuracy}`);
  // Eval mode makes each prediction independent of the rest of the batch.
  const one = noGrad(() => model.forward(x.slice(0, 0, 1)));
  const all = noGrad(() => model.forward(x));
  one.data.forEach((v, i) => assert.ok(close(v, all.data[i]!, 1e-12)));
});

test.run();
