/**
 * Every experiment `npm start` runs, in report order. One import per line;
 * add yours with one line here and one in the list.
 */
import { biasRedundancy } from './bias-redundancy.ts';
import { covariateShift } from './covariate-shift.ts';
import { inputNormalization } from './input-normalization.ts';
import type { Experiment } from './lib/experiment.ts';

// biome-ignore format: one experiment per line, so additions never touch each other's lines
export const experiments: Experiment[] = [
  inputNormalization,
  covariateShift,
  biasRedundancy,
];
