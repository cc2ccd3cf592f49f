/**
 * One of the lab's two networks: `depth` hidden blocks Linear → norm →
 * activation, then a Linear to the class logits. A and B are built from the same
 * drawn initial weights, so they differ only in what the learner changed.
 */
import { Generator, nn, optim, type Tensor, tensor } from '../browser.ts';
import type { Activation, LabConfig, NetConfig, Norm, OptimizerName } from './config.ts';
import { ShiftNoise } from './noisy-bn.ts';

/** Initial weights and biases of every Linear (hidden layers, then the output layer), drawn once for both networks. */
export interface InitialWeights {
  weights: Tensor[];
  biases: Tensor[];
}

/** Derived seeds, so data, init, batches and noise each have a stream of their own. */
export const stream = (seed: number, k: 0 | 1 | 2 | 3) => seed * 4 + k;

/**
 * PyTorch's default Linear init (W and b ~ U(-1/sqrt(fanIn), 1/sqrt(fanIn))) times
 * `initScale`. Biases are drawn even for a network without them, so switching the
 * bias off leaves every weight as it was.
 */
export function drawInit(c: LabConfig, features: number, classes: number): InitialWeights {
  const g = new Generator(stream(c.seed, 1));
  const sizes = [features, ...Array(c.depth).fill(c.width), classes] as number[];
  const weights: Tensor[] = [];
  const biases: Tensor[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [fanIn, fanOut] = [sizes[l]!, sizes[l + 1]!];
    const bound = c.initScale / Math.sqrt(fanIn);
    const draw = (n: number) => Float64Array.from({ length: n }, () => bound * (2 * g.random() - 1));
    weights.push(tensor(draw(fanOut * fanIn), { shape: [fanOut, fanIn] }));
    biases.push(tensor(draw(fanOut), { shape: [fanOut] }));
  }
  return { weights, biases };
}

/** What a forward pass saw: the input of every hidden activation and its output. */
export interface Trace {
  logits: Tensor;
  preacts: Tensor[];
  acts: Tensor[];
}

function normLayers(norm: Norm, width: number, noise: Generator): nn.Module[] {
  switch (norm) {
    case 'none':
      return [];
    case 'bn':
      return [new nn.BatchNorm1d(width)];
    case 'ln':
      return [new nn.LayerNorm(width)];
    case 'noisybn':
      return [new nn.BatchNorm1d(width), new ShiftNoise(noise)];
  }
}

const ACTIVATE: Record<Activation, (x: Tensor) => Tensor> = {
  sigmoid: (x) => x.sigmoid(),
  tanh: (x) => x.tanh(),
  relu: (x) => x.relu(),
};

/** The multilayer perceptron of one side of the lab. */
export class LabNet extends nn.Module {
  readonly hidden: nn.ModuleList;
  private readonly blocks: nn.Sequential[];
  readonly out: nn.Linear;
  readonly linears: nn.Linear[];
  private readonly activate: (x: Tensor) => Tensor;

  constructor(c: LabConfig, net: NetConfig, init: InitialWeights, features: number, classes: number) {
    super();
    const noise = new Generator(stream(c.seed, 3));
    const blocks: nn.Sequential[] = [];
    this.linears = [];
    for (let l = 0; l < c.depth; l++) {
      const linear = new nn.Linear(l === 0 ? features : c.width, c.width, { bias: net.bias });
      this.linears.push(linear);
      blocks.push(new nn.Sequential(linear, ...normLayers(net.norms[l]!, c.width, noise)));
    }
    this.blocks = blocks;
    this.hidden = this.registerModule('hidden', new nn.ModuleList(blocks));
    this.out = this.registerModule('out', new nn.Linear(c.width, classes));
    this.linears.push(this.out);
    this.linears.forEach((lin, l) => {
      lin.weight.data.set(init.weights[l]!.data);
      lin.bias?.data.set(init.biases[l]!.data);
    });
    this.activate = ACTIVATE[c.activation];
  }

  /** Redraws the noisy-BN noise for the coming step. */
  resample(): void {
    for (const m of this.modules()) if (m instanceof ShiftNoise) m.resample();
  }

  /** Switches the noisy-BN noise on or off (measurements run without it). */
  noise(active: boolean): void {
    for (const m of this.modules()) if (m instanceof ShiftNoise) m.active = active;
  }

  trace(x: Tensor): Trace {
    const preacts: Tensor[] = [];
    const acts: Tensor[] = [];
    for (const block of this.blocks) {
      const z = block.forward(x);
      x = this.activate(z);
      preacts.push(z);
      acts.push(x);
    }
    return { logits: this.out.forward(x), preacts, acts };
  }

  forward(x: Tensor): Tensor {
    return this.trace(x).logits;
  }
}

/** The optimizer the learner chose; "momentum" is SGD with momentum 0.9. */
export function makeOptimizer(name: OptimizerName, params: Tensor[], lr: number): optim.AnyOptimizer {
  switch (name) {
    case 'sgd':
      return new optim.SGD(params, { lr });
    case 'momentum':
      return new optim.SGD(params, { lr, momentum: 0.9 });
    case 'adam':
      return new optim.Adam(params, { lr });
  }
}
