/**
 * Every experiment `npm start` runs, in report order. One import per line;
 * add yours with one line here and one in the list.
 */
import { batchSize } from './batch-size.ts';
import { biasRedundancy } from './bias-redundancy.ts';
import { bnRegularization } from './bn-regularization.ts';
import { bnSensitivity } from './bn-sensitivity.ts';
import { bnTrainingSpeed } from './bn-training-speed.ts';
import { cnnBatchSize } from './cnn-batch-size.ts';
import { cnnNorm } from './cnn-norm.ts';
import { covariateShift } from './covariate-shift.ts';
import { inputNormalization } from './input-normalization.ts';
import { layernormRnn } from './layernorm-rnn.ts';
import type { Experiment } from './lib/experiment.ts';
import { normFamily } from './norm-family.ts';
import { normSpeed } from './norm-speed.ts';
import { saturatingActivations } from './saturating-activations.ts';

// biome-ignore format: one experiment per line, so additions never touch each other's lines
export const experiments: Experiment[] = [
  inputNormalization,
  covariateShift,
  biasRedundancy,
  bnTrainingSpeed,
  bnSensitivity,
  saturatingActivations,
  bnRegularization,
  batchSize,
  layernormRnn,
  normSpeed,
  cnnNorm,
  cnnBatchSize,
  normFamily,
];
