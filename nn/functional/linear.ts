import { linear as linearOp, type Tensor } from '../../core/index.ts';

/**
 * Affine map over the last dim, as `torch.nn.functional.linear`:
 *
 *     y = x W^T + b,   x [..., in], W [out, in], b [out]  ->  y [..., out]
 *
 * The core op `linear` (core/ops/matmul.ts) computes it as one fused op (W read in
 * place as W^T, the bias as the output's starting rows), checks the shapes, and
 * is tested against the composition `x.matmul(W.t()).add(b)`.
 */
export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  return linearOp(input, weight, bias);
}
