/**
 * Every fused op against its one composed definition in core/ops, on the same
 * inputs, including the hard ones: a mean that dwarfs the spread, γ = 1e6,
 * constant rows, logits of 1e4, a batch of 2. Outputs, first-order gradients
 * (the kernels' backward) and gradients built under createGraph (the backward
 * written in ops, which double backward runs) must agree to 1e-12, relative to
 * the largest magnitude of each compared tensor.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  batchNormComposed,
  Generator,
  grad,
  layerNormComposed,
  linear,
  linearComposed,
  logSoftmax,
  logSoftmaxComposed,
  nativeBatchNorm,
  nativeLayerNorm,
  nn,
  randn,
  softmax,
  softmaxComposed,
  softmaxCrossEntropy,
  softmaxCrossEntropyComposed,
  type Tensor,
  tensor,
} from '../../index.ts';

const RTOL = 1e-12;
/**
 * Where |μ| / σ = 1e6 the inputs fix x - μ only to about ε |μ| / σ = 2e-10 relative, and
 * the fused kernels sum in another order than the composition, so no two correct
 * implementations agree to 1e-12 there: those rows are held to 10 ε |μ| / σ instead.
 */
const ILL_CONDITIONED = 10 * 2 ** -52 * 1e6;

interface Row {
  name: string;
  /** The differentiable inputs; rebuilt for each side so gradients do not mix. */
  inputs: () => Tensor[];
  fused: (...xs: Tensor[]) => Tensor;
  composed: (...xs: Tensor[]) => Tensor;
  /** Relative tolerance when not RTOL (see ILL_CONDITIONED). */
  rtol?: number;
}

const gen = new Generator(11);
const r = (shape: number[], scale = 1, shift = 0) => randn(shape, { generator: gen }).mul(scale).add(shift);
/** Inputs made once per row, handed out as fresh leaves on each call. */
const leaves =
  (...make: (() => Tensor)[]) =>
  (): (() => Tensor[]) => {
    const fixed = make.map((m) => m().detach());
    return () => fixed.map((t) => t.detach().clone().requiresGrad_());
  };
const constantRows = (n: number, c: number) => {
  const x = r([n, c]);
  for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) x.data[i * c + j] = x.data[j]!;
  return x;
};
const sameInChannel = (n: number, c: number) => {
  const x = r([n, c]);
  for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) x.data[i * c + j] = 3 + j;
  return x;
};
const bnFused = (x: Tensor, w: Tensor, b: Tensor) => nativeBatchNorm(x, w, b, 1e-5).out;
const bnComposed = (x: Tensor, w: Tensor, b: Tensor) => batchNormComposed(x, w, b, 1e-5);
const lnFused = (shape: number[]) => (x: Tensor, w: Tensor, b: Tensor) =>
  nativeLayerNorm(x, shape, w, b, 1e-5);
const lnComposed = (shape: number[]) => (x: Tensor, w: Tensor, b: Tensor) =>
  layerNormComposed(x, shape, w, b, 1e-5);

/** BatchNorm in eval mode: the functional path the modules take with running statistics, against the definition. */
function bnEval(x: Tensor, w: Tensor, b: Tensor): Tensor {
  const c = x.shape[1]!;
  const rm = tensor([...RUNNING_MEAN.data.subarray(0, c)]);
  const rv = tensor([...RUNNING_VAR.data.subarray(0, c)]);
  return nn.F.batchNorm(x, rm, rv, { weight: w, bias: b, training: false });
}
const RUNNING_MEAN = r([8], 2);
const RUNNING_VAR = r([8]).abs().add(0.1);
const bnEvalComposed = (x: Tensor, w: Tensor, b: Tensor) =>
  batchNormComposed(x, w, b, 1e-5, {
    mean: tensor([...RUNNING_MEAN.data.subarray(0, x.shape[1]!)]),
    var: tensor([...RUNNING_VAR.data.subarray(0, x.shape[1]!)]),
  });

const index = (values: number[]) => tensor(values);
const probabilities = (n: number, c: number) => softmax(r([n, c]), 1).detach();

const rows: Row[] = [
  ...(
    [
      [
        'BatchNorm train [16, 5]',
        leaves(
          () => r([16, 5]),
          () => r([5]),
          () => r([5]),
        ),
      ],
      [
        'BatchNorm train [4, 3, 6], |mean| >> std',
        leaves(
          () => r([4, 3, 6], 0.01, 1e4),
          () => r([3]),
          () => r([3]),
        ),
      ],
      [
        'BatchNorm train, γ = 1e6',
        leaves(
          () => r([8, 4]),
          () => r([4], 1, 1e6),
          () => r([4]),
        ),
      ],
      [
        'BatchNorm train, constant channels',
        leaves(
          () => sameInChannel(6, 3),
          () => r([3]),
          () => r([3]),
        ),
      ],
      [
        'BatchNorm train, batch of 2',
        leaves(
          () => r([2, 5]),
          () => r([5]),
          () => r([5]),
        ),
      ],
    ] as const
  ).map(([name, inputs]) => ({
    name,
    inputs: inputs(),
    fused: bnFused,
    composed: bnComposed,
    ...(name.includes('>>') ? { rtol: ILL_CONDITIONED } : {}),
  })),
  {
    name: 'BatchNorm eval [6, 4] (running statistics)',
    inputs: leaves(
      () => r([6, 4], 3, 1),
      () => r([4]),
      () => r([4]),
    )(),
    fused: bnEval,
    composed: bnEvalComposed,
  },
  ...(
    [
      [
        'LayerNorm [6, 10] over [10]',
        [10],
        leaves(
          () => r([6, 10]),
          () => r([10]),
          () => r([10]),
        ),
      ],
      [
        'LayerNorm [2, 3, 4] over [3, 4], |mean| >> std',
        [3, 4],
        leaves(
          () => r([2, 3, 4], 0.01, -1e4),
          () => r([3, 4]),
          () => r([3, 4]),
        ),
      ],
      [
        'LayerNorm, γ = 1e6',
        [5],
        leaves(
          () => r([4, 5]),
          () => r([5], 1, 1e6),
          () => r([5]),
        ),
      ],
      [
        'LayerNorm, constant rows',
        [4],
        leaves(
          () => constantRows(3, 4),
          () => r([4]),
          () => r([4]),
        ),
      ],
      [
        'LayerNorm, batch of 2',
        [7],
        leaves(
          () => r([2, 7]),
          () => r([7]),
          () => r([7]),
        ),
      ],
      [
        'LayerNorm, a single row (no leading dims)',
        [6],
        leaves(
          () => r([6]),
          () => r([6]),
          () => r([6]),
        ),
      ],
    ] as const
  ).map(([name, shape, inputs]) => ({
    name,
    inputs: inputs(),
    fused: lnFused([...shape]),
    composed: lnComposed([...shape]),
    ...(name.includes('>>') ? { rtol: ILL_CONDITIONED } : {}),
  })),
  ...(
    [
      ['[5, 7] dim 1', () => r([5, 7]), 1],
      ['[3, 4, 5] dim 1', () => r([3, 4, 5]), 1],
      ['[3, 4] dim 0, logits of 1e4', () => r([3, 4], 1e4), 0],
      ['[2, 6] dim -1, batch of 2', () => r([2, 6]), -1],
      ['[3, 5] dim 1, constant rows', () => constantRows(3, 5), 1],
    ] as const
  ).flatMap(([name, x, dim]) => [
    {
      name: `softmax ${name}`,
      inputs: leaves(x)(),
      fused: (a: Tensor) => softmax(a, dim),
      composed: (a: Tensor) => softmaxComposed(a, dim),
    },
    {
      name: `logSoftmax ${name}`,
      inputs: leaves(x)(),
      fused: (a: Tensor) => logSoftmax(a, dim),
      composed: (a: Tensor) => logSoftmaxComposed(a, dim),
    },
  ]),
  ...(
    [
      ['index targets, mean', () => r([6, 4]), index([0, 3, 1, 1, 2, 0]), 'mean'],
      ['index targets, sum, an ignored row', () => r([5, 3]), index([2, -100, 0, 1, 1]), 'sum'],
      ['index targets, none, logits of 1e4', () => r([4, 5], 1e4), index([4, 0, 2, 2]), 'none'],
      ['index targets, batch of 2', () => r([2, 6]), index([5, 1]), 'mean'],
      ['index targets, constant rows', () => constantRows(3, 4), index([0, 1, 3]), 'mean'],
    ] as const
  ).map(([name, x, target, reduction]) => ({
    name: `softmax cross-entropy, ${name}`,
    inputs: leaves(x)(),
    fused: (a: Tensor) => softmaxCrossEntropy(a, target, { reduction }),
    composed: (a: Tensor) => softmaxCrossEntropyComposed(a, target, { reduction }),
  })),
  ...(
    [
      ['probability targets, mean', () => r([5, 4]), probabilities(5, 4), 'mean'],
      ['probability targets, none, logits of 1e4', () => r([3, 4], 1e4), probabilities(3, 4), 'none'],
      ['probability targets, batch of 2', () => r([2, 3]), probabilities(2, 3), 'sum'],
    ] as const
  ).map(([name, x, target, reduction]) => ({
    // Probability targets run nn's path: the fused logSoftmax, then the weighted sum over classes.
    name: `softmax cross-entropy, ${name}`,
    inputs: leaves(x)(),
    fused: (a: Tensor) => nn.F.crossEntropy(a, target, { reduction }),
    composed: (a: Tensor) => softmaxCrossEntropyComposed(a, target, { reduction }),
  })),
  ...(
    [
      [
        '[4, 3] -> 5 with bias',
        leaves(
          () => r([4, 3]),
          () => r([5, 3]),
          () => r([5]),
        ),
      ],
      [
        '[2, 3, 4] -> 2 with bias',
        leaves(
          () => r([2, 3, 4]),
          () => r([2, 4]),
          () => r([2]),
        ),
      ],
      [
        '[2, 6] -> 3, |x| ~ 1e4',
        leaves(
          () => r([2, 6], 1, 1e4),
          () => r([3, 6]),
          () => r([3]),
        ),
      ],
    ] as const
  ).map(([name, inputs]) => ({
    name: `linear ${name}`,
    inputs: inputs(),
    fused: (x: Tensor, w: Tensor, b: Tensor) => linear(x, w, b),
    composed: (x: Tensor, w: Tensor, b: Tensor) => linearComposed(x, w, b),
  })),
  {
    name: 'linear without bias',
    inputs: leaves(
      () => r([3, 4]),
      () => r([2, 4]),
    )(),
    fused: (x: Tensor, w: Tensor) => linear(x, w),
    composed: (x: Tensor, w: Tensor) => linearComposed(x, w),
  },
];

/** |a - b| <= RTOL · max|b| over the tensor (an elementwise ratio is meaningless where b crosses 0). */
function assertAgree(a: Tensor, b: Tensor, what: string, rtol: number): void {
  assert.equal([...a.shape], [...b.shape], `${what}: shape`);
  let scale = 0;
  for (const v of b.data) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < b.numel(); i++) {
    const [x, y] = [a.data[i]!, b.data[i]!];
    assert.ok(Number.isFinite(x) && Number.isFinite(y), `${what}[${i}]: ${x} vs ${y} (non-finite)`);
    if (Math.abs(x - y) > rtol * scale) {
      assert.unreachable(`${what}[${i}]: fused ${x} vs composed ${y} (scale ${scale})`);
    }
  }
}

for (const row of rows) {
  test(`fused = composed: ${row.name}`, () => {
    const upstream = (out: Tensor) => randn([...out.shape], { generator: new Generator(7) });
    const side = (f: Row['fused'], createGraph: boolean) => {
      const xs = row.inputs();
      const out = f(...xs);
      const gs = grad(out, xs, { gradOutputs: upstream(out), createGraph });
      return { out, gs: gs as Tensor[] };
    };
    const composed = side(row.composed, false);
    const rtol = row.rtol ?? RTOL;
    assertAgree(side(row.fused, false).out, composed.out, 'output', rtol);
    for (const createGraph of [false, true]) {
      const fused = side(row.fused, createGraph);
      fused.gs.forEach((g, i) =>
        assertAgree(g, composed.gs[i]!, `gradient of input ${i}${createGraph ? ' (createGraph)' : ''}`, rtol),
      );
    }
  });
}

test.run();
