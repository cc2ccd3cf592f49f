/**
 * Optimizers on float32 parameters against PyTorch's float32 trajectories
 * (tests/fixtures/optim_float32.json, from make_optim_float32.py): the
 * parameters stay float32, the state is kept in the parameter's dtype, and the
 * values agree with torch to float32 tolerance (torch rounds after every
 * operation, normgrad once per store).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Tensor, tensor } from '../../core/index.ts';
import { Adam, AdamW, type AnyOptimizer, RMSprop, SGD } from '../../optim/index.ts';
import { toCamel } from '../../optim/state-dict.ts';
import { type FixtureTensor, fixtureNumber, loadFixture } from '../helpers/fixtures.ts';

interface Float32Case {
  name: string;
  optimizer: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop';
  given_options: Record<string, unknown>;
  params_init: FixtureTensor[];
  grads: FixtureTensor[][];
  params: FixtureTensor[][];
  state_dtypes: Record<string, string>;
}

const f32 = (f: FixtureTensor, requiresGrad = false): Tensor =>
  tensor(f.data.map(fixtureNumber), { shape: f.shape, dtype: 'float32', requiresGrad });

function build(c: Float32Case, params: Tensor[]): AnyOptimizer {
  const o = Object.fromEntries(
    Object.entries(c.given_options).map(([k, v]) => [
      toCamel(k),
      Array.isArray(v) ? (v as [number, number]) : v,
    ]),
  );
  const classes = { SGD, Adam, AdamW, RMSprop };
  return new classes[c.optimizer](params, o as never);
}

for (const c of loadFixture<Float32Case>('optim_float32').cases) {
  test(`${c.name}: float32 parameters stay float32 and follow PyTorch's float32 steps`, () => {
    const params = c.params_init.map((f) => f32(f, true));
    const opt = build(c, params);
    c.grads.forEach((gs, step) => {
      params.forEach((p, i) => {
        p.grad = f32(gs[i]!);
      });
      opt.step();
      params.forEach((p, i) => {
        assert.is(p.dtype, 'float32');
        const want = c.params[step]![i]!.data.map(fixtureNumber);
        for (let k = 0; k < want.length; k++) {
          const err = Math.abs(p.data[k]! - want[k]!);
          assert.ok(
            err <= 1e-6 + 2e-6 * Math.abs(want[k]!),
            `${c.name} step ${step} param ${i}[${k}]: ${p.data[k]} vs ${want[k]}`,
          );
        }
      });
    });
    const state = opt.stateDict().state[0]!;
    const dtypes = Object.fromEntries(
      Object.entries(state)
        .filter(([, v]) => typeof v !== 'number')
        .map(([k, v]) => [k, (v as Tensor).dtype]),
    );
    assert.equal(dtypes, c.state_dtypes, "state tensors are in the parameter's dtype, as torch keeps them");
  });
}

test('a float64 optimizer state loaded for float32 parameters is converted to float32, as PyTorch casts it', () => {
  const p64 = tensor([1, 2, 3], { requiresGrad: true });
  const source = new Adam([p64], { lr: 0.1 });
  p64.grad = tensor([0.1, 0.2, 0.3]);
  source.step();
  const p32 = tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true });
  const target = new Adam([p32], { lr: 0.1 });
  target.loadStateDict(source.stateDict());
  const s = target.stateDict().state[0]!;
  assert.is((s.exp_avg as Tensor).dtype, 'float32');
  assert.is((s.exp_avg_sq as Tensor).dtype, 'float32');
  assert.is(s.step, 1);
  p32.grad = tensor([0.1, 0.2, 0.3], { dtype: 'float32' });
  target.step();
  assert.is(p32.dtype, 'float32');
});

test.run();
