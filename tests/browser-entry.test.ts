/**
 * The browser entry (browser.ts): it bundles for a browser with no Node-only
 * import, exports what index.ts does except the MNIST loaders, and its file
 * forms (bytes in, bytes out) round-trip a module. Runs in `npm test`, no browser needed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as browser from '../browser.ts';
import * as node from '../index.ts';

const bundle = (entry: string) =>
  build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });

test('browser.ts bundles for the browser: every module in the bundle is a file, none a node: builtin', async () => {
  // For the browser platform esbuild fails on a node: import it cannot resolve; the metafile says what went in.
  const out = await bundle('browser.ts');
  const inputs = Object.keys(out.metafile.inputs);
  assert.ok(inputs.some((f) => f.endsWith('core/engine.ts')));
  assert.equal(
    inputs.filter((f) => f.startsWith('node:')),
    [],
  );
  const imports = Object.values(out.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
  assert.equal(
    imports.filter((p) => p.startsWith('node:')),
    [],
  );
});

test('index.ts does not bundle for the browser (MNIST reads files), which is why browser.ts exists', async () => {
  try {
    await bundle('index.ts');
  } catch (e) {
    assert.match(String((e as Error).message), /node:(fs|module|path)/);
    return;
  }
  assert.unreachable('index.ts bundled for the browser');
});

test('browser.ts exports what index.ts does, except the MNIST loaders in data', () => {
  const keys = (o: object) => Object.keys(o).sort();
  assert.equal(keys(browser), keys(node));
  assert.equal(keys(browser.nn), keys(node.nn));
  assert.equal(keys(browser.optim), keys(node.optim));
  const onlyNode = keys(node.data).filter((k) => !(k in browser.data));
  assert.equal(onlyNode, ['MNIST_PIXELS', 'MNIST_TOTAL', 'mnist', 'mnistRows']);
  assert.equal(
    keys(browser.data).filter((k) => !(k in node.data)),
    [],
  );
});

function model(seed: number) {
  browser.manualSeed(seed);
  return new browser.nn.Sequential(
    new browser.nn.Linear(3, 4),
    new browser.nn.BatchNorm1d(4),
    new browser.nn.Linear(4, 2),
  );
}

test('Module.serialize gives the bytes save(path) writes; load takes them back as an ArrayBuffer or Uint8Array', () => {
  const a = model(1);
  a.train();
  a.forward(browser.randn([5, 3])); // moves the running statistics and num_batches_tracked
  const bytes = a.serialize({ metadata: { format: 'pt' } });
  const dir = mkdtempSync(join(tmpdir(), 'normgrad-browser-'));
  try {
    a.save(join(dir, 'a.safetensors'), { metadata: { format: 'pt' } });
    assert.equal(Array.from(readFileSync(join(dir, 'a.safetensors'))), Array.from(bytes));
  } finally {
    rmSync(dir, { recursive: true });
  }
  for (const source of [bytes, bytes.slice().buffer]) {
    const b = model(2);
    assert.equal(b.load(source), { missingKeys: [], unexpectedKeys: [] });
    const [sa, sb] = [a.stateDict(), b.stateDict()];
    for (const k of Object.keys(sa)) assert.equal(Array.from(sb[k]!.data), Array.from(sa[k]!.data), k);
  }
});

test('nn.safetensors.save / load: bytes of a safetensors file and back, as safetensors.torch.save / load', () => {
  const t = {
    w: browser.tensor([
      [1.5, -2],
      [0, 3],
    ]),
  };
  const bytes = browser.nn.safetensors.save(t);
  assert.equal(bytes, browser.nn.safetensors.serialize(t));
  const back = browser.nn.safetensors.load(bytes.slice().buffer);
  assert.equal(back['w']!.shape, [2, 2]);
  assert.equal(Array.from(back['w']!.data), [1.5, -2, 0, 3]);
  assert.throws(
    () => browser.nn.safetensors.load('weights.safetensors' as unknown as Uint8Array),
    (e: Error) =>
      e instanceof browser.ValueError &&
      e.message === 'safetensors.load: data must be an ArrayBuffer or Uint8Array (got string)',
  );
});

test.run();
