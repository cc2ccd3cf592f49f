/**
 * `npx tsx bench/w7-breakdown.ts`: where one W7 step's time goes (core/kernels/README.md,
 * "W7"). Each part runs alone at W7's sizes (784-100-100-100-10, batch 60, float64, one
 * thread), timed as the minimum over blocks, so a busy machine inflates it least; the
 * whole step as the 10th percentile of single steps (GC pauses included in the median),
 * and what the parts do not cover (the engine, modules, allocation and GC, cold caches)
 * is the difference.
 *
 * The GEMM is split into what the WASM kernel computes and what its wrapper does around
 * it (copy op(A) and op(B) into wasm memory, pack them, copy C out; C is a fresh output, so
 * nothing is copied in): the wrapper's part is replayed on the call's own layout
 * (bench/gemm-replay.ts), the kernel's is the rest of `gemm`.
 */
import { loadavg } from 'node:os';
import * as ng from '../core/index.ts';
import { allocZeroed } from '../core/kernels/alloc.ts';
import { channelNormForward } from '../core/kernels/batchnorm.ts';
import { channelNormBackward } from '../core/kernels/batchnorm-backward.ts';
import { sigmoid, sigmoidGrad } from '../core/kernels/elementwise.ts';
import { gemm, operand } from '../core/kernels/matmul.ts';
import { crossEntropyBackward, crossEntropyForward } from '../core/kernels/softmax.ts';
import { Sigmoid } from '../nn/activation.ts';
import { BatchNorm1d } from '../nn/batchnorm.ts';
import { Sequential } from '../nn/container.ts';
import { crossEntropy } from '../nn/functional/loss.ts';
import { Linear } from '../nn/linear.ts';
import { SGD } from '../optim/sgd.ts';
import { gemmReplay } from './gemm-replay.ts';
import { usPerCall } from './measure.ts';

const rnd = (n: number) => Float64Array.from({ length: n }, () => Math.random() - 0.5);

/** The products of one step: [m, n, k, op(A) transposed, op(B) transposed] (forward, then backward). */
const PRODUCTS: readonly [number, number, number, boolean, boolean][] = [
  [60, 100, 784, false, true], // x W1^T
  [60, 100, 100, false, true],
  [60, 100, 100, false, true],
  [60, 10, 100, false, true],
  [60, 100, 10, false, false], // dx = g W4
  [10, 100, 60, true, false], // dW4 = g^T h
  [60, 100, 100, false, false],
  [100, 100, 60, true, false],
  [60, 100, 100, false, false],
  [100, 100, 60, true, false],
  [100, 784, 60, true, false], // dW1 = g^T x (x needs no gradient)
];

function gemmParts(): { total: number; wrapper: number } {
  let total = 0;
  let wrapper = 0;
  for (const [m, n, k, ta, tb] of PRODUCTS) {
    const a = operand(rnd(m * k), 0, ta ? m : k, ta);
    const b = operand(rnd(k * n), 0, tb ? k : n, tb);
    const c = new Float64Array(m * n);
    const reps = Math.max(20, Math.round(2e7 / (m * n * k)));
    const r = gemmReplay(m, n, k, a, b, c);
    total += usPerCall(() => gemm(m, n, k, a, b, c, 0, n, true), reps); // a fresh output, as mm's
    wrapper += usPerCall(() => {
      r.copyIn();
      r.pack();
      r.cOut();
    }, reps);
  }
  return { total, wrapper };
}

function w7Step(): { step: () => void; opt: SGD } {
  const block = (inF: number) => [new Linear(inF, 100), new BatchNorm1d(100), new Sigmoid()];
  const model = new Sequential(...block(784), ...block(100), ...block(100), new Linear(100, 10));
  const opt = new SGD(model.parameters(), { lr: 0.1 });
  const x = ng.randn([60, 784]);
  const y = ng.randint(0, 10, [60]);
  const step = () => {
    opt.zeroGrad();
    crossEntropy(model.forward(x) as ng.Tensor, y).backward();
    opt.step();
  };
  return { step, opt };
}

ng.setBackend('wasm');
ng.setNumThreads(1);
ng.manualSeed(0);
const { step, opt } = w7Step();
// Single steps: a block of steps would almost always contain a GC pause or a preemption.
for (let i = 0; i < 200; i++) step();
const steps: number[] = [];
for (let i = 0; i < 1500; i++) {
  const t0 = performance.now();
  step();
  steps.push((performance.now() - t0) * 1000);
}
steps.sort((p, q) => p - q);
const whole = steps[Math.floor(steps.length / 10)]!; // the fastest tenth: a step the machine let run
const wholeMedian = steps[steps.length >> 1]!;
const { total, wrapper } = gemmParts();
const [x, g, w, b] = [rnd(6000), rnd(6000), rnd(100), rnd(100)];
const bn =
  3 *
  usPerCall(() => {
    const f = channelNormForward(x, 60, 100, 1, w, b, 1e-5);
    channelNormBackward(g, x, 60, 100, 1, f.mean, f.rstd, w, true);
  }, 300);
const sig = 3 * usPerCall(() => sigmoidGrad(g, sigmoid(x)), 300);
const [logits, target, perRow] = [rnd(600), Float64Array.from({ length: 60 }, (_, i) => i % 10), rnd(60)];
const ce = usPerCall(() => {
  const f = crossEntropyForward(logits, target, 60, 10, -100);
  crossEntropyBackward(logits, target, f.lse, perRow, 60, 10, -100);
}, 1000);
const sgd = usPerCall(() => opt.step(), 300); // the grads of the last step are still set
const bigGrad = usPerCall(() => {
  allocZeroed(78400)[78399] = 1; // dW1: a fresh 627 KB array every step (a leaf adopts it as .grad)
}, 50);

const parts: [string, number][] = [
  ['GEMM kernel (WASM, 26.4 MFLOP)', total - wrapper],
  ['GEMM wrapper: packing and C copies', wrapper],
  ['BatchNorm1d forward + backward, x3', bn],
  ['sigmoid forward + backward, x3', sig],
  ['softmax cross-entropy forward + backward', ce],
  ['SGD step (100,310 parameters)', sgd],
];
const covered = parts.reduce((s, [, t]) => s + t, 0);
console.log(`W7 step, float64, 1 thread, wasm backend; load average ${loadavg()[0]!.toFixed(2)}`);
for (const [what, us] of parts) console.log(`${what.padEnd(42)} ${us.toFixed(0).padStart(6)} us`);
console.log(
  `${'the rest: engine, modules, alloc/GC, caches'.padEnd(42)} ${(whole - covered).toFixed(0).padStart(6)} us`,
);
console.log(
  `${'whole step (10th percentile)'.padEnd(42)} ${whole.toFixed(0).padStart(6)} us (median ${wholeMedian.toFixed(0)} us)`,
);
console.log(`(of the rest: a fresh 627 KB dW1 buffer alone ${bigGrad.toFixed(0)} us)`);
console.log(`GEMM kernel rate: ${((2 * 13_188_000) / ((total - wrapper) * 1e3)).toFixed(1)} GFLOP/s`);
