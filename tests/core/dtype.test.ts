/**
 * The dtype rules of issue 13, each against PyTorch's documented behaviour
 * (https://pytorch.org/docs/stable/tensor_attributes.html#type-promotion-doc):
 * the default dtype, factories, casts, promotion, in-place ops keeping the
 * destination's dtype, ops that refuse a mix, and the index dtype.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ng from '../../core/index.ts';
import { type DType, DTypeError, randn, type Tensor, tensor } from '../../core/index.ts';
import { throwsWith } from '../helpers/throws.ts';

/** Runs fn with the default dtype set to d, restoring float64 even if fn throws. */
function withDefault<T>(d: DType, fn: () => T): T {
  ng.setDefaultDtype(d);
  try {
    return fn();
  } finally {
    ng.setDefaultDtype('float64');
  }
}

/** Every element of a within rtol of b (b's values in float64). */
function closeTo(a: Tensor, b: Tensor, rtol: number, what: string): void {
  assert.equal([...a.shape], [...b.shape], `${what}: shape`);
  a.data.forEach((v, i) => {
    const w = b.data[i]!;
    if (!(Math.abs(v - w) <= rtol * Math.max(1, Math.abs(w))))
      assert.unreachable(`${what}[${i}]: ${v} vs ${w}`);
  });
}

test('the default dtype is float64 and setDefaultDtype switches every factory, as torch.set_default_dtype', () => {
  assert.is(ng.getDefaultDtype(), 'float64');
  assert.is(tensor([1, 2]).dtype, 'float64');
  assert.instance(tensor([1, 2]).data, Float64Array);
  withDefault('float32', () => {
    const made = [
      tensor([1, 2]),
      tensor(3),
      tensor(new Float64Array([1, 2])),
      ng.zeros([2]),
      ng.ones([2]),
      ng.full([2], 7),
      ng.arange(3),
      ng.linspace(0, 1, 3),
      ng.eye(2),
      ng.rand([2]),
      randn([2]),
      ng.bernoulli(0.5, [3]),
    ];
    for (const t of made) assert.is(t.dtype, 'float32');
    assert.is(tensor([0.1]).item(), Math.fround(0.1));
    // Index makers stay float64 (PyTorch's int64), unless told.
    assert.is(ng.randint(0, 5, [3]).dtype, 'float64');
    assert.is(ng.randperm(4).dtype, 'float64');
    assert.is(ng.randint(0, 5, [3], { dtype: 'float32' }).dtype, 'float32');
    assert.is(ng.randperm(4, { dtype: 'float32' }).dtype, 'float32');
  });
  assert.is(ng.zeros([2]).dtype, 'float64');
});

test('{ dtype } on every factory; *Like keeps the input dtype unless told, as torch.zeros_like', () => {
  const f32 = { dtype: 'float32' as const };
  for (const t of [
    tensor([1.5], f32),
    ng.zeros([1], f32),
    ng.ones([1], f32),
    ng.full([1], 2, f32),
    ng.arange(0, 2, 1, f32),
    ng.linspace(0, 1, 2, f32),
    ng.eye(2, 2, f32),
    ng.rand([1], f32),
    randn([1], f32),
  ])
    assert.is(t.dtype, 'float32');
  const x = randn([2], f32);
  assert.is(ng.zerosLike(x).dtype, 'float32');
  assert.is(ng.onesLike(x).dtype, 'float32');
  assert.is(ng.fullLike(x, 3).dtype, 'float32');
  assert.is(ng.zerosLike(x, { dtype: 'float64' }).dtype, 'float64');
  assert.is(ng.bernoulli(x.sigmoid()).dtype, 'float32');
});

test('to / float / double: a rounded, differentiable copy; the same dtype returns the tensor itself', () => {
  const x = tensor([0.1, 1 / 3, 1e-50, 1e39, -1e39, 16777217], { requiresGrad: true });
  assert.is(x.to('float64'), x);
  assert.is(x.double(), x);
  const y = x.float();
  assert.is(y.dtype, 'float32');
  assert.is(y.elementSize(), 4);
  assert.is(x.elementSize(), 8);
  assert.equal(Array.from(y.data), [Math.fround(0.1), Math.fround(1 / 3), 0, Infinity, -Infinity, 16777216]);
  assert.is(y.to('float32'), y);
  y.backward(tensor([1, 2, 3, 4, 5, 6], { dtype: 'float32' }));
  assert.is(x.grad!.dtype, 'float64');
  assert.equal(Array.from(x.grad!.data), [1, 2, 3, 4, 5, 6]);
  assert.is(y.double().dtype, 'float64');
  assert.is(y.toJSON().dtype, 'float32');
});

test('promotion: float32 with float64 gives float64, numbers and 0-d tensors do not promote', () => {
  const a = randn([2, 3], { dtype: 'float32' });
  const b = randn([2, 3]);
  const scalar64 = tensor(2.5);
  const binary: [string, (x: ng.TensorLike, y: ng.TensorLike) => Tensor][] = [
    ['add', ng.add],
    ['sub', ng.sub],
    ['mul', ng.mul],
    ['div', ng.div],
    ['pow', (x, y) => ng.pow(ng.abs(ng.add(x as Tensor, 1)), y)],
    ['maximum', ng.maximum],
    ['minimum', ng.minimum],
    ['eq', (x, y) => (x as Tensor).eq(y)],
    ['lt', (x, y) => (x as Tensor).lt(y)],
    ['where', (x, y) => ng.where(ng.zeros([2, 3]).lt(1), x, y)],
  ];
  for (const [name, f] of binary) {
    assert.is(f(a, a).dtype, 'float32', `${name}: float32 with float32`);
    assert.is(f(a, b).dtype, 'float64', `${name}: float32 with float64`);
    assert.is(f(b.float().double(), a).dtype, 'float64', `${name}: float64 with float32`);
    assert.is(f(a, 1e-50).dtype, 'float32', `${name}: a number does not promote`);
    assert.is(f(a, scalar64).dtype, 'float32', `${name}: a 0-d float64 does not promote a [2, 3] float32`);
  }
  assert.is(ng.add(tensor(1, { dtype: 'float32' }), scalar64).dtype, 'float64', 'two 0-d tensors do promote');
  assert.is(ng.add(a, tensor([1])).dtype, 'float64', 'a 1-element float64 is dimensioned, so it promotes');
  // The float32 operand's values are exact in float64, so the promoted result is the float64 one.
  assert.equal(Array.from(ng.add(a, b).data), Array.from(ng.add(a.double(), b).data));
  assert.is(
    a.mul(1e-50).data.every((v) => v === 0),
    true,
    '1e-50 is 0 once in float32',
  );
  assert.is(ng.cat([a, b]).dtype, 'float64');
  assert.is(ng.stack([a, a]).dtype, 'float32');
});

test('a mixed pair gets each gradient in its own dtype, as PyTorch', () => {
  const a = randn([3, 1], { dtype: 'float32', requiresGrad: true });
  const b = randn([4], { requiresGrad: true });
  const g = randn([3, 4]);
  ng.mul(a, b).backward(g);
  assert.is(a.grad!.dtype, 'float32');
  assert.is(b.grad!.dtype, 'float64');
  const a64 = a.detach().double().requiresGrad_();
  const b64 = b.detach().requiresGrad_();
  ng.mul(a64, b64).backward(g);
  assert.equal(Array.from(a.grad!.data), Array.from(a64.grad!.data, Math.fround));
  assert.equal(Array.from(b.grad!.data), Array.from(b64.grad!.data));
  // A float64 gradient given for a float32 output is converted, as PyTorch's engine does.
  const c = randn([2], { dtype: 'float32', requiresGrad: true });
  c.mul(2).backward(tensor([0.1, 0.2]));
  assert.is(c.grad!.dtype, 'float32');
  assert.equal(Array.from(c.grad!.data), [Math.fround(0.2), Math.fround(0.4)]);
  const s = randn([3], { dtype: 'float32', requiresGrad: true });
  s.square().sum().backward();
  assert.is(s.grad!.dtype, 'float32', 'the implicit gradient of a float32 scalar is float32');
});

test('matmul, linear, conv, the norm ops and binary cross entropy refuse a dtype mix, naming the op, the arguments and the dtypes', () => {
  const x32 = randn([2, 3], { dtype: 'float32' });
  const w64 = randn([4, 3]);
  const hint = "; convert one with .to('float32') (or .float() / .double())";
  throwsWith(
    () => x32.matmul(w64.t()),
    DTypeError,
    `matmul: expected input and other to have the same dtype, got input float32 and other float64${hint}`,
  );
  throwsWith(
    () => ng.linear(x32, w64),
    DTypeError,
    `linear: expected input and weight to have the same dtype, got input float32 and weight float64${hint}`,
  );
  throwsWith(
    () => ng.linear(x32, w64.float(), randn([4])),
    DTypeError,
    `linear: expected input and bias to have the same dtype, got input float32 and bias float64${hint}`,
  );
  throwsWith(
    () => ng.conv2d(randn([1, 1, 3, 3], { dtype: 'float32' }), randn([1, 1, 2, 2])),
    DTypeError,
    `conv2d: expected input and weight to have the same dtype, got input float32 and weight float64${hint}`,
  );
  throwsWith(
    () => ng.conv1d(randn([1, 1, 3]), randn([1, 1, 2], { dtype: 'float32' })),
    DTypeError,
    "conv1d: expected input and weight to have the same dtype, got input float64 and weight float32; convert one with .to('float64') (or .float() / .double())",
  );
  throwsWith(
    () => ng.nativeLayerNorm(x32, [3], randn([3]), null, 1e-5),
    DTypeError,
    `nativeLayerNorm: expected input and weight to have the same dtype, got input float32 and weight float64${hint}`,
  );
  throwsWith(
    () => ng.nativeBatchNorm(x32, null, randn([3]), 1e-5),
    DTypeError,
    `nativeBatchNorm: expected input and bias to have the same dtype, got input float32 and bias float64${hint}`,
  );
  throwsWith(
    () => ng.binaryCrossEntropy(x32.sigmoid(), ng.zeros([2, 3])),
    DTypeError,
    `binaryCrossEntropy: expected input and target to have the same dtype, got input float32 and target float64${hint}`,
  );
});

test('in-place ops keep the destination dtype: a float64 operand is rounded in, as PyTorch', () => {
  const x = tensor([1, 2, 3], { dtype: 'float32' });
  const y = tensor([0.1, 0.2, 0.3]);
  x.add_(y);
  assert.is(x.dtype, 'float32');
  assert.equal(Array.from(x.data), [Math.fround(1.1), Math.fround(2.2), Math.fround(3.3)]);
  const z = tensor([1, 2, 3]);
  z.mul_(tensor([0.1, 0.2, 0.3], { dtype: 'float32' }));
  assert.is(z.dtype, 'float64');
  assert.is(z.data[0], Math.fround(0.1));
  for (const fill of [(t: Tensor) => t.fill_(0.1), (t: Tensor) => t.copy_(y), (t: Tensor) => t.uniform_()]) {
    const t = ng.zeros([3], { dtype: 'float32' });
    fill(t);
    assert.instance(t.data, Float32Array);
  }
  // Recorded on a non-leaf: the gradients reach each leaf in its own dtype.
  const a = randn([3], { dtype: 'float32', requiresGrad: true });
  const b = randn([3], { requiresGrad: true });
  const h = a.mul(2);
  h.addcmul_(b, b);
  assert.is(h.dtype, 'float32');
  h.sum().backward();
  assert.is(a.grad!.dtype, 'float32');
  assert.is(b.grad!.dtype, 'float64');
  closeTo(b.grad!, b.detach().mul(2), 1e-6, 'd/db of b^2');
});

/** float32 forward and backward of an op against its float64 run on the same (float32-exact) values. */
const sameAsFloat64: [string, (x: Tensor) => Tensor][] = [
  ['sum(1)', (x) => x.sum(1)],
  ['mean', (x) => x.mean()],
  ['var(0)', (x) => x.var(0)],
  ['std', (x) => x.std()],
  ['amax(1)', (x) => x.amax(1)],
  ['amin', (x) => x.amin()],
  ['max(1).values', (x) => x.max(1).values],
  ['logsumexp(1)', (x) => x.logsumexp(1)],
  ['softmax(0)', (x) => x.softmax(0)],
  ['logSoftmax(1)', (x) => x.logSoftmax(1)],
  ['tanh', (x) => x.tanh()],
  ['sigmoid', (x) => x.sigmoid()],
  ['relu', (x) => x.relu()],
  ['clamp', (x) => x.clamp(-0.5, 0.5)],
  ['softplus', (x) => ng.softplus(x)],
  ['nativeBatchNorm', (x) => ng.nativeBatchNorm(x, null, null, 1e-5).out],
  ['batchNormComposed', (x) => ng.batchNormComposed(x, null, null, 1e-5)],
  ['nativeLayerNorm', (x) => ng.nativeLayerNorm(x, [6], null, null, 1e-5)],
  ['softmaxCrossEntropy', (x) => ng.softmaxCrossEntropy(x, tensor([0, 5, 2, 1]))],
  ['binaryCrossEntropy', (x) => ng.binaryCrossEntropy(x.sigmoid(), ng.fullLike(x, 0.25))],
  ['matmul', (x) => x.matmul(x.t())],
  ['maxPool2d', (x) => ng.maxPool2d(x.reshape(1, 2, 3, 4), 2)],
  ['avgPool2d', (x) => ng.avgPool2d(x.reshape(1, 2, 3, 4), 2, { padding: 1 })],
  ['adaptiveAvgPool2d', (x) => ng.adaptiveAvgPool2d(x.reshape(1, 2, 3, 4), 2)],
  ['pad reflect', (x) => ng.pad(x, [2, 1], 'reflect')],
  ['pad constant', (x) => ng.pad(x, [1, 1], 'constant', 0.5)],
  [
    'conv2d',
    (x) => ng.conv2d(x.reshape(1, 1, 4, 6), x.narrow(0, 0, 2).reshape(2, 1, 2, 3), null, { padding: 1 }),
  ],
  ['fold(unfold)', (x) => ng.fold(ng.unfold(x.reshape(1, 1, 4, 6), 2), [4, 6], 2)],
  ['gather', (x) => x.gather(1, tensor([[0], [5], [2], [2]]))],
  ['indexSelect', (x) => x.indexSelect(1, [3, 3, 0])],
];

for (const [name, f] of sameAsFloat64) {
  test(`${name} keeps float32 forward and backward, within float32 rounding of float64`, () => {
    const x64 = randn([4, 6]).mul(2).float().double();
    const x32 = x64.float().requiresGrad_();
    const xr = x64.detach().requiresGrad_();
    const y32 = f(x32);
    const y64 = f(xr);
    assert.is(y32.dtype, 'float32', `${name}: output`);
    closeTo(y32, y64, 2e-6, `${name} forward`);
    const g = randn([...y64.shape]);
    y32.backward(g);
    y64.backward(g);
    assert.is(x32.grad!.dtype, 'float32', `${name}: gradient`);
    closeTo(x32.grad!, xr.grad!, 2e-5, `${name} backward`);
  });
}

test.run();
