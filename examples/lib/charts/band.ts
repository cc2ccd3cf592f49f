/**
 * Lines with a shaded band: the mean over seeds with a min-max or ±sd band
 * (`bandChart`), and per-arm panels of a lo-hi band around a mid line
 * (`rangeChart`).
 */
import type { TopLevelSpec } from 'vega-lite';
import {
  type AxisOptions,
  asSpec,
  CONFIG,
  HEIGHT,
  quantitative,
  ruleLayers,
  SCHEMA,
  title,
  WIDTH,
} from './base.ts';
import { LINE_LEGEND, type LineChartOptions } from './line.ts';

export interface BandSeries {
  arm: string;
  /** One list of points per seed; points with equal x are pooled. */
  runs: readonly (readonly { x: number; y: number }[])[];
}

export interface BandChartOptions extends Omit<LineChartOptions, 'series' | 'points'> {
  series: readonly BandSeries[];
  /** The band: min to max over seeds, or mean ± one standard deviation. */
  band?: 'minmax' | 'sd';
  /** A dash pattern per arm as well as a colour, so lines that coincide (e.g. two at 0) both stay visible. */
  dashPerArm?: boolean;
}

/** Mean over seeds and a band (min/max or ±sd) for each x. */
export function bandRows(
  series: readonly BandSeries[],
  band: 'minmax' | 'sd',
): { arm: string; x: number; mean: number; lo: number; hi: number; n: number }[] {
  const rows: { arm: string; x: number; mean: number; lo: number; hi: number; n: number }[] = [];
  for (const s of series) {
    const byX = new Map<number, number[]>();
    for (const run of s.runs) for (const p of run) byX.set(p.x, [...(byX.get(p.x) ?? []), p.y]);
    for (const [x, ys] of [...byX.entries()].sort((a, b) => a[0] - b[0])) {
      const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
      const sd = Math.sqrt(ys.reduce((a, b) => a + (b - mean) ** 2, 0) / ys.length);
      const lo = band === 'sd' ? mean - sd : Math.min(...ys);
      const hi = band === 'sd' ? mean + sd : Math.max(...ys);
      rows.push({ arm: s.arm, x, mean, lo, hi, n: ys.length });
    }
  }
  return rows;
}

/** One line per arm (the mean over seeds) with a shaded band (min-max or ±sd over seeds). */
export function bandChart(o: BandChartOptions): TopLevelSpec {
  const band = o.band ?? 'minmax';
  const values = bandRows(o.series, band);
  const armOrder = o.series.map((s) => s.arm);
  const x = quantitative(
    'x',
    o.x,
    values.map((v) => v.x),
  );
  const color = { field: 'arm', type: 'nominal', sort: armOrder, title: o.armTitle ?? 'arm' };
  const nSeeds = Math.max(...o.series.map((s) => s.runs.length));
  return asSpec({
    $schema: SCHEMA,
    title: title(
      o.title,
      o.subtitle ??
        `line: mean over ${nSeeds} seeds; band: ${band === 'sd' ? 'mean ± 1 sd' : 'min to max'} over seeds`,
    ),
    width: o.width ?? WIDTH,
    height: o.height ?? HEIGHT,
    config: CONFIG,
    layer: [
      {
        data: { values },
        transform: [{ calculate: 'datum.arm', as: 'band' }],
        mark: { type: 'area', opacity: 0.2 },
        encoding: {
          x,
          y: quantitative(
            'lo',
            o.y,
            values.flatMap((v) => [v.lo, v.hi]),
          ),
          y2: { field: 'hi' },
          // The band's colour on its own channel and field, with no legend: the legend comes from the lines,
          // in full colour (a shared field would merge the two legends and take the band's pale symbols).
          fill: { ...color, field: 'band', legend: null },
        },
      },
      {
        data: { values },
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          x,
          y: { field: 'mean', type: 'quantitative' },
          color: { ...color, legend: LINE_LEGEND },
          ...(o.dashPerArm ? { strokeDash: { ...color, legend: LINE_LEGEND } } : {}),
        },
      },
      ...ruleLayers(o.rules),
    ],
  });
}

export interface RangeRow {
  arm: string;
  x: number;
  lo: number;
  mid: number;
  hi: number;
}

export interface RangeChartOptions {
  title: string;
  subtitle?: string;
  rows: readonly RangeRow[];
  x: AxisOptions;
  y: AxisOptions;
  /** Legend / panel names for lo, mid and hi, e.g. "15th to 85th percentile" and "median". */
  bandLabel: string;
  midLabel: string;
  width?: number;
  height?: number;
}

/**
 * One panel per arm, side by side on a shared y scale: a shaded band from lo to
 * hi and a line through mid, against x (the Batch Normalization paper's Figure
 * 1(b, c) style for percentiles over training).
 */
export function rangeChart(o: RangeChartOptions): TopLevelSpec {
  const arms = [...new Set(o.rows.map((r) => r.arm))];
  const x = quantitative(
    'x',
    o.x,
    o.rows.map((r) => r.x),
  );
  const y = quantitative(
    'lo',
    o.y,
    o.rows.flatMap((r) => [r.lo, r.hi]),
  );
  return asSpec({
    $schema: SCHEMA,
    title: title(o.title, o.subtitle ?? `band: ${o.bandLabel}; line: ${o.midLabel}`),
    config: CONFIG,
    data: { values: o.rows },
    facet: { column: { field: 'arm', type: 'nominal', sort: arms, title: null } },
    spec: {
      width: o.width ?? 240,
      height: o.height ?? 220,
      layer: [
        {
          mark: { type: 'area', opacity: 0.25 },
          encoding: {
            x,
            y,
            y2: { field: 'hi' },
            color: { field: 'arm', type: 'nominal', sort: arms, legend: null },
          },
        },
        {
          mark: { type: 'line', strokeWidth: 2 },
          encoding: {
            x,
            y: { field: 'mid', type: 'quantitative' },
            color: { field: 'arm', type: 'nominal', sort: arms, legend: null },
          },
        },
      ],
    },
    resolve: { scale: { y: 'shared' } },
  });
}
