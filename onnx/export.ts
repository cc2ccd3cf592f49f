/**
 * ONNX export of a module tree, as `torch.onnx.export`: the model runs once in
 * eval mode on a sample input, walking the tree; each leaf module's converter
 * (converters.ts) writes its nodes and its tensors (under the state-dict keys),
 * and the sample fixes every shape. Encoding is protobufjs on ONNX's own schema
 * (schema.ts). This file reads no files, so it also runs in a browser.
 */
import { checkTensor, describeValue, fmtShape, noGrad, Tensor, ValueError } from '../core/index.ts';
import { Module, Sequential } from '../nn/index.ts';
import type { ModuleClass } from './context.ts';
import { CONVERTERS } from './converters.ts';
import { type FloatType, GraphBuilder, type Value } from './graph.ts';
import { ModelProto } from './schema.ts';

/** Options of `onnx.export`, named after `torch.onnx.export`'s. */
export interface ExportOptions {
  /** The ONNX operator set to target, 13 to 21; 17 by default (PyTorch's default, and LayerNormalization's first). */
  opsetVersion?: number;
  /**
   * The element type of the model's inputs, weights and outputs: by default the
   * sample input's dtype, so a float32 model (`model.float()`) exports as FLOAT
   * and a float64 one as DOUBLE, as `torch.onnx.export` keeps the model's dtype.
   * `float32` on a float64 model stores its weights rounded, for the runtimes
   * that run (or only have, like onnxruntime's CPU Conv) float32.
   */
  dtype?: FloatType;
  /** Name of the graph input (one name; `['input']` by default). */
  inputNames?: string[];
  /** Name of the graph output (one name; `['output']` by default). */
  outputNames?: string[];
  /**
   * Dims of the input or output that may vary at run time, by value name:
   * `{ input: { 0: 'batch' }, output: { 0: 'batch' } }` or `{ input: [0] }`. Other
   * dims are fixed to the sample's sizes, as in PyTorch.
   */
  dynamicAxes?: Record<string, Record<number, string> | number[]>;
  /** Free text stored as the model's doc_string. */
  docString?: string;
}

/** The lowest and highest opset the converters are written for. */
export const MIN_OPSET = 13;
/** The highest opset the converters are written for (and onnxruntime-node loads). */
export const MAX_OPSET = 21;

/** The IR version each opset first appeared with (a reader rejects an IR older than its opset's). */
function irVersion(opset: number): number {
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  return 10;
}

interface Traced {
  value: Value;
  tensor: Tensor;
}

/** The message that names a module that cannot be exported, and what can. */
function cannotExport(m: Module, path: string, why: string): ValueError {
  const where = path === '' ? `the model itself (${m.name})` : `module '${path}' (${m.name})`;
  const known = [...CONVERTERS.keys()].map((c) => c.name).join(', ');
  return new ValueError(`onnx.export: cannot export ${where}: ${why}; exportable: Sequential of ${known}`);
}

/** Runs `m` on the sample while writing its nodes; containers are walked, leaves converted. */
function walk(m: Module, path: string, x: Traced, g: GraphBuilder): Traced {
  // A subclass of Sequential may override forward, so only Sequential itself is walked as a chain.
  if (m instanceof Sequential && m.constructor === Sequential) {
    for (const [name, child] of m.namedChildren()) {
      x = walk(child, path === '' ? name : `${path}.${name}`, x, g);
    }
    return x;
  }
  const convert = CONVERTERS.get(m.constructor as ModuleClass<Module>);
  if (convert === undefined) throw cannotExport(m, path, `no ONNX converter for ${m.name}`);
  const out: unknown = m.forward(x.tensor);
  if (!(out instanceof Tensor))
    throw cannotExport(m, path, `its forward returned ${typeof out}, not a Tensor`);
  const fail = (why: string): never => {
    throw cannotExport(m, path, why);
  };
  const name = convert(m, x.value, out.shape, { g, path, fail });
  return { value: { name, shape: out.shape }, tensor: out };
}

function checkOptions(
  opts: ExportOptions,
  sampleInput: Tensor,
): Required<Pick<ExportOptions, 'opsetVersion' | 'dtype'>> {
  const opset = opts.opsetVersion ?? 17;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new ValueError(
      `onnx.export: opsetVersion must be an integer from ${MIN_OPSET} to ${MAX_OPSET}, got ${opset}`,
    );
  }
  const dtype = opts.dtype ?? sampleInput.dtype;
  if (dtype !== 'float64' && dtype !== 'float32') {
    throw new ValueError(`onnx.export: dtype must be 'float64' or 'float32', got ${String(dtype)}`);
  }
  for (const [arg, names] of [
    ['inputNames', opts.inputNames],
    ['outputNames', opts.outputNames],
  ] as const) {
    if (
      names !== undefined &&
      (!Array.isArray(names) || names.length !== 1 || typeof names[0] !== 'string' || names[0] === '')
    ) {
      throw new ValueError(
        `onnx.export: ${arg} must hold exactly one non-empty name (one input, one output), got ${JSON.stringify(names)}`,
      );
    }
  }
  return { opsetVersion: opset, dtype };
}

/** A ValueInfoProto object: a float tensor of `shape`, with the dims in `dynamic` named instead of fixed. */
function valueInfo(
  name: string,
  shape: readonly number[],
  elemType: number,
  dynamic: ExportOptions['dynamicAxes'],
) {
  const spec = dynamic?.[name];
  const named = new Map<number, string>();
  if (Array.isArray(spec)) for (const d of spec) named.set(d, `${name}_dynamic_axes_${d}`);
  else if (spec !== undefined) for (const [d, s] of Object.entries(spec)) named.set(Number(d), s);
  for (const d of named.keys()) {
    if (!Number.isInteger(d) || d < 0 || d >= shape.length) {
      throw new ValueError(
        `onnx.export: dynamicAxes['${name}'] names dim ${d}, but '${name}' has shape ${fmtShape(shape)}`,
      );
    }
  }
  const dim = shape.map((s, d) => (named.has(d) ? { dim_param: named.get(d) } : { dim_value: s }));
  return { name, type: { tensor_type: { elem_type: elemType, shape: { dim } } } };
}

/**
 * Encodes the model as the bytes of an ONNX file (a ModelProto), for a browser
 * or any place without a file system; `onnx.export` writes the same bytes to a path.
 * The model runs once on `sampleInput` in eval mode, and every module's
 * training flag is restored afterwards. Throws a ValueError naming the first
 * module (by dotted path and class) that has no ONNX form.
 */
export function exportToBytes(model: Module, sampleInput: Tensor, opts: ExportOptions = {}): Uint8Array {
  if (!(model instanceof Module)) {
    throw new ValueError(`onnx.export: model must be an nn.Module, got ${describeValue(model)}`);
  }
  checkTensor('onnx.export', 'sampleInput', sampleInput);
  const { opsetVersion, dtype } = checkOptions(opts, sampleInput);
  const inputName = opts.inputNames?.[0] ?? 'input';
  const outputName = opts.outputNames?.[0] ?? 'output';
  for (const name of Object.keys(opts.dynamicAxes ?? {})) {
    if (name !== inputName && name !== outputName) {
      throw new ValueError(
        `onnx.export: dynamicAxes names '${name}', which is neither the input '${inputName}' nor the output '${outputName}'`,
      );
    }
  }
  const g = new GraphBuilder(opsetVersion, dtype);
  g.reserve(inputName);
  g.reserve(outputName);
  const modes: [Module, boolean][] = [...model.modules()].map((m) => [m, m.training]);
  let result: Traced;
  try {
    model.eval();
    result = noGrad(() =>
      walk(model, '', { value: { name: inputName, shape: sampleInput.shape }, tensor: sampleInput }, g),
    );
  } finally {
    for (const [m, training] of modes) m.training = training;
  }
  if (result.value.name === inputName) g.node('Identity', [inputName], '');
  g.renameOutput(g.nodes.at(-1)!.output[0]!, outputName);
  const graph = {
    name: model.name,
    node: g.nodes,
    initializer: g.initializers,
    input: [valueInfo(inputName, sampleInput.shape, g.elemType, opts.dynamicAxes)],
    output: [valueInfo(outputName, result.tensor.shape, g.elemType, opts.dynamicAxes)],
  };
  const message = ModelProto.fromObject({
    ir_version: irVersion(opsetVersion),
    opset_import: [{ domain: '', version: opsetVersion }],
    producer_name: 'normgrad',
    doc_string: opts.docString ?? '',
    graph,
  });
  return ModelProto.encode(message).finish();
}
