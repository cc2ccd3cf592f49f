/**
 * Canvas drawing for the lab's views: line charts over training steps, the
 * Figure 1 percentile band, small-multiple histograms and the decision boundary.
 * A and B are drawn with the same axes (the caller passes shared ranges), so a
 * difference in the picture is a difference in the networks.
 */

export const CLASS_COLORS = ['#e8830c', '#1f6fb4', '#2a9d4b', '#9b4dca', '#c0392b'];
export const INK = '#222';
export const MUTED = '#666';
const GRIDLINE = '#e6e6e6';
const FONT = '11px system-ui, sans-serif';

/** A canvas sized for the screen's pixel ratio, with its drawing area in CSS pixels. */
export function prepare(canvas: HTMLCanvasElement): { ctx: CanvasRenderingContext2D; w: number; h: number } {
  const ratio = globalThis.devicePixelRatio || 1;
  const w = canvas.clientWidth || Number(canvas.getAttribute('width'));
  const h = canvas.clientHeight || Number(canvas.getAttribute('height'));
  if (canvas.width !== Math.round(w * ratio)) canvas.width = Math.round(w * ratio);
  if (canvas.height !== Math.round(h * ratio)) canvas.height = Math.round(h * ratio);
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, w, h);
  ctx.font = FONT;
  return { ctx, w, h };
}

/** A line or area in data units. */
export interface Series {
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  color: string;
  width?: number;
  dash?: number[];
  /** Upper edge of a filled band under `ys` (the lower edge). */
  upper?: ArrayLike<number>;
  fill?: string;
}

export interface Axes {
  x: [number, number];
  y: [number, number];
  /** Plot log10(y) (values must be positive). */
  logY?: boolean;
  xLabel?: string;
  yLabel?: string;
}

const M = { left: 54, right: 16, top: 8, bottom: 26 };

function ticks(lo: number, hi: number, n: number): number[] {
  const span = hi - lo || 1;
  const step0 = 10 ** Math.floor(Math.log10(span / n));
  const step = [1, 2, 5, 10].map((k) => k * step0).find((s) => span / s <= n) ?? step0 * 10;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-12; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const fmtTick = (v: number) => (Math.abs(v) >= 1000 ? `${v / 1000}k` : String(Number(v.toPrecision(3))));

/** Axes, gridlines and the series. */
export function lineChart(canvas: HTMLCanvasElement, axes: Axes, series: Series[]): void {
  const { ctx, w, h } = prepare(canvas);
  const tf = (v: number) => (axes.logY ? Math.log10(Math.max(v, 1e-300)) : v);
  const [x0, x1] = axes.x;
  const [y0, y1] = axes.logY ? [tf(axes.y[0]), tf(axes.y[1])] : axes.y;
  const px = (x: number) => M.left + ((x - x0) / (x1 - x0 || 1)) * (w - M.left - M.right);
  const py = (y: number) => h - M.bottom - ((tf(y) - y0) / (y1 - y0 || 1)) * (h - M.top - M.bottom);
  ctx.strokeStyle = GRIDLINE;
  ctx.fillStyle = MUTED;
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const yTicks = axes.logY
    ? ticks(Math.floor(y0), Math.ceil(y1), 4).filter((v) => Number.isInteger(v) && v >= y0 && v <= y1)
    : ticks(y0, y1, 4);
  for (const t of yTicks) {
    const y = axes.logY ? py(10 ** t) : py(t);
    ctx.beginPath();
    ctx.moveTo(M.left, y);
    ctx.lineTo(w - M.right, y);
    ctx.stroke();
    ctx.fillText(axes.logY ? `1e${t}` : fmtTick(t), M.left - 4, y);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of ticks(x0, x1, 5)) ctx.fillText(fmtTick(t), px(t), h - M.bottom + 4);
  if (axes.xLabel) {
    ctx.textAlign = 'right';
    ctx.fillText(axes.xLabel, w - M.right, h - 12);
  }
  if (axes.yLabel) {
    ctx.save();
    ctx.translate(8, M.top + (h - M.top - M.bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(axes.yLabel, 0, 0);
    ctx.restore();
  }
  ctx.save();
  ctx.beginPath();
  ctx.rect(M.left, M.top, w - M.left - M.right, h - M.top - M.bottom);
  ctx.clip();
  for (const s of series) {
    const n = Math.min(s.xs.length, s.ys.length);
    if (n === 0) continue;
    if (s.upper !== undefined) {
      ctx.beginPath();
      for (let i = 0; i < n; i++) ctx.lineTo(px(s.xs[i]!), py(s.upper[i]!));
      for (let i = n - 1; i >= 0; i--) ctx.lineTo(px(s.xs[i]!), py(s.ys[i]!));
      ctx.closePath();
      ctx.fillStyle = s.fill ?? s.color;
      ctx.fill();
      continue;
    }
    ctx.beginPath();
    ctx.strokeStyle = s.color;
    ctx.lineWidth = s.width ?? 1.5;
    ctx.setLineDash(s.dash ?? []);
    for (let i = 0; i < n; i++) ctx.lineTo(px(s.xs[i]!), py(s.ys[i]!));
    ctx.stroke();
  }
  ctx.restore();
  ctx.setLineDash([]);
}

/** One small histogram per layer, with its saturated fraction underneath. */
export function histograms(
  canvas: HTMLCanvasElement,
  hists: readonly Uint32Array[],
  saturated: readonly number[],
  range: readonly [number, number],
  color: string,
): void {
  const { ctx, w, h } = prepare(canvas);
  const k = Math.max(hists.length, 1);
  const gap = 6;
  const cw = (w - gap * (k - 1)) / k;
  const top = 16;
  const bottom = 30;
  ctx.textAlign = 'center';
  hists.forEach((hist, l) => {
    const x = l * (cw + gap);
    const total = hist.reduce((s, v) => s + v, 0) || 1;
    const max = Math.max(...hist) / total || 1;
    const bw = cw / hist.length;
    ctx.fillStyle = '#f4f4f4';
    ctx.fillRect(x, top, cw, h - top - bottom);
    ctx.fillStyle = color;
    hist.forEach((v, i) => {
      const bh = (v / total / max) * (h - top - bottom);
      ctx.fillRect(x + i * bw, h - bottom - bh, Math.max(bw - 0.5, 0.5), bh);
    });
    ctx.fillStyle = INK;
    ctx.textBaseline = 'top';
    ctx.fillText(`layer ${l + 1}`, x + cw / 2, 1);
    ctx.fillStyle = MUTED;
    ctx.fillText(`${fmtTick(range[0])}`, x + 6, h - bottom + 2);
    ctx.fillText(`${fmtTick(range[1])}`, x + cw - 6, h - bottom + 2);
    const sat = saturated[l] ?? 0;
    ctx.fillStyle = sat > 0.5 ? '#b3261e' : INK;
    ctx.fillText(`${Math.round(sat * 100)}% sat.`, x + cw / 2, h - 14);
  });
}

/** Hex colour to [r, g, b]. */
function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * The decision boundary: each grid cell tinted by its predicted class, stronger
 * where the network is surer, with the training points on top.
 */
export function boundary(
  canvas: HTMLCanvasElement,
  grid: { cls: Uint8Array; prob: Float32Array } | null,
  side: number,
  classes: number,
  points: { xy: Float64Array; labels: Float64Array; bounds: readonly [number, number, number, number] },
): void {
  const { ctx, w, h } = prepare(canvas);
  if (grid !== null) {
    // One pixel per grid cell, scaled up with smoothing: soft edges and no seams between cells.
    const cells = document.createElement('canvas');
    cells.width = side;
    cells.height = side;
    const img = new ImageData(side, side);
    for (let i = 0; i < grid.cls.length; i++) {
      const [r, g, b] = rgb(CLASS_COLORS[grid.cls[i]!]!);
      // prob runs from 1/classes (unsure) to 1 (sure); map to opacity 0.05..0.6 over white.
      const sure = (grid.prob[i]! - 1 / classes) / (1 - 1 / classes);
      const alpha = 0.05 + 0.55 * Math.max(0, sure);
      img.data.set([r, g, b].map((v) => Math.round(255 + (v - 255) * alpha)).concat(255), 4 * i);
    }
    cells.getContext('2d')!.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(cells, 0, 0, w, h);
  }
  const [x0, x1, y0, y1] = points.bounds;
  for (let i = 0; i < points.labels.length; i++) {
    const x = ((points.xy[2 * i]! - x0) / (x1 - x0)) * w;
    const y = h - ((points.xy[2 * i + 1]! - y0) / (y1 - y0)) * h;
    ctx.beginPath();
    ctx.arc(x, y, 2.6, 0, 2 * Math.PI);
    ctx.fillStyle = CLASS_COLORS[points.labels[i]!]!;
    ctx.fill();
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 0.8;
    ctx.stroke();
  }
}
