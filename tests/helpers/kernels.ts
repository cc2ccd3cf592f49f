/** What the kernel tests share: running under a backend and thread count, and comparing bits. */
import * as assert from 'uvu/assert';
import { type FloatArray, getBackend, getNumThreads, setBackend, setNumThreads } from '../../core/index.ts';
import type { Backend } from '../../core/kernels/backend.ts';
import { soloRuntime, wasmRuntime } from '../../core/kernels/wasm/runtime.ts';

/** Runs f with a backend and thread count, restoring both after. */
export function using<T>(backend: Backend, threads: number, f: () => T): T {
  const [b0, t0] = [getBackend(), getNumThreads()];
  setBackend(backend);
  setNumThreads(threads);
  try {
    return f();
  } finally {
    setBackend(b0);
    setNumThreads(t0);
  }
}

/** Same array class, same length and the same bits everywhere (Object.is: -0 and NaN count). */
export function sameBits(got: FloatArray, want: FloatArray, what: string): void {
  assert.is(got.constructor, want.constructor, `${what}: array class`);
  assert.is(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) assert.unreachable(`${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
}

/** The streaming kernels' WebAssembly modules (the one-thread runtime's instances). */
export type StreamModule = 'elementwise' | 'norm' | 'channels' | 'rows' | 'pool' | 'transcendental';

/**
 * Runs f on `backend` (one thread) with the one-thread runtime's `modules` watched, and returns
 * f's result and the names of their exports it called: a test that a kernel took its WASM path,
 * not only that a WASM function of that name could run.
 */
export function wasmCalls<T>(
  backend: Backend,
  modules: readonly StreamModule[],
  f: () => T,
): { result: T; calls: string[] } {
  // Each module's exports object is swapped for a watching proxy of itself, then put back.
  const rt = soloRuntime(wasmRuntime()!) as unknown as Record<StreamModule, object>;
  const calls: string[] = [];
  const saved = modules.map((m) => rt[m]);
  for (const m of modules) {
    const real = rt[m];
    rt[m] = new Proxy(real, {
      get(target, key) {
        if (typeof key === 'string') calls.push(key);
        return Reflect.get(target, key);
      },
    });
  }
  try {
    return { result: using(backend, 1, f), calls };
  } finally {
    modules.forEach((m, i) => {
      rt[m] = saved[i]!;
    });
  }
}
