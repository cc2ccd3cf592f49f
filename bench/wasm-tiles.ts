/**
 * `npx tsx bench/wasm-tiles.ts`: GFLOP/s of the f64x2 and f32x4 GEMM
 * micro-kernels for several register tiles (rows x columns of C held in vector
 * locals), on packed panels that stay in L1. Why core/kernels/wasm/gemm.wat
 * uses 4 x 4 in float64 and 4 x 8 in float32.
 */
import wabt from 'wabt';
import { wasmApi } from '../core/kernels/wasm/runtime.ts';

const w = await wabt();
type Lanes = { t: 'f64x2' | 'f32x4'; bytes: number; lanes: number; splat: string };
const F64: Lanes = { t: 'f64x2', bytes: 8, lanes: 2, splat: 'v128.load64_splat' };
const F32: Lanes = { t: 'f32x4', bytes: 4, lanes: 4, splat: 'v128.load32_splat' };

/** WAT of one micro-kernel: MR rows, NRV vectors (NRV * lanes columns) of C. */
function kernel(MR: number, NRV: number, { t, bytes, splat }: Lanes): string {
  // acc[i][v]: row i, vector v
  const locals: string[] = [];
  for (let i = 0; i < MR; i++) for (let v = 0; v < NRV; v++) locals.push(`(local $c${i}_${v} v128)`);
  for (let v = 0; v < NRV; v++) locals.push(`(local $b${v} v128)`);
  let body = '';
  for (let v = 0; v < NRV; v++) body += `(local.set $b${v} (v128.load offset=${16 * v} (local.get $b)))\n`;
  for (let i = 0; i < MR; i++) {
    body += `(local.set $x (${splat} offset=${bytes * i} (local.get $a)))\n`;
    for (let v = 0; v < NRV; v++)
      body += `(local.set $c${i}_${v} (${t}.add (local.get $c${i}_${v}) (${t}.mul (local.get $x) (local.get $b${v}))))\n`;
  }
  let store = '';
  for (let i = 0; i < MR; i++)
    for (let v = 0; v < NRV; v++)
      store += `(v128.store offset=${16 * (i * NRV + v)} (local.get $c) (${t}.add (v128.load offset=${16 * (i * NRV + v)} (local.get $c)) (local.get $c${i}_${v})))\n`;
  return `(module (import "env" "memory" (memory 1 16384 shared))
 (func (export "k") (param $a i32) (param $b i32) (param $kc i32) (param $c i32)
  (local $end i32) (local $x v128) ${locals.join(' ')}
  (local.set $end (i32.add (local.get $a) (i32.mul (local.get $kc) (i32.const ${bytes * MR}))))
  (loop $k ${body}
   (local.set $a (i32.add (local.get $a) (i32.const ${bytes * MR})))
   (local.set $b (i32.add (local.get $b) (i32.const ${16 * NRV})))
   (br_if $k (i32.lt_u (local.get $a) (local.get $end))))
  ${store}))`;
}
const api = wasmApi()!;
const memory = new api.Memory({ initial: 64, maximum: 16384, shared: true });
const tiles: [Lanes, number, number][] = [
  [F64, 5, 2],
  [F64, 4, 2],
  [F64, 3, 2],
  [F64, 2, 4],
  [F32, 4, 2],
  [F32, 2, 4],
  [F32, 3, 2],
  [F32, 5, 2],
  [F32, 3, 3],
  [F32, 6, 2],
  [F32, 2, 3],
];
for (const [lanes, MR, NRV] of tiles) {
  const mod = w.parseWat('k.wat', kernel(MR, NRV, lanes), { simd: true, threads: true });
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
  const flops = 100 * 2 * MR * NRV * lanes.lanes * kc;
  console.log(`${lanes.t} ${MR}x${lanes.lanes * NRV}`, (flops / best / 1e6).toFixed(1), 'GFLOP/s');
}
