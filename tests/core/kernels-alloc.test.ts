/**
 * The buffer pool behind large kernel outputs, and the engine's promise about
 * it: only gradients nobody else can see go back to the pool, so recycling a
 * buffer never changes a value a user, a leaf's .grad or a pending gradient holds.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { FloatArray } from '../../core/index.ts';
import * as core from '../../core/index.ts';
import { grad, randn } from '../../core/index.ts';
import {
  alloc,
  allocZeroed,
  emptyPool,
  MIN_LENGTH,
  pooledByteCount,
  release,
} from '../../core/kernels/alloc.ts';
import * as normgrad from '../../index.ts';

const BIG = 1 << 16; // a pooled length

test('alloc hands back a released buffer of the same length, once', () => {
  emptyPool();
  const a = new Float64Array(BIG);
  release(a);
  release(a); // twice: still pooled once
  assert.is(pooledByteCount(), a.byteLength);
  assert.ok(alloc(BIG) === a);
  assert.ok(alloc(BIG) !== a, 'a buffer released twice is not handed out twice');
  assert.is(pooledByteCount(), 0);
});

test('small arrays and views into larger buffers are never pooled; allocZeroed zeroes a reused buffer', () => {
  emptyPool();
  release(new Float64Array(MIN_LENGTH - 1));
  release(new Float64Array(2 * BIG).subarray(0, BIG));
  assert.is(pooledByteCount(), 0);
  const a = new Float64Array(BIG).fill(7);
  release(a);
  const z = allocZeroed(BIG);
  assert.ok(z === a && z.every((v) => v === 0));
  release(new Float64Array(BIG));
  emptyPool();
  assert.is(pooledByteCount(), 0);
});

test('a fresh large array from alloc is a whole buffer of its own, in its dtype, and poolable', () => {
  emptyPool();
  for (const dtype of ['float64', 'float32'] as const) {
    const a = alloc(BIG, dtype);
    assert.is(a.constructor, dtype === 'float64' ? Float64Array : Float32Array);
    assert.is(a.length, BIG);
    assert.ok(a.byteOffset === 0 && a.buffer.byteLength === a.byteLength, 'not a view into a larger buffer');
    a.fill(3); // uninitialized memory takes writes like any other
    release(a);
    assert.is(pooledByteCount(), a.byteLength);
    assert.ok(alloc(BIG, dtype) === a);
    // Two fresh arrays never share memory.
    const [b, c] = [alloc(BIG, dtype), alloc(BIG, dtype)];
    b.fill(1);
    c.fill(2);
    assert.ok(b.buffer !== c.buffer && b[0] === 1 && c[BIG - 1] === 2);
  }
  emptyPool();
});

/** Whether two arrays hold the same values (a short message instead of a diff of 65536 numbers). */
function same(a: FloatArray, b: FloatArray, what: string): void {
  let bad = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) bad++;
  assert.ok(a.length === b.length && bad === 0, `${what}: ${bad} of ${a.length} values changed`);
}

/** max |got - want(i)| over the array. */
function maxError(got: Float64Array, want: (i: number) => number): number {
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want(i)));
  return worst;
}

/** Writes garbage into every buffer the pool can hand out now. */
function scribble(): void {
  const taken: FloatArray[] = [];
  for (let i = 0; i < 8; i++) taken.push(alloc(BIG).fill(Number.NaN));
  for (const t of taken) release(t);
}

test('recycled gradient buffers never alias a retained .grad, a grad() result or a forward value', () => {
  emptyPool();
  const x = randn([256, 256], { requiresGrad: true });
  const w = randn([256], { requiresGrad: true });
  const upstream = randn([256, 256]);
  const h = x.mul(w);
  h.retainGrad();
  h.tanh().mul(upstream).relu().sum().backward();
  const kept = [x.grad!, w.grad!, h.grad!].map((t) => Float64Array.from(t.data));
  assert.ok(pooledByteCount() > 0, 'the pass left dead intermediate gradients in the pool');
  scribble();
  [x.grad!, w.grad!, h.grad!].forEach((t, i) => same(t.data, kept[i]!, `grad ${i}`));

  // grad() of a non-leaf: its gradient is returned, then its node's backward still runs.
  const y = x.mul(w);
  const z = y.tanh();
  const [dy, dx] = grad(z.mul(upstream).sum(), [y, x]);
  const keptY = Float64Array.from(dy!.data);
  const keptX = Float64Array.from(dx!.data);
  const keptZ = Float64Array.from(z.data);
  scribble();
  same(dy!.data, keptY, 'grad() of the non-leaf y');
  same(dx!.data, keptX, 'grad() of x');
  same(z.data, keptZ, 'a forward value');
});

test('a gradient passed on as a view (reshape) is not recycled while it waits', () => {
  // reshape hands its input a view of its own gradient. If that buffer went back to the pool,
  // matmul's backward, which takes a zeroed output of the same size, could be given it and
  // clear its own input before reading it.
  emptyPool();
  const w = randn([256, 256]);
  const p = randn([256, 256], { requiresGrad: true });
  p.matmul(w).reshape([65536]).reshape([256, 256]).mul(3).tanh().sum().backward();
  const viaViews = Float64Array.from(p.grad!.data);
  p.grad = null;
  p.matmul(w).mul(3).tanh().sum().backward();
  const err = maxError(viaViews, (i) => p.grad!.data[i]!);
  assert.ok(err < 1e-12, `the gradient through reshape differs by ${err}`);
});

test('a weight used at several steps: its summed-in contributions go back to the pool, its .grad stays intact', () => {
  // An RNN's weight gets one product per time step; each is added into the first and is then
  // dead, so it is recycled for the next step's product. The sum must not be one of them.
  emptyPool();
  const w = randn([64, 64], { requiresGrad: true });
  const xs = [0, 1, 2, 3].map(() => randn([64, 64]));
  let h = xs[0]!;
  for (const x of xs) h = h.matmul(w).tanh().add(x);
  h.sum().backward();
  assert.ok(pooledByteCount() > 0, 'no contribution was recycled');
  const kept = Float64Array.from(w.grad!.data);
  scribble64();
  same(w.grad!.data, kept, 'w.grad after the pool was scribbled on');
  // the same gradient from one leaf copy of w per step (each used once: nothing is summed in)
  const copies = xs.map(() => w.detach().requiresGrad_());
  let h2 = xs[0]!;
  for (const [t, x] of xs.entries()) h2 = h2.matmul(copies[t]!).tanh().add(x);
  h2.sum().backward();
  const err = maxError(kept, (i) => copies.reduce((s, c) => s + c.grad!.data[i]!, 0));
  assert.ok(err < 1e-12, `w.grad differs from the per-step sum by ${err}`);
});

/** scribble() for the [64, 64] buffers of the test above. */
function scribble64(): void {
  const taken: FloatArray[] = [];
  for (let i = 0; i < 8; i++) taken.push(alloc(64 * 64).fill(Number.NaN));
  for (const t of taken) release(t);
}

test('emptyPool and pooledByteCount are part of the public API (core and the package root)', () => {
  assert.is(core.emptyPool, emptyPool);
  assert.is(core.pooledByteCount, pooledByteCount);
  assert.is(normgrad.emptyPool, emptyPool);
  assert.is(normgrad.pooledByteCount, pooledByteCount);
});

test.run();
