import { Generator, Tensor } from '../../core/index.ts';

const gen = new Generator(2024);

/** Uniform in [lo, hi), requiring grad. */
export function uniform(shape: number[], lo = -1, hi = 1, requiresGrad = true): Tensor {
  const data = Float64Array.from(
    { length: shape.reduce((a, b) => a * b, 1) },
    () => lo + (hi - lo) * gen.random(),
  );
  return new Tensor(data, shape, requiresGrad);
}

/** Magnitudes in [0.2, 1.2) with random signs: away from the kinks of abs, relu and friends at 0. */
export function awayFromZero(shape: number[], requiresGrad = true): Tensor {
  const t = uniform(shape, 0.2, 1.2, requiresGrad);
  for (let i = 0; i < t.data.length; i++) if (gen.random() < 0.5) t.data[i] = -t.data[i]!;
  return t;
}

/** Positive values in [0.5, 2): inside the domains of log, sqrt and pow with a tensor exponent. */
export function positive(shape: number[], requiresGrad = true): Tensor {
  return uniform(shape, 0.5, 2, requiresGrad);
}

/** A constant index tensor (no grad). */
export function index(values: number[], shape = [values.length]): Tensor {
  return new Tensor(Float64Array.from(values), shape);
}
