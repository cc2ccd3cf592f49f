/**
 * Modules and dtypes (issue 13): `to` / `float` / `double` convert in place and
 * keep references valid, layers are built in the default dtype, state dicts
 * convert on load as PyTorch's `load_state_dict` does, and safetensors files keep
 * each tensor's dtype.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type DType,
  DTypeError,
  getDefaultDtype,
  manualSeed,
  randn,
  StateDictError,
  setDefaultDtype,
  type Tensor,
  tensor,
  ValueError,
} from '../../core/index.ts';
import * as nn from '../../nn/index.ts';
import * as optim from '../../optim/index.ts';
import { throwsWith } from '../helpers/throws.ts';

/** Runs fn with the default dtype set to d, restoring the previous default afterwards. */
function withDefault<T>(d: DType, fn: () => T): T {
  const before = getDefaultDtype();
  setDefaultDtype(d);
  try {
    return fn();
  } finally {
    setDefaultDtype(before);
  }
}

function mlp(seed = 0): nn.Sequential {
  manualSeed(seed);
  const m = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.Tanh(), new nn.Linear(4, 2));
  m.forward(randn([6, 3]).mul(2)); // moves the running statistics off their initial values
  return m;
}

/** Every tensor of the state dict with its dtype. */
const dtypes = (m: nn.Module) =>
  Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, t.dtype]));

const values = (m: nn.Module) =>
  Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, Array.from(t.data)]));

test('float() converts parameters, their gradients and buffers in place, keeping every tensor object', () => {
  const m = mlp();
  (m.forward(randn([5, 3])) as Tensor).sum().backward();
  const params = [...m.parameters()];
  const buffers = [...m.buffers()];
  const before = values(m);
  const grads = params.map((p) => Array.from(p.grad!.data));
  assert.is(m.float(), m, 'returns the module, as PyTorch');
  assert.equal([...m.parameters()], params, 'the same Tensor objects');
  assert.equal([...m.buffers()], buffers);
  assert.equal(dtypes(m), {
    '0.weight': 'float32',
    '0.bias': 'float32',
    '1.weight': 'float32',
    '1.bias': 'float32',
    '1.running_mean': 'float32',
    '1.running_var': 'float32',
    '1.num_batches_tracked': 'float64', // int64 in PyTorch, which `.float()` leaves alone
    '3.weight': 'float32',
    '3.bias': 'float32',
  });
  for (const [k, v] of Object.entries(values(m))) assert.equal(v, before[k]!.map(Math.fround), k);
  params.forEach((p, i) => {
    assert.is(p.grad!.dtype, 'float32');
    assert.equal(Array.from(p.grad!.data), grads[i]!.map(Math.fround));
  });
  const y = m.forward(randn([5, 3]).float()) as Tensor;
  assert.is(y.dtype, 'float32', 'a float32 model on a float32 input computes in float32');
  assert.is(
    (m.at(1) as nn.BatchNorm1d).runningMean!.dtype,
    'float32',
    'running statistics updated in float32',
  );
  const narrow = values(m); // the forward moved the running statistics, in float32
  assert.is(m.double(), m);
  assert.equal(new Set(Object.values(dtypes(m))), new Set(['float64']));
  assert.equal(values(m), narrow, 'widened exactly');
});

test('to() takes a dtype name, { dtype } or a tensor to match, and refuses what normgrad has not', () => {
  const m = new nn.Linear(2, 2);
  assert.is(m.to({ dtype: 'float32' }).weight.dtype, 'float32');
  assert.is(m.to(randn([1]).double()).weight.dtype, 'float64');
  assert.is(m.to('float32').bias!.dtype, 'float32');
  const before = m.weight.data;
  m.to('float32');
  assert.is(m.weight.data, before, 'already float32: nothing is copied');
  throwsWith(
    () => m.to('float16' as DType),
    ValueError,
    "Linear.to: dtype must be 'float32' or 'float64', got 'float16'; tensors compute in float32 or float64 only; half precision is a storage format here",
  );
  throwsWith(
    () => m.to({ dtype: 'int64' as DType }),
    ValueError,
    "Linear.to: dtype must be 'float32' or 'float64', got 'int64'; integer tensors do not exist here: indices and class labels are float64 (exact up to 2^53)",
  );
  throwsWith(
    () => m.to({ dtype: 'float64', device: 'cpu' } as { dtype: DType }),
    ValueError,
    "Linear.to: unknown option 'device' (known options: dtype)",
  );
  assert.is(m.weight.dtype, 'float32', 'a refused call changes nothing');
});

test('an optimizer built before float() keeps updating the same parameters, in float32', () => {
  const m = mlp(1);
  const sgd = new optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.9 });
  const adam = new optim.Adam(m.parameters(), { lr: 0.01 });
  m.float();
  const w = m.stateDict()['0.weight']!;
  for (const opt of [sgd, adam]) {
    const before = Array.from((m.at(0) as nn.Linear).weight.data);
    opt.zeroGrad();
    (m.forward(randn([5, 3]).float()) as Tensor).square().mean().backward();
    opt.step();
    opt.step();
    const p = (m.at(0) as nn.Linear).weight;
    assert.is(p.dtype, 'float32');
    assert.not.equal(Array.from(p.data), before, `${opt.constructor.name} moved the weight`);
    assert.ok(
      Array.from(p.data).every((v) => v === Math.fround(v)),
      'the update is stored rounded to float32',
    );
  }
  assert.equal(new Set(Object.values(dtypes(m)).filter((d) => d !== 'float64')), new Set(['float32']));
  assert.is(w.dtype, 'float32');
  const state = adam.stateDict().state[0]!;
  assert.is((state.exp_avg as Tensor).dtype, 'float32', "Adam's moments are in the parameter's dtype");
  assert.is((sgd.stateDict().state[0]!.momentum_buffer as Tensor).dtype, 'float32');
});

test('layers built under setDefaultDtype(float32) hold float32 parameters and buffers', () => {
  withDefault('float32', () => {
    manualSeed(0);
    const layers: nn.Module[] = [
      new nn.Linear(3, 2),
      new nn.Conv1d(2, 3, 3),
      new nn.Conv2d(2, 3, 3),
      new nn.BatchNorm1d(3),
      new nn.BatchNorm2d(3),
      new nn.InstanceNorm1d(3, { affine: true, trackRunningStats: true }),
      new nn.LayerNorm(4),
      new nn.GroupNorm(2, 4),
      new nn.RMSNorm(4),
      new nn.RNNCell(3, 4),
      new nn.LSTMCell(3, 4),
      new nn.GRUCell(3, 4),
      new nn.LayerNormLSTMCell(3, 4),
      new nn.RNN(3, 4, { numLayers: 2 }),
      new nn.LSTM(3, 4),
      new nn.GRU(3, 4),
    ];
    for (const layer of layers) {
      for (const [k, t] of Object.entries(layer.stateDict())) {
        assert.is(t.dtype, k.endsWith('num_batches_tracked') ? 'float64' : 'float32', `${layer.name} ${k}`);
      }
    }
  });
  assert.is(new nn.Linear(2, 2).weight.dtype, 'float64', 'the default stays float64');
});

test('the same seed builds a float32 model whose weights are the float64 ones rounded (init draws in double)', () => {
  const build = () => new nn.Sequential(new nn.Linear(5, 4), new nn.Conv2d(2, 3, 3), new nn.GRU(3, 4));
  manualSeed(0);
  const wide = values(build());
  manualSeed(0);
  const narrow = withDefault('float32', build);
  assert.is(narrow.stateDict()['0.weight']!.dtype, 'float32');
  for (const [k, v] of Object.entries(values(narrow))) assert.equal(v, wide[k]!.map(Math.fround), k);
});

test('float32 layers run float32 inputs end to end: outputs and gradients float32, zero initial states included', () => {
  withDefault('float32', () => {
    manualSeed(3);
    const cases: [nn.Module, number[]][] = [
      [new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.ReLU()), [5, 3]],
      [new nn.Sequential(new nn.Conv2d(2, 3, 3, { padding: 1 }), new nn.GroupNorm(1, 3)), [2, 2, 5, 5]],
      [new nn.Sequential(new nn.LayerNorm(4), new nn.RMSNorm(4)), [3, 4]],
      [new nn.RNNCell(3, 4), [2, 3]],
      [new nn.LayerNormGRUCell(3, 4), [2, 3]],
    ];
    for (const [m, shape] of cases) {
      const x = randn(shape, { requiresGrad: true });
      const y = m.forward(x) as Tensor;
      assert.is(y.dtype, 'float32', m.toString());
      y.square().sum().backward();
      assert.is(x.grad!.dtype, 'float32');
      for (const p of m.parameters()) assert.is(p.grad!.dtype, 'float32', `${m.name} grad`);
    }
    for (const rnn of [new nn.RNN(3, 4, { batchFirst: true }), new nn.LSTM(3, 4), new nn.GRU(3, 4)]) {
      const [out] = rnn.forward(randn([2, 5, 3])) as unknown as [Tensor, unknown];
      assert.is(out.dtype, 'float32', rnn.name);
    }
  });
});

test('float() models run float32 inputs while the default stays float64: zero states and internal buffers follow the input', () => {
  manualSeed(4);
  const x = randn([2, 5, 3]).float();
  for (const rnn of [
    new nn.RNN(3, 4, { numLayers: 2 }),
    new nn.LSTM(3, 4, { batchFirst: true }),
    new nn.GRU(3, 4),
  ]) {
    const [out] = rnn.float().forward(x) as unknown as [Tensor, unknown];
    assert.is(out.dtype, 'float32', rnn.name);
  }
  for (const cell of [new nn.RNNCell(3, 4), new nn.LSTMCell(3, 4), new nn.LayerNormGRUCell(3, 4)]) {
    const out = cell.float().forward(randn([2, 3]).float()) as Tensor | [Tensor, Tensor];
    assert.is((Array.isArray(out) ? out[0] : out).dtype, 'float32', cell.name);
  }
  const inorm = new nn.InstanceNorm2d(3, { affine: true, trackRunningStats: true }).float();
  assert.is(inorm.forward(randn([2, 3, 4, 4]).float()).dtype, 'float32');
  assert.is(inorm.runningMean!.dtype, 'float32');
  assert.not.equal(Array.from(inorm.runningMean!.data), [0, 0, 0], 'the running statistics moved');
});

test('losses of float32 inputs are float32, with class weights, label smoothing and ignored targets, and agree with float64', () => {
  manualSeed(5);
  const x = randn([6, 4]);
  const y = tensor([0, 3, 1, -100, 2, 3]); // float64 class indices, as every index
  const w = tensor([1, 2, 0.5, 3]);
  const F = nn.functional;
  const cases: [string, (x: Tensor, w: Tensor) => Tensor][] = [
    ['crossEntropy', (x) => F.crossEntropy(x, y)],
    ['crossEntropy weight', (x, w) => F.crossEntropy(x, y, { weight: w })],
    [
      'crossEntropy smoothing',
      (x, w) => F.crossEntropy(x, y, { weight: w, labelSmoothing: 0.1, reduction: 'none' }),
    ],
    ['nllLoss', (x, w) => F.nllLoss(x.logSoftmax(1), y, { weight: w, reduction: 'sum' })],
    ['mseLoss', (x) => F.mseLoss(x, x.detach().mul(0.5))],
    ['binaryCrossEntropyWithLogits', (x) => F.binaryCrossEntropyWithLogits(x, x.detach().sigmoid())],
  ];
  for (const [name, loss] of cases) {
    const wide = loss(x, w);
    const narrow = loss(x.float(), w.float());
    assert.is(narrow.dtype, 'float32', name);
    for (let i = 0; i < wide.numel(); i++) {
      assert.ok(Math.abs(narrow.data[i]! - wide.data[i]!) <= 1e-5 * (1 + Math.abs(wide.data[i]!)), name);
    }
  }
});

test('Dropout on a float32 input draws the same mask as on float64 and stays float32', () => {
  const x = randn([4, 6]);
  manualSeed(9);
  const wide = nn.functional.dropout(x, 0.5);
  manualSeed(9);
  const narrow = nn.functional.dropout(x.float(), 0.5);
  assert.is(narrow.dtype, 'float32');
  assert.equal(Array.from(narrow.data), Array.from(wide.data, Math.fround));
});

test('a float32 model on a float64 input is refused at the first Linear, as PyTorch', () => {
  const m = new nn.Linear(3, 2).float();
  assert.throws(
    () => m.forward(randn([2, 3])),
    (e: unknown) =>
      e instanceof DTypeError && /float32/.test((e as Error).message) && /float64/.test((e as Error).message),
  );
});

test("RMSNorm's default eps is the machine epsilon of the input's dtype (2^-23 in float32)", () => {
  withDefault('float32', () => {
    const m = new nn.RMSNorm(4, { elementwiseAffine: false });
    const x = randn([2, 4]).mul(1e-4); // mean square ~1e-8, so eps = 1.2e-7 matters
    const got = m.forward(x);
    assert.equal(Array.from(got.data), Array.from(nn.functional.rmsNorm(x, 4, { eps: 2 ** -23 }).data));
    assert.not.equal(Array.from(got.data), Array.from(nn.functional.rmsNorm(x, 4, { eps: 2 ** -52 }).data));
  });
});

test('loadStateDict into a model of the other dtype copies and converts, keeping the model its dtype', () => {
  const source = mlp(4); // float64
  const target = mlp(5).float();
  const params = [...target.parameters()];
  assert.equal(target.loadStateDict(source.stateDict()), { missingKeys: [], unexpectedKeys: [] });
  assert.equal([...target.parameters()], params);
  assert.is(dtypes(target)['0.weight'], 'float32');
  const want = values(source);
  for (const [k, v] of Object.entries(values(target))) assert.equal(v, want[k]!.map(Math.fround), k);
  // and back: a float64 model loading float32 values holds them exactly
  const wide = mlp(6);
  wide.loadStateDict(target.stateDict());
  assert.equal(values(wide), values(target));
  assert.is(dtypes(wide)['0.weight'], 'float64');
});

test('a failed load into a float32 model leaves it exactly as it was, dtypes included', () => {
  const target = mlp(7).float();
  const before = values(target);
  const beforeTypes = dtypes(target);
  const sd = mlp(8).stateDict();
  sd['3.bias'] = randn([3]); // wrong shape: the whole load is refused
  assert.throws(
    () => target.loadStateDict(sd),
    (e: unknown) => e instanceof StateDictError && /size mismatch for 3\.bias/.test((e as Error).message),
  );
  assert.equal(values(target), before);
  assert.equal(dtypes(target), beforeTypes);
});

test('save writes each tensor in its own dtype; load converts into the model, both ways', () => {
  const m = mlp(9).float();
  const bytes = m.serialize();
  const { dtypes: stored, tensors } = nn.safetensors.deserialize(bytes);
  assert.is(stored['0.weight'], 'F32');
  assert.is(stored['1.num_batches_tracked'], 'I64');
  assert.is(tensors['0.weight']!.dtype, 'float32');
  const again = mlp(10).float();
  again.load(bytes);
  assert.equal(values(again), values(m));
  const wide = mlp(11);
  wide.load(bytes);
  assert.is(dtypes(wide)['0.weight'], 'float64');
  assert.equal(values(wide), values(m));
  assert.is(nn.safetensors.deserialize(m.serialize({ dtype: 'F64' })).dtypes['0.weight'], 'F64');
  assert.is(nn.safetensors.deserialize(mlp(12).serialize()).dtypes['0.weight'], 'F64');
  throwsWith(
    () => m.serialize({ dtype: 'F16' as 'F32' }),
    DTypeError,
    "safetensors.serialize: unsupported dtype F16 for '*' (F64, F32, I64 are written)",
  );
});

test('a float32 file read with the default float64 turns into float32 tensors, as safetensors.torch does', () => {
  const x = randn([2, 3]).float();
  const back = nn.safetensors.load(nn.safetensors.save({ x }));
  assert.is(back.x!.dtype, 'float32');
  assert.equal(Array.from(back.x!.data), Array.from(x.data));
  assert.ok(back.x!.data instanceof Float32Array);
});

test.run();
