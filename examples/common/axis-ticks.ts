/**
 * Tick values for a chart axis. The harness's log axes tick only at powers of
 * ten, which leaves an axis of batch sizes 2 to 128 or sequence steps with two
 * labels; this puts ticks at the given values instead. It edits the built
 * Vega-Lite spec: every encoding of the channel that already has an axis gets
 * `axis.values` (and the scale is fitted to the values, without nice rounding).
 */
import type { TopLevelSpec } from '../lib/render.ts';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function visit(node: unknown, channel: 'x' | 'y', values: readonly number[], seen: Set<Json>): void {
  if (Array.isArray(node)) {
    for (const n of node) visit(n, channel, values, seen);
    return;
  }
  if (!isObject(node)) return;
  const enc = node.encoding;
  if (isObject(enc) && isObject(enc[channel]) && !seen.has(enc[channel] as Json)) {
    const e = enc[channel] as Json;
    seen.add(e);
    if (isObject(e.axis)) e.axis = { ...e.axis, values: [...values] };
    if (isObject(e.scale)) {
      e.scale = { ...e.scale, domain: [Math.min(...values), Math.max(...values)], nice: false };
      delete (e.scale as Json).clamp;
    }
  }
  for (const key of ['layer', 'spec', 'hconcat', 'vconcat', 'concat'])
    visit(node[key], channel, values, seen);
}

/** Puts the ticks of `channel` at `values` (e.g. the batch sizes) in every layer of the spec; returns the spec. */
export function withTicks(spec: TopLevelSpec, channel: 'x' | 'y', values: readonly number[]): TopLevelSpec {
  visit(spec, channel, values, new Set());
  return spec;
}
