/**
 * The engine's allocation-saving paths: gradients summed in place when the sum
 * is the engine's own, never when the tensor may be shared (an op handing the
 * same gradient to two inputs, a hook keeping a reference, a leaf's .grad).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freshGrad } from '../../core/grad-buffers.ts';
import { grad, Node, randn, Tensor, tensor } from '../../core/index.ts';

const leaf = (values: number[]) => tensor(values, { requiresGrad: true });

test('a value used many times gets the sum of every contribution', () => {
  const x = leaf([1, 2]);
  let y = x.mul(1);
  for (let k = 2; k <= 10; k++) y = y.add(x.mul(k));
  y.sum().backward();
  assert.equal([...x.grad!.data], [55, 55]);
});

test('summing in place never touches a gradient another input shares', () => {
  // add hands one gradient tensor to both a and b; a then receives two more contributions while b
  // (a non-leaf with another consumer) is still waiting. Every recording order is tried, since the
  // order decides which contribution each tensor receives first.
  const orders = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ];
  for (const order of orders) {
    const a = leaf([1]);
    const bLeaf = leaf([2]);
    const b = bLeaf.mul(1);
    const parts = [
      () => a.add(b).mul(3).sum(),
      () => a.mul(5).sum().add(a.mul(7).sum()),
      () => b.mul(11).sum(),
    ];
    const loss = order.map((i) => parts[i]!()).reduce((x, y) => x.add(y));
    loss.backward();
    assert.equal([...a.grad!.data], [15], `a, order ${order}`);
    assert.equal([...bLeaf.grad!.data], [14], `b, order ${order}`);
  }
});

test('a leaf that adopts the engine-made sum as .grad keeps accumulating correctly over backward calls', () => {
  const x = leaf([3]);
  const f = () => x.mul(2).add(x.mul(3)).add(x.mul(4)).sum();
  f().backward();
  const first = x.grad!;
  assert.equal([...first.data], [9]);
  f().backward();
  assert.equal([...x.grad!.data], [18]);
});

test('a gradient a hook has seen is not summed into later', () => {
  const x = leaf([1, 2]);
  const seen: Tensor[] = [];
  x.registerHook((g) => {
    seen.push(g);
    return undefined;
  });
  const f = () => x.mul(2).add(x.mul(3)).sum();
  f().backward();
  f().backward();
  assert.equal([...seen[0]!.data], [5, 5], 'the first gradient the hook kept is unchanged');
  assert.equal([...x.grad!.data], [10, 10]);
});

test('grad() returns sums that later passes do not modify', () => {
  const x = leaf([1]);
  const y = x.mul(2).add(x.mul(3)).add(x.mul(4));
  const [g1] = grad(y.sum(), x, { retainGraph: true });
  const [g2] = grad(y.sum(), x);
  assert.equal([...g1!.data], [9]);
  assert.equal([...g2!.data], [9]);
  assert.ok(g1 !== g2);
});

test('large gradients marked fresh are summed in place and adopted, and stay correct', () => {
  // Gradients of 16 x 32 = 512 elements are marked fresh by matmul's backward.
  const w = randn([16, 32], { requiresGrad: true });
  const xs = [randn([4, 16]), randn([5, 16]), randn([6, 16])];
  const loss = () => xs.map((x) => x.matmul(w).square().sum()).reduce((a, b) => a.add(b));
  loss().backward();
  const together = Float64Array.from(w.grad!.data);
  w.grad = null;
  const separate = new Float64Array(together.length);
  for (const x of xs) {
    x.matmul(w).square().sum().backward();
    separate.forEach((_, i) => {
      separate[i]! += w.grad!.data[i]!;
    });
    w.grad = null;
  }
  together.forEach((v, i) =>
    assert.ok(Math.abs(v - separate[i]!) <= 1e-12 * (1 + Math.abs(v)), `w.grad[${i}]`),
  );
});

test('a fresh gradient handed to two inputs is not adopted by either', () => {
  // A custom op whose backward gives the same newly made tensor to both inputs.
  const n = 300;
  const both = (x: Tensor, y: Tensor) =>
    Tensor._fromNode(
      x.data.map((v, i) => v + y.data[i]!),
      [n],
      new Node('twice', [x, y], (g) => {
        const shared = freshGrad(new Tensor(Float64Array.from(g.data), g.shape));
        return [shared, shared];
      }),
    );
  // a gets more contributions while b (a non-leaf with another consumer) still waits; every
  // recording order is tried, as the order decides who receives what first.
  for (const order of [
    [0, 1, 2],
    [1, 2, 0],
    [2, 1, 0],
    [2, 0, 1],
  ]) {
    const a = randn([n], { requiresGrad: true });
    const bLeaf = randn([n], { requiresGrad: true });
    const b = bLeaf.mul(1);
    const parts = [() => both(a, b).sum(), () => a.mul(2).sum().add(a.mul(3).sum()), () => b.mul(4).sum()];
    order
      .map((i) => parts[i]!())
      .reduce((x, y) => x.add(y))
      .backward();
    assert.ok(
      bLeaf.grad!.data.every((v) => v === 5),
      `b, order ${order}`,
    );
    assert.ok(
      a.grad!.data.every((v) => v === 6),
      `a, order ${order}`,
    );
  }
});

test.run();
