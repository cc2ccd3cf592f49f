/**
 * The README's Python snippet, run: the TypeScript block before it saves a model
 * as safetensors, /usr/bin/python3 builds the same network in PyTorch, loads the
 * file with `load_state_dict` (strict) and runs it, and its outputs must equal
 * normgrad's. Where /usr/bin/python3 has no torch the test says it did not run.
 * Where torch is there but the `safetensors` package is not (Debian ships
 * none), tests/docs/py provides `safetensors.torch.load_file`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { noGrad, ones, type Tensor } from '../../core/index.ts';
import * as nn from '../../nn/index.ts';
import { extractBlocks, ROOT, runBlock } from './blocks.ts';

const PYTHON = '/usr/bin/python3';
const has = (module: string) =>
  spawnSync(PYTHON, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;

test("the README's Python snippet loads normgrad's weights into PyTorch and gives normgrad's outputs", async () => {
  const blocks = extractBlocks('README.md');
  const python = blocks.filter((b) => b.lang === 'python');
  assert.is(python.length, 1, 'the README has one Python block');
  const saver = blocks.find((b) => b.lang === 'ts' && b.code.includes("model.save('model.safetensors')"));
  assert.ok(saver, 'the README has the TypeScript block that saves model.safetensors');
  if (!has('torch')) {
    console.log(`  not run: ${PYTHON} has no torch, so the README's Python snippet was not run`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'normgrad-torch-'));
  try {
    await runBlock(saver!, dir);
    const shim = has('safetensors') ? [] : [join(ROOT, 'tests/docs/py')];
    const script = `${python[0]!.code}\nimport json\nprint("JSON" + json.dumps(model(torch.ones(2, 4, dtype=torch.float64)).tolist()))\n`;
    const run = spawnSync(PYTHON, ['-c', script], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, PYTHONPATH: [...shim, process.env.PYTHONPATH ?? ''].filter(Boolean).join(':') },
    });
    assert.is(run.status, 0, `python failed:\n${run.stderr}`);
    const line = run.stdout.split('\n').find((l) => l.startsWith('JSON'));
    const torchOut = JSON.parse(line!.slice(4)) as number[][];
    // normgrad's side: the same network, loaded from the same file (strict), in eval mode.
    const model = new nn.Sequential(
      new nn.Linear(4, 16, { bias: false }),
      new nn.BatchNorm1d(16),
      new nn.ReLU(),
      new nn.Linear(16, 3),
    );
    model.load(join(dir, 'model.safetensors'));
    model.eval();
    const ours = noGrad(() => model.forward(ones([2, 4]))) as Tensor;
    assert.equal([torchOut.length, torchOut[0]!.length], [2, 3]);
    const worst = Math.max(...torchOut.flat().map((v, i) => Math.abs(v - ours.data[i]!)));
    assert.ok(worst < 1e-12, `largest difference ${worst}`);
    // The file's BatchNorm statistics are trained ones, so the comparison covers them.
    assert.not.equal(Array.from(model.stateDict()['1.running_mean']!.data), new Array(16).fill(0));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
