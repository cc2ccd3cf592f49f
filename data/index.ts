/**
 * The data namespace (`torch.utils.data` plus scikit-learn's scalers and a few
 * data sets): input scalers, data sets and the DataLoader, MNIST and synthetic
 * data sets, each deterministic under a seed.
 *
 * @module
 */
export { DataLoader, type DataLoaderOptions } from './dataloader.ts';
export { collate, type Dataset, TensorDataset } from './dataset.ts';
export { type AddingProblemOptions, addingProblem } from './datasets/adding.ts';
export {
  MNIST_PIXELS,
  MNIST_TOTAL,
  type MnistOptions,
  type MnistSplit,
  mnist,
  mnistRows,
} from './datasets/mnist.ts';
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
