import type { GradcheckOptions, Tensor } from '../../core/index.ts';

/**
 * One row of the gradient-check table. `inputs` builds fresh float64 inputs
 * (those that require grad are checked), kept away from kinks and poles; `fn`
 * is the function checked. Modules appear once per mode: "BatchNorm1d (train)".
 */
export interface GradcheckCase {
  /** What the row checks, for people: "add (broadcast [3,1] + [4])". */
  name: string;
  /** The exported op or module this row covers, so a test can find ops missing from the table. */
  covers: string;
  inputs: () => Tensor[];
  fn: (...xs: Tensor[]) => Tensor | readonly Tensor[];
  opts?: GradcheckOptions;
  /** Also run gradgradcheck on this row. */
  gradgrad?: boolean;
}
