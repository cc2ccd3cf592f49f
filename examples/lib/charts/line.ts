/** One line per arm: the plain line chart. */
import type { TopLevelSpec } from 'vega-lite';
import {
  type AxisOptions,
  asSpec,
  CONFIG,
  HEIGHT,
  quantitative,
  type Rule,
  ruleLayers,
  SCHEMA,
  type Series,
  title,
  WIDTH,
} from './base.ts';

export interface LineChartOptions {
  title: string;
  subtitle?: string;
  x: AxisOptions;
  y: AxisOptions;
  series: readonly Series[];
  /** Legend title, e.g. "input scaling". */
  armTitle?: string;
  points?: boolean;
  /** Legend title for the dash patterns when series set `dash`. */
  dashTitle?: string;
  rules?: readonly Rule[];
  width?: number;
  height?: number;
}

/** One line per arm. */
export function lineChart(o: LineChartOptions): TopLevelSpec {
  const values = o.series.flatMap((s) =>
    s.points.map((p) => ({ arm: s.arm, group: s.group ?? s.arm, dash: s.dash ?? '', x: p.x, y: p.y })),
  );
  const groups = [...new Set(o.series.map((s) => s.group ?? s.arm))];
  const dashes = [...new Set(o.series.map((s) => s.dash ?? ''))];
  const dashed = dashes.length > 1;
  return asSpec({
    $schema: SCHEMA,
    title: title(o.title, o.subtitle),
    width: o.width ?? WIDTH,
    height: o.height ?? HEIGHT,
    config: CONFIG,
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: o.points ?? false, strokeWidth: 2 },
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
          color: { field: 'group', type: 'nominal', sort: groups, title: o.armTitle ?? 'arm' },
          detail: { field: 'arm', type: 'nominal' },
          ...(dashed
            ? { strokeDash: { field: 'dash', type: 'nominal', sort: dashes, title: o.dashTitle ?? 'data' } }
            : {}),
        },
      },
      ...ruleLayers(o.rules),
    ],
  });
}
