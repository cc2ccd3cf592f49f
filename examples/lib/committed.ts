/**
 * Full-size results committed to the repository (examples/results/full/<name>/),
 * shown in the report beside the quick run. Each was written by
 * `npx tsx examples/run-all.ts --full --only <name> --out examples/results/full`
 * and carries its commit, date, machine, wall time and `criteriaHash`; a result
 * whose hash differs from the current run's was decided by other criteria and
 * the report says it is stale instead of using it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { criterionLine, type Results, type RunResult } from './experiment.ts';

/** Where committed full results live, relative to the repository root. */
export const FULL_RESULTS_DIR = join('examples', 'results', 'full');

/** Every committed full result by experiment name, with its SVGs. */
export function loadCommitted(dir: string = FULL_RESULTS_DIR): Map<string, RunResult> {
  const found = new Map<string, RunResult>();
  const root = resolve(dir);
  if (!existsSync(root)) return found;
  for (const name of readdirSync(root).sort()) {
    const file = join(root, name, 'results.json');
    if (!existsSync(file)) continue;
    // Results written before `--dtype` existed carry no dtype: they ran in float64, the only one there was.
    const results = { dtype: 'float64', ...JSON.parse(readFileSync(file, 'utf8')) } as Results;
    // A run records the line its criterion sat on then; the report links today's source, where a
    // split may have moved it (the criterion's text is the same, or the report calls the run stale).
    const source = resolve('examples', `${name}.ts`);
    if (existsSync(source)) {
      const text = readFileSync(source, 'utf8');
      results.verdicts = results.verdicts.map((v) =>
        v.criterionAt === undefined ? v : { ...v, criterionAt: criterionLine(name, text, v.criterion) },
      );
    }
    const svgs = new Map<string, string>();
    for (const f of results.figures) {
      const svg = join(root, name, f.file);
      if (existsSync(svg)) svgs.set(f.file, readFileSync(svg, 'utf8'));
    }
    found.set(name, { results, svgs, dir: join(root, name) });
  }
  return found;
}
