import { checkTensor, fmtShape, ShapeError, type Tensor, ValueError, zeros } from '../core/index.ts';
import { conv1d, conv2d, pad } from './functional/conv.ts';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from './init.ts';
import { Module } from './module.ts';
import { pyBool } from './repr.ts';

/** How a convolution pads: 'zeros' inside the op, the others through `F.pad` first, as PyTorch. */
export type ConvPaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/** Options of Conv1d and Conv2d, as PyTorch's keyword arguments. */
export interface ConvNdOptions<S> {
  /** Step between windows (1). */
  stride?: S;
  /** Padding per side, 'valid' (none) or 'same' (output as large as input; stride 1 only) (0). */
  padding?: S | 'same' | 'valid';
  /** Distance between kernel taps (1). */
  dilation?: S;
  /** Independent channel groups; must divide inChannels and outChannels (1). */
  groups?: number;
  /** Learn an additive bias per output channel (true). */
  bias?: boolean;
  /** 'zeros' (the default), 'reflect', 'replicate' or 'circular'. */
  paddingMode?: ConvPaddingMode;
}

const PADDING_MODES: readonly string[] = ['zeros', 'reflect', 'replicate', 'circular'];

/**
 * The shared part of Conv1d and Conv2d, as PyTorch's `_ConvNd`: settings,
 * parameters `weight` [outChannels, inChannels / groups, *kernelSize] and
 * `bias` [outChannels], PyTorch's init, and the repr. Subclasses differ only in
 * the number of spatial dims and the functional they call.
 */
export abstract class _ConvNd extends Module {
  /** C_in, channels of the input (`in_channels`). */
  readonly inChannels: number;
  /** C_out, channels produced (`out_channels`). */
  readonly outChannels: number;
  /** Size of the kernel in each spatial dim (`kernel_size`). */
  readonly kernelSize: readonly number[];
  /** Step of the kernel in each spatial dim. */
  readonly stride: readonly number[];
  /** Padding added on both sides of each spatial dim, or 'same' / 'valid'. */
  readonly padding: readonly number[] | 'same' | 'valid';
  /** Spacing between kernel elements. */
  readonly dilation: readonly number[];
  /** Channel groups: each output channel sees C_in / groups input channels. */
  readonly groups: number;
  /** How padding is filled: 'zeros', 'reflect', 'replicate' or 'circular' (`padding_mode`). */
  readonly paddingMode: ConvPaddingMode;
  /** The kernels, shape [C_out, C_in / groups, ...kernelSize]. */
  weight: Tensor;
  /** Per-output-channel bias, shape [C_out]; null without bias. */
  bias: Tensor | null;

  constructor(
    name: string,
    dims: number,
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    opts: ConvNdOptions<number | readonly number[]>,
  ) {
    super();
    const tuple = (arg: string, v: number | readonly number[], min: number): number[] => {
      const t = typeof v === 'number' ? new Array<number>(dims).fill(v) : [...v];
      if (t.length !== dims || t.some((x) => !Number.isInteger(x) || x < min)) {
        throw new ValueError(
          `${name}: ${arg} must be an integer >= ${min} or ${dims} of them, got ${typeof v === 'number' ? v : fmtShape(v)}`,
        );
      }
      return t;
    };
    for (const [arg, v] of [
      ['inChannels', inChannels],
      ['outChannels', outChannels],
    ] as const) {
      if (!Number.isInteger(v) || v < 1)
        throw new ValueError(`${name}: ${arg} must be a positive integer, got ${v}`);
    }
    const groups = opts.groups ?? 1;
    if (!Number.isInteger(groups) || groups < 1) {
      throw new ValueError(`${name}: groups must be a positive integer, got ${groups}`);
    }
    if (inChannels % groups !== 0) {
      throw new ValueError(
        `${name}: inChannels must be divisible by groups, got inChannels ${inChannels} and groups ${groups}`,
      );
    }
    if (outChannels % groups !== 0) {
      throw new ValueError(
        `${name}: outChannels must be divisible by groups, got outChannels ${outChannels} and groups ${groups}`,
      );
    }
    const paddingMode = opts.paddingMode ?? 'zeros';
    if (!PADDING_MODES.includes(paddingMode)) {
      throw new ValueError(
        `${name}: paddingMode must be one of ${PADDING_MODES.map((m) => `'${m}'`).join(', ')}, got '${paddingMode}'`,
      );
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = tuple('kernelSize', kernelSize, 1);
    this.stride = tuple('stride', opts.stride ?? 1, 1);
    this.dilation = tuple('dilation', opts.dilation ?? 1, 1);
    const padding = opts.padding ?? 0;
    if (typeof padding === 'string') {
      if (padding !== 'same' && padding !== 'valid') {
        throw new ValueError(`${name}: invalid padding string '${padding}'; expected 'valid' or 'same'`);
      }
      if (padding === 'same' && this.stride.some((s) => s !== 1)) {
        throw new ValueError(`${name}: padding='same' is not supported for strided convolutions`);
      }
      this.padding = padding;
    } else this.padding = tuple('padding', padding, 0);
    this.groups = groups;
    this.paddingMode = paddingMode;
    this.weight = this.registerParameter(
      'weight',
      zeros([outChannels, inChannels / groups, ...this.kernelSize]),
    );
    this.bias = this.registerParameter('bias', (opts.bias ?? true) ? zeros([outChannels]) : null);
    this.resetParameters();
  }

  /**
   * PyTorch's default: W ~ kaiming_uniform(a = sqrt(5)), i.e. U(-1/sqrt(fanIn), 1/sqrt(fanIn))
   * with fanIn = inChannels / groups * prod(kernelSize), and b ~ U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
   */
  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const { fanIn } = calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  /** The explicit (left, right) pads from the last dim backwards, for a non-zeros paddingMode (as PyTorch). */
  protected modePads(): number[] {
    const pads: number[] = [];
    for (let i = this.kernelSize.length - 1; i >= 0; i--) {
      if (this.padding === 'valid') pads.push(0, 0);
      else if (this.padding === 'same') {
        const total = this.dilation[i]! * (this.kernelSize[i]! - 1);
        pads.push(Math.floor(total / 2), total - Math.floor(total / 2));
      } else pads.push(this.padding[i]!, this.padding[i]!);
    }
    return pads;
  }

  /** Checks the input's rank and channels with the module's own name before the functional runs. */
  protected checkInput(input: Tensor): void {
    checkTensor(`${this.constructor.name}.forward`, 'input', input);
    const dims = this.kernelSize.length;
    if (input.ndim !== dims + 1 && input.ndim !== dims + 2) {
      throw new ShapeError(
        `${this.constructor.name}: expected ${dims + 1}D (unbatched) or ${dims + 2}D (batched) input, ` +
          `got input of shape ${fmtShape(input.shape)}`,
      );
    }
    const c = input.shape[input.ndim - dims - 1]!;
    if (c !== this.inChannels) {
      throw new ShapeError(
        `${this.constructor.name}: expected input with ${this.inChannels} channels (inChannels) in dim ` +
          `${input.ndim - dims - 1}, got input of shape ${fmtShape(input.shape)}`,
      );
    }
  }

  override extraRepr(): string {
    const tup = (t: readonly number[]) => (t.length === 1 ? `(${t[0]},)` : `(${t.join(', ')})`);
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${tup(this.kernelSize)}, stride=${tup(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${tup(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${tup(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += `, bias=${pyBool(false)}`;
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}

/**
 * 1-D convolution over [N, Cin, L] (or [Cin, L]), as `torch.nn.Conv1d`:
 *
 *     y[n, o, t] = b[o] + sum_{c in group(o)} sum_j W[o, c, j] x[n, c, t s - p + j d]
 *
 * L_out = floor((L + 2p - d (k - 1) - 1) / s) + 1.
 */
export class Conv1d extends _ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly [number],
    opts: ConvNdOptions<number | readonly [number]> = {},
  ) {
    super('Conv1d', 1, inChannels, outChannels, kernelSize, opts);
  }

  forward(input: Tensor): Tensor {
    this.checkInput(input);
    const common = { stride: this.stride[0]!, dilation: this.dilation[0]!, groups: this.groups };
    if (this.paddingMode !== 'zeros') {
      return conv1d(pad(input, this.modePads(), this.paddingMode), this.weight, this.bias, {
        ...common,
        padding: 0,
      });
    }
    const padding = typeof this.padding === 'string' ? this.padding : this.padding[0]!;
    return conv1d(input, this.weight, this.bias, { ...common, padding });
  }
}

/**
 * 2-D convolution over [N, Cin, H, W] (or [Cin, H, W]), as `torch.nn.Conv2d`:
 *
 *     y[n, o] = b[o] + sum_{c in group(o)} sum_{i, j} W[o, c, i, j] x[n, c, oy sh - ph + i dh, ox sw - pw + j dw]
 *
 * H_out = floor((H + 2 ph - dh (kh - 1) - 1) / sh) + 1, likewise W_out.
 */
export class Conv2d extends _ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly [number, number],
    opts: ConvNdOptions<number | readonly [number, number]> = {},
  ) {
    super('Conv2d', 2, inChannels, outChannels, kernelSize, opts);
  }

  forward(input: Tensor): Tensor {
    this.checkInput(input);
    const pair = (t: readonly number[]) => [t[0]!, t[1]!] as const;
    const common = { stride: pair(this.stride), dilation: pair(this.dilation), groups: this.groups };
    if (this.paddingMode !== 'zeros') {
      return conv2d(pad(input, this.modePads(), this.paddingMode), this.weight, this.bias, {
        ...common,
        padding: 0,
      });
    }
    const padding = typeof this.padding === 'string' ? this.padding : pair(this.padding);
    return conv2d(input, this.weight, this.bias, { ...common, padding });
  }
}
