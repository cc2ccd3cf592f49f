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
 * c - c8 columns. Float64 only: a float32 BatchNorm runs the JS loops.
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
  ) {}

  /**
   * x (and g) as [n, c] float64, copied into wasm memory; null when the JS loops should run
   * instead: the JS backend, float32, fewer than NORM_WASM_MIN values or 8 columns, or no room.
   */
  static of(x: FloatArray, n: number, c: number, g?: FloatArray): WasmColumns | null {
    const c8 = c - (c % 8);
    if (getBackend() !== 'wasm' || c8 === 0 || x.length < NORM_WASM_MIN) return null;
    if (!(x instanceof Float64Array) || (g !== undefined && !(g instanceof Float64Array))) return null;
    const main = wasmRuntime();
    if (main === null) return null;
    const rt = soloRuntime(main);
    const size = align16(n * c * 8);
    const xAt = 16;
    const gAt = xAt + size;
    const outAt = gAt + (g === undefined ? 0 : size);
    const colAt = outAt + size;
    if (!ensureBytes(rt, colAt + 5 * align16(c * 8))) return null;
    rt.f64.set(x, xAt / 8);
    if (g !== undefined) rt.f64.set(g, gAt / 8);
    return new WasmColumns(rt, n, c, c8, xAt, gAt, outAt, colAt);
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
    const at = this.outAt / 8;
    out.set(this.rt.f64.subarray(at, at + this.n * this.c));
  }

  /** columnStats8 over the first c8 columns: mean[j] and the biased variance[j]. */
  stats(mean: Float64Array, variance: Float64Array): void {
    this.rt.norm.colStats(this.xAt, this.n, this.c, this.c8, this.col(0), this.col(1));
    this.get(0, mean);
    this.get(1, variance);
  }

  /** columnAffine8 over the first c8 columns, into out (whose other columns it leaves to the caller). */
  affine(out: FloatArray, mean: Float64Array, scale: Float64Array, shift: FloatArray): void {
    this.put(0, mean);
    this.put(1, scale);
    this.put(2, shift);
    const { n, c, c8 } = this;
    this.rt.norm.colAffine(this.xAt, this.outAt, n, c, c8, this.col(0), this.col(1), this.col(2));
    this.copyOut(out);
  }

  /** columnSums8 over the first c8 columns: Σ g, Σ g (x - μ), Σ (x - μ). */
  sums(mean: Float64Array, dbias: Float64Array, dweight: Float64Array, residue: Float64Array): void {
    this.put(0, mean);
    const { n, c, c8 } = this;
    this.rt.norm.colSums(this.gAt, this.xAt, n, c, c8, this.col(0), this.col(1), this.col(2), this.col(3));
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
    this.rt.norm.colGrad(
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
