/**
 * Vega-Lite specs for the pictures the experiments draw: lines (one per arm),
 * lines with a band over seeds, heat maps (optionally one panel per arm on one
 * colour scale), loss contours with descent paths, and strip plots. Each
 * builder takes plain numbers and returns a spec for `renderSvg`.
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

const WIDTH = 440;
const HEIGHT = 260;
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
/**
 * The builders assemble specs from plain objects; Vega-Lite's spec types are a
 * union too deep to check object literals against, so they are typed here once.
 * `renderSvg` compiles every spec, which rejects a malformed one.
 */
function asSpec(spec: object): TopLevelSpec {
  return spec as TopLevelSpec;
}

const CONFIG = {
  background: 'white',
  // No per-mark aria labels: a dense heat map would carry thousands of them.
  aria: false,
  font: 'Helvetica, Arial, sans-serif',
  title: { fontSize: 14, subtitleFontSize: 11, anchor: 'start' as const, subtitleColor: '#555' },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
  view: { stroke: '#ccc' },
};

function title(text: string, subtitle?: string): { text: string; subtitle?: string } {
  return subtitle === undefined ? { text } : { text, subtitle };
}

function scaleOf(a: AxisOptions): Record<string, unknown> {
  const s: Record<string, unknown> = a.log ? { type: 'log' } : { type: 'linear', zero: false };
  if (a.domain) s.domain = a.domain;
  if (a.domain) s.clamp = true;
  return s;
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

function axisOf(a: AxisOptions, values: readonly number[] = []): Record<string, unknown> {
  const axis: Record<string, unknown> = { title: a.title };
  if (a.format !== undefined) axis.format = a.format;
  if (a.log) {
    const ticks = powersOfTen(a.domain ?? values);
    if (ticks.length > 0) axis.values = ticks;
  }
  return axis;
}

function ruleLayers(rules: readonly Rule[] | undefined): Record<string, unknown>[] {
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
          x: {
            field: 'x',
            type: 'quantitative',
            scale: scaleOf(o.x),
            axis: axisOf(
              o.x,
              values.map((v) => v.x),
            ),
          },
          y: {
            field: 'y',
            type: 'quantitative',
            scale: scaleOf(o.y),
            axis: axisOf(
              o.y,
              values.map((v) => v.y),
            ),
          },
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

export interface BandSeries {
  arm: string;
  /** One list of points per seed; points with equal x are pooled. */
  runs: readonly (readonly { x: number; y: number }[])[];
}

export interface BandChartOptions extends Omit<LineChartOptions, 'series' | 'points'> {
  series: readonly BandSeries[];
  /** The band: min to max over seeds, or mean ± one standard deviation. */
  band?: 'minmax' | 'sd';
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
  const x = {
    field: 'x',
    type: 'quantitative',
    scale: scaleOf(o.x),
    axis: axisOf(
      o.x,
      values.map((v) => v.x),
    ),
  };
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
        mark: { type: 'area', opacity: 0.2 },
        encoding: {
          x,
          y: {
            field: 'lo',
            type: 'quantitative',
            scale: scaleOf(o.y),
            axis: axisOf(
              o.y,
              values.flatMap((v) => [v.lo, v.hi]),
            ),
          },
          y2: { field: 'hi' },
          color,
        },
      },
      {
        data: { values },
        mark: { type: 'line', strokeWidth: 2 },
        encoding: { x, y: { field: 'mean', type: 'quantitative' }, color },
      },
      ...ruleLayers(o.rules),
    ],
  });
}

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
                color: { value: 'white' },
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

export interface ContourPanel {
  title: string;
  /** Grid cell centres along x and y, and values row-major over (y, x): z[j * xs.length + i]. */
  xs: readonly number[];
  ys: readonly number[];
  z: readonly number[];
  /** The descent path (parameters after each recorded step). */
  path: readonly { x: number; y: number; step: number }[];
  /** Marked points: the start, the optimum. */
  marks?: readonly { x: number; y: number; label: string }[];
}

export interface ContourOptions {
  title: string;
  subtitle?: string;
  panels: readonly ContourPanel[];
  x: string;
  y: string;
  color: { title: string; domain?: [number, number] };
  /** Number of colour bands (a quantized scale reads like filled contours). */
  levels?: number;
  size?: number;
}

/**
 * Loss contours as a dense heat map with a quantized colour scale (so the bands
 * read as filled contour levels), one panel per arm, with the descent path drawn
 * over it as a line with points and the start and optimum marked. Each panel has
 * equal units per pixel on both axes when its xs and ys span equal ranges.
 */
export function contourPanels(o: ContourOptions): TopLevelSpec {
  const size = o.size ?? 260;
  const all = o.panels.flatMap((p) => p.z).filter(Number.isFinite);
  const domain = o.color.domain ?? [Math.min(...all), Math.max(...all)];
  const levels = o.levels ?? 10;
  const panels = o.panels.map((p) => {
    const dx = p.xs.length > 1 ? p.xs[1]! - p.xs[0]! : 1;
    const dy = p.ys.length > 1 ? p.ys[1]! - p.ys[0]! : 1;
    // Cells are binned into the colour levels here and runs of equal level along a row are merged
    // into one rectangle: the picture is the same and the SVG many times smaller.
    const [lo, hi] = domain;
    const bin = (z: number) => Math.min(levels - 1, Math.max(0, Math.floor(((z - lo) / (hi - lo)) * levels)));
    const cells: { x: number; x2: number; y: number; y2: number; z: number }[] = [];
    for (const [j, y] of p.ys.entries()) {
      let i = 0;
      while (i < p.xs.length) {
        const b = bin(p.z[j * p.xs.length + i]!);
        let k = i;
        while (k + 1 < p.xs.length && bin(p.z[j * p.xs.length + k + 1]!) === b) k++;
        const z = lo + ((b + 0.5) * (hi - lo)) / levels;
        // The slight overlap in y hides the hairline seams renderers leave between abutting rectangles.
        cells.push({ x: p.xs[i]! - dx / 2, x2: p.xs[k]! + dx / 2, y: y - dy / 2, y2: y + 0.6 * dy, z });
        i = k + 1;
      }
    }
    const xDomain = [p.xs[0]! - dx / 2, p.xs[p.xs.length - 1]! + dx / 2];
    const yDomain = [p.ys[0]! - dy / 2, p.ys[p.ys.length - 1]! + dy / 2];
    const xEnc = { field: 'x', type: 'quantitative', scale: { domain: xDomain, nice: false, zero: false } };
    const yEnc = { field: 'y', type: 'quantitative', scale: { domain: yDomain, nice: false, zero: false } };
    return {
      title: p.title,
      width: size,
      height: size,
      layer: [
        {
          data: { values: cells },
          mark: { type: 'rect', strokeWidth: 0 },
          encoding: {
            x: { ...xEnc, title: o.x, axis: { grid: false } },
            x2: { field: 'x2' },
            y: { ...yEnc, title: o.y, axis: { grid: false } },
            y2: { field: 'y2' },
            color: {
              field: 'z',
              type: 'quantitative',
              title: o.color.title,
              scale: { type: 'quantize', domain, nice: false, scheme: { name: 'viridis', count: levels } },
            },
          },
        },
        {
          data: { values: p.path.map((q, k) => ({ ...q, order: k })) },
          mark: { type: 'line', color: '#e4572e', strokeWidth: 1.5, point: { color: '#e4572e', size: 14 } },
          encoding: { x: xEnc, y: yEnc, order: { field: 'order', type: 'quantitative' } },
        },
        {
          data: { values: p.marks ?? [] },
          mark: { type: 'point', shape: 'cross', color: 'white', size: 90, strokeWidth: 2, filled: true },
          encoding: { x: xEnc, y: yEnc },
        },
        {
          data: { values: p.marks ?? [] },
          mark: {
            type: 'text',
            color: 'white',
            dx: 8,
            dy: -8,
            align: 'left',
            fontSize: 11,
            fontWeight: 'bold',
          },
          encoding: { x: xEnc, y: yEnc, text: { field: 'label' } },
        },
      ],
    };
  });
  return asSpec({
    $schema: SCHEMA,
    title: title(o.title, o.subtitle),
    config: CONFIG,
    hconcat: panels,
    resolve: { scale: { color: 'shared', x: 'independent', y: 'independent' } },
  });
}

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
      x: {
        field: 'value',
        type: 'quantitative',
        scale: scaleOf(o.x),
        axis: axisOf(
          o.x,
          o.points.map((p) => p.value),
        ),
      },
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
          x: {
            field: 'x',
            type: 'quantitative',
            scale: scaleOf(o.x),
            axis: axisOf(
              o.x,
              values.map((v) => v.x),
            ),
          },
          y: {
            field: 'y',
            type: 'quantitative',
            scale: scaleOf(o.y),
            axis: axisOf(
              o.y,
              values.map((v) => v.y),
            ),
          },
          color: { field: 'group', type: 'nominal', title: o.groupTitle ?? 'group' },
        },
      },
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
  const x = {
    field: 'x',
    type: 'quantitative',
    scale: scaleOf(o.x),
    axis: axisOf(
      o.x,
      o.rows.map((r) => r.x),
    ),
  };
  const y = {
    field: 'lo',
    type: 'quantitative',
    scale: scaleOf(o.y),
    axis: axisOf(
      o.y,
      o.rows.flatMap((r) => [r.lo, r.hi]),
    ),
  };
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
