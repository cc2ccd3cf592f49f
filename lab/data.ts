/**
 * The lab's data: the 2-D sets from normgrad's data namespace and a compact MNIST
 * subset (mnist-subset.bin, written by lab/build.ts), split into train and test
 * and scaled as the learner chose. The scaler is fitted on the training set only.
 */
import { data, type Tensor, tensor } from '../browser.ts';
import type { DatasetName, Scaling } from './config.ts';

/** Train and test sets after scaling, with what the boundary plot needs to map the plane. */
export interface LabData {
  trainX: Tensor;
  trainY: Tensor;
  testX: Tensor;
  testY: Tensor;
  classes: number;
  features: number;
  /** Raw (unscaled) 2-D points for plotting; null for MNIST. */
  raw: { train: Float64Array; trainY: Float64Array; bounds: [number, number, number, number] } | null;
  /** Maps raw points `[n, features]` into the network's input space. */
  scale: (x: Tensor) => Tensor;
}

/** 2-D sets: 600 points, the first 400 train and the last 200 test (the generators shuffle). */
const N_2D = 600;
const N_TRAIN_2D = 400;

const MAGIC = 'NGLABMN1';

/**
 * mnist-subset.bin: 8 bytes magic, uint32 train count, uint32 test count (little
 * endian), then all labels (1 byte each), then all pixels (1 byte each, grey level
 * times 255, rounded), train first.
 */
export function encodeMnist(trainX: Tensor, trainY: Tensor, testX: Tensor, testY: Tensor): Uint8Array {
  const [nTr, nTe] = [trainY.numel, testY.numel];
  const out = new Uint8Array(16 + (nTr + nTe) * 785);
  out.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, nTr, true);
  view.setUint32(12, nTe, true);
  out.set(Uint8Array.from(trainY.data), 16);
  out.set(Uint8Array.from(testY.data), 16 + nTr);
  const px = 16 + nTr + nTe;
  trainX.data.forEach((v, i) => {
    out[px + i] = Math.round(v * 255);
  });
  testX.data.forEach((v, i) => {
    out[px + trainX.numel + i] = Math.round(v * 255);
  });
  return out;
}

function decodeMnist(bytes: Uint8Array): { trainX: Tensor; trainY: Tensor; testX: Tensor; testY: Tensor } {
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new Error('lab: mnist-subset.bin is not a lab MNIST file (rebuild with npm run lab)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [nTr, nTe] = [view.getUint32(8, true), view.getUint32(12, true)];
  const px = 16 + nTr + nTe;
  const pixels = (from: number, n: number) =>
    tensor(
      Float64Array.from(bytes.subarray(px + from * 784, px + (from + n) * 784), (v) => v / 255),
      {
        shape: [n, 784],
      },
    );
  const labels = (from: number, n: number) =>
    tensor(Float64Array.from(bytes.subarray(16 + from, 16 + from + n)));
  return { trainX: pixels(0, nTr), trainY: labels(0, nTr), testX: pixels(nTr, nTe), testY: labels(nTr, nTe) };
}

function twoD(name: Exclude<DatasetName, 'mnist'>, seed: number): data.Labelled {
  switch (name) {
    case 'moons':
      return data.twoMoons({ n: N_2D, noise: 0.15, seed });
    case 'spirals':
      return data.spirals({ n: N_2D, classes: 3, noise: 0.15, seed });
    case 'circles':
      return data.circles({ n: N_2D, noise: 0.08, factor: 0.5, seed });
    case 'blobs':
      // make_blobs' default box: features of about ±10, so scaling the input matters.
      return data.gaussianBlobs({ n: N_2D, centers: 3, std: 1.5, seed });
  }
}

function scaler(scaling: Scaling, trainX: Tensor): (x: Tensor) => Tensor {
  if (scaling === 'raw') return (x) => x;
  const s = scaling === 'minmax' ? new data.MinMaxScaler() : new data.StandardScaler();
  s.fit(trainX);
  return (x) => s.transform(x);
}

/** Rows [from, to) of a row-major tensor, as a tensor of their own. */
function rows(t: Tensor, from: number, to: number): Tensor {
  const d = t.numel / t.shape[0]!;
  return tensor(t.data.slice(from * d, to * d), { shape: [to - from, ...t.shape.slice(1)] });
}

/** The data set of `name`, drawn with `seed` (2-D sets; MNIST's subset is fixed), scaled by `scaling`. */
export function makeData(
  name: DatasetName,
  seed: number,
  scaling: Scaling,
  mnistBytes?: Uint8Array,
): LabData {
  if (name === 'mnist') {
    if (mnistBytes === undefined) throw new Error('lab: the MNIST subset is not loaded');
    const m = decodeMnist(mnistBytes);
    const scale = scaler(scaling, m.trainX);
    return {
      trainX: scale(m.trainX),
      trainY: m.trainY,
      testX: scale(m.testX),
      testY: m.testY,
      classes: 10,
      features: 784,
      raw: null,
      scale,
    };
  }
  const { x, y } = twoD(name, seed);
  const [trX, teX] = [rows(x, 0, N_TRAIN_2D), rows(x, N_TRAIN_2D, N_2D)];
  const scale = scaler(scaling, trX);
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < N_2D; i++) {
    [x0, x1] = [Math.min(x0, x.data[2 * i]!), Math.max(x1, x.data[2 * i]!)];
    [y0, y1] = [Math.min(y0, x.data[2 * i + 1]!), Math.max(y1, x.data[2 * i + 1]!)];
  }
  const [mx, my] = [(x1 - x0) * 0.08, (y1 - y0) * 0.08];
  return {
    trainX: scale(trX),
    trainY: rows(y, 0, N_TRAIN_2D),
    testX: scale(teX),
    testY: rows(y, N_TRAIN_2D, N_2D),
    classes: Math.max(...y.data) + 1,
    features: 2,
    raw: {
      train: Float64Array.from(trX.data),
      trainY: Float64Array.from(y.data.subarray(0, N_TRAIN_2D)),
      bounds: [x0 - mx, x1 + mx, y0 - my, y1 + my],
    },
    scale,
  };
}
