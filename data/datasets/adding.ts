/** The adding problem, a long-memory sequence task for RNNs. */
import { Generator, tensor } from '../../core/index.ts';
import { checkInt, type Labelled } from './synthetic.ts';

/** Options of `addingProblem`. */
export interface AddingProblemOptions {
  /** Number of sequences; 1000 by default. */
  n?: number;
  /** Sequence length T (>= 2); 50 by default. */
  length?: number;
  /** Seed of the draws; the same seed gives the same set. */
  seed?: number;
}

/**
 * The adding problem (Hochreiter & Schmidhuber 1997, experiment 4), in the form
 * used by Le, Jaitly & Hinton (2015) and Arjovsky et al. (2016): each sequence
 * has T steps of 2 channels, a value uniform on [0, 1) and a marker that is 1 at
 * exactly two steps (one in the first half, `t1 < floor(T/2)`, one in the
 * second, `t2 >= floor(T/2)`) and 0 elsewhere. The target is the sum of the two
 * marked values,
 *
 *     y = x[t1, 0] + x[t2, 0],
 *
 * so a model must carry a value across up to T steps. Predicting 1 always gives
 * a mean squared error of 1/6, the baseline to beat.
 *
 * x is `[n, T, 2]` (batch first), y is `[n]`, both in the default dtype.
 */
export function addingProblem({ n = 1000, length = 50, seed = 0 }: AddingProblemOptions = {}): Labelled {
  checkInt('addingProblem', 'n', n, 1);
  checkInt('addingProblem', 'length', length, 2);
  const g = new Generator(seed);
  const half = Math.floor(length / 2);
  const x = new Float64Array(n * length * 2);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const base = i * length * 2;
    for (let t = 0; t < length; t++) x[base + 2 * t] = g.random();
    const t1 = g.randint(0, half);
    const t2 = g.randint(half, length);
    x[base + 2 * t1 + 1] = 1;
    x[base + 2 * t2 + 1] = 1;
    y[i] = x[base + 2 * t1]! + x[base + 2 * t2]!;
  }
  return { x: tensor(x, { shape: [n, length, 2] }), y: tensor(y, { shape: [n] }) };
}
