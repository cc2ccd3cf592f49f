/**
 * The data namespace (`torch.utils.data` plus scikit-learn's scalers and a few
 * data sets): input scalers, data sets and the DataLoader, MNIST and synthetic
 * data sets, each deterministic under a seed.
 *
 * @module
 */
// Everything a browser can use, plus MNIST, which reads the `mnist` package's files from disk.
export * from './browser.ts';
export {
  MNIST_PIXELS,
  MNIST_TOTAL,
  type MnistOptions,
  type MnistSplit,
  mnist,
  mnistRows,
} from './datasets/mnist.ts';
