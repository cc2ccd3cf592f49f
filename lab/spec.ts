/**
 * What the lab measures and how finely, apart from the engine so the page can
 * draw with the same constants without bundling the library a second time.
 */
import type { Activation } from './config.ts';

/** Steps between two measurements (and the first is at step 0). */
export const MEASURE_EVERY = 10;
/** Boundary grid resolution per side. */
export const GRID = 40;
/** Histogram bins per hidden layer. */
export const BINS = 24;
/** Held-out points on which Figure 1's percentiles and the histograms are measured. */
export const PROBE = 200;
export const PERCENTILES = [0.15, 0.5, 0.85] as const;

/** Range of each activation's output the histograms span (ReLU's upper bin also holds everything above 3). */
export const HIST_RANGE: Record<Activation, [number, number]> = {
  sigmoid: [0, 1],
  tanh: [-1, 1],
  relu: [0, 3],
};

/**
 * Saturated: the activation's derivative is below a tenth of its peak, where a
 * gradient passing through is cut tenfold: σ(1 − σ) < 0.025, 1 − tanh² < 0.1; for
 * ReLU, an output of 0 (no gradient at all).
 */
export const SATURATED: Record<Activation, (a: number) => boolean> = {
  sigmoid: (a) => a * (1 - a) < 0.025,
  tanh: (a) => 1 - a * a < 0.1,
  relu: (a) => a <= 0,
};
