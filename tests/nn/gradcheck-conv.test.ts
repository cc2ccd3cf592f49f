/** Runs the convolution tables (tests/gradcheck/conv-ops.ts, nn-conv.ts), and fails when a conv op, module or functional has no row. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeGradcheck } from '../../core/index.ts';
import * as F from '../../nn/functional/conv.ts';
import * as nn from '../../nn/index.ts';
import { convOpCases } from '../gradcheck/conv-ops.ts';
import { nnConvCases } from '../gradcheck/nn-conv.ts';
import { runRow } from '../gradcheck/table.ts';

for (const row of [...convOpCases, ...nnConvCases]) {
  test(`gradcheck: ${row.name}`, () => {
    const { first, second } = runRow(row);
    assert.ok(first.ok, describeGradcheck(first));
    assert.ok(first.checked > 0, 'something was compared');
    if (second !== null) assert.ok(second.ok, `gradgradcheck: ${describeGradcheck(second)}`);
  });
}

test('every conv and pooling module has a train and an eval row, every functional a row', () => {
  const missing: string[] = [];
  for (const M of [nn.Conv1d, nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d]) {
    for (const mode of ['train', 'eval']) {
      if (!nnConvCases.some((r) => r.covers === M.name && r.name.endsWith(`(${mode})`)))
        missing.push(`${M.name} (${mode})`);
    }
  }
  for (const f of Object.keys(F)) if (!convOpCases.some((r) => r.covers === f)) missing.push(f);
  assert.equal(missing, []);
});

test.run();
