/**
 * Each PyTorch fixture op (tests/fixtures/make_fixtures.py, make_float32.py) mapped onto normgrad's call.
 * One table, so the float64 and float32 fixtures test the same call for the same op name.
 */
import type { Tensor } from '../../core/index.ts';
import * as ng from '../../core/index.ts';

/** A fixture case's keyword arguments, read loosely (each call knows its own). */
export type Args = Record<string, never>;
/** Runs one op on the case's inputs; returns the output to differentiate (and extra outputs). */
export type OpCall = (xs: Tensor[], a: Args) => Tensor | [Tensor, Tensor];

const dims = (a: Args): number[] | undefined => (a.dim === null ? undefined : a.dim);

/** The ops both fixture files share. */
export const OP_CALLS: Record<string, OpCall> = {
  add: ([x, y]) => x!.add(y!),
  sub: ([x, y]) => x!.sub(y!),
  mul: ([x, y]) => x!.mul(y!),
  div: ([x, y]) => x!.div(y!),
  pow: ([x, y]) => x!.pow(y!),
  pow_scalar: ([x], a) => x!.pow(a.exponent),
  pow_base: ([e], a) => ng.pow(a.base, e!),
  exp: ([x]) => x!.exp(),
  log: ([x]) => x!.log(),
  sqrt: ([x]) => x!.sqrt(),
  rsqrt: ([x]) => x!.rsqrt(),
  neg: ([x]) => x!.neg(),
  abs: ([x]) => x!.abs(),
  sigmoid: ([x]) => x!.sigmoid(),
  tanh: ([x]) => x!.tanh(),
  relu: ([x]) => x!.relu(),
  leaky_relu: ([x], a) => x!.leakyRelu(a.negative_slope),
  clamp: ([x], a) => x!.clamp(a.min, a.max),
  maximum: ([x, y]) => x!.maximum(y!),
  minimum: ([x, y]) => x!.minimum(y!),
  where: ([c, x, y]) => ng.where(c!, x!, y!),
  where_sqrt: ([x]) => ng.where(x!.gt(0), x!.sqrt(), x!.mul(0)),
  sum: ([x], a) => x!.sum(dims(a), a.keepdim),
  mean: ([x], a) => x!.mean(dims(a), a.keepdim),
  var: ([x], a) => x!.var(dims(a), { correction: a.correction, keepdim: a.keepdim }),
  std: ([x], a) => x!.std(dims(a), { correction: a.correction, keepdim: a.keepdim }),
  max_dim: ([x], a) => {
    const r = x!.max(a.dim, a.keepdim);
    return [r.values, r.indices];
  },
  min_dim: ([x], a) => {
    const r = x!.min(a.dim, a.keepdim);
    return [r.values, r.indices];
  },
  amax: ([x], a) => x!.amax(dims(a), a.keepdim),
  amin: ([x], a) => x!.amin(dims(a), a.keepdim),
  max_all: ([x]) => x!.max(),
  min_all: ([x]) => x!.min(),
  logsumexp: ([x], a) => x!.logsumexp(a.dim, a.keepdim),
  softmax: ([x], a) => x!.softmax(a.dim),
  log_softmax: ([x], a) => x!.logSoftmax(a.dim),
  matmul: ([x, y]) => x!.matmul(y!),
  gather: ([x, i], a) => x!.gather(a.dim, i!),
  index_select: ([x, i], a) => x!.indexSelect(a.dim, i!),
  cat: (xs, a) => ng.cat(xs, a.dim),
  stack: (xs, a) => ng.stack(xs, a.dim),
  narrow: ([x], a) => x!.narrow(a.dim, a.start, a.length),
  permute: ([x], a) => x!.permute(a.dims),
  transpose: ([x], a) => x!.transpose(a.dim0, a.dim1),
  reshape: ([x], a) => x!.reshape(a.shape),
  expand: ([x], a) => x!.expand(a.sizes),
};
