/**
 * Anomaly detection through a real model: the first op whose forward output or
 * backward gradient holds NaN or Infinity throws an AnomalyError naming the op
 * and the module path it ran in (`layers.2.bn`), for a model built from a
 * ModuleList and for one built from nested Sequentials.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  AnomalyError,
  detectAnomaly,
  full,
  isAnomalyEnabled,
  manualSeed,
  nn,
  randn,
  ShapeError,
  setDetectAnomaly,
  type Tensor,
  tensor,
} from '../../index.ts';

/** A block whose batch norm sits at `<block>.bn`. */
class Block extends nn.Module {
  readonly bn: nn.BatchNorm1d;
  constructor(features: number) {
    super();
    this.bn = this.registerModule('bn', new nn.BatchNorm1d(features));
  }
  forward(x: Tensor): Tensor {
    return this.bn.forward(x);
  }
}

/** layers.0 Linear, layers.1 ReLU, layers.2.bn BatchNorm1d, layers.3 Linear. */
class ListNet extends nn.Module {
  readonly layers: nn.ModuleList;
  constructor(hidden = 4) {
    super();
    this.layers = this.registerModule(
      'layers',
      new nn.ModuleList([new nn.Linear(3, hidden), new nn.ReLU(), new Block(4), new nn.Linear(4, 2)]),
    );
  }
  forward(x: Tensor): Tensor {
    for (const m of this.layers) x = m.forward(x) as Tensor;
    return x;
  }
}

/** The same layout from containers only: Sequential({ layers: Sequential(..., Sequential({ bn }), ...) }). */
const seqNet = (): nn.Sequential =>
  new nn.Sequential({
    layers: new nn.Sequential(
      new nn.Linear(3, 4),
      new nn.ReLU(),
      new nn.Sequential({ bn: new nn.BatchNorm1d(4) }),
      new nn.Linear(4, 2),
    ),
  });

const BN = "in module 'layers.2.bn (BatchNorm1d)'";
const models: [string, () => nn.Module][] = [
  ['ModuleList', () => new ListNet()],
  ['Sequential', seqNet],
];

/** The message of the AnomalyError fn throws under detectAnomaly. */
function anomaly(fn: () => unknown): string {
  try {
    detectAnomaly(fn);
  } catch (e) {
    assert.instance(e, AnomalyError);
    return (e as Error).message;
  }
  return 'no anomaly';
}

function batch(scale = 1): Tensor {
  manualSeed(3);
  return randn([8, 3]).mul(scale);
}

/** Replaces state-dict entries (as a corrupted checkpoint would). */
function load(model: nn.Module, entries: Record<string, Tensor>): void {
  model.loadStateDict({ ...model.stateDict(), ...entries });
}

for (const [kind, make] of models) {
  test(`${kind}: a NaN made inside layers.2.bn in forward names the op and the path`, () => {
    manualSeed(0);
    const model = make().eval();
    // a checkpoint with a negative running variance: sqrt of it is the first NaN
    load(model, { 'layers.2.bn.running_var': tensor([1, -1, 1, 1]) });
    const message = anomaly(() => model.forward(batch()));
    assert.match(message, /^sqrt: forward output of shape \[1, 4\] has NaN at flat index 1 /);
    assert.ok(message.endsWith(BN), message);
    // without anomaly mode the NaN flows silently to the output
    assert.ok((model.forward(batch()) as Tensor).data.some(Number.isNaN));
  });

  test(`${kind}: anomaly mode runs the same arithmetic, so a run that is finite without it is finite with it`, () => {
    manualSeed(0);
    const model = make();
    // γ = 1e305 on activations of scale 1e10 trains to a finite loss of about 3e288. When anomaly
    // mode re-routed BatchNorm to composed primitives, their other rounding overflowed in backward
    // ("mul backward ... Infinity in layers.2.bn"); observing must not change the numbers.
    load(model, { 'layers.2.bn.weight': tensor([1e305, 1e305, 1e305, 1e305]) });
    const run = () => {
      model.zeroGrad();
      const loss = (model.forward(batch(1e10)) as Tensor).mean();
      loss.backward();
      return [loss.item(), ...[...model.parameters()].flatMap((p) => [...p.grad!.data])];
    };
    const plain = run();
    assert.ok(plain.every(Number.isFinite), 'the plain run is finite');
    assert.ok(plain[0]! > 1e288, `the loss is huge but finite: ${plain[0]}`);
    const observed = detectAnomaly(run);
    assert.equal(observed, plain, 'loss and every gradient bit for bit');
  });

  test(`${kind}: an overflow inside layers.2.bn in backward names the fused op and the path`, () => {
    manualSeed(0);
    const model = make();
    const byName = new Map(model.namedModules());
    // layers.0 to layers.2 called directly (each keeps its path), so the huge upstream gradient
    // reaches the BatchNorm first: its dβ sums eight values of 1e308 over the batch.
    const out = detectAnomaly(() =>
      ['layers.0', 'layers.1', 'layers.2'].reduce(
        (x, name) => byName.get(name)!.forward(x) as Tensor,
        batch(),
      ),
    );
    const message = anomaly(() => out.backward(full([8, 4], 1e308)));
    assert.match(
      message,
      /^nativeBatchNorm backward: gradient for input \d \(shape \[(8, )?4\]\) has -?Infinity at flat index \d+ /,
    );
    assert.ok(message.endsWith(BN), message);
  });
}

test('a NaN in the data is reported at the first op that sees it, layers.0, not further down', () => {
  manualSeed(0);
  const model = new ListNet();
  const x = batch();
  x.data[4] = Number.NaN;
  const message = anomaly(() => model.forward(x));
  assert.match(message, /^linear: forward output of shape \[8, 4\] has NaN at flat index 4 /);
  assert.ok(message.endsWith("in module 'layers.0 (Linear)'"), message);
});

test('an anomaly inside BatchNorm in training leaves its running statistics and batch count alone', () => {
  manualSeed(0);
  const model = new ListNet();
  // γ at the largest double: γ·x̂ overflows wherever |x̂| > 1 (and γ·rstd, which the fused kernel forms, does for rstd > 1)
  load(model, { 'layers.2.bn.weight': tensor([1, 1, 1, 1]).mul(Number.MAX_VALUE) });
  const bn = (model.layers.at(2) as Block).bn;
  const before = [...bn.runningMean!.data, ...bn.runningVar!.data, bn.numBatchesTracked!.item()];
  const message = anomaly(() => model.forward(batch()));
  assert.match(
    message,
    /^nativeBatchNorm: forward output of shape \[8, 4\] has (NaN|-?Infinity) at flat index \d+ /,
  );
  assert.ok(message.endsWith(BN), message);
  assert.equal([...bn.runningMean!.data, ...bn.runningVar!.data, bn.numBatchesTracked!.item()], before);
});

test('setDetectAnomaly is a global switch; detectAnomaly restores the previous setting', () => {
  manualSeed(0);
  const model = new ListNet().eval();
  load(model, { 'layers.2.bn.running_var': tensor([1, 1, -1, 1]) });
  setDetectAnomaly(true);
  try {
    assert.throws(
      () => model.forward(batch()),
      (e: unknown) => e instanceof AnomalyError && e.message.endsWith(BN),
    );
    detectAnomaly(() => assert.ok(isAnomalyEnabled()));
    assert.ok(isAnomalyEnabled(), 'still on after a nested detectAnomaly');
  } finally {
    setDetectAnomaly(false);
  }
  assert.not.ok(isAnomalyEnabled());
  assert.ok((model.forward(batch()) as Tensor).data.some(Number.isNaN), 'off again: the NaN passes');
});

test('a shape error inside layers.2.bn names the innermost module once', () => {
  const model = new ListNet(5);
  const err = (() => {
    try {
      model.forward(batch());
    } catch (e) {
      return e;
    }
    return null;
  })();
  assert.instance(err, ShapeError);
  assert.is(
    (err as Error).message,
    `BatchNorm1d: expected input with 4 channels (numFeatures) in dim 1, got input of shape [8, 5] ${BN}`,
  );
  assert.ok((err as Error).stack?.startsWith(`ShapeError: ${(err as Error).message}\n`));
});

test.run();
