/**
 * Property-based tests of the ops (fast-check, fixed seed): random compositions
 * of ops on random broadcastable shapes pass gradcheck, and movement ops invert.
 * A failure prints fast-check's shrunk counterexample (the program, shapes and
 * seed) with the failing check's message; it replays with the printed `seed` and `path`.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  cat,
  chunk,
  describeGradcheck,
  Generator,
  gradcheck,
  matmul,
  noGrad,
  split,
  Tensor,
  where,
} from '../../index.ts';
import { numelOf, run, uniform } from './property-helpers.ts';

const wrap = (d: number, n: number) => ((d % n) + n) % n;
const broadcast = (a: readonly number[], b: readonly number[]) =>
  Array.from({ length: Math.max(a.length, b.length) }, (_, i) =>
    Math.max(a[a.length - 1 - i] ?? 1, b[b.length - 1 - i] ?? 1),
  ).reverse();

// ---------------------------------------------------------------- random op compositions

/** Smooth everywhere, so no input lands on a kink or a pole. */
const UNARY: Record<string, (x: Tensor) => Tensor> = {
  neg: (x) => x.neg(),
  tanh: (x) => x.tanh(),
  sigmoid: (x) => x.sigmoid(),
  'exp(tanh x)': (x) => x.tanh().exp(),
  square: (x) => x.square(),
  'sqrt(x² + 1)': (x) => x.square().add(1).sqrt(),
  'log(x² + 1)': (x) => x.square().add(1).log(),
  'rsqrt(x² + 1)': (x) => x.square().add(1).rsqrt(),
};
const BINARY: Record<string, (a: Tensor, b: Tensor, mask: Tensor) => Tensor> = {
  add: (a, b) => a.add(b),
  sub: (a, b) => a.sub(b),
  mul: (a, b) => a.mul(b),
  'a / (b² + 1)': (a, b) => a.div(b.square().add(1)),
  '(a² + 1) ^ tanh b': (a, b) => a.square().add(1).pow(b.tanh()),
  'where(mask, a, b)': (a, b, mask) => where(mask, a, b),
};
const REDUCE: Record<string, (x: Tensor, dim: number, keepdim: boolean) => Tensor> = {
  sum: (x, d, k) => x.sum(d, k),
  mean: (x, d, k) => x.mean(d, k),
  'var (biased)': (x, d, k) => x.var(d, { correction: 0, keepdim: k }),
  logsumexp: (x, d, k) => x.logsumexp(d, k),
  softmax: (x, d) => x.softmax(d),
  logSoftmax: (x, d) => x.logSoftmax(d),
};
const MOVE: Record<string, (x: Tensor, d: number, e: number) => Tensor> = {
  transpose: (x, d, e) => x.transpose(d, e),
  flatten: (x) => x.flatten(),
  unsqueeze: (x, d) => x.unsqueeze(d),
  'narrow (first half)': (x, d) => x.narrow(d, 0, Math.ceil(x.shape[d]! / 2)),
  'cat with itself': (x, d) => cat([x, x.mul(0.5)], d),
  'reverse dims (x.T)': (x) => x.T,
};

type Step =
  | { kind: 'unary'; fn: string }
  | { kind: 'binary'; fn: string; dims: number[]; lead: boolean; swap: boolean }
  | { kind: 'reduce'; fn: string; dim: number; keepdim: boolean }
  | { kind: 'move'; fn: string; dim: number; other: number }
  | { kind: 'matmul'; cols: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('unary' as const), fn: fc.constantFrom(...Object.keys(UNARY)) }),
  fc.record({
    kind: fc.constant('binary' as const),
    fn: fc.constantFrom(...Object.keys(BINARY)),
    // per dim of the current value: 0 -> the other operand has 1 there, 1 -> same size, 2 -> it grows a 1 to 2
    dims: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }),
    lead: fc.boolean(),
    swap: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('reduce' as const),
    fn: fc.constantFrom(...Object.keys(REDUCE)),
    dim: fc.integer({ min: -4, max: 3 }),
    keepdim: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('move' as const),
    fn: fc.constantFrom(...Object.keys(MOVE)),
    dim: fc.integer({ min: 0, max: 3 }),
    other: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({ kind: fc.constant('matmul' as const), cols: fc.integer({ min: 1, max: 3 }) }),
);

const MAX_NUMEL = 36;

interface Program {
  shape: number[];
  steps: Step[];
  seed: number;
}

/**
 * Builds the leaves a program needs (x0, then one per binary or matmul step, shaped
 * from the value at that point) and returns them with the function of them that
 * replays the program, plus a trace of the ops and shapes for failure messages.
 */
function compile(p: Program): { leaves: Tensor[]; fn: (...xs: Tensor[]) => Tensor; trace: string } {
  const g = new Generator(p.seed);
  const leaves = [uniform(g, p.shape)];
  const masks: Tensor[] = [];
  const trace: string[] = [`x0 ${JSON.stringify(p.shape)}`];
  // A dry run with the shapes only decides each leaf's shape.
  const plan: ((x: Tensor, xs: Tensor[]) => Tensor)[] = [];
  let cur = noGrad(() => leaves[0]!.mul(1));
  for (const s of p.steps) {
    let op: ((x: Tensor, xs: Tensor[]) => Tensor) | null = null;
    if (s.kind === 'unary') {
      const f = UNARY[s.fn]!;
      op = (x) => f(x);
      trace.push(s.fn);
    } else if (s.kind === 'binary') {
      const shape = cur.shape.map((n, i) => {
        const how = s.dims[i % 4]!;
        return how === 0 ? 1 : how === 2 && n === 1 ? 2 : n;
      });
      if (s.lead && shape.length < 4) shape.unshift(2);
      // without a new leading dim, drop leading 1s, so the operands differ in rank too
      while (!s.lead && shape[0] === 1) shape.shift();
      if (numelOf(broadcast(shape, cur.shape)) > MAX_NUMEL) continue;
      const k = leaves.length;
      leaves.push(uniform(g, shape));
      const mask = new Tensor(
        Float64Array.from({ length: numelOf(shape) }, () => (g.random() < 0.5 ? 1 : 0)),
        shape,
      );
      masks.push(mask);
      const f = BINARY[s.fn]!;
      op = (x, xs) => (s.swap ? f(xs[k]!, x, mask) : f(x, xs[k]!, mask));
      trace.push(`${s.fn} ${s.swap ? 'with operands swapped ' : ''}against x${k} ${JSON.stringify(shape)}`);
    } else if (s.kind === 'reduce') {
      if (cur.ndim === 0) continue;
      const d = wrap(s.dim, cur.ndim);
      const f = REDUCE[s.fn]!;
      op = (x) => f(x, d, s.keepdim);
      trace.push(`${s.fn}(dim ${d}${s.keepdim ? ', keepdim' : ''})`);
    } else if (s.kind === 'move') {
      const f = MOVE[s.fn]!;
      const n = s.fn === 'unsqueeze' ? cur.ndim + 1 : cur.ndim;
      if (n === 0 || (s.fn === 'cat with itself' && cur.numel() * 2 > MAX_NUMEL)) continue;
      const d = wrap(s.dim, n);
      const e = wrap(s.other, n);
      op = (x) => f(x, d, e);
      trace.push(`${s.fn}(${d}, ${e})`);
    } else {
      if (cur.ndim === 0 || (cur.numel() / cur.shape[cur.ndim - 1]!) * s.cols > MAX_NUMEL) continue;
      const k = leaves.length;
      const shape = [cur.shape[cur.ndim - 1]!, s.cols];
      leaves.push(uniform(g, shape));
      op = (x, xs) => matmul(x, xs[k]!);
      trace.push(`matmul with x${k} ${JSON.stringify(shape)}`);
    }
    plan.push(op);
    const xs = leaves;
    cur = noGrad(() => op(cur, xs));
    trace[trace.length - 1] += ` -> ${JSON.stringify(cur.shape)}`;
  }
  for (const x of leaves) x.requiresGrad = true;
  const fn = (...xs: Tensor[]) => plan.reduce((x, op) => op(x, xs), xs[0]!.mul(1));
  return { leaves, fn, trace: trace.join(', ') };
}

const shapeArb = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 3 });
const programArb: fc.Arbitrary<Program> = fc.record({
  shape: shapeArb,
  steps: fc.array(stepArb, { minLength: 1, maxLength: 5 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

test('random compositions of ops on random broadcastable shapes pass gradcheck', () => {
  run(
    programArb,
    (p) => {
      const { leaves, fn, trace } = compile(p);
      const out = fn(...leaves);
      assert.ok(
        out.data.every((v) => Number.isFinite(v)),
        `non-finite output of ${trace}`,
      );
      const report = gradcheck(fn, leaves);
      assert.ok(report.ok, `${trace}: ${describeGradcheck(report)}`);
    },
    150,
  );
});

// ---------------------------------------------------------------- movement ops invert

const tensorShape = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 });
const sameValues = (a: Tensor, b: Tensor) => {
  assert.equal([...a.shape], [...b.shape]);
  assert.ok(
    a.data.every((v, i) => Object.is(v, b.data[i])),
    'values differ',
  );
};
const arange = (shape: readonly number[]) =>
  new Tensor(
    Float64Array.from({ length: numelOf(shape) }, (_, i) => i),
    shape,
  );

test('permute then the inverse permutation gives the tensor back, and moves each element where it should', () => {
  const arb = tensorShape.chain((shape) =>
    fc.tuple(
      fc.constant(shape),
      fc.shuffledSubarray(
        shape.map((_, i) => i),
        { minLength: shape.length, maxLength: shape.length },
      ),
    ),
  );
  run(
    arb,
    ([shape, perm]) => {
      const x = arange(shape);
      const y = x.permute(perm);
      assert.equal(
        [...y.shape],
        perm.map((d) => shape[d]),
      );
      const inverse = perm.map((_, i) => perm.indexOf(i));
      sameValues(y.permute(inverse), x);
      // the last element of y (the largest index along every dim) is the last element of x
      assert.is(y.data[y.numel() - 1], x.numel() - 1);
    },
    200,
  );
});

/** The prime factors of n, smallest first. */
function factors(n: number): number[] {
  const out: number[] = [];
  for (let p = 2; n > 1; p++) {
    while (n % p === 0) {
      out.push(p);
      n /= p;
    }
  }
  return out;
}

test('reshape to any shape of the same size and back gives the tensor back (with -1 inferred)', () => {
  const arb = tensorShape.chain((shape) => {
    const fs = factors(numelOf(shape));
    return fc.tuple(
      fc.constant(shape),
      fc.array(fc.integer({ min: 0, max: 3 }), { minLength: fs.length, maxLength: fs.length }),
      fc.integer({ min: 0, max: 4 }),
    );
  });
  run(
    arb,
    ([shape, buckets, infer]) => {
      const target = [1, 1, 1, 1];
      factors(numelOf(shape)).forEach((f, i) => {
        target[buckets[i]!]! *= f;
      });
      const x = arange(shape);
      const request = target.map((n, i) => (i === infer ? -1 : n));
      const y = x.reshape(request);
      assert.equal([...y.shape], target);
      assert.equal([...y.data], [...x.data], 'reshape keeps row-major order');
      sameValues(y.reshape(shape), x);
      sameValues(x.flatten().reshape(shape), x);
    },
    200,
  );
});

test('split (by size or by a list of sizes) and chunk, then cat, give the tensor back', () => {
  const arb = tensorShape.chain((shape) =>
    fc.tuple(
      fc.constant(shape),
      fc.integer({ min: 0, max: shape.length - 1 }),
      fc.integer({ min: 1, max: 5 }),
      fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    ),
  );
  run(
    arb,
    ([shape, dim, size, cuts]) => {
      const x = arange(shape);
      const n = shape[dim]!;
      const bySize = split(x, size, dim);
      assert.is(bySize.length, Math.ceil(n / size));
      sameValues(cat(bySize, dim), x);
      // a list of sizes: cut after position i + 1 where cuts[i] holds
      const sizes: number[] = [];
      let last = 0;
      for (let i = 1; i < n; i++) {
        if (cuts[(i - 1) % cuts.length]) {
          sizes.push(i - last);
          last = i;
        }
      }
      sizes.push(n - last);
      const pieces = x.split(sizes, dim - shape.length);
      assert.equal(
        pieces.map((t) => t.shape[dim]),
        sizes,
      );
      sameValues(cat(pieces, dim), x);
      sameValues(cat(chunk(x, size, dim), dim), x);
    },
    200,
  );
});

test.run();
