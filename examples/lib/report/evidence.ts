/**
 * Which run a verdict comes from. The report pairs each experiment's run with
 * its committed full-size run (examples/results/full/): the full run decides
 * when it exists and was made under the current criteria; otherwise the
 * verdict comes from this run and, unless this run is full, is preliminary.
 */
import type { RunResult } from '../experiment.ts';
import type { Verdict } from '../verdict.ts';

/** One experiment as the report shows it: this run, and its committed full run if any. */
export interface Evidence {
  run: RunResult;
  /** The committed full run, when this run is not itself full. */
  full?: RunResult;
  /** 'this run' (this run is full), 'fresh' (committed, same criteria), 'stale' (other criteria), 'none'. */
  fullState: 'this run' | 'fresh' | 'stale' | 'none';
}

/** Pairs each run with its committed full run. */
export function pairWithFull(
  runs: readonly RunResult[],
  committed: ReadonlyMap<string, RunResult>,
): Evidence[] {
  return runs.map((run) => {
    if (run.results.mode === 'full') return { run, fullState: 'this run' };
    const full = committed.get(run.results.experiment);
    if (!full) return { run, fullState: 'none' };
    return {
      run,
      full,
      fullState: full.results.criteriaHash === run.results.criteriaHash ? 'fresh' : 'stale',
    };
  });
}

/** The full run's verdict matching this run's k-th verdict (same claim, same position among its verdicts). */
export function fullVerdict(e: Evidence, v: Verdict): Verdict | undefined {
  if (e.fullState !== 'fresh' || !e.full) return undefined;
  const mine = e.run.results.verdicts.filter((x) => x.claim === v.claim);
  const theirs = e.full.results.verdicts.filter((x) => x.claim === v.claim);
  return theirs[mine.indexOf(v)];
}

const day = (iso: string): string => iso.slice(0, 10);
const shortCommit = (c: string): string => c.slice(0, 10);

/** "full run of 2026-12-01 in float64 (commit abc, 812 s)" and the like. */
export function describeFull(full: RunResult): string {
  const p = full.results.provenance;
  return `full run of ${day(p.date)} in ${full.results.dtype} (commit ${shortCommit(p.commit)}${p.dirty ? ' with uncommitted changes' : ''}, ${
    full.results.wallTimeSeconds
  } s on ${p.machine}, load ${p.load})`;
}

/** Which run the verdict comes from and how far to trust it, in one phrase. */
export function verdictSource(e: Evidence): { text: string; preliminary: boolean } {
  const mode = e.run.results.mode;
  if (e.fullState === 'this run') return { text: 'this full run', preliminary: false };
  if (e.fullState === 'fresh' && e.full) return { text: describeFull(e.full), preliminary: false };
  const stale =
    e.fullState === 'stale' ? ' (a committed full run exists but was decided by older criteria)' : '';
  return { text: `this ${mode} run only: preliminary${stale}`, preliminary: true };
}

/** The verdict that counts: the fresh full run's if there is one, else this run's. */
export function decidingVerdict(e: Evidence, v: Verdict): Verdict {
  return fullVerdict(e, v) ?? v;
}
