/**
 * Python's literal spellings, so `toString()` prints exactly what PyTorch's repr
 * prints (`Linear(in_features=4, out_features=16, bias=False)`, `eps=1e-05`).
 */

/** A float as Python's repr prints it: `1e-05`, `0.1`, `1.0`. */
export function pyFloat(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return x.toFixed(1);
  const exponent = Math.floor(Math.log10(Math.abs(x)));
  if (exponent >= -4 && exponent < 16) return String(x);
  return x.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
}

export function pyBool(b: boolean): string {
  return b ? 'True' : 'False';
}
