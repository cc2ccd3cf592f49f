/** Forward values checked against mathjs, an independent implementation. */
import * as math from 'mathjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator, randn, type Tensor } from '../../core/index.ts';

const gen = new Generator(7);
function close(a: number, b: number, what: string): void {
  assert.ok(Math.abs(a - b) <= 1e-12 + 1e-12 * Math.abs(b), `${what}: ${a} vs mathjs ${b}`);
}
const nested = (t: Tensor) => t.toArray() as number[][];
const flat = (x: unknown): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x as number]);

for (const [m, k, n] of [
  [1, 1, 1],
  [3, 4, 5],
  [17, 9, 13],
]) {
  test(`matmul [${m},${k}] @ [${k},${n}] equals mathjs.multiply`, () => {
    const a = randn([m!, k!], { generator: gen });
    const b = randn([k!, n!], { generator: gen });
    const want = flat(math.multiply(nested(a), nested(b)));
    a.matmul(b).data.forEach((v, i) => close(v, want[i]!, `matmul[${i}]`));
  });
}

test('sum, mean, var and std over each dim equal mathjs (var/std unbiased and population)', () => {
  const x = randn([5, 7], { generator: gen });
  const rows = nested(x);
  for (const dim of [0, 1]) {
    const sums = flat(math.sum(rows, dim));
    const means = flat(math.mean(rows, dim));
    const varU = flat(math.variance(rows, dim, 'unbiased'));
    const varP = flat(math.variance(rows, dim, 'uncorrected'));
    const stdU = flat(math.std(rows, dim, 'unbiased'));
    x.sum(dim).data.forEach((v, i) => close(v, sums[i]!, `sum dim ${dim}`));
    x.mean(dim).data.forEach((v, i) => close(v, means[i]!, `mean dim ${dim}`));
    x.var(dim).data.forEach((v, i) => close(v, varU[i]!, `var dim ${dim}`));
    x.var(dim, { correction: 0 }).data.forEach((v, i) => close(v, varP[i]!, `var(correction 0) dim ${dim}`));
    x.std(dim).data.forEach((v, i) => close(v, stdU[i]!, `std dim ${dim}`));
  }
  close(x.sum().item(), math.sum(rows) as number, 'sum all');
  close(x.var().item(), math.variance(flat(rows)) as unknown as number, 'var all');
});

test('softmax equals exp(x) / sum(exp(x)) computed by mathjs', () => {
  const x = randn([4, 6], { generator: gen });
  const sm = x.softmax(1);
  nested(x).forEach((row, r) => {
    const e = row.map((v) => math.exp(v));
    const s = math.sum(e) as number;
    e.forEach((v, c) => close(sm.data[r * 6 + c]!, v / s, `softmax[${r},${c}]`));
  });
});

test.run();
