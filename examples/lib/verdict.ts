/**
 * The verdict on one of the article's claims: the criterion is written in code
 * before the run, the numbers are what the run measured, and the verdict is
 * computed from the numbers by the criterion, never chosen by hand.
 */

/** A claim id from CLAIMS.md: C1 ... C15. */
export type ClaimId = `C${number}`;

export type VerdictValue = 'held' | 'did not hold' | 'held partly' | 'not tested';

export interface Verdict {
  claim: ClaimId;
  /** The claim in one English sentence (CLAIMS.md). */
  statement: string;
  /** The rule that decides the verdict, fixed before the run. */
  criterion: string;
  /** The measured numbers the criterion reads, by name (names carry their units). */
  numbers: Record<string, number | string>;
  verdict: VerdictValue;
  notes?: string;
  /**
   * A short name telling this verdict apart from the claim's others, e.g.
   * "Santurkar et al.'s critique" (the summary shows "C4 - <label>").
   */
  label?: string;
  /**
   * One line for a learner: what the evidence shows, in words (the report adds
   * how far to trust it from the run's size).
   */
  finding?: string;
  /** Where the criterion is written, `examples/<name>.ts#L<n>` (filled in by runExperiment). */
  criterionAt?: string;
}

/**
 * Combines the sub-conditions of a criterion: all true is "held", none is
 * "did not hold", some is "held partly".
 */
export function combine(parts: readonly boolean[]): VerdictValue {
  const n = parts.filter(Boolean).length;
  if (parts.length === 0) return 'not tested';
  return n === parts.length ? 'held' : n === 0 ? 'did not hold' : 'held partly';
}

/** Formats a number for tables and the report: 4 significant digits, exponent form when very large or small. */
export function fmt(v: number | string): string {
  if (typeof v === 'string') return v;
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(3).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(4)));
}
