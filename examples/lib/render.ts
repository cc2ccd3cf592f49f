/**
 * Vega-Lite to SVG in Node: compile the Vega-Lite spec to Vega, run it in a
 * headless View with no renderer (no browser, no canvas), and serialize the
 * scene graph as SVG. Text widths are estimated since there is no canvas.
 */
import type { TopLevelSpec } from 'vega-lite';

export type { TopLevelSpec };

/**
 * Renders a Vega-Lite spec to an SVG string. Vega is imported on first use:
 * it is ESM with top-level await, which the tests' CommonJS loader cannot
 * require statically.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return compactSvg(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/**
 * Prefixes every id in an SVG (and the url(#id) / href="#id" references to it)
 * so that several SVGs can be inlined in one HTML page without their clip paths
 * and gradients colliding.
 */
export function prefixSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, `id="${prefix}$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}$1"`);
}

/**
 * Rounds the coordinates in path data and transforms to 2 decimals (a
 * hundredth of a pixel), which shrinks dense heat maps several times over.
 */
export function compactSvg(svg: string): string {
  return svg.replace(/(\s(?:d|transform|points)=")([^"]*)"/g, (_, head: string, body: string) => {
    return `${head}${body.replace(/-?\d+\.\d{3,}(?:e-?\d+)?/g, (num) => String(Number(Number(num).toFixed(2))))}"`;
  });
}
