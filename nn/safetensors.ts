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
 * name), so the same tensors give the same bytes, and stores each tensor in its
 * own dtype (F32 or F64) unless told otherwise. The reader reads F64 into
 * float64, F32, F16 and BF16 into float32 (each exact), and I64 into float64
 * (exact up to 2^53). The dtype table and the F16/BF16 codecs are in
 * safetensors-dtypes.ts.
 *
 * @module
 */
import {
  checkTensor,
  DTypeError,
  describeValue,
  fmtShape,
  NormgradError,
  Tensor,
  ValueError,
} from '../core/index.ts';
import {
  isDType,
  isWritable,
  rankOf,
  readElement,
  type SafetensorsDType,
  sizeOf,
  type WritableDType,
  writeElement,
} from './safetensors-dtypes.ts';

export type { SafetensorsDType, WritableDType } from './safetensors-dtypes.ts';

/** Options of `serialize` and `saveFile`. */
export interface SerializeOptions {
  /** String metadata stored under `"__metadata__"` (e.g. `{ format: 'pt' }`). */
  metadata?: Record<string, string>;
  /**
   * Storage dtype of every tensor not named in `dtypes`; by default each tensor's
   * own (F32 for float32, F64 for float64), as `safetensors.torch.save_file`.
   */
  dtype?: WritableDType;
  /** Storage dtype per tensor name (e.g. I64 for `num_batches_tracked`). */
  dtypes?: Record<string, WritableDType>;
}

/** A decoded safetensors file. */
export interface Deserialized {
  /** The tensors by name: float64 from F64 and I64, float32 from F32, F16 and BF16. */
  tensors: Record<string, Tensor>;
  /** The stored dtype of each tensor, in header order. */
  dtypes: Record<string, SafetensorsDType>;
  /** The `"__metadata__"` strings, or null when absent. */
  metadata: Record<string, string> | null;
}

/** Stored dtypes read into float64 (F64 itself, and I64, whose counts a float32 would round past 2^24); the rest are exact in float32. */
const WIDE = new Set<SafetensorsDType>(['F64', 'I64']);

/** The storage dtype a tensor is written in when nothing else is asked for: its own. */
const OWN: Record<Tensor['dtype'], WritableDType> = { float32: 'F32', float64: 'F64' };

/** Encodes named tensors as the bytes of a safetensors file. */
export function serialize(tensors: Record<string, Tensor>, opts: SerializeOptions = {}): Uint8Array {
  for (const [name, dt] of [['*', opts.dtype], ...Object.entries(opts.dtypes ?? {})] as const) {
    if (dt !== undefined && !isWritable(dt)) {
      throw new DTypeError(
        `safetensors.serialize: unsupported dtype ${String(dt)} for '${name}' (F64, F32, I64 are written)`,
      );
    }
  }
  for (const [name, t] of Object.entries(tensors)) checkTensor('safetensors.serialize', `'${name}'`, t);
  const dtypeOf = (name: string): WritableDType =>
    opts.dtypes?.[name] ?? opts.dtype ?? OWN[tensors[name]!.dtype];
  const names = Object.keys(tensors).sort((a, b) => {
    const r = rankOf(dtypeOf(b)) - rankOf(dtypeOf(a));
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
    const end = offset + t.numel() * sizeOf(dt);
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
    const size = sizeOf(dt);
    for (let i = 0; i < data.length; i++, p += size) writeElement(view, p, dt, data[i]!);
  }
  return out;
}

/**
 * The largest header read, as the reference reader's limit (100 MB): a length
 * field above it is refused before anything is allocated for it.
 */
export const MAX_HEADER_BYTES = 100_000_000;

/**
 * Decodes the bytes of a safetensors file. The file is untrusted input (weights
 * are downloaded): the header is checked in full against the data block before
 * any tensor is made, and every allocation is bounded by the file's own size, so
 * a malformed or hostile file gives a ValueError (DTypeError for a dtype this
 * reader does not hold) naming the problem, never a hang, a crash or a partial result.
 */
export function deserialize(bytes: Uint8Array): Deserialized {
  const fail = (why: string) => new ValueError(`safetensors.deserialize: ${why}`);
  if (!(bytes instanceof Uint8Array))
    throw fail(`expected the file's bytes as a Uint8Array, got ${describeValue(bytes)}`);
  if (bytes.length < 8) throw fail(`file of ${bytes.length} bytes is shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const big = view.getBigUint64(0, true);
  if (big > BigInt(MAX_HEADER_BYTES)) {
    throw fail(`header length ${big} is above the ${MAX_HEADER_BYTES}-byte limit`);
  }
  const n = Number(big);
  if (8 + n > bytes.length)
    throw fail(`header length ${n} runs past the end of the ${bytes.length}-byte file`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw fail('header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw fail('header is not a JSON object');
  }
  const duplicate = firstDuplicateKey(text);
  if (duplicate !== null) throw fail(`header has the key ${JSON.stringify(duplicate)} twice`);
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const entries: [string, TensorEntry][] = [];
  let metadata: Record<string, string> | null = null;
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') metadata = checkMetadata(info, fail);
    else entries.push([name, checkEntry(name, info, dataLength, fail)]);
  }
  // As the reference reader: the tensors must tile the data block exactly, with no gaps or overlaps.
  const spans = entries.map(([name, e]) => [e.begin, e.end, name] as const).sort((x, y) => x[0] - y[0]);
  let at = 0;
  for (const [begin, end, name] of spans) {
    if (begin !== at)
      throw fail(`'${name}' starts at byte ${begin} of the data block, expected ${at} (gap or overlap)`);
    at = end;
  }
  if (at !== dataLength) throw fail(`the tensors cover ${at} bytes but the data block holds ${dataLength}`);
  // Only now, with every entry checked and the total bounded by the file, are values read.
  const tensors: [string, Tensor][] = [];
  const dtypes: [string, SafetensorsDType][] = [];
  for (const [name, { dtype, shape, numel, begin }] of entries) {
    const values = WIDE.has(dtype) ? new Float64Array(numel) : new Float32Array(numel);
    const size = sizeOf(dtype);
    for (let i = 0, p = dataStart + begin; i < numel; i++, p += size) {
      const v = readElement(view, p, dtype);
      if (typeof v === 'bigint') {
        if (v > MAX_SAFE || v < -MAX_SAFE) {
          throw fail(`'${name}' (I64) holds ${v} at flat index ${i}, which a float64 cannot hold exactly`);
        }
        values[i] = Number(v);
      } else values[i] = v;
    }
    tensors.push([name, new Tensor(values, shape)]);
    dtypes.push([name, dtype]);
  }
  // fromEntries defines own properties, so a tensor named "__proto__" is a key, not a prototype.
  return { tensors: Object.fromEntries(tensors), dtypes: Object.fromEntries(dtypes), metadata };
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

interface TensorEntry {
  dtype: SafetensorsDType;
  shape: number[];
  numel: number;
  begin: number;
  end: number;
}

/** One header entry, checked against the data block before anything is allocated for it. */
function checkEntry(
  name: string,
  info: unknown,
  dataLength: number,
  fail: (why: string) => ValueError,
): TensorEntry {
  if (typeof info !== 'object' || info === null || Array.isArray(info)) {
    throw fail(`'${name}' is ${describeValue(info)}, expected { dtype, shape, data_offsets }`);
  }
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (!isDType(dtype)) {
    throw new DTypeError(
      `safetensors.deserialize: '${name}' has dtype ${String(dtype)}; only F64, F32, F16, BF16 and I64 are read`,
    );
  }
  if (!Array.isArray(shape) || !shape.every((s) => Number.isSafeInteger(s) && s >= 0)) {
    throw fail(`'${name}' has an invalid shape ${clipJson(shape)}`);
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)
  ) {
    throw fail(`'${name}' has invalid data_offsets ${clipJson(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  // The product stops growing once it passes the data block's size, so an enormous shape cannot overflow.
  let numel = shape.includes(0) ? 0 : 1;
  for (const d of shape as number[]) {
    if (numel > dataLength) break;
    numel *= d;
  }
  if (numel > dataLength) {
    throw fail(
      `'${name}' of shape ${clipJson(shape)} and dtype ${dtype} needs more bytes than the ${dataLength}-byte data block holds`,
    );
  }
  const needs = numel * sizeOf(dtype);
  if (end - begin !== needs || end > dataLength) {
    throw fail(
      `'${name}' of shape ${fmtShape(shape)} and dtype ${dtype} needs ${needs} bytes, ` +
        `but data_offsets [${begin}, ${end}] ${end > dataLength ? `run past the ${dataLength}-byte data block` : 'disagree'}`,
    );
  }
  return { dtype, shape: shape as number[], numel, begin, end };
}

/** `__metadata__` is a map of strings to strings, as the format says. */
function checkMetadata(info: unknown, fail: (why: string) => ValueError): Record<string, string> {
  if (typeof info !== 'object' || info === null || Array.isArray(info)) {
    throw fail(`__metadata__ is ${describeValue(info)}, expected an object of strings`);
  }
  for (const [k, v] of Object.entries(info)) {
    if (typeof v !== 'string')
      throw fail(`__metadata__ entry '${k}' is ${describeValue(v)}, expected a string`);
  }
  return { ...(info as Record<string, string>) };
}

const clipJson = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/**
 * The first key that appears twice in one object of a JSON text (JSON.parse
 * silently keeps the last, so a file could show one tensor to one reader and
 * another to the next). The text is already known to be valid JSON.
 */
function firstDuplicateKey(text: string): string | null {
  const objects: (Set<string> | null)[] = []; // null for an array
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = objects[objects.length - 1];
      if (expectKey && top) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.has(key)) return key;
        top.add(key);
      }
      expectKey = false;
      i = j;
    } else if (c === '{') {
      objects.push(new Set());
      expectKey = true;
    } else if (c === '[') objects.push(null);
    else if (c === '}' || c === ']') objects.pop();
    else if (c === ',') expectKey = objects[objects.length - 1] !== null;
  }
  return null;
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

/** Writes named tensors to a safetensors file, as `safetensors.torch.save_file`. */
export function saveFile(tensors: Record<string, Tensor>, path: string, opts: SerializeOptions = {}): void {
  nodeFs('saveFile').writeFileSync(path, serialize(tensors, opts));
}

/** Reads the tensors of a safetensors file (F64 and I64 as float64, F32, F16 and BF16 as float32), as `safetensors.torch.load_file`. */
export function loadFile(path: string): Record<string, Tensor> {
  if (typeof path !== 'string') {
    throw new ValueError(`safetensors.loadFile: path must be a string, got ${describeValue(path)}`);
  }
  const fs = nodeFs('loadFile');
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(path);
  } catch (e) {
    throw new ValueError(
      `safetensors.loadFile: cannot read '${path}' (${(e as NodeJS.ErrnoException).code ?? e})`,
    );
  }
  return deserialize(bytes).tensors;
}

/** The bytes of a safetensors file, as `safetensors.torch.save`; in a browser, `new Blob([bytes])` downloads them. */
export function save(tensors: Record<string, Tensor>, opts: SerializeOptions = {}): Uint8Array {
  return serialize(tensors, opts);
}

/** Tensors from the bytes of a safetensors file (e.g. `await file.arrayBuffer()`), as `safetensors.torch.load`. */
export function load(data: ArrayBuffer | Uint8Array): Record<string, Tensor> {
  if (data instanceof Uint8Array) return deserialize(data).tensors;
  if (data instanceof ArrayBuffer) return deserialize(new Uint8Array(data)).tensors;
  throw new ValueError(
    `safetensors.load: data must be an ArrayBuffer or Uint8Array (got ${describeValue(data)})`,
  );
}
