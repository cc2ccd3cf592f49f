/**
 * matmul with PyTorch's rules: 1-D operands are promoted (a vector on the left
 * becomes a row, on the right a column, and the added dim is removed after);
 * leading batch dims broadcast. The primitive is a batched product
 * [B, m, k] @ [B, k, n].  dA = g @ B^T, dB = A^T @ g.
 */
import { fromOp } from '../engine.ts';
import { fmtShape, ShapeError } from '../errors.ts';
import * as K from '../kernels/matmul.ts';
import { broadcastShapes, numelOf } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { expand, reshape, squeeze, transpose, unsqueeze } from './movement.ts';

/** bmm: [B, m, k] @ [B, k, n] -> [B, m, n]. */
function bmm(a: Tensor, b: Tensor): Tensor {
  const [batch, m, k] = a.shape as [number, number, number];
  const n = b.shape[2]!;
  return fromOp('matmul', K.bmm(a.data, b.data, batch, m, k, n), [batch, m, n], [a, b], (g, needs) => [
    needs[0] ? bmm(g, transpose(b, 1, 2)) : null,
    needs[1] ? bmm(transpose(a, 1, 2), g) : null,
  ]);
}

export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(
      `matmul: both arguments need at least 1 dimension, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
    );
  }
  const x = a.ndim === 1 ? unsqueeze(a, 0) : a;
  const y = b.ndim === 1 ? unsqueeze(b, 1) : b;
  const m = x.shape[x.ndim - 2]!;
  const k = x.shape[x.ndim - 1]!;
  const k2 = y.shape[y.ndim - 2]!;
  const n = y.shape[y.ndim - 1]!;
  if (k !== k2) {
    throw new ShapeError(
      `matmul: cannot multiply ${fmtShape(a.shape)} by ${fmtShape(b.shape)}: ${k} != ${k2}`,
    );
  }
  const batchShape = broadcastShapes('matmul', x.shape.slice(0, -2), y.shape.slice(0, -2));
  const batch = numelOf(batchShape);
  const xb = reshape(expand(x, [...batchShape, m, k]), [batch, m, k]);
  const yb = reshape(expand(y, [...batchShape, k, n]), [batch, k, n]);
  let out = reshape(bmm(xb, yb), [...batchShape, m, n]);
  if (a.ndim === 1) out = squeeze(out, -2);
  if (b.ndim === 1) out = squeeze(out, -1);
  return out;
}
