/**
 * Which kernels run, and on how many threads: `setBackend('js' | 'wasm')` and
 * `setNumThreads(n)`, as `torch.set_num_threads`.
 *
 * - `'wasm'` (the default where WebAssembly SIMD works): the GEMM runs in
 *   WebAssembly SIMD (core/kernels/wasm/), split across threads when it is big
 *   enough to pay for waking them; so do elementwise add, mul and div, relu,
 *   the activation gradients, the BatchNorm and LayerNorm passes and 2 x 2 max
 *   pooling, from a few thousand values on, copied in and out of wasm memory,
 *   with the JS loops' bits. Every other kernel is
 *   the JS one (core/kernels/README.md).
 * - `'js'`: every kernel is plain TypeScript, for platforms without WASM SIMD.
 *
 * The environment variables NORMGRAD_BACKEND (`js` or `wasm`) and
 * NORMGRAD_NUM_THREADS set the starting values. Results do not depend on the
 * thread count, bit for bit: each thread takes whole rows of C and every
 * element's sum runs in the same order whichever thread computes it.
 */
import { ValueError } from '../errors.ts';
import { env, nodeBuiltin } from './host.ts';
import { wasmRuntime } from './wasm/runtime.ts';

/** The kernel backends. */
export type Backend = 'js' | 'wasm';

const BACKENDS: readonly Backend[] = ['js', 'wasm'];

/** Cores of this machine (Node's availableParallelism, a browser's hardwareConcurrency), at least 1. */
function machineCores(): number {
  const os = nodeBuiltin<{ availableParallelism?: () => number }>('node:os');
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.max(1, os?.availableParallelism?.() ?? nav?.hardwareConcurrency ?? 1);
}

let backend: Backend | undefined;
let threads = machineCores();

const envBackend = env('NORMGRAD_BACKEND');
if (envBackend !== undefined) {
  if (!(BACKENDS as readonly string[]).includes(envBackend)) {
    throw new ValueError(`NORMGRAD_BACKEND: expected 'js' or 'wasm', got '${envBackend}'`);
  }
  backend = envBackend as Backend;
}
const envThreads = env('NORMGRAD_NUM_THREADS');
if (envThreads !== undefined) {
  const n = Number(envThreads);
  if (!Number.isInteger(n) || n < 1) {
    throw new ValueError(`NORMGRAD_NUM_THREADS: expected a positive integer, got '${envThreads}'`);
  }
  threads = n;
}

/** The backend now in use: 'wasm' by default where WebAssembly SIMD works, else 'js'. */
export function getBackend(): Backend {
  if (backend === undefined) backend = wasmRuntime() === null ? 'js' : 'wasm';
  return backend;
}

/** Chooses the kernels: 'js' (plain TypeScript) or 'wasm' (WebAssembly SIMD, throws where unavailable). */
export function setBackend(name: Backend): void {
  if (!(BACKENDS as readonly string[]).includes(name)) {
    throw new ValueError(`setBackend: name must be 'js' or 'wasm', got ${JSON.stringify(name)}`);
  }
  if (name === 'wasm' && wasmRuntime() === null) {
    throw new ValueError("setBackend: 'wasm' needs WebAssembly SIMD, which this platform does not have");
  }
  backend = name;
}

/**
 * Threads the kernels may use, as `torch.get_num_threads`: the machine's cores
 * unless set. Only the WASM backend uses more than one, and only where worker
 * threads can share memory (Node; elsewhere the work runs on the calling thread).
 */
export function getNumThreads(): number {
  return threads;
}

/** Sets the number of threads for the kernels (a positive integer), as `torch.set_num_threads`. */
export function setNumThreads(n: number): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new ValueError(`setNumThreads: n must be a positive integer, got ${String(n)}`);
  }
  threads = n;
}
