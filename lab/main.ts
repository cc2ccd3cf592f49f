/**
 * The lab page: binds the controls to one LabConfig (mirrored in the URL), sends
 * it to the training worker, keeps the series the worker reports and redraws the
 * views. `window.normgradLab` exposes the state to tests (tests/browser).
 */
import { threadsAvailable } from './backend.ts';
import { boundary, histograms, lineChart, type Series } from './charts.ts';
import {
  BATCH_SIZES,
  fitNorms,
  fromQuery,
  INIT_SCALES,
  type LabConfig,
  LEARNING_RATES,
  type NetConfig,
  NORM_LABELS,
  NORMS,
  type Norm,
  toQuery,
  WIDTHS,
} from './config.ts';
import type { Measure, NetMeasure } from './engine.ts';
import type { FromWorker, ToWorker } from './protocol.ts';
import { GRID, HIST_RANGE, PERCENTILES } from './spec.ts';

declare const WORKER_SOURCE: string;

type SideKey = 'a' | 'b';
const SIDES: SideKey[] = ['a', 'b'];
const SIDE_COLOR: Record<SideKey, string> = { a: '#7a3db8', b: '#0b7a6e' };
const SIDE_FILL: Record<SideKey, string> = { a: 'rgba(122,61,184,0.22)', b: 'rgba(11,122,110,0.22)' };

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let config: LabConfig = fromQuery(location.search);
let running = false;
let points: Extract<FromWorker, { type: 'ready' }>['points'] = null;
let classes = 2;
/** Training losses per step and gradient norms per step, per side. */
let losses: Record<SideKey, number[]> = { a: [], b: [] };
let gradNorms: Record<SideKey, Float64Array[]> = { a: [], b: [] };
let measures: Measure[] = [];
let step = 0;
let mnistBytes: Uint8Array | null = null;
let waiters: { step: number; resolve: () => void }[] = [];
let readyWaiters: (() => void)[] = [];
let ready = false;
let lastError: string | null = null;

const worker = new Worker(URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' })));
const send = (m: ToWorker) => worker.postMessage(m);

// ---------------------------------------------------------------- controls

function options<T extends string | number>(
  select: HTMLSelectElement,
  values: readonly T[],
  label: (v: T) => string = String,
): void {
  select.replaceChildren(
    ...values.map((v) => {
      const o = document.createElement('option');
      o.value = String(v);
      o.textContent = label(v);
      return o;
    }),
  );
}

options($('width'), WIDTHS);
options($('initScale'), INIT_SCALES, (v: number) => `${v}×`);
options($('lr'), LEARNING_RATES);
options($('batchSize'), BATCH_SIZES);

function normRow(side: SideKey): void {
  const net = config[side];
  const row = $(`norms-${side}`);
  const all = document.createElement('label');
  const allSelect = document.createElement('select');
  allSelect.id = `norm-${side}-all`;
  all.append(`${side.toUpperCase()}: all layers`, allSelect);
  options<string>(allSelect, ['', ...NORMS], (v) => (v === '' ? 'set all…' : NORM_LABELS[v as Norm]));
  allSelect.addEventListener('change', () => {
    if (allSelect.value === '') return;
    update({ [side]: { ...config[side], norms: net.norms.map(() => allSelect.value as Norm) } });
  });
  const layers = net.norms.map((n, l) => {
    const label = document.createElement('label');
    const select = document.createElement('select');
    select.id = `norm-${side}-${l}`;
    select.dataset['layer'] = String(l);
    options(select, NORMS, (v: Norm) => NORM_LABELS[v]);
    select.value = n;
    label.append(`layer ${l + 1}`, select);
    select.addEventListener('change', () => {
      const norms = [...config[side].norms];
      norms[l] = select.value as Norm;
      update({ [side]: { ...config[side], norms } });
    });
    return label;
  });
  row.replaceChildren(all, ...layers);
  const bias = $<HTMLInputElement>(`bias-${side}`);
  bias.checked = net.bias;
}

function showConfig(): void {
  const c = config;
  const set = (id: string, v: string | number) => {
    $<HTMLInputElement | HTMLSelectElement>(id).value = String(v);
  };
  set('seed', c.seed);
  set('dataset', c.dataset);
  set('scaling', c.scaling);
  set('depth', c.depth);
  set('width', c.width);
  set('activation', c.activation);
  set('initScale', c.initScale);
  set('optimizer', c.optimizer);
  set('lr', c.lr);
  set('batchSize', c.batchSize);
  set('evalMode', c.evalMode);
  options(
    $('layer'),
    Array.from({ length: c.depth }, (_, l) => l),
    (l: number) => `hidden layer ${l + 1}`,
  );
  set('layer', c.layer);
  $<HTMLInputElement>('unit').max = String(c.width);
  set('unit', c.unit + 1);
  for (const s of SIDES) normRow(s);
  $('fig1-unit').textContent = `unit ${c.unit + 1} of hidden layer ${c.layer + 1}`;
  history.replaceState(null, '', `?${toQuery(c)}`);
}

/** Settings that only change what is drawn; everything else restarts the run. */
const VIEW_ONLY: (keyof LabConfig)[] = ['layer', 'unit'];

function update(change: Partial<LabConfig>): void {
  const next: LabConfig = { ...config, ...change };
  next.a = { ...next.a, norms: fitNorms(next.a.norms, next.depth) };
  next.b = { ...next.b, norms: fitNorms(next.b.norms, next.depth) };
  next.layer = Math.min(next.layer, next.depth - 1);
  next.unit = Math.min(Math.max(0, next.unit), next.width - 1);
  const restart = (Object.keys(next) as (keyof LabConfig)[]).some(
    (k) => !VIEW_ONLY.includes(k) && JSON.stringify(next[k]) !== JSON.stringify(config[k]),
  );
  config = next;
  showConfig();
  if (restart) void reset();
  else draw();
}

function bind(id: string, read: (v: string) => Partial<LabConfig>): void {
  $<HTMLSelectElement>(id).addEventListener('change', (e) =>
    update(read((e.target as HTMLSelectElement).value)),
  );
}

const num = (v: string, fallback: number) => (Number.isFinite(Number(v)) && v !== '' ? Number(v) : fallback);
bind('dataset', (v) => ({ dataset: v as LabConfig['dataset'] }));
bind('scaling', (v) => ({ scaling: v as LabConfig['scaling'] }));
bind('depth', (v) => ({ depth: Math.min(8, Math.max(1, Math.round(num(v, config.depth)))) }));
bind('width', (v) => ({ width: Number(v) }));
bind('activation', (v) => ({ activation: v as LabConfig['activation'] }));
bind('initScale', (v) => ({ initScale: Number(v) }));
bind('optimizer', (v) => ({ optimizer: v as LabConfig['optimizer'] }));
bind('lr', (v) => ({ lr: Number(v) }));
bind('batchSize', (v) => ({ batchSize: Number(v) }));
bind('evalMode', (v) => ({ evalMode: v as LabConfig['evalMode'] }));
bind('layer', (v) => ({ layer: Number(v) }));
bind('unit', (v) => ({ unit: Math.round(num(v, config.unit + 1)) - 1 }));
bind('seed', (v) => ({ seed: Math.max(0, Math.round(num(v, config.seed))) }));
for (const s of SIDES) {
  $<HTMLInputElement>(`bias-${s}`).addEventListener('change', (e) =>
    update({ [s]: { ...config[s], bias: (e.target as HTMLInputElement).checked } as NetConfig }),
  );
}

function setRunning(r: boolean): void {
  running = r;
  $('play').textContent = r ? 'Pause' : 'Play';
  $('play').setAttribute('aria-pressed', String(r));
}

$('play').addEventListener('click', () => {
  send({ type: running ? 'pause' : 'play' });
  setRunning(!running);
});
$('step').addEventListener('click', () => send({ type: 'step', n: 1 }));
for (const s of SIDES) $(`save-${s}`).addEventListener('click', () => send({ type: 'save', side: s }));
$('reset').addEventListener('click', () => void reset());
$('speed').addEventListener('change', (e) =>
  send({ type: 'speed', stepsPerTick: Number((e.target as HTMLSelectElement).value) }),
);
$('newseed').addEventListener('click', () => update({ seed: Math.floor(Math.random() * 100000) }));
$('copylink').addEventListener('click', () => {
  navigator.clipboard?.writeText(location.href).then(
    () => status('link copied'),
    () => status('copy failed: the link is in the address bar'),
  );
});
document.addEventListener('keydown', (e) => {
  const t = e.target as HTMLElement;
  if (e.key === ' ' && !['INPUT', 'SELECT', 'BUTTON', 'TEXTAREA'].includes(t.tagName)) {
    e.preventDefault();
    $('play').click();
  }
});

function status(text: string): void {
  $('status').textContent = text;
}

// ---------------------------------------------------------------- the worker

async function loadMnist(): Promise<Uint8Array> {
  if (mnistBytes !== null) return mnistBytes;
  const res = await fetch('mnist-subset.bin');
  if (!res.ok) throw new Error(`mnist-subset.bin: HTTP ${res.status}`);
  mnistBytes = new Uint8Array(await res.arrayBuffer());
  return mnistBytes;
}

async function reset(): Promise<void> {
  setRunning(false);
  ready = false;
  losses = { a: [], b: [] };
  gradNorms = { a: [], b: [] };
  measures = [];
  step = 0;
  waiters = [];
  lastError = null;
  status('');
  let mnist: Uint8Array | undefined;
  if (config.dataset === 'mnist') {
    try {
      mnist = await loadMnist();
    } catch (e) {
      status(`MNIST could not be loaded (${(e as Error).message}); serve the page with npm run lab`);
      return;
    }
  }
  send({ type: 'reset', config, ...(mnist ? { mnist } : {}) });
}

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  if (m.type === 'error') {
    lastError = m.message;
    status(`error: ${m.message}`);
    setRunning(false);
    return;
  }
  if (m.type === 'weights') {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(
      new Blob([m.bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }),
    );
    a.download = `normgrad-lab-${m.side}-step${m.step}.safetensors`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    return;
  }
  if (m.type === 'ready') {
    points = m.points;
    classes = m.classes;
    measures = [m.measure];
    ready = true;
    $('backend').textContent =
      // normgrad's worker threads run in Node only for now: a browser trains on one thread either way.
      `backend: ${m.backend} · 1 thread${threadsAvailable() ? ' (page cross-origin isolated)' : ''} · ` +
      `${m.parameters[0]} / ${m.parameters[1]} parameters in A / B`;
    for (const r of readyWaiters) r();
    readyWaiters = [];
  } else {
    for (const s of m.steps) {
      losses.a.push(s.loss[0]);
      losses.b.push(s.loss[1]);
      gradNorms.a.push(s.gradNorms[0]);
      gradNorms.b.push(s.gradNorms[1]);
      step = s.step;
    }
    measures.push(...m.measures);
    if (!m.running && running) setRunning(false);
    const done = waiters.filter((w) => w.step <= step);
    waiters = waiters.filter((w) => w.step > step);
    for (const w of done) w.resolve();
  }
  scheduleDraw();
};

// ---------------------------------------------------------------- drawing

let drawQueued = false;
function scheduleDraw(): void {
  if (drawQueued) return;
  drawQueued = true;
  requestAnimationFrame(() => {
    drawQueued = false;
    draw();
  });
}

/** Exponential running mean, the thick training-loss line. */
function smooth(ys: readonly number[], beta = 0.95): number[] {
  let m = 0;
  let w = 0;
  return ys.map((y) => {
    m = beta * m + (1 - beta) * y;
    w = beta * w + (1 - beta);
    return m / w;
  });
}

const range = (vals: Iterable<number>, pad = 0.05): [number, number] => {
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of vals) if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  if (!Number.isFinite(lo)) return [0, 1];
  if (hi === lo) [lo, hi] = [lo - 0.5, hi + 0.5];
  const p = (hi - lo) * pad;
  return [lo - p, hi + p];
};

function netMeasure(m: Measure, s: SideKey): NetMeasure {
  return s === 'a' ? m.a : m.b;
}

function band(s: SideKey): [number[], number[], number[]] {
  const k = PERCENTILES.length;
  const out: [number[], number[], number[]] = [[], [], []];
  for (const m of measures) {
    const p = netMeasure(m, s).percentiles[config.layer];
    for (let q = 0; q < k; q++) out[q]!.push(p?.[config.unit * k + q] ?? Number.NaN);
  }
  return out;
}

function draw(): void {
  $('stepcount').textContent = String(step);
  const xs = measures.map((m) => m.step);
  const steps = losses.a.map((_, i) => i + 1);
  const xMax = Math.max(step, 10);
  const allLoss = [...losses.a, ...losses.b, ...measures.flatMap((m) => [m.a.testLoss, m.b.testLoss])];
  const lossY: [number, number] = [0, Math.max(0.1, Math.min(range(allLoss, 0.02)[1], 5))];
  const bands = { a: band('a'), b: band('b') };
  const bandY = range([...bands.a.flat(), ...bands.b.flat()]);
  const grads = [...gradNorms.a, ...gradNorms.b].flatMap((g) => [...g]).filter((v) => v > 0);
  const gradY: [number, number] = grads.length
    ? [10 ** Math.floor(Math.log10(Math.min(...grads))), 10 ** Math.ceil(Math.log10(Math.max(...grads)))]
    : [1e-3, 1];
  const last = measures[measures.length - 1];
  for (const s of SIDES) {
    const color = SIDE_COLOR[s];
    const nm = last ? netMeasure(last, s) : null;
    if (nm !== null) {
      const testLoss = Number.isFinite(nm.testLoss) ? nm.testLoss.toFixed(3) : String(nm.testLoss);
      $(`summary-${s}`).textContent =
        `test accuracy ${(nm.testAcc * 100).toFixed(1)}% · test loss ${testLoss} · train accuracy ${(nm.trainAcc * 100).toFixed(1)}% (step ${last!.step})`;
    }
    const boundaryCanvas = $<HTMLCanvasElement>(`boundary-${s}`);
    boundaryCanvas.hidden = points === null;
    if (points !== null) boundary(boundaryCanvas, nm?.boundary ?? null, GRID, classes, points);
    lineChart(
      $<HTMLCanvasElement>(`loss-${s}`),
      { x: [0, xMax], y: lossY, xLabel: 'step', yLabel: 'cross-entropy' },
      [
        { xs: steps, ys: losses[s], color: SIDE_FILL[s], width: 1 },
        { xs: steps, ys: smooth(losses[s]), color, width: 2 },
        { xs, ys: measures.map((m) => netMeasure(m, s).testLoss), color: '#222', width: 1.5, dash: [5, 3] },
      ],
    );
    const [p15, p50, p85] = bands[s];
    lineChart(
      $<HTMLCanvasElement>(`band-${s}`),
      { x: [0, xMax], y: bandY, xLabel: 'step', yLabel: 'unit input' },
      [
        { xs, ys: p15, upper: p85, color, fill: SIDE_FILL[s] },
        { xs, ys: p15, color, width: 0.8 },
        { xs, ys: p85, color, width: 0.8 },
        { xs, ys: p50, color, width: 2 },
      ],
    );
    if (nm !== null) {
      histograms(
        $<HTMLCanvasElement>(`hist-${s}`),
        nm.histograms,
        nm.saturated,
        HIST_RANGE[config.activation],
        color,
      );
    }
    const layers = gradNorms[s][0]?.length ?? 0;
    const series: Series[] = Array.from({ length: layers }, (_, l) => ({
      xs: steps,
      ys: gradNorms[s].map((g) => g[l]!),
      color: ramp(l / Math.max(1, layers - 1)),
      width: 1.2,
    }));
    lineChart(
      $<HTMLCanvasElement>(`grad-${s}`),
      { x: [0, xMax], y: gradY, logY: true, xLabel: 'step', yLabel: '‖∂L/∂W‖' },
      series,
    );
    describe(s, nm);
  }
}

/** Light to dark, first hidden layer to output layer. */
function ramp(t: number): string {
  const from = [189, 215, 238];
  const to = [8, 48, 107];
  const c = from.map((f, i) => Math.round(f + (to[i]! - f) * t));
  return `rgb(${c.join(',')})`;
}

/** Text alternatives for the canvases, so the numbers reach a screen reader too. */
function describe(s: SideKey, nm: NetMeasure | null): void {
  const name = s.toUpperCase();
  const l = losses[s];
  $(`loss-${s}`).setAttribute(
    'aria-label',
    `${name}'s loss: ${l.length} steps, last batch loss ${l.length ? l[l.length - 1]!.toFixed(3) : 'none yet'}`,
  );
  if (nm === null) return;
  const [p15, p50, p85] = band(s).map((b) => b[b.length - 1]);
  $(`band-${s}`).setAttribute(
    'aria-label',
    `${name}'s unit input percentiles now: 15th ${p15?.toFixed(2)}, median ${p50?.toFixed(2)}, 85th ${p85?.toFixed(2)}`,
  );
  $(`hist-${s}`).setAttribute(
    'aria-label',
    `${name}'s saturated fraction per layer: ${nm.saturated.map((v) => `${Math.round(v * 100)}%`).join(', ')}`,
  );
}

// ---------------------------------------------------------------- test hook and start

/** What tests/browser reads and drives. */
interface LabHook {
  config(): LabConfig;
  step(): number;
  losses(): { a: number[]; b: number[] };
  band(side: SideKey): [number[], number[], number[]];
  measures(): Measure[];
  error(): string | null;
  /** Resolves once the current run is ready. */
  ready(): Promise<void>;
  /** Trains `n` more steps and resolves when they are reported. */
  train(n: number): Promise<void>;
}

const hook: LabHook = {
  config: () => structuredClone(config),
  step: () => step,
  losses: () => ({ a: [...losses.a], b: [...losses.b] }),
  band,
  measures: () => measures,
  error: () => lastError,
  ready: () => (ready ? Promise.resolve() : new Promise((r) => readyWaiters.push(r))),
  train: (n) =>
    new Promise((resolve) => {
      waiters.push({ step: step + n, resolve });
      send({ type: 'step', n });
    }),
};
(globalThis as { normgradLab?: LabHook }).normgradLab = hook;

$('backend').textContent = 'backend: starting…';
showConfig();
void reset();
