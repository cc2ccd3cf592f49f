/** Plain-text tables for the terminal. */
import { fmt, type Verdict } from './verdict.ts';

/** Pads columns to their widest cell; numbers are formatted with `fmt`. */
export function formatTable(
  columns: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const cells = rows.map((r) => r.map(fmt));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/** The key numbers of a verdict as one short string: the first `max` entries. */
export function keyNumbers(v: Verdict, max = 4): string {
  return Object.entries(v.numbers)
    .slice(0, max)
    .map(([k, x]) => `${k} = ${fmt(x)}`)
    .join('; ');
}

/** Claim, verdict and key numbers, one row per verdict. */
export function verdictTable(verdicts: readonly Verdict[], maxNumbers = 4): string {
  return formatTable(
    ['claim', 'verdict', 'key numbers'],
    verdicts.map((v) => [v.claim, v.verdict, keyNumbers(v, maxNumbers)]),
  );
}
