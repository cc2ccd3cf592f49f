/**
 * normgrad's side of the benchmark: each workload written the way a user
 * would write it, through the public API (core ops, nn modules, optim).
 */
import * as ng from '../core/index.ts';
import { ReLU, Sigmoid } from '../nn/activation.ts';
import { BatchNorm1d, BatchNorm2d } from '../nn/batchnorm.ts';
import { Sequential } from '../nn/container.ts';
import { Conv2d } from '../nn/conv.ts';
import { Flatten } from '../nn/flatten.ts';
import { linear } from '../nn/functional/linear.ts';
import { crossEntropy } from '../nn/functional/loss.ts';
import { LayerNorm } from '../nn/layernorm.ts';
import { Linear } from '../nn/linear.ts';
import { MaxPool2d } from '../nn/pooling.ts';
import { SGD } from '../optim/sgd.ts';
import type { Cell } from './cells.ts';
import { type Budget, timeReps } from './measure.ts';
import type { Runner } from './runner.ts';

type Step = () => void;

function w1(n: number, dtype: ng.DType): Step {
  const a = ng.randn([n, n], { dtype });
  const b = ng.randn([n, n], { dtype });
  return () => {
    ng.matmul(a, b);
  };
}

function w2(batch: number, input: number, hidden: number, classes: number): Step {
  const model = new Sequential(
    new Linear(input, hidden),
    new BatchNorm1d(hidden),
    new ReLU(),
    new Linear(hidden, hidden),
    new BatchNorm1d(hidden),
    new ReLU(),
    new Linear(hidden, classes),
  );
  const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const x = ng.randn([batch, input]);
  const y = ng.randint(0, classes, [batch]);
  return () => {
    opt.zeroGrad();
    crossEntropy(model.forward(x) as ng.Tensor, y).backward();
    opt.step();
  };
}

function w3(input: number, hidden: number, batch: number, steps: number): Step {
  const param = (...shape: number[]) => ng.randn(shape).div(Math.sqrt(hidden)).requiresGrad_();
  const [wIh, wHh, bIh, bHh] = [param(hidden, input), param(hidden, hidden), param(hidden), param(hidden)];
  const ln = new LayerNorm(hidden);
  const params = [wIh, wHh, bIh, bHh, ...ln.parameters()];
  const xs = ng
    .randn([steps, batch, input])
    .split(1)
    .map((x) => x.squeeze(0));
  const h0 = ng.zeros([batch, hidden]);
  return () => {
    for (const p of params) p.grad = null;
    let h = h0;
    for (const x of xs) h = (ln.forward(linear(x, wIh, bIh).add(linear(h, wHh, bHh))) as ng.Tensor).tanh();
    h.mul(h).mean().backward();
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

/** W7: Linear-BatchNorm1d-sigmoid three times, then Linear; cross-entropy, plain SGD. */
function w7(batch: number, input: number, hidden: number, classes: number): Step {
  const block = (inF: number) => [new Linear(inF, hidden), new BatchNorm1d(hidden), new Sigmoid()];
  const model = new Sequential(
    ...block(input),
    ...block(hidden),
    ...block(hidden),
    new Linear(hidden, classes),
  );
  const opt = new SGD(model.parameters(), { lr: 0.1 });
  const x = ng.randn([batch, input]);
  const y = ng.randint(0, classes, [batch]);
  return () => {
    opt.zeroGrad();
    crossEntropy(model.forward(x) as ng.Tensor, y).backward();
    opt.step();
  };
}

/** The small MNIST CNN of issue 15: 28x28 -> conv 26x26 -> pool 13x13 -> conv 11x11 -> pool 5x5 -> linear. */
function w6(batch: number, c1: number, c2: number, classes: number): Step {
  const model = new Sequential(
    new Conv2d(1, c1, 3),
    new BatchNorm2d(c1),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(c1, c2, 3),
    new BatchNorm2d(c2),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(c2 * 5 * 5, classes),
  );
  const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const x = ng.randn([batch, 1, 28, 28]);
  const y = ng.randint(0, classes, [batch]);
  return () => {
    opt.zeroGrad();
    crossEntropy(model.forward(x) as ng.Tensor, y).backward();
    opt.step();
  };
}

export function build(cell: Cell): Step | null {
  const p = cell.params;
  switch (cell.workload) {
    case 'W1':
      return w1(p['n']!, p['float32'] === 1 ? 'float32' : 'float64');
    case 'W2':
      return w2(p['batch']!, p['input']!, p['hidden']!, p['classes']!);
    case 'W3':
      return w3(p['input']!, p['hidden']!, p['batch']!, p['steps']!);
    case 'W4':
      return w4(p['iters']!);
    case 'W5':
      return w5(p['batch']!, p['features']!);
    case 'W6':
      return w6(p['batch']!, p['c1']!, p['c2']!, p['classes']!);
    case 'W7':
      return w7(p['batch']!, p['input']!, p['hidden']!, p['classes']!);
    default:
      return null;
  }
}

/**
 * normgrad on a backend and thread count (set for this runner's cells only and
 * restored after, so runners can interleave). The first runner, on 1 thread, is
 * the table's base column.
 */
export function normgradRunner(threads = 1, backend = ng.getBackend()): Runner {
  return {
    name: threads === 1 ? 'normgrad' : `normgrad ${threads}t`,
    detail: `float64 (float32 on f32 rows), ${threads} thread${threads === 1 ? '' : 's'}, ${backend} backend`,
    async measure(cell: Cell, budget: Budget) {
      const [b0, t0] = [ng.getBackend(), ng.getNumThreads()];
      ng.setBackend(backend);
      ng.setNumThreads(threads);
      try {
        ng.manualSeed(0);
        const step = build(cell);
        return step === null ? null : timeReps(step, budget);
      } finally {
        ng.setBackend(b0);
        ng.setNumThreads(t0);
      }
    },
    async close() {},
  };
}
