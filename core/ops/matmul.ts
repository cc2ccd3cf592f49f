/**
 * matmul with PyTorch's rules: 1-D operands are promoted (a vector on the left
 * becomes a row, on the right a column, and the added dim is removed after);
 * leading batch dims broadcast.
 *
 * Everything runs on one primitive, `mm`: op(a) @ op(b), where op is the
 * identity or a transpose of the last two dims, read in place by the kernel's
 * strides. Its backward is `mm` again with other flags, so gradients of any
 * order never copy a transpose:
 *
 *     C = op(A) op(B)   =>   dA = ta ? op(B) g^T : g op(B)^T,   dB = tb ? g^T op(A) : op(A)^T g
 *
 * Operands may carry a batch dim that is broadcast (size 1 or absent) and the
 * result may sum over the batch (a 2-D weight's gradient from a batched input),
 * so `[B, m, k] @ [k, n]` and its gradients need neither an expanded copy of
 * the weight nor a separate reduction.
 */
import { fromOp } from '../engine.ts';
import { fmtShape, ShapeError } from '../errors.ts';
import { freshGrad } from '../grad-buffers.ts';
import { alloc, allocZeroed } from '../kernels/alloc.ts';
import { gemmBatched, operand } from '../kernels/matmul.ts';
import { broadcastShapes, numelOf, sameShape } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { checkOptionalTensor, checkSameDtype, checkTensor } from '../validate.ts';
import { expand, reshape, sum } from './base.ts';
import { add } from './elementwise.ts';
import { squeeze, transpose, unsqueeze } from './movement.ts';

/**
 * mm: out[t] (+)= op(a[t]) @ op(b[t]) for t over the batch, where a and b are
 * [rows, cols] (broadcast over the batch) or [batch, rows, cols], and `outBatch`
 * is null for a 2-D result summed over the batch, or the batch size for a 3-D one.
 */
export function mm(a: Tensor, b: Tensor, ta: boolean, tb: boolean, outBatch: number | null): Tensor {
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const [m, k] = ta ? [ac, ar] : [ar, ac];
  const n = tb ? br : bc;
  const aBatch = a.ndim === 3 ? a.shape[0]! : 1;
  const bBatch = b.ndim === 3 ? b.shape[0]! : 1;
  const batch = Math.max(aBatch, bBatch, outBatch ?? 1);
  const out = allocZeroed((outBatch ?? 1) * m * n, a.dtype); // the kernel adds into it
  gemmBatched(
    batch,
    m,
    n,
    k,
    operand(a.data, 0, ac, ta),
    aBatch > 1 ? ar * ac : 0,
    operand(b.data, 0, bc, tb),
    bBatch > 1 ? br * bc : 0,
    out,
    outBatch !== null && outBatch > 1 ? m * n : 0,
    true, // out is fresh zeros: the kernel need not read it
  );
  const shape = outBatch === null ? [m, n] : [outBatch, m, n];
  const batchOf = (t: Tensor) => (t.ndim === 3 ? t.shape[0]! : null);
  return fromOp('matmul', out, shape, [a, b], (g, needs) => [
    needs[0] ? freshGrad(ta ? mm(b, g, tb, true, batchOf(a)) : mm(g, b, false, !tb, batchOf(a))) : null,
    needs[1] ? freshGrad(tb ? mm(g, a, true, ta, batchOf(b)) : mm(a, g, !ta, false, batchOf(b))) : null,
  ]);
}

/**
 * Matrix product with PyTorch's rules: 1-d operands are promoted and the added dim removed, batch dims
 * broadcast, as `torch.matmul`. Backward: dA = dC Bᵀ, dB = Aᵀ dC.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor('matmul', 'input', a);
  checkTensor('matmul', 'other', b);
  checkSameDtype('matmul', { input: a, other: b });
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
  let out: Tensor;
  if (y.ndim === 2) {
    // A matrix on the right: x's leading dims are just more rows ([..., m, k] is [M, k] in memory).
    const rows = x.ndim === 2 ? x : reshape(x, [numelOf(x.shape.slice(0, -1)), k]);
    out = mm(rows, y, false, false, null);
    if (x.ndim !== 2) out = reshape(out, [...x.shape.slice(0, -1), n]);
  } else {
    const batchShape = broadcastShapes(
      `matmul: batch dims of ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
      x.shape.slice(0, -2),
      y.shape.slice(0, -2),
    );
    const batch = numelOf(batchShape);
    // A 2-D operand broadcasts through a batch stride of 0; a batched one with other batch dims is expanded.
    const batched = (t: Tensor, r: number, c: number) => {
      if (t.ndim === 2) return t;
      const full = sameShape(t.shape.slice(0, -2), batchShape) ? t : expand(t, [...batchShape, r, c]);
      return reshape(full, [batch, r, c]);
    };
    out = reshape(mm(batched(x, m, k), batched(y, k, n), false, false, batch), [...batchShape, m, n]);
  }
  if (a.ndim === 1) out = squeeze(out, -2);
  if (b.ndim === 1) out = squeeze(out, -1);
  return out;
}

/**
 * linear: y = x W^T + b over the last dim, as `F.linear`; x [..., in], W [out, in],
 * b [out] or null. One op: the kernel reads W's rows as the columns of W^T (no
 * transposed copy), and the output starts as the bias rows (no broadcast copy).
 *
 *     dx = g W,   dW = g^T x (summed over all leading dims),   db = sum of g over rows
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  checkTensor('linear', 'input', x);
  checkTensor('linear', 'weight', weight);
  checkOptionalTensor('linear', 'bias', bias);
  checkSameDtype('linear', { input: x, weight, bias });
  if (weight.ndim !== 2) {
    throw new ShapeError(`linear: weight must be 2-D [out, in], got shape ${fmtShape(weight.shape)}`);
  }
  const [outF, inF] = weight.shape as [number, number];
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inF) {
    throw new ShapeError(
      `linear: input of shape ${fmtShape(x.shape)} must have ${inF} features in its last dim ` +
        `to match weight of shape ${fmtShape(weight.shape)}`,
    );
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== outF)) {
    throw new ShapeError(
      `linear: bias must have shape [${outF}] to match weight, got ${fmtShape(bias.shape)}`,
    );
  }
  const rows = x.ndim === 2 ? x : reshape(x, [numelOf(x.shape.slice(0, -1)), inF]);
  const y = bias === null ? mm(rows, weight, false, true, null) : addmm(bias, rows, weight);
  return x.ndim === 2 ? y : reshape(y, [...x.shape.slice(0, -1), outF]);
}

/** addmm: bias + x W^T for 2-D x, the bias copied into each output row before the product accumulates. */
function addmm(bias: Tensor, x: Tensor, weight: Tensor): Tensor {
  const [rows, inF] = x.shape as [number, number];
  const outF = weight.shape[0]!;
  const out = alloc(rows * outF, x.dtype);
  for (let r = 0; r < rows; r++) out.set(bias.data, r * outF); // every row starts as the bias
  gemmBatched(
    1,
    rows,
    outF,
    inF,
    operand(x.data, 0, inF, false),
    0,
    operand(weight.data, 0, inF, true),
    0,
    out,
    0,
  );
  return fromOp('linear', out, [rows, outF], [bias, x, weight], (g, needs) => [
    needs[0] ? freshGrad(sum(g, 0)) : null,
    needs[1] ? freshGrad(mm(g, weight, false, false, null)) : null,
    needs[2] ? freshGrad(mm(g, x, true, false, null)) : null,
  ]);
}

/** linear from primitives, the definition the fused `linear` is tested against: x @ W^T + b. */
export function linearComposed(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const y = matmul(x, transpose(weight, 0, 1));
  return bias === null ? y : add(y, bias);
}
