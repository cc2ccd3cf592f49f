import { NormgradError, type Tensor } from '../core/index.ts';
import type { Module } from '../nn/index.ts';
import { type ExportOptions, exportToBytes } from './export.ts';

/**
 * Writes the model as an ONNX file at `path`, as `torch.onnx.export(model, args, f, opset_version=...)`:
 * eval mode, the shapes of `sampleInput` (see `ExportOptions.dynamicAxes`), weights under
 * their state-dict keys. See `exportToBytes` for what is exportable. Node's `fs` is looked up
 * here rather than imported, so the onnx namespace also bundles for browsers, which use
 * `exportToBytes`.
 */
export function exportFile(model: Module, sampleInput: Tensor, path: string, opts: ExportOptions = {}): void {
  const bytes = exportToBytes(model, sampleInput, opts);
  const fs = globalThis.process?.getBuiltinModule?.('node:fs');
  if (fs === undefined) {
    throw new NormgradError(
      "onnx.export: a file path needs Node's file system; in a browser use onnx.exportToBytes",
    );
  }
  fs.writeFileSync(path, bytes);
}
