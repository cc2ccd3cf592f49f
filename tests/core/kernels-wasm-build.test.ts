/**
 * The committed WebAssembly module bytes (core/kernels/wasm/modules.generated.ts)
 * are what the WAT sources assemble to today, so a fresh clone runs the kernels
 * their sources describe.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assembleAll, SOURCES } from '../../core/kernels/wasm/build.ts';
import * as committed from '../../core/kernels/wasm/modules.generated.ts';

const fromBase64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

test('the committed module bytes are what the WAT sources assemble to', async () => {
  const built = await assembleAll();
  const table = committed as Record<string, string>;
  for (const name of Object.keys(SOURCES) as (keyof typeof SOURCES)[]) {
    for (const memory of ['shared', 'plain'] as const) {
      const bytes = table[`${name}_${memory.toUpperCase()}`];
      assert.ok(
        bytes !== undefined,
        `${name} ${memory}: missing from modules.generated.ts; run npm run build:wasm`,
      );
      assert.equal(
        [...built[name][memory]],
        [...fromBase64(bytes)],
        `${name} ${memory}: run npm run build:wasm`,
      );
    }
  }
  assert.is(Object.keys(table).length, 2 * Object.keys(SOURCES).length, 'no stale modules');
});

test('every module is at most 4 KB, so a browser compiles it synchronously on its main thread', async () => {
  // Chrome refuses `new WebAssembly.Module` past 4 KB on the main thread; the lab loads there.
  for (const [name, { shared, plain }] of Object.entries(await assembleAll())) {
    assert.ok(shared.length <= 4096 && plain.length <= 4096, `${name}: ${shared.length} bytes`);
  }
});

test.run();
