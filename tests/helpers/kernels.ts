/** What the kernel tests share: running under a backend and thread count, and comparing bits. */
import * as assert from 'uvu/assert';
import { type FloatArray, getBackend, getNumThreads, setBackend, setNumThreads } from '../../core/index.ts';
import type { Backend } from '../../core/kernels/backend.ts';

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
