/**
 * What a PyTorch user types in the first hour, as they would type it: numel()
 * and dim() as methods, destructuring max(dim) and an LSTM's output, zeroGrad
 * keeping zeros, backward's options first, JSON a person can read, tolist,
 * contiguous, equal and allclose.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nn, optim, tensor, zeros } from '../../index.ts';

test('numel() and dim() are methods', () => {
  const x = zeros([2, 3, 4]);
  assert.is(x.numel(), 24);
  assert.is(x.dim(), 3);
  assert.is(zeros([]).numel(), 1);
  assert.is(zeros([]).dim(), 0);
});

test('const [values, indices] = x.max(1), and the named fields still work', () => {
  const x = tensor([
    [1, 5, 2],
    [7, 0, 7],
  ]);
  const [values, indices] = x.max(1);
  assert.equal(values.toArray(), [5, 7]);
  assert.equal(indices.toArray(), [1, 0]);
  const r = x.min(0, true);
  assert.equal(r.values.toArray(), [[1, 0, 2]]);
  assert.equal(r.indices.toArray(), [[0, 1, 0]]);
  assert.is(r.length, 2);
});

test('const [output, [h, c]] = lstm.forward(x), and [output, h] for RNN and GRU', () => {
  const x = zeros([5, 2, 3]).add(0.1);
  const lstm = new nn.LSTM(3, 4, { numLayers: 2 });
  const out = lstm.forward(x);
  const [output, [h, c]] = out;
  assert.equal([...output.shape], [5, 2, 4]);
  assert.equal([...h.shape], [2, 2, 4]);
  assert.equal([...c.shape], [2, 2, 4]);
  assert.ok(out.output === output && out.h === h && out.c === c);
  for (const m of [new nn.RNN(3, 4), new nn.GRU(3, 4)]) {
    const [o, hn] = m.forward(x);
    assert.equal([...o.shape], [5, 2, 4]);
    assert.equal([...hn.shape], [1, 2, 4]);
  }
});

test('model.zeroGrad({ setToNone: false }) keeps zero gradients; the default sets them to null', () => {
  const lin = new nn.Linear(2, 1);
  lin
    .forward(tensor([[1, 2]]))
    .sum()
    .backward();
  const grad = lin.weight.grad!;
  lin.zeroGrad({ setToNone: false });
  assert.ok(lin.weight.grad === grad, 'the same tensor, zeroed in place');
  assert.equal(grad.toArray(), [[0, 0]]);
  lin.zeroGrad();
  assert.is(lin.weight.grad, null);
  const opt = new optim.SGD(lin.parameters(), { lr: 0.1 });
  lin
    .forward(tensor([[1, 2]]))
    .sum()
    .backward();
  opt.zeroGrad({ setToNone: false });
  assert.equal(lin.weight.grad!.toArray(), [[0, 0]]);
});

test("loss.backward({ retainGraph: true }) is PyTorch's keyword habit, with gradient among the options", () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const y = x.mul(x).sum();
  y.backward({ retainGraph: true });
  y.backward();
  assert.equal(x.grad!.toArray(), [4, 8]);
  const z = tensor([1, 2], { requiresGrad: true });
  z.mul(3).backward({ gradient: tensor([1, -1]) });
  assert.equal(z.grad!.toArray(), [3, -3]);
});

test('JSON.stringify(tensor) is readable: shape, dtype, nested data, grad flags', () => {
  const x = tensor([[1, 2]], { requiresGrad: true });
  assert.is(JSON.stringify(x), '{"shape":[1,2],"dtype":"float64","data":[[1,2]],"requiresGrad":true}');
  assert.is(
    JSON.stringify({ y: x.mul(2) }),
    '{"y":{"shape":[1,2],"dtype":"float64","data":[[2,4]],"requiresGrad":true,"gradFn":"mul"}}',
  );
  assert.is(JSON.stringify(tensor(3)), '{"shape":[],"dtype":"float64","data":3}');
});

test('tolist, contiguous, equal and allclose', () => {
  const x = tensor([
    [1, 2],
    [3, 4],
  ]);
  assert.equal(x.tolist(), [
    [1, 2],
    [3, 4],
  ]);
  assert.ok(
    x
      .t()
      .contiguous()
      .view(-1)
      .equal(tensor([1, 3, 2, 4])),
  );
  assert.not.ok(x.equal(tensor([1, 2, 3, 4])), 'a different shape is not equal');
  assert.ok(x.allclose(x.add(1e-9)));
  assert.not.ok(x.allclose(x.add(1e-3)));
  assert.ok(x.allclose(x.add(1e-3), { atol: 1e-2 }));
  assert.ok(tensor([Number.NaN]).allclose(tensor([Number.NaN]), { equalNan: true }));
  assert.not.ok(tensor([Number.NaN]).allclose(tensor([Number.NaN])));
});

test.run();
