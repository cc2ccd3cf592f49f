/** PyTorch-style repr: `tensor([[1.0000, 2.0000], ...], shape=[2, 2], grad_fn=<mul>)`. */
import { getDefaultDtype } from './dtype.ts';
import type { Tensor } from './tensor.ts';

const EDGE = 3;
const THRESHOLD = 1000;

function formatNumber(v: number, mode: 'int' | 'fixed' | 'sci'): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  if (mode === 'int') return `${v.toFixed(0)}.`;
  if (mode === 'fixed') return v.toFixed(4);
  return v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
}

export function formatTensor(t: Tensor): string {
  const finite = Array.from(t.data).filter(Number.isFinite);
  const absMax = finite.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const absMin = finite.reduce((m, v) => (v !== 0 ? Math.min(m, Math.abs(v)) : m), Number.POSITIVE_INFINITY);
  const mode: 'int' | 'fixed' | 'sci' = finite.every(Number.isInteger)
    ? 'int'
    : absMax >= 1e8 || (absMin < 1e-4 && absMin !== Number.POSITIVE_INFINITY)
      ? 'sci'
      : 'fixed';
  const summarize = t.numel() > THRESHOLD;
  const cells = Array.from(t.data, (v) => formatNumber(v, mode));
  const width = cells.reduce((w, c) => Math.max(w, c.length), 0);
  const pad = (s: string) => s.padStart(width);
  const prefix = 'tensor(';
  const render = (dim: number, offset: number, indent: number): string => {
    if (t.ndim === 0) return cells[0]!;
    const size = t.shape[dim]!;
    const stride = t.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    const idx = Array.from({ length: size }, (_, i) => i);
    const shown = summarize && size > 2 * EDGE ? [...idx.slice(0, EDGE), -1, ...idx.slice(-EDGE)] : idx;
    if (dim === t.ndim - 1) {
      return `[${shown.map((i) => (i < 0 ? '...' : pad(cells[offset + i]!))).join(', ')}]`;
    }
    const sep = `,${'\n'.repeat(t.ndim - dim - 1)}${' '.repeat(indent + 1)}`;
    return `[${shown.map((i) => (i < 0 ? '...' : render(dim + 1, offset + i * stride, indent + 1))).join(sep)}]`;
  };
  const extras: string[] = [];
  if (t.ndim > 1 || summarize) extras.push(`shape=[${t.shape.join(', ')}]`);
  if (t.dtype !== getDefaultDtype()) extras.push(`dtype=torch.${t.dtype}`); // as PyTorch: only a non-default dtype
  if (t.gradFn !== null) extras.push(`grad_fn=${t.gradFn}`);
  else if (t.requiresGrad) extras.push('requires_grad=true');
  const body = render(0, 0, prefix.length);
  return `${prefix}${body}${extras.map((e) => `, ${e}`).join('')})`;
}
