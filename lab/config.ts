/**
 * The lab's whole state as one plain object, and its URL form. Everything that
 * changes a run (seed included) is in the URL, so a link reproduces a run bit for
 * bit; `fromQuery(toQuery(c))` equals `c` for every valid config.
 */

/** What follows a hidden layer's Linear, before its activation. */
export const NORMS = ['none', 'bn', 'ln', 'noisybn'] as const;
/** One line to add GroupNorm or RMSNorm once nn has them. */
export const NORM_LABELS: Record<Norm, string> = {
  none: 'none',
  bn: 'BatchNorm',
  ln: 'LayerNorm',
  noisybn: 'noisy BN (Santurkar)',
};
export type Norm = (typeof NORMS)[number];

export const DATASETS = ['moons', 'spirals', 'circles', 'blobs', 'mnist'] as const;
export type DatasetName = (typeof DATASETS)[number];
export const ACTIVATIONS = ['sigmoid', 'tanh', 'relu'] as const;
export type Activation = (typeof ACTIVATIONS)[number];
export const OPTIMIZERS = ['sgd', 'momentum', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];
export const SCALINGS = ['raw', 'minmax', 'zscore'] as const;
export type Scaling = (typeof SCALINGS)[number];
export const EVAL_MODES = ['eval', 'train'] as const;
export type EvalMode = (typeof EVAL_MODES)[number];
export const BATCH_SIZES = [2, 4, 8, 16, 32, 64, 128] as const;
export const LEARNING_RATES = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3] as const;
export const INIT_SCALES = [0.25, 0.5, 1, 2, 4] as const;
export const MAX_DEPTH = 8;
export const WIDTHS = [2, 4, 8, 16, 32, 64] as const;

/** One of the two networks: a norm per hidden layer and the hidden Linears' bias. */
export interface NetConfig {
  norms: Norm[];
  bias: boolean;
}

export interface LabConfig {
  seed: number;
  dataset: DatasetName;
  /** Hidden layers, each Linear → norm → activation; then a Linear to the classes. */
  depth: number;
  width: number;
  activation: Activation;
  /** Multiplies PyTorch's default Linear init (weights and biases). */
  initScale: number;
  optimizer: OptimizerName;
  lr: number;
  batchSize: number;
  scaling: Scaling;
  /** The mode networks are in when measured (test metrics, boundary, histograms, Figure 1). */
  evalMode: EvalMode;
  a: NetConfig;
  b: NetConfig;
  /** The unit whose input distribution Figure 1 draws: hidden layer (0-based) and index. */
  layer: number;
  unit: number;
}

export const DEFAULTS: LabConfig = {
  seed: 1,
  dataset: 'moons',
  depth: 4,
  width: 16,
  activation: 'sigmoid',
  initScale: 1,
  optimizer: 'sgd',
  lr: 0.3,
  batchSize: 16,
  scaling: 'zscore',
  evalMode: 'eval',
  a: { norms: Array(4).fill('none'), bias: true },
  b: { norms: Array(4).fill('bn'), bias: true },
  layer: 3,
  unit: 0,
};

function pick<T extends string | number>(options: readonly T[], raw: string | null, fallback: T): T {
  if (raw === null) return fallback;
  const hit = options.find((o) => String(o) === raw);
  return hit ?? fallback;
}

function int(raw: string | null, lo: number, hi: number, fallback: number): number {
  const v = raw === null ? Number.NaN : Number(raw);
  return Number.isInteger(v) && v >= lo && v <= hi ? v : fallback;
}

/** A norm list of exactly `depth` entries: extra entries dropped, missing ones copy the last. */
export function fitNorms(norms: readonly Norm[], depth: number): Norm[] {
  const last = norms[norms.length - 1] ?? 'none';
  return Array.from({ length: depth }, (_, i) => norms[i] ?? last);
}

function net(raw: string | null, bias: string | null, depth: number, fallback: NetConfig): NetConfig {
  const norms = raw === null ? fallback.norms : raw.split('.').map((n) => pick(NORMS, n, 'none' as Norm));
  return { norms: fitNorms(norms, depth), bias: bias === null ? fallback.bias : bias !== '0' };
}

/** The config a query string describes; missing or invalid entries take the defaults. */
export function fromQuery(query: string): LabConfig {
  const q = new URLSearchParams(query);
  const d = DEFAULTS;
  const depth = int(q.get('depth'), 1, MAX_DEPTH, d.depth);
  const width = pick(WIDTHS, q.get('width'), d.width);
  const layer = int(q.get('layer'), 0, depth - 1, Math.min(d.layer, depth - 1));
  return {
    seed: int(q.get('seed'), 0, 2 ** 31 - 1, d.seed),
    dataset: pick(DATASETS, q.get('data'), d.dataset),
    depth,
    width,
    activation: pick(ACTIVATIONS, q.get('act'), d.activation),
    initScale: pick(INIT_SCALES, q.get('init'), d.initScale),
    optimizer: pick(OPTIMIZERS, q.get('opt'), d.optimizer),
    lr: pick(LEARNING_RATES, q.get('lr'), d.lr),
    batchSize: pick(BATCH_SIZES, q.get('batch'), d.batchSize),
    scaling: pick(SCALINGS, q.get('scale'), d.scaling),
    evalMode: pick(EVAL_MODES, q.get('mode'), d.evalMode),
    a: net(q.get('a'), q.get('abias'), depth, d.a),
    b: net(q.get('b'), q.get('bbias'), depth, d.b),
    layer,
    unit: int(q.get('unit'), 0, width - 1, 0),
  };
}

/** The query string (without '?') that `fromQuery` reads back as `c`. */
export function toQuery(c: LabConfig): string {
  return new URLSearchParams({
    seed: String(c.seed),
    data: c.dataset,
    depth: String(c.depth),
    width: String(c.width),
    act: c.activation,
    init: String(c.initScale),
    opt: c.optimizer,
    lr: String(c.lr),
    batch: String(c.batchSize),
    scale: c.scaling,
    mode: c.evalMode,
    a: c.a.norms.join('.'),
    abias: c.a.bias ? '1' : '0',
    b: c.b.norms.join('.'),
    bbias: c.b.bias ? '1' : '0',
    layer: String(c.layer),
    unit: String(c.unit),
  }).toString();
}
