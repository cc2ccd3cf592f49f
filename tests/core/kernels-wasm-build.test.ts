/**
 * The committed WebAssembly module bytes (core/kernels/wasm/modules.generated.ts)
 * are what the WAT sources assemble to today, so a fresh clone runs the kernel
 * its sources describe.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assembleAll } from '../../core/kernels/wasm/build.ts';
import { GEMM_PLAIN, GEMM_SHARED } from '../../core/kernels/wasm/modules.generated.ts';

const fromBase64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

test('the committed module bytes are what the WAT sources assemble to', async () => {
  const built = await assembleAll();
  assert.equal(
    [...built.GEMM.shared],
    [...fromBase64(GEMM_SHARED)],
    'shared-memory module: run npm run build:wasm',
  );
  assert.equal(
    [...built.GEMM.plain],
    [...fromBase64(GEMM_PLAIN)],
    'plain-memory module: run npm run build:wasm',
  );
});

test.run();
