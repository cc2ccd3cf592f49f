/**
 * The autograd engine: grad mode, the graph record each op leaves on its output,
 * and reverse-mode differentiation over that record. Ordering is iterative (an
 * unrolled RNN or a 100,000-op chain is a deep graph), gradients accumulate with
 * addition (a value used twice gets both contributions), every gradient's shape is
 * checked against its input's and the op is named when it differs, and the graph
 * is released after backward unless `retainGraph` is set.
 *
 * Beside it, behind small interfaces: versions.ts (the in-place version counters
 * checked before each node's backward), anomaly.ts (anomaly detection and the
 * module scopes it reports) and grad-buffers.ts (pending gradients and their
 * buffers).
 */
import { checkForwardOutput, checkGradient, currentScope, enterBackward, leaveBackward } from './anomaly.ts';
import { type FloatArray, newArray } from './dtype.ts';
import { fmtShape, GraphError, ShapeError } from './errors.ts';
import { PendingGrads } from './grad-buffers.ts';
import { type Shape, sameShape } from './shape.ts';
import { Tensor } from './tensor.ts';
import { checkVersions, versionOf, writeCount } from './versions.ts';

/**
 * One recorded op: its name, its inputs, and a closure that maps the gradient of
 * the output to the gradients of the inputs. `needs[i]` says whether input i wants
 * a gradient, so a backward can skip work. Written in tensor ops, so with
 * `createGraph` the backward pass is itself recorded (higher derivatives).
 */
export type BackwardFn = (grad: Tensor, needs: readonly boolean[]) => readonly (Tensor | null)[];

/**
 * A recorded op in the autograd graph: what `tensor.gradFn` returns (PyTorch's `grad_fn`), named after the op
 * (`<MulBackward>` prints as `<mul>`).
 */
export class Node {
  /** The module path that was running when the op was recorded (for anomaly messages). */
  readonly scope: string;
  /** The storage versions of the inputs when the op was recorded; null while every one was 0. */
  readonly inputVersions: readonly number[] | null;
  /** The count of in-place writes anywhere when the op was recorded: unchanged at backward, nothing is stale. */
  readonly writesAtRecord: number;
  /** The output's storage and its version, for ops whose backward reads their own result (see savesOutput). */
  output: {
    /** The output's storage. */
    data: FloatArray;
    /** The output's shape, for the error message. */
    shape: readonly number[];
    /** The storage's version when the op ran. */
    version: number;
  } | null = null;
  constructor(
    /** The op that produced the tensor (`'mul'`, `'matmul'`). */
    readonly name: string,
    /** The op's tensor inputs, in order (the graph's edges). */
    public inputs: readonly Tensor[],
    /**
     * Maps the output's gradient to one gradient per input; null once the graph is released after backward.
     */
    public backward: BackwardFn | null,
  ) {
    this.scope = currentScope();
    let versions: number[] | null = null;
    for (let i = 0; i < inputs.length; i++) {
      const v = versionOf(inputs[i]!.data);
      if (v === 0) continue;
      versions ??= new Array<number>(inputs.length).fill(0);
      versions[i] = v;
    }
    this.inputVersions = versions;
    this.writesAtRecord = writeCount();
  }
  /**
   * Whether backward already freed this node's saved tensors (a second backward then needs `retainGraph`).
   */
  get released(): boolean {
    return this.backward === null;
  }
  /** `<name>`, as PyTorch prints a grad_fn. */
  toString(): string {
    return `<${this.name}>`;
  }
}

// ---------------------------------------------------------------- grad mode

let gradEnabled = true;

/** Whether ops are being recorded (false inside `noGrad`), as `torch.is_grad_enabled`. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Sets grad mode for the duration of fn, restoring it afterwards even if fn throws. */
export function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Runs fn without recording a graph, as `with torch.no_grad()`. */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs fn with graph recording on, even inside noGrad, as `with torch.enable_grad()`. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

// ---------------------------------------------------------------- recording

/**
 * Wraps an op's result. When grad mode is on and an input requires grad, the
 * result remembers the op, its inputs and its backward; otherwise it is a plain
 * tensor and nothing is kept alive.
 */
export function fromOp(
  name: string,
  data: FloatArray,
  shape: Shape,
  inputs: readonly Tensor[],
  backward: BackwardFn,
): Tensor {
  checkForwardOutput(name, data, shape);
  let track = false;
  if (gradEnabled) for (const t of inputs) if (t.requiresGrad) track = true;
  if (!track) return new Tensor(data, shape);
  return Tensor._fromNode(data, shape, new Node(name, inputs, backward));
}

// ---------------------------------------------------------------- backward

/** Options of `backward` / `tensor.backward()`, as PyTorch's keywords. */
export interface BackwardOptions {
  /**
   * Keep the graph's saved tensors so backward can run through it again (`retain_graph`); false by default.
   */
  retainGraph?: boolean;
  /**
   * Record the backward pass itself, so gradients can be differentiated again (`create_graph`); false by
   * default.
   */
  createGraph?: boolean;
}

/** Post-order of every tensor reachable from roots that requires grad; iterative, so any depth works. */
function topoOrder(roots: readonly Tensor[]): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: Tensor[] = [];
  const next: number[] = [];
  for (const r of roots) {
    stack.push(r);
    next.push(0);
    while (stack.length > 0) {
      const top = stack.length - 1;
      const t = stack[top]!;
      if (next[top] === 0) {
        if (visited.has(t)) {
          stack.pop();
          next.pop();
          continue;
        }
        visited.add(t);
        if (t.gradFn?.released) {
          throw new GraphError(
            `backward: trying to backward through the graph a second time (op '${t.gradFn.name}' has ` +
              'already freed its saved values); pass { retainGraph: true } to the first backward or grad call',
          );
        }
      }
      const inputs = t.gradFn?.inputs ?? [];
      const i = next[top]!;
      if (i < inputs.length) {
        next[top] = i + 1;
        const c = inputs[i]!;
        if (c.requiresGrad && !visited.has(c)) {
          stack.push(c);
          next.push(0);
        }
      } else {
        stack.pop();
        next.pop();
        order.push(t);
      }
    }
  }
  return order;
}

function checkRoot(fn: string, root: Tensor, grad: Tensor | null | undefined): Tensor {
  if (!root.requiresGrad) {
    throw new GraphError(
      `${fn}: the output of shape ${fmtShape(root.shape)} does not require grad and has no gradFn ` +
        '(no input was created with requiresGrad: true, or it was computed under noGrad)',
    );
  }
  if (grad === undefined || grad === null) {
    if (root.numel() !== 1) {
      throw new GraphError(
        `${fn}: grad can be implicitly created only for scalar outputs; got an output of shape ${fmtShape(root.shape)}`,
      );
    }
    return new Tensor(newArray(root.dtype, 1).fill(1), root.shape);
  }
  if (!sameShape(grad.shape, root.shape)) {
    throw new ShapeError(
      `${fn}: mismatch in shape: grad of shape ${fmtShape(grad.shape)} given for an output of shape ${fmtShape(root.shape)}`,
    );
  }
  // As PyTorch's engine: a gradient in another dtype is converted to the output's.
  return grad.data.constructor === root.data.constructor ? grad : grad.to(root.dtype);
}

/**
 * The shared pass behind `Tensor.backward` and `grad`. With `capture` it returns the
 * gradients of those tensors and leaves every `.grad` alone; without it, it
 * accumulates into the `.grad` of leaves (and of tensors that called retainGrad).
 */
function run(
  roots: readonly Tensor[],
  rootGrads: readonly Tensor[],
  opts: BackwardOptions,
  capture: ReadonlySet<Tensor> | null,
): Map<Tensor, Tensor> {
  const createGraph = opts.createGraph ?? false;
  const retainGraph = opts.retainGraph ?? createGraph;
  const order = topoOrder(roots);
  const pending = new PendingGrads(createGraph);
  const captured = new Map<Tensor, Tensor>();
  withGradMode(createGraph, () => {
    for (const [i, r] of roots.entries()) pending.add(r, rootGrads[i]!);
    for (let k = order.length - 1; k >= 0; k--) {
      const t = order[k]!;
      const taken = pending.take(t);
      if (taken === undefined) continue;
      // A leaf may keep a buffer of the pass's own as .grad without a copy, unless a hook saw it.
      const ours = taken.ours && !t._hasHooks;
      const g = t._runHooks(taken.grad);
      let kept = false;
      if (capture !== null) {
        if (capture.has(t)) {
          captured.set(t, g);
          kept = true;
        }
      } else if (t.isLeaf || t.retainsGrad) {
        t._accumulateGrad(g, createGraph, ours);
        kept = true;
      }
      const node = t.gradFn;
      if (node === null || node.backward === null) continue;
      checkVersions(node);
      const inGrads = backwardOf(node, g);
      pending.settle(node.inputs, inGrads, g, ours && !kept);
    }
  });
  if (!retainGraph) {
    for (const t of order) {
      const node = t.gradFn;
      if (node !== null) {
        node.backward = null;
        node.inputs = [];
        node.output = null;
      }
    }
  }
  return captured;
}

/**
 * Runs a node's backward on g and checks what it returns: every gradient has its
 * input's shape (the op is named when not) and its input's dtype (converted when
 * not, as PyTorch's engine does, so a float32 input of a mixed op gets a float32
 * gradient), and under anomaly detection is finite.
 */
function backwardOf(node: Node, g: Tensor): readonly (Tensor | null)[] {
  const outer = enterBackward();
  let inGrads: readonly (Tensor | null)[];
  try {
    inGrads = node.backward!(g, needsOf(node.inputs));
  } finally {
    leaveBackward(outer);
  }
  let converted: (Tensor | null)[] | null = null;
  for (let i = 0; i < node.inputs.length; i++) {
    const x = node.inputs[i]!;
    let gi = inGrads[i];
    if (!x.requiresGrad || gi === null || gi === undefined) continue;
    if (gi.data.constructor !== x.data.constructor) {
      gi = gi.to(x.dtype);
      converted ??= [...inGrads];
      converted[i] = gi;
    }
    if (!sameShape(gi.shape, x.shape)) {
      throw new GraphError(
        `${node.name} backward: gradient for input ${i} has shape ${fmtShape(gi.shape)} ` +
          `but the input has shape ${fmtShape(x.shape)}`,
      );
    }
    checkGradient(node, i, gi);
  }
  return converted ?? inGrads;
}

// Shared, frozen `needs` arrays for the one- and two-input ops that make up nearly every
// graph, so the backward pass does not allocate one per node.
const NEEDS_1 = [Object.freeze([false]), Object.freeze([true])] as const;
const NEEDS_2 = [
  Object.freeze([false, false]),
  Object.freeze([true, false]),
  Object.freeze([false, true]),
  Object.freeze([true, true]),
] as const;

function needsOf(inputs: readonly Tensor[]): readonly boolean[] {
  if (inputs.length === 1) return NEEDS_1[inputs[0]!.requiresGrad ? 1 : 0];
  if (inputs.length === 2)
    return NEEDS_2[(inputs[0]!.requiresGrad ? 1 : 0) + (inputs[1]!.requiresGrad ? 2 : 0)];
  return inputs.map((x) => x.requiresGrad);
}

/** Computes gradients of `root` with respect to every leaf that requires them, into `.grad`. */
export function backward(root: Tensor, gradient?: Tensor | null, opts: BackwardOptions = {}): void {
  const g = checkRoot('backward', root, gradient);
  run([root], [g], opts, null);
}

/** Options of `grad`, as `torch.autograd.grad`'s. */
export interface GradOptions extends BackwardOptions {
  /** The upstream gradient for each output (`grad_outputs`); required for non-scalar outputs. */
  gradOutputs?: readonly (Tensor | null)[] | Tensor;
  /** Return null for inputs the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
}

/**
 * Gradients of `outputs` with respect to `inputs`, as `torch.autograd.grad`; no
 * `.grad` is touched. With `createGraph: true` the result is itself differentiable.
 */
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  opts: GradOptions = {},
): (Tensor | null)[] {
  const outs = outputs instanceof Tensor ? [outputs] : outputs;
  const ins = inputs instanceof Tensor ? [inputs] : inputs;
  const gos = opts.gradOutputs instanceof Tensor ? [opts.gradOutputs] : (opts.gradOutputs ?? []);
  if (gos.length !== 0 && gos.length !== outs.length) {
    throw new GraphError(`grad: got ${gos.length} gradOutputs for ${outs.length} outputs`);
  }
  for (const [i, x] of ins.entries()) {
    if (!x.requiresGrad)
      throw new GraphError(`grad: input ${i} (shape ${fmtShape(x.shape)}) does not require grad`);
  }
  const rootGrads = outs.map((o, i) => checkRoot('grad', o, gos[i]));
  const captured = run(outs, rootGrads, opts, new Set(ins));
  return ins.map((x, i) => {
    const g = captured.get(x);
    if (g !== undefined) return g;
    if (opts.allowUnused) return null;
    throw new GraphError(
      `grad: input ${i} (shape ${fmtShape(x.shape)}) was not used in the graph of the outputs; ` +
        'pass { allowUnused: true } to get null for it',
    );
  });
}
