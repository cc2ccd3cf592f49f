/**
 * normgrad: a from-scratch autograd framework with PyTorch's semantics, built to
 * make normalization in deep learning something you can run, measure and see.
 */
export * from './core/index.ts';
export * as data from './data/index.ts';
export * as nn from './nn/index.ts';
export * as onnx from './onnx/index.ts';
export * as optim from './optim/index.ts';
