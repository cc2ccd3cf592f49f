/** Runs every row of tests/gradcheck/nn-layers.ts, and fails when a layer, loss or functional has no row. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeGradcheck } from '../../core/index.ts';
import * as activation from '../../nn/functional/activation.ts';
import * as dropout from '../../nn/functional/dropout.ts';
import * as linear from '../../nn/functional/linear.ts';
import * as loss from '../../nn/functional/loss.ts';
import * as nn from '../../nn/index.ts';
import { nnConvCases } from '../gradcheck/nn-conv.ts';
import { nnLayerCases } from '../gradcheck/nn-layers.ts';
import { nnNormFamilyCases } from '../gradcheck/nn-norm-family.ts';
import { nnNormRnnCases } from '../gradcheck/nn-norm-rnn.ts';
import { runRow } from '../gradcheck/table.ts';

for (const row of nnLayerCases) {
  test(`gradcheck: ${row.name}`, () => {
    const { first, second } = runRow(row);
    assert.ok(first.ok, describeGradcheck(first));
    if (second !== null) assert.ok(second.ok, `gradgradcheck: ${describeGradcheck(second)}`);
  });
}

/** The modules this table owns (BatchNorm, LayerNorm and the recurrent modules have their own). */
const MODULES = [
  nn.Linear,
  nn.Identity,
  nn.Sigmoid,
  nn.Tanh,
  nn.ReLU,
  nn.LeakyReLU,
  nn.Softmax,
  nn.LogSoftmax,
  nn.Flatten,
  nn.Sequential,
  nn.Dropout,
  nn.MSELoss,
  nn.CrossEntropyLoss,
  nn.NLLLoss,
  nn.BCELoss,
  nn.BCEWithLogitsLoss,
];

test('every module appears in train and eval mode, every functional at least once', () => {
  const rows = (covers: string) => nnLayerCases.filter((r) => r.covers === covers).map((r) => r.name);
  for (const M of MODULES) {
    const names = rows(M.name);
    assert.ok(
      names.some((n) => n.endsWith('(train)')),
      `${M.name} has no train-mode row`,
    );
    assert.ok(
      names.some((n) => n.endsWith('(eval)')),
      `${M.name} has no eval-mode row`,
    );
  }
  const functionals = Object.entries({ ...activation, ...dropout, ...linear, ...loss })
    .filter(([, v]) => typeof v === 'function')
    .map(([k]) => k);
  const missing = functionals.filter((f) => rows(f).length === 0);
  assert.equal(missing, [], `functionals missing from tests/gradcheck/nn-layers.ts: ${missing.join(', ')}`);
  assert.ok(
    rows('Linear').length > 0 && nnLayerCases.filter((r) => r.covers === 'Linear').every((r) => r.gradgrad),
  );
});

test('every module class exported by nn is covered by a gradient-check table', () => {
  // Static imports (not loadTables' dynamic import), so the tables share this file's module instances.
  const covered = new Set(
    [...nnLayerCases, ...nnNormRnnCases, ...nnNormFamilyCases, ...nnConvCases].map((r) => r.covers),
  );
  const NOT_DIFFERENTIABLE = new Set(['Module', 'ModuleList']);
  const missing = Object.entries(nn)
    .filter(([k, v]) => typeof v === 'function' && /^[A-Z]/.test(k) && !k.startsWith('_'))
    .filter(
      ([k, v]) => (v as { prototype: unknown }).prototype instanceof nn.Module && !NOT_DIFFERENTIABLE.has(k),
    )
    .map(([k]) => k)
    .filter((k) => !covered.has(k));
  assert.equal(missing, [], `modules without a gradient-check row: ${missing.join(', ')}`);
});

test.run();
