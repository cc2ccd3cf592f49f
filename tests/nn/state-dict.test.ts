/** State dicts: PyTorch's keys, round trips in memory and through safetensors files, and loads that fail cleanly. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { manualSeed, randn, StateDictError, type Tensor, tensor, zeros } from '../../core/index.ts';
import * as nn from '../../nn/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'normgrad-nn-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function model(seed: number): nn.Sequential {
  manualSeed(seed);
  const m = new nn.Sequential(new nn.Linear(2, 3), new nn.BatchNorm1d(3), new nn.ReLU(), new nn.Linear(3, 2));
  // Some training passes so the running statistics are not their initial values.
  for (let i = 0; i < 3; i++) m.forward(randn([5, 2]));
  return m;
}

/** A copy of every tensor's values, by state-dict key. */
function snapshot(m: nn.Module): Record<string, number[]> {
  return Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, Array.from(t.data)]));
}

test('stateDict: PyTorch keys in order, detached tensors that share storage', () => {
  const m = model(1);
  const sd = m.stateDict();
  assert.equal(Object.keys(sd), [
    '0.weight',
    '0.bias',
    '1.weight',
    '1.bias',
    '1.running_mean',
    '1.running_var',
    '1.num_batches_tracked',
    '3.weight',
    '3.bias',
  ]);
  assert.is(sd['1.num_batches_tracked']!.item(), 3);
  const w = (m.at(0) as nn.Linear).weight;
  assert.is(sd['0.weight']!.requiresGrad, false);
  assert.is(sd['0.weight']!.data, w.data);
});

test('loadStateDict round trip in memory copies values into the existing tensors', () => {
  const a = model(1);
  const b = model(2);
  const before = [...b.parameters()];
  assert.not.equal(snapshot(a), snapshot(b));
  const result = b.loadStateDict(a.stateDict());
  assert.equal(result, { missingKeys: [], unexpectedKeys: [] });
  assert.equal(snapshot(b), snapshot(a));
  assert.ok(
    [...b.parameters()].every((p, i) => p === before[i]),
    'the parameter tensors are the same objects (an optimizer holding them still works)',
  );
  a.eval();
  b.eval();
  const x = randn([4, 2]);
  assert.equal(b.forward(x).toArray(), a.forward(x).toArray());
});

test('a failed load names every missing, unexpected and mis-shaped key and changes nothing', () => {
  const m = model(3);
  const before = snapshot(m);
  const sd: Record<string, Tensor> = { ...model(4).stateDict() };
  delete sd['1.running_var'];
  sd['4.weight'] = zeros([1]);
  sd['0.weight'] = zeros([4, 2]);
  assert.throws(
    () => m.loadStateDict(sd),
    (e: unknown) =>
      e instanceof StateDictError &&
      e.message ===
        'Error(s) in loading state_dict for Sequential:\n' +
          '\tMissing key(s) in state_dict: "1.running_var".\n' +
          '\tUnexpected key(s) in state_dict: "4.weight".\n' +
          '\tsize mismatch for 0.weight: copying a param with shape [4, 2] from checkpoint, ' +
          'the shape in current model is [3, 2].',
  );
  assert.equal(snapshot(m), before);
  // Also with strict: false, a shape mismatch throws and nothing changes.
  assert.throws(
    () => m.loadStateDict(sd, { strict: false }),
    (e: unknown) =>
      e instanceof StateDictError &&
      e.message ===
        'Error(s) in loading state_dict for Sequential:\n' +
          '\tsize mismatch for 0.weight: copying a param with shape [4, 2] from checkpoint, ' +
          'the shape in current model is [3, 2].',
  );
  assert.equal(snapshot(m), before);
});

test('strict: false loads the keys present and returns the rest', () => {
  const m = model(5);
  const src = model(6).stateDict();
  const partial = { '0.weight': src['0.weight']!, extra: zeros([2]) };
  const result = m.loadStateDict(partial, { strict: false });
  assert.equal(result.unexpectedKeys, ['extra']);
  assert.equal(
    result.missingKeys,
    Object.keys(src).filter((k) => k !== '0.weight'),
  );
  assert.equal(Array.from((m.at(0) as nn.Linear).weight.data), Array.from(src['0.weight']!.data));
});

test('save and load through a safetensors file round-trip exactly', () => {
  const a = model(7);
  const path = join(dir, 'model.safetensors');
  a.save(path);
  const b = model(8);
  assert.equal(b.load(path), { missingKeys: [], unexpectedKeys: [] });
  assert.equal(snapshot(b), snapshot(a));
  const parsed = nn.safetensors.deserialize(readFileSync(path));
  assert.is(
    parsed.dtypes['1.num_batches_tracked'],
    'I64',
    'num_batches_tracked is stored as int64, as PyTorch keeps it',
  );
  assert.is(parsed.dtypes['0.weight'], 'F64');
  assert.is(parsed.metadata, null);
  assert.equal(Object.keys(nn.Module.load(path)).sort(), Object.keys(a.stateDict()).sort());
});

test('save with dtype F32 stores float32 values (and metadata)', () => {
  const a = model(9);
  const path = join(dir, 'model32.safetensors');
  a.save(path, { dtype: 'F32', metadata: { format: 'pt' } });
  const parsed = nn.safetensors.deserialize(readFileSync(path));
  assert.equal(parsed.metadata, { format: 'pt' });
  assert.is(parsed.dtypes['0.weight'], 'F32');
  const w = a.stateDict()['0.weight']!;
  assert.equal(Array.from(parsed.tensors['0.weight']!.data), Array.from(w.data, Math.fround));
});

test('a failed file load leaves the module unchanged', () => {
  const path = join(dir, 'small.safetensors');
  new nn.Sequential(new nn.Linear(2, 2)).save(path);
  const m = model(10);
  const before = snapshot(m);
  assert.throws(
    () => m.load(path),
    (e: unknown) => e instanceof StateDictError && /Missing key\(s\)/.test(String(e)),
  );
  assert.equal(snapshot(m), before);
});

test('loss modules keep class weights as buffers under PyTorch keys', () => {
  const loss = new nn.BCEWithLogitsLoss({ weight: tensor([1, 2]), posWeight: tensor([3, 4]) });
  assert.equal(Object.keys(loss.stateDict()), ['weight', 'pos_weight']);
  assert.equal(Object.keys(new nn.MSELoss().stateDict()), []);
});

test.run();
