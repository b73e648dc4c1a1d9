// lr_scheduler.ts — optim.lrScheduler: the learning-rate schedulers that set `group.lr` on an
// optimizer's parameter groups once per step(). The base class is in lr_scheduler_base.ts, the
// closed-form schedules (StepLR, ExponentialLR, CosineAnnealingLR, LambdaLR, LinearLR) in
// lr_schedules.ts, the 1cycle policy (OneCycleLR) in lr_one_cycle.ts.
// Reference: torch.optim.lr_scheduler.

export { LRScheduler } from './lr_scheduler_base.js';
export type { AnyOptimizer } from './lr_scheduler_base.js';
export { StepLR, ExponentialLR, CosineAnnealingLR, LambdaLR, LinearLR } from './lr_schedules.js';
export type { StepLROptions, ExponentialLROptions, CosineAnnealingLROptions, LrLambda, LinearLROptions } from './lr_schedules.js';
export { OneCycleLR } from './lr_one_cycle.js';
export type { OneCycleLROptions } from './lr_one_cycle.js';
