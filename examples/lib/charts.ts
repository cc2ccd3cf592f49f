/**
 * Vega-Lite specs for the pictures the experiments draw: lines (one per arm),
 * lines with a band over seeds, heat maps (optionally one panel per arm on one
 * colour scale), loss contours with descent paths, and strip plots. Each
 * builder takes plain numbers and returns a spec for `renderSvg`.
 *
 * The builders live in `charts/` by family; this file re-exports them so
 * experiments import every chart from one place.
 */

export * from './charts/band.ts';
export type { AxisOptions, Rule, Series } from './charts/base.ts';
export * from './charts/contour.ts';
export * from './charts/heatmap.ts';
export * from './charts/line.ts';
export * from './charts/scatter.ts';
