/** Points: strip plots (values as ticks per category) and x-y scatters. */
import type { TopLevelSpec } from 'vega-lite';
import { type AxisOptions, asSpec, CONFIG, quantitative, SCHEMA, title, WIDTH } from './base.ts';

export interface StripOptions {
  title: string;
  subtitle?: string;
  points: readonly { category: string; value: number; kind?: string }[];
  x: AxisOptions;
  categoryTitle: string;
  kindTitle?: string;
  /** Colours by kind, e.g. { inlier: '#4c78a8', outlier: '#e45756' }. */
  colors?: Record<string, string>;
  width?: number;
}

/** Values as ticks on one row per category, coloured by kind (e.g. inlier / outlier). */
export function stripChart(o: StripOptions): TopLevelSpec {
  const categories = [...new Set(o.points.map((p) => p.category))];
  return asSpec({
    $schema: SCHEMA,
    title: title(o.title, o.subtitle),
    config: CONFIG,
    width: o.width ?? WIDTH,
    height: 34 * categories.length,
    data: { values: o.points.map((p) => ({ ...p, kind: p.kind ?? 'value' })) },
    mark: { type: 'tick', thickness: 1.5, opacity: 0.7 },
    encoding: {
      x: quantitative(
        'value',
        o.x,
        o.points.map((p) => p.value),
      ),
      y: { field: 'category', type: 'nominal', sort: categories, title: o.categoryTitle },
      color: {
        field: 'kind',
        type: 'nominal',
        sort: [...new Set(o.points.map((p) => p.kind ?? 'value'))],
        title: o.kindTitle ?? 'kind',
        ...(o.colors ? { scale: { domain: Object.keys(o.colors), range: Object.values(o.colors) } } : {}),
      },
    },
  });
}

export interface ScatterOptions {
  title: string;
  subtitle?: string;
  points: readonly { x: number; y: number; group?: string }[];
  x: AxisOptions;
  y: AxisOptions;
  groupTitle?: string;
  /** Draw the line y = x. */
  diagonal?: boolean;
  size?: number;
}

/** Points, coloured by group, optionally over the line y = x. */
export function scatterChart(o: ScatterOptions): TopLevelSpec {
  const values = o.points.map((p) => ({ ...p, group: p.group ?? 'value' }));
  const lo = Math.min(...values.flatMap((p) => [p.x, p.y]));
  const hi = Math.max(...values.flatMap((p) => [p.x, p.y]));
  const size = o.size ?? 300;
  return asSpec({
    $schema: SCHEMA,
    title: title(o.title, o.subtitle),
    config: CONFIG,
    width: size,
    height: size,
    layer: [
      ...(o.diagonal
        ? [
            {
              data: {
                values: [
                  { x: lo, y: lo },
                  { x: hi, y: hi },
                ],
              },
              mark: { type: 'line', color: '#999', strokeDash: [4, 4] },
              encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
            },
          ]
        : []),
      {
        data: { values },
        mark: { type: 'point', filled: true, size: 18, opacity: 0.7 },
        encoding: {
          x: quantitative(
            'x',
            o.x,
            values.map((v) => v.x),
          ),
          y: quantitative(
            'y',
            o.y,
            values.map((v) => v.y),
          ),
          color: { field: 'group', type: 'nominal', title: o.groupTitle ?? 'group' },
        },
      },
    ],
  });
}
