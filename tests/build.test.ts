/** The published shape of the package: `npm run build` emits dist/ with .d.ts, and plain JavaScript imports it by name. */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

test('the built package imports from plain JavaScript as normgrad, with type declarations', () => {
  // The same build `npm run build` runs, into a throwaway install (<tmp>/node_modules/normgrad)
  // so the test leaves the checkout as it found it.
  const hadDist = existsSync(join(root, 'dist'));
  const tmp = mkdtempSync(join(tmpdir(), 'normgrad-build-'));
  try {
    const pkg = join(tmp, 'node_modules', 'normgrad');
    mkdirSync(pkg, { recursive: true });
    copyFileSync(join(root, 'package.json'), join(pkg, 'package.json'));
    symlinkSync(join(root, 'node_modules'), join(pkg, 'node_modules'), 'dir'); // its dependencies
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', join(pkg, 'dist')], {
      cwd: root,
      stdio: 'pipe',
    });
    assert.ok(existsSync(join(pkg, 'dist/index.d.ts')), 'dist/index.d.ts exists');
    assert.ok(existsSync(join(pkg, 'dist/core/tensor.d.ts')), 'dist/core/tensor.d.ts exists');
    const script = [
      "import { tensor, nn, optim, noGrad, gradcheck } from 'normgrad';",
      'const x = tensor([1, 2], { requiresGrad: true });',
      'x.mul(x).sum().backward();',
      'const r = gradcheck((a) => a.tanh(), [tensor([0.3], { requiresGrad: true })]);',
      'console.log(JSON.stringify({ grad: Array.from(x.grad.data), ok: r.ok, nn: typeof nn, optim: typeof optim, noGrad: typeof noGrad }));',
    ].join('\n');
    const printed = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: tmp,
      encoding: 'utf8',
    });
    assert.equal(JSON.parse(printed), {
      grad: [2, 4],
      ok: true,
      nn: 'object',
      optim: 'object',
      noGrad: 'function',
    });
    if (!hadDist) assert.not.ok(existsSync(join(root, 'dist')), 'the build wrote dist/ into the checkout');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
