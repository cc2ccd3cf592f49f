/**
 * Optimizers, learning-rate schedulers and gradient clipping, with PyTorch's
 * update rules, defaults and state-dict layout (`torch.optim`,
 * `torch.optim.lr_scheduler`, `torch.nn.utils.clip_grad_*`).
 *
 * @module
 */
export { Adam, AdamBase, type AdamOptions, type AdamState, AdamW } from './adam.ts';
export { type ClipGradNormOptions, clipGradNorm_, clipGradValue_ } from './clip_grad.ts';
export {
  type AnyOptimizer,
  CosineAnnealingLR,
  ExponentialLR,
  LinearLR,
  LRScheduler,
  MultiStepLR,
  type SchedulerStateDict,
  type SchedulerStateValue,
  StepLR,
} from './lr_scheduler.ts';
export {
  type BaseOptions,
  type Defaults,
  Optimizer,
  type ParamGroup,
  type ParamGroupInput,
  type Params,
  type StateRecord,
  type StateValue,
} from './optimizer.ts';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './reduce_lr_on_plateau.ts';
export { RMSprop, type RMSpropOptions, type RMSpropState } from './rmsprop.ts';
export { SGD, type SGDOptions, type SGDState } from './sgd.ts';
export type { GroupValue, OptimizerStateDict } from './state-dict.ts';
