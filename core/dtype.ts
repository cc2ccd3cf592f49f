/**
 * Element types. A tensor's storage is a Float32Array or a Float64Array, and the
 * storage's class IS its dtype: nothing else records it, so a kernel reads the
 * dtype off its input arrays and no tensor can disagree with its own data.
 *
 * The default dtype (what creation functions make when not told) is float64, as
 * a framework for checking things wants; `setDefaultDtype('float32')` switches it,
 * as `torch.set_default_dtype`. This file imports nothing but the errors, so the
 * kernels can use it without reaching up into tensors.
 */
import { ValueError } from './errors.ts';
import { suggest } from './suggest.ts';

/** The element types of tensor storage: `'float32'` or `'float64'` (PyTorch's torch.float32 / torch.float64). */
export type DType = 'float32' | 'float64';
/** A tensor's storage: its class is its dtype. */
export type FloatArray = Float32Array | Float64Array;

/**
 * Names a PyTorch or NumPy user may type, with what to write instead. float16 and
 * bfloat16 are storage formats normgrad reads (safetensors) but does not compute in.
 */
const HINTS: Readonly<Record<string, string>> = {
  float: "did you mean 'float32'? (PyTorch's torch.float is float32)",
  double: "did you mean 'float64'? (PyTorch's torch.double is float64)",
  'torch.float': "did you mean 'float32'?",
  'torch.double': "did you mean 'float64'?",
  'torch.float32': "did you mean 'float32'? (the name without 'torch.')",
  'torch.float64': "did you mean 'float64'? (the name without 'torch.')",
  f32: "did you mean 'float32'?",
  f64: "did you mean 'float64'?",
  F32: "did you mean 'float32'? (F32 is the safetensors name)",
  F64: "did you mean 'float64'? (F64 is the safetensors name)",
  float16: 'tensors compute in float32 or float64 only; half precision is a storage format here',
  half: 'tensors compute in float32 or float64 only; half precision is a storage format here',
  bfloat16: 'tensors compute in float32 or float64 only; bfloat16 is a storage format here',
  int64: 'integer tensors do not exist here: indices and class labels are float64 (exact up to 2^53)',
  long: 'integer tensors do not exist here: indices and class labels are float64 (exact up to 2^53)',
  int32: 'integer tensors do not exist here: indices and class labels are float64 (exact up to 2^53)',
};

/** `v` must be a dtype name: returns it, or throws a ValueError naming the caller, the argument and what it got. */
export function checkDtype(who: string, arg: string, v: unknown): DType {
  if (v === 'float32' || v === 'float64') return v;
  const got =
    typeof v === 'string' ? `'${v}'` : v === null || v === undefined ? String(v) : `${typeof v} ${String(v)}`;
  const hint = typeof v === 'string' ? (HINTS[v] ?? HINTS[v.toLowerCase()]) : undefined;
  const tail = hint === undefined ? suggest(v, ['float32', 'float64']) : `; ${hint}`;
  throw new ValueError(`${who}: ${arg} must be 'float32' or 'float64', got ${got}${tail}`);
}

let defaultDtype: DType = 'float64';

/**
 * Sets the dtype that creation functions (`tensor`, `zeros`, `randn`, ...) and
 * nn layers use when not told, as `torch.set_default_dtype`. normgrad's default
 * is float64 (PyTorch's is float32): a framework for checking things wants its
 * numbers exact first.
 */
export function setDefaultDtype(d: DType): void {
  defaultDtype = checkDtype('setDefaultDtype', 'dtype', d);
}

/** The dtype creation functions use when not told: 'float64' unless `setDefaultDtype` changed it. */
export function getDefaultDtype(): DType {
  return defaultDtype;
}

/** The dtype of a storage array: its class. */
export function dtypeOf(a: FloatArray): DType {
  return a instanceof Float32Array ? 'float32' : 'float64';
}

/** A zero-filled array of n elements of `dtype`. */
export function newArray(dtype: DType, n: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

/** A copy of `values` in `dtype` (rounded to float32 when that is the dtype). */
export function arrayFrom(dtype: DType, values: ArrayLike<number>): FloatArray {
  return dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
}

/** The dtype of a result computed from these two, as PyTorch's type promotion: float64 if either is. */
export function promoteTypes(a: DType, b: DType): DType {
  return a === 'float64' || b === 'float64' ? 'float64' : 'float32';
}

/** Bytes per element, as `torch.Tensor.element_size()`. */
export function sizeOf(dtype: DType): number {
  return dtype === 'float32' ? 4 : 8;
}
