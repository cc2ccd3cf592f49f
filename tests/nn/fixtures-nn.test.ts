/** Linear and every loss against PyTorch's values and gradients (tests/fixtures/nn.json), to 1e-10. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Tensor } from '../../core/index.ts';
import * as nn from '../../nn/index.ts';
import { assertClose, type FixtureTensor, loadFixture, toTensor } from '../helpers/fixtures.ts';

interface NNCase {
  name: string;
  module: string;
  options: Record<string, unknown>;
  [field: string]: unknown;
}

const cases = loadFixture<NNCase>('nn').cases;
const T = (c: NNCase, field: string, requiresGrad = false) =>
  toTensor(c[field] as FixtureTensor, requiresGrad);
const opt = (c: NNCase, key: string) =>
  c.options[key] === null || c.options[key] === undefined ? null : toTensor(c.options[key] as FixtureTensor);

for (const c of cases.filter((c) => c.module === 'Linear')) {
  test(`${c.name}: Linear output and gradients`, () => {
    const o = c.options as { in_features: number; out_features: number; bias: boolean };
    const layer = new nn.Linear(o.in_features, o.out_features, { bias: o.bias });
    layer.loadStateDict({ weight: T(c, 'weight'), bias: T(c, 'bias') });
    const x = T(c, 'input', true);
    const y = layer.forward(x);
    assertClose(y, c.output as FixtureTensor, 'output');
    y.backward(T(c, 'grad_out'));
    assertClose(x.grad, c.grad_input as FixtureTensor, 'grad_input');
    assertClose(layer.weight.grad, c.grad_weight as FixtureTensor, 'grad_weight');
    assertClose(layer.bias!.grad, c.grad_bias as FixtureTensor, 'grad_bias');
  });
}

function lossModule(c: NNCase): nn.Module {
  const reduction = c.options.reduction as nn.functional.Reduction;
  const weight = opt(c, 'weight');
  switch (c.module) {
    case 'MSELoss':
      return new nn.MSELoss({ reduction });
    case 'CrossEntropyLoss':
      return new nn.CrossEntropyLoss({
        reduction,
        weight,
        ignoreIndex: c.options.ignore_index as number,
        labelSmoothing: c.options.label_smoothing as number,
      });
    case 'NLLLoss':
      return new nn.NLLLoss({ reduction, weight, ignoreIndex: c.options.ignore_index as number });
    case 'BCELoss':
      return new nn.BCELoss({ reduction, weight });
    case 'BCEWithLogitsLoss':
      return new nn.BCEWithLogitsLoss({ reduction, weight, posWeight: opt(c, 'pos_weight') });
    default:
      throw new Error(`unknown loss ${c.module}`);
  }
}

const LOSSES = new Set(['MSELoss', 'CrossEntropyLoss', 'NLLLoss', 'BCELoss', 'BCEWithLogitsLoss']);
for (const c of cases.filter((c) => LOSSES.has(c.module))) {
  test(`${c.name}: ${c.module} value and input gradient`, () => {
    const loss = lossModule(c);
    const x = T(c, 'input', true);
    const out = loss.forward(x, T(c, 'target')) as Tensor;
    assertClose(out, c.output as FixtureTensor, 'output');
    out.backward(T(c, 'grad_out'));
    assertClose(x.grad, c.grad_input as FixtureTensor, 'grad_input');
  });
}

test('the fixtures cover every loss with every reduction', () => {
  for (const m of LOSSES) {
    const reductions = new Set(cases.filter((c) => c.module === m).map((c) => c.options.reduction));
    assert.equal([...reductions].sort(), ['mean', 'none', 'sum'], m);
  }
});

test.run();
