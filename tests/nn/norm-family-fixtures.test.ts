/**
 * GroupNorm, InstanceNorm1d/2d, LayerNorm over [C, H, W], RMSNorm and weight
 * normalization against PyTorch (tests/fixtures/norm_family.json, from
 * make_norm_family.py; RMSNorm against torch ops composed after torch 2.4, since
 * torch 1.13 has none): every pass of every case, in the modes the fixture ran,
 * with outputs, input and parameter gradients, running statistics and
 * state-dict keys (also after removeWeightNorm).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Tensor } from '../../core/index.ts';
import { GroupNorm } from '../../nn/groupnorm.ts';
import { InstanceNorm1d, InstanceNorm2d } from '../../nn/instancenorm.ts';
import { LayerNorm } from '../../nn/layernorm.ts';
import { Linear } from '../../nn/linear.ts';
import type { Module } from '../../nn/module.ts';
import { RMSNorm } from '../../nn/rmsnorm.ts';
import { RNNCell } from '../../nn/rnn-cells.ts';
import { removeWeightNorm, weightNorm } from '../../nn/utils/weight-norm.ts';
import { assertClose, type FixtureTensor, loadFixture, toTensor } from '../helpers/fixtures.ts';

type Options = Record<string, number | boolean | number[] | null>;

interface Pass {
  mode: 'train' | 'eval';
  input: FixtureTensor | FixtureTensor[];
  output: FixtureTensor;
  grad_out: FixtureTensor;
  grad_input: FixtureTensor | FixtureTensor[];
  grads: Record<string, FixtureTensor>;
  buffers: Record<string, FixtureTensor | number>;
}

interface FamilyCase {
  name: string;
  module: string;
  options: Options;
  weight_norm: { name: string; dim: number | null } | null;
  state_dict_keys: string[];
  params: Record<string, FixtureTensor>;
  passes: Pass[];
  removed?: { state_dict_keys: string[]; weight: FixtureTensor };
}

const num = (o: Options, k: string) => o[k] as number;
const opt = <T>(o: Options, k: string) => (k in o ? (o[k] as T) : undefined);

/** PyTorch's constructor keywords -> the normgrad module. */
const MAKERS: Record<string, (o: Options) => Module> = {
  GroupNorm: (o) =>
    new GroupNorm(num(o, 'num_groups'), num(o, 'num_channels'), {
      eps: opt(o, 'eps'),
      affine: opt(o, 'affine'),
    }),
  InstanceNorm1d: (o) => new InstanceNorm1d(num(o, 'num_features'), instanceOptions(o)),
  InstanceNorm2d: (o) => new InstanceNorm2d(num(o, 'num_features'), instanceOptions(o)),
  LayerNorm: (o) =>
    new LayerNorm(o.normalized_shape as number[], { elementwiseAffine: opt(o, 'elementwise_affine') }),
  RMSNorm: (o) =>
    new RMSNorm(o.normalized_shape as number[], {
      eps: opt(o, 'eps'),
      elementwiseAffine: opt(o, 'elementwise_affine'),
    }),
  Linear: (o) => new Linear(num(o, 'in_features'), num(o, 'out_features'), { bias: opt(o, 'bias') }),
  RNNCell: (o) => new RNNCell(num(o, 'input_size'), num(o, 'hidden_size')),
};

function make(c: FamilyCase): Module {
  const m = MAKERS[c.module]!(c.options);
  if (c.weight_norm !== null) weightNorm(m, c.weight_norm.name, c.weight_norm.dim);
  return m;
}

const list = <T>(x: T | T[]) => (Array.isArray(x) ? x : [x]);

function instanceOptions(o: Options) {
  return {
    eps: opt<number>(o, 'eps'),
    momentum: opt<number>(o, 'momentum'),
    affine: opt<boolean>(o, 'affine'),
    trackRunningStats: opt<boolean>(o, 'track_running_stats'),
  };
}

const cases = loadFixture<FamilyCase>('norm_family').cases.filter((c) => c.module in MAKERS);

test('the fixtures hold the awkward cases this file expects', () => {
  const names = cases.map((c) => c.name);
  for (const want of [
    'groupnorm_g1_layer_like',
    'groupnorm_g_equals_c',
    'groupnorm_batch_of_one',
    'groupnorm_constant_group',
    'groupnorm_large_mean',
    'instancenorm1d_affine_tracked',
    'instancenorm1d_unbatched_tracked',
    'instancenorm2d_constant_channel',
    'layernorm_chw_4d',
    'layernorm_chw_large_mean',
    'rmsnorm_last_dim_eps_none',
    'rmsnorm_zero_row',
    'weightnorm_linear_dim0',
    'weightnorm_linear_dim_minus1_is_whole',
    'weightnorm_rnncell_weight_hh',
  ]) {
    assert.ok(names.includes(want), want);
  }
  assert.is(cases.length, 36);
});

for (const c of cases) {
  test(`${c.name}: ${c.passes.map((p) => p.mode).join(', ')} match PyTorch`, () => {
    const m = make(c);
    assert.equal(Object.keys(m.stateDict()), c.state_dict_keys, 'state-dict keys');
    const params = Object.fromEntries(m.namedParameters());
    assert.equal(Object.keys(params), Object.keys(c.params), 'parameters');
    for (const [k, p] of Object.entries(c.params)) params[k]!.data.set(toTensor(p).data);
    c.passes.forEach((pass, i) => {
      const what = `pass ${i} (${pass.mode})`;
      m.train(pass.mode === 'train');
      m.zeroGrad();
      const xs = list(pass.input).map((t) => toTensor(t, true));
      const y = m.forward(...xs) as Tensor;
      y.backward(toTensor(pass.grad_out));
      assertClose(y, pass.output, `${what} output`);
      list(pass.grad_input).forEach((g, j) => assertClose(xs[j]!.grad, g, `${what} grad_input ${j}`));
      for (const [k, g] of Object.entries(pass.grads)) assertClose(params[k]!.grad, g, `${what} grad ${k}`);
      const buffers = Object.fromEntries(m.namedBuffers());
      assert.equal(Object.keys(buffers), Object.keys(pass.buffers), `${what} buffers`);
      for (const [k, b] of Object.entries(pass.buffers)) {
        if (typeof b === 'number') assert.is(buffers[k]!.item(), b, `${what} ${k}`);
        else assertClose(buffers[k]!, b, `${what} ${k}`);
      }
    });
    if (c.removed !== undefined) {
      const name = c.weight_norm!.name;
      removeWeightNorm(m, name);
      assert.equal(Object.keys(m.stateDict()), c.removed.state_dict_keys, 'keys after removeWeightNorm');
      assertClose(m.stateDict()[name]!, c.removed.weight, 'weight after removeWeightNorm');
    }
  });
}

test.run();
