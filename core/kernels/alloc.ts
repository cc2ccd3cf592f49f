/**
 * Output buffers for the kernels, with large ones recycled.
 *
 * Why: a fresh multi-megabyte Float64Array is new memory from the system
 * allocator (mmap on Linux), and the first write to each 4 KB page faults. In
 * the BatchNorm benchmark (bench W5, [1024, 512] arrays) the page faults cost
 * about as much as the arithmetic. So the engine hands back the gradient
 * buffers it knows are dead once a node's backward has used them (see
 * core/grad-buffers.ts: only buffers it allocated itself or that a backward marked
 * fresh, that nothing else was given), and kernels take their outputs here.
 * The next forward and backward then write into memory that is already mapped.
 *
 * Small arrays always come straight from V8: they are cheap to make, and a
 * pool would only add bookkeeping. The pool holds at most MAX_BYTES.
 */

/** Arrays shorter than this (32 KB) are never pooled. */
export const MIN_LENGTH = 1 << 12;
const MAX_BYTES = 256 * 1024 * 1024;

const free = new Map<number, Float64Array[]>();
/** Buffers now in the pool, so one handed back twice is not handed out twice. */
const pooled = new WeakSet<Float64Array>();
let pooledBytes = 0;

/** A Float64Array of length n with unspecified contents: the caller must write every element. */
export function alloc(n: number): Float64Array {
  if (n >= MIN_LENGTH) {
    const a = free.get(n)?.pop();
    if (a !== undefined) {
      pooled.delete(a);
      pooledBytes -= a.byteLength;
      return a;
    }
  }
  return new Float64Array(n);
}

/** A Float64Array of length n filled with zeros (for kernels that accumulate into their output). */
export function allocZeroed(n: number): Float64Array {
  const a = n >= MIN_LENGTH ? free.get(n)?.pop() : undefined;
  if (a === undefined) return new Float64Array(n); // zeroed already: no second pass
  pooled.delete(a);
  pooledBytes -= a.byteLength;
  return a.fill(0);
}

/**
 * Gives a buffer back for reuse. The caller guarantees nothing reads or writes it
 * any more; only whole buffers (not views into a larger one) are kept.
 */
export function release(a: Float64Array): void {
  if (a.length < MIN_LENGTH || pooled.has(a) || pooledBytes + a.byteLength > MAX_BYTES) return;
  if (a.byteOffset !== 0 || a.buffer.byteLength !== a.byteLength) return;
  pooled.add(a);
  pooledBytes += a.byteLength;
  const list = free.get(a.length);
  if (list === undefined) free.set(a.length, [a]);
  else list.push(a);
}

/** Bytes held in the pool now (for tests and for a user who wants to know). */
export function pooledByteCount(): number {
  return pooledBytes;
}

/** Returns every pooled buffer to the garbage collector, as `torch.cuda.empty_cache` does for its cache. */
export function emptyPool(): void {
  free.clear();
  pooledBytes = 0;
}
