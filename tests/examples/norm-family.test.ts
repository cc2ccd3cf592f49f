/**
 * The norm-family experiment's networks are C7's and C13's: same initial
 * weights for a seed, and weight normalization starts as the plain network.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { manualSeed, randn, type Tensor } from '../../core/index.ts';
import { linears } from '../../examples/common/mlp.ts';
import { armMlp, armRnn, prepareRnn } from '../../examples/norm-family/models.ts';
import { F, type Linear, type Sequential } from '../../nn/index.ts';
import { assertClose } from '../helpers/fixtures.ts';

const SIZES = [12, 6, 6, 6, 3];

function build(arm: Parameters<typeof armMlp>[0]): Sequential {
  manualSeed(7);
  return armMlp(arm, SIZES, 'sigmoid');
}

test('MLP arms: LayerNorm and RMSNorm sit after each hidden Linear of the plain network, with its weights', () => {
  const plain = build('none');
  for (const arm of ['layernorm', 'rmsnorm'] as const) {
    const m = build(arm);
    const names = [...m].map((l) => l.name);
    const norm = arm === 'layernorm' ? 'LayerNorm' : 'RMSNorm';
    assert.equal(names, [
      'Linear',
      norm,
      'Sigmoid',
      'Linear',
      norm,
      'Sigmoid',
      'Linear',
      norm,
      'Sigmoid',
      'Linear',
    ]);
    linears(m).forEach((l, k) => assertClose(l.weight, linears(plain)[k]!.weight, `${arm} Linear ${k}`));
  }
});

test('MLP and RNN arms with weight norm compute what the plain network computes at initialization', () => {
  const x = randn([4, 12]);
  const plain = build('none');
  const wn = build('weightnorm');
  assert.ok(
    linears(wn).every((l: Linear) => !l.weight.isLeaf),
    'every Linear is reparametrized',
  );
  assertClose(wn.forward(x) as Tensor, plain.forward(x) as Tensor, 'MLP logits');

  const seq = randn([3, 5, 28]);
  const rnn = (arm: 'plain' | 'weightnorm') => {
    manualSeed(9);
    return prepareRnn(armRnn(arm, 6), arm, 3);
  };
  assertClose(rnn('weightnorm').forward(seq), rnn('plain').forward(seq), 'RNN logits');
});

test('the RMSNorm-RNN step is tanh(RMSNorm(x W_ihᵀ + h W_hhᵀ) + b_ih + b_hh) on the plain cell', () => {
  manualSeed(11);
  const model = prepareRnn(armRnn('rmsnorm', 5), 'rmsnorm', 0.5);
  const c = model.cell;
  const x = randn([2, 3, 28]);
  const { hs } = model.unroll(x);
  let h: Tensor | null = null;
  for (let t = 0; t < 3; t++) {
    let pre = x.select(1, t).matmul(c.weightIh.t());
    if (h !== null) pre = pre.add(h.matmul(c.weightHh.t()));
    h = F.rmsNorm(pre, 5, { eps: 1e-5 }).add(c.biasIh!).add(c.biasHh!).tanh();
    assertClose(hs[t]!, h, `h_${t + 1}`);
  }
});

test.run();
