/**
 * Who owns a gradient's memory during one backward pass, so the engine can sum
 * into a buffer in place, let a leaf keep a buffer as its `.grad` without a copy,
 * and hand a dead buffer back to the allocator (core/kernels/alloc.ts) for the
 * next large result. The engine calls `add` and `take` on a `PendingGrads`, and
 * `settle` once per node; the rules live here, beside the allocator they feed.
 *
 * A buffer is the pass's own when nothing outside can see it: a sum the pass made,
 * or a kernel's output that a backward marked with `freshGrad` and gave to one
 * input only. Only then is it summed into, adopted or recycled.
 */
import { release } from './kernels/alloc.ts';
import type { Tensor } from './tensor.ts';

/** Gradients whose data a backward allocated itself (see freshGrad). */
const freshGrads = new WeakSet<Tensor>();
/** Below this size a copy costs less than the bookkeeping. */
const FRESH_MIN = 256;

/**
 * Marks a gradient a backward closure has just computed into newly allocated memory
 * that nothing else refers to, and returns it. The engine may then sum later
 * contributions into it in place and let a leaf keep it as `.grad` without a copy.
 * Only for results of kernels, never for a view or a tensor the closure keeps.
 */
export function freshGrad(t: Tensor): Tensor {
  if (t.numel() >= FRESH_MIN) freshGrads.add(t);
  return t;
}

/** A gradient taken out of the pass, and whether the pass alone holds its buffer. */
export interface Taken {
  grad: Tensor;
  ours: boolean;
}

/** The gradients a backward pass has summed for tensors it has not reached yet. */
export class PendingGrads {
  private readonly sums = new Map<Tensor, Tensor>();
  /** Sums the pass made itself and has not handed out: later contributions go in place. */
  private readonly owned = new Set<Tensor>();

  /** With `createGraph` every sum is an op (differentiable again), so nothing is reused. */
  constructor(private readonly createGraph: boolean) {}

  /**
   * Adds g to t's pending gradient; `fresh` says g's buffer is new and given to t alone, so
   * once it is summed into another it is dead and goes back to the allocator.
   */
  add(t: Tensor, g: Tensor, fresh = false): void {
    const prev = this.sums.get(t);
    if (prev === undefined) {
      this.sums.set(t, g);
      if (fresh && !this.createGraph) this.owned.add(g);
    } else if (this.createGraph) {
      this.sums.set(t, prev.add(g));
    } else if (this.owned.has(prev)) {
      const d = prev.data;
      const s = g.data;
      for (let i = 0; i < d.length; i++) d[i] = d[i]! + s[i]!;
      if (fresh) release(g.data); // summed in and seen by nobody else: the next product's output can reuse it
    } else {
      // A weight used at 50 time steps makes one new sum, not 49.
      const sum = prev.add(g);
      this.owned.add(sum);
      this.sums.set(t, sum);
      if (fresh) release(g.data);
    }
  }

  /** Removes t's summed gradient; from here on it may be shared, so it is never summed into again. */
  take(t: Tensor): Taken | undefined {
    const grad = this.sums.get(t);
    if (grad === undefined) return undefined;
    this.sums.delete(t);
    return { grad, ours: this.owned.delete(grad) };
  }

  /**
   * After a node's backward read g: adds each input's gradient (a freshly made one
   * given to that input alone becomes the pass's own), then recycles g's buffer if
   * `disposable` (the pass's own and kept by nobody) and no input received g itself.
   */
  settle(
    inputs: readonly Tensor[],
    inGrads: readonly (Tensor | null)[],
    g: Tensor,
    disposable: boolean,
  ): void {
    let passedOn = false;
    for (let i = 0; i < inputs.length; i++) {
      const x = inputs[i]!;
      const gi = inGrads[i];
      if (!x.requiresGrad || gi === null || gi === undefined) continue;
      const fresh = freshGrads.has(gi) && inGrads.indexOf(gi) === i && inGrads.lastIndexOf(gi) === i;
      this.add(x, gi, fresh);
      if (gi.data === g.data) passedOn = true; // passed through (add, reshape): still in use
    }
    if (disposable && !passedOn) release(g.data);
  }
}
