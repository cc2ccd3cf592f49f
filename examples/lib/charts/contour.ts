/** Loss contours with descent paths, one panel per arm. */
import type { TopLevelSpec } from 'vega-lite';
import { asSpec, CONFIG, SCHEMA, title } from './base.ts';

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
        cells.push({ x: p.xs[i]! - dx / 2, x2: p.xs[k]! + dx / 2, y: y - dy / 2, y2: y + dy / 2, z });
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
          // A hairline stroke in the cell's own colour covers the seams renderers leave between abutting rectangles.
          mark: { type: 'rect', strokeWidth: 0.8 },
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
            stroke: {
              field: 'z',
              type: 'quantitative',
              scale: { type: 'quantize', domain, nice: false, scheme: { name: 'viridis', count: levels } },
              legend: null,
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
