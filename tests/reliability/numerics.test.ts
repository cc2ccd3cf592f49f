/**
 * Numerical robustness at the edges users reach: logits of magnitude 1e4,
 * saturated sigmoid and tanh, normalization of a constant input (where only ε
 * keeps the division finite), and BCE at probabilities exactly 0 and 1. Each
 * forward and backward runs under detectAnomaly, so not only the results but
 * every intermediate value and gradient must be finite.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  detectAnomaly,
  full,
  logSoftmax,
  logsumexp,
  nn,
  sigmoid,
  type Tensor,
  tanh,
  tensor,
} from '../../index.ts';

const finite = (t: Tensor | null, what: string) => {
  assert.ok(t !== null, `${what}: no gradient`);
  assert.ok(
    t!.data.every((v) => Number.isFinite(v)),
    `${what} is not finite: ${t}`,
  );
};

/** Runs forward and backward (with a fixed upstream gradient) under anomaly detection; returns the output. */
function both(x: Tensor, f: (x: Tensor) => Tensor, upstream?: (y: Tensor) => Tensor): Tensor {
  return detectAnomaly(() => {
    const y = f(x);
    finite(y, 'output');
    const v = upstream ? upstream(y) : full(y.shape, 1);
    y.backward(v);
    finite(x.grad, 'gradient');
    return y;
  });
}

const logits = () =>
  tensor(
    [
      [1e4, 0, -1e4],
      [-1e4, -1e4, 1e4],
      [5e3, 5e3, -1e4],
    ],
    { requiresGrad: true },
  );
const rowWeights = (y: Tensor) => tensor([0.3, -1.2, 0.7]).expand(...y.shape);

test('logSoftmax of logits of magnitude 1e4 is finite and exact', () => {
  const x = logits();
  const y = both(x, (t) => logSoftmax(t, 1), rowWeights);
  const exact = [0, -1e4, -2e4, -2e4, -2e4, 0, -Math.LN2, -Math.LN2, -1.5e4 - Math.LN2];
  // 5e3 + ln 2 - 5e3 keeps ln 2 only to the ulp of 5e3
  y.data.forEach((v, i) => assert.ok(Math.abs(v - exact[i]!) < 1e-11, `element ${i}: ${v} vs ${exact[i]}`));
});

test('logsumexp of logits of magnitude 1e4 is finite and exact', () => {
  const x = logits();
  const y = both(x, (t) => logsumexp(t, 1));
  assert.equal(y.toArray(), [1e4, 1e4, 5e3 + Math.LN2]);
  // the gradient is the softmax: one-hot rows, and a half-half split on the tie
  assert.equal(x.grad!.toArray(), [
    [1, 0, 0],
    [0, 0, 1],
    [0.5, 0.5, 0],
  ]);
});

test('crossEntropy of logits of magnitude 1e4 is finite, with and without label smoothing', () => {
  const target = tensor([1, 2, 0]);
  const x = logits();
  const loss = both(x, (t) => nn.F.crossEntropy(t, target));
  assert.is(loss.item(), (1e4 + 0 + Math.LN2) / 3);
  const x2 = logits();
  const smooth = both(x2, (t) => new nn.CrossEntropyLoss({ labelSmoothing: 0.1 }).forward(t, target));
  assert.ok(smooth.item() > loss.item(), 'smoothing charges for the -2e4 log-probabilities too');
});

test('sigmoid and tanh at ±1000 saturate to finite values with finite (zero) gradients', () => {
  const x = tensor([-1000, -40, 0, 40, 1000], { requiresGrad: true });
  const s = both(x, sigmoid);
  assert.equal([s.data[0], s.data[4]], [0, 1]);
  assert.ok(s.data[0]! >= 0 && s.data[1]! > 0, 'sigmoid(-40) underflows gracefully, no negative values');
  assert.equal([x.grad!.data[0], x.grad!.data[4]], [0, 0]);
  const z = tensor([-1000, 0, 1000], { requiresGrad: true });
  const t = both(z, tanh);
  assert.equal([...t.data], [-1, 0, 1]);
  assert.equal([...z.grad!.data], [0, 1, 0]);
});

test('BatchNorm on a constant input: finite output β and finite gradients (ε at work)', () => {
  for (const value of [5, -3e6]) {
    const bn = new nn.BatchNorm1d(3);
    bn.bias!.data.set([0.5, -1, 2]);
    const x = full([4, 3], value, { requiresGrad: true });
    const y = both(
      x,
      (t) => bn.forward(t),
      (out) =>
        tensor([1, 2, 3, 4])
          .reshape(4, 1)
          .expand(...out.shape),
    );
    assert.equal(y.toArray(), Array(4).fill([0.5, -1, 2]));
    finite(bn.weight!.grad, 'weight gradient');
    // dx = γ / sqrt(ε) (g - mean(g)) per channel, since x̂ = 0
    const expected = [1, 2, 3, 4].map((gi) => (gi - 2.5) / Math.sqrt(bn.eps));
    x.grad!.data.forEach((v, k) => {
      const want = expected[Math.floor(k / 3)]!;
      assert.ok(Math.abs(v - want) < 1e-6 * Math.abs(want), `gradient ${k}: ${v} vs ${want}`);
    });
  }
});

test('BatchNorm2d in eval with zero running variance is finite', () => {
  const bn = new nn.BatchNorm2d(2).eval();
  bn.runningVar!.data.fill(0);
  const x = full([1, 2, 2, 2], 7, { requiresGrad: true });
  both(x, (t) => bn.forward(t));
});

test('LayerNorm on a constant input: finite output β and finite gradients (ε at work)', () => {
  for (const value of [5, 1e6]) {
    const ln = new nn.LayerNorm([2, 3]);
    ln.bias!.data.set([1, 2, 3, 4, 5, 6]);
    const x = full([2, 2, 3], value, { requiresGrad: true });
    const y = both(x, (t) => ln.forward(t));
    for (const v of y.data.subarray(0, 6)) assert.ok(Number.isFinite(v));
    if (value === 5) assert.equal([...y.data], [1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6]);
    finite(ln.weight!.grad, 'weight gradient');
  }
});

test('BCELoss at probabilities exactly 0 and 1 is finite (logs clamped at -100), as its gradient', () => {
  const p = tensor([0, 0, 1, 1], { requiresGrad: true });
  const target = tensor([1, 0, 1, 0]);
  const loss = both(p, (t) => new nn.BCELoss().forward(t, target));
  assert.is(loss.item(), 50);
  // dl/dp = (p - t) / max(p (1 - p), 1e-12) / N, PyTorch's clamp (1e-12 rounded to float32)
  const eps = Math.fround(1e-12);
  assert.equal([...p.grad!.data], [-0.25 / eps, 0, 0, 0.25 / eps]);
  const z = tensor([-1e4, 1e4, 0], { requiresGrad: true });
  const l2 = both(z, (t) => new nn.BCEWithLogitsLoss().forward(t, tensor([1, 0, 1])));
  assert.is(l2.item(), (1e4 + 1e4 + Math.LN2) / 3);
});

test.run();
