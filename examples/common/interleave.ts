/**
 * Timing two or more contenders fairly on a shared, busy machine: every
 * repetition times each contender once, back to back, in an order that rotates
 * from one repetition to the next, so drifts in machine load hit all of them
 * alike; each contender is warmed up first (the JIT compiles the hot paths);
 * each timed trial repeats the work enough times to last a target duration, so
 * the clock's resolution does not matter. Read the result as medians and as the
 * median of per-repetition ratios.
 */
import { ValueError } from '../../core/index.ts';

export interface Contender {
  name: string;
  /** One unit of work (e.g. one forward and backward pass). */
  run(): void;
}

export interface InterleaveOptions {
  repetitions: number;
  /** Untimed runs of each contender before the first repetition. */
  warmup: number;
  /** Each timed trial repeats the work until it takes about this long (ms), calibrated per group on its first contender. */
  targetMs: number;
  /** The clock (ms); `performance.now` by default. Tests pass a fake one. */
  now?: () => number;
  /** Called before every timed trial, outside the timing (e.g. a garbage collection). */
  beforeTrial?: () => void;
}

export interface InterleaveResult {
  /** How many times the work is repeated inside one timed trial, per group. */
  inner: number[];
  /** Milliseconds per unit of work, one entry per repetition, by contender name. */
  perUnitMs: Record<string, number[]>;
  /** The order the contenders ran in, per repetition. */
  orders: string[][];
}

/**
 * The order of the items in repetition `rep`: rotated by `rep`, so each item
 * goes first equally often.
 */
export function rotation<T>(items: readonly T[], rep: number): T[] {
  const k = rep % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** How many units of `c` fill `targetMs` on the clock. */
function calibrate(c: Contender, targetMs: number, now: () => number): number {
  let inner = 1;
  for (;;) {
    const t0 = now();
    for (let i = 0; i < inner; i++) c.run();
    const dt = now() - t0;
    if (dt >= targetMs || inner >= 1 << 20) return inner;
    inner = dt <= 0 ? inner * 8 : Math.max(inner + 1, Math.ceil((inner * targetMs) / dt));
  }
}

/**
 * Times groups of contenders (e.g. BN and LN at one size) interleaved: in each
 * repetition every group runs, in rotated order, and within it every
 * contender, in rotated order. Contenders of a group share one repeat count,
 * calibrated on the group's first. Names must be unique.
 */
export function timeInterleaved(
  groups: readonly (readonly Contender[])[],
  opts: InterleaveOptions,
): InterleaveResult {
  if (groups.length === 0 || groups.some((g) => g.length === 0)) {
    throw new ValueError('timeInterleaved: needs at least one group, each with at least one contender');
  }
  if (!Number.isInteger(opts.repetitions) || opts.repetitions < 1) {
    throw new ValueError(`timeInterleaved: repetitions must be a positive integer, got ${opts.repetitions}`);
  }
  const names = groups.flat().map((c) => c.name);
  if (new Set(names).size !== names.length) {
    throw new ValueError(`timeInterleaved: contender names must be unique, got ${names.join(', ')}`);
  }
  const now = opts.now ?? (() => performance.now());
  for (const c of groups.flat()) for (let i = 0; i < opts.warmup; i++) c.run();
  const inner = groups.map((g) => calibrate(g[0]!, opts.targetMs, now));
  const perUnitMs: Record<string, number[]> = {};
  for (const n of names) perUnitMs[n] = [];
  const orders: string[][] = [];
  const indexed = groups.map((g, k) => ({ g, k }));
  for (let rep = 0; rep < opts.repetitions; rep++) {
    const order: string[] = [];
    for (const { g, k } of rotation(indexed, rep)) {
      for (const c of rotation(g, rep)) {
        order.push(c.name);
        opts.beforeTrial?.();
        const t0 = now();
        for (let i = 0; i < inner[k]!; i++) c.run();
        perUnitMs[c.name]!.push((now() - t0) / inner[k]!);
      }
    }
    orders.push(order);
  }
  return { inner, perUnitMs, orders };
}
