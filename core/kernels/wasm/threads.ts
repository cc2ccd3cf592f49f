/**
 * Worker threads for the WASM kernels: the calling thread plus up to
 * `getNumThreads() - 1` workers, each with its own instance of the module over
 * the one shared memory.
 *
 * A job is a list of chunks (disjoint blocks of C: row ranges, or column
 * ranges when C has few rows), all float64 or all float32. The caller posts it
 * in a control block at the start of the memory, wakes the workers with
 * `Atomics.notify`, and then every thread, the caller included, claims chunks
 * one at a time from a shared counter until none are left; the caller finally
 * sleeps in `Atomics.wait` until the chunks others claimed are done.
 *
 * Why claimed chunks rather than one fixed band per thread: on this shared
 * 2-core machine a worker wakes 45 us late when all goes well and milliseconds
 * late when another process holds its core. With fixed bands the caller waits
 * for the late band; with claimed chunks it starts at once and takes whatever
 * the worker has not, so a late or slow worker costs at most one chunk. Each
 * chunk is whole tiles of C and every element is summed in the same order
 * whoever computes it, so results stay bit-identical for every thread count.
 * Sleeping, not spinning: on a busy machine a spinning caller starves its own
 * workers.
 *
 * Workers exist only in Node (found through `process.getBuiltinModule`, so a
 * browser bundle sees no Node import), are started on the first job that
 * needs them, and are unref'd so they never keep a process alive.
 *
 * Control block (Int32 words at byte 0): SEQ bumped per job (what workers
 * sleep on), CLAIM the job id (high bits) and the next unclaimed chunk (low 8
 * bits), COMPLETED chunks finished, FAILED set by a chunk that threw, THREADS
 * threads allowed in this job, CHUNKS chunks in it, F32 (1: gemmBand32, 0:
 * gemmBand), the band function's arguments, then each chunk's rows and columns.
 * A thread claims chunk i by compare-and-swap of CLAIM from (job, i) to
 * (job, i + 1), so it never claims a chunk of a job whose arguments it did not
 * read: a job's arguments are only rewritten after all its chunks are done.
 */
import { NormgradError } from '../../errors.ts';
import { nodeBuiltin } from '../host.ts';
import type { Runtime } from './runtime.ts';

/** Bytes at the start of the memory reserved for the control block. */
export const CONTROL_BYTES = 1024;
/** Scratch bytes per thread for an edge tile's accumulators (4 x 4 doubles or 4 x 8 floats). */
export const TILE_BYTES = 128;
/** Most chunks one job can have (the control block's room for their bounds). */
export const MAX_CHUNKS = 32;
/** Most threads one job can use (each needs TILE_BYTES of scratch). */
export const MAX_THREADS = 64;

const SEQ = 0;
const CLAIM = 1;
const COMPLETED = 2;
const FAILED = 3;
const THREADS = 4;
const CHUNKS = 5;
const F32 = 6;
/** The band function's arguments pa, pb, c, m, n, k, kb, ldc, tileBase, over: words ARGS..ARGS+9. */
const ARGS = 8;
/** Chunk t's rows [i0, i1) and columns [j0, j1): words BOUNDS + 4t .. BOUNDS + 4t + 3. */
const BOUNDS = 32;
/** A worker silent this long means something is broken: fail loudly rather than hang. */
const TIMEOUT_MS = 60_000;

/**
 * Claims and computes chunks of the posted job until none are left (the same
 * loop as `work` below, for the workers, which cannot import this file).
 */
const WORK_SOURCE = `
function work(ctl, slot) {
  for (;;) {
    const w = Atomics.load(ctl, ${CLAIM});
    const i = w & 255;
    const chunks = ctl[${CHUNKS}];
    if (i >= chunks || slot >= ctl[${THREADS}]) return;
    const band = ctl[${F32}] === 1 ? gemmBand32 : gemmBand;
    const a = ${ARGS};
    const [pa, pb, c, m, n, k, kb, ldc, tile, over] = [ctl[a], ctl[a + 1], ctl[a + 2], ctl[a + 3],
      ctl[a + 4], ctl[a + 5], ctl[a + 6], ctl[a + 7], ctl[a + 8], ctl[a + 9]];
    const r = ${BOUNDS} + 4 * i;
    const [i0, i1, j0, j1] = [ctl[r], ctl[r + 1], ctl[r + 2], ctl[r + 3]];
    if (Atomics.compareExchange(ctl, ${CLAIM}, w, w + 1) !== w) continue;
    try {
      band(pa, pb, c, m, n, k, kb, ldc, i0, i1, j0, j1, tile + ${TILE_BYTES} * slot, over);
    } catch (e) {
      Atomics.store(ctl, ${FAILED}, 1);
    }
    if (Atomics.add(ctl, ${COMPLETED}, 1) + 1 === chunks) Atomics.notify(ctl, ${COMPLETED});
  }
}`;

/** Runs in each worker (CommonJS, evaluated from this string so no file needs resolving). */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, index, seq } = workerData;
const { gemmBand, gemmBand32 } = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctl = new Int32Array(memory.buffer, 0, ${CONTROL_BYTES / 4});
${WORK_SOURCE}
let seen = seq;
for (;;) {
  Atomics.wait(ctl, ${SEQ}, seen);
  seen = Atomics.load(ctl, ${SEQ});
  work(ctl, index + 1);
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
  return nodeBuiltin<WorkerThreads>('node:worker_threads') ?? null;
}

/** How many threads a job can use here: 1 without shared memory or worker threads. */
export function threadsAvailable(rt: Runtime, wanted: number): number {
  if (!rt.shared || wanted <= 1 || workerThreads() === null) return 1;
  return Math.min(wanted, MAX_THREADS);
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
 * The chunks of one job: chunk t computes rows [bounds[4t], bounds[4t + 1]) and
 * columns [bounds[4t + 2], bounds[4t + 3]) of C. Rows start on a multiple of 4
 * and columns on a multiple of the tile width (whole tiles, so every element
 * of C is summed in the same order whichever chunk holds it).
 */
export type Bands = readonly number[];

/** The caller's side of WORK_SOURCE: claims and computes chunks of the posted job until none are left. */
function work(rt: Runtime, ctl: Int32Array): void {
  for (;;) {
    const w = Atomics.load(ctl, CLAIM);
    const i = w & 255;
    const chunks = ctl[CHUNKS]!;
    if (i >= chunks) return;
    if (Atomics.compareExchange(ctl, CLAIM, w, w + 1) !== w) continue;
    const a = ARGS;
    const r = BOUNDS + 4 * i;
    (ctl[F32] === 1 ? rt.gemm.gemmBand32 : rt.gemm.gemmBand)(
      ctl[a]!,
      ctl[a + 1]!,
      ctl[a + 2]!,
      ctl[a + 3]!,
      ctl[a + 4]!,
      ctl[a + 5]!,
      ctl[a + 6]!,
      ctl[a + 7]!,
      ctl[r]!,
      ctl[r + 1]!,
      ctl[r + 2]!,
      ctl[r + 3]!,
      ctl[a + 8]!,
      ctl[a + 9]!,
    );
    if (Atomics.add(ctl, COMPLETED, 1) + 1 === chunks) Atomics.notify(ctl, COMPLETED);
  }
}

/**
 * The band function over all of C in the chunks of `bounds`, on `threads`
 * threads (this one and threads - 1 workers). `args` are the band function's
 * pa, pb, c, m, n, k, kb, ldc, tileBase (TILE_BYTES of scratch per thread
 * from there) and over (1: C is not read, see gemm.wat); `f32` picks gemmBand32 over gemmBand.
 */
export function runGemm(
  rt: Runtime,
  f32: boolean,
  threads: number,
  bounds: Bands,
  args: readonly number[],
): void {
  const chunks = bounds.length / 4;
  if (threads === 1) {
    const band = f32 ? rt.gemm.gemmBand32 : rt.gemm.gemmBand;
    const [pa, pb, c, m, n, k, kb, ldc, tile, over] = args as [
      number,
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
    for (let t = 0; t < chunks; t++) {
      band(
        pa,
        pb,
        c,
        m,
        n,
        k,
        kb,
        ldc,
        bounds[4 * t]!,
        bounds[4 * t + 1]!,
        bounds[4 * t + 2]!,
        bounds[4 * t + 3]!,
        tile,
        over,
      );
    }
    return;
  }
  startWorkers(rt, threads - 1);
  const ctl = rt.i32;
  for (let i = 0; i < args.length; i++) ctl[ARGS + i] = args[i]!;
  for (let i = 0; i < bounds.length; i++) ctl[BOUNDS + i] = bounds[i]!;
  ctl[F32] = f32 ? 1 : 0;
  ctl[THREADS] = threads;
  ctl[CHUNKS] = chunks;
  Atomics.store(ctl, COMPLETED, 0);
  Atomics.store(ctl, FAILED, 0);
  // Publishing the new job id with chunk 0 next: a sequentially consistent write, so whoever
  // sees it sees the arguments above. Then wake the workers.
  Atomics.store(ctl, CLAIM, (((Atomics.load(ctl, CLAIM) >>> 8) + 1) & 0x7fffff) << 8);
  Atomics.add(ctl, SEQ, 1);
  Atomics.notify(ctl, SEQ); // all: a worker past this job's thread count wakes and goes back to sleep
  work(rt, ctl);
  const start = Date.now();
  for (let done = Atomics.load(ctl, COMPLETED); done < chunks; done = Atomics.load(ctl, COMPLETED)) {
    if (Atomics.wait(ctl, COMPLETED, done, 1000) === 'timed-out' && Date.now() - start > TIMEOUT_MS) {
      throw new NormgradError(`matmul: a worker thread did not finish within ${TIMEOUT_MS / 1000} s`);
    }
  }
  if (ctl[FAILED] !== 0) throw new NormgradError('matmul: a worker thread failed inside the WASM kernel');
}
