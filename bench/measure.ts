/**
 * The timing loop every in-process runner uses (the PyTorch runner does the same
 * in Python): warm up for a number of repetitions and a time, so the JIT has
 * settled (a cold run of W4 is 10x slower than a warm one), then time at least `minReps`
 * repetitions and at least `minMs` in total, one sample per repetition.
 */

export interface Budget {
  warmup: number;
  /** Keep warming up until this much time has passed too: V8 tiers a hot function up after a while. */
  warmupMs: number;
  minReps: number;
  /** Keep repeating a fast cell until this much time was measured (more samples, steadier median). */
  minMs: number;
  maxReps: number;
}

export const FULL: Budget = { warmup: 3, warmupMs: 300, minReps: 10, minMs: 400, maxReps: 200 };
export const QUICK: Budget = { warmup: 1, warmupMs: 50, minReps: 3, minMs: 60, maxReps: 30 };

export function timeReps(step: () => void, budget: Budget): number[] {
  const start = performance.now();
  for (let i = 0; i < budget.warmup || performance.now() - start < budget.warmupMs; i++) step();
  const samples: number[] = [];
  let total = 0;
  while (samples.length < budget.minReps || (total < budget.minMs && samples.length < budget.maxReps)) {
    const t0 = performance.now();
    step();
    const ms = performance.now() - t0;
    samples.push(ms);
    total += ms;
  }
  return samples;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function min(xs: readonly number[]): number {
  return Math.min(...xs);
}

/**
 * Microseconds per call of `f`: the fastest of 15 blocks of `reps` calls, after one warm-up
 * block, so a busy machine inflates it least (the breakdown scripts time parts alone this way).
 */
export function usPerCall(f: () => void, reps: number): number {
  for (let i = 0; i < reps; i++) f();
  let best = Number.POSITIVE_INFINITY;
  for (let b = 0; b < 15; b++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) f();
    best = Math.min(best, (performance.now() - t0) / reps);
  }
  return best * 1000;
}
