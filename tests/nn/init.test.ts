/** nn.init against PyTorch's gains, fans and bounds (tests/fixtures/init.json), and by the statistics of large draws. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator, manualSeed, ones, type Tensor, ValueError, zeros } from '../../core/index.ts';
import * as nn from '../../nn/index.ts';
import { loadFixture } from '../helpers/fixtures.ts';

interface InitCase {
  name: string;
  kind: 'calculate_gain' | 'fans' | 'init_bound';
  nonlinearity?: string;
  param?: number | null;
  gain?: number;
  shape?: number[];
  fan_in?: number;
  fan_out?: number;
  init?: string;
  args?: {
    a?: number;
    mode?: 'fan_in' | 'fan_out';
    nonlinearity?: string;
    gain?: number;
    fan_in_of_weight?: number;
  };
  quantity?: 'bound' | 'std';
  bound?: number;
  std?: number;
}

const cases = loadFixture<InitCase>('init').cases;
const close = (a: number, b: number, rtol: number) => Math.abs(a - b) <= rtol * Math.abs(b);
const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

for (const c of cases.filter((c) => c.kind === 'calculate_gain')) {
  test(`${c.name}: calculateGain, in PyTorch's and TypeScript's spelling`, () => {
    assert.ok(close(nn.init.calculateGain(c.nonlinearity!, c.param), c.gain!, 1e-15));
    assert.ok(close(nn.init.calculateGain(camel(c.nonlinearity!), c.param), c.gain!, 1e-15));
  });
}

for (const c of cases.filter((c) => c.kind === 'fans')) {
  test(`${c.name}: fans`, () => {
    assert.equal(nn.init.calculateFanInAndFanOut(zeros(c.shape!)), { fanIn: c.fan_in, fanOut: c.fan_out });
  });
}

/** Runs the case's init on a fresh tensor of its shape, `times` times, and pools the samples. */
function draw(c: InitCase, times: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = zeros(c.shape!);
    const args = c.args!;
    const kaiming = {
      a: args.a ?? 0,
      mode: args.mode ?? 'fan_in',
      nonlinearity: args.nonlinearity ?? 'leaky_relu',
    };
    if (c.init === 'kaiming_uniform_') nn.init.kaimingUniform_(t, kaiming);
    else if (c.init === 'kaiming_normal_') nn.init.kaimingNormal_(t, kaiming);
    else if (c.init === 'xavier_uniform_') nn.init.xavierUniform_(t, args.gain);
    else if (c.init === 'xavier_normal_') nn.init.xavierNormal_(t, args.gain);
    else if (c.name === 'linear_bias_uniform_bound') {
      // Linear's bias init, read back from a Linear with that fan-in.
      const layer = new nn.Linear(args.fan_in_of_weight!, c.shape![0]!);
      t.data.set(layer.bias!.data);
    } else throw new Error(`no init for ${c.name}`);
    out.push(...t.data);
  }
  return out;
}

for (const c of cases.filter((c) => c.kind === 'init_bound')) {
  test(`${c.name}: samples respect PyTorch's ${c.quantity}`, () => {
    manualSeed(42);
    const xs = draw(c, 50);
    const n = xs.length;
    const mean = xs.reduce((s, v) => s + v, 0) / n;
    const std = Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
    if (c.quantity === 'bound') {
      const b = c.bound!;
      const max = Math.max(...xs.map(Math.abs));
      assert.ok(max <= b * (1 + 1e-15), `max |x| ${max} > bound ${b}`);
      assert.ok(max > 0.99 * b, `max |x| ${max} does not reach the bound ${b}`);
      // U(-b, b) has std b / sqrt(3); with n >= 1500 the estimate is within a few percent.
      assert.ok(close(std, b / Math.sqrt(3), 0.05), `std ${std} vs ${b / Math.sqrt(3)}`);
    } else {
      assert.ok(close(std, c.std!, 0.03), `std ${std} vs ${c.std}`);
      assert.ok(Math.abs(mean) < (5 * c.std!) / Math.sqrt(n), `mean ${mean}`);
    }
  });
}

test('uniform_ and normal_ take their parameters; constant_, zeros_, ones_ fill', () => {
  manualSeed(1);
  const u = nn.init.uniform_(zeros([20000]), 2, 5);
  assert.ok(u.data.every((v) => v >= 2 && v < 5));
  const mean = (t: Tensor) => Array.from(t.data).reduce((s, v) => s + v, 0) / t.numel();
  assert.ok(Math.abs(mean(u) - 3.5) < 0.03);
  const g = nn.init.normal_(zeros([20000]), -1, 3);
  assert.ok(Math.abs(mean(g) + 1) < 0.1);
  assert.ok(close(g.std().item(), 3, 0.03));
  assert.ok(nn.init.constant_(zeros([3]), 0.7).data.every((v) => v === 0.7));
  assert.ok(nn.init.zeros_(ones([3])).data.every((v) => v === 0));
  assert.ok(nn.init.ones_(zeros([3])).data.every((v) => v === 1));
});

test('inits fill in place, keep a parameter a leaf, and are reproducible from a seed or a generator', () => {
  const layer = new nn.Linear(4, 3);
  const w = layer.weight;
  assert.is(nn.init.xavierNormal_(w), w);
  assert.ok(w.isLeaf && w.requiresGrad && w.gradFn === null);
  const a = nn.init.kaimingNormal_(zeros([5, 4]), { generator: new Generator(9) });
  const b = nn.init.kaimingNormal_(zeros([5, 4]), { generator: new Generator(9) });
  assert.equal(Array.from(a.data), Array.from(b.data));
  manualSeed(9);
  const c = nn.init.xavierUniform_(zeros([5, 4]));
  manualSeed(9);
  const d = nn.init.xavierUniform_(zeros([5, 4]));
  assert.equal(Array.from(c.data), Array.from(d.data));
  const e = nn.init.uniform_(zeros([5]), -1, 1, { generator: new Generator(3) });
  const f = nn.init.uniform_(zeros([5]), -1, 1, { generator: new Generator(3) });
  assert.equal(Array.from(e.data), Array.from(f.data));
  assert.not.equal(Array.from(e.data), Array.from(c.data.slice(0, 5)));
});

test('init errors name the function and the value', () => {
  const cases: [() => unknown, string][] = [
    [() => nn.init.calculateGain('swish'), "calculateGain: unsupported nonlinearity 'swish'"],
    [
      () => nn.init.calculateGain('leakyRelu', Number.NaN),
      'calculateGain: negative_slope NaN is not a valid number',
    ],
    [
      () => nn.init.xavierUniform_(zeros([5])),
      'init: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (got shape [5])',
    ],
    [
      () => nn.init.kaimingUniform_(zeros([3, 2]), { mode: 'fanAverage' as nn.init.FanMode }),
      "kaimingUniform_: mode must be 'fanIn' or 'fanOut', got 'fanAverage'",
    ],
    [() => nn.init.uniform_(zeros([2]), 1, 0), 'uniform_: expected a <= b, got a=1, b=0'],
    [() => nn.init.normal_(zeros([2]), 0, -1), 'normal_: expected std >= 0, got -1'],
  ];
  for (const [fn, message] of cases) {
    assert.throws(fn, (e: unknown) => e instanceof ValueError && (e as Error).message === message, message);
  }
});

test.run();
