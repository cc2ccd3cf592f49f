import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeGradcheck } from '../../core/index.ts';
import * as groupNormFns from '../../nn/functional/group-norm.ts';
import * as rmsNormFns from '../../nn/functional/rms-norm.ts';
import * as groupnorm from '../../nn/groupnorm.ts';
import * as instancenorm from '../../nn/instancenorm.ts';
import * as rmsnorm from '../../nn/rmsnorm.ts';
import * as weightNormFns from '../../nn/utils/weight-norm.ts';
import { nnNormFamilyCases } from '../gradcheck/nn-norm-family.ts';
import { runRow } from '../gradcheck/table.ts';

for (const row of nnNormFamilyCases) {
  test(`gradcheck: ${row.name}`, () => {
    const { first, second } = runRow(row);
    assert.ok(first.ok, describeGradcheck(first));
    assert.ok(first.checked > 0, 'something was compared');
    if (second !== null) assert.ok(second.ok, `gradgradcheck: ${describeGradcheck(second)}`);
  });
}

/** Exported functions that are input checks, not differentiable maps. */
const NOT_DIFFERENTIABLE = new Set(['checkGroupSize', 'checkSpatialSize', 'removeWeightNorm']);

const exported = (mod: Record<string, unknown>) =>
  Object.entries(mod)
    .filter(([name, v]) => typeof v === 'function' && !name.startsWith('_') && !NOT_DIFFERENTIABLE.has(name))
    .map(([name]) => name);

test('every module of the family is in the table in train and eval mode, with a gradgrad row', () => {
  const modules = [groupnorm, instancenorm, rmsnorm].flatMap(exported);
  assert.equal(modules, ['GroupNorm', 'InstanceNorm1d', 'InstanceNorm2d', 'RMSNorm']);
  for (const name of [...modules, 'LayerNorm', 'weightNorm']) {
    for (const mode of ['train', 'eval']) {
      const rows = nnNormFamilyCases.filter((r) => r.covers === name && r.name.endsWith(`(${mode})`));
      assert.ok(rows.length > 0, `${name} (${mode}) has a row`);
      assert.ok(
        rows.some((r) => r.gradgrad),
        `${name} (${mode}) has a gradgradcheck row`,
      );
    }
  }
});

test('every functional form of the family is in the table', () => {
  const functions = [groupNormFns, rmsNormFns, weightNormFns].flatMap(exported);
  assert.equal(functions, ['groupNorm', 'instanceNorm', 'rmsNorm', 'weightNorm']);
  const missing = functions.filter((f) => !nnNormFamilyCases.some((r) => r.covers === f));
  assert.equal(missing, []);
});

test.run();
