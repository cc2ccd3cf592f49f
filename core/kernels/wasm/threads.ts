/**
 * Worker threads for the WASM kernels: the calling thread plus up to
 * `getNumThreads() - 1` workers, each with its own instance of the module over
 * the one shared memory. A job is a set of bands (disjoint blocks of C: row
 * ranges, or column ranges when C has few rows), all float64 or all float32;
 * the caller posts it in a control block at the start of the memory, wakes the
 * workers with `Atomics.notify`, computes band 0 itself and sleeps in
 * `Atomics.wait` until the workers have counted themselves done. Sleeping, not
 * spinning: on a busy machine a spinning caller starves its own workers.
 *
 * Workers exist only in Node (found through `process.getBuiltinModule`, so a
 * browser bundle sees no Node import), are started on the first job that
 * needs them, and are unref'd so they never keep a process alive.
 *
 * Control block (Int32 words at byte 0): SEQ job counter, DONE workers
 * finished, FAILED set by a worker whose band threw, THREADS bands in this job,
 * then the band function's arguments, F32 (1: gemmBand32, 0: gemmBand) and
 * each band's rows and columns.
 */
import { NormgradError } from '../../errors.ts';
import type { Runtime } from './runtime.ts';

/** Bytes at the start of the memory reserved for the control block. */
export const CONTROL_BYTES = 1024;
/** Scratch bytes per band for an edge tile's accumulators (4 x 4 doubles or 4 x 8 floats). */
export const TILE_BYTES = 128;
/** Most bands one job can have (the control block's room for band bounds). */
export const MAX_BANDS = 32;

const SEQ = 0;
const DONE = 1;
const FAILED = 2;
const THREADS = 3;
/** The band function's arguments pa, pb, c, m, n, k, kb, ldc, tileBase: words ARGS..ARGS+8. */
const ARGS = 4;
/** 1 when the job is float32 (gemmBand32), 0 for float64 (gemmBand). */
const F32 = 13;
/** Band t's rows [i0, i1) and columns [j0, j1): words BANDS + 4t .. BANDS + 4t + 3. */
const BANDS = 16;
/** A worker silent this long means something is broken: fail loudly rather than hang. */
const TIMEOUT_MS = 60_000;

/** Runs in each worker (CommonJS, evaluated from this string so no file needs resolving). */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, index, seq } = workerData;
const { gemmBand, gemmBand32 } = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctl = new Int32Array(memory.buffer, 0, ${CONTROL_BYTES / 4});
let seen = seq;
for (;;) {
  Atomics.wait(ctl, ${SEQ}, seen);
  const now = Atomics.load(ctl, ${SEQ});
  if (now === seen) continue;
  seen = now;
  const band = index + 1;
  if (band >= ctl[${THREADS}]) continue;
  try {
    const a = ${ARGS};
    const r = ${BANDS} + 4 * band;
    (ctl[${F32}] === 1 ? gemmBand32 : gemmBand)(ctl[a], ctl[a + 1], ctl[a + 2], ctl[a + 3], ctl[a + 4],
      ctl[a + 5], ctl[a + 6], ctl[a + 7], ctl[r], ctl[r + 1], ctl[r + 2], ctl[r + 3],
      ctl[a + 8] + ${TILE_BYTES} * band);
  } catch (e) {
    Atomics.store(ctl, ${FAILED}, 1);
  }
  Atomics.add(ctl, ${DONE}, 1);
  Atomics.notify(ctl, ${DONE});
}
`;

interface WorkerLike {
  unref(): void;
}
interface WorkerThreads {
  Worker: new (src: string, opts: { eval: boolean; workerData: unknown; execArgv: string[] }) => WorkerLike;
}

const workers: WorkerLike[] = [];

function workerThreads(): WorkerThreads | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return (proc?.getBuiltinModule?.('node:worker_threads') as WorkerThreads | undefined) ?? null;
}

/** How many threads a job can use here: 1 without shared memory or worker threads. */
export function threadsAvailable(rt: Runtime, wanted: number): number {
  if (!rt.shared || wanted <= 1 || workerThreads() === null) return 1;
  return Math.min(wanted, MAX_BANDS);
}

function startWorkers(rt: Runtime, count: number): void {
  const wt = workerThreads()!;
  while (workers.length < count) {
    const w = new wt.Worker(WORKER_SOURCE, {
      eval: true,
      // Not the parent's flags: the TypeScript loader would only slow the worker's start.
      execArgv: [],
      workerData: { module: rt.module, memory: rt.memory, index: workers.length, seq: rt.i32[SEQ] },
    });
    w.unref();
    workers.push(w);
  }
}

/**
 * The bands of one job: band t computes rows [bounds[4t], bounds[4t + 1]) and
 * columns [bounds[4t + 2], bounds[4t + 3]) of C. Rows start on a multiple of 4
 * and columns on a multiple of the tile width (whole tiles, so every element
 * of C is summed in the same order whichever band holds it).
 */
export type Bands = readonly number[];

/**
 * The band function over all of C, split into `bounds.length / 4` bands: band 0
 * on this thread, the others on workers. `args` are the band function's pa, pb,
 * c, m, n, k, kb, ldc, and tileBase (TILE_BYTES of scratch per band from there);
 * `f32` picks gemmBand32 over gemmBand.
 */
export function runGemm(rt: Runtime, f32: boolean, bounds: Bands, args: readonly number[]): void {
  const [pa, pb, c, m, n, k, kb, ldc, tileBase] = args as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const band = f32 ? rt.gemm.gemmBand32 : rt.gemm.gemmBand;
  const bands = bounds.length / 4;
  const [i0, i1, j0, j1] = bounds as [number, number, number, number];
  if (bands === 1) {
    band(pa, pb, c, m, n, k, kb, ldc, i0, i1, j0, j1, tileBase);
    return;
  }
  startWorkers(rt, bands - 1);
  const ctl = rt.i32;
  for (let i = 0; i < args.length; i++) ctl[ARGS + i] = args[i]!;
  for (let i = 0; i < bounds.length; i++) ctl[BANDS + i] = bounds[i]!;
  ctl[F32] = f32 ? 1 : 0;
  ctl[THREADS] = bands;
  Atomics.store(ctl, DONE, 0);
  Atomics.store(ctl, FAILED, 0);
  Atomics.add(ctl, SEQ, 1); // a sequentially consistent write: the arguments above are visible to whoever sees it
  Atomics.notify(ctl, SEQ);
  band(pa, pb, c, m, n, k, kb, ldc, i0, i1, j0, j1, tileBase);
  const start = Date.now();
  for (let done = Atomics.load(ctl, DONE); done < bands - 1; done = Atomics.load(ctl, DONE)) {
    if (Atomics.wait(ctl, DONE, done, 1000) === 'timed-out' && Date.now() - start > TIMEOUT_MS) {
      throw new NormgradError(`matmul: a worker thread did not finish within ${TIMEOUT_MS / 1000} s`);
    }
  }
  if (ctl[FAILED] !== 0) throw new NormgradError('matmul: a worker thread failed inside the WASM kernel');
}
