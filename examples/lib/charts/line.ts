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

/** Legend entries drawn as short line segments (the default dots hide dash patterns). */
export const LINE_LEGEND = { symbolType: 'stroke', symbolStrokeWidth: 2.5, symbolSize: 500 } as const;

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
        mark: { type: 'line', strokeWidth: 2 },
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
          // Legend symbols drawn as line segments, so series that differ by dash pattern look different there too.
          color: {
            field: 'group',
            type: 'nominal',
            sort: groups,
            title: o.armTitle ?? 'arm',
            legend: LINE_LEGEND,
          },
          detail: { field: 'arm', type: 'nominal' },
          ...(dashed
            ? {
                strokeDash: {
                  field: 'dash',
                  type: 'nominal',
                  sort: dashes,
                  title: o.dashTitle ?? 'data',
                  legend: LINE_LEGEND,
                },
              }
            : {}),
        },
      },
      ...(o.points
        ? [
            {
              data: { values },
              // Hollow markers, shaped by dash pattern, so a point drawn under another still shows.
              mark: { type: 'point', filled: false, size: dashed ? 45 : 30, strokeWidth: 1.5 },
              encoding: {
                x: { field: 'x', type: 'quantitative' },
                y: { field: 'y', type: 'quantitative' },
                color: {
                  field: 'group',
                  type: 'nominal',
                  sort: groups,
                  title: o.armTitle ?? 'arm',
                  legend: LINE_LEGEND,
                },
                ...(dashed
                  ? {
                      shape: {
                        field: 'dash',
                        type: 'nominal',
                        sort: dashes,
                        // Same title and legend as the dash patterns, so the two merge into one legend.
                        title: o.dashTitle ?? 'data',
                        legend: LINE_LEGEND,
                      },
                    }
                  : {}),
              },
            },
          ]
        : []),
      ...ruleLayers(o.rules),
    ],
  });
}
