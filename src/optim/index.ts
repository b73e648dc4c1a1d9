// index.ts — the optim namespace: optimizers (SGD, Adam, AdamW, RMSprop, Adagrad), their base
// class, and `lrScheduler` (StepLR, ExponentialLR, CosineAnnealingLR, LambdaLR, LinearLR,
// OneCycleLR), as torch.optim and torch.optim.lr_scheduler.

export { Optimizer } from './optimizer.js';
export type { BaseOptions, ParamGroup, ParamGroupInput, ParamsInput, ParamState, OptimizerStateDict } from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDOptions } from './sgd.js';
export { Adam, AdamW } from './adam.js';
export type { AdamOptions } from './adam.js';
export { RMSprop } from './rmsprop.js';
export type { RMSpropOptions } from './rmsprop.js';
export { Adagrad } from './adagrad.js';
export type { AdagradOptions } from './adagrad.js';
export * as lrScheduler from './lr_scheduler.js';
