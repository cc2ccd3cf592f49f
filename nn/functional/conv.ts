/**
 * Convolution, pooling and padding as `torch.nn.functional` names them. The ops
 * live in core (core/ops/conv.ts, pool.ts, padding.ts), where they check their
 * arguments; this file gives them their functional home.
 */
export {
  adaptiveAvgPool2d,
  avgPool2d,
  conv1d,
  conv2d,
  fold,
  maxPool2d,
  maxPool2dWithIndices,
  pad,
  unfold,
} from '../../core/index.ts';
