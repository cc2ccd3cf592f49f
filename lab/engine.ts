/**
 * The lab's training loop, free of the DOM so the same code runs in the page's
 * Web Worker and in Node (tests/browser compares the two bit for bit). Both
 * networks see the same batches in the same order; measurements leave the
 * training trajectory untouched (they restore BN's running statistics and never
 * draw noise).
 */
import { Generator, nn, noGrad, type optim, type Tensor, tensor } from '../browser.ts';
import type { LabConfig } from './config.ts';
import { type LabData, makeData } from './data.ts';
import { drawInit, LabNet, makeOptimizer, stream } from './network.ts';
import { BINS, GRID, HIST_RANGE, PERCENTILES, PROBE, SATURATED } from './spec.ts';

/** What one measurement saw in one network. */
export interface NetMeasure {
  trainLoss: number;
  trainAcc: number;
  testLoss: number;
  testAcc: number;
  /** `[layer][unit * 3 + k]`: the 15th, 50th, 85th percentile of each unit's activation input on the probe. */
  percentiles: Float64Array[];
  /** `[layer]`: counts of the activation outputs on the probe in BINS equal bins of HIST_RANGE. */
  histograms: Uint32Array[];
  /** `[layer]`: fraction of saturated activation outputs on the probe. */
  saturated: number[];
  /** Boundary grid (GRID × GRID, row 0 at the top): predicted class and its probability; null for MNIST. */
  boundary: { cls: Uint8Array; prob: Float32Array } | null;
}

/** One measurement of both networks. */
export interface Measure {
  step: number;
  a: NetMeasure;
  b: NetMeasure;
}

/** One training step of both networks. */
export interface StepRecord {
  step: number;
  loss: [number, number];
  /** Frobenius norm of each Linear's weight gradient (hidden layers, then output), per network. */
  gradNorms: [Float64Array, Float64Array];
}

interface Side {
  net: LabNet;
  opt: optim.AnyOptimizer;
}

function frobenius(g: Tensor | null): number {
  let s = 0;
  for (const v of g?.data ?? []) s += v * v;
  return Math.sqrt(s);
}

/** Linear interpolation between order statistics, as numpy's default `quantile`. */
function quantile(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function rowsOf(x: Tensor, idx: ArrayLike<number>): Tensor {
  const d = x.shape[1]!;
  const out = new Float64Array(idx.length * d);
  for (let r = 0; r < idx.length; r++) out.set(x.data.subarray(idx[r]! * d, (idx[r]! + 1) * d), r * d);
  return tensor(out, { shape: [idx.length, d] });
}

function lossAndAccuracy(logits: Tensor, y: Tensor): [number, number] {
  const loss = nn.F.crossEntropy(logits, y).item();
  const pred = logits.argmax(1).data;
  let hit = 0;
  for (let i = 0; i < y.numel; i++) if (pred[i] === y.data[i]) hit++;
  return [loss, hit / y.numel];
}

/** Two networks, their data and their shared batch order. */
export class Lab {
  readonly data: LabData;
  readonly a: Side;
  readonly b: Side;
  private readonly batches: Generator;
  private order: Int32Array = new Int32Array(0);
  private cursor = 0;
  private steps = 0;
  private readonly probe: Tensor;
  private readonly grid: Tensor | null;

  constructor(
    readonly config: LabConfig,
    mnistBytes?: Uint8Array,
  ) {
    const c = config;
    this.data = makeData(c.dataset, stream(c.seed, 0), c.scaling, mnistBytes);
    const { features, classes } = this.data;
    const init = drawInit(c, features, classes);
    const side = (net: LabNet): Side => ({
      net,
      opt: makeOptimizer(c.optimizer, [...net.parameters()], c.lr),
    });
    this.a = side(new LabNet(c, c.a, init, features, classes));
    this.b = side(new LabNet(c, c.b, init, features, classes));
    this.batches = new Generator(stream(c.seed, 2));
    const n = Math.min(PROBE, this.data.testY.numel);
    this.probe = rowsOf(
      this.data.testX,
      Int32Array.from({ length: n }, (_, i) => i),
    );
    this.grid = this.data.raw === null ? null : this.data.scale(gridPoints(this.data.raw.bounds));
  }

  get step(): number {
    return this.steps;
  }

  /** The next batch's indices: epochs of a fresh permutation, only full batches (BN needs 2 or more). */
  private nextBatch(): Int32Array {
    const bs = this.config.batchSize;
    if (this.cursor + bs > this.order.length) {
      this.order = this.batches.randperm(this.data.trainY.numel);
      this.cursor = 0;
    }
    this.cursor += bs;
    return this.order.subarray(this.cursor - bs, this.cursor);
  }

  /** One SGD step of both networks on the same batch. */
  train(): StepRecord {
    const idx = this.nextBatch();
    const x = rowsOf(this.data.trainX, idx);
    const y = tensor(Float64Array.from(idx, (i) => this.data.trainY.data[i]!));
    const one = ({ net, opt }: Side): [number, Float64Array] => {
      net.train();
      net.resample();
      opt.zeroGrad();
      const loss = nn.F.crossEntropy(net.forward(x), y);
      loss.backward();
      const norms = Float64Array.from(net.linears, (l) => frobenius(l.weight.grad));
      opt.step();
      return [loss.item(), norms];
    };
    const [la, ga] = one(this.a);
    const [lb, gb] = one(this.b);
    this.steps++;
    return { step: this.steps, loss: [la, lb], gradNorms: [ga, gb] };
  }

  /** Measures both networks in the chosen evaluation mode, leaving their state as it was. */
  measure(): Measure {
    return { step: this.steps, a: this.measureNet(this.a.net), b: this.measureNet(this.b.net) };
  }

  private measureNet(net: LabNet): NetMeasure {
    const buffers = [...net.buffers()].map((t) => [t, Float64Array.from(t.data)] as const);
    net.train(this.config.evalMode === 'train');
    net.noise(false);
    try {
      return noGrad(() => {
        const d = this.data;
        const [trainLoss, trainAcc] = lossAndAccuracy(net.forward(d.trainX), d.trainY);
        const [testLoss, testAcc] = lossAndAccuracy(net.forward(d.testX), d.testY);
        const { preacts, acts } = net.trace(this.probe);
        const act = this.config.activation;
        const [lo, hi] = HIST_RANGE[act];
        const histograms = acts.map((a) => {
          const h = new Uint32Array(BINS);
          for (const v of a.data)
            h[Math.max(0, Math.min(BINS - 1, Math.floor(((v - lo) / (hi - lo)) * BINS)))]!++;
          return h;
        });
        const saturated = acts.map((a) => a.data.filter(SATURATED[act]).length / a.numel);
        return {
          trainLoss,
          trainAcc,
          testLoss,
          testAcc,
          percentiles: preacts.map(percentilesOf),
          histograms,
          saturated,
          boundary: this.grid === null ? null : boundaryOf(net.forward(this.grid)),
        };
      });
    } finally {
      for (const [t, saved] of buffers) t.data.set(saved);
      net.noise(true);
      net.train();
    }
  }
}

/** `[unit * 3 + k]`: percentile k of unit `unit`'s column of z `[n, width]`. */
function percentilesOf(z: Tensor): Float64Array {
  const [n, w] = [z.shape[0]!, z.shape[1]!];
  const out = new Float64Array(w * PERCENTILES.length);
  const col = new Float64Array(n);
  for (let j = 0; j < w; j++) {
    for (let i = 0; i < n; i++) col[i] = z.data[i * w + j]!;
    col.sort();
    PERCENTILES.forEach((q, k) => {
      out[j * PERCENTILES.length + k] = quantile(col, q);
    });
  }
  return out;
}

/** GRID × GRID points covering `bounds` (x0, x1, y0, y1), row 0 at the top (largest y). */
export function gridPoints([x0, x1, y0, y1]: readonly [number, number, number, number]): Tensor {
  const out = new Float64Array(GRID * GRID * 2);
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      out[2 * (r * GRID + c)] = x0 + ((c + 0.5) / GRID) * (x1 - x0);
      out[2 * (r * GRID + c) + 1] = y1 - ((r + 0.5) / GRID) * (y1 - y0);
    }
  }
  return tensor(out, { shape: [GRID * GRID, 2] });
}

function boundaryOf(logits: Tensor): { cls: Uint8Array; prob: Float32Array } {
  const p = logits.softmax(1);
  const k = p.shape[1]!;
  const cls = new Uint8Array(p.shape[0]!);
  const prob = new Float32Array(p.shape[0]!);
  for (let i = 0; i < cls.length; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (p.data[i * k + j]! > p.data[i * k + best]!) best = j;
    cls[i] = best;
    prob[i] = p.data[i * k + best]!;
  }
  return { cls, prob };
}
