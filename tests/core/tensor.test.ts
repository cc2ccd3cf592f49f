import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ng from '../../core/index.ts';
import { manualSeed, randn, tensor, ValueError } from '../../core/index.ts';

test('tensor() from numbers, nested arrays and typed arrays, with shape', () => {
  assert.equal(tensor(3).shape, []);
  assert.is(tensor(3).item(), 3);
  const t = tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  assert.equal([...t.shape], [2, 3]);
  assert.is(t.ndim, 2);
  assert.is(t.numel(), 6);
  assert.equal(t.toArray(), [
    [1, 2, 3],
    [4, 5, 6],
  ]);
  assert.equal([...tensor(new Float32Array([1, 2, 3, 4]), { shape: [2, 2] }).shape], [2, 2]);
  assert.equal(tensor([]).shape, [0]);
  assert.is(t.size(1), 3);
  assert.is(t.size(-1), 3);
  assert.equal([...t.size()], [2, 3]);
  assert.throws(
    () => t.size(2),
    /^size: dim 2 is out of range for a tensor of 2 dimensions \(expected to be in range of \[-2, 1\]\)$/,
  );
  assert.throws(() => tensor(1).size(0), /size: dim 0 is out of range for a 0-d tensor/);
});

test('tensor() rejects ragged arrays, non-numbers and bad shapes, naming the position', () => {
  assert.throws(
    () => tensor([[1, 2], [3]]),
    /ragged nested array: expected a sequence of length 2 at index \[1\] \(dim 1\), got length 1/,
  );
  assert.throws(() => tensor([[1, 2], 3] as never), /ragged nested array: a number at index \[1\]/);
  assert.throws(
    () => tensor([1, 'a'] as never),
    (e: unknown) => e instanceof ValueError && /expected a number at index \[1\], got string/.test(String(e)),
  );
  assert.throws(() => tensor([1, 2, 3], { shape: [2, 2] }), /3 values do not fit shape \[2, 2\]/);
  assert.throws(() => ng.zeros([2, -1]), /zeros|full: shape \[2, -1\] has an invalid size -1/);
  assert.throws(() => tensor([1, 2]).item(), /item: a Tensor with 2 elements cannot be converted/);
});

test('creation functions', () => {
  assert.equal(Array.from(ng.arange(5).data), [0, 1, 2, 3, 4]);
  assert.equal(Array.from(ng.arange(1, 2, 0.25).data), [1, 1.25, 1.5, 1.75]);
  assert.throws(() => ng.arange(0, 1, 0), /arange: step must be a finite nonzero number/);
  assert.throws(() => ng.arange(0, 1, -1), /inconsistent with step sign/);
  const ls = ng.linspace(0, 1, 5).data;
  assert.equal(Array.from(ls), [0, 0.25, 0.5, 0.75, 1]);
  assert.is(ng.linspace(-3, 7, 11).data[10], 7);
  assert.throws(() => ng.linspace(0, 1, -1), /linspace: steps/);
  assert.equal(ng.eye(2, 3).toArray(), [
    [1, 0, 0],
    [0, 1, 0],
  ]);
  assert.equal(Array.from(ng.full([2], 7).data), [7, 7]);
  assert.equal(Array.from(ng.onesLike(ng.zeros([3])).data), [1, 1, 1]);
  assert.equal(Array.from(ng.zerosLike(ng.ones([2])).data), [0, 0]);
  assert.equal(Array.from(ng.fullLike(ng.ones([2]), 3).data), [3, 3]);
  assert.ok(ng.ones([2], { requiresGrad: true }).requiresGrad);
});

test('random draws are reproducible from a seed and have the right distributions', () => {
  manualSeed(42);
  const a = randn([1000]);
  const u = ng.rand([1000]);
  manualSeed(42);
  assert.equal(Array.from(randn([1000]).data), Array.from(a.data));
  assert.equal(Array.from(ng.rand([1000]).data), Array.from(u.data));
  manualSeed(43);
  assert.not.equal(Array.from(randn([1000]).data), Array.from(a.data));
  const big = randn([20000], { generator: new ng.Generator(1) });
  assert.ok(Math.abs(big.mean().item()) < 0.03, 'randn mean near 0');
  assert.ok(Math.abs(big.std().item() - 1) < 0.03, 'randn std near 1');
  const ints = ng.randint(2, 5, [2000]);
  assert.ok(ints.data.every((v) => Number.isInteger(v) && v >= 2 && v < 5));
  assert.equal(new Set(ints.data).size, 3);
  assert.throws(() => ng.randint(3, 3, [1]), /randint: expected integers low < high, got low 3, high 3/);
  const perm = Array.from(ng.randperm(10).data).sort((x, y) => x - y);
  assert.equal(perm, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const b = ng.bernoulli(0.3, [5000]);
  assert.ok(Math.abs(b.mean().item() - 0.3) < 0.03);
  assert.equal(Array.from(ng.bernoulli(tensor([0, 1])).data), [0, 1]);
  assert.throws(() => ng.bernoulli(1.5, [2]), /bernoulli: probabilities must be in \[0, 1\], got 1.5/);
  assert.throws(() => manualSeed(Number.NaN), /^manualSeed: seed must be a finite number, got NaN$/);
  assert.throws(
    () => new ng.Generator(Number.POSITIVE_INFINITY),
    /Generator: seed must be a finite number, got Infinity/,
  );
  const g = new ng.Generator(5);
  assert.is(g.initialSeed(), 5);
  const x1 = g.random();
  g.manualSeed(5);
  assert.is(g.random(), x1);
});

test('toString prints like PyTorch', () => {
  assert.is(tensor([1, 2]).toString(), 'tensor([1., 2.])');
  assert.is(
    tensor([
      [1.5, 2],
      [3, 4],
    ]).toString(),
    'tensor([[1.5000, 2.0000],\n        [3.0000, 4.0000]], shape=[2, 2])',
  );
  assert.is(tensor(0.5, { requiresGrad: true }).toString(), 'tensor(0.5000, requires_grad=true)');
  assert.match(tensor([1], { requiresGrad: true }).mul(2).toString(), /grad_fn=<mul>/);
  assert.match(tensor([1e-6, 1]).toString(), /1\.0000e-06/);
  assert.match(tensor([Number.NaN, Number.POSITIVE_INFINITY, -Infinity]).toString(), /nan, {2}inf, -inf/);
  const long = ng.arange(2000).toString();
  assert.match(long, /\[ {0,3}0\., {1,4}1\., {1,4}2\., \.\.\., 1997\., 1998\., 1999\.\], shape=\[2000\]/);
});

test('comparisons give 0/1 masks without gradient', () => {
  const x = tensor([1, 2, 3], { requiresGrad: true });
  assert.equal(Array.from(x.eq(2).data), [0, 1, 0]);
  assert.equal(Array.from(x.ne(2).data), [1, 0, 1]);
  assert.equal(Array.from(x.gt(2).data), [0, 0, 1]);
  assert.equal(Array.from(x.ge(2).data), [0, 1, 1]);
  assert.equal(Array.from(x.lt(2).data), [1, 0, 0]);
  assert.equal(Array.from(x.le(2).data), [1, 1, 0]);
  assert.is(x.gt(2).requiresGrad, false);
  assert.equal(Array.from(x.sign().data), [1, 1, 1]);
});

test('argmax/argmin, max/min with indices, and NaN propagation', () => {
  const x = tensor([
    [1, 5, 2],
    [7, 0, 7],
  ]);
  assert.equal(Array.from(x.argmax(1).data), [1, 0]);
  assert.equal(Array.from(x.argmin(0).data), [0, 1, 0]);
  assert.is(x.argmax().item(), 3);
  assert.equal([...x.argmax(1, true).shape], [2, 1]);
  const { values, indices } = x.max(1);
  assert.equal(Array.from(values.data), [5, 7]);
  assert.equal(Array.from(indices.data), [1, 0]);
  assert.ok(Number.isNaN(tensor([1, Number.NaN, 3]).max().item()));
  assert.throws(() => ng.zeros([0]).argmax(), /argmax: cannot reduce an empty tensor/);
  assert.throws(() => ng.zeros([0]).amax(), /amax: cannot reduce an empty tensor/);
});

test('logsumexp and softmax stay finite for logits of magnitude 1e4, and all -inf rows are handled', () => {
  const x = tensor([[1e4, 0, -1e4, 1e4 - 1]]);
  assert.ok(x.logSoftmax(1).data.every(Number.isFinite));
  assert.ok(Math.abs(x.logsumexp(1).item() - (1e4 + Math.log(1 + Math.exp(-1)))) < 1e-9);
  assert.is(tensor([-Infinity, -Infinity]).logsumexp(0).item(), -Infinity);
});

test.run();
