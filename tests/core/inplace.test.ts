/**
 * In-place ops and PyTorch's version counter: values and broadcasting, the
 * returned tensor, the counter shared by tensors sharing storage, the leaf rule,
 * recording on non-leaf tensors, and the "modified by an inplace operation" error.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Generator,
  GraphError,
  noGrad,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
  zeros,
} from '../../core/index.ts';
import * as nn from '../../nn/index.ts';
import * as optim from '../../optim/index.ts';

const leaf = (v: number[]) => tensor(v, { requiresGrad: true });

test('each in-place op writes its out-of-place result into the same tensor and returns it', () => {
  const x = tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const cases: [string, (t: Tensor) => Tensor, (t: Tensor) => Tensor][] = [
    ['add_', (t) => t.add_(tensor([1, 0, -1]), 2), (t) => t.add(tensor([1, 0, -1]), 2)],
    ['sub_', (t) => t.sub_(1.5), (t) => t.sub(1.5)],
    ['mul_', (t) => t.mul_(tensor([[2], [3]])), (t) => t.mul(tensor([[2], [3]]))],
    ['div_', (t) => t.div_(4), (t) => t.div(4)],
    ['pow_', (t) => t.pow_(2), (t) => t.pow(2)],
    ['clamp_', (t) => t.clamp_(2, 5), (t) => t.clamp(2, 5)],
    ['neg_', (t) => t.neg_(), (t) => t.neg()],
    ['exp_', (t) => t.exp_(), (t) => t.exp()],
    ['log_', (t) => t.log_(), (t) => t.log()],
    ['sqrt_', (t) => t.sqrt_(), (t) => t.sqrt()],
    ['abs_', (t) => t.abs_(), (t) => t.abs()],
    ['relu_', (t) => t.sub_(3).relu_(), (t) => t.sub(3).relu()],
    ['sigmoid_', (t) => t.sigmoid_(), (t) => t.sigmoid()],
    ['tanh_', (t) => t.tanh_(), (t) => t.tanh()],
    [
      'addcmul_',
      (t) => t.addcmul_(tensor([1, 2, 3]), tensor([2]), 0.5),
      (t) => t.add(tensor([2, 4, 6]).mul(0.5)),
    ],
    ['addcdiv_', (t) => t.addcdiv_(tensor([1, 2, 3]), tensor([2]), 2), (t) => t.add(tensor([1, 2, 3]))],
    ['lerp_', (t) => t.lerp_(zeros([2, 3]), 0.25), (t) => t.mul(0.75)],
    [
      'fill_',
      (t) => t.fill_(7),
      () =>
        tensor([
          [7, 7, 7],
          [7, 7, 7],
        ]),
    ],
    ['zero_', (t) => t.zero_(), () => zeros([2, 3])],
    [
      'copy_',
      (t) => t.copy_(tensor([9, 8, 7])),
      () =>
        tensor([
          [9, 8, 7],
          [9, 8, 7],
        ]),
    ],
  ];
  for (const [name, inPlace, outOfPlace] of cases) {
    const t = x.clone();
    const expected = outOfPlace(x.clone());
    const r = inPlace(t);
    assert.ok(r === t, `${name} returns the tensor itself`);
    assert.equal([...t.data], [...expected.data], name);
    assert.ok(t._version > 0, `${name} bumps the version`);
  }
});

test('the version counter counts writes and is shared by tensors sharing storage', () => {
  const x = zeros([2, 3]);
  const view = x.reshape(6);
  const d = x.detach();
  assert.is(x._version, 0);
  x.add_(1);
  view.mul_(2);
  assert.is(x._version, 2);
  assert.is(view._version, 2);
  assert.is(d._version, 2);
  assert.equal([...d.data], [2, 2, 2, 2, 2, 2]);
  assert.is(x.clone()._version, 0, 'a clone has storage of its own');
});

test('the other operand broadcasts to the tensor, never the tensor to the operand', () => {
  const x = zeros([3]);
  assert.throws(
    () => x.add_(zeros([2, 3])),
    (e: unknown) =>
      e instanceof ShapeError &&
      e.message === "add_: output with shape [3] doesn't match the broadcast shape [2, 3]",
  );
  assert.equal([...x.data], [0, 0, 0], 'a failed in-place op changes nothing');
  assert.is(x._version, 0);
});

test('a leaf that requires grad cannot be written in place with grad on; inside noGrad it can', () => {
  const w = leaf([1, 2]);
  assert.throws(
    () => w.mul_(2),
    (e: unknown) =>
      e instanceof GraphError &&
      e.message ===
        'mul_: a leaf Variable that requires grad is being used in an in-place operation; wrap the update in noGrad(() => ...) or write to a clone()',
  );
  assert.equal([...w.data], [1, 2]);
  noGrad(() => w.mul_(2).sub_(1));
  assert.equal([...w.data], [1, 3]);
  assert.ok(w.isLeaf && w.requiresGrad);
});

test('in place on a non-leaf is recorded: the gradient is that of the out-of-place ops', () => {
  const x = leaf([0.5, -1, 2]);
  const h = x.mul(3);
  h.add_(1).relu_().mul_(x);
  assert.is(h.gradFn?.name, 'mul');
  h.sum().backward();
  const y = leaf([0.5, -1, 2]);
  y.mul(3).add(1).relu().mul(y).sum().backward();
  assert.equal([...x.grad!.data], [...y.grad!.data]);
});

test('a plain tensor written in place from one that requires grad joins the graph', () => {
  const w = leaf([2, 3]);
  const acc = zeros([2]);
  acc.add_(w);
  assert.ok(acc.requiresGrad && !acc.isLeaf);
  acc.mul(w).sum().backward();
  assert.equal([...w.grad!.data], [4, 6]);
});

test("backward through a saved tensor written since throws PyTorch's error, naming op, shape and versions", () => {
  const message = (what: string, op: string, shape: string, found: number, expected: number) =>
    'backward: one of the variables needed for gradient computation has been modified by an inplace operation: ' +
    `${what} of '${op}' (shape ${shape}) is at version ${found}; expected version ${expected} instead`;
  const x = leaf([1, 2]);
  const e = x.exp();
  e.add_(1);
  assert.throws(
    () => e.sum().backward(),
    (err: unknown) => err instanceof GraphError && err.message === message('the output', 'exp', '[2]', 1, 0),
  );
  const a = leaf([1, 2, 3]);
  const b = tensor([4, 5, 6]);
  const y = a.mul(b);
  b.mul_(2);
  b.mul_(2);
  assert.throws(
    () => y.sum().backward(),
    (err: unknown) => err instanceof GraphError && err.message === message('input 1', 'mul', '[3]', 2, 0),
  );
});

test('optimizer steps and loadStateDict bump versions, so a retained graph that saved a weight is stale', () => {
  const lin = new nn.Linear(2, 1);
  const loss = lin.forward(tensor([[1, 2]])).sum();
  loss.backward({ retainGraph: true });
  const v = lin.weight._version;
  new optim.SGD(lin.parameters(), { lr: 0.1 }).step();
  assert.is(lin.weight._version, v + 1);
  assert.throws(() => loss.backward(), /modified by an inplace operation/);
  lin.loadStateDict(lin.stateDict());
  assert.is(lin.weight._version, v + 2);
});

test('in place on a reshape of a tensor that requires grad is refused (its base would not see it)', () => {
  const x = leaf([1, 2, 3, 4]);
  const v = x.mul(1).reshape(2, 2);
  assert.throws(
    () => v.add_(1),
    (e: unknown) =>
      e instanceof GraphError &&
      e.message ===
        "add_: the tensor of shape [2, 2] shares its storage with the input of 'reshape' that made it, and in-place ops on such views are not recorded; call clone() first",
  );
});

test('uniform_ and normal_ draw from a generator; nn.init draws the same values through them', () => {
  const a = zeros([1000]).uniform_(-2, 3, { generator: new Generator(5) });
  assert.ok(a.data.every((v) => v >= -2 && v < 3));
  const b = nn.init.uniform_(zeros([1000], { requiresGrad: true }), -2, 3, { generator: new Generator(5) });
  assert.equal([...a.data], [...b.data]);
  const n = zeros([4000]).normal_(1, 2, { generator: new Generator(1) });
  const mean = n.mean().item();
  assert.ok(Math.abs(mean - 1) < 0.15, `mean ${mean}`);
  assert.throws(
    () => zeros([2]).uniform_(1, 0),
    (e: unknown) => e instanceof ValueError,
  );
  assert.throws(
    () => zeros([2]).normal_(0, -1),
    (e: unknown) => e instanceof ValueError,
  );
});

test.run();
