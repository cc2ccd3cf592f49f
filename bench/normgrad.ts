/**
 * normgrad's side of the benchmark: each workload written the way a user
 * would write it, through the public API (core ops, nn modules, optim).
 */
import * as ng from '../core/index.ts';
import { BatchNorm1d } from '../nn/batchnorm.ts';
import type { Cell } from './cells.ts';
import { type Budget, timeReps } from './measure.ts';
import type { Runner } from './runner.ts';

type Step = () => void;

function w1(n: number): Step {
  const a = ng.randn([n, n]);
  const b = ng.randn([n, n]);
  return () => {
    ng.matmul(a, b);
  };
}

function w4(iters: number): Step {
  const x = ng.randn([1, 8], { requiresGrad: true });
  return () => {
    x.grad = null;
    let y = x;
    for (let i = 0; i < iters; i++) y = y.mul(1.0001).add(0.0001);
    y.sum().backward();
  };
}

function w5(batch: number, features: number): Step {
  const bn = new BatchNorm1d(features);
  bn.train();
  const x = ng.randn([batch, features], { requiresGrad: true });
  const g = ng.randn([batch, features]);
  return () => {
    x.grad = null;
    bn.zeroGrad();
    (bn.forward(x) as ng.Tensor).mul(g).sum().backward();
  };
}

export function build(cell: Cell): Step | null {
  const p = cell.params;
  switch (cell.workload) {
    case 'W1':
      return w1(p['n']!);
    case 'W4':
      return w4(p['iters']!);
    case 'W5':
      return w5(p['batch']!, p['features']!);
    default:
      return null;
  }
}

export function normgradRunner(): Runner {
  return {
    name: 'normgrad',
    detail: 'float64, 1 thread, pure TypeScript',
    async measure(cell: Cell, budget: Budget) {
      ng.manualSeed(0);
      const step = build(cell);
      return step === null ? null : timeReps(step, budget);
    },
    async close() {},
  };
}
