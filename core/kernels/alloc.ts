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
 * pool would only add bookkeeping. From 32 KB on a fresh array costs more
 * than the pool's look-up (W7's [60, 100] gradients: calloc, and every fresh
 * backing store counts towards the external memory that makes V8 collect).
 * The pool holds at most MAX_BYTES.
 */
import { type DType, type FloatArray, newArray } from '../dtype.ts';
import { env, nodeBuiltin } from './host.ts';

/** Arrays shorter than this (32 KB) are never pooled. */
export const MIN_LENGTH = 1 << 12;
const MAX_BYTES = 256 * 1024 * 1024;

/** Free buffers by length, one pool per dtype (a float32 result must not get a float64 buffer). */
const free64 = new Map<number, Float64Array[]>();
const free32 = new Map<number, Float32Array[]>();
/** Buffers now in the pool, so one handed back twice is not handed out twice. */
const pooled = new WeakSet<FloatArray>();
let pooledBytes = 0;

/**
 * Node's uninitialized allocation (`Buffer.allocUnsafeSlow`: malloc where V8's own arrays use
 * calloc), or undefined in a browser.
 */
const NodeBuffer = nodeBuiltin<{ Buffer: { allocUnsafeSlow(bytes: number): Uint8Array } }>(
  'node:buffer',
)?.Buffer;
const allocUnsafe = NodeBuffer && ((bytes: number) => NodeBuffer.allocUnsafeSlow(bytes));

/**
 * NORMGRAD_ALLOC_POISON=1 fills every array `alloc` hands out with NaN: a kernel that leaves an
 * element of its output unwritten then shows NaN instead of whatever the memory held
 * (`npm test` runs the PyTorch fixtures and the property tests so).
 */
const POISON = env('NORMGRAD_ALLOC_POISON') === '1';

/**
 * An array of length n and `dtype` (float64 by default) with unspecified contents: the caller must
 * write every element, as with `torch.empty`. A large one that is not recycled comes uninitialized
 * from the system allocator: V8 zeroes a new typed array (calloc), and when the memory is reused
 * heap rather than fresh pages that is a memset of the whole array (about 90 us of a 4 MB output's
 * 340 us, written once), which a kernel about to overwrite it does not need.
 */
export function alloc(n: number, dtype: DType = 'float64'): FloatArray {
  const a = take(n, dtype) ?? fresh(n, dtype);
  return POISON ? a.fill(Number.NaN) : a;
}

/** A new array, uninitialized where the platform allows it and the array is large. */
function fresh(n: number, dtype: DType): FloatArray {
  if (n < MIN_LENGTH || allocUnsafe === undefined) return newArray(dtype, n);
  const bytes = allocUnsafe(n * (dtype === 'float32' ? 4 : 8));
  return dtype === 'float32'
    ? new Float32Array(bytes.buffer, bytes.byteOffset, n)
    : new Float64Array(bytes.buffer, bytes.byteOffset, n);
}

/** An array of length n and `dtype` filled with zeros (for kernels that accumulate into their output). */
export function allocZeroed(n: number, dtype: DType = 'float64'): FloatArray {
  // A fresh array is zeroed already: only a recycled one needs the second pass.
  return take(n, dtype)?.fill(0) ?? newArray(dtype, n);
}

/** A pooled buffer of length n and `dtype`, taken out of the pool, or undefined. */
function take(n: number, dtype: DType): FloatArray | undefined {
  if (n < MIN_LENGTH) return undefined;
  const a = (dtype === 'float32' ? free32 : free64).get(n)?.pop();
  if (a === undefined) return undefined;
  pooled.delete(a);
  pooledBytes -= a.byteLength;
  return a;
}

/**
 * Gives a buffer back for reuse. The caller guarantees nothing reads or writes it
 * any more; only whole buffers (not views into a larger one) are kept.
 */
export function release(a: FloatArray): void {
  if (a.length < MIN_LENGTH || pooled.has(a) || pooledBytes + a.byteLength > MAX_BYTES) return;
  if (a.byteOffset !== 0 || a.buffer.byteLength !== a.byteLength) return;
  pooled.add(a);
  pooledBytes += a.byteLength;
  if (a instanceof Float32Array) push(free32, a);
  else push(free64, a);
}

function push<A extends FloatArray>(pool: Map<number, A[]>, a: A): void {
  const list = pool.get(a.length);
  if (list === undefined) pool.set(a.length, [a]);
  else list.push(a);
}

/** Bytes held in the pool now (for tests and for a user who wants to know). */
export function pooledByteCount(): number {
  return pooledBytes;
}

/** Returns every pooled buffer to the garbage collector, as `torch.cuda.empty_cache` does for its cache. */
export function emptyPool(): void {
  free64.clear();
  free32.clear();
  pooledBytes = 0;
}
