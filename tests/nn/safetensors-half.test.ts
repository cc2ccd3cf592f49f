/**
 * F16 and BF16 decoding against PyTorch: all 65536 bit patterns of each, hashed
 * (tests/fixtures/half.json from make_half.py), plus the awkward patterns by value.
 */
import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bfloat16ToNumber, float16ToNumber } from '../../nn/safetensors-dtypes.ts';
import { fixtureNumber, loadFixture } from '../helpers/fixtures.ts';

interface HalfCase {
  name: 'float16' | 'bfloat16';
  sha256: string;
  nan_count: number;
  named: { bits: number; value: number | string }[];
}

const decoders = { float16: float16ToNumber, bfloat16: bfloat16ToNumber };
const { cases } = loadFixture<HalfCase>('half');

for (const c of cases) {
  const decode = decoders[c.name];

  test(`${c.name}: every one of the 65536 bit patterns decodes to PyTorch's float32`, () => {
    const out = new Float32Array(65536);
    let nans = 0;
    for (let b = 0; b < 65536; b++) {
      const v = decode(b);
      if (Number.isNaN(v)) nans++;
      else assert.is(Math.fround(v), v, `bits ${b} decode to a float32`);
      out[b] = v;
    }
    // One NaN bit pattern (0x7FC00000) for every NaN, as the fixture writes them.
    const raw = new Int32Array(out.buffer);
    for (let b = 0; b < 65536; b++) if (Number.isNaN(out[b]!)) raw[b] = 0x7fc00000;
    assert.is(nans, c.nan_count);
    assert.is(createHash('sha256').update(new Uint8Array(out.buffer)).digest('hex'), c.sha256);
  });

  test(`${c.name}: the awkward patterns by value (signed zeros, subnormals, extremes, infinities, NaN)`, () => {
    for (const { bits, value } of c.named) {
      const want = fixtureNumber(value);
      const got = decode(bits);
      if (Number.isNaN(want)) assert.ok(Number.isNaN(got), `bits 0x${bits.toString(16)}`);
      else assert.ok(Object.is(got, want), `bits 0x${bits.toString(16)}: ${got} vs ${want}`);
    }
  });
}

test('the formula in the module comment, checked by hand on four patterns', () => {
  assert.is(float16ToNumber(0x3c00), 1);
  assert.is(float16ToNumber(0x0001), 2 ** -24);
  assert.is(float16ToNumber(0x7bff), 65504);
  assert.is(bfloat16ToNumber(0x4049), 3.140625); // the upper half of float32(π) truncated
});

test.run();
