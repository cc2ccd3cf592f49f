/**
 * The printed table: one row per cell; for normgrad its median time and the
 * cell's metric, for each peer its median time and the ratio normgrad / peer
 * (below 1: normgrad is faster).
 */
import type { Cell } from './cells.ts';
import { median } from './measure.ts';
import type { Runner } from './runner.ts';

export interface Row {
  cell: Cell;
  samples: Map<string, number[] | null>;
}

const fmt = (x: number) =>
  x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3);

export function formatTable(rows: readonly Row[], runners: readonly Runner[]): string {
  const [self, ...peers] = runners;
  const header = [
    'cell',
    `${self!.name} ms`,
    'metric',
    ...peers.flatMap((p) => [`${p.name} ms`, 'ratio', 'metric']),
  ];
  const body = rows.map(({ cell, samples }) => {
    const own = samples.get(self!.name) ?? null;
    const ownMs = own === null ? null : median(own);
    const cellsOf = (ms: number[] | null | undefined) => {
      if (ms === null || ms === undefined) return ['-', '-', '-'];
      const m = median(ms);
      return [
        fmt(m),
        ownMs === null ? '-' : `${fmt(ownMs / m)}x`,
        `${fmt(cell.metric.of(m))} ${cell.metric.unit}`,
      ];
    };
    const [ms, , metric] = cellsOf(own);
    return [cell.key, ms!, metric!, ...peers.flatMap((p) => cellsOf(samples.get(p.name)))];
  });
  const all = [header, ...body];
  const widths = header.map((_, j) => Math.max(...all.map((r) => r[j]!.length)));
  const line = (r: string[]) =>
    r.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
