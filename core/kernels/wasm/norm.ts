/**
 * BatchNorm's [N, C] column loops on the WASM backend (norm.wat): the same
 * operations in the same order as the JS loops of batchnorm.ts and
 * batchnorm-backward.ts, so the backends agree bit for bit.
 *
 * A `WasmColumns` copies x (and, for the gradient, g) into the plain
 * one-thread memory once (`soloRuntime`: memcpy speed, no other thread), runs
 * the passes the kernel needs over the first c8 columns (a multiple of 8)
 * there, and copies the output back; the caller computes the per-column
 * constants between the passes (one formula, in the JS kernel) and the last
 * c - c8 columns. Float32 data is read as float64 and each result rounded once
 * to float32, as the JS loops do; the per-column arrays are float64 in both.
 *
 * Memory layout of one call: x | g (gradient only) | out | five per-column
 * float64 arrays of c values.
 */
import type { FloatArray } from '../../dtype.ts';
import { getBackend } from '../backend.ts';
import { ensureBytes, type Runtime, soloRuntime, wasmRuntime } from './runtime.ts';

/**
 * Below this many values the JS loops run: the copies and the call cost about what the SIMD
 * passes save (see core/kernels/README.md, "BatchNorm in WebAssembly").
 */
export const NORM_WASM_MIN = 2048;

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

export class WasmColumns {
  private constructor(
    private readonly rt: Runtime,
    private readonly n: number,
    private readonly c: number,
    /** The columns done here: c rounded down to a multiple of 8. */
    readonly c8: number,
    private readonly xAt: number,
    private readonly gAt: number,
    private readonly outAt: number,
    private readonly colAt: number,
    private readonly f32: boolean,
  ) {}

  /**
   * x (and g) as [n, c], copied into wasm memory; null when the JS loops should run instead: the
   * JS backend, fewer than NORM_WASM_MIN values or 8 columns, or no room.
   */
  static of(x: FloatArray, n: number, c: number, g?: FloatArray): WasmColumns | null {
    const c8 = c - (c % 8);
    if (getBackend() !== 'wasm' || c8 === 0 || x.length < NORM_WASM_MIN) return null;
    const f32 = x instanceof Float32Array;
    if (g !== undefined && g instanceof Float32Array !== f32) return null; // the op promotes first
    const main = wasmRuntime();
    if (main === null) return null;
    const rt = soloRuntime(main);
    const bytes = f32 ? 4 : 8;
    const size = align16(n * c * bytes);
    const xAt = 16;
    const gAt = xAt + size;
    const outAt = gAt + (g === undefined ? 0 : size);
    const colAt = outAt + size;
    if (!ensureBytes(rt, colAt + 5 * align16(c * 8))) return null;
    const view = f32 ? rt.f32 : rt.f64;
    view.set(x, xAt / bytes);
    if (g !== undefined) view.set(g, gAt / bytes);
    return new WasmColumns(rt, n, c, c8, xAt, gAt, outAt, colAt, f32);
  }

  /** Byte address of per-column array i (0..4). */
  private col(i: number): number {
    return this.colAt + i * align16(this.c * 8);
  }

  private put(i: number, values: FloatArray): void {
    this.rt.f64.set(values.subarray(0, this.c8), this.col(i) / 8);
  }

  private get(i: number, into: Float64Array): void {
    const at = this.col(i) / 8;
    into.set(this.rt.f64.subarray(at, at + this.c8));
  }

  /** All n * c values of the output (its last c - c8 columns are the caller's to write after). */
  private copyOut(out: FloatArray): void {
    const [view, bytes] = this.f32 ? [this.rt.f32, 4] : [this.rt.f64, 8];
    const at = this.outAt / bytes;
    out.set(view.subarray(at, at + this.n * this.c));
  }

  /** columnStats8 over the first c8 columns: mean[j] and the biased variance[j]. */
  stats(mean: Float64Array, variance: Float64Array): void {
    this.rt.norm[this.f32 ? 'colStats32' : 'colStats'](this.xAt, this.n, this.c, this.c8, this.col(0), this.col(1));
    this.get(0, mean);
    this.get(1, variance);
  }

  /** columnAffine8 over the first c8 columns, into out (whose other columns it leaves to the caller). */
  affine(out: FloatArray, mean: Float64Array, scale: Float64Array, shift: FloatArray): void {
    this.put(0, mean);
    this.put(1, scale);
    this.put(2, shift);
    const { n, c, c8 } = this;
    this.rt.norm[this.f32 ? 'colAffine32' : 'colAffine'](this.xAt, this.outAt, n, c, c8, this.col(0), this.col(1), this.col(2));
    this.copyOut(out);
  }

  /** columnSums8 over the first c8 columns: Σ g, Σ g (x - μ), Σ (x - μ). */
  sums(mean: Float64Array, dbias: Float64Array, dweight: Float64Array, residue: Float64Array): void {
    this.put(0, mean);
    const { n, c, c8 } = this;
    this.rt.norm[this.f32 ? 'colSums32' : 'colSums'](this.gAt, this.xAt, n, c, c8, this.col(0), this.col(1), this.col(2), this.col(3));
    this.get(1, dbias);
    this.get(2, dweight);
    this.get(3, residue);
  }

  /** columnGrad8 over the first c8 columns, into dx (whose other columns it leaves to the caller). */
  grad(
    dx: FloatArray,
    k: { mean: Float64Array; r: Float64Array; k: Float64Array; gMean: Float64Array; q: Float64Array },
  ): void {
    this.put(0, k.mean);
    this.put(1, k.r);
    this.put(2, k.k);
    this.put(3, k.gMean);
    this.put(4, k.q);
    const { n, c, c8 } = this;
    this.rt.norm[this.f32 ? 'colGrad32' : 'colGrad'](
      this.gAt,
      this.xAt,
      this.outAt,
      n,
      c,
      c8,
      this.col(0),
      this.col(1),
      this.col(2),
      this.col(3),
      this.col(4),
    );
    this.copyOut(dx);
  }
}
