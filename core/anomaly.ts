/**
 * Anomaly detection and module scopes, beside the engine: `detectAnomaly` makes
 * the first op whose forward output or backward gradient holds NaN or Infinity
 * throw an AnomalyError naming the op and the module path it ran in, which
 * modules push with `withScope`. The engine calls `checkForwardOutput` from
 * `fromOp`, `checkGradient` on every gradient a node's backward returns, and
 * brackets each backward closure with `enterBackward` / `leaveBackward`.
 */
import type { FloatArray } from './dtype.ts';
import type { Node } from './engine.ts';
import { AnomalyError, fmtShape } from './errors.ts';
import type { Shape } from './shape.ts';
import type { Tensor } from './tensor.ts';

let anomalyEnabled = false;
/** While a backward closure runs, anomalies are reported against the op being differentiated, not its helpers. */
let inBackward = false;
const scopeStack: string[] = [];

/** Whether anomaly detection is on (see detectAnomaly). */
export function isAnomalyEnabled(): boolean {
  return anomalyEnabled;
}

/**
 * Runs fn with anomaly detection on, as `torch.autograd.detect_anomaly`: the first
 * op whose forward output or backward gradient holds NaN or Infinity throws an
 * AnomalyError naming the op and the module path it ran in.
 */
export function detectAnomaly<T>(fn: () => T): T {
  const prev = anomalyEnabled;
  anomalyEnabled = true;
  try {
    return fn();
  } finally {
    anomalyEnabled = prev;
  }
}

/** Switches anomaly detection on or off globally. */
export function setDetectAnomaly(on: boolean): void {
  anomalyEnabled = on;
}

/** Modules push their path here while their forward runs, so ops know where they were recorded. */
export function withScope<T>(path: string, fn: () => T): T {
  scopeStack.push(path);
  try {
    return fn();
  } finally {
    scopeStack.pop();
  }
}

/** The module path innermost on the scope stack, '' outside every module. */
export function currentScope(): string {
  return scopeStack.length > 0 ? scopeStack[scopeStack.length - 1]! : '';
}

/** Under anomaly detection, throws when an op's forward output holds NaN or Infinity (not inside a backward closure). */
export function checkForwardOutput(name: string, data: FloatArray, shape: Shape): void {
  if (!anomalyEnabled || inBackward) return;
  const bad = firstNonFinite(data);
  if (bad >= 0) {
    throw new AnomalyError(
      `${name}: forward output of shape ${fmtShape(shape)} has ${data[bad]} at flat index ${bad}${where(currentScope())}`,
    );
  }
}

/** Under anomaly detection, throws when the gradient `gi` a node's backward gave input i holds NaN or Infinity. */
export function checkGradient(node: Node, i: number, gi: Tensor): void {
  if (!anomalyEnabled) return;
  const bad = firstNonFinite(gi.data);
  if (bad >= 0) {
    throw new AnomalyError(
      `${node.name} backward: gradient for input ${i} (shape ${fmtShape(gi.shape)}) has ` +
        `${gi.data[bad]} at flat index ${bad}${where(node.scope)}`,
    );
  }
}

/** Marks a backward closure as running, so ops it calls are not checked as forwards; returns the mark before. */
export function enterBackward(): boolean {
  const outer = inBackward;
  inBackward = true;
  return outer;
}

/** Restores the mark `enterBackward` returned. */
export function leaveBackward(outer: boolean): void {
  inBackward = outer;
}

function firstNonFinite(data: FloatArray): number {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) return i;
  return -1;
}

function where(scope: string): string {
  return scope === '' ? '' : ` in module '${scope}'`;
}
