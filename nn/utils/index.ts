/** `nn.utils`: weight normalization (gradient clipping lives in `optim`). */
export * from './weight-norm.ts';
