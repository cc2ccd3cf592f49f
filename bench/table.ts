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

/** Issue 12's targets: a ratio of two columns' medians for one cell, and its bound. */
interface Target {
  cell: string;
  mine: string;
  peer: string;
  atMost: number;
}

const T1 = 'torch+OpenBLAS';
const T2 = 'torch+OpenBLAS 2t';
const N1 = 'normgrad';
const N2 = 'normgrad 2t';
const TARGETS: readonly Target[] = [
  { cell: 'W1 n=256', mine: N1, peer: T1, atMost: 2.2 },
  { cell: 'W1 n=256', mine: N2, peer: T2, atMost: 2.2 },
  { cell: 'W1 n=256', mine: N2, peer: T1, atMost: 1.2 },
  { cell: 'W2 MLP step', mine: N1, peer: T1, atMost: 2.5 },
  { cell: 'W2 MLP step', mine: N2, peer: T2, atMost: 2.5 },
  { cell: 'W3 LN-RNN', mine: N1, peer: T1, atMost: 2.5 },
  { cell: 'W3 LN-RNN', mine: N2, peer: T2, atMost: 2.5 },
  { cell: 'W5 BatchNorm', mine: N1, peer: T1, atMost: 2 },
  { cell: 'W5 BatchNorm', mine: N2, peer: T2, atMost: 2 },
  { cell: 'W7 BN-MLP step', mine: N1, peer: T1, atMost: 1 },
  // Issue 13: float32 W1 at least 1.2x TF.js WASM's speed, one thread each (time ratio <= 1 / 1.2).
  { cell: 'W1 n=256 f32', mine: N1, peer: 'tfjs-wasm', atMost: 1 / 1.2 },
  // Issue 13: normgrad in float32 against TensorFlow.js, which is float32 only.
  { cell: 'W2 MLP step f32', mine: N1, peer: 'tfjs-wasm', atMost: 0.5 },
];

/**
 * Each target of issue 12 whose columns ran: the ratio of medians, its bound,
 * met or missed. The targets are set against PyTorch on OpenBLAS; where that is
 * not installed the reference-BLAS columns stand in, and the line says so.
 */
export function formatTargets(rows: readonly Row[]): string {
  const lines = ['issue 12 and 13 targets (ratio of medians, this run):'];
  const hasOpenBlas = rows.some((r) => r.samples.has(T1));
  if (!hasOpenBlas)
    lines.push('  (torch+OpenBLAS did not run: comparing with torch+refBLAS, a far slower matmul)');
  for (const t of TARGETS) {
    const row = rows.find((r) => r.cell.key === t.cell);
    const peerName = hasOpenBlas ? t.peer : t.peer.replace('OpenBLAS', 'refBLAS');
    const mine = row?.samples.get(t.mine);
    const peer = row?.samples.get(peerName);
    if (!mine || !peer) continue;
    const ratio = median(mine) / median(peer);
    const verdict = ratio <= t.atMost ? 'met' : 'MISSED';
    lines.push(
      `  ${t.cell}: ${t.mine} / ${peerName} = ${fmt(ratio)}x (target <= ${Number(t.atMost.toFixed(2))}x) ${verdict}`,
    );
  }
  const w4 = rows.find((r) => r.cell.workload === 'W4');
  const w4ms = w4?.samples.get(N1);
  if (w4 && w4ms) {
    const us = w4.cell.metric.of(median(w4ms));
    lines.push(`  W4: ${fmt(us)} us/op (target <= 0.5) ${us <= 0.5 ? 'met' : 'MISSED'}`);
  }
  return lines.join('\n');
}
