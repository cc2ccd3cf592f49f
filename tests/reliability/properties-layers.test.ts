/**
 * Property-based tests of the layers (fast-check, fixed seed): Linear, BatchNorm,
 * LayerNorm and crossEntropy pass gradcheck at random sizes (outside anomaly mode
 * they run fused kernels), BatchNorm's channel statistics and running statistics,
 * LayerNorm's per-sample statistics, and the Linear-bias invariance under
 * BatchNorm hold for random sizes and inputs.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeGradcheck, Generator, gradcheck, nn, Tensor } from '../../index.ts';
import { numelOf, run, scaledInput, uniform } from './property-helpers.ts';

/** Layers whose forward and backward may run as fused kernels; each is checked against central differences. */
type LayerCase = {
  name: string;
  make: (g: Generator, sizes: number[]) => { inputs: Tensor[]; fn: () => Tensor };
};
const LAYERS: LayerCase[] = [
  {
    name: 'Linear',
    make: (g, [n, i, o]) => {
      const m = new nn.Linear(i!, o!);
      const x = uniform(g, [n!, i!]);
      return { inputs: [x, m.weight, m.bias!], fn: () => m.forward(x) };
    },
  },
  {
    name: 'BatchNorm1d (training)',
    make: (g, [n, c, l]) => {
      const m = new nn.BatchNorm1d(c!);
      m.weight!.data.set(uniform(g, [c!], 0.5, 1.5).data);
      const x = scaledInput(l! > 1 ? [n! + 1, c!, l!] : [n! + 1, c!], g);
      return { inputs: [x, m.weight!, m.bias!], fn: () => m.forward(x) };
    },
  },
  {
    name: 'BatchNorm2d (eval)',
    make: (g, [n, c, h]) => {
      const m = new nn.BatchNorm2d(c!).eval();
      m.runningMean!.data.set(uniform(g, [c!]).data);
      m.runningVar!.data.set(uniform(g, [c!], 0.5, 2).data);
      const x = uniform(g, [n!, c!, h!, 2]);
      return { inputs: [x, m.weight!, m.bias!], fn: () => m.forward(x) };
    },
  },
  {
    name: 'LayerNorm',
    make: (g, [n, d, e]) => {
      const m = new nn.LayerNorm([d! + 1, e!]);
      m.weight!.data.set(uniform(g, m.weight!.shape, 0.5, 1.5).data);
      const x = scaledInput([1, n!, (d! + 1) * e!], g).reshape(n!, d! + 1, e!);
      return { inputs: [x, m.weight!, m.bias!], fn: () => m.forward(x) };
    },
  },
  {
    name: 'crossEntropy',
    make: (g, [n, c]) => {
      const x = uniform(g, [n!, c! + 1], -3, 3);
      const target = new Tensor(
        Float64Array.from({ length: n! }, () => g.randint(0, c! + 1)),
        [n!],
      );
      return { inputs: [x], fn: () => nn.F.crossEntropy(x, target) };
    },
  },
];

test('layers that may run fused kernels (Linear, BatchNorm, LayerNorm, crossEntropy) pass gradcheck at random sizes', () => {
  const arb = fc.tuple(
    fc.constantFrom(...LAYERS.map((l) => l.name)),
    fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 3, maxLength: 3 }),
    fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  );
  run(
    arb,
    ([name, sizes, seed]) => {
      const { inputs, fn } = LAYERS.find((l) => l.name === name)!.make(new Generator(seed), sizes);
      for (const t of inputs) t.requiresGrad = true;
      const report = gradcheck(fn, inputs);
      assert.ok(report.ok, `${name} ${JSON.stringify(sizes)}: ${describeGradcheck(report)}`);
    },
    80,
  );
});

// ---------------------------------------------------------------- normalization modules

/** Per-channel (dim 1) mean and biased variance of a [N, C, *] tensor. */
function channelStats(x: Tensor): { mean: number[]; var: number[] } {
  const c = x.shape[1]!;
  const inner = numelOf(x.shape.slice(2));
  const groups: number[][] = Array.from({ length: c }, () => []);
  x.data.forEach((v, i) => {
    groups[Math.floor(i / inner) % c]!.push(v);
  });
  return stats(groups);
}

function stats(groups: number[][]): { mean: number[]; var: number[] } {
  const mean = groups.map((g) => g.reduce((a, b) => a + b, 0) / g.length);
  const variance = groups.map((g, k) => g.reduce((a, b) => a + (b - mean[k]!) ** 2, 0) / g.length);
  return { mean, var: variance };
}

const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

const bnShape = fc
  .tuple(
    fc.integer({ min: 1, max: 8 }),
    fc.integer({ min: 1, max: 5 }),
    fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 2 }),
  )
  .map(([n, c, rest]) => [n, c, ...rest])
  .filter((s) => numelOf(s) / s[1]! >= 2);

test('BatchNorm in training: each channel of the output has mean β and variance γ² σ²/(σ² + ε); running stats move by momentum', () => {
  run(
    fc.tuple(bnShape, fc.integer({ min: 0, max: 2 ** 31 - 1 })),
    ([shape, seed]) => {
      const g = new Generator(seed);
      const c = shape[1]!;
      const bn = shape.length === 4 ? new nn.BatchNorm2d(c) : new nn.BatchNorm1d(c);
      bn.weight!.data.set(Array.from({ length: c }, () => 0.5 + g.random()));
      bn.bias!.data.set(Array.from({ length: c }, () => g.random() * 4 - 2));
      const x = scaledInput(shape, g);
      const { mean: mu, var: v } = channelStats(x);
      const out = channelStats(bn.forward(x));
      const n = x.numel() / c;
      for (let k = 0; k < c; k++) {
        const gamma = bn.weight!.data[k]!;
        close(out.mean[k]!, bn.bias!.data[k]!, 1e-9, `mean of channel ${k}`);
        close(out.var[k]!, (gamma * gamma * v[k]!) / (v[k]! + bn.eps), 1e-9, `variance of channel ${k}`);
        close(bn.runningMean!.data[k]!, 0.1 * mu[k]!, 1e-12, `running mean of channel ${k}`);
        close(
          bn.runningVar!.data[k]!,
          0.9 + (0.1 * v[k]! * n) / (n - 1),
          1e-12,
          `running var of channel ${k}`,
        );
      }
    },
    150,
  );
});

test('LayerNorm: each sample has mean 0 and variance σ²/(σ² + ε) over normalizedShape, whatever the batch', () => {
  const arb = fc.tuple(
    fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 2 }),
    fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 2 }).filter((s) => numelOf(s) >= 2),
    fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  );
  run(
    arb,
    ([lead, normalized, seed]) => {
      const g = new Generator(seed);
      const ln = new nn.LayerNorm(normalized);
      const shape = [...lead, ...normalized];
      const size = numelOf(normalized);
      // each sample its own scale and shift: a [samples, size] input of channels is the same draw
      const count = numelOf(lead);
      const x = scaledInput([1, count, size], g).reshape(shape);
      const samples = (t: Tensor) =>
        Array.from({ length: t.numel() / size }, (_, s) => [...t.data.subarray(s * size, (s + 1) * size)]);
      const inStats = stats(samples(x));
      const outStats = stats(samples(ln.forward(x)));
      inStats.var.forEach((v, s) => {
        close(outStats.mean[s]!, 0, 1e-9, `mean of sample ${s}`);
        close(outStats.var[s]!, v / (v + ln.eps), 1e-9, `variance of sample ${s}`);
      });
      // one sample alone gives the same output as inside the batch
      const first = new Tensor(x.data.slice(0, size), normalized);
      const alone = ln.forward(first).data;
      const inBatch = ln.forward(x).data.subarray(0, size);
      alone.forEach((v, i) => close(v, inBatch[i]!, 1e-12, `element ${i} of sample 0`));
    },
    150,
  );
});

test("Linear's bias has no effect under BatchNorm in training: same output, zero gradient", () => {
  const arb = fc.tuple(
    fc.integer({ min: 2, max: 10 }),
    fc.integer({ min: 1, max: 5 }),
    fc.integer({ min: 1, max: 5 }),
    fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  );
  run(
    arb,
    ([batch, inF, outF, seed]) => {
      const g = new Generator(seed);
      const x = scaledInput([batch, inF], g);
      const linear = new nn.Linear(inF, outF);
      for (const p of linear.parameters()) p.data.set(uniform(g, p.shape).data);
      const upstream = uniform(g, [batch, outF]);
      const forward = () => new nn.BatchNorm1d(outF).forward(linear.forward(x));
      const y1 = forward();
      y1.mul(upstream).sum().backward();
      const biasGrad = [...linear.bias!.grad!.data];
      const scale = Math.max(...linear.weight.grad!.data.map(Math.abs), 1);
      linear.bias!.data.set(uniform(g, [outF], -1e3, 1e3).data);
      const y2 = forward();
      y1.data.forEach((v, i) => close(y2.data[i]!, v, 1e-8, `output element ${i}`));
      biasGrad.forEach((v, k) => close(v, 0, 1e-9 * scale, `bias gradient ${k}`));
    },
    150,
  );
});

test.run();
