// The learning-rate and momentum schedules: the Schedule base and one file per schedule.
export { CosineAnnealingLR } from './cosine-annealing-lr.js';
export { ExponentialLR } from './exponential-lr.js';
export { LinearWarmup } from './linear-warmup.js';
export { type MomentumOptions, MomentumRamp } from './momentum-ramp.js';
export { MultiStepLR } from './multi-step-lr.js';
export { OneCycleLR } from './one-cycle-lr.js';
export { Schedule, type ScheduleState } from './schedule.js';
export { StepLR } from './step-lr.js';
