import { writeFileSync } from 'node:fs';
import type { Tensor } from '../core/index.ts';
import type { Module } from '../nn/index.ts';
import { type ExportOptions, exportToBytes } from './export.ts';

/**
 * Writes the model as an ONNX file at `path`, as `torch.onnx.export(model, args, f, opset_version=...)`:
 * eval mode, the shapes of `sampleInput` (see `ExportOptions.dynamicAxes`), weights under
 * their state-dict keys. See `exportToBytes` for what is exportable.
 */
export function exportFile(model: Module, sampleInput: Tensor, path: string, opts: ExportOptions = {}): void {
  writeFileSync(path, exportToBytes(model, sampleInput, opts));
}
