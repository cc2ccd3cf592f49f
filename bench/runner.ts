import type { Cell } from './cells.ts';
import type { Budget } from './measure.ts';

/**
 * One column of the table: normgrad or a peer. `measure` builds the cell's
 * inputs and model (untimed), then returns one time in ms per repetition, or
 * null when the runner has no implementation of that cell.
 */
export interface Runner {
  name: string;
  /** Precision, threads and library details for the legend. */
  detail: string;
  measure(cell: Cell, budget: Budget): Promise<number[] | null>;
  close(): Promise<void>;
}

/** A runner, or a one-line reason why this peer is skipped on this machine. */
export type Found = Runner | { skipped: string };
