/**
 * The Optimizer base: parameter groups and their defaults, zeroGrad, skipping
 * parameters without gradients, in-place updates without a graph, state dicts
 * (layout, snapshot semantics, bit-for-bit resumption), and every error.
 * The update rules' numbers are checked against PyTorch in fixtures-optim.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  isGradEnabled,
  noGrad,
  ShapeError,
  StateDictError,
  Tensor,
  tensor,
  ValueError,
} from '../../core/index.ts';
import * as ng from '../../index.ts';
import { Adam, AdamW, type Optimizer, type OptimizerStateDict, RMSprop, SGD } from '../../optim/index.ts';
import type { BaseOptions, StateRecord } from '../../optim/optimizer.ts';
import { throwsWith } from '../helpers/throws.ts';

type AnyOpt = Optimizer<BaseOptions, StateRecord>;

function leaf(values: number[], shape = [values.length]): Tensor {
  return tensor(values, { shape, requiresGrad: true });
}

test('the package root exports optim', () => {
  assert.is(ng.optim.SGD, SGD);
  assert.is(typeof ng.optim.clipGradNorm_, 'function');
});

test('a list of tensors is one group with the defaults filled in', () => {
  const a = leaf([1, 2]);
  const b = leaf([3]);
  const opt = new SGD([a, b], { lr: 0.1, momentum: 0.9 });
  assert.is(opt.paramGroups.length, 1);
  const { params, ...options } = opt.paramGroups[0]!;
  assert.equal(params, [a, b]);
  assert.equal(options, {
    lr: 0.1,
    momentum: 0.9,
    dampening: 0,
    weightDecay: 0,
    nesterov: false,
    maximize: false,
  });
  assert.equal(new Adam([a]).defaults, {
    lr: 1e-3,
    betas: [0.9, 0.999],
    eps: 1e-8,
    weightDecay: 0,
    amsgrad: false,
    maximize: false,
  });
  assert.is(new AdamW([a]).defaults.weightDecay, 0.01);
  assert.equal(new RMSprop([a]).defaults, {
    lr: 1e-2,
    alpha: 0.99,
    eps: 1e-8,
    weightDecay: 0,
    momentum: 0,
    centered: false,
    maximize: false,
  });
});

test('parameter groups take their own options, the rest from the defaults; iterables and single tensors work', () => {
  const a = leaf([1]);
  const b = leaf([2]);
  const c = leaf([3]);
  function* gen() {
    yield b;
    yield c;
  }
  const opt = new Adam([{ params: a }, { params: gen(), lr: 0.5, betas: [0.5, 0.6] }], { lr: 0.1 });
  const [g0, g1] = opt.paramGroups;
  assert.equal(g0!.params, [a]);
  assert.equal(g1!.params, [b, c]);
  assert.is(g0!.lr, 0.1);
  assert.is(g1!.lr, 0.5);
  assert.equal(g0!.betas, [0.9, 0.999]);
  assert.equal(g1!.betas, [0.5, 0.6]);
  // groups do not share the defaults' arrays
  g0!.betas[0] = 0.1;
  assert.equal(opt.defaults.betas, [0.9, 0.999]);
  const d = leaf([4]);
  opt.addParamGroup({ params: [d], amsgrad: true });
  assert.is(opt.paramGroups[2]!.amsgrad, true);
  assert.is(opt.paramGroups[2]!.lr, 0.1);
});

test('SGD takes lr from each group when there is no default', () => {
  const a = leaf([1]);
  const opt = new SGD([{ params: [a], lr: 0.5 }]);
  a.grad = tensor([2]);
  opt.step();
  assert.is(a.data[0], 1 - 0.5 * 2);
});

test('step updates p.data in place under noGrad and records no graph; a closure runs with grad enabled', () => {
  const a = leaf([1, 2]);
  const data = a.data;
  const opt = new SGD([a], { lr: 0.1 });
  let enabledInClosure = false;
  const loss = noGrad(() =>
    opt.step(() => {
      enabledInClosure = isGradEnabled();
      const l = a.mul(a).sum();
      l.backward();
      return l;
    }),
  );
  assert.ok(enabledInClosure, 'closure runs with grad enabled');
  assert.is(loss!.item(), 5);
  assert.is(a.data, data, 'same storage');
  assert.equal(Array.from(a.data), [1 - 0.1 * 2, 2 - 0.1 * 4]);
  assert.ok(a.isLeaf && a.gradFn === null && a.requiresGrad, 'still a leaf that requires grad');
  assert.is(opt.step(), undefined, 'no closure, no loss');
});

test('parameters whose grad is null are skipped and get no state', () => {
  const a = leaf([1]);
  const b = leaf([5]);
  for (const opt of [
    new SGD([a, b], { lr: 0.1, momentum: 0.9 }),
    new Adam([a, b]),
    new RMSprop([a, b]),
  ] as AnyOpt[]) {
    a.grad = tensor([1]);
    b.grad = null;
    opt.step();
    assert.is(b.data[0], 5, `${opt.name}: b untouched`);
    assert.ok(opt.state.has(a) && !opt.state.has(b), `${opt.name}: only a has state`);
    assert.equal(Object.keys(opt.stateDict().state), ['0']);
  }
  const plain = new SGD([a], { lr: 0.1 });
  plain.step();
  assert.is(plain.state.size, 0, 'SGD without momentum keeps no state');
});

test('zeroGrad sets grads to null by default, or zeros them in place', () => {
  const a = leaf([1, 2]);
  const b = leaf([3]);
  const opt = new SGD([a, b], { lr: 0.1 });
  a.grad = tensor([1, 1]);
  opt.zeroGrad();
  assert.is(a.grad, null);
  assert.is(b.grad, null);
  const g = tensor([4, 5]);
  a.grad = g;
  opt.zeroGrad({ setToNone: false });
  assert.is(a.grad, g, 'the same tensor');
  assert.equal(Array.from(a.grad!.data), [0, 0]);
  assert.is(b.grad, null, 'a null grad stays null');
  // a gradient that is itself in a graph (createGraph) is detached first
  const x = leaf([3]);
  x.mul(x).sum().backward(undefined, { createGraph: true });
  assert.ok(x.grad!.requiresGrad);
  new SGD([x], { lr: 0.1 }).zeroGrad({ setToNone: false });
  assert.ok(!x.grad!.requiresGrad && x.grad!.gradFn === null);
  assert.is(x.grad!.data[0], 0);
});

test('stateDict has PyTorch layout and key names, and is a snapshot', () => {
  const a = leaf([1, 2]);
  const b = leaf([3, 4, 5, 6], [2, 2]);
  const opt = new Adam([{ params: [a] }, { params: [b], lr: 0.5, amsgrad: true }], { lr: 0.1 });
  a.grad = tensor([1, -1]);
  b.grad = tensor([1, 2, 3, 4], { shape: [2, 2] });
  opt.step();
  const sd = opt.stateDict();
  assert.equal(sd.param_groups, [
    {
      lr: 0.1,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weight_decay: 0,
      amsgrad: false,
      maximize: false,
      params: [0],
    },
    { lr: 0.5, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: true, maximize: false, params: [1] },
  ]);
  assert.equal(Object.keys(sd.state[0]!).sort(), ['exp_avg', 'exp_avg_sq', 'step']);
  assert.equal(Object.keys(sd.state[1]!).sort(), ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq', 'step']);
  assert.is(sd.state[0]!.step, 1);
  const m = sd.state[1]!.exp_avg as Tensor;
  assert.equal(m.shape, [2, 2]);
  // exp_avg after one step is (1 - beta1) g
  assert.equal(
    Array.from(m.data),
    [1, 2, 3, 4].map((g) => (1 - 0.9) * g),
  );
  const before = Array.from(m.data);
  opt.step();
  assert.equal(Array.from(m.data), before, 'the snapshot does not follow later steps');
  assert.is(sd.state[0]!.step, 1);
});

function serialize(sd: OptimizerStateDict): string {
  return JSON.stringify(sd, (_, v) => (v instanceof Tensor ? Array.from(v.data) : v));
}

/** Runs opt over the grads (one list of gradient arrays per step). */
function run(opt: AnyOpt, params: Tensor[], grads: number[][][]): void {
  for (const row of grads) {
    params.forEach((p, i) => {
      p.grad = row[i] === undefined ? null : new Tensor(Float64Array.from(row[i]!), p.shape);
    });
    opt.step();
  }
}

const resumable: [string, (ps: Tensor[], lr: number) => AnyOpt][] = [
  [
    'SGD',
    (ps, lr) =>
      new SGD([{ params: [ps[0]!] }, { params: ps.slice(1), nesterov: true }], { lr, momentum: 0.9 }),
  ],
  [
    'Adam',
    (ps, lr) =>
      new Adam([{ params: [ps[0]!], amsgrad: true }, { params: ps.slice(1) }], { lr, weightDecay: 0.1 }),
  ],
  [
    'AdamW',
    (ps, lr) => new AdamW([{ params: [ps[0]!] }, { params: ps.slice(1), betas: [0.8, 0.9] }], { lr }),
  ],
  [
    'RMSprop',
    (ps, lr) =>
      new RMSprop([{ params: [ps[0]!], centered: true }, { params: ps.slice(1) }], { lr, momentum: 0.5 }),
  ],
];

for (const [name, make] of resumable) {
  test(`${name}: a copy resumed from a state dict continues on the same trajectory bit for bit`, () => {
    const init = [
      [0.5, -1, 2],
      [1, 2, 3, 4],
      [0.25, -0.75],
    ];
    const shapes = [[3], [2, 2], [2]];
    const fresh = () => init.map((v, i) => leaf(v, shapes[i]));
    const grads = Array.from({ length: 6 }, (_, s) =>
      init.map((v, i) => (s === 2 && i === 2 ? undefined : v.map((x, k) => Math.sin(3 * s + 7 * i + k + x)))),
    ) as number[][][];
    const pa = fresh();
    const a = make(pa, 0.05);
    run(a, pa, grads.slice(0, 3));
    const sd = a.stateDict();
    // the copy: the parameters' current values, a different lr (restored from the dict)
    const pb = pa.map((p) => leaf(Array.from(p.data), [...p.shape]));
    const b = make(pb, 123);
    const frozen = serialize(sd);
    b.loadStateDict(sd);
    assert.equal(b.stateDict(), sd);
    run(a, pa, grads.slice(3));
    run(b, pb, grads.slice(3));
    pa.forEach((p, i) => {
      assert.equal(Array.from(pb[i]!.data), Array.from(p.data), `parameter ${i}`);
    });
    // neither a nor b shares buffers with the dict
    assert.is(serialize(sd), frozen);
  });
}

test('loadStateDict accepts a dict as PyTorch 1.13 writes it (null momentum_buffer, device keys)', () => {
  const a = leaf([1]);
  const opt = new SGD([a], { lr: 0.1 });
  const sd = {
    state: { 0: { momentum_buffer: null } },
    param_groups: [
      {
        lr: 0.3,
        momentum: 0,
        dampening: 0,
        weight_decay: 0,
        nesterov: false,
        maximize: false,
        foreach: null,
        differentiable: false,
        initial_lr: 0.5,
        params: [0],
      },
    ],
  } as unknown as OptimizerStateDict;
  opt.loadStateDict(sd);
  assert.is(opt.paramGroups[0]!.lr, 0.3);
  assert.is(opt.paramGroups[0]!.initialLr, 0.5);
  assert.not.ok('foreach' in opt.paramGroups[0]!);
  assert.equal(opt.stateDict().state, {});
});

test('loadStateDict errors name the problem and change nothing', () => {
  const a = leaf([1, 2]);
  const b = leaf([3]);
  const opt = new Adam([a, b], { lr: 0.1 });
  a.grad = tensor([1, 1]);
  b.grad = tensor([1]);
  opt.step();
  const good = opt.stateDict();
  const before = serialize(opt.stateDict());
  const bad = (edit: (sd: OptimizerStateDict) => void) => {
    const sd = opt.stateDict();
    edit(sd);
    return () => opt.loadStateDict(sd);
  };
  throwsWith(
    bad((sd) => sd.param_groups.push({ ...sd.param_groups[0]!, params: [2] })),
    StateDictError,
    'Adam.loadStateDict: the loaded state dict has 2 parameter groups, the optimizer has 1',
  );
  throwsWith(
    bad((sd) => sd.param_groups[0]!.params.pop()),
    StateDictError,
    'Adam.loadStateDict: parameter group 0 has 1 parameters in the loaded state dict, 2 in the optimizer',
  );
  throwsWith(
    bad((sd) => {
      sd.state[1]!.exp_avg = tensor([1, 2]);
    }),
    StateDictError,
    'Adam.loadStateDict: exp_avg of parameter 1 has shape [2], the parameter has shape [1]',
  );
  throwsWith(
    bad((sd) => {
      delete sd.state[0]!.exp_avg_sq;
    }),
    StateDictError,
    'Adam.loadStateDict: parameter 0: missing tensor exp_avg_sq',
  );
  throwsWith(
    bad((sd) => {
      delete sd.state[0]!.step;
    }),
    StateDictError,
    'Adam.loadStateDict: parameter 0: missing number step',
  );
  throwsWith(
    bad((sd) => {
      sd.state[5] = sd.state[0]!;
    }),
    StateDictError,
    'Adam.loadStateDict: state for parameter 5, which is in none of the loaded parameter groups',
  );
  throwsWith(
    bad((sd) => {
      (sd.state[0] as Record<string, unknown>).step = 'one';
    }),
    StateDictError,
    'Adam.loadStateDict: step of parameter 0 is string, expected a Tensor or a number',
  );
  throwsWith(
    bad((sd) => {
      sd.param_groups[0]!.betas = [1.5, 0.9];
    }),
    ValueError,
    'Adam: Invalid beta parameter at index 0: 1.5 (loaded parameter group 0)',
  );
  assert.is(serialize(opt.stateDict()), before, 'failed loads changed nothing');
  opt.loadStateDict(good);
});

test('invalid options throw ValueError naming the option and value', () => {
  const p = () => [leaf([1])];
  const cases: [() => unknown, string][] = [
    [() => new SGD(p(), { lr: -0.1 }), 'SGD: Invalid learning rate: -0.1'],
    [() => new SGD(p(), { lr: Number.NaN }), 'SGD: Invalid learning rate: NaN'],
    [() => new SGD(p(), { lr: 0.1, momentum: -0.5 }), 'SGD: Invalid momentum value: -0.5'],
    [() => new SGD(p(), { lr: 0.1, weightDecay: -1 }), 'SGD: Invalid weightDecay value: -1'],
    [
      () => new SGD(p(), { lr: 0.1, nesterov: true }),
      'SGD: Nesterov momentum requires a momentum and zero dampening (got momentum 0, dampening 0)',
    ],
    [
      () => new SGD(p(), { lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 }),
      'SGD: Nesterov momentum requires a momentum and zero dampening (got momentum 0.9, dampening 0.1)',
    ],
    [
      () => new SGD(p()),
      "SGD: parameter group 0 didn't specify a value of required optimization parameter lr",
    ],
    [() => new Adam(p(), { lr: -1 }), 'Adam: Invalid learning rate: -1'],
    [() => new Adam(p(), { eps: -1e-8 }), 'Adam: Invalid epsilon value: -1e-8'],
    [() => new Adam(p(), { betas: [1, 0.999] }), 'Adam: Invalid beta parameter at index 0: 1'],
    [() => new Adam(p(), { betas: [0.9, -0.1] }), 'Adam: Invalid beta parameter at index 1: -0.1'],
    [
      () => new Adam(p(), { betas: [0.9] as unknown as [number, number] }),
      'Adam: betas must be a pair [beta1, beta2] (got [0.9])',
    ],
    [() => new AdamW(p(), { weightDecay: -0.01 }), 'AdamW: Invalid weightDecay value: -0.01'],
    [() => new AdamW(p(), { betas: [0.9, 1] }), 'AdamW: Invalid beta parameter at index 1: 1'],
    [() => new RMSprop(p(), { lr: -0.01 }), 'RMSprop: Invalid learning rate: -0.01'],
    [() => new RMSprop(p(), { alpha: -0.9 }), 'RMSprop: Invalid alpha value: -0.9'],
    [() => new RMSprop(p(), { eps: -1 }), 'RMSprop: Invalid epsilon value: -1'],
    [() => new RMSprop(p(), { momentum: -1 }), 'RMSprop: Invalid momentum value: -1'],
    [() => new RMSprop(p(), { weightDecay: -1 }), 'RMSprop: Invalid weightDecay value: -1'],
    [
      () => new SGD([{ params: p() }, { params: p(), lr: -1 }], { lr: 0.1 }),
      'SGD: Invalid learning rate: -1 (parameter group 1)',
    ],
  ];
  for (const [fn, message] of cases) throwsWith(fn, ValueError, message);
});

test('bad parameters throw ValueError naming the optimizer and the parameter index', () => {
  const a = leaf([1]);
  const b = leaf([2, 3]);
  const frozen = tensor([1, 2]);
  const nonLeaf = b.mul(2);
  const cases: [() => unknown, string][] = [
    [() => new SGD([], { lr: 0.1 }), 'SGD: got an empty parameter list'],
    [
      () => new SGD([a, frozen], { lr: 0.1 }),
      'SGD: parameter 1 (parameter group 0) of shape [2] does not require grad; create it with requiresGrad: true or leave it out',
    ],
    [
      () => new Adam([{ params: [a] }, { params: [b, nonLeaf] }]),
      "Adam: can't optimize a non-leaf Tensor: parameter 2 (parameter group 1) of shape [2] was computed by <mul>",
    ],
    [
      () => new SGD([a, b, a], { lr: 0.1 }),
      'SGD: parameter 2 (parameter group 0) is the same tensor as parameter 0; a tensor may appear only once across all parameter groups',
    ],
    [
      () => new RMSprop([{ params: [a, b] }, { params: [b] }]),
      'RMSprop: parameter 2 (parameter group 1) is the same tensor as parameter 1; a tensor may appear only once across all parameter groups',
    ],
    [
      () => new SGD([{ params: [a], lr: 0.1, gamma: 2 } as never]),
      "SGD: unknown option 'gamma' in parameter group 0",
    ],
    [
      () => new SGD([a, 3 as unknown as Tensor], { lr: 0.1 }),
      'SGD: can only optimize Tensors, but parameter 1 (parameter group 0) is number',
    ],
    [() => new SGD([{ lr: 0.1 } as never]), "SGD: parameter group 0 has no 'params'"],
  ];
  for (const [fn, message] of cases) throwsWith(fn, ValueError, message);
  const opt = new SGD([a], { lr: 0.1 });
  throwsWith(
    () => opt.addParamGroup({ params: [a] }),
    ValueError,
    'SGD: parameter 1 (parameter group 1) is the same tensor as parameter 0; a tensor may appear only once across all parameter groups',
  );
  assert.is(opt.paramGroups.length, 1, 'a rejected group is not added');
});

test('a gradient of the wrong shape is a ShapeError naming the parameter', () => {
  const a = leaf([1]);
  const b = leaf([1, 2, 3, 4], [2, 2]);
  const opt = new SGD([a, b], { lr: 0.1 });
  b.grad = tensor([1, 2, 3, 4]);
  throwsWith(
    () => opt.step(),
    ShapeError,
    'SGD.step: the gradient of parameter 1 has shape [4], the parameter has shape [2, 2]',
  );
});

test('toString lists each group as PyTorch prints an optimizer', () => {
  const opt = new Adam([{ params: [leaf([1])] }, { params: [leaf([2])], lr: 0.5 }]);
  assert.is(
    opt.toString(),
    [
      'Adam (',
      'Parameter Group 0',
      '    amsgrad: false',
      '    betas: [0.9, 0.999]',
      '    eps: 1e-8',
      '    lr: 0.001',
      '    maximize: false',
      '    weightDecay: 0',
      'Parameter Group 1',
      '    amsgrad: false',
      '    betas: [0.9, 0.999]',
      '    eps: 1e-8',
      '    lr: 0.5',
      '    maximize: false',
      '    weightDecay: 0',
      ')',
    ].join('\n'),
  );
});

test('sanity: SGD with momentum minimises a badly conditioned quadratic (the fixtures are the evidence)', () => {
  const A = tensor([
    [3, 0.5],
    [0.5, 0.2],
  ]);
  const target = A.matmul(tensor([1, -2]));
  const loss = (w: Tensor) => A.matmul(w).sub(target).pow(2).sum();
  const w = tensor([4, -3], { requiresGrad: true });
  const opt = new SGD([w], { lr: 0.05, momentum: 0.9 });
  const first = loss(w).item();
  for (let i = 0; i < 500; i++) {
    opt.zeroGrad();
    loss(w).backward();
    opt.step();
  }
  const last = loss(w).item();
  assert.ok(last < 1e-6 * first, `loss ${first} -> ${last}`);
  assert.ok(Math.abs(w.data[0]! - 1) < 1e-2 && Math.abs(w.data[1]! + 2) < 1e-2, `w = ${w}`);
});

test.run();
