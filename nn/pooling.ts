import {
  adaptiveAvgPool2d,
  avgPool2d,
  maxPool2d,
  maxPool2dWithIndices,
  type Size2,
  type Tensor,
} from '../core/index.ts';
import { Module } from './module.ts';
import { pyBool } from './repr.ts';

/** Python's spelling of a size argument: `2` or `(2, 3)`. */
function pySize(v: Size2 | readonly (number | null)[]): string {
  return typeof v === 'number' ? String(v) : `(${v.map((x) => (x === null ? 'None' : x)).join(', ')})`;
}

/** Options of MaxPool2d, as PyTorch's keyword arguments. */
export interface MaxPool2dModuleOptions {
  /** Step between windows (null: the kernel size). */
  stride?: Size2 | null;
  /** Implicit -Infinity padding, at most half the kernel (0). */
  padding?: Size2;
  /** Distance between kernel taps (1). */
  dilation?: Size2;
  /** Also return the argmax indices, as [values, indices] (false). */
  returnIndices?: boolean;
  /** Round the output size up (false). */
  ceilMode?: boolean;
}

/**
 * Max pooling over [N, C, H, W] (or [C, H, W]), as `torch.nn.MaxPool2d`: each
 * output is the largest value of its window; its gradient goes to that value
 * (the first of tied ones). With returnIndices, forward returns [values, indices].
 */
export class MaxPool2d extends Module {
  /** Window size (`kernel_size`). */
  readonly kernelSize: Size2;
  /** Window step; kernelSize by default. */
  readonly stride: Size2;
  /** Implicit -Infinity padding on both sides. */
  readonly padding: Size2;
  /** Spacing between window elements. */
  readonly dilation: Size2;
  /** Also return the flat index of each maximum (`return_indices`). */
  readonly returnIndices: boolean;
  /** Round the output size up instead of down (`ceil_mode`). */
  readonly ceilMode: boolean;

  constructor(kernelSize: Size2, opts: MaxPool2dModuleOptions = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.dilation = opts.dilation ?? 1;
    this.returnIndices = opts.returnIndices ?? false;
    this.ceilMode = opts.ceilMode ?? false;
  }

  forward(input: Tensor): Tensor | [Tensor, Tensor] {
    const opts = {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      ceilMode: this.ceilMode,
    };
    return this.returnIndices
      ? maxPool2dWithIndices(input, this.kernelSize, opts)
      : maxPool2d(input, this.kernelSize, opts);
  }

  override extraRepr(): string {
    return (
      `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(this.stride)}, padding=${pySize(this.padding)}, ` +
      `dilation=${pySize(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`
    );
  }
}

/** Options of AvgPool2d, as PyTorch's keyword arguments. */
export interface AvgPool2dModuleOptions {
  /** Step between windows (null: the kernel size). */
  stride?: Size2 | null;
  /** Implicit zero padding, at most half the kernel (0). */
  padding?: Size2;
  /** Round the output size up (false). */
  ceilMode?: boolean;
  /** Count padding zeros in each window's divisor (true). */
  countIncludePad?: boolean;
  /** Divide by this instead of the window's count (null). */
  divisorOverride?: number | null;
}

/** Average pooling over [N, C, H, W] (or [C, H, W]), as `torch.nn.AvgPool2d`: each window's mean. */
export class AvgPool2d extends Module {
  /** Window size (`kernel_size`). */
  readonly kernelSize: Size2;
  /** Window step; kernelSize by default. */
  readonly stride: Size2;
  /** Implicit zero padding on both sides. */
  readonly padding: Size2;
  /** Round the output size up instead of down (`ceil_mode`). */
  readonly ceilMode: boolean;
  /** Count padded zeros in the divisor (`count_include_pad`). */
  readonly countIncludePad: boolean;
  /** A fixed divisor instead of the window's size (`divisor_override`), or null. */
  readonly divisorOverride: number | null;

  constructor(kernelSize: Size2, opts: AvgPool2dModuleOptions = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.ceilMode = opts.ceilMode ?? false;
    this.countIncludePad = opts.countIncludePad ?? true;
    this.divisorOverride = opts.divisorOverride ?? null;
  }

  forward(input: Tensor): Tensor {
    return avgPool2d(input, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
      divisorOverride: this.divisorOverride,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(this.stride)}, padding=${pySize(this.padding)}`;
  }
}

/**
 * Adaptive average pooling to a fixed output size, as `torch.nn.AdaptiveAvgPool2d`:
 * window i of O along a dim of size S covers [floor(i S / O), ceil((i + 1) S / O)).
 */
export class AdaptiveAvgPool2d extends Module {
  constructor(
    /** Output height and width (one number for both; null keeps the input's size), `output_size`. */
    readonly outputSize: number | readonly [number | null, number | null],
  ) {
    super();
  }

  forward(input: Tensor): Tensor {
    return adaptiveAvgPool2d(input, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${pySize(this.outputSize)}`;
  }
}
