/** The small linear algebra and the Gram-matrix gradient descent the input-normalization experiment runs on. */
import { eigs } from 'mathjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cat, manualSeed, noGrad, ones, randn, tensor } from '../../core/index.ts';
import {
  excessLoss,
  gradientCosines,
  gradientDescent,
  hessianCondition,
  leastSquares,
  logSpacedSteps,
  lrSearch,
  startCosine,
} from '../../examples/lib/least-squares.ts';
import { conditionNumber, solve, symmetricEigenvalues } from '../../examples/lib/linalg.ts';

const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test('symmetricEigenvalues matches mathjs; solve solves', () => {
  const a = [
    [4, 1, 2],
    [1, 3, 0.5],
    [2, 0.5, 5],
  ];
  const ours = symmetricEigenvalues(a);
  const theirs = [...(eigs(a).values as number[])].sort((x, y) => x - y);
  for (const [i, v] of ours.entries()) close(v, theirs[i]!, 1e-12, `eigenvalue ${i}`);
  close(conditionNumber(a), theirs[2]! / theirs[0]!, 1e-12, 'condition number');
  const x = solve(a, [1, 2, 3]);
  for (const [i, row] of a.entries())
    close(
      row.reduce((s, v, j) => s + v * x[j]!, 0),
      [1, 2, 3][i]!,
      1e-12,
      `row ${i}`,
    );
  assert.throws(
    () =>
      solve(
        [
          [0, 0],
          [0, 0],
        ],
        [1, 1],
      ),
    /solve: matrix is singular/,
  );
  assert.throws(() => solve([[1, 2]], [1]), /solve: expected a non-empty square matrix/);
  assert.throws(() => solve([[1]], [1, 2]), /solve: right-hand side has 2 entries, matrix is 1x1/);
});

function problem() {
  manualSeed(3);
  const x = randn([50, 2]).mul(tensor([1, 10]));
  const design = cat([x, ones([50, 1])], 1);
  const y = x
    .matmul(tensor([2, -0.3]))
    .add(1)
    .add(randn([50]).mul(0.1));
  return { design, y, q: leastSquares(design, y) };
}

test('leastSquares: w* makes the gradient zero; the excess loss is L(w) - L*', () => {
  const { design, y, q } = problem();
  const w = tensor(q.wStar, { requiresGrad: true });
  const loss = design.matmul(w).sub(y).pow(2).mean();
  loss.backward();
  for (const g of w.grad!.data) assert.ok(Math.abs(g) < 1e-10, `gradient at w* is ${g}`);
  close(loss.item(), q.lStar, 1e-10, 'L*');
  const w1 = [0.5, 0.1, -1];
  const l1 = noGrad(() => design.matmul(tensor(w1)).sub(y).pow(2).mean().item());
  close(excessLoss(q, w1), l1 - q.lStar, 1e-10, 'excess loss');
  close(q.varY, y.var(undefined, { correction: 0 }).item(), 1e-12, 'Var(y)');
  assert.ok(hessianCondition(q) > 10);
  assert.throws(
    () => leastSquares(design, y.unsqueeze(1)),
    /leastSquares: expected design \[n, p\] and targets \[n\]/,
  );
});

test('gradientDescent follows autograd step for step and stops at the tolerance', () => {
  const { design, y, q } = problem();
  const lr = 0.004;
  const w = tensor([0, 0, 0], { requiresGrad: true });
  const fast = gradientDescent(q, lr, { tol: -1, maxSteps: 20, record: () => true });
  for (let s = 1; s <= 20; s++) {
    w.grad = null;
    design.matmul(w).sub(y).pow(2).mean().backward();
    noGrad(() => {
      for (let i = 0; i < 3; i++) w.data[i] = w.data[i]! - lr * w.grad!.data[i]!;
    });
    for (let i = 0; i < 3; i++) close(fast.trace[s]!.w[i]!, w.data[i]!, 1e-12, `step ${s}, parameter ${i}`);
  }
  const tol = 1e-6 * q.varY;
  const run = gradientDescent(q, lr, { tol, maxSteps: 1e6 });
  assert.is(run.status, 'reached');
  assert.ok(run.finalExcess <= tol);
  const before = gradientDescent(q, lr, { tol: -1, maxSteps: run.steps - 1 });
  assert.ok(before.finalExcess > tol, 'it stopped at the first step within tolerance');
  assert.is(gradientDescent(q, 1, { tol, maxSteps: 1e6 }).status, 'diverged');
  assert.is(gradientDescent(q, 1e-9, { tol, maxSteps: 100 }).status, 'not reached');
});

test('lrSearch picks the learning rate with the fewest steps', () => {
  const { q } = problem();
  const grid = [1e-4, 1e-3, 3e-3, 1e-2, 1];
  const { runs, best } = lrSearch(q, grid, { tol: 1e-6 * q.varY, maxSteps: 1e6 });
  assert.equal(
    runs.map((r) => r.lr),
    [1, 1e-2, 3e-3, 1e-3, 1e-4],
  );
  const reached = runs.filter((r) => r.status === 'reached');
  assert.ok(best);
  assert.is(best!.steps, Math.min(...reached.map((r) => r.steps)));
});

test('gradient cosines are 1 for a round bowl and small across a narrow valley', () => {
  const round = {
    gram: [
      [2, 0],
      [0, 2],
    ],
    c: [0, 0],
    wStar: [1, 1],
    lStar: 0,
    varY: 1,
  };
  const narrow = {
    gram: [
      [1, 0],
      [0, 1e4],
    ],
    c: [0, 0],
    wStar: [1, 1],
    lStar: 0,
    varY: 1,
  };
  const dirs = [
    [1, 0],
    [0, 1],
    [1, 1],
    [1, -2],
  ];
  for (const c of gradientCosines(round, dirs)) close(c, 1, 1e-12, 'round');
  close(
    gradientCosines(narrow, [[1, 1]])[0]!,
    (1 + 1e4) / (Math.sqrt(1 + 1e8) * Math.SQRT2),
    1e-12,
    'narrow',
  );
  close(startCosine(narrow, [0, 0]), (1 + 1e4) / (Math.sqrt(1 + 1e8) * Math.SQRT2), 1e-12, 'start');
});

test('logSpacedSteps keeps every early step and about 20 per decade after', () => {
  const kept = Array.from({ length: 100001 }, (_, s) => s).filter(logSpacedSteps);
  assert.ok(kept.slice(0, 51).every((s, i) => s === i));
  assert.ok(kept.length > 100 && kept.length < 140, `${kept.length} steps kept`);
});

test.run();
