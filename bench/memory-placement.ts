/**
 * `npx tsx bench/memory-placement.ts`: the measurements behind where tensor
 * memory lives (core/kernels/README.md). Interleaved in one process, medians.
 *
 * 1. GEMM: the share of a WASM matmul spent outside the kernel (copying C in
 *    and out and packing A and B, which GEMM does in any backend), at the
 *    shapes of W1, W2 and W7.
 * 2. Elementwise: y = a x + b over float64 arrays in plain JS, in WASM SIMD on
 *    data already in wasm memory, and in WASM SIMD with the copy in and out a
 *    JS-heap tensor would need.
 */
import wabt from 'wabt';
import { balanced, KC } from '../core/kernels/blocking.ts';
import { operand } from '../core/kernels/matmul.ts';
import { wasmGemm } from '../core/kernels/wasm/gemm.ts';
import { ensureBytes, wasmApi, wasmRuntime } from '../core/kernels/wasm/runtime.ts';
import { median } from './measure.ts';

function time(f: () => void, reps: number): number {
  const xs: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    f();
    xs.push(performance.now() - t0);
  }
  return median(xs);
}

const rt = wasmRuntime()!;
const rnd = (n: number) => Float64Array.from({ length: n }, () => Math.random() - 0.5);

console.log('GEMM: time outside the kernel (copy C in/out, pack A and B), one thread');
for (const [m, n, k, what] of [
  [256, 256, 256, 'W1 n=256'],
  [128, 256, 784, 'W2 first layer'],
  [60, 100, 784, 'W7 first layer'],
  [60, 100, 100, 'W7 hidden layer'],
] as const) {
  const a = rnd(m * k);
  const b = rnd(k * n);
  const c = new Float64Array(m * n);
  const full = () => wasmGemm(rt, 1, m, n, k, operand(a, 0, k, false), operand(b, 0, n, false), c, 0, n);
  full(); // lays out memory: C at 1024, then packed A and B
  const mpad = Math.ceil(m / 4) * 4;
  const pa = Math.ceil((1024 + m * n * 8) / 16) * 16;
  const pb = Math.ceil((pa + mpad * k * 8) / 16) * 16;
  const tile = Math.ceil((pb + k * Math.ceil(n / 4) * 4 * 8) / 16) * 16;
  const kernel = () => rt.gemm.gemmBand(pa, pb, 1024, m, n, k, balanced(k, KC), n, 0, m, 0, n, tile);
  const reps = Math.max(20, Math.round(3e8 / (m * n * k)));
  let tFull = 0;
  let tKernel = 0;
  for (let round = 0; round < 5; round++) {
    tFull += time(full, reps);
    tKernel += time(kernel, reps);
  }
  const share = (100 * (tFull - tKernel)) / tFull;
  console.log(
    `  ${what} [${m}x${k}]x[${k}x${n}]: ${(tFull / 5).toFixed(3)} ms, outside the kernel ${share.toFixed(1)} %`,
  );
}

const AXPY = `(module (import "env" "memory" (memory 1 16384 shared))
  (func (export "axpy") (param $x i32) (param $y i32) (param $n i32) (param $a f64) (param $b f64)
    (local $end i32) (local $va v128) (local $vb v128)
    (local.set $va (f64x2.splat (local.get $a))) (local.set $vb (f64x2.splat (local.get $b)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 3))))
    (loop $l
      (v128.store (local.get $y) (f64x2.add (f64x2.mul (v128.load (local.get $x)) (local.get $va)) (local.get $vb)))
      (local.set $x (i32.add (local.get $x) (i32.const 16))) (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (br_if $l (i32.lt_u (local.get $x) (local.get $end))))))`;
const w = await wabt();
const mod = w.parseWat('axpy.wat', AXPY, { simd: true, threads: true });
const api = wasmApi()!;
const inst = new api.Instance(new api.Module(mod.toBinary({}).buffer), { env: { memory: rt.memory } });
const axpy = (inst.exports as { axpy: (x: number, y: number, n: number, a: number, b: number) => void }).axpy;

console.log('y = a x + b, float64, median ms (ratio to JS)');
for (const n of [6000, 60_000, 1 << 20]) {
  const x = rnd(n);
  const y = new Float64Array(n);
  ensureBytes(rt, 1024 + 16 * n + 64);
  const [xa, ya] = [1024, 1024 + 8 * n];
  const js = () => {
    for (let i = 0; i < n; i++) y[i] = 1.5 * x[i]! + 0.5;
  };
  const inWasm = () => axpy(xa, ya, n, 1.5, 0.5);
  const withCopies = () => {
    rt.f64.set(x, xa / 8);
    axpy(xa, ya, n, 1.5, 0.5);
    y.set(rt.f64.subarray(ya / 8, ya / 8 + n));
  };
  const reps = Math.max(20, Math.round(2e7 / n));
  const t = { js: 0, inWasm: 0, withCopies: 0 };
  for (let round = 0; round < 5; round++) {
    t.js += time(js, reps);
    t.inWasm += time(inWasm, reps);
    t.withCopies += time(withCopies, reps);
  }
  const f = (v: number) => `${(v / 5).toFixed(4)} (${(t.js / v).toFixed(2)}x)`;
  console.log(
    `  n=${n}: js ${f(t.js)}, wasm on wasm memory ${f(t.inWasm)}, wasm with copies ${f(t.withCopies)}`,
  );
}
