/**
 * The house drawn from the imports (issue 11): nn, optim and data reach core
 * only through core/index.ts, and the op files of core/ops import each other
 * without a loop (core/ops/base.ts is the floor the others build on).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The repository-relative paths a file imports (static imports and re-exports of relative paths). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)].map((m) => m[1]!);
  return specs.map((s) => relative(root, resolve(dirname(file), s)));
}

test('nn, optim and data import core only through core/index.ts', () => {
  const offenders: string[] = [];
  for (const layer of ['nn', 'optim', 'data']) {
    for (const file of tsFiles(join(root, layer))) {
      for (const target of importsOf(file)) {
        if (target.startsWith('core/') && target !== 'core/index.ts') {
          offenders.push(`${relative(root, file)} -> ${target}`);
        }
      }
    }
  }
  assert.equal(offenders, []);
});

/** A cycle in a directed graph, as the list of its nodes, or null. */
function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (n: string): string[] | null => {
    if (state.get(n) === 'done') return null;
    if (state.get(n) === 'open') return [...path.slice(path.indexOf(n)), n];
    state.set(n, 'open');
    path.push(n);
    for (const m of graph.get(n) ?? []) {
      const cycle = visit(m);
      if (cycle !== null) return cycle;
    }
    path.pop();
    state.set(n, 'done');
    return null;
  };
  for (const n of graph.keys()) {
    const cycle = visit(n);
    if (cycle !== null) return cycle;
  }
  return null;
}

test('the op files of core/ops import each other without a loop', () => {
  const files = tsFiles(join(root, 'core', 'ops')).map((f) => relative(root, f));
  const graph = new Map(
    files.map((f) => [f, importsOf(join(root, f)).filter((t) => t.startsWith('core/ops/'))] as const),
  );
  assert.ok(files.length >= 6, `found the op files: ${files}`);
  assert.equal(findCycle(graph), null);
  assert.equal(graph.get('core/ops/base.ts'), [], 'base.ts, the floor, imports no other op file');
});

test('only core/tensor.ts imports core/tensor-base.ts, so TensorBase is defined before Tensor extends it', () => {
  // Another importer evaluated first would reach tensor.ts (through engine.ts) while TensorBase is
  // still uninitialized. Type-only imports are erased and do not count.
  const importers = ['core', 'nn', 'optim', 'data', 'onnx', 'examples', 'tests', 'bench']
    .flatMap((dir) => tsFiles(join(root, dir)))
    .filter((file) => {
      const text = readFileSync(file, 'utf8');
      return [...text.matchAll(/^(import|export)\s(?!type\s)[^;]*?from\s+'(\.[^']+)'/gms)].some(
        (m) => relative(root, resolve(dirname(file), m[2]!)) === 'core/tensor-base.ts',
      );
    })
    .map((file) => relative(root, file));
  assert.equal(importers, ['core/tensor.ts']);
});

test('the cycle finder finds a loop', () => {
  const loop = new Map([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a']],
  ]);
  assert.equal(findCycle(loop), ['a', 'b', 'c', 'a']);
});

test.run();
