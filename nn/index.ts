/**
 * The nn namespace: the Module base, layers, losses, `functional` (alias `F`),
 * `init`, `utils` (weight normalization), and safetensors I/O.
 *
 * @module
 */
export * from './activation.ts';
export * from './batchnorm.ts';
export * from './container.ts';
export * from './conv.ts';
export * from './dropout.ts';
export * from './flatten.ts';
export * as functional from './functional/index.ts';
export * as F from './functional/index.ts';
export * from './groupnorm.ts';
export * as init from './init.ts';
export * from './instancenorm.ts';
export * from './layernorm.ts';
export * from './linear.ts';
export * from './loss.ts';
export * from './module.ts';
export * from './pooling.ts';
export * from './rmsnorm.ts';
export * from './rnn.ts';
export * from './rnn-cells.ts';
export * as safetensors from './safetensors.ts';
export * as utils from './utils/index.ts';
