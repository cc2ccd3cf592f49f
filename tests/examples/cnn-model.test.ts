/** The CNN shared by cnn-norm and cnn-batch-size: its sizes, its arms, and that one seed gives every arm the same weights. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { manualSeed, randn, type Tensor } from '../../core/index.ts';
import { groupsFor, sides, smallCnn } from '../../examples/cnn/model.ts';
import { ARMS } from '../../examples/cnn-norm.ts';

test('sides follow conv 3x3 (valid) and 2x2 pooling: 28 -> 26, 13, 11, 5 and 14 -> 12, 6, 4, 2', () => {
  assert.equal(sides(28), { conv1: 26, pool1: 13, conv2: 11, pool2: 5 });
  assert.equal(sides(14), { conv1: 12, pool1: 6, conv2: 4, pool2: 2 });
});

test('GroupNorm groups: 32 at most, at least 2 channels per group', () => {
  assert.equal([8, 16, 32, 64, 128].map(groupsFor), [4, 8, 16, 32, 32]);
});

test('every arm maps [N, 1, side, side] to [N, 10], and one seed gives all arms the same conv and linear weights', () => {
  const weights = new Map<string, number[]>();
  for (const kind of ARMS) {
    manualSeed(5);
    const net = smallCnn(kind, { side: 14, c1: 4, c2: 8 });
    const y = net.forward(randn([3, 1, 14, 14])) as Tensor;
    assert.equal([...y.shape], [3, 10], kind);
    const named = Object.fromEntries(net.namedParameters());
    const key = ['0.weight', '4.weight', '9.weight'].flatMap((k) => Array.from(named[k]!.data.slice(0, 5)));
    weights.set(kind, key);
  }
  for (const kind of ARMS) assert.equal(weights.get(kind), weights.get('batchnorm'), kind);
});

test.run();
