/** Rounding bounds per dtype: float64 keeps each criterion's own bound, float32 takes torch.testing's float32 tolerances. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FLOAT32_CLOSE, roundingBound, roundingNote } from '../../examples/lib/rounding.ts';

test('a float64 run keeps the bound the criterion was written with, absolute or relative', () => {
  assert.is(roundingBound(1e-12, 'float64', 'absolute'), 1e-12);
  assert.is(roundingBound(1e-9, 'float64', 'relative'), 1e-9);
});

test("a float32 run uses torch.testing.assert_close's float32 defaults: atol 1e-5, rtol 1.3e-6", () => {
  assert.equal(FLOAT32_CLOSE, { atol: 1e-5, rtol: 1.3e-6 });
  assert.is(roundingBound(1e-12, 'float32', 'absolute'), 1e-5);
  assert.is(roundingBound(1e-9, 'float32', 'relative'), 1.3e-6);
});

test('the criterion note is empty in float64 (criterion texts and their hashes stay as they were) and names both tolerances in float32', () => {
  assert.is(roundingNote('float64'), '');
  const note = roundingNote('float32');
  assert.match(note, 'float32 run');
  assert.match(note, '1e-5 absolute');
  assert.match(note, '1.3e-6 relative');
});

test.run();
