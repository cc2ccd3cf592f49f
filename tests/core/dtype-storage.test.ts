/**
 * The rest of issue 13's core: the index dtype, float32 accumulation, dtype
 * names, gradcheck's refusal, `_setData` and how a dtype prints.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ng from '../../core/index.ts';
import { DTypeError, GraphError, randn, Tensor, tensor, ValueError } from '../../core/index.ts';
import { throwsWith } from '../helpers/throws.ts';

test('indices are float64 whatever the dtype: argmax, max/min(dim), maxPool2d, randint, randperm', () => {
  const x = randn([3, 5], { dtype: 'float32' });
  assert.is(x.argmax().dtype, 'float64');
  assert.is(x.argmin(1).dtype, 'float64');
  const { values, indices } = x.max(1);
  assert.is(values.dtype, 'float32');
  assert.is(indices.dtype, 'float64');
  assert.is(x.min(0).indices.dtype, 'float64');
  const [pooled, at] = ng.maxPool2dWithIndices(x.reshape(1, 1, 3, 5), 2);
  assert.is(pooled.dtype, 'float32');
  assert.is(at.dtype, 'float64');
  // float64 indices gather from float32 values without promoting them.
  assert.is(x.gather(1, indices.unsqueeze(1)).dtype, 'float32');
  assert.equal(Array.from(x.gather(1, indices.unsqueeze(1)).data), Array.from(values.data));
});

test('float32 sums accumulate in float64 and round once, along any dim', () => {
  // 2^14 rows of 1 + 2^-20: a float32 running sum stalls once the total passes 2^4 (1 + 2^-20 loses its tail
  // against it); a float64 accumulator is exact here.
  const rows = 1 << 14;
  const v = 1 + 2 ** -20;
  const x = ng.full([rows, 3], v, { dtype: 'float32' });
  const exact = Math.fround(rows * v);
  for (const s of [x.sum(0), x.t().sum(1), x.sum(), x.mean().mul(rows * 3)]) {
    assert.is(s.dtype, 'float32');
    assert.ok(
      s.data.every((d) => d === (s.numel() === 1 ? Math.fround(3 * rows * v) : exact)),
      `got ${s.data[0]}`,
    );
  }
  let naive = 0;
  for (let i = 0; i < rows; i++) naive = Math.fround(naive + Math.fround(v));
  assert.ok(naive !== exact, 'the float32 accumulator this test guards against would fail it');
});

test('dtype names other than float32 and float64 are refused with a hint', () => {
  const must = "must be 'float32' or 'float64', got";
  throwsWith(
    () => tensor([1], { dtype: 'float16' as ng.DType }),
    ValueError,
    `tensor: dtype ${must} 'float16'; tensors compute in float32 or float64 only; half precision is a storage format here`,
  );
  throwsWith(
    () => ng.zeros([1], { dtype: 'float' as ng.DType }),
    ValueError,
    `zeros: dtype ${must} 'float'; did you mean 'float32'? (PyTorch's torch.float is float32)`,
  );
  throwsWith(
    () => randn([1]).to('torch.float32' as ng.DType),
    ValueError,
    `to: dtype ${must} 'torch.float32'; did you mean 'float32'? (the name without 'torch.')`,
  );
  throwsWith(
    () => ng.setDefaultDtype('double' as ng.DType),
    ValueError,
    `setDefaultDtype: dtype ${must} 'double'; did you mean 'float64'? (PyTorch's torch.double is float64)`,
  );
  throwsWith(
    () => ng.setDefaultDtype('flaot32' as ng.DType),
    ValueError,
    `setDefaultDtype: dtype ${must} 'flaot32'; did you mean 'float32'?`,
  );
  throwsWith(
    () => ng.setDefaultDtype(undefined as never),
    ValueError,
    `setDefaultDtype: dtype ${must} undefined`,
  );
  throwsWith(
    () => ng.randint(0, 3, [2], { dtype: 'int64' as ng.DType }),
    ValueError,
    `randint: dtype ${must} 'int64'; integer tensors do not exist here: indices and class labels are float64 (exact up to 2^53)`,
  );
  assert.is(ng.getDefaultDtype(), 'float64', 'a refused setDefaultDtype changes nothing');
});

test('gradcheck refuses float32 inputs that require grad, as PyTorch warns it needs double precision', () => {
  const x = randn([3], { dtype: 'float32', requiresGrad: true });
  throwsWith(
    () => ng.gradcheck((a) => a.tanh(), [randn([2], { requiresGrad: true }), x]),
    DTypeError,
    'gradcheck: input 1 (shape [3]) requires grad and is float32; central differences need float64 ' +
      "(a step of 0.000001 is below float32's resolution), so pass x.double()",
  );
  // A float32 input that does not require grad is a constant; the check still runs in float64.
  const w = randn([3], { dtype: 'float32' });
  assert.ok(ng.gradcheck((a) => a.mul(w), [randn([3], { requiresGrad: true })]).ok);
});

test('_setData swaps the storage in place (dtype too), bumps the version and refuses another length', () => {
  const p = randn([2, 3], { requiresGrad: true });
  const before = p._version;
  const y = p.mul(p); // saves p
  const f32 = Float32Array.from(p.data);
  p._setData(f32);
  assert.is(p.data, f32);
  assert.is(p.dtype, 'float32');
  assert.ok(p._version > before);
  assert.throws(
    () => y.sum().backward(),
    (e: unknown) => e instanceof GraphError && /modified by an inplace/.test(String(e)),
  );
  throwsWith(
    () => p._setData(new Float64Array(5)),
    ValueError,
    '_setData: new data of length 5 does not fit shape [2, 3] (6 elements)',
  );
  const t = new Tensor(new Float32Array([1, 2]), [2]);
  assert.is(t.dtype, 'float32');
  throwsWith(
    () => new Tensor(new Int32Array([1, 2]) as never, [2]),
    ValueError,
    'Tensor: data must be a Float32Array or a Float64Array (its class is the dtype), got a Int32Array; tensor(...) converts other arrays',
  );
});

test('a non-default dtype prints, as PyTorch: dtype=torch.float32 (or float64 when the default is float32)', () => {
  assert.is(String(tensor([1.5, 2], { dtype: 'float32' })), 'tensor([1.5000, 2.0000], dtype=torch.float32)');
  assert.is(String(tensor([1.5, 2])), 'tensor([1.5000, 2.0000])');
  ng.setDefaultDtype('float32');
  try {
    assert.is(String(tensor([1, 2], { dtype: 'float64' })), 'tensor([1., 2.], dtype=torch.float64)');
    assert.is(String(tensor([1, 2])), 'tensor([1., 2.])');
  } finally {
    ng.setDefaultDtype('float64');
  }
});

test.run();
