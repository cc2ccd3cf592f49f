/**
 * Optimizer trajectories, scheduler learning rates, gradient clipping and
 * optimizer state dicts against PyTorch: tests/fixtures/optim.json (made by
 * make_fixtures.py) and tests/fixtures/optim_extra.json (make_optim.py; groups,
 * missing gradients, the remaining option combinations, torch's state_dict()).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '../../core/index.ts';
import {
  Adam,
  AdamW,
  type AnyOptimizer,
  CosineAnnealingLR,
  clipGradNorm_,
  clipGradValue_,
  ExponentialLR,
  LinearLR,
  type LRScheduler,
  MultiStepLR,
  type OptimizerStateDict,
  ReduceLROnPlateau,
  RMSprop,
  SGD,
  StepLR,
} from '../../optim/index.ts';
import { assertClose, type FixtureTensor, loadFixture, toTensor } from '../helpers/fixtures.ts';

type Json = Record<string, unknown>;
type Options = Record<string, never>;

interface OptimizerCase {
  name: string;
  kind: 'optimizer';
  optimizer: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop';
  given_options?: Json; // optim.json
  defaults?: Json; // optim_extra.json
  groups?: (Json & { params: number[] })[] | null;
  params_init: FixtureTensor[];
  grads: (FixtureTensor | null)[][];
  params: FixtureTensor[][];
  state_dict?: {
    state: Record<string, Record<string, FixtureTensor | number>>;
    param_groups: Record<string, unknown>[];
  };
}
interface SchedulerCase {
  name: string;
  kind: 'scheduler';
  scheduler: string;
  options: Options;
  base_lr?: number;
  base_lrs?: number[];
  epochs: number;
  lrs: number[] | number[][];
  closed_form_lrs?: number[];
  metrics?: number[];
}
interface ClipNormCase {
  name: string;
  kind: 'clip_grad_norm_';
  max_norm: number;
  norm_type: number | 'inf';
  grads: (FixtureTensor | null)[];
  total_norm: number;
  clipped_grads: (FixtureTensor | null)[];
}
interface ClipValueCase {
  name: string;
  kind: 'clip_grad_value_';
  clip_value: number;
  grads: FixtureTensor[];
  clipped_grads: FixtureTensor[];
}
type Case = OptimizerCase | SchedulerCase | ClipNormCase | ClipValueCase;

const main = loadFixture<Case>('optim').cases;
const extra = loadFixture<Case>('optim_extra').cases;
const all = [...main, ...extra];

/** PyTorch's keyword names to normgrad's (`weight_decay` -> `weightDecay`). */
function camel(o: Json): Json {
  return Object.fromEntries(
    Object.entries(o).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c) => c.toUpperCase()), v]),
  );
}

const optimizers = {
  SGD: (ps: never, o: Json) => new SGD(ps, o),
  Adam: (ps: never, o: Json) => new Adam(ps, o),
  AdamW: (ps: never, o: Json) => new AdamW(ps, o),
  RMSprop: (ps: never, o: Json) => new RMSprop(ps, o),
};

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

let worstTrajectory = 0;

for (const c of all.filter((c): c is OptimizerCase => c.kind === 'optimizer')) {
  test(`${c.optimizer} trajectory matches PyTorch: ${c.name}`, () => {
    const params = c.params_init.map((t) => toTensor(t, true));
    const groups = c.groups?.map(({ params: idx, ...o }) => ({
      ...camel(o),
      params: idx.map((i) => params[i]!),
    }));
    const opt = optimizers[c.optimizer](
      (groups ?? params) as never,
      camel(c.defaults ?? c.given_options ?? {}),
    );
    c.grads.forEach((row, step) => {
      row.forEach((g, i) => {
        params[i]!.grad = g === null ? null : toTensor(g);
      });
      opt.step();
      c.params[step]!.forEach((want, i) => {
        assertClose(params[i]!, want, `${c.name} step ${step + 1} param ${i}`);
        want.data.forEach((w, k) => {
          worstTrajectory = Math.max(worstTrajectory, relErr(params[i]!.data[k]!, w as number));
        });
      });
    });
    if (c.state_dict !== undefined) checkStateDict(opt.stateDict(), c.state_dict, c.name);
  });
}

function checkStateDict(
  got: OptimizerStateDict,
  want: NonNullable<OptimizerCase['state_dict']>,
  what: string,
): void {
  assert.equal(
    Object.keys(got.state).sort(),
    Object.keys(want.state).sort(),
    `${what}: parameters with state`,
  );
  for (const [index, entry] of Object.entries(want.state)) {
    const mine = got.state[Number(index)]!;
    assert.equal(
      Object.keys(mine).sort(),
      Object.keys(entry).sort(),
      `${what}: state keys of parameter ${index}`,
    );
    for (const [key, value] of Object.entries(entry)) {
      const v = mine[key]!;
      if (typeof value === 'number') assert.is(v, value, `${what}: ${key} of parameter ${index}`);
      else assertClose(v as Tensor, value, `${what}: ${key} of parameter ${index}`);
    }
  }
  assert.is(got.param_groups.length, want.param_groups.length, `${what}: number of groups`);
  want.param_groups.forEach((g, i) => {
    assert.equal(got.param_groups[i], g, `${what}: param_groups[${i}]`);
  });
}

for (const c of all.filter((c): c is SchedulerCase => c.kind === 'scheduler')) {
  test(`${c.scheduler} learning rates match PyTorch: ${c.name}`, () => {
    const baseLrs = c.base_lrs ?? [c.base_lr!];
    const params = baseLrs.map(() => new Tensor(new Float64Array(2), [2], true));
    const opt = new SGD(
      params.map((p, i) => ({ params: [p], lr: baseLrs[i]! })),
      { lr: 1 },
    );
    const o = c.options;
    const sch = makeScheduler(c.scheduler, opt, o);
    const want = c.lrs.map((l) => (typeof l === 'number' ? [l] : l));
    const check = (epoch: number) => {
      const got = sch.getLastLr();
      assert.equal(
        got,
        opt.paramGroups.map((g) => g.lr),
        'getLastLr() is what the groups hold',
      );
      want[epoch]!.forEach((w, i) => {
        const ok = Math.abs(got[i]! - w) <= 1e-10 * Math.abs(w) + 1e-15;
        if (!ok) assert.unreachable(`${c.name}: epoch ${epoch} group ${i}: lr ${got[i]}, PyTorch ${w}`);
      });
    };
    check(0);
    for (let e = 0; e < c.epochs; e++) {
      for (const p of params) p.grad = new Tensor(new Float64Array(2), [2]);
      opt.step();
      if (sch instanceof ReduceLROnPlateau) sch.step(c.metrics![e]!);
      else sch.step();
      check(e + 1);
    }
    // the documented closed form agrees with the recursive one to rounding
    c.closed_form_lrs?.forEach((w, e) => {
      assert.ok(Math.abs(want[e]![0]! - w) <= 1e-12, `${c.name}: closed form at epoch ${e}`);
    });
  });
}

function makeScheduler(kind: string, opt: AnyOptimizer, o: Options): LRScheduler | ReduceLROnPlateau {
  switch (kind) {
    case 'StepLR':
      return new StepLR(opt, { stepSize: o.step_size, gamma: o.gamma });
    case 'MultiStepLR':
      return new MultiStepLR(opt, { milestones: o.milestones, gamma: o.gamma });
    case 'ExponentialLR':
      return new ExponentialLR(opt, { gamma: o.gamma });
    case 'CosineAnnealingLR':
      return new CosineAnnealingLR(opt, { tMax: o.T_max, etaMin: o.eta_min });
    case 'LinearLR':
      return new LinearLR(opt, {
        startFactor: o.start_factor,
        endFactor: o.end_factor,
        totalIters: o.total_iters,
      });
    case 'ReduceLROnPlateau':
      return new ReduceLROnPlateau(opt, {
        mode: o.mode,
        factor: o.factor,
        patience: o.patience,
        threshold: o.threshold,
        thresholdMode: o.threshold_mode,
        cooldown: o.cooldown,
        minLr: o.min_lr,
        eps: o.eps,
      });
  }
  throw new Error(`no scheduler ${kind}`);
}

function gradParams(grads: (FixtureTensor | null)[]): Tensor[] {
  return grads.map((g, i) => {
    const shape = g?.shape ?? [[3], [2, 2], [4]][i]!;
    const p = new Tensor(new Float64Array(shape.reduce((a, b) => a * b, 1)), shape, true);
    p.grad = g === null ? null : toTensor(g);
    return p;
  });
}

for (const c of all.filter((c): c is ClipNormCase => c.kind === 'clip_grad_norm_')) {
  test(`clipGradNorm_ matches PyTorch: ${c.name}`, () => {
    const ps = gradParams(c.grads);
    const total = clipGradNorm_(
      ps,
      c.max_norm,
      c.norm_type === 'inf' ? Number.POSITIVE_INFINITY : c.norm_type,
    );
    assert.ok(
      relErr(total, c.total_norm) <= 1e-12,
      `${c.name}: total norm ${total}, PyTorch ${c.total_norm}`,
    );
    c.clipped_grads.forEach((g, i) => {
      if (g === null) assert.is(ps[i]!.grad, null, `${c.name}: parameter ${i} has no gradient`);
      else assertClose(ps[i]!.grad, g, `${c.name}: clipped gradient ${i}`);
    });
  });
}

for (const c of all.filter((c): c is ClipValueCase => c.kind === 'clip_grad_value_')) {
  test(`clipGradValue_ matches PyTorch: ${c.name}`, () => {
    const ps = gradParams(c.grads);
    clipGradValue_(ps, c.clip_value);
    c.clipped_grads.forEach((g, i) => {
      assertClose(ps[i]!.grad, g, `${c.name}: clipped gradient ${i}`, 0, 0);
    });
  });
}

test('every optimizer option combination in the fixtures was exercised', () => {
  const names = all.filter((c) => c.kind === 'optimizer').map((c) => c.name);
  assert.ok(names.length >= 38, `${names.length} optimizer cases`);
  assert.ok(worstTrajectory <= 1e-10, `worst relative error ${worstTrajectory}`);
});

test.run();
