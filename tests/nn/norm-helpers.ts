import { Generator, Tensor } from '../../core/index.ts';

/** shift + scale · N(0, 1) values from a private seeded generator (the global stream is untouched). */
export function randomInput(
  shape: number[],
  seed: number,
  scale = 1,
  shift = 0,
  requiresGrad = false,
): Tensor {
  const gen = new Generator(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return new Tensor(
    Float64Array.from({ length: n }, () => shift + scale * gen.normal()),
    shape,
    requiresGrad,
  );
}
