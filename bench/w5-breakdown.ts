/**
 * `npx tsx bench/w5-breakdown.ts`: where one W5 step goes (BatchNorm1d(512) in training mode
 * on [1024, 512] float64: forward, times g, sum, backward; core/kernels/README.md,
 * "Elementwise and BatchNorm in WebAssembly"). Each part runs alone at W5's size on one
 * thread, on the WASM and on the JS backend, timed as the fastest of 15 blocks after a
 * warm-up block, so a busy machine inflates it least; the whole step likewise. Run it under
 * the bench's allocator setting (bench/README.md, "Allocator") to compare with its W5 row:
 *
 *     GLIBC_TUNABLES=glibc.malloc.trim_threshold=268435456:glibc.malloc.mmap_threshold=268435456 \
 *       npx tsx bench/w5-breakdown.ts
 *
 * The copies are what keeping tensors on the JavaScript heap costs the WASM kernels: a step
 * makes eleven of them (BatchNorm forward: x in, output out; the product forward and its
 * gradient: two operands in, the result out, each; BatchNorm backward: x and g in, dx out).
 */
import { loadavg } from 'node:os';
import * as ng from '../core/index.ts';
import { alloc } from '../core/kernels/alloc.ts';
import { channelNormForward } from '../core/kernels/batchnorm.ts';
import { channelNormBackward } from '../core/kernels/batchnorm-backward.ts';
import { mul } from '../core/kernels/elementwise.ts';
import { stridedRead } from '../core/kernels/movement.ts';
import { sumAxis } from '../core/kernels/reduce.ts';
import { stage, unstage } from '../core/kernels/wasm/stage.ts';
import { BatchNorm1d } from '../nn/batchnorm.ts';
import { usPerCall } from './measure.ts';

const [N, C] = [1024, 512];
const VALUES = N * C;
/** Copies of a [1024, 512] array into or out of wasm memory in one WASM step (see above). */
const COPIES_PER_STEP = 11;

function onBackend<T>(backend: 'js' | 'wasm', f: () => T): T {
  const before = ng.getBackend();
  ng.setBackend(backend);
  try {
    return f();
  } finally {
    ng.setBackend(before);
  }
}

ng.setNumThreads(1);
ng.manualSeed(0);
const x = ng.randn([N, C]).data as Float64Array;
const g = ng.randn([N, C]).data as Float64Array;
const w = ng.randn([C]).data as Float64Array;
const b = ng.randn([C]).data as Float64Array;
const fwd = channelNormForward(x, N, C, 1, w, b, 1e-5);
/** The copy's destination, reused: the fresh output is its own row. */
const reused = new Float64Array(VALUES);

function step(): () => void {
  const bn = new BatchNorm1d(C);
  bn.train();
  const xt = ng.zeros([N, C], { requiresGrad: true });
  const gt = ng.zeros([N, C]);
  xt.data.set(x);
  gt.data.set(g);
  return () => {
    xt.grad = null;
    bn.zeroGrad();
    (bn.forward(xt) as ng.Tensor).mul(gt).sum().backward();
  };
}

const parts: [string, (backend: 'js' | 'wasm') => () => void, number][] = [
  ['whole step', () => step(), 5],
  ['BatchNorm forward kernel', () => () => channelNormForward(x, N, C, 1, w, b, 1e-5), 5],
  [
    'BatchNorm backward kernel',
    () => () => channelNormBackward(g, x, N, C, 1, fwd.mean, fwd.rstd, w, true),
    5,
  ],
  ['x * g (forward; its gradient is another)', () => () => mul(x, g), 5],
  ['sum of all values', () => () => sumAxis(x, 1, VALUES, 1), 5],
  ["expand the sum's gradient", () => () => stridedRead(new Float64Array([1]), 0, [0, 0], [N, C]), 5],
  [
    'one copy into wasm memory and out',
    () => () => {
      const s = stage([x], 0)!;
      unstage(s, reused);
    },
    5,
  ],
  ['a fresh [1024, 512] output, written once', () => () => alloc(VALUES).fill(1), 5],
];

const rows: string[] = [];
let copyUs = 0;
let stepUs = { js: 0, wasm: 0 };
for (const [name, make, reps] of parts) {
  const wasmUs = onBackend('wasm', () => usPerCall(make('wasm'), reps));
  const jsUs = name.startsWith('one copy') ? Number.NaN : onBackend('js', () => usPerCall(make('js'), reps));
  if (name.startsWith('one copy')) copyUs = wasmUs;
  if (name === 'whole step') stepUs = { js: jsUs, wasm: wasmUs };
  const ns = (us: number) => (Number.isNaN(us) ? '-' : ((us * 1000) / VALUES).toFixed(2));
  rows.push(
    `| ${name} | ${Number.isNaN(jsUs) ? '-' : jsUs.toFixed(0)} | ${wasmUs.toFixed(0)} | ${ns(jsUs)} | ${ns(wasmUs)} |`,
  );
}
console.log(
  `W5 breakdown, ${new Date().toISOString()}, load ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
console.log(`GLIBC_TUNABLES=${process.env['GLIBC_TUNABLES'] ?? '(unset)'}\n`);
console.log('| part | JS backend, us | WASM backend, us | JS, ns per value | WASM, ns per value |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(r);
console.log(
  `\n${COPIES_PER_STEP} copies of ${(copyUs / 2).toFixed(0)} us each (half of one copy in and out): about ` +
    `${((COPIES_PER_STEP * copyUs) / 2).toFixed(0)} us, ${((100 * (COPIES_PER_STEP * copyUs)) / 2 / stepUs.wasm).toFixed(0)} % of the WASM step.`,
);
