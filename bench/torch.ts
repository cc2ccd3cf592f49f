/**
 * PyTorch peers: bench/torch_bench.py in a long-lived /usr/bin/python3 process,
 * one per BLAS. Debian's torch links `libblas.so.3`, so which BLAS it runs on is
 * decided by the library path: OpenBLAS from `libopenblas0-openmp`, or the
 * reference BLAS from `libblas3`. Each process reports the BLAS files it actually
 * mapped, which the table's legend prints, so a column cannot claim the wrong one.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Cell } from './cells.ts';
import type { Budget } from './measure.ts';
import type { Found, Runner } from './runner.ts';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'torch_bench.py');
const LIB = '/usr/lib/x86_64-linux-gnu';

interface Variant {
  name: string;
  blasName: string;
  /** Directories that must exist for this variant, first on LD_LIBRARY_PATH. */
  libDirs: string[];
  /** torch.set_num_threads and the BLAS's OpenMP threads. */
  threads: number;
}

export const TORCH_VARIANTS: readonly Variant[] = [
  { name: 'torch+OpenBLAS', blasName: 'OpenBLAS', libDirs: [`${LIB}/openblas-openmp`], threads: 1 },
  { name: 'torch+OpenBLAS 2t', blasName: 'OpenBLAS', libDirs: [`${LIB}/openblas-openmp`], threads: 2 },
  {
    name: 'torch+refBLAS',
    blasName: 'reference BLAS',
    libDirs: [`${LIB}/blas`, `${LIB}/lapack`],
    threads: 1,
  },
  {
    name: 'torch+refBLAS 2t',
    blasName: 'reference BLAS',
    libDirs: [`${LIB}/blas`, `${LIB}/lapack`],
    threads: 2,
  },
];

interface Hello {
  torch: string;
  blas: string[];
  threads: number;
}

class LineProcess {
  private readonly lines: Interface;
  private readonly queue: ((line: string | null) => void)[] = [];
  private stderr = '';
  constructor(readonly child: ChildProcessWithoutNullStreams) {
    this.lines = createInterface({ input: child.stdout });
    this.lines.on('line', (line) => this.queue.shift()?.(line));
    child.stderr.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
    child.on('close', () => {
      for (const resolve of this.queue.splice(0)) resolve(null);
    });
  }
  next(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.queue.push((line) =>
        line === null
          ? reject(new Error(`python exited: ${this.stderr.trim().split('\n').pop()}`))
          : resolve(line),
      );
    });
  }
  async request(obj: unknown): Promise<string> {
    const reply = this.next();
    this.child.stdin.write(`${JSON.stringify(obj)}\n`);
    return reply;
  }
}

export async function findTorch(variant: Variant): Promise<Found> {
  if (!existsSync(PYTHON)) return { skipped: `${variant.name}: ${PYTHON} not found` };
  const missing = variant.libDirs.find((d) => !existsSync(d));
  if (missing !== undefined) return { skipped: `${variant.name}: ${missing} not installed` };
  const child = spawn(PYTHON, [SCRIPT, String(variant.threads)], {
    env: {
      ...process.env,
      LD_LIBRARY_PATH: variant.libDirs.join(':'),
      OMP_NUM_THREADS: String(variant.threads),
      OPENBLAS_NUM_THREADS: String(variant.threads),
    },
  });
  const proc = new LineProcess(child);
  let hello: Hello;
  try {
    hello = JSON.parse(await proc.next()) as Hello;
  } catch (e) {
    child.kill();
    return { skipped: `${variant.name}: import torch failed (${(e as Error).message})` };
  }
  const blas = hello.blas.map((p) => p.split('/').pop()).join(', ');
  return {
    name: variant.name,
    detail: `PyTorch ${hello.torch}, float64 (float32 on the f32 rows), ${hello.threads} thread${hello.threads === 1 ? '' : 's'}, ${variant.blasName} (mapped: ${blas})`,
    async measure(cell: Cell, budget: Budget) {
      const reply = JSON.parse(
        await proc.request({
          workload: cell.workload,
          params: cell.params,
          dtype: cell.dtype ?? 'float64',
          budget,
        }),
      ) as { ms: number[] | null };
      return reply.ms;
    },
    async close() {
      child.stdin.end();
    },
  } satisfies Runner;
}
