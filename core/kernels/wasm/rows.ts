/**
 * LayerNorm's row loops on the WASM backend (rows.wat, and channels.wat's
 * chStats for the statistics: a row of [R, D] is one run of D values, so
 * [R, D] is the channels layout [1, R, D]). The same operations in the same
 * order as core/kernels/layernorm.ts, so the backends agree bit for bit.
 *
 * A `WasmRows` copies x (and g) into the plain one-thread memory once per
 * kernel call and copies the output back, as `WasmChannels` does. The sums
 * along a row (statistics; sdy, sdyx and the residue) take rows four at a
 * time, a lane each, so only the first r4 rows (a multiple of 4) run here and
 * the caller sums the rest; the passes that map values (the output, the
 * column sums dγ and dβ, dx) take every row.
 *
 * Memory layout of one call (stage.ts): x | g (gradient only) | out | eight
 * per-row float64 arrays of r values | four per-column float64 arrays of d values.
 */
import type { FloatArray } from '../../dtype.ts';
import { NORM_WASM_MIN } from './norm.ts';
import { align16, type Staged, StagedCall, stage, unstage } from './stage.ts';

/** Per-row arrays, by their slot in wasm memory. */
const ROW = { mean: 0, rstd: 1, sdy: 2, sdyx: 3, residue: 4, a: 5, bb: 6, rr: 7 } as const;
/** Per-column arrays. */
const COL = { w: 0, b: 1, dbias: 2, dweight: 3 } as const;

export class WasmRows extends StagedCall {
  private constructor(
    st: Staged,
    private readonly r: number,
    private readonly d: number,
    /** The rows whose sums along the row run here: r rounded down to a multiple of 4. */
    readonly r4: number,
  ) {
    super(st);
  }

  /** x (and g) as [r, d], copied into wasm memory; null when the JS loops should run instead. */
  static of(x: FloatArray, r: number, d: number, g?: FloatArray): WasmRows | null {
    if (x.length < NORM_WASM_MIN) return null;
    const st = stage(g === undefined ? [x] : [x, g], 8 * align16(r * 8) + 4 * align16(d * 8));
    return st === null ? null : new WasmRows(st, r, d, r - (r % 4));
  }

  private row(slot: number): number {
    return this.st.scratchAt + slot * align16(this.r * 8);
  }

  private col(slot: number): number {
    return this.st.scratchAt + 8 * align16(this.r * 8) + slot * align16(this.d * 8);
  }

  private put(at: number, values: FloatArray): void {
    this.rt.f64.set(values, at / 8);
  }

  private get(at: number, into: Float64Array, count: number): void {
    into.set(this.rt.f64.subarray(at / 8, at / 8 + count));
  }

  /** Mean and biased variance of the first r4 rows. */
  stats(mean: Float64Array, variance: Float64Array): void {
    const { r, d, r4 } = this;
    this.rt.channels[this.f32 ? 'chStats32' : 'chStats'](
      this.xAt,
      1,
      r,
      d,
      r4,
      this.row(ROW.mean),
      this.row(ROW.sdy),
    );
    this.get(this.row(ROW.mean), mean, r4);
    this.get(this.row(ROW.sdy), variance, r4);
  }

  /** out = (x - mean) * rstd * w + b, every row. */
  affine(out: FloatArray, mean: Float64Array, rstd: Float64Array, w: FloatArray, b: FloatArray): void {
    this.put(this.row(ROW.mean), mean);
    this.put(this.row(ROW.rstd), rstd);
    this.put(this.col(COL.w), w);
    this.put(this.col(COL.b), b);
    const { r, d } = this;
    this.rt.rows[this.f32 ? 'rowAffine32' : 'rowAffine'](
      this.xAt,
      this.outAt,
      r,
      d,
      this.row(ROW.mean),
      this.row(ROW.rstd),
      this.col(COL.w),
      this.col(COL.b),
    );
    unstage(this.st, out);
  }

  /**
   * The gradient's sums: along the first r4 rows, sdy = Σ g w, sdyx = Σ g w x̂ and the residue
   * Σ (x - μ); down every column, dβ = Σ g and dγ = Σ g x̂ (rows in order).
   */
  sums(
    mean: Float64Array,
    rstd: Float64Array,
    w: FloatArray,
    rowSums: { sdy: Float64Array; sdyx: Float64Array; residue: Float64Array },
    dbias: Float64Array,
    dweight: Float64Array,
  ): void {
    this.put(this.row(ROW.mean), mean);
    this.put(this.row(ROW.rstd), rstd);
    this.put(this.col(COL.w), w);
    const { r, d, r4 } = this;
    const rows = this.rt.rows;
    const [m, rs] = [this.row(ROW.mean), this.row(ROW.rstd)];
    const [sdy, sdyx, residue] = [this.row(ROW.sdy), this.row(ROW.sdyx), this.row(ROW.residue)];
    rows[this.f32 ? 'rowSums32' : 'rowSums'](
      this.gAt,
      this.xAt,
      r4,
      d,
      m,
      rs,
      this.col(COL.w),
      sdy,
      sdyx,
      residue,
    );
    this.get(sdy, rowSums.sdy, r4);
    this.get(sdyx, rowSums.sdyx, r4);
    this.get(residue, rowSums.residue, r4);
    const [db, dw] = [this.col(COL.dbias), this.col(COL.dweight)];
    rows[this.f32 ? 'rowColSums32' : 'rowColSums'](this.gAt, this.xAt, r, d, m, rs, db, dw);
    this.get(db, dbias, d);
    this.get(dw, dweight, d);
  }

  /** dx = rstd (g w - a - ((x - μ - rr) rstd) bb), every row (after `sums`, which put μ, rstd, w). */
  grad(dx: FloatArray, a: Float64Array, bb: Float64Array, rr: Float64Array): void {
    this.put(this.row(ROW.a), a);
    this.put(this.row(ROW.bb), bb);
    this.put(this.row(ROW.rr), rr);
    const { r, d } = this;
    this.rt.rows[this.f32 ? 'rowGrad32' : 'rowGrad'](
      this.gAt,
      this.xAt,
      this.outAt,
      r,
      d,
      this.row(ROW.mean),
      this.row(ROW.rstd),
      this.col(COL.w),
      this.row(ROW.a),
      this.row(ROW.bb),
      this.row(ROW.rr),
    );
    unstage(this.st, dx);
  }
}
