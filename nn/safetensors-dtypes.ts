/**
 * The safetensors dtypes normgrad reads and writes, each with its size, its
 * place in the reference's sort order and its little-endian codec. F64 and F32
 * are normgrad's own dtypes; I64 holds integer buffers (`num_batches_tracked`);
 * F16 and BF16 are what downloaded weights often come in, read into float32
 * (every value of either is exactly a float32), never written.
 *
 * float16 (IEEE 754 binary16): 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits:
 *
 *     e = 0:       (-1)^s · 2^-14 · f / 2^10        (zero and subnormals, down to 2^-24)
 *     0 < e < 31:  (-1)^s · 2^(e-15) · (1 + f / 2^10)  (largest 65504)
 *     e = 31:      ±Infinity if f = 0, else NaN
 *
 * bfloat16 is the upper half of a float32 (1 sign, 8 exponent, 7 fraction bits),
 * so its value is the float32 whose bits are its 16 bits followed by 16 zeros.
 *
 * @module
 */

/** The storage dtypes of a safetensors file that normgrad handles. */
export type SafetensorsDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64';

/** Storage dtypes `serialize` writes (F16 and BF16 are read only). */
export type WritableDType = 'F64' | 'F32' | 'I64';

/** How one storage dtype sits in the file. */
interface Codec {
  /** Bytes per element. */
  size: number;
  /** Position in the reference's `Dtype` enum (ordered by alignment); its writer sorts by it, descending. */
  rank: number;
}

// Ranks from the reference's Dtype enum: BOOL < U8 < I8 < F8_E5M2 < F8_E4M3 < I16 < U16 < F16 < BF16
// < I32 < U32 < F32 < F64 < I64 < U64.
const CODECS: Record<SafetensorsDType, Codec> = {
  F16: { size: 2, rank: 7 },
  BF16: { size: 2, rank: 8 },
  F32: { size: 4, rank: 11 },
  F64: { size: 8, rank: 12 },
  I64: { size: 8, rank: 13 },
};

/** Whether `s` names a dtype this reader handles. */
export const isDType = (s: unknown): s is SafetensorsDType =>
  typeof s === 'string' && Object.hasOwn(CODECS, s);

/** Whether `s` names a dtype the writer writes. */
export const isWritable = (s: unknown): s is WritableDType => s === 'F64' || s === 'F32' || s === 'I64';

/** Bytes per element of a storage dtype. */
export const sizeOf = (d: SafetensorsDType): number => CODECS[d].size;

/** The reference writer's order key of a storage dtype (higher first). */
export const rankOf = (d: SafetensorsDType): number => CODECS[d].rank;

/** The value of the float16 with bits `h` (exact in a float32). */
export function float16ToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return sign * f * 2 ** -24;
  if (e === 31) return f === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + f / 1024) * 2 ** (e - 15);
}

const widen = new DataView(new ArrayBuffer(4));

/** The value of the bfloat16 with bits `b`: the float32 with bits `b << 16`. */
export function bfloat16ToNumber(b: number): number {
  widen.setUint32(0, (b & 0xffff) << 16);
  return widen.getFloat32(0);
}

/** The element of `dtype` at byte `p` of `view` (I64 as a BigInt, for the caller's range check). */
export function readElement(view: DataView, p: number, dtype: SafetensorsDType): number | bigint {
  switch (dtype) {
    case 'F64':
      return view.getFloat64(p, true);
    case 'F32':
      return view.getFloat32(p, true);
    case 'F16':
      return float16ToNumber(view.getUint16(p, true));
    case 'BF16':
      return bfloat16ToNumber(view.getUint16(p, true));
    case 'I64':
      return view.getBigInt64(p, true);
  }
}

/** Writes `v` as `dtype` at byte `p` of `view` (F32 rounds to nearest, I64 needs a safe integer). */
export function writeElement(view: DataView, p: number, dtype: WritableDType, v: number): void {
  if (dtype === 'F64') view.setFloat64(p, v, true);
  else if (dtype === 'F32') view.setFloat32(p, v, true);
  else view.setBigInt64(p, BigInt(v), true);
}
