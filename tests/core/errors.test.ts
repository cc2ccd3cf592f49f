/** Each op's bad calls throw an error of the right class whose message names the op, the argument and the shapes. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ng from '../../core/index.ts';
import { ShapeError, ValueError, zeros } from '../../core/index.ts';

type ErrorClass = typeof ShapeError | typeof ValueError;
const a23 = () => zeros([2, 3]);
const cases: [string, () => unknown, ErrorClass, RegExp][] = [
  [
    'add',
    () => a23().add(zeros([4])),
    ShapeError,
    /^add: shapes \[2, 3\] and \[4\] cannot be broadcast together \(dim -1: 3 vs 4\)$/,
  ],
  ['sub', () => a23().sub(zeros([3, 3])), ShapeError, /^sub: shapes \[2, 3\] and \[3, 3\]/],
  ['mul', () => a23().mul(zeros([2, 2])), ShapeError, /^mul: shapes \[2, 3\] and \[2, 2\]/],
  ['div', () => a23().div(zeros([5, 1, 2])), ShapeError, /^div: shapes \[2, 3\] and \[5, 1, 2\]/],
  ['pow', () => a23().pow(zeros([4])), ShapeError, /^pow: shapes \[2, 3\] and \[4\]/],
  ['maximum', () => a23().maximum(zeros([4])), ShapeError, /^maximum: shapes \[2, 3\] and \[4\]/],
  ['where', () => ng.where(zeros([4]), a23(), 0), ShapeError, /^where: shapes \[4\] and \[2, 3\]/],
  [
    'matmul',
    () => zeros([2, 3]).matmul(zeros([4, 5])),
    ShapeError,
    /^matmul: cannot multiply \[2, 3\] by \[4, 5\]: 3 != 4$/,
  ],
  [
    'matmul batch',
    () => zeros([2, 3, 4]).matmul(zeros([3, 4, 5])),
    ShapeError,
    /^matmul: batch dims of \[2, 3, 4\] and \[3, 4, 5\]: shapes \[2\] and \[3\] cannot be broadcast/,
  ],
  [
    'matmul 0-d',
    () => zeros([]).matmul(zeros([2])),
    ShapeError,
    /matmul: both arguments need at least 1 dimension, got shapes \[\] and \[2\]/,
  ],
  [
    'sum dim',
    () => a23().sum(2),
    ValueError,
    /^sum: dim 2 is out of range for a tensor of 2 dimensions \(expected to be in range of \[-2, 1\]\)$/,
  ],
  [
    'sum repeated dims',
    () => a23().sum([0, -2]),
    ValueError,
    /^sum: dim 0 appears more than once in \[0, -2\]/,
  ],
  ['mean dim', () => a23().mean(-3), ValueError, /^mean: dim -3 is out of range/],
  [
    'softmax dim',
    () => a23().softmax(5),
    ValueError,
    /^softmax: dim 5 is out of range for a tensor of 2 dimensions/,
  ],
  [
    'reshape',
    () => a23().reshape(4, 2),
    ShapeError,
    /^reshape: shape \[4, 2\] is invalid for input of size 6 \(shape \[2, 3\]\)$/,
  ],
  [
    'reshape -1',
    () => a23().reshape(-1, 4),
    ShapeError,
    /^reshape: shape \[-1, 4\] is invalid for input of size 6/,
  ],
  ['reshape two -1', () => a23().reshape(-1, -1), ValueError, /only one dimension can be inferred/],
  [
    'permute',
    () => a23().permute(0),
    ShapeError,
    /^permute: number of dims \[0\] does not match the 2 dims of input of shape \[2, 3\]/,
  ],
  ['permute repeat', () => a23().permute(1, 1), ValueError, /^permute: dims \[1, 1\] repeat a dim/],
  [
    'expand',
    () => a23().expand(4, 3),
    ShapeError,
    /^expand: the expanded size of the tensor \(4\) must match the existing size \(2\) at non-singleton dimension 0; target \[4, 3\], input \[2, 3\]/,
  ],
  ['expand fewer dims', () => a23().expand(3), ShapeError, /^expand: the number of sizes provided \(1\)/],
  [
    'narrow',
    () => a23().narrow(1, 2, 2),
    ValueError,
    /^narrow: start \(2\) \+ length \(2\) exceeds dimension size \(3\) of dim 1 for input of shape \[2, 3\]/,
  ],
  [
    'select',
    () => a23().select(0, 2),
    ValueError,
    /^select: index 2 is out of range for dimension 0 with size 2/,
  ],
  [
    'cat',
    () => ng.cat([a23(), zeros([2, 2])], 0),
    ShapeError,
    /^cat: sizes of tensors must match except in dimension 0; tensor 0 has shape \[2, 3\] but tensor 1 has shape \[2, 2\]/,
  ],
  ['cat empty', () => ng.cat([]), ValueError, /^cat: expected a non-empty list of tensors/],
  [
    'stack',
    () => ng.stack([a23(), zeros([3, 2])]),
    ShapeError,
    /^stack: expects each tensor to be equal size, but got \[2, 3\] at entry 0 and \[3, 2\] at entry 1/,
  ],
  [
    'split sizes',
    () => a23().split([1, 3], 1),
    ShapeError,
    /^split: split sizes \[1, 3\] sum to 4, but dim 1 of input \[2, 3\] has size 3/,
  ],
  ['split size', () => a23().split(0), ValueError, /^split: splitSize must be a positive integer, got 0/],
  ['chunk', () => a23().chunk(0), ValueError, /^chunk: chunks must be a positive integer, got 0/],
  [
    'indexSelect',
    () => a23().indexSelect(1, [0, 3]),
    ValueError,
    /^indexSelect: index 3 is out of bounds for dimension 1 with size 3 \(input shape \[2, 3\]\)/,
  ],
  [
    'indexSelect 2-D index',
    () => a23().indexSelect(0, zeros([1, 1])),
    ShapeError,
    /^indexSelect: index should be 1-D, got shape \[1, 1\]/,
  ],
  [
    'gather index shape',
    () => a23().gather(1, zeros([3, 1])),
    ShapeError,
    /^gather: index of shape \[3, 1\] must match input of shape \[2, 3\] in every dimension except dim 1/,
  ],
  [
    'gather index value',
    () => a23().gather(1, ng.tensor([[0], [1.5]])),
    ValueError,
    /^gather: index 1.5 is out of bounds/,
  ],
  [
    't',
    () => zeros([2, 2, 2]).t(),
    ShapeError,
    /^t: expects a tensor with <= 2 dimensions, but got shape \[2, 2, 2\]/,
  ],
  ['flatten', () => a23().flatten(1, 0), ValueError, /^flatten: startDim 1 comes after endDim 0/],
  ['transpose', () => a23().transpose(0, 2), ValueError, /^transpose: dim1 2 is out of range/],
  [
    'tensor data',
    () => new ng.Tensor(new Float64Array(3), [2, 2]),
    ValueError,
    /^Tensor: data of length 3 does not fit shape \[2, 2\]/,
  ],
];

for (const [name, call, cls, message] of cases) {
  test(`${name}: ${cls.name} with a message naming the op and shapes`, () => {
    try {
      call();
    } catch (e) {
      assert.instance(e, cls);
      assert.match((e as Error).message, message);
      return;
    }
    assert.unreachable(`${name} did not throw`);
  });
}

test('slice clamps out-of-range bounds as Python does instead of throwing', () => {
  const x = ng.arange(5);
  assert.equal(Array.from(x.slice(0, -2).data), [3, 4]);
  assert.equal(Array.from(x.slice(0, 3, 100).data), [3, 4]);
  assert.equal(Array.from(x.slice(0, 4, 2).data), []);
});

test.run();
