/**
 * Conv and pooling behaviour beyond the PyTorch fixtures: PyTorch's init bounds
 * and state-dict keys, conv2d against a direct loop written from the formula,
 * conv1d as conv2d over a height of 1, unbatched inputs, NaN in max pooling.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { manualSeed, randn, Tensor, tensor } from '../../core/index.ts';
import * as nn from '../../nn/index.ts';
import { assertClose } from '../helpers/fixtures.ts';

const F = nn.functional;

/** y[n, o, oy, ox] = b[o] + sum over the group's channels and taps, straight from the doc comment. */
function directConv2d(
  x: Tensor,
  w: Tensor,
  b: Tensor | null,
  [sh, sw]: number[],
  [ph, pw]: number[],
  [dh, dw]: number[],
  groups: number,
): Tensor {
  const [n, cin, h, wd] = x.shape as number[];
  const [cout, cg, kh, kw] = w.shape as number[];
  const oh = Math.floor((h! + 2 * ph! - dh! * (kh! - 1) - 1) / sh!) + 1;
  const ow = Math.floor((wd! + 2 * pw! - dw! * (kw! - 1) - 1) / sw!) + 1;
  const out = new Float64Array(n! * cout! * oh * ow);
  const perGroup = cout! / groups;
  for (let bi = 0; bi < n!; bi++)
    for (let o = 0; o < cout!; o++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++) {
          let s = b === null ? 0 : b.data[o]!;
          for (let c = 0; c < cg!; c++) {
            const ci = Math.floor(o / perGroup) * cg! + c;
            for (let i = 0; i < kh!; i++)
              for (let j = 0; j < kw!; j++) {
                const iy = oy * sh! - ph! + i * dh!;
                const ix = ox * sw! - pw! + j * dw!;
                if (iy < 0 || iy >= h! || ix < 0 || ix >= wd!) continue;
                s +=
                  w.data[((o * cg! + c) * kh! + i) * kw! + j]! *
                  x.data[((bi * cin! + ci) * h! + iy) * wd! + ix]!;
              }
          }
          out[((bi * cout! + o) * oh + oy) * ow + ox] = s;
        }
  return new Tensor(out, [n!, cout!, oh, ow]);
}

test('conv2d (unfold + gemm) equals a direct loop over the formula, across strides, pads, dilations and groups', () => {
  manualSeed(3);
  for (const [s, p, d, g] of [
    [[1, 1], [0, 0], [1, 1], 1],
    [[2, 3], [1, 2], [1, 1], 1],
    [[1, 2], [3, 0], [2, 1], 2],
    [[3, 1], [0, 1], [1, 3], 4],
  ] as const) {
    const x = randn([2, 4, 9, 8]);
    const w = randn([8, 4 / g, 3, 2]);
    const b = randn([8]);
    const y = F.conv2d(x, w, b, {
      stride: [...s] as [number, number],
      padding: [...p] as [number, number],
      dilation: [...d] as [number, number],
      groups: g,
    });
    assertClose(
      y,
      directConv2d(x, w, b, [...s], [...p], [...d], g),
      `stride ${s} pad ${p} dil ${d} groups ${g}`,
    );
  }
});

test('Conv2d and Conv1d: PyTorch init bounds (kaiming_uniform a = sqrt(5), bias U(+-1/sqrt(fanIn))) and state-dict keys', () => {
  manualSeed(0);
  const conv = new nn.Conv2d(6, 64, [3, 5], { groups: 2 });
  const fanIn = (6 / 2) * 3 * 5;
  const bound = 1 / Math.sqrt(fanIn);
  assert.equal(Object.keys(conv.stateDict()), ['weight', 'bias']);
  assert.equal([...conv.weight.shape], [64, 3, 3, 5]);
  const wmax = Math.max(...conv.weight.data.map(Math.abs));
  assert.ok(wmax <= bound && wmax > 0.95 * bound, `weights fill U(-${bound}, ${bound}), max |w| ${wmax}`);
  const bmax = Math.max(...conv.bias!.data.map(Math.abs));
  assert.ok(bmax <= bound && bmax > 0.8 * bound, `bias fills U(-${bound}, ${bound}), max |b| ${bmax}`);
  const c1 = new nn.Conv1d(3, 2, 4, { bias: false });
  assert.equal(Object.keys(c1.stateDict()), ['weight']);
  assert.equal([...c1.weight.shape], [2, 3, 4]);
  assert.ok(Math.max(...c1.weight.data.map(Math.abs)) <= 1 / Math.sqrt(12));
});

test('conv1d is conv2d over a height of 1; unbatched inputs give the batched result without its batch dim', () => {
  manualSeed(1);
  const x = randn([2, 3, 11]);
  const w = randn([4, 3, 3]);
  const b = randn([4]);
  const y1 = F.conv1d(x, w, b, { stride: 2, padding: 1, dilation: 2 });
  const y2 = F.conv2d(x.unsqueeze(2), w.unsqueeze(2), b, {
    stride: [1, 2],
    padding: [0, 1],
    dilation: [1, 2],
  });
  assertClose(y1, y2.squeeze(2), 'conv1d vs conv2d');
  const conv = new nn.Conv2d(3, 2, 3, { padding: 1 });
  const img = randn([3, 5, 6]);
  assertClose(conv.forward(img), (conv.forward(img.unsqueeze(0)) as Tensor).squeeze(0), 'unbatched');
});

test("'same' padding keeps the spatial size for odd and even kernels", () => {
  for (const k of [1, 2, 3, 4]) {
    const y = new nn.Conv2d(1, 1, k, { padding: 'same', dilation: 2 }).forward(randn([1, 1, 7, 6])) as Tensor;
    assert.equal([...y.shape], [1, 1, 7, 6], `kernel ${k}`);
  }
});

test('max pooling propagates NaN and never picks the padding; its gradient goes to the first of tied values', () => {
  const x = tensor([
    [
      [
        [1, Number.NaN],
        [3, 2],
      ],
    ],
  ]);
  assert.ok(Number.isNaN(F.maxPool2d(x, 2).item()));
  const neg = tensor(
    [
      [
        [
          [-5, -7],
          [-9, -6],
        ],
      ],
    ],
    { requiresGrad: true },
  );
  const [v, idx] = F.maxPool2dWithIndices(neg, 2, { padding: 1 });
  assert.equal(Array.from(v.data), [-5, -7, -9, -6]);
  assert.equal(Array.from(idx.data), [0, 1, 2, 3]);
  const ties = tensor(
    [
      [
        [
          [2, 2],
          [2, 2],
        ],
      ],
    ],
    { requiresGrad: true },
  );
  F.maxPool2d(ties, 2).sum().backward();
  assert.equal(Array.from(ties.grad!.data), [1, 0, 0, 0]);
});

test('MaxPool2d with returnIndices returns [values, indices]; AdaptiveAvgPool2d to the input size is the identity', () => {
  const x = randn([2, 3, 4, 4]);
  const out = new nn.MaxPool2d(2, { returnIndices: true }).forward(x);
  assert.ok(Array.isArray(out) && out.length === 2);
  assertClose(new nn.AdaptiveAvgPool2d([4, 4]).forward(x), x, 'identity');
});

test.run();
