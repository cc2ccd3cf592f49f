/**
 * PyTorch's version counters, beside the engine: how backward notices that a
 * tensor an op saved was written in place since the op ran, and refuses with
 * PyTorch's message instead of differentiating through the new values. In-place
 * ops bump the counter; `Node` records the versions of its inputs; the engine
 * calls `checkVersions` before each node's backward.
 */
import type { FloatArray } from './dtype.ts';
import type { Node } from './engine.ts';
import { fmtShape, GraphError } from './errors.ts';
import type { Tensor } from './tensor.ts';

/**
 * PyTorch's version counter, kept per storage (a Float32Array or Float64Array), so tensors that
 * share data (`detach`, `reshape`, state-dict entries) share one counter. Every
 * in-place op bumps it; a storage never written in place is at version 0 and
 * has no entry.
 */
const versions = new WeakMap<FloatArray, number>();
/** In-place writes so far, to any storage: lets backward skip the per-input look-ups when none happened since. */
let writes = 0;

/** The version of a storage: how many in-place writes it has had. */
export function versionOf(data: FloatArray): number {
  return versions.get(data) ?? 0;
}

/** Records one in-place write to a storage. */
export function bumpVersion(data: FloatArray): void {
  versions.set(data, (versions.get(data) ?? 0) + 1);
  writes++;
}

/** `writes` as it stands, for a Node to record (checkVersions compares against it). */
export function writeCount(): number {
  return writes;
}

/**
 * Records that a tensor's storage `old` was swapped for `data` (Tensor._setData): the new
 * storage starts one version past the old one, so it counts as an in-place write.
 */
export function replaceStorage(old: FloatArray, data: FloatArray): void {
  versions.set(data, versionOf(old) + 1);
  writes++;
}

/**
 * Marks an op result whose backward reads the result itself (exp, tanh, softmax),
 * so an in-place write to it before backward is caught, and returns it.
 */
export function savesOutput(t: Tensor): Tensor {
  const node = t.gradFn;
  if (node !== null) node.output = { data: t.data, shape: t.shape, version: versionOf(t.data) };
  return t;
}

/**
 * Throws PyTorch's error when a tensor the op recorded has been written in place
 * since. Every input counts as saved: edges here point at tensors, so a consumer
 * recorded before an in-place op would otherwise send its gradient through the new one.
 */
export function checkVersions(node: Node): void {
  if (writes === node.writesAtRecord) return;
  for (let i = 0; i < node.inputs.length; i++) {
    const x = node.inputs[i]!;
    const expected = node.inputVersions?.[i] ?? 0;
    const found = versionOf(x.data);
    if (found !== expected) throw staleError(node, `input ${i}`, x.shape, expected, found);
  }
  const out = node.output;
  if (out !== null && versionOf(out.data) !== out.version) {
    throw staleError(node, 'the output', out.shape, out.version, versionOf(out.data));
  }
}

function staleError(node: Node, what: string, shape: readonly number[], expected: number, found: number) {
  return new GraphError(
    'backward: one of the variables needed for gradient computation has been modified by an inplace ' +
      `operation: ${what} of '${node.name}' (shape ${fmtShape(shape)}) is at version ${found}; ` +
      `expected version ${expected} instead`,
  );
}
