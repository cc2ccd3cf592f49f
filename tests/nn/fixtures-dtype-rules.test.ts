/**
 * Mixed dtypes as PyTorch treats them (tests/fixtures/dtype_rules.json, from
 * make_dtype_rules.py): for every op, functional and loss that takes more
 * than one tensor, one argument float64 and the rest float32, and the other
 * way round.
 *
 * - Where torch refuses, normgrad throws a DTypeError that names the function,
 *   the argument and both dtypes.
 * - Where torch computes, normgrad's result has torch's dtype and every
 *   gradient the dtype of its own input.
 * - Where torch computes the forward pass but its backward refuses
 *   (`mse_loss`), normgrad refuses as soon as a gradient would be needed and
 *   computes torch's forward dtype under noGrad.
 *
 * Every fixture rule has a call here except the ones the fixture lists as
 * torch-only, so a rule added to the script cannot be skipped silently.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  cat as catOf,
  type DType,
  DTypeError,
  noGrad,
  rand,
  randn,
  stack as stackOf,
  type Tensor,
  tensor,
  where,
} from '../../core/index.ts';
import { F } from '../../nn/index.ts';
import { loadFixture } from '../helpers/fixtures.ts';

interface Rule {
  name: string;
  rule: string;
  variant: string;
  input_dtype: DType;
  arg_dtype: DType;
  raises: boolean;
  error?: string;
  out_dtype?: DType;
  value?: boolean;
  grad_dtypes?: Record<string, DType | null>;
  backward_error?: string;
}

const fixture = loadFixture<Rule>('dtype_rules') as ReturnType<typeof loadFixture<Rule>> & {
  torch_only: string[];
};

/** Standard-normal leaf. */
const t = (shape: number[], dtype: DType, grad = true): Tensor => randn(shape, { dtype, requiresGrad: grad });
/** A leaf in (0.05, 0.95): probabilities, variances, BCE targets. */
const p = (shape: number[], dtype: DType, grad = true): Tensor =>
  rand(shape, { dtype }).mul(0.9).add(0.05).detach().requiresGrad_(grad);
const labels = () => tensor([0, 2, 1]);

/** A call under test: the leaves by torch's names (in the fixture's order), and the normgrad call on them. */
interface Built {
  leaves: Record<string, Tensor>;
  call: () => Tensor | boolean;
}

/** How one fixture rule maps to normgrad: the function and argument names a DTypeError must give, and the call. */
interface Call {
  who: string;
  arg: string;
  build: (dx: DType, da: DType) => Built;
}

/** Leaves where `arg` gets `da` and every other name `dx`. */
function pick(arg: string, dx: DType, da: DType) {
  return (name: string) => (name === arg ? da : dx);
}

const CALLS: Record<string, Call> = {};

function add(rule: string, who: string, arg: string, build: (dx: DType, da: DType) => Built): void {
  CALLS[rule] = { who, arg, build };
}

// ---- class-index losses
add('cross_entropy.weight', 'crossEntropy', 'weight', (dx, da) => {
  const leaves = { input: t([3, 4], dx), weight: p([4], da, false) };
  return { leaves, call: () => F.crossEntropy(leaves.input, labels(), { weight: leaves.weight }) };
});
add('nll_loss.weight', 'nllLoss', 'weight', (dx, da) => {
  const leaves = { input: t([3, 4], dx), weight: p([4], da, false) };
  return { leaves, call: () => F.nllLoss(leaves.input.logSoftmax(1), labels(), { weight: leaves.weight }) };
});
add('cross_entropy_smoothing.weight', 'crossEntropy', 'weight', (dx, da) => {
  const leaves = { input: t([3, 4], dx), weight: p([4], da, false) };
  return {
    leaves,
    call: () => F.crossEntropy(leaves.input, labels(), { weight: leaves.weight, labelSmoothing: 0.1 }),
  };
});
add('cross_entropy_probabilities.target', 'crossEntropy', 'target', (dx, da) => {
  const leaves = { input: t([3, 4], dx), target: p([3, 4], da) };
  return { leaves, call: () => F.crossEntropy(leaves.input, leaves.target) };
});

// ---- binary losses
add('binary_cross_entropy.target', 'binaryCrossEntropy', 'target', (dx, da) => {
  const leaves = { input: p([2, 3], dx), target: p([2, 3], da) };
  return { leaves, call: () => F.binaryCrossEntropy(leaves.input, leaves.target) };
});
add('binary_cross_entropy.weight', 'binaryCrossEntropy', 'weight', (dx, da) => {
  const leaves = { input: p([2, 3], dx), target: p([2, 3], dx, false), weight: p([3], da, false) };
  return {
    leaves,
    call: () => F.binaryCrossEntropy(leaves.input, leaves.target, { weight: leaves.weight }),
  };
});
const BCEL = 'binaryCrossEntropyWithLogits';
add('binary_cross_entropy_with_logits.target', BCEL, 'target', (dx, da) => {
  const leaves = { input: t([2, 3], dx), target: p([2, 3], da) };
  return { leaves, call: () => F.binaryCrossEntropyWithLogits(leaves.input, leaves.target) };
});
add('binary_cross_entropy_with_logits.weight', BCEL, 'weight', (dx, da) => {
  const leaves = { input: t([2, 3], dx), target: p([2, 3], dx, false), weight: p([3], da, false) };
  return {
    leaves,
    call: () => F.binaryCrossEntropyWithLogits(leaves.input, leaves.target, { weight: leaves.weight }),
  };
});
add('binary_cross_entropy_with_logits.pos_weight', BCEL, 'posWeight', (dx, da) => {
  const leaves = { input: t([2, 3], dx), target: p([2, 3], dx, false), pos_weight: p([3], da, false) };
  return {
    leaves,
    call: () => F.binaryCrossEntropyWithLogits(leaves.input, leaves.target, { posWeight: leaves.pos_weight }),
  };
});
add('mse_loss.target', 'mseLoss', 'target', (dx, da) => {
  const leaves = { input: t([2, 3], dx), target: t([2, 3], da) };
  return { leaves, call: () => F.mseLoss(leaves.input, leaves.target) };
});

// ---- normalization
for (const arg of ['weight', 'bias']) {
  add(`layer_norm.${arg}`, 'layerNorm', arg, (dx, da) => {
    const d = pick(arg, dx, da);
    const leaves = { input: t([3, 4], dx), weight: t([4], d('weight')), bias: t([4], d('bias')) };
    return {
      leaves,
      call: () => F.layerNorm(leaves.input, [4], { weight: leaves.weight, bias: leaves.bias }),
    };
  });
  add(`group_norm.${arg}`, 'groupNorm', arg, (dx, da) => {
    const d = pick(arg, dx, da);
    const leaves = { input: t([2, 4, 3], dx), weight: t([4], d('weight')), bias: t([4], d('bias')) };
    return { leaves, call: () => F.groupNorm(leaves.input, 2, { weight: leaves.weight, bias: leaves.bias }) };
  });
}
const camel = (s: string) => s.replace(/_(.)/g, (_, c: string) => c.toUpperCase());
function normLeaves(arg: string, dx: DType, da: DType, shape: number[]) {
  const d = pick(arg, dx, da);
  return {
    input: t(shape, dx),
    running_mean: t([3], d('running_mean'), false),
    running_var: p([3], d('running_var'), false),
    weight: t([3], d('weight')),
    bias: t([3], d('bias')),
  };
}
for (const arg of ['weight', 'bias', 'running_mean', 'running_var']) {
  for (const training of [true, false]) {
    add(`batch_norm_${training ? 'train' : 'eval'}.${arg}`, 'batchNorm', camel(arg), (dx, da) => {
      const l = normLeaves(arg, dx, da, [4, 3]);
      return {
        leaves: l,
        call: () =>
          F.batchNorm(l.input, l.running_mean, l.running_var, { weight: l.weight, bias: l.bias, training }),
      };
    });
  }
  add(`instance_norm.${arg}`, 'instanceNorm', camel(arg), (dx, da) => {
    const l = normLeaves(arg, dx, da, [2, 3, 4]);
    return {
      leaves: l,
      call: () =>
        F.instanceNorm(l.input, {
          runningMean: l.running_mean,
          runningVar: l.running_var,
          weight: l.weight,
          bias: l.bias,
        }),
    };
  });
}

// ---- linear, convolution, matmul
for (const arg of ['weight', 'bias']) {
  for (const [op, x, w] of [
    ['linear', [2, 3], [4, 3]],
    ['conv1d', [1, 2, 5], [3, 2, 2]],
    ['conv2d', [1, 2, 4, 4], [3, 2, 2, 2]],
  ] as const) {
    add(`${op}.${arg}`, op, arg, (dx, da) => {
      const d = pick(arg, dx, da);
      const l = { input: t([...x], dx), weight: t([...w], d('weight')), bias: t([w[0]], d('bias')) };
      const fn = op === 'linear' ? F.linear : op === 'conv1d' ? F.conv1d : F.conv2d;
      return { leaves: l, call: () => fn(l.input, l.weight, l.bias) };
    });
  }
}
add('matmul.other', 'matmul', 'other', (dx, da) => {
  const l = { input: t([2, 3], dx), other: t([3, 4], da) };
  return { leaves: l, call: () => l.input.matmul(l.other) };
});

// ---- recurrent cells
for (const [cell, gates, lstm] of [
  ['rnn_cell', 1, false],
  ['lstm_cell', 4, true],
  ['gru_cell', 3, false],
] as const) {
  const args = ['hx', ...(lstm ? ['cx'] : []), 'weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'];
  for (const arg of args) {
    add(`${cell}.${arg}`, camel(cell), camel(arg), (dx, da) => {
      const d = pick(arg, dx, da);
      const l: Record<string, Tensor> = { input: t([2, 3], dx), hx: t([2, 4], d('hx')) };
      if (lstm) l.cx = t([2, 4], d('cx'));
      l.weight_ih = t([gates * 4, 3], d('weight_ih'));
      l.weight_hh = t([gates * 4, 4], d('weight_hh'));
      l.bias_ih = t([gates * 4], d('bias_ih'));
      l.bias_hh = t([gates * 4], d('bias_hh'));
      const w = { weightIh: l.weight_ih!, weightHh: l.weight_hh!, biasIh: l.bias_ih!, biasHh: l.bias_hh! };
      const call = () =>
        cell === 'rnn_cell'
          ? F.rnnCell(l.input!, l.hx!, w)
          : cell === 'gru_cell'
            ? F.gruCell(l.input!, l.hx!, w)
            : F.lstmCell(l.input!, [l.hx!, l.cx!], w)[0];
      return { leaves: l, call };
    });
  }
}

// ---- elementwise and joining: torch promotes
for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'pow'] as const) {
  add(`${op}.other`, op, 'other', (dx, da) => {
    const l = { input: p([2, 3], dx), other: t([2, 3], da) };
    return { leaves: l, call: () => l.input[op](l.other) };
  });
}
add('where.other', 'where', 'other', (dx, da) => {
  const l = { input: t([2, 3], dx), other: t([2, 3], da) };
  return { leaves: l, call: () => where(l.input.gt(0), l.input, l.other) };
});
for (const op of ['cat', 'stack'] as const) {
  add(`${op}.tensors[1]`, op, 'tensors[1]', (dx, da) => {
    const l = { input: t([2, 3], dx), 'tensors[1]': t([2, 3], da) };
    const fn = op === 'cat' ? catOf : stackOf;
    return { leaves: l, call: () => fn([l.input, l['tensors[1]']]) };
  });
}

// ---- whole-tensor comparisons
add('equal.other', 'equal', 'other', (dx, da) => {
  const input = p([2, 3], dx, false);
  const l = { input, other: input.to(da) };
  return { leaves: l, call: () => l.input.equal(l.other) };
});
add('allclose.other', 'allclose', 'other', (dx, da) => {
  const l = { input: p([2, 3], dx, false), other: p([2, 3], da, false) };
  return { leaves: l, call: () => l.input.allclose(l.other) };
});

// ---- in place: the destination keeps its dtype
for (const op of ['add_', 'sub_', 'mul_', 'div_', 'pow_', 'copy_'] as const) {
  add(`${op}.other`, op, 'other', (dx, da) => {
    const l = { input: p([2, 3], dx, false), other: p([2, 3], da, false) };
    return { leaves: l, call: () => l.input[op](l.other) };
  });
}
for (const op of ['addcmul_', 'addcdiv_'] as const) {
  add(`${op}.tensor1`, op, 'tensor1', (dx, da) => {
    const l = { input: p([2, 3], dx, false), tensor1: p([2, 3], da, false), tensor2: p([2, 3], dx, false) };
    return { leaves: l, call: () => l.input[op](l.tensor1, l.tensor2) };
  });
}
add('lerp_.end', 'lerp_', 'end', (dx, da) => {
  const l = { input: p([2, 3], dx, false), end: p([2, 3], da, false) };
  return { leaves: l, call: () => l.input.lerp_(l.end, 0.5) };
});
add('lerp_.weight', 'lerp_', 'weight', (dx, da) => {
  const l = { input: p([2, 3], dx, false), end: p([2, 3], dx, false), weight: p([2, 3], da, false) };
  return { leaves: l, call: () => l.input.lerp_(l.end, l.weight) };
});

/**
 * Where normgrad knowingly answers otherwise than torch 1.13, with the reason.
 * `torch` is a piece of torch's recorded message (so a regenerated fixture that
 * no longer says it fails here), `ours` what normgrad does instead (so fixing
 * the difference fails here too, and the entry goes).
 */
const DEVIATIONS: Record<string, { torch: string; ours: DType | boolean; why: string }> = {
  'addcmul_.tensor1 x32/a64': {
    torch: 'INTERNAL ASSERT FAILED',
    ours: 'float32',
    why: "torch's refusal is an internal assertion that asks to be reported as a bug, not a dtype rule: the in-place rule (the destination keeps its dtype) applies, as torch does the other way round",
  },
  'addcdiv_.tensor1 x32/a64': {
    torch: 'INTERNAL ASSERT FAILED',
    ours: 'float32',
    why: 'as addcmul_',
  },
};

/** The result's dtype, or the boolean itself. */
const answer = (r: Tensor | boolean): DType | boolean => (typeof r === 'boolean' ? r : r.dtype);

function check(c: Rule, call: Call): void {
  const { leaves, call: run } = call.build(c.input_dtype, c.arg_dtype);
  const deviation = DEVIATIONS[c.name];
  if (deviation !== undefined) {
    assert.ok(c.error?.includes(deviation.torch), `${c.name}: torch's recorded answer changed: ${c.error}`);
    assert.is(answer(run()), deviation.ours, `${c.name}: ours changed; update DEVIATIONS`);
    return;
  }
  const what = `${c.name}: torch ${c.raises ? `raises (${c.error})` : `gives ${c.out_dtype}`}`;
  const refuses = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      assert.instance(e, DTypeError, `${what}; ours threw ${String(e)}`);
      const msg = (e as Error).message;
      assert.ok(
        msg.startsWith(`${call.who}: `),
        `${what}; our message does not start with ${call.who}: ${msg}`,
      );
      for (const part of [call.arg, c.input_dtype, c.arg_dtype]) {
        assert.ok(msg.includes(part), `${what}; our message does not name ${part}: ${msg}`);
      }
      return;
    }
    assert.unreachable(`${what}; ours did not throw`);
  };
  if (c.raises) {
    refuses(run);
    return;
  }
  if (c.backward_error !== undefined) {
    // torch's forward runs and its backward refuses: refused up front while a gradient is wanted.
    refuses(run);
    const out = answer(noGrad(run));
    assert.is(out, c.out_dtype, `${what} under noGrad; ours gives ${out}`);
    return;
  }
  const out = run();
  if (typeof out === 'boolean') {
    assert.is(out, c.value, `${c.name}: torch gives ${c.value}; ours ${out}`);
    return;
  }
  assert.is(out.dtype, c.out_dtype, `${what}; ours gives ${out.dtype}`);
  if (c.grad_dtypes === undefined) return;
  out.sum().backward();
  for (const [name, want] of Object.entries(c.grad_dtypes)) {
    const g = leaves[name]!.grad;
    assert.is(
      g?.dtype ?? null,
      want,
      `${what}; gradient of ${name}: ours ${g?.dtype ?? null}, torch ${want}`,
    );
  }
}

const byRule = new Map<string, Rule[]>();
for (const c of fixture.cases) byRule.set(c.rule, [...(byRule.get(c.rule) ?? []), c]);

test('every fixture rule has a normgrad call, except those the fixture lists as torch-only', () => {
  const missing = [...byRule.keys()].filter((r) => CALLS[r] === undefined).sort();
  assert.equal(missing, [...fixture.torch_only].sort());
  assert.equal(
    Object.keys(CALLS).filter((r) => !byRule.has(r)),
    [],
    'calls without a fixture rule',
  );
});

for (const [rule, cases] of byRule) {
  const call = CALLS[rule];
  if (call === undefined) continue;
  test(`${rule}: as torch (${cases.map((c) => (c.raises ? 'raises' : c.out_dtype)).join(', ')})`, () => {
    for (const c of cases) check(c, call);
  });
}

test.run();
