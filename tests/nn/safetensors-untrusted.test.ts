/**
 * The safetensors reader on untrusted files: each malformation the issue lists
 * gets its exact error, a file that fails to load leaves a module unchanged, and
 * a few hundred fuzz cases (the same generator `npm run fuzz` runs 100,000 of)
 * all end in a load or a library error.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DTypeError, tensor, ValueError } from '../../core/index.ts';
import { readCase, runFuzz } from '../../fuzz/safetensors.ts';
import * as nn from '../../nn/index.ts';

const enc = new TextEncoder();
/** A file from a header text (length field set to its length) and a data block. */
const file = (header: string, data: Uint8Array = new Uint8Array(0), length?: bigint) => {
  const h = enc.encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
};
const entry = (dtype: string, shape: unknown, offsets: unknown) =>
  JSON.stringify({ dtype, shape, data_offsets: offsets });

test('every malformation the issue lists gets a clear error', () => {
  const cases: [string, Uint8Array, typeof ValueError, string][] = [
    [
      'length above the bound',
      file('{}', new Uint8Array(0), 2n ** 64n - 1n),
      ValueError,
      'safetensors.deserialize: header length 18446744073709551615 is above the 100000000-byte limit',
    ],
    [
      'length past the end',
      file('{}', new Uint8Array(0), 4096n),
      ValueError,
      'safetensors.deserialize: header length 4096 runs past the end of the 10-byte file',
    ],
    [
      'header not UTF-8',
      (() => {
        const f = file('{"a":1}');
        f[9] = 0xff;
        return f;
      })(),
      ValueError,
      'safetensors.deserialize: header is not valid UTF-8',
    ],
    ['header a number', file('42'), ValueError, 'safetensors.deserialize: header is not a JSON object'],
    ['header null', file('null'), ValueError, 'safetensors.deserialize: header is not a JSON object'],
    [
      'entry not an object',
      file('{"w":[1,2]}'),
      ValueError,
      "safetensors.deserialize: 'w' is an array [1,2], expected { dtype, shape, data_offsets }",
    ],
    [
      'duplicate key',
      file(`{"w":${entry('F64', [1], [0, 8])},"w":${entry('F64', [1], [8, 16])}}`, new Uint8Array(16)),
      ValueError,
      'safetensors.deserialize: header has the key "w" twice',
    ],
    [
      'duplicate field',
      file('{"w":{"dtype":"F64","dtype":"F32","shape":[1],"data_offsets":[0,8]}}', new Uint8Array(8)),
      ValueError,
      'safetensors.deserialize: header has the key "dtype" twice',
    ],
    [
      'unknown dtype',
      file(`{"w":${entry('I32', [1], [0, 4])}}`, new Uint8Array(4)),
      DTypeError,
      "safetensors.deserialize: 'w' has dtype I32; only F64, F32, F16, BF16 and I64 are read",
    ],
    [
      'negative dim',
      file(`{"w":${entry('F64', [2, -1], [0, 8])}}`, new Uint8Array(8)),
      ValueError,
      "safetensors.deserialize: 'w' has an invalid shape [2,-1]",
    ],
    [
      'fractional dim',
      file(`{"w":${entry('F64', [1.5], [0, 8])}}`, new Uint8Array(8)),
      ValueError,
      "safetensors.deserialize: 'w' has an invalid shape [1.5]",
    ],
    [
      'enormous dims',
      file(`{"w":${entry('F64', [2 ** 40, 2 ** 40, 2 ** 40], [0, 8])}}`, new Uint8Array(8)),
      ValueError,
      "safetensors.deserialize: 'w' of shape [1099511627776,1099511627776,1099511627776] and dtype F64 needs more bytes than the 8-byte data block holds",
    ],
    [
      'dim above 2^53',
      file(`{"w":${entry('F64', [1e300], [0, 8])}}`, new Uint8Array(8)),
      ValueError,
      "safetensors.deserialize: 'w' has an invalid shape [1e+300]",
    ],
    [
      'negative offset',
      file(`{"w":${entry('F64', [1], [-8, 0])}}`, new Uint8Array(8)),
      ValueError,
      "safetensors.deserialize: 'w' has invalid data_offsets [-8,0]",
    ],
    [
      'offsets past the data',
      file(`{"w":${entry('F64', [1], [8, 16])}}`, new Uint8Array(8)),
      ValueError,
      "safetensors.deserialize: 'w' of shape [1] and dtype F64 needs 8 bytes, but data_offsets [8, 16] run past the 8-byte data block",
    ],
    [
      'size disagrees with shape',
      file(`{"w":${entry('F32', [3], [0, 8])}}`, new Uint8Array(12)),
      ValueError,
      "safetensors.deserialize: 'w' of shape [3] and dtype F32 needs 12 bytes, but data_offsets [0, 8] disagree",
    ],
    [
      'overlap',
      file(`{"a":${entry('F64', [2], [0, 16])},"b":${entry('F64', [1], [8, 16])}}`, new Uint8Array(16)),
      ValueError,
      "safetensors.deserialize: 'b' starts at byte 8 of the data block, expected 16 (gap or overlap)",
    ],
    [
      'gap',
      file(`{"a":${entry('F64', [1], [8, 16])}}`, new Uint8Array(16)),
      ValueError,
      "safetensors.deserialize: 'a' starts at byte 8 of the data block, expected 0 (gap or overlap)",
    ],
    [
      'trailing bytes',
      file(`{"a":${entry('F64', [1], [0, 8])}}`, new Uint8Array(9)),
      ValueError,
      'safetensors.deserialize: the tensors cover 8 bytes but the data block holds 9',
    ],
    [
      'metadata not strings',
      file('{"__metadata__":{"format":1}}'),
      ValueError,
      "safetensors.deserialize: __metadata__ entry 'format' is number 1, expected a string",
    ],
    [
      'I64 beyond 2^53',
      file(`{"n":${entry('I64', [1], [0, 8])}}`, new Uint8Array([1, 0, 0, 0, 0, 0, 0x20, 0])),
      ValueError,
      "safetensors.deserialize: 'n' (I64) holds 9007199254740993 at flat index 0, which a float64 cannot hold exactly",
    ],
    [
      'not bytes',
      'abc' as unknown as Uint8Array,
      ValueError,
      "safetensors.deserialize: expected the file's bytes as a Uint8Array, got string 'abc'",
    ],
  ];
  const wrong: string[] = [];
  for (const [what, bytes, kind, message] of cases) {
    try {
      nn.safetensors.deserialize(bytes);
      wrong.push(`${what}: loaded`);
    } catch (e) {
      if (!(e instanceof kind) || e.message !== message) wrong.push(`${what}: ${String(e)}`);
    }
  }
  assert.equal(wrong, []);
});

test('a tensor named __proto__ is a key like any other', () => {
  const bytes = file(`{"__proto__":${entry('F64', [1], [0, 8])}}`, new Uint8Array(8));
  const { tensors } = nn.safetensors.deserialize(bytes);
  assert.equal(Object.keys(tensors), ['__proto__']);
  assert.is(Object.getPrototypeOf(tensors), Object.prototype);
});

test('a module whose file fails to load is left exactly as it was', () => {
  const dir = mkdtempSync(join(tmpdir(), 'normgrad-st-'));
  try {
    const m = new nn.Linear(2, 2);
    const good = nn.safetensors.serialize({
      weight: tensor([
        [1, 2],
        [3, 4],
      ]),
      bias: tensor([5, 6]),
    });
    // the bias entry's end offset is one past the data: the weight entry alone would fit
    const bad = good.slice(0, good.length - 1);
    const path = join(dir, 'bad.safetensors');
    writeFileSync(path, bad);
    const before = [...m.weight.data, ...m.bias!.data];
    assert.throws(
      () => m.load(path),
      (e: unknown) => e instanceof ValueError,
    );
    assert.equal([...m.weight.data, ...m.bias!.data], before);
    assert.throws(
      () => m.load(join(dir, 'missing.safetensors')),
      (e: unknown) =>
        e instanceof ValueError &&
        /^safetensors\.loadFile: cannot read '.*missing\.safetensors' \(ENOENT\)$/.test(e.message),
    );
    // Saving into a folder that does not exist names the library function, not Node's open().
    assert.throws(
      () => m.save(join(dir, 'no-such-folder', 'm.safetensors')),
      (e: unknown) =>
        e instanceof ValueError &&
        /^safetensors\.saveFile: cannot write '.*no-such-folder.*' \(ENOENT\)$/.test(e.message),
    );
    assert.throws(
      () => nn.safetensors.saveFile({ w: m.weight }, 7 as unknown as string),
      (e: unknown) =>
        e instanceof ValueError && e.message === 'safetensors.saveFile: path must be a string, got number 7',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fuzz: 300 mutated and generated files all load or throw a library error', () => {
  const report = runFuzz(300, 14);
  assert.is(report.cases, 300);
  assert.equal(report.crashes, []);
  assert.ok((report.outcomes.get('ok') ?? 0) > 0, 'some files are valid');
  assert.ok(report.outcomes.size >= 10, `only ${report.outcomes.size} outcome classes`);
});

test('fuzz: readCase reports an error from the insides as a crash', () => {
  assert.equal(readCase(new Uint8Array(3)).crash, null);
  assert.is(
    readCase(new Uint8Array(3)).outcome,
    'ValueError: safetensors.deserialize: file of N bytes is shorter than the N-byte header length',
  );
});

test.run();
