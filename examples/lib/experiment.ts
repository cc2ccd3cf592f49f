/**
 * What an experiment is and how one is run: seed, time, render the figures to
 * SVG, write `OUT/<name>/results.json` and the SVGs, and print the verdicts.
 * Every experiment file exports one `Experiment` and ends with
 * `runMain(experiment, import.meta.url)` so it also runs on its own.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type DType, getDefaultDtype, manualSeed, setDefaultDtype, ValueError } from '../../core/index.ts';
import { describeAllocator, runUnderAllocator } from './allocator.ts';
import { type Mode, parseArgs, USAGE } from './args.ts';
import { type Progress, progress } from './progress.ts';
import { renderSvg, type TopLevelSpec } from './render.ts';
import { formatTable, verdictTable } from './table.ts';
import type { ClaimId, Verdict } from './verdict.ts';

export interface Figure {
  /** File name inside the experiment's directory, ending in .svg. */
  file: string;
  title: string;
  /** What the picture shows and how to read it, for the report. */
  caption: string;
  /** The claims the figure bears on; the report shows it under the first. */
  claims?: ClaimId[];
  spec: TopLevelSpec;
}

export interface Table {
  title: string;
  claims?: ClaimId[];
  columns: string[];
  rows: (string | number)[][];
}

/** What `run` returns. */
export interface ExperimentOutput {
  /** The set-up actually used (sizes, learning rates, step counts), by name. */
  setup: Record<string, string | number | boolean>;
  verdicts: Verdict[];
  figures: Figure[];
  tables?: Table[];
  /** Wall-clock measurements; kept apart from the numbers because they differ between runs. */
  timings?: Record<string, number>;
}

export interface RunContext {
  mode: Mode;
  seed: number;
  /** The default dtype set for this run; tensors made without an explicit dtype have it. */
  dtype: DType;
  /** The experiment's output directory (created before run). */
  dir: string;
  quiet: boolean;
  log(message: string): void;
  progress(label: string, total: number): Progress;
}

export interface Experiment {
  /** File name without .ts, also the output directory name. */
  name: string;
  title: string;
  claims: ClaimId[];
  /** An extension the article does not make: it declares no claims and gives no verdicts, only measurements. */
  beyondArticle?: boolean;
  /** What is run and why, in plain words for the report (paragraphs separated by blank lines). */
  description: string;
  /** How long --full takes on 2 cores, e.g. "about 80 s on 2 cores" (the report prints "which takes …"). */
  fullModeTime: string;
  run(ctx: RunContext): Promise<ExperimentOutput>;
}

/** The content of results.json. */
export interface Results {
  experiment: string;
  title: string;
  claims: ClaimId[];
  description: string;
  mode: Mode;
  seed: number;
  /**
   * The default dtype the run set (`--dtype`). Results written before the flag
   * existed have none; they ran in float64 (`loadCommitted` fills it in).
   */
  dtype: DType;
  command: string;
  wallTimeSeconds: number;
  fullModeTime: string;
  setup: Record<string, string | number | boolean>;
  verdicts: Verdict[];
  figures: { file: string; title: string; caption: string; claims: ClaimId[] }[];
  tables: Table[];
  timings: Record<string, number>;
  /** Where and when the run was made, so a committed result says what produced it. */
  provenance: Provenance;
  /** `criteriaHash` of the verdicts' criteria: a committed result is stale once the criteria change. */
  criteriaHash: string;
}

/** The commit, date and machine of a run. */
export interface Provenance {
  /** `git rev-parse HEAD`, or 'unknown' outside a checkout. */
  commit: string;
  /** True when the working tree had uncommitted changes. */
  dirty: boolean;
  /** ISO 8601, UTC. */
  date: string;
  /** CPU model, core count and Node version. */
  machine: string;
  /** The system load average over one minute when the run started (timings are noisy on a shared machine). */
  load: number;
  /** The C allocator and its settings (lib/allocator.ts); runs before 2026-12-02 05:00 UTC do not say. */
  allocator?: string;
}

export interface RunOptions {
  mode: Mode;
  seed: number;
  /** The default dtype for the run, restored afterwards; the current default when omitted. */
  dtype?: DType;
  /** The root output directory; the experiment writes into `<out>/<name>/`. */
  out: string;
  quiet?: boolean;
}

export interface RunResult {
  results: Results;
  /** Rendered figures by file name. */
  svgs: Map<string, string>;
  dir: string;
}

/** The command that reruns an experiment in this mode with this seed (and dtype, unless float64). */
export function commandFor(name: string, mode: Mode, seed: number, dtype: DType = 'float64'): string {
  return `npx tsx examples/${name}.ts --${mode}${seed === 0 ? '' : ` --seed ${seed}`}${
    dtype === 'float64' ? '' : ` --dtype ${dtype}`
  }`;
}

/** Runs one experiment, writes its results.json and SVGs, and returns them. */
export async function runExperiment(exp: Experiment, opts: RunOptions): Promise<RunResult> {
  const dir = resolve(opts.out, exp.name);
  mkdirSync(dir, { recursive: true });
  const quiet = opts.quiet ?? false;
  const dtype = opts.dtype ?? getDefaultDtype();
  const ctx: RunContext = {
    mode: opts.mode,
    seed: opts.seed,
    dtype,
    dir,
    quiet,
    log: (m) => {
      if (!quiet) console.log(m);
    },
    progress: (label, total) => progress(label, total, { quiet }),
  };
  const before = provenance();
  const previousDtype = getDefaultDtype();
  setDefaultDtype(dtype);
  manualSeed(opts.seed);
  const start = performance.now();
  let out: ExperimentOutput;
  try {
    out = await exp.run(ctx);
  } finally {
    // Restored even when the run throws: the caller (run-all, a test) goes on in its own dtype.
    setDefaultDtype(previousDtype);
  }
  const wallTimeSeconds = Number(((performance.now() - start) / 1000).toFixed(2));
  for (const c of exp.claims) {
    if (!out.verdicts.some((v) => v.claim === c)) {
      throw new ValueError(`runExperiment: ${exp.name} declares claim ${c} but returned no verdict for it`);
    }
  }
  for (const t of out.tables ?? []) checkTable(exp.name, t);
  // An experiment defined outside examples/ (a user's own, or a docs example) has no source line to link.
  const file = resolve('examples', `${exp.name}.ts`);
  const source = existsSync(file) ? readFileSync(file, 'utf8') : null;
  const verdicts = out.verdicts.map((v) =>
    source === null ? v : { ...v, criterionAt: criterionLine(exp.name, source, v.criterion) },
  );
  const svgs = new Map<string, string>();
  for (const f of out.figures) {
    if (!f.file.endsWith('.svg'))
      throw new ValueError(`runExperiment: figure file must end in .svg, got ${f.file}`);
    const svg = await renderSvg(f.spec);
    svgs.set(f.file, svg);
    writeFileSync(join(dir, f.file), svg);
  }
  const results: Results = {
    experiment: exp.name,
    title: exp.title,
    claims: exp.claims,
    description: exp.description,
    mode: opts.mode,
    seed: opts.seed,
    dtype,
    command: commandFor(exp.name, opts.mode, opts.seed, dtype),
    wallTimeSeconds,
    fullModeTime: exp.fullModeTime,
    setup: out.setup,
    verdicts,
    figures: out.figures.map((f) => ({
      file: f.file,
      title: f.title,
      caption: f.caption,
      claims: f.claims ?? [],
    })),
    tables: out.tables ?? [],
    timings: out.timings ?? {},
    provenance: before,
    criteriaHash: criteriaHash(out.verdicts),
  };
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  return { results, svgs, dir };
}

/** Every row of a table has one cell per column, or the values sit under the wrong names. */
function checkTable(name: string, t: Table): void {
  t.rows.forEach((r, i) => {
    if (r.length !== t.columns.length) {
      throw new ValueError(
        `runExperiment: ${name}'s table "${t.title}" has ${t.columns.length} columns but row ${i} has ${r.length} cells`,
      );
    }
  });
}

/**
 * A fingerprint of the criteria (claim and criterion text of every verdict, in
 * order): committed full results whose fingerprint differs from the current
 * code's were decided by rules that are no longer the ones in the code.
 */
export function criteriaHash(verdicts: readonly Pick<Verdict, 'claim' | 'criterion'>[]): string {
  const text = verdicts.map((v) => `${v.claim}\n${v.criterion}`).join('\n\n');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * `examples/<name>.ts#L<n>`: the line of the experiment's source where the
 * criterion's text begins (found by its first literal words), else the first
 * line that sets a criterion, so the report can link a rule to the code that applies it.
 */
export function criterionLine(name: string, source: string, criterion: string): string {
  const lines = source.split('\n');
  const head = criterion.slice(0, 40).replace(/[`$\\]/g, '');
  for (let n = head.length; n >= 16; n -= 8) {
    const i = lines.findIndex((l) => l.includes(head.slice(0, n)));
    if (i >= 0) return `examples/${name}.ts#L${i + 1}`;
  }
  const i = lines.findIndex((l) => /CRITERION\s*=|criterion:/.test(l));
  return `examples/${name}.ts${i >= 0 ? `#L${i + 1}` : ''}`;
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

/** The commit, date, machine and load of a run starting now. */
export function provenance(): Provenance {
  const cpu = cpus();
  return {
    commit: git(['rev-parse', 'HEAD']) || 'unknown',
    dirty: git(['status', '--porcelain', '--untracked-files=no']).length > 0,
    date: new Date().toISOString(),
    machine: `${cpu[0]?.model.trim() ?? 'unknown CPU'} x ${cpu.length}, Node ${process.version}`,
    load: Number(loadavg()[0]!.toFixed(2)),
    allocator: describeAllocator(),
  };
}

/** The terminal summary of one experiment: its tables, then its verdicts. */
export function describeRun(r: RunResult): string {
  const { title, mode, dtype, seed } = r.results;
  const parts = [`\n== ${title} (${mode}, ${dtype}, seed ${seed}) ==`];
  for (const t of r.results.tables) parts.push(`\n${t.title}\n${formatTable(t.columns, t.rows)}`);
  parts.push(`\n${verdictTable(r.results.verdicts, 6)}`);
  parts.push(
    `\nwrote ${join(r.dir, 'results.json')} and ${r.svgs.size} SVG file(s) in ${r.results.wallTimeSeconds} s`,
  );
  return parts.join('\n');
}

/** True when the module at `importMetaUrl` is the script node was started with. */
export function isMain(importMetaUrl: string | undefined): boolean {
  const script = process.argv[1];
  return (
    script !== undefined &&
    importMetaUrl !== undefined &&
    pathToFileURL(resolve(script)).href === importMetaUrl
  );
}

/**
 * Lets an experiment file run on its own: `npx tsx examples/<name>.ts --quick`.
 * Does nothing when the file is imported (by run-all or the tests). Errors are
 * printed and set a failing exit code. Call it without `await`: the tests load
 * experiment files through a CommonJS loader, which rejects top-level await.
 */
export function runMain(exp: Experiment, importMetaUrl: string): void {
  if (!isMain(importMetaUrl)) return;
  const main = async () => {
    const args = parseArgs(process.argv.slice(2));
    if (args.help) {
      console.log(`${exp.title}\nusage: npx tsx examples/${exp.name}.ts [options]\n${USAGE}`);
      return;
    }
    runUnderAllocator(args.systemAllocator);
    const r = await runExperiment(exp, {
      mode: args.mode,
      seed: args.seed,
      dtype: args.dtype,
      out: args.out,
    });
    console.log(describeRun(r));
  };
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
