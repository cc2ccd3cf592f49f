/** Forward values and gradients of every core op against PyTorch (tests/fixtures/ops.json). */
import { test } from 'uvu';
import { type Args, OP_CALLS } from '../helpers/fixture-calls.ts';
import { assertClose, type FixtureTensor, loadFixture, toTensor } from '../helpers/fixtures.ts';

interface OpCase {
  name: string;
  op: string;
  args: Record<string, unknown>;
  inputs: FixtureTensor[];
  output: FixtureTensor | [FixtureTensor, FixtureTensor];
  grad_out: FixtureTensor;
  grads: (FixtureTensor | null)[];
}

const calls = OP_CALLS;

for (const c of loadFixture<OpCase>('ops').cases) {
  test(`${c.name} matches PyTorch`, () => {
    const call = calls[c.op];
    if (call === undefined) throw new Error(`no mapping for fixture op ${c.op}`);
    const xs = c.inputs.map((f) => toTensor(f, true));
    const result = call(xs, c.args as Args);
    const [out, extra] = Array.isArray(result) ? result : [result, null];
    const expected = Array.isArray(c.output) ? c.output : [c.output];
    assertClose(out, expected[0]!, `${c.name} output`);
    if (extra !== null) assertClose(extra, expected[1]!, `${c.name} indices`, 0, 0);
    out.backward(toTensor(c.grad_out));
    c.grads.forEach((g, i) => {
      if (g !== null) assertClose(xs[i]!.grad, g, `${c.name} grad ${i}`);
    });
  });
}

test.run();
