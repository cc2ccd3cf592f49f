/**
 * BatchNorm's channel loops on the WASM backend: the same operations in the
 * same order as the JS loops of batchnorm.ts and batchnorm-backward.ts, so the
 * backends agree bit for bit. x is [N, C, S] with one group per channel:
 * norm.wat takes S = 1 ([N, C], a channel per column), channels.wat S > 1
 * (a channel is N runs of S values).
 *
 * A `WasmChannels` copies x (and, for the gradient, g) into the plain
 * one-thread memory once (stage.ts: memcpy speed, no other thread), runs
 * the passes the kernel needs over the first `done` channels there (a multiple
 * of 8 columns, or of 4 channels), and copies the output back; the caller
 * computes the per-channel constants between the passes (one formula, in the
 * JS kernel) and the last c - done channels. Float32 data is read as float64
 * and each result rounded once to float32, as the JS loops do; the
 * per-channel arrays are float64 in both.
 *
 * Memory layout of one call (stage.ts): x | g (gradient only) | out | five
 * per-channel float64 arrays of c values.
 */
import type { FloatArray } from '../../dtype.ts';
import { align16, type Staged, StagedCall, stage, unstage } from './stage.ts';

/**
 * Below this many values the JS loops run: the copies and the call cost about what the SIMD
 * passes save (see core/kernels/README.md, "Elementwise and BatchNorm in WebAssembly").
 */
export const NORM_WASM_MIN = 2048;

/** The per-channel constants of the gradient's last pass (batchnorm-backward.ts). */
export interface GradConstants {
  mean: Float64Array;
  r: Float64Array;
  k: Float64Array;
  gMean: Float64Array;
  q: Float64Array;
}

export class WasmChannels extends StagedCall {
  private constructor(
    st: Staged,
    private readonly n: number,
    private readonly c: number,
    private readonly s: number,
    /** The channels done here: the first c rounded down to 8 (s = 1) or 4 (s > 1). */
    readonly done: number,
  ) {
    super(st);
  }

  /**
   * x (and g) as [n, c, s], copied into wasm memory; null when the JS loops should run instead:
   * the JS backend, fewer than NORM_WASM_MIN values or than 8 columns / 4 channels, or no room.
   */
  static of(x: FloatArray, n: number, c: number, s: number, g?: FloatArray): WasmChannels | null {
    const done = s === 1 ? c - (c % 8) : c - (c % 4);
    if (done === 0 || x.length < NORM_WASM_MIN) return null;
    const st = stage(g === undefined ? [x] : [x, g], 5 * align16(c * 8));
    return st === null ? null : new WasmChannels(st, n, c, s, done);
  }

  /** Byte address of per-channel array i (0..4). */
  private col(i: number): number {
    return this.st.scratchAt + i * align16(this.c * 8);
  }

  private put(i: number, values: FloatArray): void {
    this.rt.f64.set(values.subarray(0, this.done), this.col(i) / 8);
  }

  private get(i: number, into: Float64Array): void {
    const at = this.col(i) / 8;
    into.set(this.rt.f64.subarray(at, at + this.done));
  }

  /** The statistics pass: mean and biased variance of the first `done` channels. */
  stats(mean: Float64Array, variance: Float64Array): void {
    const { n, c, s, done, xAt } = this;
    if (s === 1)
      this.rt.norm[this.f32 ? 'colStats32' : 'colStats'](xAt, n, c, done, this.col(0), this.col(1));
    else this.rt.channels[this.f32 ? 'chStats32' : 'chStats'](xAt, n, c, s, done, this.col(0), this.col(1));
    this.get(0, mean);
    this.get(1, variance);
  }

  /** out = (x - μ) · scale + β on the first `done` channels (the others are the caller's). */
  affine(out: FloatArray, mean: Float64Array, scale: Float64Array, shift: FloatArray): void {
    this.put(0, mean);
    this.put(1, scale);
    this.put(2, shift);
    const { n, c, s, done, xAt, outAt } = this;
    const [m, sc, b] = [this.col(0), this.col(1), this.col(2)];
    if (s === 1) this.rt.norm[this.f32 ? 'colAffine32' : 'colAffine'](xAt, outAt, n, c, done, m, sc, b);
    else this.rt.channels[this.f32 ? 'chAffine32' : 'chAffine'](xAt, outAt, n, c, s, done, m, sc, b);
    unstage(this.st, out);
  }

  /** The gradient's sums pass on the first `done` channels: Σ g, Σ g (x - μ), Σ (x - μ). */
  sums(mean: Float64Array, dbias: Float64Array, dweight: Float64Array, residue: Float64Array): void {
    this.put(0, mean);
    const { n, c, s, done, xAt, gAt } = this;
    const [m, db, dw, r] = [this.col(0), this.col(1), this.col(2), this.col(3)];
    if (s === 1) this.rt.norm[this.f32 ? 'colSums32' : 'colSums'](gAt, xAt, n, c, done, m, db, dw, r);
    else this.rt.channels[this.f32 ? 'chSums32' : 'chSums'](gAt, xAt, n, c, s, done, m, db, dw, r);
    this.get(1, dbias);
    this.get(2, dweight);
    this.get(3, residue);
  }

  /** The gradient's dx pass on the first `done` channels, into dx (the others are the caller's). */
  grad(dx: FloatArray, k: GradConstants): void {
    this.put(0, k.mean);
    this.put(1, k.r);
    this.put(2, k.k);
    this.put(3, k.gMean);
    this.put(4, k.q);
    const { n, c, s, done, xAt, gAt, outAt } = this;
    const cols = [this.col(0), this.col(1), this.col(2), this.col(3), this.col(4)] as const;
    if (s === 1) this.rt.norm[this.f32 ? 'colGrad32' : 'colGrad'](gAt, xAt, outAt, n, c, done, ...cols);
    else this.rt.channels[this.f32 ? 'chGrad32' : 'chGrad'](gAt, xAt, outAt, n, c, s, done, ...cols);
    unstage(this.st, dx);
  }
}
