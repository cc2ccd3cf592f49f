import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ShapeError, stack, type Tensor, ValueError, zeros } from '../../core/index.ts';
import { type _RNNBase, GRU, LSTM, RNN } from '../../nn/rnn.ts';
import { GRUCell, LayerNormLSTMCell } from '../../nn/rnn-cells.ts';
import { assertClose, type FixtureTensor, loadFixture, toTensor } from '../helpers/fixtures.ts';
import { throwsWith } from '../helpers/throws.ts';
import { randomInput } from './norm-helpers.ts';

interface SeqCase {
  name: string;
  kind: string;
  module: string;
  options: {
    input_size: number;
    hidden_size: number;
    num_layers?: number;
    bias?: boolean;
    batch_first?: boolean;
    nonlinearity?: 'tanh' | 'relu';
    layer_norm?: boolean;
  };
  params: Record<string, FixtureTensor>;
  input: FixtureTensor;
  h0: FixtureTensor | null;
  c0: FixtureTensor | null;
  output: FixtureTensor;
  h_n: FixtureTensor;
  c_n: FixtureTensor | null;
  grad_output: FixtureTensor;
  grad_h_n: FixtureTensor;
  grad_c_n: FixtureTensor | null;
  grad_input: FixtureTensor;
  grad_h0: FixtureTensor | null;
  grad_c0: FixtureTensor | null;
  grads: Record<string, FixtureTensor>;
}

const cases = loadFixture<SeqCase>('norm_rnn').cases.filter(
  (c) => c.kind === 'sequence' || c.kind === 'ln_sequence',
);

test('the fixtures hold RNN, LSTM and GRU: layers, batchFirst, no bias, unbatched, layer norm', () => {
  assert.equal(
    cases.map((c) => c.name),
    [
      'rnn_tanh_2layers',
      'rnn_relu_batch_first_no_h0',
      'lstm_2layers_batch_first',
      'lstm_no_bias_no_h0',
      'gru_2layers',
      'gru_unbatched',
      'ln_rnn_2layers',
      'ln_lstm_2layers',
      'ln_gru_2layers',
    ],
  );
});

for (const c of cases) {
  test(`${c.name}: output, final states and every gradient match the reference`, () => {
    const o = c.options;
    const opts = {
      numLayers: o.num_layers ?? 1,
      bias: o.bias ?? true,
      batchFirst: o.batch_first ?? false,
      layerNorm: o.layer_norm ?? false,
    };
    const m: _RNNBase =
      c.module === 'LSTM'
        ? new LSTM(o.input_size, o.hidden_size, opts)
        : c.module === 'GRU'
          ? new GRU(o.input_size, o.hidden_size, opts)
          : new RNN(o.input_size, o.hidden_size, { ...opts, nonlinearity: o.nonlinearity ?? 'tanh' });
    // strict: PyTorch's own state dict (weight_ih_l0, ...) loads as it is
    m.loadStateDict(Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, toTensor(v)])));
    const x = toTensor(c.input, true);
    const h0 = c.h0 === null ? null : toTensor(c.h0, true);
    const c0 = c.c0 === null ? null : toTensor(c.c0, true);
    let out: { output: Tensor; h: Tensor; c?: Tensor };
    if (m instanceof LSTM) out = m.forward(x, h0 === null ? null : [h0, c0!]);
    else out = (m as RNN).forward(x, h0);
    let loss = out.output
      .mul(toTensor(c.grad_output))
      .sum()
      .add(out.h.mul(toTensor(c.grad_h_n)).sum());
    if (out.c !== undefined) loss = loss.add(out.c.mul(toTensor(c.grad_c_n!)).sum());
    loss.backward();
    assertClose(out.output, c.output, 'output');
    assertClose(out.h, c.h_n, 'h_n');
    if (c.c_n !== null) assertClose(out.c!, c.c_n, 'c_n');
    assertClose(x.grad, c.grad_input, 'grad_input');
    if (h0 !== null) assertClose(h0.grad, c.grad_h0!, 'grad_h0');
    if (c0 !== null) assertClose(c0.grad, c.grad_c0!, 'grad_c0');
    const named = Object.fromEntries(m.namedParameters());
    assert.equal(Object.keys(named).sort(), Object.keys(c.grads).sort(), 'parameter names');
    for (const [k, g] of Object.entries(c.grads)) assertClose(named[k]!.grad, g, `grad ${k}`);
  });
}

test('a one-layer sequence module is its cell unrolled, with the same weights under _l0 names', () => {
  const x = randomInput([4, 2, 3], 41);
  const lstm = new LSTM(3, 5, { layerNorm: true });
  const cell = new LayerNormLSTMCell(3, 5);
  const sd = lstm.stateDict();
  cell.loadStateDict(
    Object.fromEntries(Object.entries(sd).map(([k, v]) => [k.replace(/_l0(?=\.|$)/, ''), v])),
  );
  let state: [Tensor, Tensor] = [zeros([2, 5]), zeros([2, 5])];
  const hs: Tensor[] = [];
  for (let t = 0; t < 4; t++) {
    state = cell.forward(x.select(0, t), state);
    hs.push(state[0]);
  }
  const { output, h, c } = lstm.forward(x);
  assertClose(output, stack(hs, 0), 'output');
  assertClose(h, state[0].unsqueeze(0), 'h');
  assertClose(c, state[1].unsqueeze(0), 'c');

  const gru = new GRU(3, 5, { batchFirst: true });
  const gcell = new GRUCell(3, 5);
  gcell.loadStateDict(
    Object.fromEntries(Object.entries(gru.stateDict()).map(([k, v]) => [k.replace('_l0', ''), v])),
  );
  const xb = randomInput([2, 4, 3], 42);
  let hb = zeros([2, 5]);
  for (let t = 0; t < 4; t++) hb = gcell.forward(xb.select(1, t), hb);
  assertClose(gru.forward(xb).output.select(1, 3), hb, 'batchFirst: last step on dim 1');
});

test("state-dict names and shapes are PyTorch's, plus ln_*_lk gains with layerNorm", () => {
  const shapes = (m: _RNNBase) => Object.entries(m.stateDict()).map(([k, v]) => `${k} ${v.shape.join('x')}`);
  assert.equal(shapes(new LSTM(3, 4, { numLayers: 2, bias: false })), [
    'weight_ih_l0 16x3',
    'weight_hh_l0 16x4',
    'weight_ih_l1 16x4',
    'weight_hh_l1 16x4',
  ]);
  assert.equal(shapes(new GRU(3, 4, { layerNorm: true })), [
    'weight_ih_l0 12x3',
    'weight_hh_l0 12x4',
    'bias_ih_l0 12',
    'bias_hh_l0 12',
    'ln_ih_l0.weight 12',
    'ln_hh_l0.weight 12',
  ]);
  assert.equal(shapes(new RNN(3, 4, { layerNorm: true })).slice(4), ['ln_l0.weight 4']);
  const k = 0.5;
  const rnn = new RNN(3, 4, { numLayers: 3 });
  for (const p of rnn.parameters()) assert.ok(p.data.every((v) => v >= -k && v < k));
  const lstm = new LSTM(3, 4, { layerNorm: true });
  const gain = Object.fromEntries(lstm.namedParameters())['ln_c_l0.weight']!;
  gain.data.fill(2);
  lstm.resetParameters();
  assert.ok(
    gain.data.every((v) => v === 1),
    'resetParameters resets the LN gains too',
  );
});

test('toString prints the configuration as PyTorch does', () => {
  assert.is(new LSTM(10, 20, { numLayers: 2 }).toString(), 'LSTM(10, 20, num_layers=2)');
  assert.is(
    new GRU(3, 4, { bias: false, batchFirst: true }).toString(),
    'GRU(3, 4, bias=False, batch_first=True)',
  );
  assert.is(new RNN(3, 4, { nonlinearity: 'relu' }).toString(), 'RNN(3, 4, nonlinearity=relu)');
  assert.is(
    new RNN(3, 4, { layerNorm: true }).toString(),
    'RNN(\n  3, 4\n  (ln_l0): LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=False)\n)',
  );
});

test('errors name the module, the argument and the shapes', () => {
  throwsWith(
    () => new RNN(3, 4).forward(randomInput([5, 2, 4], 43)),
    ShapeError,
    'RNN: expected input of shape [T, N, 3] or [T, 3] (inputSize = 3), got [5, 2, 4]',
  );
  throwsWith(
    () => new GRU(3, 4, { batchFirst: true }).forward(randomInput([3], 43)),
    ShapeError,
    'GRU: expected input of shape [N, T, 3] or [T, 3] (inputSize = 3), got [3]',
  );
  throwsWith(
    () => new GRU(3, 4).forward(randomInput([0, 2, 3], 43)),
    ShapeError,
    'GRU: expected at least one time step, got input of shape [0, 2, 3]',
  );
  throwsWith(
    () => new RNN(3, 4, { numLayers: 2 }).forward(randomInput([5, 2, 3], 43), randomInput([1, 2, 4], 44)),
    ShapeError,
    'RNN: expected hx of shape [2, 2, 4] (numLayers, batch, hiddenSize), got [1, 2, 4]',
  );
  throwsWith(
    () =>
      new LSTM(3, 4).forward(randomInput([5, 3], 43), [randomInput([1, 4], 44), randomInput([1, 2, 4], 45)]),
    ShapeError,
    'LSTM: expected c0 of shape [1, 4] (numLayers, hiddenSize), got [1, 2, 4]',
  );
  throwsWith(
    () => new LSTM(3, 4, { numLayers: 0 }),
    ValueError,
    'LSTM: numLayers must be a positive integer, got 0',
  );
  throwsWith(
    () => new RNN(3, 4, { nonlinearity: 'elu' as 'relu' }),
    ValueError,
    "RNN: unknown nonlinearity 'elu' (expected 'tanh' or 'relu')",
  );
});

test.run();
