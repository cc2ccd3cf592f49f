/**
 * The onnx namespace: `onnx.export(model, sampleInput, path, { opsetVersion })`
 * writes a trained module tree as an ONNX model that any ONNX runtime serves;
 * `onnx.exportToBytes` returns the same bytes (for a browser).
 *
 * @module
 */
export { type ExportOptions, exportToBytes, MAX_OPSET, MIN_OPSET } from './export.ts';
export { exportFile as export } from './file.ts';
export type { FloatType } from './graph.ts';
