/** The safetensors writer and reader against a file from an independent Python writer and the reference's own expectations. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DTypeError, Tensor, tensor, ValueError } from '../../core/index.ts';
import * as nn from '../../nn/index.ts';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const fileBytes = new Uint8Array(readFileSync(join(fixtures, 'state.safetensors')));
interface StoredTensor {
  dtype: nn.safetensors.WritableDType;
  shape: number[];
  data: number[];
}
const info = JSON.parse(readFileSync(join(fixtures, 'state_safetensors.json'), 'utf8')) as {
  metadata: Record<string, string>;
  order: string[];
  header_json: string;
  header_length: number;
  tensors: Record<string, StoredTensor>;
};

const enc = new TextEncoder();
const u64 = (n: number) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
};
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

test("the writer reproduces the independent writer's file byte for byte (tensors inserted in any order)", () => {
  const names = Object.keys(info.tensors).reverse();
  const tensors: Record<string, Tensor> = {};
  const dtypes: Record<string, nn.safetensors.WritableDType> = {};
  for (const name of names) {
    const t = info.tensors[name]!;
    tensors[name] = new Tensor(Float64Array.from(t.data), t.shape);
    dtypes[name] = t.dtype;
  }
  const bytes = nn.safetensors.serialize(tensors, { metadata: info.metadata, dtypes });
  assert.is(bytes.length, fileBytes.length);
  assert.ok(Buffer.from(bytes).equals(Buffer.from(fileBytes)), 'bytes differ');
});

test('the reader reads the independent file: values, dtypes, metadata, order', () => {
  const { tensors, dtypes, metadata } = nn.safetensors.deserialize(fileBytes);
  assert.equal(metadata, info.metadata);
  assert.equal(Object.keys(dtypes), info.order);
  for (const [name, t] of Object.entries(info.tensors)) {
    assert.equal([...tensors[name]!.shape], t.shape, name);
    assert.equal(Array.from(tensors[name]!.data), t.data, name);
    assert.is(dtypes[name], t.dtype);
  }
});

test('a PyTorch state dict file loads into the same normgrad model', () => {
  const m = new nn.Sequential(new nn.Linear(2, 3), new nn.BatchNorm1d(3));
  const result = m.load(join(fixtures, 'state.safetensors'), { strict: false });
  assert.equal(result, { missingKeys: [], unexpectedKeys: ['extra.f32'] });
  const sd = m.stateDict();
  for (const [k, t] of Object.entries(sd)) assert.equal(Array.from(t.data), info.tensors[k]!.data, k);
});

test("the reference library's own header expectations", () => {
  const header = (bytes: Uint8Array) => {
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    return new TextDecoder().decode(bytes.subarray(8, 8 + n));
  };
  // A [3] F32 tensor named attn.0: a 60-byte header padded with 4 spaces to 64.
  const attn = nn.safetensors.serialize({ 'attn.0': tensor([1, 2, 3]) }, { dtype: 'F32' });
  assert.is(header(attn), '{"attn.0":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}    ');
  assert.is(attn.length, 8 + 64 + 12);
  // Named attn0 with shape [1, 1, 2, 3]: 65 bytes padded with 7 spaces to 72.
  const shaped = nn.safetensors.serialize(
    { attn0: tensor([1, 2, 3, 4, 5, 6]).reshape([1, 1, 2, 3]) },
    { dtype: 'F32' },
  );
  assert.is(
    header(shaped),
    `{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}${' '.repeat(7)}`,
  );
  assert.is(header(shaped).length, 72);
  const empty = nn.safetensors.serialize({}, { metadata: { framework: 'pt' } });
  assert.equal(
    Array.from(empty),
    Array.from(concat(u64(40), enc.encode('{"__metadata__":{"framework":"pt"}}     '))),
  );
  assert.equal(Array.from(nn.safetensors.serialize({})), Array.from(concat(u64(8), enc.encode('{}      '))));
});

test('serialize: I64 needs integers, dtypes must be supported, __metadata__ is reserved', () => {
  const cases: [() => unknown, new (m: string) => Error, string][] = [
    [
      () => nn.safetensors.serialize({ n: tensor([1.5]) }, { dtype: 'I64' }),
      ValueError,
      "safetensors.serialize: 'n' is stored as I64 but holds 1.5 at flat index 0",
    ],
    [
      () => nn.safetensors.serialize({ n: tensor([1]) }, { dtypes: { n: 'BF16' as 'F32' } }),
      DTypeError,
      "safetensors.serialize: unsupported dtype BF16 for 'n' (F64, F32, I64 are written)",
    ],
    [
      () => nn.safetensors.serialize({ n: tensor([1]) }, { dtype: 'float32' as 'F32' }),
      DTypeError,
      "safetensors.serialize: unsupported dtype float32 for '*' (F64, F32, I64 are written)",
    ],
    [
      () => nn.safetensors.serialize({ w: [1, 2] as unknown as Tensor }),
      ValueError,
      "safetensors.serialize: 'w' must be a Tensor, got an array [1,2]; wrap it with tensor(...)",
    ],
    [
      () => nn.safetensors.serialize({ __metadata__: tensor([1]) }),
      ValueError,
      "safetensors.serialize: '__metadata__' is a reserved name",
    ],
  ];
  for (const [fn, kind, message] of cases) {
    assert.throws(fn, (e: unknown) => e instanceof kind && (e as Error).message === message, message);
  }
});

/** A file with the given header (padded) and data block. */
function file(header: string, data = new Uint8Array(0)): Uint8Array {
  const h = enc.encode(header.padEnd(Math.ceil(header.length / 8) * 8, ' '));
  return concat(u64(h.length), h, data);
}

test('deserialize rejects malformed files with a message naming the problem', () => {
  const cases: [Uint8Array, new (m: string) => Error, string][] = [
    [
      new Uint8Array(3),
      ValueError,
      'safetensors.deserialize: file of 3 bytes is shorter than the 8-byte header length',
    ],
    [
      concat(u64(100), enc.encode('{}')),
      ValueError,
      'safetensors.deserialize: header length 100 runs past the end of the 10-byte file',
    ],
    [file('[1]'), ValueError, 'safetensors.deserialize: header is not a JSON object'],
    [
      file('{"x":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}', new Uint8Array(1)),
      DTypeError,
      "safetensors.deserialize: 'x' has dtype F8_E4M3; only F64, F32, F16, BF16 and I64 are read",
    ],
    [
      file('{"x":{"dtype":"toString","shape":[1],"data_offsets":[0,1]}}', new Uint8Array(1)),
      DTypeError,
      "safetensors.deserialize: 'x' has dtype toString; only F64, F32, F16, BF16 and I64 are read",
    ],
    [
      file('{"x":{"dtype":"F64","shape":[-1],"data_offsets":[0,8]}}', new Uint8Array(8)),
      ValueError,
      "safetensors.deserialize: 'x' has an invalid shape [-1]",
    ],
    [
      file('{"x":{"dtype":"F64","shape":[1],"data_offsets":[0]}}', new Uint8Array(8)),
      ValueError,
      "safetensors.deserialize: 'x' has invalid data_offsets [0]",
    ],
    [
      file('{"x":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}', new Uint8Array(8)),
      ValueError,
      "safetensors.deserialize: 'x' of shape [2] and dtype F64 needs 16 bytes, but data_offsets [0, 16] run past the 8-byte data block",
    ],
    [
      file('{"x":{"dtype":"F64","shape":[2],"data_offsets":[0,8]}}', new Uint8Array(16)),
      ValueError,
      "safetensors.deserialize: 'x' of shape [2] and dtype F64 needs 16 bytes, but data_offsets [0, 8] disagree",
    ],
    [
      file('{"x":{"dtype":"F64","shape":[1],"data_offsets":[8,16]}}', new Uint8Array(16)),
      ValueError,
      "safetensors.deserialize: 'x' starts at byte 8 of the data block, expected 0 (gap or overlap)",
    ],
    [
      file('{"x":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}', new Uint8Array(16)),
      ValueError,
      'safetensors.deserialize: the tensors cover 8 bytes but the data block holds 16',
    ],
  ];
  for (const [bytes, kind, message] of cases) {
    assert.throws(
      () => nn.safetensors.deserialize(bytes),
      (e: unknown) => e instanceof kind && (e as Error).message === message,
      message,
    );
  }
  assert.throws(
    () => nn.safetensors.deserialize(concat(u64(2), enc.encode('{x'))),
    (e: unknown) =>
      e instanceof ValueError &&
      /^safetensors\.deserialize: header is not valid JSON/.test((e as Error).message),
  );
});

test('saveFile and loadFile', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'normgrad-st-'));
  try {
    const path = join(dir, 't.safetensors');
    nn.safetensors.saveFile(
      {
        a: tensor([
          [1, 2],
          [3, 4],
        ]),
        b: tensor(0.1),
      },
      path,
    );
    const back = nn.safetensors.loadFile(path);
    assert.equal(back.a!.toArray(), [
      [1, 2],
      [3, 4],
    ]);
    assert.equal([...back.b!.shape], []);
    assert.is(back.b!.item(), 0.1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('F16 and BF16 files built by hand from the spec read as their exact values', () => {
  // python's safetensors package is not installed here, so the bytes are written out from the format:
  // F16 1, -2, 65504, 2^-24 (smallest subnormal), -0, inf; BF16 1, 0.333984375, -inf, NaN.
  const half = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000, 0x7c00];
  const bf = [0x3f80, 0x3eab, 0xff80, 0x7fc0];
  const data = new Uint8Array(2 * (half.length + bf.length));
  const view = new DataView(data.buffer);
  [...bf, ...half].forEach((bits, i) => view.setUint16(2 * i, bits, true));
  const bytes = file(
    '{"b":{"dtype":"BF16","shape":[2,2],"data_offsets":[0,8]},"h":{"dtype":"F16","shape":[2,3],"data_offsets":[8,20]}}',
    data,
  );
  const { tensors, dtypes } = nn.safetensors.deserialize(bytes);
  assert.equal(dtypes, { b: 'BF16', h: 'F16' });
  assert.equal([...tensors.h!.shape], [2, 3]);
  assert.equal(Array.from(tensors.h!.data), [1, -2, 65504, 2 ** -24, -0, Number.POSITIVE_INFINITY]);
  assert.ok(Object.is(tensors.h!.data[4], -0), 'the sign of zero survives');
  assert.equal([...tensors.b!.shape], [2, 2]);
  assert.equal(Array.from(tensors.b!.data.subarray(0, 3)), [1, 0.333984375, Number.NEGATIVE_INFINITY]);
  assert.ok(Number.isNaN(tensors.b!.data[3]));
});

test.run();
