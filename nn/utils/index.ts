/**
 * `nn.utils`: weight normalization (gradient clipping lives in `optim`).
 *
 * @module
 */
export * from './weight-norm.ts';
