/**
 * The bounded soak run of the fast suite: `tests/soak.ts` for a few hundred
 * steps in a child process with --expose-gc. A few hundred steps are too few to
 * read a heap slope of bytes per step on a shared machine, so the memory bound
 * here is generous (a retained graph costs tens of KB per step); the robust
 * checks are the WeakRefs (every watched per-step tensor collected, though the
 * losses of those steps are still held) and the sizes of optimizer state,
 * parameters, buffers and hook calls. `npm run soak` runs 5000 steps at the
 * tight tolerance.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { SoakReport } from '../soak.ts';

const STEPS = 400;
const script = fileURLToPath(new URL('../soak.ts', import.meta.url));

test(`a ${STEPS}-step training run releases every step's tensors and keeps its state sizes`, () => {
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', script, '--steps', String(STEPS), '--tolerance', '4096', '--json'],
    { encoding: 'utf8' },
  );
  assert.is(child.stderr, '', 'nothing on stderr');
  const report = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as SoakReport;
  assert.equal(report.problems, [], 'no problems');
  assert.is(child.status, 0, 'exit code 0');
  assert.is(report.steps, STEPS);
  // 8 probed steps: batch, logits, an activation and the 10 parameter gradients each
  assert.is(report.watched, 8 * 13);
  assert.equal(report.alive, []);
  assert.is(new Set(report.sizes.stateEntries).size, 1);
  assert.is(report.sizes.stateEntries[0], 10, 'one momentum buffer per parameter');
  assert.is(report.sizes.hookCalls, STEPS);
  assert.ok(report.heapUsed.slope < 4096 && report.arrayBuffers.slope < 4096);
  assert.ok(report.loss.last < report.loss.first);
});

test.run();
