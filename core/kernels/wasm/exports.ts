/**
 * The functions each WebAssembly module exports, typed (addresses and sizes
 * are numbers: byte offsets into the shared or plain memory of runtime.ts).
 * Each module's WAT file documents what its functions compute.
 */

/**
 * gemm.wat's band function (float64 and float32 take the same arguments; see gemm.wat). `over`
 * (1: the first k block writes C rather than adding to it) may be left out: WebAssembly reads a
 * missing argument as 0.
 */
export type GemmBand = (
  pa: number,
  pb: number,
  c: number,
  m: number,
  n: number,
  k: number,
  kb: number,
  ldc: number,
  i0: number,
  i1: number,
  j0: number,
  j1: number,
  tile: number,
  over?: number,
) => void;

/**
 * gemm.wat's packers: one k block of an operand already in wasm memory into strips of `width`
 * lines (dst, src in bytes; lineStride, step in values; see gemm.wat).
 */
export type Pack = (
  dst: number,
  src: number,
  lineStride: number,
  step: number,
  lines: number,
  kc: number,
  width: number,
) => void;

/** The exports of gemm.wat. */
export interface GemmExports {
  gemmBand: GemmBand;
  gemmBand32: GemmBand;
  pack64: Pack;
  pack32: Pack;
}

/** norm.wat's column loops (addresses in bytes; see norm.wat and norm.ts beside it). */
type ColStats = (x: number, n: number, c: number, c8: number, mean: number, variance: number) => void;
type ColAffine = (
  x: number,
  out: number,
  n: number,
  c: number,
  c8: number,
  mean: number,
  scale: number,
  shift: number,
) => void;
type ColSums = (
  g: number,
  x: number,
  n: number,
  c: number,
  c8: number,
  mean: number,
  dbias: number,
  dweight: number,
  residue: number,
) => void;
type ColGrad = (
  g: number,
  x: number,
  dx: number,
  n: number,
  c: number,
  c8: number,
  mean: number,
  rr: number,
  k: number,
  gMean: number,
  q: number,
) => void;

/** channels.wat's loops over [n, c, s] data (s > 1), the first c4 channels (see channels.wat). */
type ChStats = (
  x: number,
  n: number,
  c: number,
  s: number,
  c4: number,
  mean: number,
  variance: number,
) => void;
type ChAffine = (
  x: number,
  out: number,
  n: number,
  c: number,
  s: number,
  c4: number,
  mean: number,
  scale: number,
  shift: number,
) => void;
type ChSums = (
  g: number,
  x: number,
  n: number,
  c: number,
  s: number,
  c4: number,
  mean: number,
  dbias: number,
  dweight: number,
  residue: number,
) => void;
type ChGrad = (
  g: number,
  x: number,
  dx: number,
  n: number,
  c: number,
  s: number,
  c4: number,
  mean: number,
  rr: number,
  k: number,
  gMean: number,
  q: number,
) => void;

/** BatchNorm's channel loops over [n, c, s] data, float64 and (suffix 32) float32. */
export interface ChannelsExports {
  chStats: ChStats;
  chAffine: ChAffine;
  chSums: ChSums;
  chGrad: ChGrad;
  chStats32: ChStats;
  chAffine32: ChAffine;
  chSums32: ChSums;
  chGrad32: ChGrad;
}

/** rows.wat's LayerNorm loops over [r, d] data (see rows.wat); the statistics are chStats's. */
type RowSums = (
  g: number,
  x: number,
  r4: number,
  d: number,
  mean: number,
  rstd: number,
  w: number,
  sdy: number,
  sdyx: number,
  residue: number,
) => void;
type RowAffine = (
  x: number,
  out: number,
  r: number,
  d: number,
  mean: number,
  rstd: number,
  w: number,
  b: number,
) => void;
type RowColSums = (
  g: number,
  x: number,
  r: number,
  d: number,
  mean: number,
  rstd: number,
  dbias: number,
  dweight: number,
) => void;
type RowGrad = (
  g: number,
  x: number,
  dx: number,
  r: number,
  d: number,
  mean: number,
  rstd: number,
  w: number,
  a: number,
  bb: number,
  rr: number,
) => void;

/** LayerNorm's row loops over [r, d] data, float64 and (suffix 32) float32. */
export interface RowsExports {
  rowSums: RowSums;
  rowAffine: RowAffine;
  rowColSums: RowColSums;
  rowGrad: RowGrad;
  rowSums32: RowSums;
  rowAffine32: RowAffine;
  rowColSums32: RowColSums;
  rowGrad32: RowGrad;
}

/** BatchNorm's column loops over [n, c] data, float64 and (suffix 32) float32; the first c8 columns. */
export interface NormExports {
  colStats: ColStats;
  colAffine: ColAffine;
  colSums: ColSums;
  colGrad: ColGrad;
  colStats32: ColStats;
  colAffine32: ColAffine;
  colSums32: ColSums;
  colGrad32: ColGrad;
}

/** elementwise.wat's loops: o = a op b (both arrays) or a op s, over n values (addresses in bytes). */
type Binary = (a: number, b: number, o: number, n: number) => void;
type WithScalar = (a: number, s: number, o: number, n: number) => void;
type Unary = (a: number, o: number, n: number) => void;
export interface ElementwiseExports {
  add64: Binary;
  mul64: Binary;
  div64: Binary;
  add32: Binary;
  mul32: Binary;
  div32: Binary;
  addScalar64: WithScalar;
  mulScalar64: WithScalar;
  divScalar64: WithScalar;
  relu64: Unary;
  relu32: Unary;
  reluGrad64: Binary;
  reluGrad32: Binary;
  tanhGrad64: Binary;
  sigmoidGrad64: Binary;
}

/** pool.wat's 2 x 2, stride 2 max pooling winners: x's planes in, float64 indices out. */
type MaxPool2x2 = (
  x: number,
  out: number,
  planes: number,
  h: number,
  w: number,
  oh: number,
  ow: number,
) => void;

/**
 * transcendental.wat's loops: o[i] = f(a[i]) for i < n (addresses in bytes), f = exp, sigmoid or
 * tanh in the JS kernels' forms, in either width.
 */
export interface TranscendentalExports {
  exp64: Unary;
  exp32: Unary;
  sigmoid64: Unary;
  sigmoid32: Unary;
  tanh64: Unary;
  tanh32: Unary;
}

export interface PoolExports {
  maxPool2x2: MaxPool2x2;
  maxPool2x2f32: MaxPool2x2;
}
