import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Tensor, ValueError } from '../../core/index.ts';
import { mnist, mnistRows } from '../../data/index.ts';
import { throwsWith } from '../helpers/throws.ts';

/** The mnist package's own API, as an independent reader of the same digits. */
interface MnistDigit {
  id: number;
  length: number;
  get(i: number): number[];
}
const pkg = createRequire(import.meta.url)('mnist') as MnistDigit[];

/** One key per image, its 784 float64 values as bytes. */
function imageKeys(x: Tensor): string[] {
  const n = x.shape[0]!;
  const bytes = Buffer.from(x.data.buffer, x.data.byteOffset, x.data.byteLength);
  return Array.from({ length: n }, (_, i) => bytes.toString('base64', i * 784 * 8, (i + 1) * 784 * 8));
}

const split = mnist();

test('mnist: default shapes are 8000 / 2000 images of 784 pixels', () => {
  assert.equal(split.trainX.shape, [8000, 784]);
  assert.equal(split.trainY.shape, [8000]);
  assert.equal(split.testX.shape, [2000, 784]);
  assert.equal(split.testY.shape, [2000]);
});

test('mnist: grey levels lie in [0, 1] and use both ends; images are not blank', () => {
  for (const x of [split.trainX, split.testX]) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const v of x.data) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    assert.is(lo, 0);
    assert.is(hi, 1);
    const inkPerImage = Array.from(x.data).reduce((s, v) => s + v, 0) / x.shape[0]!;
    assert.ok(inkPerImage > 50 && inkPerImage < 200, `mean ink per image ${inkPerImage}`);
  }
});

test('mnist: labels are the integers 0..9, every class present and roughly balanced', () => {
  for (const y of [split.trainY, split.testY]) {
    const counts = new Array<number>(10).fill(0);
    for (const v of y.data) {
      assert.ok(Number.isInteger(v) && v >= 0 && v <= 9, `label ${v}`);
      counts[v]!++;
    }
    // The package holds 863 to 1127 images per class (8.6 % to 11.3 %); a random split keeps that.
    for (const [c, k] of counts.entries()) {
      assert.ok(k / y.numel() > 0.07 && k / y.numel() < 0.13, `class ${c}: ${k} of ${y.numel()}`);
    }
  }
});

test('mnist: train and test are disjoint and together hold every one of the 10,000 digits', () => {
  const train = new Set(imageKeys(split.trainX));
  const testKeys = imageKeys(split.testX);
  assert.is(train.size, 8000);
  assert.ok(
    testKeys.every((k) => !train.has(k)),
    'a test image is also in the training set',
  );
  assert.is(new Set([...train, ...testKeys]).size, 10000);
});

test("mnist: images and labels match the package's own digits exactly", () => {
  for (const i of [0, 1, 2, 100, 4321, 7999]) {
    const label = split.trainY.data[i]!;
    const row = Array.from(split.trainX.data.subarray(i * 784, (i + 1) * 784));
    const digit = pkg[label]!;
    let found = false;
    for (let k = 0; k < digit.length && !found; k++) {
      const img = digit.get(k);
      found = img.every((v, p) => v === row[p]);
    }
    assert.ok(found, `train image ${i} (label ${label}) is not among the package's ${label}s`);
  }
});

test('mnist: the split is fixed by the seed; another seed draws another one', () => {
  const a = mnist({ train: 300, test: 50, seed: 3 });
  const b = mnist({ train: 300, test: 50, seed: 3 });
  const c = mnist({ train: 300, test: 50, seed: 4 });
  assert.equal(a.trainX.shape, [300, 784]);
  assert.equal(a.testY.shape, [50]);
  assert.equal(Array.from(a.trainX.data), Array.from(b.trainX.data));
  assert.equal(Array.from(a.testY.data), Array.from(b.testY.data));
  assert.not.equal(Array.from(a.trainY.data), Array.from(c.trainY.data));
  // A smaller split with the same seed is a prefix of the larger one's training set.
  const small = mnist({ train: 100, test: 0, seed: 3 });
  assert.equal(Array.from(small.trainY.data), Array.from(a.trainY.data).slice(0, 100));
});

test('mnist: too many images, negative or fractional counts throw', () => {
  throwsWith(
    () => mnist({ train: 9000, test: 2000 }),
    ValueError,
    'mnist: train + test must be at most 10000, the number of digits in the mnist package ' +
      '(got train 9000 + test 2000 = 11000)',
  );
  throwsWith(() => mnist({ train: -1 }), ValueError, 'mnist: train must be a non-negative integer (got -1)');
  throwsWith(() => mnist({ test: 2.5 }), ValueError, 'mnist: test must be a non-negative integer (got 2.5)');
});

test('mnistRows: each image as 28 time steps of 28 pixels, the same split as mnist', () => {
  const rows = mnistRows({ train: 40, test: 10, seed: 1 });
  const flat = mnist({ train: 40, test: 10, seed: 1 });
  assert.equal(rows.trainX.shape, [40, 28, 28]);
  assert.equal(rows.testX.shape, [10, 28, 28]);
  assert.equal(Array.from(rows.trainX.data), Array.from(flat.trainX.data));
  assert.equal(Array.from(rows.testY.data), Array.from(flat.testY.data));
  // Time step t of image 0 is pixel row t.
  assert.equal(
    rows.trainX.select(0, 0).select(0, 14).toArray(),
    Array.from(flat.trainX.data.subarray(392, 420)),
  );
});

test('mnist cache: a corrupt cache file is replaced by a fresh parse; the binary cache reloads the same data', () => {
  const dirA = fs.mkdtempSync(path.join(os.tmpdir(), 'normgrad-mnist-'));
  const dirB = fs.mkdtempSync(path.join(os.tmpdir(), 'normgrad-mnist-'));
  try {
    const version = (createRequire(import.meta.url)('mnist/package.json') as { version: string }).version;
    const file = `mnist-${version}.bin`;
    fs.writeFileSync(path.join(dirA, file), 'not a cache');
    const parsed = mnist({ train: 200, test: 20, seed: 9, cacheDir: dirA });
    // 16-byte header, 256 float64 grey levels, 10,000 labels, 10,000 x 784 pixel codes.
    assert.is(fs.statSync(path.join(dirA, file)).size, 16 + 256 * 8 + 10000 + 10000 * 784);
    fs.copyFileSync(path.join(dirA, file), path.join(dirB, file));
    const reloaded = mnist({ train: 200, test: 20, seed: 9, cacheDir: dirB });
    const usual = mnist({ train: 200, test: 20, seed: 9 });
    for (const s of [reloaded, usual]) {
      assert.equal(Array.from(s.trainX.data), Array.from(parsed.trainX.data));
      assert.equal(Array.from(s.testY.data), Array.from(parsed.testY.data));
    }
  } finally {
    fs.rmSync(dirA, { recursive: true, force: true });
    fs.rmSync(dirB, { recursive: true, force: true });
  }
});

test.run();
