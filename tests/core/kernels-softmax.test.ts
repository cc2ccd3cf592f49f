/**
 * The fused softmax / logSoftmax / softmax cross-entropy ops and the one-pass
 * activation gradients: values against the definitions, gradients through
 * gradcheck (kernel backward) and gradgradcheck (backward in ops, and the
 * backward ops' own backward), edge cases PyTorch defines, and errors.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  describeGradcheck,
  Generator,
  gradcheck,
  gradgradcheck,
  randn,
  relu,
  ShapeError,
  sigmoid,
  type Tensor,
  tanh,
  tensor,
  ValueError,
} from '../../core/index.ts';
import { logSoftmax, softmax, softmaxCrossEntropy } from '../../core/ops/softmax.ts';

const gen = new Generator(3);
const T = (shape: number[], requiresGrad = true) => randn(shape, { generator: gen, requiresGrad });
const ok = (r: ReturnType<typeof gradcheck>, what: string) =>
  assert.ok(r.ok, `${what}: ${describeGradcheck(r)}`);

function close(a: number, b: number, what: string, tol = 1e-12): void {
  assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `${what}: ${a} vs ${b}`);
}

test('softmax and logSoftmax along each dim equal the definition exp(x_j) / sum_k exp(x_k)', () => {
  const x = T([3, 4, 5], false);
  const [d0, d1, d2] = x.shape as [number, number, number];
  for (const dim of [0, 1, 2]) {
    const s = softmax(x, dim).data;
    const l = logSoftmax(x, dim).data;
    for (let i = 0; i < d0; i++) {
      for (let j = 0; j < d1; j++) {
        for (let k = 0; k < d2; k++) {
          const idx = [i, j, k];
          let z = 0;
          for (let t = 0; t < x.shape[dim]!; t++) {
            const at = [...idx];
            at[dim] = t;
            z += Math.exp(x.data[(at[0]! * d1 + at[1]!) * d2 + at[2]!]!);
          }
          const flat = (i * d1 + j) * d2 + k;
          close(s[flat]!, Math.exp(x.data[flat]!) / z, `softmax dim ${dim}`);
          close(l[flat]!, x.data[flat]! - Math.log(z), `logSoftmax dim ${dim}`);
        }
      }
    }
  }
});

test('softmax survives huge logits; an all -inf line is NaN, as PyTorch', () => {
  const big = tensor([1000, 1001, 999]);
  const s = softmax(big, 0).data;
  close(s[1]!, 1 / (1 + Math.exp(-1) + Math.exp(-2)), 'softmax of shifted logits');
  close(logSoftmax(big, 0).data[1]!, -Math.log(1 + Math.exp(-1) + Math.exp(-2)), 'logSoftmax');
  const ninf = tensor([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]);
  assert.ok(softmax(ninf, 0).data.every(Number.isNaN));
  assert.ok(logSoftmax(ninf, 0).data.every(Number.isNaN));
  assert.equal(softmax(tensor(2), 0).data, new Float64Array([1]), 'a 0-d tensor is one line of length 1');
});

test('softmax and logSoftmax pass gradcheck and gradgradcheck along inner and outer dims', () => {
  for (const dim of [0, 1, -1]) {
    ok(
      gradgradcheck((x) => softmax(x, dim), [T([3, 4, 2])]),
      `softmax dim ${dim}`,
    );
    ok(
      gradgradcheck((x) => logSoftmax(x, dim), [T([3, 4, 2])]),
      `logSoftmax dim ${dim}`,
    );
  }
});

// ------------------------------------------------------------------ cross entropy

/** The definition: l_i = log sum_j exp(x_ij) - x_i[t_i]. */
function rowLosses(x: Tensor, t: number[]): number[] {
  const [n, c] = x.shape as [number, number];
  return Array.from({ length: n }, (_, i) => {
    let z = 0;
    for (let j = 0; j < c; j++) z += Math.exp(x.data[i * c + j]!);
    return Math.log(z) - x.data[i * c + t[i]!]!;
  });
}

test('softmaxCrossEntropy equals the definition for each reduction, and its gradient is softmax - onehot', () => {
  const x = T([6, 5]);
  const labels = [0, 4, 2, 2, 1, 3];
  const t = tensor(labels);
  const per = rowLosses(x, labels);
  softmaxCrossEntropy(x, t, { reduction: 'none' }).data.forEach((v, i) => close(v, per[i]!, `row ${i}`));
  close(
    softmaxCrossEntropy(x, t, { reduction: 'sum' }).item(),
    per.reduce((a, b) => a + b),
    'sum',
  );
  const loss = softmaxCrossEntropy(x, t);
  close(loss.item(), per.reduce((a, b) => a + b) / 6, 'mean');
  loss.backward();
  const p = softmax(x.detach(), 1).data;
  x.grad!.data.forEach((v, k) => {
    const [i, j] = [Math.floor(k / 5), k % 5];
    close(v, (p[k]! - (j === labels[i] ? 1 : 0)) / 6, `dx[${i}, ${j}]`);
  });
});

test('softmaxCrossEntropy skips ignored rows in the loss, the mean and the gradient', () => {
  const x = T([4, 3]);
  const t = tensor([1, -100, 2, -100]);
  const per = rowLosses(x, [1, 0, 2, 0]);
  const loss = softmaxCrossEntropy(x, t);
  close(loss.item(), (per[0]! + per[2]!) / 2, 'mean over the 2 rows kept');
  loss.backward();
  for (const row of [1, 3]) for (let j = 0; j < 3; j++) assert.is(x.grad!.data[row * 3 + j], 0);
  assert.ok(
    Number.isNaN(softmaxCrossEntropy(x, tensor([7, 7, 7, 7]), { ignoreIndex: 7 }).item()),
    'all ignored: NaN',
  );
});

test('softmaxCrossEntropy passes gradcheck and gradgradcheck for every reduction', () => {
  const t = tensor([2, 0, 1]);
  for (const reduction of ['mean', 'sum', 'none'] as const) {
    ok(
      gradgradcheck((x) => softmaxCrossEntropy(x, t, { reduction }), [T([3, 4])]),
      reduction,
    );
  }
  ok(
    gradcheck((x) => softmaxCrossEntropy(x, tensor([1, -100, 0])), [T([3, 2])]),
    'with an ignored row',
  );
});

test('softmaxCrossEntropy errors name the op and the offending shapes or target', () => {
  assert.throws(
    () => softmaxCrossEntropy(T([3, 4]), tensor([1, 2])),
    (e: Error) =>
      e instanceof ShapeError &&
      e.message === 'softmaxCrossEntropy: expected logits [N, C] and target [N], got [3, 4] and [2]',
  );
  assert.throws(
    () => softmaxCrossEntropy(T([2, 4]), tensor([1, 4])),
    (e: Error) =>
      e instanceof ValueError &&
      e.message === 'softmaxCrossEntropy: target 4 at row 1 is out of bounds for 4 classes',
  );
  assert.throws(
    () => softmaxCrossEntropy(T([2, 4]), tensor([0.5, 1])),
    /target 0.5 at row 0 is out of bounds/,
  );
});

// ------------------------------------------------------------------ activation gradients

test('relu, tanh and sigmoid gradients (one-pass ops) pass gradcheck, and their backward ops pass gradgradcheck', () => {
  const away = () => {
    const x = T([4, 5]);
    for (let i = 0; i < x.numel(); i++) if (Math.abs(x.data[i]!) < 0.1) x.data[i] = 0.5;
    return x;
  };
  for (const [name, f] of [
    ['relu', relu],
    ['tanh', tanh],
    ['sigmoid', sigmoid],
  ] as const) {
    ok(
      gradgradcheck((x) => f(x), [away()]),
      name,
    );
    // Third order: differentiate the gradient of sum(f(x)^2) twice more.
    ok(
      gradgradcheck((x) => f(x).mul(f(x)).sum(), [away()]),
      `${name} squared`,
    );
  }
});

test('tanh equals Math.tanh to 2 ulp across its range, and keeps -0, infinities and NaN', () => {
  const xs = [0, -0, 1e-300, -1e-12, 1e-8, 0.1, -0.5, 1, 2.5, -7, 19, 20, 20.5, -40, 700, -800];
  for (let i = 0; i < 2000; i++) xs.push((i - 1000) / 37);
  const got = tanh(tensor(xs)).data;
  xs.forEach((x, i) => {
    const want = Math.tanh(x);
    assert.ok(Math.abs(got[i]! - want) <= 4.5e-16 * Math.abs(want), `tanh(${x}) = ${got[i]} vs ${want}`);
  });
  assert.ok(Object.is(got[1], -0), 'tanh(-0) is -0');
  const special = tanh(tensor([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN])).data;
  assert.equal([...special], [1, -1, Number.NaN]);
});

test.run();
