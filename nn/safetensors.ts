/**
 * The safetensors file format (https://github.com/huggingface/safetensors), which
 * PyTorch users read with `safetensors.torch.load_file`:
 *
 *     [8 bytes: N, little-endian u64][N bytes: JSON header][raw little-endian data]
 *
 * The header maps each tensor name to `{ dtype, shape, data_offsets: [begin, end] }`
 * (offsets into the data block) plus an optional `"__metadata__"` map of strings,
 * and is padded with spaces to a multiple of 8 bytes. The writer orders tensors
 * as the reference implementation does (by dtype alignment descending, then by
 * name), so the same tensors give the same bytes. Read F64, F32 and I64 data
 * into float64 tensors.
 *
 * @module
 */
import { DTypeError, fmtShape, NormgradError, Tensor, ValueError } from '../core/index.ts';

/** The storage dtypes read and written: F64, F32 and I64. */
export type SafetensorsDType = 'F64' | 'F32' | 'I64';

/** Options of `serialize` and `saveFile`. */
export interface SerializeOptions {
  /** String metadata stored under `"__metadata__"` (e.g. `{ format: 'pt' }`). */
  metadata?: Record<string, string>;
  /** Storage dtype of every tensor not named in `dtypes`; F64 by default. */
  dtype?: SafetensorsDType;
  /** Storage dtype per tensor name (e.g. I64 for `num_batches_tracked`). */
  dtypes?: Record<string, SafetensorsDType>;
}

/** A decoded safetensors file. */
export interface Deserialized {
  /** The tensors by name, as float64. */
  tensors: Record<string, Tensor>;
  /** The stored dtype of each tensor, in header order. */
  dtypes: Record<string, SafetensorsDType>;
  /** The `"__metadata__"` strings, or null when absent. */
  metadata: Record<string, string> | null;
}

const SIZE: Record<SafetensorsDType, number> = { F64: 8, F32: 4, I64: 8 };
// Ranks from the reference's Dtype enum (ordered by alignment): its serializer sorts by rank descending.
const RANK: Record<SafetensorsDType, number> = { F32: 11, F64: 12, I64: 13 };
const isDType = (s: unknown): s is SafetensorsDType => s === 'F64' || s === 'F32' || s === 'I64';

/** Encodes named tensors as the bytes of a safetensors file. */
export function serialize(tensors: Record<string, Tensor>, opts: SerializeOptions = {}): Uint8Array {
  const dtypeOf = (name: string): SafetensorsDType => opts.dtypes?.[name] ?? opts.dtype ?? 'F64';
  for (const [name, dt] of [['*', opts.dtype ?? 'F64'], ...Object.entries(opts.dtypes ?? {})] as const) {
    if (!isDType(dt)) {
      throw new DTypeError(
        `safetensors.serialize: unsupported dtype ${String(dt)} for '${name}' (F64, F32, I64)`,
      );
    }
  }
  const names = Object.keys(tensors).sort((a, b) => {
    const r = RANK[dtypeOf(b)] - RANK[dtypeOf(a)];
    return r !== 0 ? r : a < b ? -1 : a > b ? 1 : 0;
  });
  const parts: string[] = [];
  if (opts.metadata !== undefined) parts.push(`"__metadata__":${JSON.stringify(opts.metadata)}`);
  let offset = 0;
  for (const name of names) {
    if (name === '__metadata__')
      throw new ValueError("safetensors.serialize: '__metadata__' is a reserved name");
    const t = tensors[name]!;
    const dt = dtypeOf(name);
    if (dt === 'I64') {
      const bad = t.data.findIndex((v) => !Number.isSafeInteger(v));
      if (bad >= 0) {
        throw new ValueError(
          `safetensors.serialize: '${name}' is stored as I64 but holds ${t.data[bad]} at flat index ${bad}`,
        );
      }
    }
    const end = offset + t.numel * SIZE[dt];
    parts.push(
      `${JSON.stringify(name)}:${JSON.stringify({ dtype: dt, shape: t.shape, data_offsets: [offset, end] })}`,
    );
    offset = end;
  }
  let header = new TextEncoder().encode(`{${parts.join(',')}}`);
  const padded = Math.ceil(header.length / 8) * 8;
  if (padded !== header.length) {
    const h = new Uint8Array(padded).fill(0x20);
    h.set(header);
    header = h;
  }
  const out = new Uint8Array(8 + header.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  let p = 8 + header.length;
  for (const name of names) {
    const data = tensors[name]!.data;
    const dt = dtypeOf(name);
    for (let i = 0; i < data.length; i++, p += SIZE[dt]) {
      if (dt === 'F64') view.setFloat64(p, data[i]!, true);
      else if (dt === 'F32') view.setFloat32(p, data[i]!, true);
      else view.setBigInt64(p, BigInt(data[i]!), true);
    }
  }
  return out;
}

/** Decodes the bytes of a safetensors file, checking the header against the data block. */
export function deserialize(bytes: Uint8Array): Deserialized {
  const fail = (why: string) => new ValueError(`safetensors.deserialize: ${why}`);
  if (bytes.length < 8) throw fail(`file of ${bytes.length} bytes is shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (8 + n > bytes.length)
    throw fail(`header length ${n} runs past the end of the ${bytes.length}-byte file`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw fail('header is not a JSON object');
  }
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const tensors: Record<string, Tensor> = {};
  const dtypes: Record<string, SafetensorsDType> = {};
  let metadata: Record<string, string> | null = null;
  const spans: [number, number, string][] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = info as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets: offsets } = (info ?? {}) as Record<string, unknown>;
    if (!isDType(dtype)) {
      throw new DTypeError(
        `safetensors.deserialize: '${name}' has dtype ${String(dtype)}; only F64, F32 and I64 are read`,
      );
    }
    if (!Array.isArray(shape) || !shape.every((s) => Number.isInteger(s) && s >= 0)) {
      throw fail(`'${name}' has an invalid shape ${JSON.stringify(shape)}`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(Number.isInteger)) {
      throw fail(`'${name}' has invalid data_offsets ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    const numel = shape.reduce((a: number, b: number) => a * b, 1);
    if (end - begin !== numel * SIZE[dtype] || begin < 0 || end > dataLength) {
      throw fail(
        `'${name}' of shape ${fmtShape(shape)} and dtype ${dtype} needs ${numel * SIZE[dtype]} bytes, ` +
          `but data_offsets [${begin}, ${end}] ${end > dataLength ? `run past the ${dataLength}-byte data block` : 'disagree'}`,
      );
    }
    const values = new Float64Array(numel);
    for (let i = 0, p = dataStart + begin; i < numel; i++, p += SIZE[dtype]) {
      values[i] =
        dtype === 'F64'
          ? view.getFloat64(p, true)
          : dtype === 'F32'
            ? view.getFloat32(p, true)
            : Number(view.getBigInt64(p, true));
    }
    tensors[name] = new Tensor(values, shape);
    dtypes[name] = dtype;
    spans.push([begin, end, name]);
  }
  // As the reference reader: the tensors must tile the data block exactly, with no gaps or overlaps.
  spans.sort((x, y) => x[0] - y[0]);
  let at = 0;
  for (const [begin, end, name] of spans) {
    if (begin !== at)
      throw fail(`'${name}' starts at byte ${begin} of the data block, expected ${at} (gap or overlap)`);
    at = end;
  }
  if (at !== dataLength) throw fail(`the tensors cover ${at} bytes but the data block holds ${dataLength}`);
  return { tensors, dtypes, metadata };
}

/**
 * Node's `fs`, looked up when a file is read or written rather than imported, so
 * the library bundles for browsers (browser.ts); there `save`/`load` move bytes.
 */
function nodeFs(fn: string): typeof import('node:fs') {
  const fs = globalThis.process?.getBuiltinModule?.('node:fs');
  if (fs === undefined) {
    throw new NormgradError(
      `safetensors.${fn}: file paths need Node's file system; in a browser use safetensors.save / load on bytes`,
    );
  }
  return fs;
}

const describe = (v: unknown): string =>
  v === null ? 'null' : typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v;

/** Writes named tensors to a safetensors file, as `safetensors.torch.save_file`. */
export function saveFile(tensors: Record<string, Tensor>, path: string, opts: SerializeOptions = {}): void {
  nodeFs('saveFile').writeFileSync(path, serialize(tensors, opts));
}

/** Reads the tensors of a safetensors file into float64 tensors, as `safetensors.torch.load_file`. */
export function loadFile(path: string): Record<string, Tensor> {
  return deserialize(nodeFs('loadFile').readFileSync(path)).tensors;
}

/** The bytes of a safetensors file, as `safetensors.torch.save`; in a browser, `new Blob([bytes])` downloads them. */
export function save(tensors: Record<string, Tensor>, opts: SerializeOptions = {}): Uint8Array {
  return serialize(tensors, opts);
}

/** Tensors from the bytes of a safetensors file (e.g. `await file.arrayBuffer()`), as `safetensors.torch.load`. */
export function load(data: ArrayBuffer | Uint8Array): Record<string, Tensor> {
  if (data instanceof Uint8Array) return deserialize(data).tensors;
  if (data instanceof ArrayBuffer) return deserialize(new Uint8Array(data)).tensors;
  throw new ValueError(`safetensors.load: data must be an ArrayBuffer or Uint8Array (got ${describe(data)})`);
}
