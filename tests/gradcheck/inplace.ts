/**
 * Gradient-check rows for the differentiable in-place forms, each on a non-leaf
 * tensor (a leaf that requires grad cannot be written in place with grad on).
 * `a.mul(1)` makes the non-leaf copy, so the checked inputs are never written.
 */
import { awayFromZero as az, positive as pos, uniform as u } from './inputs.ts';
import type { GradcheckCase } from './types.ts';

export const inplaceCases: GradcheckCase[] = [
  {
    name: 'add_ broadcast [2,3] += [3]',
    covers: 'add_',
    inputs: () => [u([2, 3]), u([3])],
    fn: (a, b) => a!.mul(1).add_(b!),
    gradgrad: true,
  },
  {
    name: 'add_ with alpha',
    covers: 'add_',
    inputs: () => [u([4]), u([4])],
    fn: (a, b) => a!.mul(1).add_(b!, -0.5),
  },
  {
    name: 'sub_ [2,3] -= [2,1]',
    covers: 'sub_',
    inputs: () => [u([2, 3]), u([2, 1])],
    fn: (a, b) => a!.mul(1).sub_(b!),
  },
  {
    name: 'mul_ [3,2] *= [2]',
    covers: 'mul_',
    inputs: () => [u([3, 2]), u([2])],
    fn: (a, b) => a!.mul(1).mul_(b!),
    gradgrad: true,
  },
  { name: 'mul_ by a number', covers: 'mul_', inputs: () => [u([5])], fn: (a) => a!.mul(1).mul_(3) },
  {
    name: 'div_ [2,3] /= [3]',
    covers: 'div_',
    inputs: () => [u([2, 3]), pos([3])],
    fn: (a, b) => a!.mul(1).div_(b!),
  },
  { name: 'pow_ 3', covers: 'pow_', inputs: () => [u([4])], fn: (a) => a!.mul(1).pow_(3), gradgrad: true },
  {
    name: 'pow_ tensor exponent',
    covers: 'pow_',
    inputs: () => [pos([2, 2]), u([2])],
    fn: (a, b) => a!.mul(1).pow_(b!),
  },
  {
    name: 'clamp_ (away from the bounds)',
    covers: 'clamp_',
    inputs: () => [az([6])],
    fn: (a) => a!.mul(1).clamp_(-0.1, 0.1),
  },
  { name: 'neg_', covers: 'neg_', inputs: () => [u([3])], fn: (a) => a!.mul(1).neg_() },
  { name: 'exp_', covers: 'exp_', inputs: () => [u([3])], fn: (a) => a!.mul(1).exp_() },
  { name: 'log_', covers: 'log_', inputs: () => [pos([3])], fn: (a) => a!.mul(1).log_() },
  { name: 'sqrt_', covers: 'sqrt_', inputs: () => [pos([3])], fn: (a) => a!.mul(1).sqrt_() },
  { name: 'abs_', covers: 'abs_', inputs: () => [az([4])], fn: (a) => a!.mul(1).abs_() },
  { name: 'relu_', covers: 'relu_', inputs: () => [az([4])], fn: (a) => a!.mul(1).relu_() },
  { name: 'sigmoid_', covers: 'sigmoid_', inputs: () => [u([4])], fn: (a) => a!.mul(1).sigmoid_() },
  { name: 'tanh_', covers: 'tanh_', inputs: () => [u([4])], fn: (a) => a!.mul(1).tanh_(), gradgrad: true },
  {
    name: 'addcmul_',
    covers: 'addcmul_',
    inputs: () => [u([2, 3]), u([3]), u([2, 3])],
    fn: (a, b, c) => a!.mul(1).addcmul_(b!, c!, 0.5),
  },
  {
    name: 'addcdiv_',
    covers: 'addcdiv_',
    inputs: () => [u([3]), u([3]), pos([3])],
    fn: (a, b, c) => a!.mul(1).addcdiv_(b!, c!, 2),
  },
  { name: 'lerp_', covers: 'lerp_', inputs: () => [u([3]), u([3])], fn: (a, b) => a!.mul(1).lerp_(b!, 0.25) },
  {
    name: 'fill_ (zero gradient to the old values)',
    covers: 'fill_',
    inputs: () => [u([3])],
    fn: (a) => a!.mul(2).fill_(1.5).add(a!),
  },
  { name: 'zero_', covers: 'zero_', inputs: () => [u([3])], fn: (a) => a!.mul(2).zero_().add(a!) },
  {
    name: 'copy_ broadcast [3] into [2,3]',
    covers: 'copy_',
    inputs: () => [u([2, 3]), u([3])],
    fn: (a, b) => a!.mul(1).copy_(b!),
  },
  {
    name: 'in place twice, then used',
    covers: 'add_',
    inputs: () => [u([3]), u([3])],
    fn: (a, b) => a!.mul(b!).add_(b!).mul_(a!).exp(),
  },
];
