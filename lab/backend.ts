/** Threads need cross-origin isolation (the lab's server sends COOP/COEP); a static copy runs one thread. */
export function threadsAvailable(): boolean {
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}
