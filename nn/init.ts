/**
 * Weight initialization, as `torch.nn.init`. Every function fills its tensor in
 * place (under noGrad, so a parameter stays a leaf), draws from the seeded
 * global generator unless given `{ generator }`, and returns the tensor.
 *
 * Fans follow PyTorch: for a weight of shape [out, in, *k], fanIn = in * prod(k)
 * and fanOut = out * prod(k). The scaled inits (Glorot and Bengio 2010; He et
 * al. 2015) pick a std and, for the uniform forms, bound = sqrt(3) * std, the
 * bound of a uniform distribution with that std.
 *
 * @module
 */
import { checkTensor, fmtShape, type Generator, noGrad, type Tensor, ValueError } from '../core/index.ts';

/** Options of the random initializers. */
export interface InitOptions {
  /** Source of the draws; the seeded global generator by default. */
  generator?: Generator;
}

/**
 * Which fan Kaiming initialization preserves the variance of: inputs (forward pass) or outputs (backward
 * pass).
 */
export type FanMode = 'fanIn' | 'fanOut';

/** Nonlinearity names in TypeScript casing; PyTorch's snake_case spellings ('leaky_relu') are accepted too. */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'convTranspose1d'
  | 'convTranspose2d'
  | 'convTranspose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leakyRelu'
  | 'selu';

/** Options of `kaimingUniform_` / `kaimingNormal_`, as PyTorch's. */
export interface KaimingOptions extends InitOptions {
  /** Negative slope of the leaky ReLU that follows (only with nonlinearity 'leakyRelu'); 0 by default. */
  a?: number;
  /** 'fanIn' (the default) keeps the forward pass's variance; 'fanOut' the backward pass's. */
  mode?: FanMode | 'fan_in' | 'fan_out';
  /** The activation that follows, which sets the gain (see `calculateGain`); 'leaky_relu' by default. */
  nonlinearity?: Nonlinearity | string;
}

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * The recommended gain for a nonlinearity, as `calculate_gain`: 1 for linear,
 * conv and sigmoid; 5/3 for tanh; sqrt(2) for relu; sqrt(2 / (1 + s^2)) for a
 * leaky relu of slope s (0.01 by default); 3/4 for selu.
 */
export function calculateGain(nonlinearity: Nonlinearity | string, param: number | null = null): number {
  const name = camel(nonlinearity);
  switch (name) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'convTranspose1d':
    case 'convTranspose2d':
    case 'convTranspose3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.sqrt(2);
    case 'leakyRelu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number' || !Number.isFinite(slope)) {
        throw new ValueError(`calculateGain: negative_slope ${String(param)} is not a valid number`);
      }
      return Math.sqrt(2 / (1 + slope ** 2));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new ValueError(`calculateGain: unsupported nonlinearity '${nonlinearity}'`);
  }
}

/** fanIn and fanOut of a weight of shape [out, in, *k], as `_calculate_fan_in_and_fan_out`. */
export function calculateFanInAndFanOut(t: Tensor): {
  /** Inputs feeding each output unit: in × the receptive field. */
  fanIn: number;
  /** Outputs each input feeds: out × the receptive field. */
  fanOut: number;
} {
  checkTensor('init', 'tensor', t);
  if (t.ndim < 2) {
    throw new ValueError(
      `init: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (got shape ${fmtShape(t.shape)})`,
    );
  }
  const field = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: t.shape[1]! * field, fanOut: t.shape[0]! * field };
}

/** Fills with U(a, b) (Tensor.uniform_ under noGrad, so a parameter stays a leaf). */
export function uniform_(t: Tensor, a = 0, b = 1, opts: InitOptions = {}): Tensor {
  checkTensor('init.uniform_', 'tensor', t);
  if (!(a <= b)) throw new ValueError(`uniform_: expected a <= b, got a=${a}, b=${b}`);
  return noGrad(() => t.uniform_(a, b, { generator: opts.generator }));
}

/** Fills with N(mean, std^2). */
export function normal_(t: Tensor, mean = 0, std = 1, opts: InitOptions = {}): Tensor {
  checkTensor('init.normal_', 'tensor', t);
  if (!(std >= 0)) throw new ValueError(`normal_: expected std >= 0, got ${std}`);
  return noGrad(() => t.normal_(mean, std, { generator: opts.generator }));
}

/** Fills with a constant. */
export function constant_(t: Tensor, val: number): Tensor {
  checkTensor('init.constant_', 'tensor', t);
  return noGrad(() => t.fill_(val));
}

/** Fills t with 0 in place and returns it, as `nn.init.zeros_`. */
export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

/** Fills t with 1 in place and returns it, as `nn.init.ones_`. */
export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

/** Glorot uniform: U(-bound, bound), std = gain sqrt(2 / (fanIn + fanOut)), bound = sqrt(3) std. */
export function xavierUniform_(t: Tensor, gain = 1, opts: InitOptions = {}): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  const std = gain * Math.sqrt(2 / (fanIn + fanOut));
  const bound = Math.sqrt(3) * std;
  return uniform_(t, -bound, bound, opts);
}

/** Glorot normal: N(0, std^2), std = gain sqrt(2 / (fanIn + fanOut)). */
export function xavierNormal_(t: Tensor, gain = 1, opts: InitOptions = {}): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), opts);
}

function kaimingStd(who: string, t: Tensor, opts: KaimingOptions): number {
  const mode = camel(opts.mode ?? 'fanIn');
  if (mode !== 'fanIn' && mode !== 'fanOut') {
    throw new ValueError(`${who}: mode must be 'fanIn' or 'fanOut', got '${opts.mode}'`);
  }
  const fans = calculateFanInAndFanOut(t);
  const fan = mode === 'fanIn' ? fans.fanIn : fans.fanOut;
  const gain = calculateGain(opts.nonlinearity ?? 'leakyRelu', opts.a ?? 0);
  return gain / Math.sqrt(fan);
}

/**
 * He uniform: U(-bound, bound), std = gain / sqrt(fan), bound = sqrt(3) std.
 * With `a: sqrt(5)` (what Linear uses) the bound is 1 / sqrt(fanIn).
 */
export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd('kaimingUniform_', t, opts);
  return uniform_(t, -bound, bound, opts);
}

/** He normal: N(0, std^2), std = gain / sqrt(fan). */
export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  return normal_(t, 0, kaimingStd('kaimingNormal_', t, opts), opts);
}
