/**
 * The five workloads of issue 7, split into cells (one per matrix size for W1).
 * A cell names the work and how its median time turns into the metric people
 * quote for it (GFLOP/s, µs per op, GB/s). Every runner (normgrad and each peer)
 * implements the same cells on the same sizes.
 */

export type WorkloadId = 'W1' | 'W2' | 'W3' | 'W4' | 'W5' | 'W6' | 'W7';

export interface Cell {
  /** Stable key used in results.json, e.g. "W1 n=256". */
  key: string;
  workload: WorkloadId;
  /** What one repetition does, for the table's legend. */
  label: string;
  params: Record<string, number>;
  /**
   * The dtype normgrad and PyTorch run the cell in (issue 13); float64 when absent.
   * TensorFlow.js runs float32 on every row, being float32 only.
   */
  dtype?: 'float32' | 'float64';
  /** The derived metric of a time in ms, and its unit. */
  metric: { unit: string; of: (ms: number) => number };
}

/** W4 records 2 ops per iteration, 1000 iterations. */
export const W4_ITERS = 1000;
export const W4_OPS = 2 * W4_ITERS;

const perMs = (x: number) => (ms: number) => x / (ms * 1e6);

/** W5 moves 5 arrays of [batch, features] per repetition (x and out forward; g, grad out, grad x backward). */
function batchNormCell(dtype: 'float32' | 'float64'): Cell {
  const [batch, features] = [1024, 512];
  const bytes = dtype === 'float32' ? 4 : 8;
  return {
    key: dtype === 'float32' ? 'W5 BatchNorm f32' : 'W5 BatchNorm',
    workload: 'W5',
    label: `BatchNorm1d(${features}) train on [${batch}, ${features}], fwd + bwd of sum(out * g)${
      dtype === 'float32' ? ', float32' : ''
    }`,
    params: { batch, features },
    ...(dtype === 'float32' ? { dtype } : {}),
    metric: { unit: 'GB/s', of: perMs(5 * batch * features * bytes) },
  };
}

/** The float32 twin of a float64 cell (issue 13): same work, key and label marked f32. */
function float32(cell: Cell): Cell {
  return { ...cell, key: `${cell.key} f32`, label: `${cell.label}, float32`, dtype: 'float32' };
}

const W2: Cell = {
  key: 'W2 MLP step',
  workload: 'W2',
  label: '784-256-BN-ReLU-256-BN-ReLU-10, CE, SGD(0.1, 0.9), batch 128',
  params: { batch: 128, input: 784, hidden: 256, classes: 10 },
  metric: { unit: 'ms/step', of: (ms) => ms },
};

const W3: Cell = {
  key: 'W3 LN-RNN',
  workload: 'W3',
  label: 'h = tanh(LN(x Wih^T + bih + h Whh^T + bhh)), 64->128, batch 32, 50 steps, fwd+BPTT',
  params: { input: 64, hidden: 128, batch: 32, steps: 50 },
  metric: { unit: 'ms/iter', of: (ms) => ms },
};

function matmulCell(n: number): Cell {
  return {
    key: `W1 n=${n}`,
    workload: 'W1',
    label: `A @ B, ${n}x${n}`,
    params: { n },
    metric: { unit: 'GFLOP/s', of: perMs(2 * n ** 3) },
  };
}

export const CELLS: readonly Cell[] = [
  matmulCell(128),
  matmulCell(256),
  matmulCell(512),
  float32(matmulCell(256)),
  W2,
  float32(W2),
  W3,
  float32(W3),
  {
    key: 'W4 per-op',
    workload: 'W4',
    label: `[1, 8]: ${W4_ITERS}x (y = y * 1.0001 + 0.0001), sum, backward`,
    params: { iters: W4_ITERS },
    metric: { unit: 'us/op', of: (ms) => (ms * 1000) / W4_OPS },
  },
  batchNormCell('float64'),
  batchNormCell('float32'),
  {
    // Issue 12: the network the experiments actually train (the BN paper's MNIST MLP).
    key: 'W7 BN-MLP step',
    workload: 'W7',
    label: '784-100-BN-sigmoid x3 -10, CE, SGD(0.1), batch 60',
    params: { batch: 60, input: 784, hidden: 100, classes: 10 },
    metric: { unit: 'ms/step', of: (ms) => ms },
  },
  {
    key: 'W6 MNIST CNN step',
    workload: 'W6',
    label:
      'conv 1->32 3x3, BN2d, ReLU, maxpool 2, conv 32->64 3x3, BN2d, ReLU, maxpool 2, linear 1600->10; CE, SGD(0.1, 0.9), batch 64 of 28x28',
    params: { batch: 64, c1: 32, c2: 64, classes: 10 },
    metric: { unit: 'ms/step', of: (ms) => ms },
  },
];
