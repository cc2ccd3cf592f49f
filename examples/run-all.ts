/**
 * `npm start`: runs every registered experiment (quick mode by default), prints
 * the table of all claims with their verdicts and key numbers, and writes
 * out/report.html.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { getDefaultDtype, ValueError } from '../core/index.ts';
import { runUnderAllocator } from './lib/allocator.ts';
import { parseArgs, USAGE } from './lib/args.ts';
import { CLAIMS } from './lib/claims.ts';
import { loadCommitted } from './lib/committed.ts';
import { describeRun, isMain, type RunOptions, type RunResult, runExperiment } from './lib/experiment.ts';
import { reportHtml, verdictLabel } from './lib/report.ts';
import { formatTable, keyNumbers } from './lib/table.ts';
import { experiments } from './registry.ts';

/** Runs the experiments named in `only` (all when empty), writes the report, returns the runs and its path. */
export async function runAll(
  opts: RunOptions & { only?: readonly string[] },
): Promise<{ runs: RunResult[]; report: string }> {
  const only = opts.only ?? [];
  for (const name of only) {
    if (!experiments.some((e) => e.name === name)) {
      throw new ValueError(
        `run-all: --only names an unknown experiment ${name} (known: ${experiments.map((e) => e.name).join(', ')})`,
      );
    }
  }
  const selected = only.length === 0 ? experiments : experiments.filter((e) => only.includes(e.name));
  const dtype = opts.dtype ?? getDefaultDtype();
  const start = performance.now();
  const runs: RunResult[] = [];
  for (const exp of selected) {
    if (!opts.quiet) console.log(`\n>> ${exp.name}: ${exp.title}`);
    const r = await runExperiment(exp, { ...opts, dtype });
    if (!opts.quiet) console.log(describeRun(r));
    runs.push(r);
  }
  const wallTimeSeconds = (performance.now() - start) / 1000;
  const report = resolve(opts.out, 'report.html');
  writeFileSync(
    report,
    reportHtml(runs, { mode: opts.mode, seed: opts.seed, dtype, wallTimeSeconds }, loadCommitted()),
  );
  return { runs, report };
}

/** The table of all claims: verdict, key numbers, experiment and its wall time. */
export function claimsTable(runs: readonly RunResult[]): string {
  const rows: (string | number)[][] = [];
  for (const c of CLAIMS) {
    const hits = runs.flatMap((r) =>
      r.results.verdicts.filter((v) => v.claim === c.id).map((v) => ({ v, r })),
    );
    if (hits.length === 0) rows.push([c.id, 'not tested', '(no experiment in this run)', '-', '-']);
    for (const { v, r } of hits) {
      rows.push([
        verdictLabel(
          v,
          hits.map((h) => h.v),
        ),
        v.verdict,
        keyNumbers(v, 3),
        r.results.experiment,
        `${r.results.wallTimeSeconds} s`,
      ]);
    }
  }
  return formatTable(['claim', 'verdict', 'key numbers', 'experiment', 'wall time'], rows);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    console.log(`usage: npx tsx examples/run-all.ts [options]\n${USAGE}`);
    return;
  }
  runUnderAllocator(args.systemAllocator);
  const start = performance.now();
  const { runs, report } = await runAll(args);
  console.log(
    `\n== All claims (${args.mode} mode, ${args.dtype}, seed ${args.seed}) ==\n${claimsTable(runs)}`,
  );
  console.log(`\nwrote ${report} (${((performance.now() - start) / 1000).toFixed(1)} s in total)`);
  console.log(`per-experiment results: ${join(resolve(args.out), '<experiment>', 'results.json')}`);
}

if (isMain(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
