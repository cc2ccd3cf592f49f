/**
 * Scheduler behaviour beyond the PyTorch lr sequences (fixtures-optim.test.ts):
 * initial_lr bookkeeping, getLastLr, state dicts and resumption, option errors.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StateDictError, Tensor, tensor, ValueError } from '../../core/index.ts';
import {
  CosineAnnealingLR,
  ExponentialLR,
  LinearLR,
  type LRScheduler,
  MultiStepLR,
  ReduceLROnPlateau,
  SGD,
  StepLR,
} from '../../optim/index.ts';
import { throwsWith } from '../helpers/throws.ts';

function sgd(lrs = [0.1, 0.05]): SGD {
  return new SGD(
    lrs.map((lr) => ({ params: [new Tensor(new Float64Array(1), [1], true)], lr })),
    { lr: 1 },
  );
}

test('a scheduler records initialLr in each group once, and steps to epoch 0 on construction', () => {
  const opt = sgd();
  const first = new StepLR(opt, { stepSize: 1, gamma: 0.5 });
  assert.equal(
    opt.paramGroups.map((g) => g.initialLr),
    [0.1, 0.05],
  );
  assert.is(first.lastEpoch, 0);
  assert.equal(first.baseLrs, [0.1, 0.05]);
  first.step();
  assert.equal(first.getLastLr(), [0.05, 0.025]);
  // a second scheduler keeps the first one's initialLr as its base
  const second = new ExponentialLR(opt, { gamma: 0.9 });
  assert.equal(second.baseLrs, [0.1, 0.05]);
  assert.equal(opt.stateDict().param_groups[0]!.initial_lr, 0.1);
  // getLastLr returns a copy
  second.getLastLr()[0] = 7;
  assert.equal(second.getLastLr(), [0.05, 0.025]);
});

test('LinearLR defaults: factor 1/3 to 1 over 5 epochs', () => {
  const opt = sgd([0.3]);
  const s = new LinearLR(opt);
  assert.equal([s.startFactor, s.endFactor, s.totalIters], [1 / 3, 1, 5]);
  assert.equal(s.getLastLr(), [0.3 * (1 / 3)]);
});

const resumable: [string, (opt: SGD) => LRScheduler][] = [
  ['StepLR', (o) => new StepLR(o, { stepSize: 2, gamma: 0.5 })],
  ['MultiStepLR', (o) => new MultiStepLR(o, { milestones: [6, 3, 3], gamma: 0.5 })],
  ['ExponentialLR', (o) => new ExponentialLR(o, { gamma: 0.8 })],
  ['CosineAnnealingLR', (o) => new CosineAnnealingLR(o, { tMax: 3, etaMin: 0.001 })],
  ['LinearLR', (o) => new LinearLR(o, { startFactor: 0.2, totalIters: 6 })],
];

for (const [name, make] of resumable) {
  test(`${name}: stateDict has PyTorch's keys, and a resumed copy continues bit for bit`, () => {
    const optA = sgd();
    const a = make(optA);
    for (let e = 0; e < 4; e++) a.step();
    const sd = a.stateDict();
    assert.ok(['base_lrs', 'last_epoch', '_step_count', '_last_lr'].every((k) => k in sd));
    assert.is(sd.last_epoch, 4);
    assert.is(sd._step_count, 5);
    const optB = sgd([9, 9]);
    const b = make(optB);
    optB.loadStateDict(optA.stateDict());
    b.loadStateDict(JSON.parse(JSON.stringify(sd)));
    assert.equal(b.stateDict(), sd);
    for (let e = 0; e < 10; e++) {
      a.step();
      b.step();
      assert.equal(b.getLastLr(), a.getLastLr(), `epoch ${5 + e}`);
    }
  });
}

test('scheduler settings come back from a state dict; a wrong type is a StateDictError', () => {
  const s = new CosineAnnealingLR(sgd(), { tMax: 3 });
  s.loadStateDict({ ...s.stateDict(), T_max: 7, eta_min: 0.01 });
  assert.equal([s.tMax, s.etaMin], [7, 0.01]);
  const m = new MultiStepLR(sgd(), { milestones: [1] });
  m.loadStateDict({ ...m.stateDict(), milestones: [2, 4] });
  assert.equal(m.milestones, [2, 4]);
  throwsWith(
    () => s.loadStateDict({ ...s.stateDict(), last_epoch: '3' }),
    StateDictError,
    'CosineAnnealingLR.loadStateDict: expected number at key last_epoch, got "3"',
  );
  throwsWith(
    () => m.loadStateDict({ ...m.stateDict(), milestones: [1, 'x'] as unknown as number[] }),
    StateDictError,
    'MultiStepLR.loadStateDict: expected number[] at key milestones, got [1,"x"]',
  );
});

test('MultiStepLR keeps repeated milestones, sorted', () => {
  const s = new MultiStepLR(sgd([1]), { milestones: [4, 1, 1] });
  assert.equal(s.milestones, [1, 1, 4]);
  s.step();
  // two milestones at epoch 1: the default gamma 0.1, applied twice in one power
  assert.equal(s.getLastLr(), [1 * 0.1 ** 2]);
});

test('invalid scheduler options throw ValueError naming the option and value', () => {
  const cases: [() => unknown, string][] = [
    [() => new StepLR(sgd(), { stepSize: 0 }), 'StepLR: stepSize must be a positive integer (got 0)'],
    [() => new StepLR(sgd(), { stepSize: 1.5 }), 'StepLR: stepSize must be a positive integer (got 1.5)'],
    [
      () => new MultiStepLR(sgd(), { milestones: [2, 2.5] }),
      'MultiStepLR: milestones must be integers (got 2.5)',
    ],
    [
      () => new CosineAnnealingLR(sgd(), { tMax: 0 }),
      'CosineAnnealingLR: tMax must be a positive integer (got 0)',
    ],
    [
      () => new LinearLR(sgd(), { startFactor: 0 }),
      'LinearLR: startFactor expected to be greater than 0 and less or equal to 1 (got 0)',
    ],
    [
      () => new LinearLR(sgd(), { startFactor: 1.5 }),
      'LinearLR: startFactor expected to be greater than 0 and less or equal to 1 (got 1.5)',
    ],
    [
      () => new LinearLR(sgd(), { endFactor: 2 }),
      'LinearLR: endFactor expected to be between 0 and 1 (got 2)',
    ],
    [() => new LinearLR(sgd(), { totalIters: 0 }), 'LinearLR: totalIters must be a positive integer (got 0)'],
    [
      () => new ReduceLROnPlateau(sgd(), { factor: 1 }),
      'ReduceLROnPlateau: factor should be in [0, 1) (got 1)',
    ],
    [
      () => new ReduceLROnPlateau(sgd(), { mode: 'mid' as 'min' }),
      "ReduceLROnPlateau: mode mid is unknown; use 'min' or 'max'",
    ],
    [
      () => new ReduceLROnPlateau(sgd(), { thresholdMode: 'pct' as 'rel' }),
      "ReduceLROnPlateau: thresholdMode pct is unknown; use 'rel' or 'abs'",
    ],
    [
      () => new ReduceLROnPlateau(sgd(), { patience: -1 }),
      'ReduceLROnPlateau: patience must be a non-negative integer (got -1)',
    ],
    [
      () => new ReduceLROnPlateau(sgd(), { cooldown: 0.5 }),
      'ReduceLROnPlateau: cooldown must be a non-negative integer (got 0.5)',
    ],
    [
      () => new ReduceLROnPlateau(sgd(), { minLr: [0.1] }),
      'ReduceLROnPlateau: expected 2 minLr values, one per parameter group, got 1',
    ],
  ];
  for (const [fn, message] of cases) throwsWith(fn, ValueError, message);
});

test('ReduceLROnPlateau: defaults, tensor metrics, getLastLr, and a state dict that survives JSON', () => {
  const opt = sgd();
  const s = new ReduceLROnPlateau(opt, { patience: 1 });
  assert.equal(
    [s.mode, s.factor, s.patience, s.threshold, s.thresholdMode, s.cooldown, s.minLrs, s.eps],
    ['min', 0.1, 1, 1e-4, 'rel', 0, [0, 0], 1e-8],
  );
  assert.equal(s.getLastLr(), [0.1, 0.05]);
  assert.is(s.best, Number.POSITIVE_INFINITY);
  s.step(tensor(1));
  s.step(tensor([1]));
  assert.is(s.numBadEpochs, 1);
  s.step(1);
  assert.equal(s.getLastLr(), [0.1 * 0.1, 0.05 * 0.1]);
  // max mode starts from -Infinity; JSON writes it as null and loading restores it
  const m = new ReduceLROnPlateau(sgd(), { mode: 'max' });
  const sd = JSON.parse(JSON.stringify(m.stateDict()));
  assert.is(sd.best, null);
  const copy = new ReduceLROnPlateau(sgd());
  copy.loadStateDict(sd);
  assert.equal([copy.mode, copy.best], ['max', Number.NEGATIVE_INFINITY]);
  // resumed mid-run, it makes the same decisions
  const live = new ReduceLROnPlateau(sgd(), { patience: 2, cooldown: 1, factor: 0.5 });
  const metrics = [3, 2, 2, 2, 2, 2.5, 1, 1, 1, 1, 1];
  metrics.slice(0, 4).forEach((v) => live.step(v));
  const resumed = new ReduceLROnPlateau(sgd(live.getLastLr()));
  resumed.loadStateDict(JSON.parse(JSON.stringify(live.stateDict())));
  for (const v of metrics.slice(4)) {
    live.step(v);
    resumed.step(v);
    assert.equal(resumed.getLastLr(), live.getLastLr());
  }
  throwsWith(
    () => copy.loadStateDict({ ...sd, mode: 'sideways' }),
    StateDictError,
    'ReduceLROnPlateau.loadStateDict: unknown mode sideways or threshold_mode rel',
  );
});

test.run();
