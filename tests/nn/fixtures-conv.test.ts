/**
 * Convolution, pooling, padding, unfold/fold and a conv + BatchNorm2d block
 * against PyTorch's values and gradients (tests/fixtures/conv.json, made by
 * make_conv.py), to 1e-10 in float64.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PaddingMode, Tensor, UnfoldOptions } from '../../core/index.ts';
import * as nn from '../../nn/index.ts';
import { assertClose, type FixtureTensor, loadFixture, toTensor } from '../helpers/fixtures.ts';

const F = nn.functional;

interface ConvCase {
  name: string;
  kind: 'module' | 'pad' | 'unfold' | 'fold' | 'cnn';
  [field: string]: unknown;
}

const cases = loadFixture<ConvCase>('conv').cases;
const T = (c: ConvCase, field: string, requiresGrad = false) =>
  toTensor(c[field] as FixtureTensor, requiresGrad);
const camel = (s: string) => s.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());

/** PyTorch's keyword options in TypeScript casing, tuples as arrays. */
function options(c: ConvCase): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(c.options as Record<string, unknown>).map(([k, v]) => [camel(k), v]),
  );
}

function makeModule(c: ConvCase): nn.Module {
  const args = c.args as unknown[];
  const o = options(c);
  switch (c.module) {
    case 'Conv1d':
      return new nn.Conv1d(args[0] as number, args[1] as number, args[2] as number, o);
    case 'Conv2d':
      return new nn.Conv2d(args[0] as number, args[1] as number, args[2] as number | [number, number], o);
    case 'MaxPool2d':
      return new nn.MaxPool2d(args[0] as number, o);
    case 'AvgPool2d':
      return new nn.AvgPool2d(args[0] as number, o);
    case 'AdaptiveAvgPool2d':
      return new nn.AdaptiveAvgPool2d(args[0] as number);
    default:
      throw new Error(`no module ${String(c.module)}`);
  }
}

const gradsOf = (c: ConvCase) => c.grads as Record<string, FixtureTensor>;

for (const c of cases.filter((c) => c.kind === 'module')) {
  test(`${c.name}: ${String(c.module)} output and gradients`, () => {
    const m = makeModule(c);
    assert.is(m.toString(), c.repr, 'repr');
    const params = c.params as Record<string, FixtureTensor>;
    m.loadStateDict(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, toTensor(v)])));
    const x = T(c, 'input', true);
    const result = m.forward(x) as Tensor | [Tensor, Tensor];
    const y = Array.isArray(result) ? result[0] : result;
    if (Array.isArray(result)) assertClose(result[1], c.indices as FixtureTensor, 'indices', 0, 0);
    else assert.is(c.indices, null, 'the fixture returned indices but the module did not');
    assertClose(y, c.output as FixtureTensor, 'output');
    y.backward(T(c, 'grad_output'));
    assertClose(x.grad, c.grad_input as FixtureTensor, 'grad_input');
    const named = Object.fromEntries(m.namedParameters());
    assert.equal(Object.keys(named).sort(), Object.keys(gradsOf(c)).sort(), 'parameter names');
    for (const [k, g] of Object.entries(gradsOf(c))) assertClose(named[k]!.grad, g, `grad of ${k}`);
  });
}

for (const c of cases.filter((c) => c.kind === 'pad')) {
  test(`${c.name}: F.pad output and gradient`, () => {
    const x = T(c, 'input', true);
    const y = F.pad(x, c.pad as number[], c.mode as PaddingMode, c.value as number);
    assertClose(y, c.output as FixtureTensor, 'output');
    y.backward(T(c, 'grad_output'));
    assertClose(x.grad, c.grad_input as FixtureTensor, 'grad_input');
  });
}

for (const c of cases.filter((c) => c.kind === 'unfold' || c.kind === 'fold')) {
  test(`${c.name}: F.${c.kind} output and gradient`, () => {
    const o = options(c) as unknown as UnfoldOptions & { kernelSize: number; outputSize?: [number, number] };
    const x = T(c, 'input', true);
    const y = c.kind === 'unfold' ? F.unfold(x, o.kernelSize, o) : F.fold(x, o.outputSize!, o.kernelSize, o);
    assertClose(y, c.output as FixtureTensor, 'output');
    y.backward(T(c, 'grad_output'));
    assertClose(x.grad, c.grad_input as FixtureTensor, 'grad_input');
  });
}

for (const c of cases.filter((c) => c.kind === 'cnn')) {
  test(`${c.name}: Conv2d -> BatchNorm2d -> ReLU -> MaxPool2d, train and eval, as PyTorch`, () => {
    const [cin, cout] = c.channels as [number, number];
    const bn = new nn.BatchNorm2d(cout);
    const block = new nn.Sequential(
      new nn.Conv2d(cin, cout, 3, { padding: 1 }),
      bn,
      new nn.ReLU(),
      new nn.MaxPool2d(2),
    );
    const params = c.params as Record<string, FixtureTensor>;
    block.loadStateDict({
      ...block.stateDict(),
      ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, toTensor(v)])),
    });
    const inputs = (c.inputs as FixtureTensor[]).map((t) => toTensor(t));
    block.forward(inputs[0]!);
    const x = toTensor((c.inputs as FixtureTensor[])[1]!, true);
    const y = block.forward(x) as Tensor;
    assertClose(y, c.output as FixtureTensor, 'output');
    y.backward(T(c, 'grad_output'));
    assertClose(x.grad, c.grad_input as FixtureTensor, 'grad_input');
    const named = Object.fromEntries(block.namedParameters());
    for (const [k, g] of Object.entries(gradsOf(c))) assertClose(named[k]!.grad, g, `grad of ${k}`);
    assertClose(bn.runningMean, c.running_mean as FixtureTensor, 'running_mean');
    assertClose(bn.runningVar, c.running_var as FixtureTensor, 'running_var');
    assert.is(bn.numBatchesTracked?.item(), c.num_batches_tracked);
    block.eval();
    assertClose(block.forward(T(c, 'eval_input')) as Tensor, c.eval_output as FixtureTensor, 'eval output');
  });
}

test('the fixture file holds every kind of case, and the awkward ones the issue lists', () => {
  const names = cases.map((c) => c.name);
  for (const want of [
    'pad_exceeds_half_kernel',
    'dilation',
    'groups',
    'stride_not_dividing',
    'ties',
    '1x1',
    'cnn_',
  ]) {
    assert.ok(
      names.some((n) => n.includes(want)),
      `no case named *${want}*`,
    );
  }
  assert.ok(cases.length >= 50);
});

test.run();
