/**
 * A small builder for an ONNX graph: nodes in the order they are added (the
 * order the module tree runs, so already topological), initializers under
 * PyTorch's state-dict keys, and plain objects shaped like onnx.proto's
 * messages for protobufjs to encode.
 */
import type { Tensor } from '../core/index.ts';
import { AttributeType, DataType } from './schema.ts';

/** A value flowing between nodes: its name in the graph and the shape it had on the sample input. */
export interface Value {
  name: string;
  shape: readonly number[];
}

/** An attribute value: an int, a float, a string or a list of ints (the kinds the converters need). */
export type Attr = { int: number } | { float: number } | { string: string } | { ints: readonly number[] };

/** The element type every floating-point tensor of the model is stored and computed in. */
export type FloatType = 'float64' | 'float32';

interface AttributeObject {
  name: string;
  type: number;
  i?: number;
  f?: number;
  s?: Uint8Array;
  ints?: number[];
}

/** A NodeProto as a plain object. */
export interface NodeObject {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
  attribute: AttributeObject[];
}

/** A TensorProto as a plain object (data in raw_data, little-endian, as PyTorch writes it). */
export interface TensorObject {
  name: string;
  dims: number[];
  data_type: number;
  raw_data: Uint8Array;
}

/** Little-endian bytes of the values as float64, float32 or int64 (ONNX's raw_data layout), on any platform. */
function rawData(values: ArrayLike<number>, type: 'float64' | 'float32' | 'int64'): Uint8Array {
  const size = type === 'float32' ? 4 : 8;
  const view = new DataView(new ArrayBuffer(values.length * size));
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (type === 'float64') view.setFloat64(i * 8, v, true);
    else if (type === 'float32') view.setFloat32(i * 4, v, true);
    else view.setBigInt64(i * 8, BigInt(v), true);
  }
  return new Uint8Array(view.buffer);
}

function attribute(name: string, a: Attr): AttributeObject {
  if ('int' in a) return { name, type: AttributeType.INT, i: a.int };
  if ('float' in a) return { name, type: AttributeType.FLOAT, f: a.float };
  if ('string' in a) return { name, type: AttributeType.STRING, s: new TextEncoder().encode(a.string) };
  return { name, type: AttributeType.INTS, ints: [...a.ints] };
}

/** Collects the nodes and initializers of one graph. */
export class GraphBuilder {
  readonly nodes: NodeObject[] = [];
  readonly initializers: TensorObject[] = [];
  private readonly used = new Set<string>();

  constructor(
    /** The opset the graph targets: converters pick an op's form by it. */
    readonly opset: number,
    readonly floatType: FloatType,
  ) {}

  /** The ONNX element type of float tensors (DOUBLE or FLOAT). */
  get elemType(): number {
    return this.floatType === 'float64' ? DataType.DOUBLE : DataType.FLOAT;
  }

  private unique(name: string): string {
    let out = name;
    for (let k = 1; this.used.has(out); k++) out = `${name}_${k}`;
    this.used.add(out);
    return out;
  }

  /** Reserves a name (the graph input) so no node output takes it. */
  reserve(name: string): void {
    this.used.add(name);
  }

  /** A float initializer holding `t` (in the graph's float type), reshaped to `dims` if given. */
  weight(name: string, t: Tensor, dims: readonly number[] = t.shape): string {
    return this.floats(name, t.data, dims);
  }

  /** A float initializer filled with one value (the scale of a norm layer without affine parameters). */
  filled(name: string, dims: readonly number[], value: number): string {
    return this.floats(name, new Float64Array(dims.reduce((a, b) => a * b, 1)).fill(value), dims);
  }

  private floats(name: string, values: ArrayLike<number>, dims: readonly number[]): string {
    const unique = this.unique(name);
    const raw = rawData(values, this.floatType);
    this.initializers.push({ name: unique, dims: [...dims], data_type: this.elemType, raw_data: raw });
    return unique;
  }

  /** A 1-d int64 initializer (a shape for Reshape, axes for ReduceMean from opset 18). */
  ints(name: string, values: readonly number[]): string {
    const unique = this.unique(name);
    this.initializers.push({
      name: unique,
      dims: [values.length],
      data_type: DataType.INT64,
      raw_data: rawData(values, 'int64'),
    });
    return unique;
  }

  /**
   * Adds a node with one output and returns the output's name. Nodes are named
   * as PyTorch's exporter names them: the module's path then the op
   * (`/0/Gemm`), and their outputs `/0/Gemm_output_0`.
   */
  node(opType: string, inputs: readonly string[], scope: string, attrs: Record<string, Attr> = {}): string {
    const name = this.unique(`/${scope === '' ? '' : `${scope.replaceAll('.', '/')}/`}${opType}`);
    const output = this.unique(`${name}_output_0`);
    this.nodes.push({
      name,
      op_type: opType,
      input: [...inputs],
      output: [output],
      attribute: Object.entries(attrs).map(([k, a]) => attribute(k, a)),
    });
    return output;
  }

  /** Renames the value `from` (a node output no node reads yet) to `to`. */
  renameOutput(from: string, to: string): void {
    for (const n of this.nodes) n.output = n.output.map((o) => (o === from ? to : o));
  }
}
