/**
 * Every experiment `npm start` runs, in report order. One import per line;
 * add yours with one line here and one in the list.
 */
import { inputNormalization } from './input-normalization.ts';
import type { Experiment } from './lib/experiment.ts';

export const experiments: Experiment[] = [inputNormalization];
