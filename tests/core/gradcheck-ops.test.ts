import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as core from '../../core/index.ts';
import { describeGradcheck } from '../../core/index.ts';
import { convOpCases } from '../gradcheck/conv-ops.ts';
import { opCases } from '../gradcheck/ops.ts';
import { runRow } from '../gradcheck/table.ts';

for (const row of opCases) {
  test(`gradcheck: ${row.name}`, () => {
    const { first, second } = runRow(row);
    assert.ok(first.ok, describeGradcheck(first));
    if (second !== null) assert.ok(second.ok, `gradgradcheck: ${describeGradcheck(second)}`);
  });
}

/** Exports of core that are not differentiable ops (creation, engine, errors, non-differentiable helpers). */
const NOT_OPS = new Set([
  'tensor',
  'zeros',
  'ones',
  'full',
  'zerosLike',
  'onesLike',
  'fullLike',
  'arange',
  'linspace',
  'eye',
  'rand',
  'randn',
  'randint',
  'randperm',
  'bernoulli',
  'backward',
  'grad',
  'noGrad',
  'enableGrad',
  'withGradMode',
  'isGradEnabled',
  'detectAnomaly',
  'setDetectAnomaly',
  'isAnomalyEnabled',
  'withScope',
  'Node',
  'gradcheck',
  'gradgradcheck',
  'describeGradcheck',
  'fmtShape',
  'manualSeed',
  'Generator',
  'defaultGenerator',
  'Tensor',
  'sign',
  'emptyPool',
  'pooledByteCount',
  'checkBatchNormInput',
  'checkLayerNormInput',
  'checkClassTargets',
  'broadcastShapes',
  'sameShape',
  // version counters and the plain-JavaScript boundary's checks
  'bumpVersion',
  'versionOf',
  'savesOutput',
  'namedTuple',
  'checkBoolean',
  'checkChoice',
  'checkNumber',
  'checkOptionalTensor',
  'checkOptions',
  'checkTensor',
  'checkTensorLike',
  'describeValue',
  'suggest',
  'getBackend',
  'setBackend',
  'getNumThreads',
  'setNumThreads',
  // dtypes: settings and checks, not ops (cast has rows)
  'checkDtype',
  'checkSameDtype',
  'getDefaultDtype',
  'setDefaultDtype',
  'promoteTypes',
]);
/** The differentiable in-place Tensor methods (rows in tests/gradcheck/inplace.ts). */
const INPLACE = [
  'add_',
  'sub_',
  'mul_',
  'div_',
  'pow_',
  'clamp_',
  'neg_',
  'exp_',
  'log_',
  'sqrt_',
  'abs_',
  'relu_',
];
INPLACE.push('sigmoid_', 'tanh_', 'addcmul_', 'addcdiv_', 'lerp_', 'fill_', 'zero_', 'copy_');

test('every exported op and differentiable Tensor method is in the gradcheck table', () => {
  const covered = new Set([...opCases, ...convOpCases].map((r) => r.covers));
  const fns = Object.entries(core)
    .filter(([name, v]) => typeof v === 'function' && !NOT_OPS.has(name) && !name.endsWith('Error'))
    .map(([name]) => name);
  const methods = ['square', 'reciprocal', 'clone', 'max', 'min', 'view', 't', 'T', 'expandAs', ...INPLACE];
  const missing = [...fns, ...methods].filter((n) => !covered.has(n));
  assert.equal(missing, [], `ops missing from tests/gradcheck/ops.ts: ${missing.join(', ')}`);
});

test('gradcheck catches a wrong backward and names the worst element', () => {
  const x = core.tensor([0.5, -1.5, 2], { requiresGrad: true });
  // A deliberately wrong op: forward x^2, backward claims 3x.
  const wrong = (a: core.Tensor) =>
    core.Tensor._fromNode(
      a.data.map((v) => v * v),
      a.shape,
      new core.Node('wrongSquare', [a], (g) => [g.mul(a).mul(3)]),
    );
  const report = core.gradcheck(wrong, [x]);
  assert.is(report.ok, false);
  assert.is(report.worst?.input, 0);
  assert.throws(
    () => core.gradcheck(wrong, [x], { raiseException: true }),
    /gradcheck failed: .*worst at input 0/,
  );
});

test.run();
