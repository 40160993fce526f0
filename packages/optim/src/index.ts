/**
 * `@lacuna/optim`: optimizers with PyTorch's update rules (SGD, Adam, AdamW, RMSprop, Adagrad),
 * parameter groups, learning-rate and momentum schedules, the max-norm constraint, gradient
 * clipping, and exact state save/restore.
 *
 * @packageDocumentation
 */
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adam, type AdamOptions, AdamW } from './adam.js';
export { clipGradNorm, clipGradValue, maxNorm } from './constraints.js';
export {
  type BaseOptions,
  Optimizer,
  type OptimizerState,
  type ParamGroup,
  type ParamGroupSpec,
  type ParamState,
} from './optimizer.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export {
  CosineAnnealingLR,
  ExponentialLR,
  LinearWarmup,
  type MomentumOptions,
  MomentumRamp,
  MultiStepLR,
  OneCycleLR,
  Schedule,
  type ScheduleState,
  StepLR,
} from './schedules/index.js';
export { SGD, type SGDOptions } from './sgd.js';
export type { OptionTypes, StateLayout } from './state-check.js';
