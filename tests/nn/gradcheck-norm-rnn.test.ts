import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeGradcheck } from '../../core/index.ts';
import * as batchnorm from '../../nn/batchnorm.ts';
import * as normalization from '../../nn/functional/normalization.ts';
import * as recurrent from '../../nn/functional/recurrent.ts';
import * as layernorm from '../../nn/layernorm.ts';
import * as rnn from '../../nn/rnn.ts';
import * as cells from '../../nn/rnn-cells.ts';
import { nnNormRnnCases } from '../gradcheck/nn-norm-rnn.ts';
import { runRow } from '../gradcheck/table.ts';

for (const row of nnNormRnnCases) {
  test(`gradcheck: ${row.name}`, () => {
    const { first, second } = runRow(row);
    assert.ok(first.ok, describeGradcheck(first));
    assert.ok(first.checked > 0, 'something was compared');
    if (second !== null) assert.ok(second.ok, `gradgradcheck: ${describeGradcheck(second)}`);
  });
}

/** Exported functions that are checks, not differentiable maps. */
const NOT_DIFFERENTIABLE = new Set(['checkNonlinearity', 'cellNorm']);

test('every module (in train and eval mode) and every functional form is in the table', () => {
  const exported = (mod: Record<string, unknown>) =>
    Object.entries(mod)
      .filter(
        ([name, v]) => typeof v === 'function' && !name.startsWith('_') && !NOT_DIFFERENTIABLE.has(name),
      )
      .map(([name]) => name);
  const modules = [batchnorm, layernorm, cells, rnn].flatMap(exported);
  const functions = [normalization, recurrent].flatMap(exported);
  assert.ok(modules.length === 12 && functions.length === 8, `found ${modules} and ${functions}`);
  const missing: string[] = [];
  for (const name of modules) {
    for (const mode of ['train', 'eval']) {
      if (!nnNormRnnCases.some((r) => r.covers === name && r.name.endsWith(`(${mode})`))) {
        missing.push(`${name} (${mode})`);
      }
    }
  }
  for (const name of functions) if (!nnNormRnnCases.some((r) => r.covers === name)) missing.push(name);
  assert.equal(missing, []);
  for (const name of ['BatchNorm1d', 'BatchNorm2d', 'LayerNorm']) {
    for (const mode of ['train', 'eval']) {
      assert.ok(
        nnNormRnnCases.some((r) => r.covers === name && r.gradgrad && r.name.endsWith(`(${mode})`)),
        `${name} (${mode}) has a gradgradcheck row`,
      );
    }
  }
});

test.run();
