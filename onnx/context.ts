/** What every converter sees: the graph being built, the module's path, and a way to refuse. */
import type { Module } from '../nn/index.ts';
import type { GraphBuilder, Value } from './graph.ts';

/** Where a converter writes: the graph, and the module's dotted path (names its nodes and initializers). */
export interface ConvertContext {
  g: GraphBuilder;
  path: string;
  /** Stops the export with an error naming this module and why its settings have no ONNX form. */
  fail(why: string): never;
}

/**
 * Writes the nodes for module `m` applied to `x` and returns the name of the
 * result. `outShape` is the shape the module's own forward gave on the sample.
 */
export type Converter<M extends Module> = (
  m: M,
  x: Value,
  outShape: readonly number[],
  c: ConvertContext,
) => string;

/** A module class, concrete or abstract. */
export type ModuleClass<M extends Module> = abstract new (...args: never[]) => M;

/** The state-dict key of a module's tensor: `layers.0.weight`, or `weight` for the root. */
export const key = (path: string, name: string): string => (path === '' ? name : `${path}.${name}`);
