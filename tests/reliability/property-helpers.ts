/** What the property files share: the fixed seed, a runner, and random inputs drawn from a seeded Generator. */
import fc from 'fast-check';
import { type Generator, Tensor } from '../../index.ts';

/** Every property runs from this seed, so CI sees the same cases; a failure prints fast-check's seed and path to replay. */
export const SEED = 20250607;

/** fc.assert with the fixed seed; the failing check's own message is included in the report with the shrunk case. */
export const run = <T>(arb: fc.Arbitrary<T>, check: (v: T) => void, numRuns: number): void =>
  fc.assert(
    fc.property(arb, (v) => {
      check(v);
    }),
    { seed: SEED, numRuns, includeErrorInReport: true },
  );

export const numelOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export const uniform = (g: Generator, shape: readonly number[], lo = -2, hi = 2) =>
  new Tensor(
    Float64Array.from({ length: numelOf(shape) }, () => lo + (hi - lo) * g.random()),
    shape,
  );

/** A random input whose channels (dim 1) have their own scale in [1e-2, 1e3] and shift in [-1e3, 1e3]. */
export function scaledInput(shape: readonly number[], g: Generator): Tensor {
  const c = shape[1]!;
  const inner = numelOf(shape.slice(2));
  const scale = Array.from({ length: c }, () => 10 ** (-2 + 5 * g.random()));
  const shift = Array.from({ length: c }, () => -1e3 + 2e3 * g.random());
  return new Tensor(
    Float64Array.from(
      { length: numelOf(shape) },
      (_, i) => shift[Math.floor(i / inner) % c]! + scale[Math.floor(i / inner) % c]! * g.normal(),
    ),
    shape,
  );
}
