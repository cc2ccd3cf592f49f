import {
  checkOptionalTensor,
  checkTensor,
  fmtShape,
  isAnomalyEnabled,
  ShapeError,
  type Tensor,
} from '../../core/index.ts';
import { linear as fusedLinear } from '../../core/ops/matmul.ts';

/**
 * Affine map over the last dim, as `torch.nn.functional.linear`:
 *
 *     y = x W^T + b,   x [..., in], W [out, in], b [out]  ->  y [..., out]
 *
 * Composed of matmul, transpose and a broadcast add, so its gradients
 * (dx = g W, dW = g^T x summed over batch dims, db = g summed) come for free.
 * For speed the same product runs as one fused op (core/ops/matmul.ts `linear`:
 * W read in place as W^T, the bias as the output's starting rows); anomaly mode
 * keeps the composition, so an error names matmul or add.
 */
export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  checkTensor('linear', 'input', input);
  checkTensor('linear', 'weight', weight);
  checkOptionalTensor('linear', 'bias', bias);
  if (weight.ndim !== 2) {
    throw new ShapeError(`linear: weight must be 2-D [out, in], got shape ${fmtShape(weight.shape)}`);
  }
  const [out, inFeatures] = weight.shape as [number, number];
  if (input.ndim === 0 || input.shape[input.ndim - 1] !== inFeatures) {
    throw new ShapeError(
      `linear: input of shape ${fmtShape(input.shape)} must have ${inFeatures} features in its last dim ` +
        `to match weight of shape ${fmtShape(weight.shape)}`,
    );
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== out)) {
    throw new ShapeError(
      `linear: bias must have shape [${out}] to match weight, got ${fmtShape(bias.shape)}`,
    );
  }
  if (!isAnomalyEnabled()) return fusedLinear(input, weight, bias);
  const y = input.matmul(weight.t());
  return bias === null ? y : y.add(bias);
}
