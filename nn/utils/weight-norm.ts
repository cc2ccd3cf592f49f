/**
 * Weight normalization (Salimans & Kingma 2016, https://arxiv.org/abs/1602.07868),
 * as `torch.nn.utils.weight_norm` / `remove_weight_norm`. A weight w is
 * reparametrized by a direction v and a magnitude g:
 *
 *     w = g · v / ‖v‖
 *
 * where ‖v‖ is the 2-norm over every dim except `dim` (so with dim = 0, each
 * output row of a Linear weight has its own g), or over the whole tensor when dim
 * is null. The parameter `weight` is replaced by `weight_g` (initialized to ‖w‖,
 * so the function is unchanged) and `weight_v` (initialized to w), PyTorch's
 * state-dict keys, and w is recomputed from them by a forward pre-hook before
 * every forward, so gradients reach g and v. Unlike BatchNorm it uses no batch
 * statistics at all: it decouples a weight's length from its direction.
 */
import {
  div,
  fmtShape,
  mul,
  noGrad,
  type RemovableHandle,
  sqrt,
  sum,
  type Tensor,
  ValueError,
} from '../../core/index.ts';
import type { Module } from '../module.ts';

interface Applied {
  /** The module's own property that its forward reads the weight from. */
  property: string;
  g: Tensor;
  v: Tensor;
  /** The dim that keeps its own magnitude; null for one magnitude for the whole tensor. */
  dim: number | null;
  hook: RemovableHandle;
}

/** Module -> parameter name -> its weight normalization. */
const applied = new WeakMap<Module, Map<string, Applied>>();

/**
 * ‖v‖ over every dim except `dim`, kept as size-1 dims so it broadcasts against v
 * (PyTorch's `norm_except_dim`); a 0-d norm of the whole tensor when dim is null.
 */
function normExceptDim(v: Tensor, dim: number | null): Tensor {
  const squares = mul(v, v);
  if (dim === null) return sqrt(sum(squares));
  const others = v.shape.map((_, i) => i).filter((i) => i !== dim);
  return sqrt(others.length === 0 ? squares : sum(squares, others, true));
}

/** w = g · v / ‖v‖, PyTorch's `_weight_norm`. */
function computeWeight(a: Applied): Tensor {
  return mul(a.v, div(a.g, normExceptDim(a.v, a.dim)));
}

/** The own property of `module` holding `t` (`weight`, `weightHh`), which its forward reads. */
function propertyHolding(module: Module, t: Tensor): string | undefined {
  return Object.keys(module).find((k) => (module as unknown as Record<string, unknown>)[k] === t);
}

function setProperty(module: Module, property: string, value: Tensor): void {
  (module as unknown as Record<string, unknown>)[property] = value;
}

/**
 * Applies weight normalization to the parameter `name` of `module` (in place; the
 * module is returned). `dim` is the dim that keeps its own magnitude (0: one per
 * output unit, PyTorch's default); null, or -1 as in PyTorch, for a single
 * magnitude for the whole tensor. Build the optimizer afterwards: its parameters
 * are now `weight_g` and `weight_v`.
 */
export function weightNorm<M extends Module>(module: M, name = 'weight', dim: number | null = 0): M {
  const mine = applied.get(module) ?? new Map<string, Applied>();
  if (mine.has(name)) {
    throw new ValueError(
      `weightNorm: '${name}' of ${module.name} is already weight-normalized (${name}_g, ${name}_v); call removeWeightNorm first`,
    );
  }
  const weight = new Map(module.namedParameters('', false)).get(name);
  if (weight === undefined) {
    throw new ValueError(`weightNorm: ${module.name} has no parameter named '${name}'`);
  }
  const nd = weight.ndim;
  if (dim !== null && (!Number.isInteger(dim) || dim < -nd || dim >= Math.max(nd, 1))) {
    throw new ValueError(
      `weightNorm: dim must be null or an integer in [${-nd}, ${nd - 1}] for '${name}' of shape ${fmtShape(weight.shape)}, got ${dim}`,
    );
  }
  const property = propertyHolding(module, weight);
  if (property === undefined) {
    throw new ValueError(
      `weightNorm: ${module.name} keeps '${name}' in no property of its own, so its forward could not see the recomputed weight`,
    );
  }
  // PyTorch's quirk, kept: dim = -1 means the whole tensor, not the last dim.
  const d = dim === null || dim === -1 ? null : dim < 0 ? dim + nd : dim;
  const v = weight.detach(); // shares the weight's values, as Parameter(weight.data) does
  const g = noGrad(() => normExceptDim(v, d)).detach();
  module.deleteParameter(name);
  module.registerParameter(`${name}_g`, g);
  module.registerParameter(`${name}_v`, v);
  const a: Applied = { property, g, v, dim: d, hook: { remove: () => {} } };
  a.hook = module.registerForwardPreHook(() => {
    setProperty(module, property, computeWeight(a));
    return undefined;
  });
  setProperty(module, property, computeWeight(a));
  mine.set(name, a);
  applied.set(module, mine);
  return module;
}

/**
 * Undoes `weightNorm`: `name` becomes an ordinary parameter again, holding the
 * current g · v / ‖v‖, and `weight_g` / `weight_v` are removed.
 */
export function removeWeightNorm<M extends Module>(module: M, name = 'weight'): M {
  const a = applied.get(module)?.get(name);
  if (a === undefined) {
    throw new ValueError(`removeWeightNorm: weight_norm of '${name}' not found in ${module.name}`);
  }
  const weight = noGrad(() => computeWeight(a)).detach();
  a.hook.remove();
  module.deleteParameter(`${name}_g`);
  module.deleteParameter(`${name}_v`);
  setProperty(module, a.property, module.registerParameter(name, weight));
  applied.get(module)!.delete(name);
  return module;
}
