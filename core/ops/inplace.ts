/**
 * In-place ops, PyTorch's trailing-underscore methods (`x.add_(y)`): each writes
 * its result into the tensor's own storage, bumps that storage's version counter
 * and returns the tensor. The other operand broadcasts to the tensor's shape,
 * never the other way round, as in PyTorch.
 *
 * Autograd follows PyTorch. Under noGrad, or when nothing involved requires grad,
 * only the values change (that is how init and the optimizers write). A leaf that
 * requires grad cannot be written with grad on: its `.grad` would no longer
 * belong to the values it holds. On any other tensor the op is recorded: it is
 * the out-of-place op applied to a copy of the old values, which takes the
 * tensor's old place in the graph, and the tensor takes the new op as its
 * gradFn. Each in-place op therefore has the gradient of its out-of-place form;
 * there is no second formula to keep in step.
 *
 * The tensor keeps its dtype, as in PyTorch: `x.add_(y)` with a float32 x and a
 * float64 y computes in float64 (the promoted dtype) and rounds into x.
 */
import { type FloatArray, newArray } from '../dtype.ts';
import { isGradEnabled, withGradMode } from '../engine.ts';
import { fmtShape, GraphError, ShapeError, ValueError } from '../errors.ts';
import { defaultGenerator, type Generator } from '../random.ts';
import { sameShape } from '../shape.ts';
import { Tensor, type TensorLike } from '../tensor.ts';
import { checkNumber, checkOptions, checkSameDtype, checkTensor } from '../validate.ts';
import { bumpVersion } from '../versions.ts';
import { cast } from './base.ts';
import * as ew from './elementwise.ts';

/**
 * Runs `compute` (the out-of-place form, over the old values) and writes its
 * result into `self`. Everything is checked before the first write, so a call
 * that throws leaves `self` as it was.
 */
export function inplace(
  op: string,
  self: Tensor,
  others: readonly TensorLike[],
  compute: (old: Tensor) => Tensor,
): Tensor {
  const track = isGradEnabled() && (self.requiresGrad || others.some((o) => isTensor(o) && o.requiresGrad));
  if (track && self.isLeaf && self.requiresGrad) {
    throw new GraphError(
      `${op}: a leaf Variable that requires grad is being used in an in-place operation; ` +
        'wrap the update in noGrad(() => ...) or write to a clone()',
    );
  }
  const node = self.gradFn;
  if (track && node?.inputs.some((x) => x.data === self.data)) {
    // reshape/view share storage with their input; PyTorch would rewrite the base's history too.
    throw new GraphError(
      `${op}: the tensor of shape ${fmtShape(self.shape)} shares its storage with the input of ` +
        `'${node.name}' that made it, and in-place ops on such views are not recorded; call clone() first`,
    );
  }
  let result: Tensor;
  if (!track) result = withGradMode(false, () => compute(self));
  else {
    const old =
      node === null
        ? new Tensor(self.data.slice(), self.shape)
        : Tensor._fromNode(self.data.slice(), self.shape, node);
    result = compute(old);
  }
  // The destination keeps its dtype: a promoted result goes back through the (differentiable) cast.
  if (result.data.constructor !== self.data.constructor) result = cast(result, self.dtype);
  if (!sameShape(result.shape, self.shape)) {
    throw new ShapeError(
      `${op}: output with shape ${fmtShape(self.shape)} doesn't match the broadcast shape ${fmtShape(result.shape)}`,
    );
  }
  self.data.set(result.data);
  bumpVersion(self.data);
  if (track) self._rebase(result.gradFn);
  return self;
}

const isTensor = (x: TensorLike): x is Tensor => x instanceof Tensor;

/** Options of the random fills. */
export interface FillRandomOptions {
  /** Source of the draws; the seeded global generator by default. */
  generator?: Generator;
}

/** Fills with draws from U(low, high): low + (high - low) u, the formula nn.init.uniform_ uses too. */
export function uniform_(self: Tensor, low: number, high: number, opts: FillRandomOptions = {}): Tensor {
  checkNumber('uniform_', 'low', low);
  checkNumber('uniform_', 'high', high);
  checkOptions('uniform_', opts, ['generator']);
  if (!(low <= high)) throw new ValueError(`uniform_: expected low <= high, got low=${low}, high=${high}`);
  const g = opts.generator ?? defaultGenerator;
  const draws = newArray(self.dtype, self.numel());
  for (let i = 0; i < draws.length; i++) draws[i] = low + (high - low) * g.random();
  return inplace('uniform_', self, [], (x) => replaced(x, draws));
}

/** Fills with draws from N(mean, std^2): mean + std z, the formula nn.init.normal_ uses too. */
export function normal_(self: Tensor, mean: number, std: number, opts: FillRandomOptions = {}): Tensor {
  checkNumber('normal_', 'mean', mean);
  checkNumber('normal_', 'std', std, { min: 0 });
  checkOptions('normal_', opts, ['generator']);
  const g = opts.generator ?? defaultGenerator;
  const draws = newArray(self.dtype, self.numel());
  for (let i = 0; i < draws.length; i++) draws[i] = mean + std * g.normal();
  return inplace('normal_', self, [], (x) => replaced(x, draws));
}

/** Fills with one value. */
export function fill_(self: Tensor, value: number): Tensor {
  checkNumber('fill_', 'value', value, { finite: false });
  return inplace('fill_', self, [], (x) => replaced(x, newArray(x.dtype, x.numel()).fill(value)));
}

/** Copies src (broadcast to self's shape) into self; the gradient goes to src, none to the old values. */
export function copy_(self: Tensor, src: Tensor): Tensor {
  checkTensor('copy_', 'src', src);
  return inplace('copy_', self, [src], (x) => ew.where(none(x), x, src));
}

/**
 * `self += weight * (end - self)`, as `x.lerp_(end, weight)`. Unlike the
 * arithmetic in-place ops, PyTorch refuses an end or a weight tensor of
 * another dtype ("expected dtype float for `end` but got dtype double").
 */
export function lerp_(self: Tensor, end: Tensor, weight: TensorLike): Tensor {
  checkTensor('lerp_', 'end', end);
  checkSameDtype('lerp_', { input: self, end, weight: weight instanceof Tensor ? weight : null });
  return inplace('lerp_', self, [end, weight], (x) => x.add(ew.mul(ew.sub(end, x), weight)));
}

/**
 * New values that do not depend on the old ones, as where(false, old, values): the
 * old values get a zero gradient (not NaN, as 0 * old would give for an infinite one).
 */
function replaced(x: Tensor, values: FloatArray): Tensor {
  return ew.where(none(x), x, new Tensor(values, x.shape));
}

const none = (x: Tensor) => new Tensor(newArray(x.dtype, x.numel()), x.shape);
