/**
 * `nn.functional` (also `nn.F`): the stateless forms the modules delegate to.
 *
 * @module
 */
export * from './activation.ts';
export * from './conv.ts';
export * from './dropout.ts';
export * from './group-norm.ts';
export * from './linear.ts';
export * from './loss.ts';
export * from './normalization.ts';
export * from './recurrent.ts';
export * from './rms-norm.ts';
