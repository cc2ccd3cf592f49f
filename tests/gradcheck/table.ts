/**
 * Collects every gradient-check table in this folder: ops.ts for the core ops,
 * and one file per area for the modules (each exports an array of GradcheckCase
 * named `...Cases`). `npm run gradcheck` prints it; the tests run it.
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type GradcheckReport, gradcheck, gradgradcheck } from '../../core/index.ts';
import type { GradcheckCase } from './types.ts';

const here = dirname(fileURLToPath(import.meta.url));
const NOT_TABLES = new Set(['types.ts', 'table.ts', 'inputs.ts']);

export async function loadTables(): Promise<Map<string, GradcheckCase[]>> {
  const tables = new Map<string, GradcheckCase[]>();
  for (const file of readdirSync(here).sort()) {
    if (!file.endsWith('.ts') || NOT_TABLES.has(file)) continue;
    const mod = (await import(pathToFileURL(`${here}/${file}`).href)) as Record<string, unknown>;
    for (const [key, value] of Object.entries(mod)) {
      if (key.endsWith('Cases') && Array.isArray(value))
        tables.set(file.replace(/\.ts$/, ''), value as GradcheckCase[]);
    }
  }
  return tables;
}

export interface RowResult {
  row: GradcheckCase;
  first: GradcheckReport;
  second: GradcheckReport | null;
}

export function runRow(row: GradcheckCase): RowResult {
  const first = gradcheck(row.fn, row.inputs(), row.opts);
  const second = row.gradgrad ? gradgradcheck(row.fn, row.inputs(), row.opts) : null;
  return { row, first, second };
}
