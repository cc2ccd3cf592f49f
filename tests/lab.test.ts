/**
 * The lab's engine in Node (no browser): its URL form round-trips, A and B start
 * from the same weights, and measuring never changes the run it measures.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ACTIVATIONS, DATASETS, DEFAULTS, fromQuery, type LabConfig, NORMS, toQuery } from '../lab/config.ts';
import { Lab } from '../lab/engine.ts';

test('fromQuery(toQuery(c)) is c, for the defaults and for configs off the defaults', () => {
  assert.equal(fromQuery(toQuery(DEFAULTS)), DEFAULTS);
  const odd: LabConfig = {
    ...DEFAULTS,
    seed: 123456,
    dataset: 'circles',
    depth: 3,
    width: 8,
    activation: 'relu',
    initScale: 0.5,
    optimizer: 'adam',
    lr: 0.003,
    batchSize: 2,
    scaling: 'raw',
    evalMode: 'train',
    a: { norms: ['ln', 'none', 'noisybn'], bias: false },
    b: { norms: ['bn', 'bn', 'ln'], bias: true },
    layer: 2,
    unit: 7,
  };
  assert.equal(fromQuery(toQuery(odd)), odd);
  assert.ok(DATASETS.length === 5 && ACTIVATIONS.length === 3 && NORMS.includes('noisybn'));
});

test('fromQuery: unknown values fall back to the defaults, and the norm lists fit the depth', () => {
  const c = fromQuery('?data=imagenet&depth=3&width=7&act=gelu&lr=42&a=ln&b=bn.none.ln.ln.ln&unit=99');
  assert.is(c.dataset, DEFAULTS.dataset);
  assert.is(c.width, DEFAULTS.width);
  assert.is(c.activation, DEFAULTS.activation);
  assert.is(c.lr, DEFAULTS.lr);
  assert.equal(c.a.norms, ['ln', 'ln', 'ln']);
  assert.equal(c.b.norms, ['bn', 'none', 'ln']);
  assert.is(c.unit, 0);
  assert.is(c.layer, 2);
});

test('A and B start from the same weights; with the same settings they train identically', () => {
  const lab = new Lab({ ...DEFAULTS, b: DEFAULTS.a });
  const [a, b] = [lab.a.net.stateDict(), lab.b.net.stateDict()];
  for (const k of Object.keys(a)) assert.equal(Array.from(a[k]!.data), Array.from(b[k]!.data), k);
  for (let i = 0; i < 5; i++) {
    const r = lab.train();
    assert.ok(Object.is(r.loss[0], r.loss[1]));
  }
});

test('switching the bias off leaves every weight as drawn', () => {
  const lab = new Lab({ ...DEFAULTS, b: { ...DEFAULTS.a, bias: false } });
  assert.is(lab.b.net.linears[0]!.bias, null);
  lab.a.net.linears.forEach((l, i) =>
    assert.equal(Array.from(l.weight.data), Array.from(lab.b.net.linears[i]!.weight.data)),
  );
});

test('measuring (in train mode, with noisy BN) does not change the run: same losses as an unmeasured run', () => {
  const config: LabConfig = {
    ...DEFAULTS,
    depth: 2,
    evalMode: 'train',
    a: { norms: ['noisybn', 'bn'], bias: true },
    b: { norms: ['bn', 'ln'], bias: false },
    layer: 1,
  };
  const [measured, plain] = [new Lab(config), new Lab(config)];
  for (let i = 0; i < 12; i++) {
    const m = measured.train();
    if (i % 4 === 0) measured.measure();
    const p = plain.train();
    assert.ok(Object.is(m.loss[0], p.loss[0]) && Object.is(m.loss[1], p.loss[1]), `step ${i + 1}`);
  }
  const m = measured.measure();
  assert.is(m.a.percentiles.length, 2);
  assert.is(m.a.percentiles[1]!.length, 3 * config.width);
  const p = m.b.percentiles[0]!;
  for (let j = 0; j < config.width; j++)
    assert.ok(p[3 * j]! <= p[3 * j + 1]! && p[3 * j + 1]! <= p[3 * j + 2]!);
  assert.is(
    m.a.histograms[0]!.reduce((s, v) => s + v, 0),
    200 * config.width,
  );
  assert.ok(m.a.boundary !== null && m.a.boundary.cls.length === 40 * 40);
});

test.run();
