/**
 * The error family. Every error thrown by normgrad is one of these, so callers
 * can catch by kind, and every message names the op or module, the argument,
 * and the shapes or values involved.
 */
export class NormgradError extends Error {
  /** The class name, printed before the message (`ShapeError: ...`). */
  override name = 'NormgradError';
}

/** Shapes that do not fit: broadcasting, matmul alignment, reshape counts, module input ranks. */
export class ShapeError extends NormgradError {
  /** The class name, printed before the message (`ShapeError: ...`). */
  override name = 'ShapeError';
}

/** An argument whose value is out of range or of the wrong kind: dims, options, labels, hyperparameters. */
export class ValueError extends NormgradError {
  /** The class name, printed before the message (`ShapeError: ...`). */
  override name = 'ValueError';
}

/** Misuse of the autograd graph: backward twice, backward on a non-scalar, on a tensor without grad. */
export class GraphError extends NormgradError {
  /** The class name, printed before the message (`ShapeError: ...`). */
  override name = 'GraphError';
}

/** A state dict that does not fit a module or optimizer: missing, unexpected or mis-shaped keys. */
export class StateDictError extends NormgradError {
  /** The class name, printed before the message (`ShapeError: ...`). */
  override name = 'StateDictError';
}

/** Tensors of different dtypes where an op needs one (matmul, linear, conv), or a float32 input to gradcheck. */
export class DTypeError extends NormgradError {
  /** The class name, printed before the message (`ShapeError: ...`). */
  override name = 'DTypeError';
}

/** A NaN or Infinity caught while anomaly detection is on. */
export class AnomalyError extends NormgradError {
  /** The class name, printed before the message (`ShapeError: ...`). */
  override name = 'AnomalyError';
}

/** Formats a shape as PyTorch prints it in messages: `[2, 3]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** A gradient check that failed, thrown by gradcheck with `raiseException: true`. */
export class GradcheckError extends NormgradError {
  /** The class name, printed before the message (`ShapeError: ...`). */
  override name = 'GradcheckError';
}
