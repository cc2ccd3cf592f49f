/**
 * The permutation-invariant MNIST classifier of the Layer Normalization paper
 * (Ba, Kiros & Hinton 2016, section 6.7) in miniature: 784-H-H-10 with ReLU,
 * and a normalization layer (none, BatchNorm1d or LayerNorm) after each hidden
 * Linear, before its ReLU. Plus what the batch-size experiment measures on
 * such a model: accuracy, and its outputs with batch statistics (train mode)
 * against running statistics (eval mode).
 */
import { cat, noGrad, softmax, type Tensor, ValueError } from '../../core/index.ts';
import { BatchNorm1d, LayerNorm, Linear, type Module, ReLU, Sequential } from '../../nn/index.ts';

export type NormKind = 'none' | 'batchnorm' | 'layernorm';

export const NORM_LABEL: Record<NormKind, string> = {
  none: 'no normalization',
  batchnorm: 'BatchNorm',
  layernorm: 'LayerNorm',
};

/**
 * 784-H-H-10 (sizes configurable): Linear, [norm], ReLU, Linear, [norm], ReLU,
 * Linear. Calls the global generator for the Linear weights only, so after the
 * same `manualSeed` the three kinds start from identical Linear weights.
 */
export function normMlp(kind: NormKind, hidden: number, inputs = 784, classes = 10): Sequential {
  const norm = (): Module[] =>
    kind === 'batchnorm' ? [new BatchNorm1d(hidden)] : kind === 'layernorm' ? [new LayerNorm(hidden)] : [];
  return new Sequential(
    new Linear(inputs, hidden),
    ...norm(),
    new ReLU(),
    new Linear(hidden, hidden),
    ...norm(),
    new ReLU(),
    new Linear(hidden, classes),
  );
}

/** Runs `fn` with the model in the given mode and puts it back in the mode it was in. */
export function inMode<T>(model: Module, training: boolean, fn: () => T): T {
  const was = model.training;
  model.train(training);
  try {
    return fn();
  } finally {
    model.train(was);
  }
}

/** Logits of x in eval mode, without a graph. */
export function evalLogits(model: Module, x: Tensor): Tensor {
  return noGrad(() => inMode(model, false, () => model.forward(x) as Tensor));
}

/**
 * Logits of x in train mode, fed in consecutive batches of `batchSize` (a last
 * batch of one sample joins the batch before it, since BatchNorm cannot take a
 * batch of one), without a graph; the running statistics the forward passes
 * update are restored afterwards, so the model is unchanged.
 */
export function trainModeLogits(model: Module, x: Tensor, batchSize: number): Tensor {
  const n = x.shape[0]!;
  if (!Number.isInteger(batchSize) || batchSize < 2) {
    throw new ValueError(`trainModeLogits: batchSize must be an integer >= 2, got ${batchSize}`);
  }
  const saved = [...model.namedBuffers()].map(([, b]) => [b, Float64Array.from(b.data)] as const);
  try {
    return noGrad(() =>
      inMode(model, true, () => {
        const parts: Tensor[] = [];
        for (let start = 0; start < n; ) {
          let size = Math.min(batchSize, n - start);
          if (n - start - size === 1) size += 1;
          parts.push(model.forward(x.narrow(0, start, size)) as Tensor);
          start += size;
        }
        return cat(parts, 0);
      }),
    );
  } finally {
    for (const [b, data] of saved) b.data.set(data);
  }
}

/** Fraction of rows whose largest logit is at the label. */
export function accuracy(logits: Tensor, labels: Tensor): number {
  const c = logits.shape[1]!;
  let hits = 0;
  for (let i = 0; i < logits.shape[0]!; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if (logits.data[i * c + j]! > logits.data[i * c + best]!) best = j;
    if (best === labels.data[i]) hits++;
  }
  return hits / logits.shape[0]!;
}

export interface OutputGap {
  /** Fraction of samples whose predicted class differs between the two outputs. */
  disagreement: number;
  /** Mean total-variation distance between the two predicted distributions, in [0, 1]. */
  meanTv: number;
  /** Largest absolute difference between the logits. */
  maxAbsLogit: number;
}

/** How far apart two sets of logits for the same samples are. */
export function outputGap(a: Tensor, b: Tensor): OutputGap {
  const [n, c] = a.shape as [number, number];
  const pa = noGrad(() => softmax(a, 1)).data;
  const pb = noGrad(() => softmax(b, 1)).data;
  let flips = 0;
  let tv = 0;
  let maxAbs = 0;
  for (let i = 0; i < n; i++) {
    let ia = 0;
    let ib = 0;
    let d = 0;
    for (let j = 0; j < c; j++) {
      const k = i * c + j;
      if (a.data[k]! > a.data[i * c + ia]!) ia = j;
      if (b.data[k]! > b.data[i * c + ib]!) ib = j;
      d += Math.abs(pa[k]! - pb[k]!);
      maxAbs = Math.max(maxAbs, Math.abs(a.data[k]! - b.data[k]!));
    }
    if (ia !== ib) flips++;
    tv += d / 2;
  }
  return { disagreement: flips / n, meanTv: tv / n, maxAbsLogit: maxAbs };
}
