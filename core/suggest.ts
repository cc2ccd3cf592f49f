/** Did-you-mean suggestions for misspelt names (options, choices, dtypes); imports nothing. */

/** `; did you mean 'lr'?` when a known word is within a typo's reach of v, else ''. */
export function suggest(v: unknown, known: readonly string[]): string {
  if (typeof v !== 'string') return '';
  let best = '';
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const k of known) {
    // A prefix counts as close (eps for epsilon); otherwise the edit distance decides.
    const prefix =
      v.length >= 2 &&
      (k.toLowerCase().startsWith(v.toLowerCase()) || v.toLowerCase().startsWith(k.toLowerCase()));
    const d = prefix ? 1 : editDistance(v.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(v.length / 3)) ? `; did you mean '${best}'?` : '';
}

/** Levenshtein distance (insertions, deletions, substitutions), by the two-row table. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}
