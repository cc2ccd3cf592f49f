/** Messages between the page and its training worker. */
import type { LabConfig } from './config.ts';
import type { Measure, StepRecord } from './engine.ts';

/** Page → worker. */
export type ToWorker =
  | { type: 'reset'; config: LabConfig; mnist?: Uint8Array }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step'; n: number }
  | { type: 'speed'; stepsPerTick: number }
  | { type: 'save'; side: 'a' | 'b' };

/** Worker → page. */
export type FromWorker =
  | {
      type: 'ready';
      classes: number;
      features: number;
      /** Raw training points (x, y pairs) and labels for the boundary plot; null for MNIST. */
      points: { xy: Float64Array; labels: Float64Array; bounds: [number, number, number, number] } | null;
      parameters: [number, number];
      backend: string;
      measure: Measure;
    }
  | { type: 'update'; steps: StepRecord[]; measures: Measure[]; running: boolean }
  /** The bytes of a safetensors file of one network's state dict (`module.serialize()`). */
  | { type: 'weights'; side: 'a' | 'b'; step: number; bytes: Uint8Array }
  | { type: 'error'; message: string };
