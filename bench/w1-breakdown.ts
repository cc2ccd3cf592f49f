/**
 * `npx tsx bench/w1-breakdown.ts [--rounds 60] [--sizes 128,256,512]`: where W1's time goes
 * (`matmul(a, b)` on two n x n tensors, one thread, WASM backend), for float32 and float64.
 *
 * The parts, each replayed alone on the same operands, in the memory and layout wasm/gemm.ts
 * uses for a one-thread call:
 * - kernel: the WASM band function over panels already packed in wasm memory (C's block written,
 *   not read: mm's output is known zero);
 * - copy in: A and B copied into wasm memory as they are;
 * - pack: gemm.wat's SIMD packers, from those copies into the kernel's panels;
 * - C out: copying C's block from wasm memory into the output array;
 * - alloc: a fresh n x n output written once, less the same write into a reused array (what a
 *   fresh array costs beyond the write: calloc, page faults, and the GC that frees it later);
 * - gemm: the whole `gemm` call into a reused C (kernel + copy in + pack + C out + dispatch);
 * - op: `matmul` less `allocZeroed` + `gemm` (checks, shape logic, the Tensor, the engine), and
 *   as a floor, `matmul` of two 1 x 1 tensors (all of that around a trivial product);
 * - matmul: the whole call, as the bench times it;
 * - in float32, when TensorFlow.js is installed: its WASM `matMul` with the result unread (its kernel)
 *   and with `dataSync()` (as the bench's W1 times it), and the two speed ratios against ours.
 *
 * The machine is shared and loaded, so every part is timed in short blocks, all parts take
 * turns (the order rotating and reversing from round to round). The table gives each part's
 * median call (wall time: what `npm run bench` reports) and its median block's CPU time per call
 * (`process.cpuUsage`: a preempted block does not inflate it, and the page faults and garbage
 * collection a part causes are in it, even when they land outside its median call), and each as
 * a share of the whole matmul. Read the shares, not the microseconds; the load is printed.
 */
import { execSync } from 'node:child_process';
import type { DType } from '../core/index.ts';
import * as ng from '../core/index.ts';
import { alloc, allocZeroed } from '../core/kernels/alloc.ts';
import { gemm, operand } from '../core/kernels/matmul.ts';
import { gemmReplay } from './gemm-replay.ts';
import { loadTfjsWasm } from './tfjs.ts';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const ROUNDS = Number(option('--rounds', '60'));
const SIZES = option('--sizes', '128,256,512').split(',').map(Number);
/** Aim for blocks of about this many milliseconds: long enough for the timers, short enough to interleave. */
const BLOCK_MS = 4;

interface Part {
  name: string;
  run: () => void;
}
interface Timing {
  wall: number[];
  cpu: number[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((p, q) => p - q);
  return s.length % 2 === 1 ? s[s.length >> 1]! : (s[(s.length >> 1) - 1]! + s[s.length >> 1]!) / 2;
};

/**
 * Microseconds per call of each part: the parts take turns for `rounds` rounds, each running a block
 * of `reps` calls; every call's wall time is kept (the bench's statistic is the median call), and
 * each block's CPU time per call (GC and page faults included, preemption not).
 */
function interleaved(parts: Part[], rounds: number): Map<string, Timing> {
  const reps = new Map<string, number>();
  for (const p of parts) {
    const t0 = performance.now();
    let i = 0;
    for (; performance.now() - t0 < 50; i++) p.run(); // warm-up, and a first guess at its speed
    reps.set(p.name, Math.max(1, Math.round((BLOCK_MS * i) / (performance.now() - t0))));
  }
  const out = new Map<string, Timing>(parts.map((p) => [p.name, { wall: [], cpu: [] }]));
  for (let r = 0; r < rounds; r++) {
    const order = parts.map((_, i) => parts[(i + r) % parts.length]!);
    if (r % 2 === 1) order.reverse();
    for (const p of order) {
      const n = reps.get(p.name)!;
      const t = out.get(p.name)!;
      const c0 = process.cpuUsage();
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        p.run();
        t.wall.push((performance.now() - t0) * 1000);
      }
      const c = process.cpuUsage(c0);
      t.cpu.push((c.user + c.system) / n);
    }
  }
  return out;
}

function parts(dtype: DType, n: number): Part[] {
  const [m, k] = [n, n];
  const ta = ng.randn([m, k], { dtype });
  const tb = ng.randn([k, n], { dtype });
  const [a, b] = [operand(ta.data, 0, k, false), operand(tb.data, 0, n, false)];
  const c = alloc(m * n, dtype);
  const one = ng.ones([1, 1], { dtype });
  const r = gemmReplay(m, n, k, a, b, c);
  return [
    // The packs stay in place from the last 'pack' or 'gemm' call (same layout, same operands).
    { name: 'kernel', run: r.kernel },
    { name: 'copy in', run: r.copyIn },
    { name: 'pack', run: r.pack },
    { name: 'C out (copy)', run: () => r.cOut() },
    { name: 'write, fresh array', run: () => r.cOut(allocZeroed(m * n, dtype)) },
    { name: 'gemm, reused C', run: () => gemm(m, n, k, a, b, c, 0, n, true) },
    { name: 'allocZeroed + gemm', run: () => gemm(m, n, k, a, b, allocZeroed(m * n, dtype), 0, n, true) },
    { name: 'matmul', run: () => ng.matmul(ta, tb) },
    { name: 'matmul 1x1', run: () => ng.matmul(one, one) },
    ...(dtype === 'float32' && typeof tfjs !== 'string' ? tfjsParts(tfjs.tf, n) : []),
  ];
}

/**
 * TensorFlow.js WASM's side of W1 float32, in the same rounds: its `matMul` with the result
 * disposed unread (its kernel: XNNPACK, which runs when the op is called, plus its op overhead),
 * and with `dataSync()` as the bench's W1 times it (plus the copy into a fresh array).
 */
function tfjsParts(tf: NonNullable<Exclude<typeof tfjs, string>>['tf'], n: number): Part[] {
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  return [
    { name: 'tfjs matMul', run: () => tf.matMul(a, b).dispose() },
    {
      name: 'tfjs matMul + dataSync',
      run: () => {
        const c = tf.matMul(a, b);
        c.dataSync();
        c.dispose();
      },
    },
  ];
}

function uptime(): string {
  try {
    return execSync('uptime').toString().trim();
  } catch {
    return '(uptime unavailable)';
  }
}

const tfjs = await loadTfjsWasm();
ng.setBackend('wasm');
ng.setNumThreads(1);
if (typeof tfjs === 'string')
  console.log(`(TensorFlow.js WASM not available, its rows are left out: ${tfjs})`);
ng.manualSeed(0);
console.log(`W1 breakdown, wasm backend, 1 thread, ${ROUNDS} rounds`);
for (const n of SIZES) {
  for (const dtype of ['float32', 'float64'] as const) {
    const before = uptime();
    const ps = parts(dtype, n);
    ps.find((p) => p.name === 'pack')!.run(); // the kernel part reads packs laid out once
    const t = interleaved(ps, ROUNDS);
    const med = (name: string) => ({ wall: median(t.get(name)!.wall), cpu: median(t.get(name)!.cpu) });
    const whole = med('matmul');
    const minus = (from: string, ...parts: string[]) => ({
      wall: parts.reduce((w, part) => w - med(part).wall, med(from).wall),
      cpu: parts.reduce((w, part) => w - med(part).cpu, med(from).cpu),
    });
    const derived: [string, { wall: number; cpu: number }][] = [
      ['kernel (packed operands in wasm memory)', med('kernel')],
      ['copy A and B into wasm memory', med('copy in')],
      ['pack A and B (SIMD, in wasm memory)', med('pack')],
      ['C out (copy)', med('C out (copy)')],
      [
        'dispatch (gemm - the parts above)',
        minus('gemm, reused C', 'kernel', 'copy in', 'pack', 'C out (copy)'),
      ],
      ['gemm, reused C (all of the above)', med('gemm, reused C')],
      ['fresh output (alloc, faults, GC)', minus('write, fresh array', 'C out (copy)')],
      ['allocZeroed + gemm', med('allocZeroed + gemm')],
      ['op + engine (matmul - allocZeroed - gemm)', minus('matmul', 'allocZeroed + gemm')],
      ['  (floor: matmul of [1, 1] by [1, 1])', med('matmul 1x1')],
      ['matmul (whole)', whole],
    ];
    const tfRows = t.has('tfjs matMul');
    if (tfRows)
      derived.push(
        ['TF.js WASM matMul, result unread (its kernel)', med('tfjs matMul')],
        ['TF.js WASM matMul + dataSync (as bench W1)', med('tfjs matMul + dataSync')],
      );
    console.log(`\n${dtype} n=${n}   [${before}]`);
    console.log(
      `${'part'.padEnd(46)} ${'median us'.padStart(9)} ${'share'.padStart(6)} ${'cpu us'.padStart(9)} ${'share'.padStart(6)}`,
    );
    for (const [what, v] of derived) {
      const pct = (x: number, of: number) => `${((100 * x) / of).toFixed(0)}%`.padStart(6);
      console.log(
        `${what.padEnd(46)} ${v.wall.toFixed(1).padStart(9)} ${pct(v.wall, whole.wall)} ${v.cpu.toFixed(1).padStart(9)} ${pct(v.cpu, whole.cpu)}`,
      );
    }
    if (tfRows) {
      // Speed = 1 / time: how many times TF.js's time ours is, kernel for kernel and whole for whole.
      const speed = (theirs: string, ours: string) => (med(theirs).wall / med(ours).wall).toFixed(2);
      console.log(
        `speed against TF.js (its median time / ours): gemm into a reused C vs matMul unread ${speed('tfjs matMul', 'gemm, reused C')}x; matmul vs matMul + dataSync ${speed('tfjs matMul + dataSync', 'matmul')}x`,
      );
    }
  }
}
console.log(`\n[${uptime()}]`);
