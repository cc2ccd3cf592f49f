/** Dropout: mask statistics, 1/(1-p) scaling, identity in eval, reproducible masks, gradients, and bad p. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator, manualSeed, ones, randn, tensor, ValueError } from '../../core/index.ts';
import * as nn from '../../nn/index.ts';

test('training: about p of the elements are zeroed, the rest scaled by 1/(1-p)', () => {
  manualSeed(123);
  const n = 100_000;
  for (const p of [0.1, 0.5, 0.8]) {
    const x = randn([n]);
    const y = new nn.Dropout(p).forward(x);
    let zeros = 0;
    for (let i = 0; i < n; i++) {
      if (y.data[i] === 0) zeros++;
      else
        assert.ok(
          Math.abs(y.data[i]! - x.data[i]! / (1 - p)) <= 1e-15 * Math.abs(y.data[i]!),
          'kept values are x / (1 - p)',
        );
    }
    // The number of drops is Binomial(n, p): allow 5 standard deviations.
    const sd = Math.sqrt(n * p * (1 - p));
    assert.ok(Math.abs(zeros - n * p) < 5 * sd, `p=${p}: ${zeros} zeros of ${n}`);
  }
});

test('the expected output equals the input (inverted dropout)', () => {
  manualSeed(5);
  const y = new nn.Dropout(0.3).forward(ones([200_000]));
  const mean = Array.from(y.data).reduce((s, v) => s + v, 0) / y.numel();
  // Each element is 0 or 1/0.7; the mean's standard error is sqrt(p/(1-p)/n) ~ 0.0015.
  assert.ok(Math.abs(mean - 1) < 0.008, `mean ${mean}`);
});

test('eval mode, p = 0 and training = false return the input itself; p = 1 gives zeros', () => {
  const x = randn([4, 5]);
  const d = new nn.Dropout(0.5);
  d.eval();
  assert.is(d.forward(x), x);
  assert.is(new nn.Dropout(0).forward(x), x);
  assert.is(nn.F.dropout(x, 0.5, false), x);
  assert.ok(new nn.Dropout(1).forward(x).data.every((v) => v === 0));
  const seq = new nn.Sequential(new nn.Dropout(0.9));
  seq.eval();
  assert.is(seq.forward(x), x, 'eval recurses into Dropout inside a Sequential');
});

test('masks come from the seeded generator: the same seed gives the same mask, a new call a new one', () => {
  const x = ones([1000]);
  manualSeed(7);
  const a = new nn.Dropout(0.5).forward(x);
  const a2 = new nn.Dropout(0.5).forward(x);
  manualSeed(7);
  const b = new nn.Dropout(0.5).forward(x);
  assert.equal(Array.from(a.data), Array.from(b.data));
  assert.not.equal(Array.from(a.data), Array.from(a2.data));
  const g1 = new nn.Dropout(0.5, { generator: new Generator(1) }).forward(x);
  const g2 = nn.F.dropout(x, 0.5, true, { generator: new Generator(1) });
  assert.equal(Array.from(g1.data), Array.from(g2.data));
});

test('the gradient is the mask scaled by 1/(1-p)', () => {
  manualSeed(2);
  const x = randn([50], { requiresGrad: true });
  const y = new nn.Dropout(0.4).forward(x);
  y.sum().backward();
  for (let i = 0; i < 50; i++) assert.is(x.grad!.data[i], y.data[i] === 0 ? 0 : 1 / 0.6);
});

test('p outside [0, 1] throws, naming the value; toString as PyTorch', () => {
  for (const p of [-0.1, 1.5, Number.NaN]) {
    assert.throws(
      () => new nn.Dropout(p),
      (e: unknown) =>
        e instanceof ValueError &&
        e.message === `Dropout: dropout probability has to be between 0 and 1, but got ${p}`,
    );
    assert.throws(
      () => nn.F.dropout(tensor([1]), p),
      (e: unknown) =>
        e instanceof ValueError &&
        e.message === `dropout: dropout probability has to be between 0 and 1, but got ${p}`,
    );
  }
  assert.is(new nn.Dropout().toString(), 'Dropout(p=0.5, inplace=False)');
  assert.is(new nn.Dropout(0).toString(), 'Dropout(p=0.0, inplace=False)');
});

test.run();
