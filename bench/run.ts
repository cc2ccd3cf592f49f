/**
 * `npm run bench`: the workloads of bench/cells.ts (W1-W7, and float32 rows) on normgrad and on every peer
 * found on this machine, interleaved in one run (for each cell, every runner in
 * turn, the order rotating from cell to cell), so ratios compare like with like
 * on a shared, noisy machine. Prints one table and writes bench/results.json.
 *
 *   --quick            fewer repetitions (a smoke run; not for quoting)
 *   --only W1,W5       only these workloads
 *   --peers a,b|none   only these peers (by column name), or none
 *   --out path         write the results elsewhere (default bench/results.json)
 *   --system-allocator run under glibc's default allocator settings (see examples/lib/allocator.ts)
 *   --help             this text
 */
import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeAllocator, glibcVersion, runUnderAllocator } from '../examples/lib/allocator.ts';
import { CELLS } from './cells.ts';
import { FULL, median, min, QUICK } from './measure.ts';
import { normgradRunner } from './normgrad.ts';
import type { Found, Runner } from './runner.ts';
import { formatTable, formatTargets, type Row } from './table.ts';
import { findTfjs } from './tfjs.ts';
import { findTorch, TORCH_VARIANTS } from './torch.ts';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const KNOWN = new Set(['--quick', '--only', '--peers', '--out', '--system-allocator', '--help', '-h']);
const unknown = process.argv
  .slice(2)
  .filter(
    (a, i, all) =>
      a.startsWith('-') && !KNOWN.has(a) && !['--only', '--peers', '--out'].includes(all[i - 1] ?? ''),
  );
if (process.argv.includes('--help') || process.argv.includes('-h') || unknown.length > 0) {
  // Two people ran `bench/run.ts --help` expecting usage and got a 20-minute run with its Python peers.
  const usage = (/\/\*\*([\s\S]*?)\*\//.exec(readFileSync(fileURLToPath(import.meta.url), 'utf8'))?.[1] ?? '')
    .replace(/^ \* ?/gm, '')
    .trim();
  if (unknown.length > 0) console.error(`bench: unknown option ${unknown.join(', ')}\n`);
  console.log(`usage: npx tsx bench/run.ts [options]\n\n${usage}`);
  process.exit(unknown.length > 0 ? 1 : 0);
}

// Every peer runs under examples/lib/allocator.ts's setting, as npm start does: it decides W1
// more than any kernel on this kind of machine (bench/README.md, "Allocator"). The setting applies to
// the whole process tree, so normgrad, TensorFlow.js and the PyTorch child all run under it;
// `--system-allocator` runs with the defaults (glibc's, or GLIBC_TUNABLES as the caller set it).
const systemAllocator = process.argv.includes('--system-allocator');
runUnderAllocator(systemAllocator);
const allocator = `${describeAllocator()}${
  glibcVersion() === undefined
    ? ''
    : systemAllocator
      ? ' (--system-allocator)'
      : ' (set by the bench for every peer)'
}`;

const quick = process.argv.includes('--quick');
const budget = quick ? QUICK : FULL;
const only = option('--only')?.split(',');
const peerFilter = option('--peers')?.split(',');
const out = option('--out') ?? join(dirname(fileURLToPath(import.meta.url)), 'results.json');
/** The 2-thread normgrad column, unless --peers leaves it out. */
const wantNormgrad2 = peerFilter === undefined || peerFilter.includes('normgrad 2t');
const cells = CELLS.filter((c) => only === undefined || only.includes(c.workload));

async function findPeers(): Promise<{ peers: Runner[]; notes: string[] }> {
  const wanted = (name: string) => peerFilter === undefined || peerFilter.includes(name);
  const found: Found[] = [];
  for (const v of TORCH_VARIANTS) if (wanted(v.name)) found.push(await findTorch(v));
  if (wanted('tfjs-wasm') || wanted('tfjs-cpu')) {
    for (const f of await findTfjs()) if ('skipped' in f || wanted(f.name)) found.push(f);
  }
  const peers: Runner[] = [];
  const notes: string[] = [];
  for (const f of found) {
    if ('skipped' in f) notes.push(`skipped ${f.skipped}`);
    else peers.push(f);
  }
  return { peers, notes };
}

function gitCommit(): string {
  try {
    return execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const { peers, notes } = await findPeers();
  for (const n of notes) console.log(n);
  const runners = [normgradRunner(1), ...(wantNormgrad2 ? [normgradRunner(2)] : []), ...peers];
  const rows: Row[] = [];
  for (const [ci, cell] of cells.entries()) {
    const samples = new Map<string, number[] | null>();
    for (let r = 0; r < runners.length; r++) {
      const runner = runners[(r + ci) % runners.length]!;
      process.stderr.write(`  ${cell.key}: ${runner.name} ...`);
      let ms: number[] | null = null;
      try {
        ms = await runner.measure(cell, budget);
      } catch (e) {
        // A peer that fails on one cell loses that cell, not the run.
        notes.push(`${runner.name} failed on ${cell.key}: ${(e as Error).message.split('\n')[0]}`);
      }
      samples.set(runner.name, ms);
      process.stderr.write(ms === null ? ' n/a\n' : ` ${median(ms).toFixed(3)} ms\n`);
    }
    rows.push({ cell, samples });
  }
  for (const r of runners) await r.close();
  const loadAfter = loadavg();

  console.log(formatTable(rows, runners));
  console.log(`\n${formatTargets(rows)}`);
  console.log(
    `\nload average (1, 5, 15 min): before ${fmtLoad(loadBefore)}, after ${fmtLoad(loadAfter)}; ${cpus().length} cores`,
  );
  console.log(`  allocator: ${allocator}`);
  for (const r of runners) console.log(`  ${r.name}: ${r.detail}`);
  for (const n of notes) console.log(`  note: ${n}`);

  const results = {
    date: new Date().toISOString(),
    commit: gitCommit(),
    quick,
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    loadavg: { before: loadBefore, after: loadAfter },
    allocator,
    budget,
    runners: runners.map((r) => ({ name: r.name, detail: r.detail })),
    notes,
    cells: rows.map(({ cell, samples }) => {
      const base = samples.get('normgrad');
      return {
        key: cell.key,
        label: cell.label,
        unit: cell.metric.unit,
        results: Object.fromEntries(
          [...samples].map(([name, ms]) => [
            name,
            ms === null
              ? null
              : {
                  medianMs: median(ms),
                  minMs: min(ms),
                  reps: ms.length,
                  metric: cell.metric.of(median(ms)),
                  ratio: base ? median(base) / median(ms) : null,
                  samplesMs: ms,
                },
          ]),
        ),
      };
    }),
  };
  writeFileSync(out, `${JSON.stringify(results, null, 1)}\n`);
  console.log(`wrote ${out}`);
}

function fmtLoad(l: number[]): string {
  return l.map((x) => x.toFixed(2)).join(', ');
}

await main();
