/**
 * Small dense linear algebra on number[][] for the experiments' diagnostics
 * (condition numbers, least-squares optima): a few-by-few matrices, so plain
 * loops in float64 are exact enough and need no library.
 */
import { ValueError } from '../../core/index.ts';

export type Matrix = number[][];

function checkSquare(fn: string, a: Matrix): number {
  const n = a.length;
  if (n === 0 || a.some((r) => r.length !== n)) {
    throw new ValueError(
      `${fn}: expected a non-empty square matrix (got ${n} rows of lengths ${a.map((r) => r.length).join(', ')})`,
    );
  }
  return n;
}

/** Solves A x = b by Gaussian elimination with partial pivoting. */
export function solve(a: Matrix, b: readonly number[]): number[] {
  const n = checkSquare('solve', a);
  if (b.length !== n)
    throw new ValueError(`solve: right-hand side has ${b.length} entries, matrix is ${n}x${n}`);
  const m = a.map((r, i) => [...r, b[i]!]);
  for (let col = 0; col < n; col++) {
    let p = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[p]![col]!)) p = r;
    if (m[p]![col] === 0) throw new ValueError(`solve: matrix is singular (no pivot in column ${col})`);
    [m[col], m[p]] = [m[p]!, m[col]!];
    for (let r = col + 1; r < n; r++) {
      const f = m[r]![col]! / m[col]![col]!;
      for (let c = col; c <= n; c++) m[r]![c] = m[r]![c]! - f * m[col]![c]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let c = r + 1; c < n; c++) s -= m[r]![c]! * x[c]!;
    x[r] = s / m[r]![r]!;
  }
  return x;
}

/**
 * Eigenvalues of a symmetric matrix by cyclic Jacobi rotations, ascending.
 * Each rotation zeroes one off-diagonal pair; sweeps repeat until the
 * off-diagonal mass is below 1e-15 of the total.
 */
export function symmetricEigenvalues(a: Matrix): number[] {
  const n = checkSquare('symmetricEigenvalues', a);
  const m = a.map((r) => [...r]);
  const off = () => {
    let s = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) s += m[i]![j]! ** 2;
    return s;
  };
  const total = m.flat().reduce((s, v) => s + v * v, 0);
  for (let sweep = 0; sweep < 100 && off() > 1e-30 * total; sweep++) {
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p]![q]!;
        if (apq === 0) continue;
        const theta = (m[q]![q]! - m[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k]![p]!;
          const mkq = m[k]![q]!;
          m[k]![p] = c * mkp - s * mkq;
          m[k]![q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p]![k]!;
          const mqk = m[q]![k]!;
          m[p]![k] = c * mpk - s * mqk;
          m[q]![k] = s * mpk + c * mqk;
        }
      }
    }
  }
  return m.map((r, i) => r[i]!).sort((x, y) => x - y);
}

/** The 2-norm condition number of a symmetric positive definite matrix: largest over smallest eigenvalue. */
export function conditionNumber(a: Matrix): number {
  const ev = symmetricEigenvalues(a);
  return ev[ev.length - 1]! / ev[0]!;
}

export function matVec(a: Matrix, x: readonly number[]): number[] {
  return a.map((r) => r.reduce((s, v, j) => s + v * x[j]!, 0));
}

export function dot(x: readonly number[], y: readonly number[]): number {
  return x.reduce((s, v, i) => s + v * y[i]!, 0);
}
