/**
 * `npx tsx bench/wasm-tiles.ts`: GFLOP/s of the f64x2 GEMM micro-kernel for
 * several register tiles (rows x columns of C held in vector locals), on
 * packed panels that stay in L1. Why core/kernels/wasm/gemm.wat uses 4 x 4.
 */
import wabt from 'wabt';
import { wasmApi } from '../core/kernels/wasm/runtime.ts';

const w = await wabt();
/** WAT of one micro-kernel: MR rows, NRV f64x2 vectors (2 NRV columns) of C. */
function kernel(MR: number, NRV: number): string {
  // acc[i][v]: row i, vector v (2 columns each)
  const locals: string[] = [];
  for (let i = 0; i < MR; i++) for (let v = 0; v < NRV; v++) locals.push(`(local $c${i}_${v} v128)`);
  for (let v = 0; v < NRV; v++) locals.push(`(local $b${v} v128)`);
  let body = '';
  for (let v = 0; v < NRV; v++) body += `(local.set $b${v} (v128.load offset=${16 * v} (local.get $b)))\n`;
  for (let i = 0; i < MR; i++) {
    body += `(local.set $x (v128.load64_splat offset=${8 * i} (local.get $a)))\n`;
    for (let v = 0; v < NRV; v++)
      body += `(local.set $c${i}_${v} (f64x2.add (local.get $c${i}_${v}) (f64x2.mul (local.get $x) (local.get $b${v}))))\n`;
  }
  let store = '';
  for (let i = 0; i < MR; i++)
    for (let v = 0; v < NRV; v++)
      store += `(v128.store offset=${16 * (i * NRV + v)} (local.get $c) (f64x2.add (v128.load offset=${16 * (i * NRV + v)} (local.get $c)) (local.get $c${i}_${v})))\n`;
  return `(module (import "env" "memory" (memory 1 16384 shared))
 (func (export "k") (param $a i32) (param $b i32) (param $kc i32) (param $c i32)
  (local $end i32) (local $x v128) ${locals.join(' ')}
  (local.set $end (i32.add (local.get $a) (i32.mul (local.get $kc) (i32.const ${8 * MR}))))
  (loop $k ${body}
   (local.set $a (i32.add (local.get $a) (i32.const ${8 * MR})))
   (local.set $b (i32.add (local.get $b) (i32.const ${16 * NRV})))
   (br_if $k (i32.lt_u (local.get $a) (local.get $end))))
  ${store}))`;
}
const api = wasmApi()!;
const memory = new api.Memory({ initial: 64, maximum: 16384, shared: true });
for (const [MR, NRV] of [
  [5, 2],
  [4, 2],
  [3, 2],
  [2, 4],
  [6, 2],
  [3, 4],
  [4, 3],
]) {
  const mod = w.parseWat('k.wat', kernel(MR!, NRV!), { simd: true, threads: true });
  const bytes = mod.toBinary({}).buffer;
  const inst = new api.Instance(new api.Module(bytes), { env: { memory } });
  const k = (inst.exports as { k: (a: number, b: number, kc: number, c: number) => void }).k;
  const kc = 256;
  for (let i = 0; i < 2000; i++) k(1024, 65536, kc, 200000);
  let best = 1e9;
  for (let r = 0; r < 200; r++) {
    const t = performance.now();
    for (let i = 0; i < 100; i++) k(1024, 65536, kc, 200000);
    best = Math.min(best, performance.now() - t);
  }
  const flops = 100 * 2 * MR! * NRV! * 2 * kc;
  console.log(`${MR}x${2 * NRV!}`, (flops / best / 1e6).toFixed(1), 'GFLOP/s');
}
