import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { manualSeed, ShapeError, stack, type Tensor, tensor, ValueError } from '../../core/index.ts';
import {
  type _RNNCellBase,
  GRUCell,
  LayerNormGRUCell,
  LayerNormLSTMCell,
  LayerNormRNNCell,
  LSTMCell,
  RNNCell,
} from '../../nn/rnn-cells.ts';
import { assertClose, type FixtureTensor, loadFixture, toTensor } from '../helpers/fixtures.ts';
import { randomInput } from './norm-helpers.ts';

/** A cell unrolled over xs in PyTorch's fixtures: nn.json (params as fields) or norm_rnn.json (params by name). */
interface CellCase {
  name: string;
  module: string;
  kind?: string;
  options: { input_size: number; hidden_size: number; bias: boolean; nonlinearity?: 'tanh' | 'relu' };
  params?: Record<string, FixtureTensor>;
  grads?: Record<string, FixtureTensor>;
  xs: FixtureTensor;
  h0: FixtureTensor;
  c0: FixtureTensor | null;
  hs: FixtureTensor;
  cs: FixtureTensor | null;
  gs: FixtureTensor;
  loss: number;
  grad_xs: FixtureTensor;
  grad_h0: FixtureTensor;
  grad_c0: FixtureTensor | null;
  [field: string]: unknown;
}

const PARAMS = ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'];
const CELLS = ['RNNCell', 'LSTMCell', 'GRUCell'];

/** nn.json keeps the parameters as fields (`weight_ih`, `grad_weight_ih`); make them a name -> tensor map. */
function paramsOf(c: CellCase): {
  params: Record<string, FixtureTensor>;
  grads: Record<string, FixtureTensor>;
} {
  if (c.params !== undefined) return { params: c.params, grads: c.grads! };
  const params: Record<string, FixtureTensor> = {};
  const grads: Record<string, FixtureTensor> = {};
  for (const p of PARAMS) {
    params[p] = c[p] as FixtureTensor;
    grads[p] = c[`grad_${p}`] as FixtureTensor;
  }
  return { params, grads };
}

function makeCell(c: CellCase): _RNNCellBase {
  const o = c.options;
  const opts = { bias: o.bias, nonlinearity: o.nonlinearity ?? 'tanh' };
  switch (c.module) {
    case 'RNNCell':
      return new RNNCell(o.input_size, o.hidden_size, opts);
    case 'LSTMCell':
      return new LSTMCell(o.input_size, o.hidden_size, opts);
    case 'GRUCell':
      return new GRUCell(o.input_size, o.hidden_size, opts);
    case 'LayerNormRNNCell':
      return new LayerNormRNNCell(o.input_size, o.hidden_size, opts);
    case 'LayerNormLSTMCell':
      return new LayerNormLSTMCell(o.input_size, o.hidden_size, opts);
    case 'LayerNormGRUCell':
      return new LayerNormGRUCell(o.input_size, o.hidden_size, opts);
    default:
      throw new Error(`no cell ${c.module}`);
  }
}

const cases = [
  ...loadFixture<CellCase>('nn').cases.filter((c) => CELLS.includes(c.module)),
  ...loadFixture<CellCase>('norm_rnn').cases.filter((c) => c.kind === 'cell' || c.kind === 'ln_cell'),
];

test('the fixtures hold every cell, plain and layer-normalized, batched and not', () => {
  assert.equal(
    cases.map((c) => c.name),
    [
      'rnncell_tanh',
      'rnncell_relu',
      'lstmcell',
      'grucell',
      'lstmcell_unbatched_no_bias',
      'grucell_unbatched_no_bias',
      'rnncell_relu_unbatched',
      'ln_rnncell_tanh',
      'ln_rnncell_relu_no_bias',
      'ln_lstmcell',
      'ln_grucell',
      'ln_grucell_unbatched',
    ],
  );
});

for (const c of cases) {
  test(`${c.name}: hidden states and gradients over ${c.xs.shape[0]} steps match the reference`, () => {
    const cell = makeCell(c);
    const { params, grads } = paramsOf(c);
    const sd = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, toTensor(v)]));
    cell.loadStateDict(sd); // strict: the names and shapes are the reference's
    const xs = toTensor(c.xs, true);
    const h0 = toTensor(c.h0, true);
    const c0 = c.c0 === null ? null : toTensor(c.c0, true);
    let h: Tensor = h0;
    let cc: Tensor | null = c0;
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    for (let t = 0; t < xs.shape[0]!; t++) {
      const x = xs.select(0, t);
      if (cc === null) h = (cell as RNNCell).forward(x, h);
      else {
        [h, cc] = (cell as LSTMCell).forward(x, [h, cc]);
        cs.push(cc);
      }
      hs.push(h);
    }
    const stacked = stack(hs, 0);
    const loss = stacked.mul(toTensor(c.gs)).sum();
    loss.backward();
    assertClose(stacked, c.hs, 'hs');
    if (c.cs !== null) assertClose(stack(cs, 0), c.cs, 'cs');
    assert.ok(Math.abs(loss.item() - c.loss) <= 1e-10 * Math.abs(c.loss), `loss ${loss.item()} vs ${c.loss}`);
    assertClose(xs.grad, c.grad_xs, 'grad_xs');
    assertClose(h0.grad, c.grad_h0, 'grad_h0');
    if (c0 !== null) assertClose(c0.grad, c.grad_c0!, 'grad_c0');
    const named = Object.fromEntries(cell.namedParameters());
    assert.equal(Object.keys(named), Object.keys(grads), 'parameter names');
    for (const [k, g] of Object.entries(grads)) assertClose(named[k]!.grad, g, `grad ${k}`);
  });
}

test("parameter names, shapes and init are PyTorch's: U(-1/sqrt(hidden), 1/sqrt(hidden))", () => {
  manualSeed(3);
  const hidden = 16;
  const shapes = (m: _RNNCellBase) => Object.entries(m.stateDict()).map(([k, v]) => [k, [...v.shape]]);
  assert.equal(shapes(new RNNCell(5, hidden)), [
    ['weight_ih', [16, 5]],
    ['weight_hh', [16, 16]],
    ['bias_ih', [16]],
    ['bias_hh', [16]],
  ]);
  assert.equal(shapes(new LSTMCell(5, hidden, { bias: false })), [
    ['weight_ih', [64, 5]],
    ['weight_hh', [64, 16]],
  ]);
  assert.equal(shapes(new LayerNormLSTMCell(5, hidden)), [
    ['weight_ih', [64, 5]],
    ['weight_hh', [64, 16]],
    ['bias_ih', [64]],
    ['bias_hh', [64]],
    ['ln_ih.weight', [64]],
    ['ln_hh.weight', [64]],
    ['ln_c.weight', [16]],
    ['ln_c.bias', [16]],
  ]);
  assert.equal(shapes(new LayerNormGRUCell(5, hidden)).slice(4), [
    ['ln_ih.weight', [48]],
    ['ln_hh.weight', [48]],
  ]);
  assert.equal(shapes(new LayerNormRNNCell(5, hidden)).slice(4), [['ln.weight', [16]]]);
  const gru = new GRUCell(5, hidden);
  const all = [...gru.parameters()].flatMap((p) => Array.from(p.data));
  const k = 1 / Math.sqrt(hidden);
  assert.ok(
    all.every((v) => v >= -k && v < k),
    'inside the bound',
  );
  assert.ok(Math.max(...all) > 0.9 * k && Math.min(...all) < -0.9 * k, 'and spread over it');
  const ln = new LayerNormLSTMCell(5, hidden);
  ln.lnC.weight!.data.fill(3);
  ln.lnC.bias!.data.fill(3);
  const before = Array.from(ln.weightIh.data);
  ln.resetParameters();
  assert.ok(ln.lnC.weight!.data.every((v) => v === 1) && ln.lnC.bias!.data.every((v) => v === 0), 'LN reset');
  assert.ok(
    ln.lnIh.weight!.data.every((v) => v === 1),
    'gains reset',
  );
  assert.not.equal(Array.from(ln.weightIh.data), before, 'weights redrawn');
});

test('the state defaults to zeros', () => {
  const x = randomInput([3, 2], 31);
  for (const cell of [
    new RNNCell(2, 4),
    new GRUCell(2, 4),
    new LayerNormRNNCell(2, 4),
    new LayerNormGRUCell(2, 4),
  ]) {
    const run = cell as RNNCell;
    assertClose(run.forward(x), run.forward(x, tensor(new Array(12).fill(0), { shape: [3, 4] })), cell.name);
  }
  for (const cell of [new LSTMCell(2, 4), new LayerNormLSTMCell(2, 4)]) {
    const run = cell as LSTMCell;
    const zero = tensor(new Array(4).fill(0));
    const [h1, c1] = run.forward(x.select(0, 0));
    const [h2, c2] = run.forward(x.select(0, 0), [zero, zero]);
    assertClose(h1, h2, `${cell.name} h`);
    assertClose(c1, c2, `${cell.name} c`);
  }
});

test("layer-normalized cells: each step's normalized pre-activation does not depend on the scale of the weights", () => {
  // Scaling W_ih and W_hh together scales x W_ihᵀ + h W_hhᵀ, which LN undoes: the invariance of Ba et al., sec. 5.
  const x = randomInput([3, 2], 32);
  const h = randomInput([3, 4], 33);
  const cell = new LayerNormRNNCell(2, 4, { eps: 1e-14 }); // ε would break the invariance by ~ε/σ²
  const plain = new RNNCell(2, 4);
  const y1 = cell.forward(x, h);
  const p1 = plain.forward(x, h);
  for (const w of [cell.weightIh, cell.weightHh, plain.weightIh, plain.weightHh])
    for (let i = 0; i < w.numel(); i++) w.data[i]! *= 5;
  assertClose(cell.forward(x, h), y1, 'LN cell', 1e-10, 1e-12);
  assert.ok(Math.abs(plain.forward(x, h).data[0]! - p1.data[0]!) > 1e-3, 'the plain cell does change');
});

test('toString prints the configuration as PyTorch does', () => {
  assert.is(new RNNCell(3, 4).toString(), 'RNNCell(3, 4)');
  assert.is(
    new RNNCell(3, 4, { bias: false, nonlinearity: 'relu' }).toString(),
    'RNNCell(3, 4, bias=False, nonlinearity=relu)',
  );
  assert.is(new LSTMCell(10, 20).toString(), 'LSTMCell(10, 20)');
  assert.is(new GRUCell(3, 4, { bias: false }).toString(), 'GRUCell(3, 4, bias=False)');
  assert.is(
    new LayerNormLSTMCell(3, 4).toString(),
    [
      'LayerNormLSTMCell(',
      '  3, 4',
      '  (ln_ih): LayerNorm((16,), eps=1e-05, elementwise_affine=True, bias=False)',
      '  (ln_hh): LayerNorm((16,), eps=1e-05, elementwise_affine=True, bias=False)',
      '  (ln_c): LayerNorm((4,), eps=1e-05, elementwise_affine=True)',
      ')',
    ].join('\n'),
  );
  assert.is(
    new LayerNormRNNCell(3, 4, { nonlinearity: 'relu', eps: 1e-3 }).toString(),
    'LayerNormRNNCell(\n  3, 4, nonlinearity=relu\n  (ln): LayerNorm((4,), eps=0.001, elementwise_affine=True, bias=False)\n)',
  );
});

const throwsWith = (fn: () => unknown, kind: typeof ShapeError | typeof ValueError, message: string) =>
  assert.throws(fn, (e: unknown) => e instanceof kind && (e as Error).message === message);

test('errors name the cell, the argument and the shapes', () => {
  throwsWith(
    () => new RNNCell(3, 4).forward(randomInput([2, 5], 34)),
    ShapeError,
    'RNNCell: expected input of shape [N, 3] or [3] (inputSize = 3), got [2, 5]',
  );
  throwsWith(
    () => new GRUCell(3, 4).forward(randomInput([2, 2, 3], 34)),
    ShapeError,
    'GRUCell: expected input of shape [N, 3] or [3] (inputSize = 3), got [2, 2, 3]',
  );
  throwsWith(
    () => new LayerNormGRUCell(3, 4).forward(randomInput([2, 3], 34), randomInput([2, 5], 35)),
    ShapeError,
    'LayerNormGRUCell: expected hx of shape [2, 4] (hiddenSize = 4), got [2, 5]',
  );
  throwsWith(
    () =>
      new LSTMCell(3, 4).forward(randomInput([2, 3], 34), [randomInput([2, 4], 35), randomInput([3, 4], 36)]),
    ShapeError,
    'LSTMCell: expected cx of shape [2, 4] (hiddenSize = 4), got [3, 4]',
  );
  throwsWith(
    () =>
      new LayerNormLSTMCell(3, 4).forward(randomInput([3], 34), [
        randomInput([2, 4], 35),
        randomInput([4], 36),
      ]),
    ShapeError,
    'LayerNormLSTMCell: expected hx of shape [4] (hiddenSize = 4), got [2, 4]',
  );
  throwsWith(
    () => new RNNCell(3, 4, { nonlinearity: 'sigmoid' as 'tanh' }),
    ValueError,
    "RNNCell: unknown nonlinearity 'sigmoid' (expected 'tanh' or 'relu')",
  );
  throwsWith(
    () => new LayerNormRNNCell(3, 4, { nonlinearity: 'gelu' as 'tanh' }),
    ValueError,
    "LayerNormRNNCell: unknown nonlinearity 'gelu' (expected 'tanh' or 'relu')",
  );
  throwsWith(() => new LSTMCell(0, 4), ValueError, 'LSTMCell: inputSize must be a positive integer, got 0');
  throwsWith(
    () => new GRUCell(3, 2.5),
    ValueError,
    'GRUCell: hiddenSize must be a positive integer, got 2.5',
  );
});

test.run();
