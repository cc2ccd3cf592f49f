/**
 * The small MNIST CNN of issue 15, shared by the C14 convolutional experiment
 * (examples/cnn-norm.ts) and the C15 batch-size experiment
 * (examples/cnn-batch-size.ts):
 *
 *     conv 1->c1 3x3, norm, ReLU, maxpool 2, conv c1->c2 3x3, norm, ReLU, maxpool 2, linear -> 10
 *
 * with one normalization arm in both norm slots. At the faithful size (c1 = 32,
 * c2 = 64, 28 x 28 images) it is bench W6's network; quick mode shrinks the
 * channels and averages the images down to 14 x 14 so `npm start` stays short.
 */
import { avgPool2d, manualSeed, noGrad, type Tensor } from '../../core/index.ts';
import { DataLoader, type MnistSplit, TensorDataset } from '../../data/index.ts';
import {
  BatchNorm2d,
  Conv2d,
  F,
  Flatten,
  GroupNorm,
  Identity,
  InstanceNorm2d,
  LayerNorm,
  Linear,
  MaxPool2d,
  type Module,
  ReLU,
  Sequential,
} from '../../nn/index.ts';
import { Adam } from '../../optim/index.ts';
import { accuracy, evalLogits } from '../common/norm-mlp.ts';

/** The normalization after each convolution. */
export type CnnNorm = 'batchnorm' | 'layernorm' | 'groupnorm' | 'instancenorm' | 'none';

/** How each arm is named in tables and legends. */
export const CNN_NORM_LABEL: Record<CnnNorm, string> = {
  batchnorm: 'BatchNorm2d',
  layernorm: 'LayerNorm [C, H, W]',
  groupnorm: 'GroupNorm',
  instancenorm: 'InstanceNorm2d',
  none: 'no normalization',
};

/** The network's size: image side (28, or 14 after 2 x 2 averaging) and the two convolutions' channels. */
export interface CnnShape {
  side: number;
  c1: number;
  c2: number;
}

/**
 * GroupNorm's group count: Wu and He's default of 32, or fewer where channels are
 * few, keeping at least 2 channels per group so GN stays distinct from
 * InstanceNorm (one channel per group): G = min(32, C / 2).
 */
export const GROUPS_RULE =
  'G = min(32, C / 2) groups (at least 2 channels per group, so GN is not InstanceNorm)';
/** GroupNorm's group count for `channels` channels, by GROUPS_RULE. */
export function groupsFor(channels: number): number {
  return Math.min(32, Math.max(1, Math.floor(channels / 2)));
}

/** Spatial sides after each stage: conv (valid, 3x3) -> pool 2 -> conv -> pool 2. */
export function sides(side: number): { conv1: number; pool1: number; conv2: number; pool2: number } {
  const conv1 = side - 2;
  const pool1 = Math.floor(conv1 / 2);
  const conv2 = pool1 - 2;
  return { conv1, pool1, conv2, pool2: Math.floor(conv2 / 2) };
}

/** The normalization layer for `channels` feature maps of side `side`, each with a learnable scale and shift. */
export function normLayer(kind: CnnNorm, channels: number, side: number): Module {
  switch (kind) {
    case 'batchnorm':
      return new BatchNorm2d(channels);
    case 'layernorm':
      return new LayerNorm([channels, side, side]);
    case 'groupnorm':
      return new GroupNorm(groupsFor(channels), channels);
    case 'instancenorm':
      return new InstanceNorm2d(channels, { affine: true });
    case 'none':
      return new Identity();
  }
}

/** The CNN with `kind` after both convolutions; weights drawn from the global generator. */
export function smallCnn(kind: CnnNorm, shape: CnnShape): Sequential {
  const s = sides(shape.side);
  return new Sequential(
    new Conv2d(1, shape.c1, 3),
    normLayer(kind, shape.c1, s.conv1),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(shape.c1, shape.c2, 3),
    normLayer(kind, shape.c2, s.conv2),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(shape.c2 * s.pool2 * s.pool2, 10),
  );
}

/** MNIST rows [N, 784] as images [N, 1, side, side] (side 28, or 14 by averaging 2 x 2 blocks). */
export function images(rows: Tensor, side: number): Tensor {
  const full = rows.reshape([rows.shape[0]!, 1, 28, 28]);
  return side === 28 ? full : noGrad(() => avgPool2d(full, 28 / side));
}

/** MNIST with images in place of rows. */
export function imageSplit(data: MnistSplit, side: number): MnistSplit {
  return { ...data, trainX: images(data.trainX, side), testX: images(data.testX, side) };
}

/** Test accuracy in eval mode (%), evaluated in chunks so memory stays small. */
export function testAccuracy(model: Module, x: Tensor, y: Tensor, chunk = 500): number {
  let hits = 0;
  const n = x.shape[0]!;
  for (let start = 0; start < n; start += chunk) {
    const size = Math.min(chunk, n - start);
    hits += accuracy(evalLogits(model, x.narrow(0, start, size)), y.narrow(0, start, size)) * size;
  }
  return (100 * hits) / n;
}

/** One arm's model, optimizer and endless batch stream, ready to take training steps. */
export interface Trainer {
  kind: CnnNorm;
  model: Sequential;
  /** One optimizer step on the next batch; returns the loss. */
  step(): number;
}

/**
 * A trainer for `kind`: Adam(lr), batches of `batchSize` drawn by a loader seeded
 * with `seed`. The same seed gives every arm the same convolution and linear
 * weights (the norm layers draw nothing) and the same batches.
 */
export function trainer(
  kind: CnnNorm,
  shape: CnnShape,
  data: MnistSplit,
  batchSize: number,
  lr: number,
  seed: number,
): Trainer {
  manualSeed(seed);
  const model = smallCnn(kind, shape);
  const opt = new Adam(model.parameters(), { lr });
  const loader = new DataLoader(new TensorDataset(data.trainX, data.trainY), {
    batchSize,
    shuffle: true,
    dropLast: true,
    seed,
  });
  let batches = loader[Symbol.iterator]();
  const next = (): Tensor[] => {
    let r = batches.next();
    if (r.done) {
      batches = loader[Symbol.iterator]();
      r = batches.next();
    }
    return r.value as Tensor[];
  };
  return {
    kind,
    model,
    step() {
      const [x, y] = next();
      opt.zeroGrad();
      const loss = F.crossEntropy(model.forward(x!) as Tensor, y!);
      loss.backward();
      opt.step();
      return loss.item();
    },
  };
}
