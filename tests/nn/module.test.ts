/** The Module tree: names, traversal, modes, printing, registration errors and forward scopes. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  AnomalyError,
  detectAnomaly,
  NormgradError,
  ones,
  type Tensor,
  tensor,
  ValueError,
  zeros,
} from '../../core/index.ts';
import * as nn from '../../nn/index.ts';
import { loadFixture } from '../helpers/fixtures.ts';

interface ReprCase {
  name: string;
  repr: string;
  state_dict_keys: string[];
  named_parameters: string[];
  named_modules: string[];
  num_parameters: number;
}

const trees: Record<string, () => nn.Module> = {
  readme_model: () =>
    new nn.Sequential(
      new nn.Linear(4, 16, { bias: false }),
      new nn.BatchNorm1d(16),
      new nn.ReLU(),
      new nn.Linear(16, 3),
    ),
  zoo: () =>
    new nn.Sequential(
      new nn.Flatten(),
      new nn.Linear(6, 5),
      new nn.Sigmoid(),
      new nn.Tanh(),
      new nn.LeakyReLU(0.2),
      new nn.Dropout(0.25),
      new nn.Identity(),
      new nn.Sequential(new nn.Linear(5, 4), new nn.ReLU()),
      new nn.ModuleList([new nn.Linear(4, 4), new nn.LayerNorm(4)]),
      new nn.Softmax(1),
      new nn.LogSoftmax(-1),
    ),
  losses: () =>
    new nn.Sequential(
      new nn.MSELoss(),
      new nn.CrossEntropyLoss({ weight: ones([3]) }),
      new nn.NLLLoss(),
      new nn.BCELoss(),
      new nn.BCEWithLogitsLoss({ posWeight: ones([2]) }),
    ),
};

for (const c of loadFixture<ReprCase>('nn_repr').cases) {
  test(`${c.name}: toString, names and counts equal PyTorch's`, () => {
    const m = trees[c.name]!();
    assert.is(m.toString(), c.repr);
    assert.equal(Object.keys(m.stateDict()), c.state_dict_keys);
    assert.equal(
      [...m.namedParameters()].map(([n]) => n),
      c.named_parameters,
    );
    assert.equal(
      [...m.namedModules()].map(([n]) => n),
      c.named_modules,
    );
    assert.is(m.numParameters(), c.num_parameters);
  });
}

test('parameters are leaves that require grad; buffers do not', () => {
  const m = trees.readme_model!();
  for (const p of m.parameters()) assert.ok(p.requiresGrad && p.isLeaf);
  const buffers = [...m.namedBuffers()];
  assert.equal(
    buffers.map(([n]) => n),
    ['1.running_mean', '1.running_var', '1.num_batches_tracked'],
  );
  for (const [, b] of buffers) assert.is(b.requiresGrad, false);
  assert.is([...m.buffers()].length, 3);
  assert.is([...m.parameters(false)].length, 0, 'a Sequential owns no parameters itself');
  assert.equal([...m.namedParameters('model')].map(([n]) => n)[0], 'model.0.weight');
});

test('train() and eval() recurse through nested Sequentials and ModuleLists', () => {
  const m = trees.zoo!();
  assert.ok([...m.modules()].every((x) => x.training));
  assert.is(m.eval(), m);
  assert.ok([...m.modules()].every((x) => !x.training));
  m.train();
  assert.ok([...m.modules()].every((x) => x.training));
  m.train(false);
  assert.ok([...m.modules()].every((x) => !x.training));
  assert.throws(
    () => m.train('yes' as unknown as boolean),
    (e: unknown) =>
      e instanceof ValueError && e.message === 'Sequential.train: mode must be a boolean, got yes',
  );
});

test('a module used twice is listed and counted once, and runs twice', () => {
  const lin = new nn.Linear(3, 3);
  const m = new nn.Sequential(lin, lin);
  assert.is(m.length, 2);
  assert.is([...m.children()].length, 1);
  assert.is([...m.parameters()].length, 2);
  assert.is(m.numParameters(), lin.weight.numel() + lin.bias!.numel());
  const x = tensor([[1, 2, 3]]);
  assert.equal(m.forward(x).toArray(), lin.forward(lin.forward(x)).toArray());
  // PyTorch's state_dict lists every path, so the shared layer's tensors appear under both names.
  assert.equal(Object.keys(m.stateDict()), ['0.weight', '0.bias', '1.weight', '1.bias']);
  const copy = new nn.Sequential(new nn.Linear(3, 3), new nn.Linear(3, 3));
  copy.loadStateDict(m.stateDict());
  assert.equal(copy.forward(x).toArray(), m.forward(x).toArray());
});

test('numParameters(onlyTrainable) skips frozen parameters', () => {
  const m = new nn.Sequential(new nn.Linear(4, 3), new nn.Linear(3, 2));
  const first = m.at(0) as nn.Linear;
  first.weight.requiresGrad = false;
  assert.is(m.numParameters(), 4 * 3 + 3 + 3 * 2 + 2);
  assert.is(m.numParameters(true), 3 + 3 * 2 + 2);
});

test('zeroGrad clears every gradient; apply visits children before the parent', () => {
  const m = new nn.Sequential(new nn.Linear(2, 2), new nn.Sequential(new nn.Linear(2, 1)));
  m.forward(tensor([[1, -1]]))
    .sum()
    .backward();
  assert.ok([...m.parameters()].every((p) => p.grad !== null));
  m.zeroGrad();
  assert.ok([...m.parameters()].every((p) => p.grad === null));
  const order: string[] = [];
  m.apply((x) => order.push(x.name));
  assert.equal(order, ['Linear', 'Linear', 'Sequential', 'Sequential']);
});

test('Sequential: at, negative index, slice, iteration, append, named children', () => {
  const a = new nn.Linear(2, 3);
  const b = new nn.ReLU();
  const seq = new nn.Sequential(a, b);
  assert.is(seq.at(0), a);
  assert.is(seq.at(-1), b);
  assert.equal([...seq], [a, b]);
  const c = new nn.Linear(3, 1);
  seq.append(c);
  assert.equal(
    [...seq.namedChildren()].map(([n]) => n),
    ['0', '1', '2'],
  );
  const tail = seq.slice(1);
  assert.equal([...tail], [b, c]);
  assert.throws(
    () => seq.at(3),
    (e: unknown) =>
      e instanceof ValueError && e.message === 'Sequential: index 3 is out of range for 3 modules',
  );
  const named = new nn.Sequential({ fc: new nn.Linear(2, 2), act: new nn.Tanh() });
  assert.equal(
    [...named.namedParameters()].map(([n]) => n),
    ['fc.weight', 'fc.bias'],
  );
  assert.throws(
    () => seq.append(3 as unknown as nn.Module),
    (e: unknown) => e instanceof ValueError && e.message === 'Sequential.append: expected a Module, got 3',
  );
});

test('Sequential.forward throws when the last module does not return a tensor', () => {
  class Pair extends nn.Module {
    forward(x: Tensor): [Tensor, Tensor] {
      return [x, x];
    }
  }
  assert.throws(
    () => new nn.Sequential(new Pair()).forward(zeros([1])),
    (e: unknown) =>
      e instanceof ValueError && e.message === 'Sequential: the last module returned object, not a Tensor',
  );
});

test('ModuleList registers its modules and has no forward', () => {
  const list = new nn.ModuleList([new nn.Linear(2, 2)]);
  list.append(new nn.Linear(2, 1)).extend([new nn.ReLU()]);
  assert.is(list.length, 3);
  assert.ok(list.at(-1) instanceof nn.ReLU);
  assert.equal([...list].length, 3);
  assert.equal(
    [...list.namedParameters()].map(([n]) => n),
    ['0.weight', '0.bias', '1.weight', '1.bias'],
  );
  assert.throws(
    () => list.forward(),
    (e: unknown) =>
      e instanceof NormgradError &&
      e.message === "ModuleList: has no forward; iterate over it and call each module's forward",
  );
  assert.throws(
    () => list.at(-4),
    (e: unknown) =>
      e instanceof ValueError && e.message === 'ModuleList: index -4 is out of range for 3 modules',
  );
});

class Holder extends nn.Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

test('registration: bad names, kind clashes, non-leaf parameters and cycles throw', () => {
  const m = new Holder();
  const cases: [() => unknown, string][] = [
    [
      () => m.registerParameter('a.b', zeros([1])),
      "Holder.registerParameter: name must be a non-empty string without '.', got 'a.b'",
    ],
    [
      () => m.registerBuffer('', zeros([1])),
      "Holder.registerBuffer: name must be a non-empty string without '.', got ''",
    ],
    [
      () => m.registerParameter('w', tensor([1], { requiresGrad: true }).mul(2)),
      "Holder.registerParameter: 'w' (shape [1]) must be a leaf tensor; pass x.detach()",
    ],
  ];
  m.registerParameter('weight', zeros([2]));
  cases.push([
    () => m.registerBuffer('weight', zeros([2])),
    "Holder.registerBuffer: 'weight' is already registered as another kind of attribute",
  ]);
  const child = new Holder();
  m.registerModule('child', child);
  cases.push([
    () => child.registerModule('parent', m),
    "Holder.registerModule: 'parent' would make a module its own descendant",
  ]);
  for (const [fn, message] of cases) {
    assert.throws(fn, (e: unknown) => e instanceof ValueError && e.message === message, message);
  }
});

test('re-registering a name replaces the tensor; null parameters are absent', () => {
  const m = new Holder();
  m.registerParameter('weight', zeros([2]));
  const w2 = m.registerParameter('weight', ones([3]));
  assert.equal([...m.parameters()], [w2]);
  m.registerParameter('bias', null);
  assert.equal(Object.keys(m.stateDict()), ['weight']);
  m.registerBuffer('stat', zeros([1]), false);
  assert.equal(
    [...m.namedBuffers()].map(([n]) => n),
    ['stat'],
  );
  assert.equal(Object.keys(m.stateDict()), ['weight'], 'a non-persistent buffer is not in the state dict');
  m.registerBuffer('stat', zeros([1]));
  assert.equal(Object.keys(m.stateDict()), ['weight', 'stat'], 're-registering as persistent puts it back');
});

class Log extends nn.Module {
  forward(x: Tensor): Tensor {
    return x.log();
  }
}

class Net extends nn.Module {
  layers: nn.ModuleList;
  constructor() {
    super();
    this.layers = this.registerModule('layers', new nn.ModuleList([new nn.Identity(), new Log()]));
  }
  forward(x: Tensor): Tensor {
    for (const m of this.layers) x = m.forward(x) as Tensor;
    return x;
  }
}

test('forward runs in a scope named by the module path, so anomalies name the module', () => {
  const catchMessage = (fn: () => unknown): string => {
    try {
      detectAnomaly(fn);
    } catch (e) {
      assert.ok(e instanceof AnomalyError);
      return (e as Error).message;
    }
    return 'no error';
  };
  const x = tensor([-1, 1]);
  assert.match(
    catchMessage(() => new Net().forward(x)),
    /in module 'layers\.1 \(Log\)'$/,
  );
  assert.match(
    catchMessage(() => new nn.Sequential(new nn.Identity(), new Log()).forward(x)),
    /in module '1 \(Log\)'$/,
  );
  assert.match(
    catchMessage(() => new Log().forward(x)),
    /in module 'Log'$/,
  );
  const net = new Net();
  assert.is(net.layers.at(1).path, 'layers.1');
  assert.is(net.path, '');
});

test('extraRepr of a custom module is printed inside its parentheses', () => {
  class Scale extends nn.Module {
    forward(x: Tensor): Tensor {
      return x.mul(2);
    }
    override extraRepr(): string {
      return 'factor=2';
    }
  }
  assert.is(new nn.Sequential(new Scale()).toString(), 'Sequential(\n  (0): Scale(factor=2)\n)');
  class Multi extends Scale {
    override extraRepr(): string {
      return 'a=1\nb=2';
    }
  }
  assert.is(new Multi().toString(), 'Multi(\n  a=1\n  b=2\n)');
});

test.run();
