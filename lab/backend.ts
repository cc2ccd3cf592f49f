/**
 * The kernel backend the lab trains on, said in one place. Until normgrad has
 * its WebAssembly backend (with `getBackend()`), training runs the JavaScript
 * kernels; this function is where the lab will ask `getBackend()` instead.
 */
export function backendName(): string {
  return 'js';
}

/** Threads need cross-origin isolation (the lab's server sends COOP/COEP); a static copy runs one thread. */
export function threadsAvailable(): boolean {
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}
