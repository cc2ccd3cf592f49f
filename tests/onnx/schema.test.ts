/** The schema the encoder compiles is the committed onnx/onnx.proto, byte for byte. */
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ONNX_PROTO } from '../../onnx/schema.ts';

test('onnx/schema.ts embeds onnx/onnx.proto unchanged', () => {
  assert.is(ONNX_PROTO, readFileSync(new URL('../../onnx/onnx.proto', import.meta.url), 'utf8'));
});

test.run();
