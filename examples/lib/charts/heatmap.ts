/** Heat maps of categorical x and y, optionally one panel per arm on one colour scale. */
import type { TopLevelSpec } from 'vega-lite';
import { asSpec, CONFIG, SCHEMA, title } from './base.ts';

export interface HeatCell {
  x: string | number;
  y: string | number;
  value: number;
  /** Panel name when drawing one heat map per arm. */
  panel?: string;
}

export interface HeatmapOptions {
  title: string;
  subtitle?: string;
  cells: readonly HeatCell[];
  x: { title: string; sort?: readonly (string | number)[] };
  y: { title: string; sort?: readonly (string | number)[] };
  color: { title: string; log?: boolean; domain?: [number, number]; scheme?: string; reverse?: boolean };
  /** Print each cell's value with this d3-format (e.g. ".2f"); omit for no labels. */
  textFormat?: string;
  panelTitle?: string;
  cellSize?: number;
}

/** A heat map of categorical x and y; with `panel` set on the cells, one panel per arm on one colour scale. */
export function heatmap(o: HeatmapOptions): TopLevelSpec {
  const values = o.cells.map((c) => ({ ...c, x: String(c.x), y: String(c.y), label: c.value }));
  const xs = o.x.sort?.map(String) ?? [...new Set(values.map((v) => v.x))];
  const ys = o.y.sort?.map(String) ?? [...new Set(values.map((v) => v.y))];
  const cell = o.cellSize ?? 36;
  const colorScale: Record<string, unknown> = {
    type: o.color.log ? 'log' : 'linear',
    scheme: o.color.scheme ?? 'viridis',
    reverse: o.color.reverse ?? false,
  };
  if (o.color.domain) colorScale.domain = o.color.domain;
  // Viridis runs from dark to light: labels on the light half are drawn dark, on the dark half white.
  const vs = values.map((v) => v.value).filter((v) => Number.isFinite(v) && (!o.color.log || v > 0));
  const [lo, hi] = o.color.domain ?? [Math.min(...vs), Math.max(...vs)];
  const middle = o.color.log ? Math.sqrt(lo * hi) : (lo + hi) / 2;
  const lightHalf = o.color.reverse ? `datum.value < ${middle}` : `datum.value > ${middle}`;
  const inner = {
    width: cell * xs.length,
    height: cell * ys.length,
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          // No grid: on a band axis the grid lines run through the middle of every cell.
          x: { field: 'x', type: 'ordinal', sort: xs, title: o.x.title, axis: { grid: false } },
          y: { field: 'y', type: 'ordinal', sort: ys, title: o.y.title, axis: { grid: false } },
          color: { field: 'value', type: 'quantitative', scale: colorScale, title: o.color.title },
        },
      },
      ...(o.textFormat === undefined
        ? []
        : [
            {
              mark: { type: 'text', fontSize: 9 },
              encoding: {
                x: { field: 'x', type: 'ordinal', sort: xs },
                y: { field: 'y', type: 'ordinal', sort: ys },
                text: { field: 'label', type: 'quantitative', format: o.textFormat },
                color: { condition: { test: lightHalf, value: '#111' }, value: 'white' },
              },
            },
          ]),
    ],
  };
  const hasPanels = values.some((v) => v.panel !== undefined);
  const base = { $schema: SCHEMA, title: title(o.title, o.subtitle), config: CONFIG, data: { values } };
  if (!hasPanels) return asSpec({ ...base, ...inner });
  const panels = [...new Set(values.map((v) => v.panel))];
  return asSpec({
    ...base,
    facet: { column: { field: 'panel', type: 'nominal', sort: panels, title: o.panelTitle ?? null } },
    spec: inner,
    resolve: { scale: { color: 'shared' } },
  });
}
