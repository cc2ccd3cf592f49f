/**
 * What every chart shares: the axis, series and rule options, the default size,
 * the config (fonts, grid, no aria labels), and the helpers that turn axis
 * options into Vega-Lite scales and axes and rules into layers.
 */
import type { TopLevelSpec } from 'vega-lite';

export interface AxisOptions {
  /** Axis title, with the unit: "iteration (count)", "test accuracy (%)". */
  title: string;
  log?: boolean;
  domain?: [number, number];
  /** d3-format string for tick labels, e.g. "~e" or ".0%". */
  format?: string;
}

export interface Series {
  arm: string;
  points: readonly { x: number; y: number }[];
  /** Colour group (defaults to the arm): series of one group share a colour... */
  group?: string;
  /** ...and differ by dash pattern, named by this value (e.g. "with outliers"). */
  dash?: string;
}

export interface Rule {
  /** A horizontal reference line at this y (or vertical at x). */
  y?: number;
  x?: number;
  label: string;
}

export const WIDTH = 440;
export const HEIGHT = 260;
export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
/**
 * The builders assemble specs from plain objects; Vega-Lite's spec types are a
 * union too deep to check object literals against, so they are typed here once.
 * `renderSvg` compiles every spec, which rejects a malformed one.
 */
export function asSpec(spec: object): TopLevelSpec {
  return spec as TopLevelSpec;
}

export const CONFIG = {
  background: 'white',
  // No per-mark aria labels: a dense heat map would carry thousands of them.
  aria: false,
  font: 'Helvetica, Arial, sans-serif',
  title: { fontSize: 14, subtitleFontSize: 11, anchor: 'start' as const, subtitleColor: '#555' },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
  view: { stroke: '#ccc' },
};

export function title(text: string, subtitle?: string): { text: string; subtitle?: string } {
  return subtitle === undefined ? { text } : { text, subtitle };
}

export function scaleOf(a: AxisOptions): Record<string, unknown> {
  const s: Record<string, unknown> = a.log ? { type: 'log' } : { type: 'linear', zero: false };
  if (a.domain) s.domain = a.domain;
  if (a.domain) s.clamp = true;
  return s;
}

/** A quantitative position channel on `field`, with the axis's scale and ticks fitted to `values`. */
export function quantitative(
  field: string,
  a: AxisOptions,
  values: readonly number[],
): Record<string, unknown> {
  return { field, type: 'quantitative', scale: scaleOf(a), axis: axisOf(a, values) };
}

/** The powers of ten spanning the values: log axes get ticks only there (the 2s and 5s crowd them). */
function powersOfTen(values: readonly number[]): number[] {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v));
  if (pos.length === 0) return [];
  const lo = Math.floor(Math.log10(Math.min(...pos)));
  const hi = Math.ceil(Math.log10(Math.max(...pos)));
  const every = Math.ceil((hi - lo + 1) / 10);
  const first = Math.ceil(lo / every) * every;
  return Array.from({ length: Math.floor((hi - first) / every) + 1 }, (_, k) =>
    Number(`1e${first + k * every}`),
  );
}

/**
 * A title longer than TITLE_LINE characters as two lines split at the space
 * nearest its middle: a rotated y title longer than the plot is tall makes Vega
 * pad the whole chart above and below by the overhang.
 */
export function wrapTitle(t: string): string | string[] {
  if (t.length <= TITLE_LINE) return t;
  const spaces = [...t.matchAll(/ /g)].map((m) => m.index);
  if (spaces.length === 0) return t;
  const cut = spaces.reduce((a, b) => (Math.abs(b - t.length / 2) < Math.abs(a - t.length / 2) ? b : a));
  return [t.slice(0, cut), t.slice(cut + 1)];
}
const TITLE_LINE = 36;

export function axisOf(a: AxisOptions, values: readonly number[] = []): Record<string, unknown> {
  const axis: Record<string, unknown> = { title: wrapTitle(a.title) };
  if (a.format !== undefined) axis.format = a.format;
  if (a.log) {
    const ticks = powersOfTen(a.domain ?? values);
    if (ticks.length > 0) axis.values = ticks;
  }
  return axis;
}

export function ruleLayers(rules: readonly Rule[] | undefined): Record<string, unknown>[] {
  if (!rules || rules.length === 0) return [];
  const rows = rules.map((r) => ({ ...r }));
  const layers: Record<string, unknown>[] = [];
  const ys = rows.filter((r) => r.y !== undefined);
  const xs = rows.filter((r) => r.x !== undefined);
  for (const [data, channel] of [
    [ys, 'y'],
    [xs, 'x'],
  ] as const) {
    if (data.length === 0) continue;
    layers.push({
      data: { values: data },
      mark: { type: 'rule', strokeDash: [5, 4], color: '#666' },
      encoding: { [channel]: { field: channel, type: 'quantitative' } },
    });
    layers.push({
      data: { values: data },
      mark: {
        type: 'text',
        align: 'left',
        dx: 4,
        dy: -6,
        color: '#444',
        fontSize: 10,
        ...(channel === 'x' ? { y: 8 } : { x: 4 }),
      },
      encoding: {
        [channel]: { field: channel, type: 'quantitative' },
        text: { field: 'label' },
      },
    });
  }
  return layers;
}
