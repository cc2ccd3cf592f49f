/** Small HTML helpers shared by the report's parts. */
import { fmt, type VerdictValue } from '../verdict.ts';

/** Escapes text for HTML content and attribute values. */
export const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Escapes text, then turns `code` spans into <code>. */
export const inline = (s: string): string => esc(s).replace(/`([^`]+)`/g, '<code>$1</code>');

/** Blank-line separated paragraphs as <p> elements. */
export const paragraphs = (s: string): string =>
  s
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => `<p>${inline(p.replace(/\s*\n\s*/g, ' '))}</p>`)
    .join('\n');

/** A verdict as a coloured pill. */
export const badge = (v: VerdictValue): string =>
  `<span class="v v-${v.replace(/ /g, '-')}">${esc(v)}</span>`;

/** A value cell: numbers through `fmt`, booleans as words. */
export const cell = (v: string | number | boolean): string =>
  esc(typeof v === 'boolean' ? String(v) : fmt(v));
