/**
 * The lab's training worker: owns the two networks, trains while playing, and
 * posts each step's losses and every MEASURE_EVERY steps a measurement. It
 * yields between ticks so pause, step and reset messages get through.
 */
import { getBackend } from '../browser.ts';
import { toQuery } from './config.ts';
import { Lab, type Measure, type StepRecord } from './engine.ts';
import type { FromWorker, ToWorker } from './protocol.ts';
import { MEASURE_EVERY } from './spec.ts';

interface WorkerScope {
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(m: FromWorker): void;
}
const scope = self as unknown as WorkerScope;

let lab: Lab | null = null;
let running = false;
let stepsPerTick = 5;
let pending = 0;
let timer: ReturnType<typeof setTimeout> | null = null;
/** Bumped on every reset, so a tick scheduled for an old run does nothing. */
let generation = 0;

function post(m: FromWorker): void {
  scope.postMessage(m);
}

function advance(n: number): void {
  if (lab === null) return;
  const steps: StepRecord[] = [];
  const measures: Measure[] = [];
  for (let i = 0; i < n; i++) {
    steps.push(lab.train());
    if (lab.step % MEASURE_EVERY === 0) measures.push(lab.measure());
  }
  post({ type: 'update', steps, measures, running: running || pending > 0 });
}

function tick(gen: number): void {
  timer = null;
  if (gen !== generation || lab === null) return;
  try {
    if (pending > 0) {
      const n = Math.min(pending, Math.max(stepsPerTick, MEASURE_EVERY));
      pending -= n;
      advance(n);
    } else if (running) {
      advance(stepsPerTick);
    }
  } catch (e) {
    running = false;
    pending = 0;
    post({ type: 'error', message: (e as Error).message });
    return;
  }
  if (running || pending > 0) timer = setTimeout(() => tick(gen), 0);
}

function schedule(): void {
  if (timer === null) timer = setTimeout(() => tick(generation), 0);
}

scope.onmessage = (e) => {
  const m = e.data;
  try {
    switch (m.type) {
      case 'reset': {
        generation++;
        if (timer !== null) clearTimeout(timer);
        timer = null;
        running = false;
        pending = 0;
        lab = new Lab(m.config, m.mnist);
        const raw = lab.data.raw;
        const count = (side: Lab['a']) => [...side.net.parameters()].reduce((s, p) => s + p.numel(), 0);
        post({
          type: 'ready',
          classes: lab.data.classes,
          features: lab.data.features,
          points: raw === null ? null : { xy: raw.train, labels: raw.trainY, bounds: raw.bounds },
          parameters: [count(lab.a), count(lab.b)],
          // The library picks WebAssembly SIMD where the browser has it (one thread in a browser), else the JS kernels.
          backend: getBackend(),
          measure: lab.measure(),
        });
        break;
      }
      case 'play':
        running = true;
        schedule();
        break;
      case 'pause':
        running = false;
        post({ type: 'update', steps: [], measures: [], running: pending > 0 });
        break;
      case 'step':
        pending += m.n;
        schedule();
        break;
      case 'speed':
        stepsPerTick = m.stepsPerTick;
        break;
      case 'save':
        if (lab !== null) {
          const bytes = lab[m.side].net.serialize({ metadata: { format: 'pt', lab: toQuery(lab.config) } });
          post({ type: 'weights', side: m.side, step: lab.step, bytes });
        }
        break;
    }
  } catch (err) {
    post({ type: 'error', message: (err as Error).message });
  }
};
