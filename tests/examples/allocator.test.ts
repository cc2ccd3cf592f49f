/**
 * examples/lib/allocator.ts: a script that calls runUnderAllocator runs again under the glibc
 * tunables (after the caller's own), once, and `--system-allocator` keeps the caller's setting.
 */
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ALLOCATOR, glibcVersion } from '../../examples/lib/allocator.ts';

const SCRIPT = new URL('../helpers/print-allocator.ts', import.meta.url).pathname;

function run(args: string[], tunables?: string): { pid: number; allocator: string } {
  const env = { ...process.env };
  delete env.NORMGRAD_ALLOCATOR_SET;
  if (tunables === undefined) delete env.GLIBC_TUNABLES;
  else env.GLIBC_TUNABLES = tunables;
  const r = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { env, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.is(lines.length, 1, 'the work ran once, in the child');
  return JSON.parse(lines[0]!) as { pid: number; allocator: string };
}

test('runUnderAllocator: the script runs again under the tunables, after the caller own', () => {
  const glibc = glibcVersion();
  if (glibc === undefined) {
    assert.is(run([]).allocator, 'the platform default (not glibc)');
    return;
  }
  assert.is(run([]).allocator, `glibc ${glibc}, GLIBC_TUNABLES=${ALLOCATOR}`);
  assert.is(
    run([], 'glibc.malloc.hugetlb=1').allocator,
    `glibc ${glibc}, GLIBC_TUNABLES=glibc.malloc.hugetlb=1:${ALLOCATOR}`,
  );
});

test('runUnderAllocator: --system-allocator keeps the setting the caller gave', () => {
  const glibc = glibcVersion();
  if (glibc === undefined) return;
  assert.is(run(['--system-allocator']).allocator, `glibc ${glibc}, default settings`);
  assert.is(
    run(['--system-allocator'], 'glibc.malloc.hugetlb=1').allocator,
    `glibc ${glibc}, GLIBC_TUNABLES=glibc.malloc.hugetlb=1`,
  );
});

test.run();
