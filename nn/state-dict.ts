/**
 * State dicts and their files, the serialization half of `Module` (PyTorch keeps
 * module.py for the tree and moves its serialization helpers apart). A state dict
 * maps PyTorch's dotted keys (`layers.2.bn.running_mean`) to tensors; this file
 * builds one from a module tree, copies one back in (every key and shape checked
 * before anything changes), and writes and reads it as safetensors.
 *
 * It knows nothing of the `Module` class: `Module` hands over its private fields
 * through `ModuleState` and itself as a `{ name, stateDict() }`, so the import
 * runs one way, module.ts to here.
 */
import { fmtShape, noGrad, StateDictError, Tensor } from '../core/index.ts';
import {
  load,
  loadFile,
  type SerializeOptions,
  saveFile,
  serialize,
  type WritableDType,
} from './safetensors.ts';

/** Parameter and buffer names to tensors, under PyTorch's keys, in registration order. */
export type StateDict = Record<string, Tensor>;

/** Options of `loadStateDict`. */
export interface LoadStateDictOptions {
  /** Require the keys to match exactly (true by default, as PyTorch). Shapes must always match. */
  strict?: boolean;
}

/** What `loadStateDict` reports, as PyTorch's named tuple. */
export interface IncompatibleKeys {
  /** Keys the module has that the state dict lacks. */
  missingKeys: string[];
  /** Keys in the state dict that the module does not have. */
  unexpectedKeys: string[];
}

/** Options of `module.save`. */
export interface SaveOptions {
  /**
   * Storage dtype of floating-point tensors: by default each tensor's own (F64
   * for float64, F32 for float32, exact either way); `'F32'` halves a float64
   * model's file, `'F64'` widens a float32 one.
   */
  dtype?: 'F64' | 'F32';
  /** String metadata stored in the safetensors header. */
  metadata?: Record<string, string>;
}

/** Buffers PyTorch keeps as int64; `save` stores them as I64 so PyTorch reads them with their own dtype. */
export const INTEGER_BUFFERS = new Set(['num_batches_tracked']);

/** One module's own state as a state dict reads it: `Module`'s private maps, passed in by `Module`. */
export interface ModuleState<M> {
  /** Parameters by name, null for an absent one (a Linear without bias). */
  parameters: ReadonlyMap<string, Tensor | null>;
  /** Buffers by name, null for an absent one. */
  buffers: ReadonlyMap<string, Tensor | null>;
  /** Names of the buffers left out of the state dict. */
  nonPersistent: ReadonlySet<string>;
  /** Child modules by name, in registration order. */
  modules: ReadonlyMap<string, M>;
}

/**
 * The body of `Module.stateDict`: parameters and persistent buffers under
 * PyTorch's keys, as tensors detached from the graph (sharing data).
 */
export function collectStateDict<M>(root: M, stateOf: (m: M) => ModuleState<M>): StateDict {
  // Every path is listed, so a module registered twice appears under both names, as in PyTorch.
  const sd: StateDict = {};
  const visit = (m: M, prefix: string): void => {
    const { parameters, buffers, nonPersistent, modules } = stateOf(m);
    for (const [n, t] of parameters) if (t !== null) sd[prefix + n] = t.detach();
    for (const [n, t] of buffers) if (t !== null && !nonPersistent.has(n)) sd[prefix + n] = t.detach();
    for (const [n, child] of modules) visit(child, `${prefix}${n}.`);
  };
  visit(root, '');
  return sd;
}

/**
 * The body of `Module.loadStateDict`: copies `sd` into the module's own tensors
 * in place, after checking every key and shape; on any problem a StateDictError
 * (headed with `module.name`) lists them all and nothing is changed.
 */
export function loadStateDictInto(
  module: { readonly name: string; stateDict(): StateDict },
  sd: StateDict,
  opts: LoadStateDictOptions,
): IncompatibleKeys {
  const strict = opts.strict ?? true;
  const own = module.stateDict();
  const missingKeys = Object.keys(own).filter((k) => !Object.hasOwn(sd, k));
  const unexpectedKeys = Object.keys(sd).filter((k) => !Object.hasOwn(own, k));
  const errors: string[] = [];
  if (strict && missingKeys.length > 0) {
    errors.push(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}.`);
  }
  if (strict && unexpectedKeys.length > 0) {
    errors.push(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}.`);
  }
  for (const [k, mine] of Object.entries(own)) {
    if (!Object.hasOwn(sd, k)) continue;
    const theirs: unknown = sd[k];
    if (!(theirs instanceof Tensor)) {
      errors.push(
        `value for ${k} is ${Array.isArray(theirs) ? 'an array' : theirs === null ? 'null' : typeof theirs}, expected a Tensor of shape ${fmtShape(mine.shape)}.`,
      );
      continue;
    }
    const same =
      theirs.shape.length === mine.shape.length && theirs.shape.every((s, i) => s === mine.shape[i]);
    if (!same) {
      errors.push(
        `size mismatch for ${k}: copying a param with shape ${fmtShape(theirs.shape)} from checkpoint, ` +
          `the shape in current model is ${fmtShape(mine.shape)}.`,
      );
    }
  }
  if (errors.length > 0) {
    throw new StateDictError(`Error(s) in loading state_dict for ${module.name}:\n\t${errors.join('\n\t')}`);
  }
  // copy_ converts each value into the module's own dtype (a float32 file into a float64 model).
  noGrad(() => {
    for (const [k, mine] of Object.entries(own)) if (Object.hasOwn(sd, k)) mine.copy_(sd[k]!);
  });
  return { missingKeys, unexpectedKeys };
}

/** The safetensors writer's options for a state dict: `num_batches_tracked` as I64, the rest as asked. */
function serializeOptions(sd: StateDict, opts: SaveOptions): SerializeOptions {
  const dtypes: Record<string, WritableDType> = {};
  for (const k of Object.keys(sd))
    if (INTEGER_BUFFERS.has(k.slice(k.lastIndexOf('.') + 1))) dtypes[k] = 'I64';
  const st: SerializeOptions = { dtypes };
  if (opts.dtype !== undefined) st.dtype = opts.dtype;
  if (opts.metadata !== undefined) st.metadata = opts.metadata;
  return st;
}

/** The body of `Module.save`: writes a state dict to a safetensors file PyTorch reads. */
export function saveStateDict(sd: StateDict, path: string, opts: SaveOptions): void {
  saveFile(sd, path, serializeOptions(sd, opts));
}

/** The body of `Module.serialize`: the bytes `saveStateDict` writes. */
export function serializeStateDict(sd: StateDict, opts: SaveOptions): Uint8Array {
  return serialize(sd, serializeOptions(sd, opts));
}

/** The body of the static `Module.load`: a safetensors file, or its bytes, read as a state dict. */
export function readStateDict(source: string | ArrayBuffer | Uint8Array): StateDict {
  return typeof source === 'string' ? loadFile(source) : load(source);
}
