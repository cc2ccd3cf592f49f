import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';
import { Tensor } from '../../core/index.ts';

/** A tensor as the fixture files store it (see tests/fixtures/README.md). */
export interface FixtureTensor {
  shape: number[];
  /** Non-finite floats are stored as the strings 'inf', '-inf' and 'nan' (JSON has no literal for them). */
  data: (number | boolean | string)[];
  dtype?: 'int64' | 'bool' | 'float32';
}

const here = dirname(fileURLToPath(import.meta.url));

/** Reads tests/fixtures/<name>.json. */
export function loadFixture<T>(name: string): { torch_version: string; cases: T[] } {
  return JSON.parse(readFileSync(join(here, '..', 'fixtures', `${name}.json`), 'utf8'));
}

/** One stored element as a number: booleans as 0/1, 'inf' / '-inf' / 'nan' as the IEEE values. */
export function fixtureNumber(v: number | boolean | string): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  const named: Record<string, number> = { inf: Infinity, '-inf': -Infinity, nan: Number.NaN };
  const n = named[v];
  if (n === undefined) throw new Error(`fixture: unknown number ${JSON.stringify(v)}`);
  return n;
}

/** A fixture tensor as a normgrad tensor (bools and int64 become 0/1 and integer floats). */
export function toTensor(f: FixtureTensor, requiresGrad = false): Tensor {
  const data = Float64Array.from(f.data, fixtureNumber);
  return new Tensor(data, f.shape, requiresGrad && (f.dtype === undefined || f.dtype === 'float32'));
}

/** Asserts same shape and values to |a - b| <= atol + rtol |b| (1e-10 relative by default). */
export function assertClose(
  actual: Tensor | null,
  expected: FixtureTensor | Tensor,
  what: string,
  rtol = 1e-10,
  atol = 1e-12,
): void {
  assert.ok(actual !== null, `${what}: got null`);
  const exp =
    expected instanceof Tensor ? { shape: [...expected.shape], data: Array.from(expected.data) } : expected;
  assert.equal([...actual!.shape], exp.shape, `${what}: shape`);
  exp.data.forEach((e, i) => {
    const want = fixtureNumber(e);
    const got = actual!.data[i]!;
    // A non-finite expectation must be matched exactly (NaN by NaN, each infinity by itself).
    const ok = Number.isFinite(want)
      ? Math.abs(got - want) <= atol + rtol * Math.abs(want)
      : Object.is(got, want) || (Number.isNaN(want) && Number.isNaN(got));
    if (!ok) assert.unreachable(`${what}: element ${i} is ${got}, expected ${want}`);
  });
}
