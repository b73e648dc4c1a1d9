// lr_schedules.ts — the closed-form learning-rate schedules: StepLR, ExponentialLR,
// CosineAnnealingLR, LambdaLR and LinearLR. Each computes the same numbers as PyTorch, in
// PyTorch's (often recursive, chainable) form; constructing one takes the first step. Options
// are checked on construction: a NaN, infinite or out-of-range value throws naming it.
// Reference: torch.optim.lr_scheduler; Loshchilov & Hutter 2017 (SGDR) for the cosine.

import { check, checkKeys, checkNonNegative, checkPositiveInt } from '../check.js';
import { LRScheduler, type AnyOptimizer } from './lr_scheduler_base.js';

// ---- StepLR ------------------------------------------------------------------------------

export interface StepLROptions { stepSize: number; gamma?: number; lastEpoch?: number }

/** lr = baseLr · gamma^⌊t / stepSize⌋ (applied as a multiply every stepSize steps). */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: AnyOptimizer, options: StepLROptions) {
    checkKeys('StepLR', options, ['stepSize', 'gamma', 'lastEpoch']);
    super('StepLR', optimizer, options.lastEpoch);
    this.stepSize = checkPositiveInt('StepLR', 'stepSize', options.stepSize);
    this.gamma = checkNonNegative('StepLR', 'gamma', options.gamma ?? 0.1);
    this.initialStep();
  }

  getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }
}

// ---- ExponentialLR -----------------------------------------------------------------------

export interface ExponentialLROptions { gamma: number; lastEpoch?: number }

/** lr = baseLr · gamma^t (applied as a multiply every step). */
export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(optimizer: AnyOptimizer, options: ExponentialLROptions) {
    checkKeys('ExponentialLR', options, ['gamma', 'lastEpoch']);
    super('ExponentialLR', optimizer, options.lastEpoch);
    this.gamma = checkNonNegative('ExponentialLR', 'gamma', options.gamma);
    this.initialStep();
  }

  getLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }
}

// ---- CosineAnnealingLR -------------------------------------------------------------------

export interface CosineAnnealingLROptions { tMax: number; etaMin?: number; lastEpoch?: number }

/**
 * lr_t = etaMin + (baseLr - etaMin)(1 + cos(π t / tMax)) / 2, computed as PyTorch does by the
 * recursion lr_t = etaMin + (lr_{t-1} - etaMin)(1 + cos(π t/tMax)) / (1 + cos(π (t-1)/tMax)),
 * so it keeps following the cosine past tMax (back up to baseLr at 2 tMax, and so on).
 */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;

  constructor(optimizer: AnyOptimizer, options: CosineAnnealingLROptions) {
    checkKeys('CosineAnnealingLR', options, ['tMax', 'etaMin', 'lastEpoch']);
    super('CosineAnnealingLR', optimizer, options.lastEpoch);
    const { tMax, etaMin = 0 } = options;
    check('CosineAnnealingLR', typeof tMax === 'number' && Number.isFinite(tMax) && tMax > 0, 'tMax', tMax, 'must be a finite number > 0');
    this.tMax = tMax;
    this.etaMin = checkNonNegative('CosineAnnealingLR', 'etaMin', etaMin);
    this.initialStep();
  }

  getLr(): number[] {
    const { lastEpoch: t, tMax, etaMin } = this;
    if (t === 0) return this.groups.map((g) => g.lr);
    if (this.stepCount === 1 && t > 0) {
      return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((t * Math.PI) / tMax))) / 2);
    }
    if ((t - 1 - tMax) % (2 * tMax) === 0) {
      // one step past a minimum the ratio below is 0/0: add the increment directly
      return this.groups.map((g, i) => g.lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    }
    return this.groups.map(
      (g) => ((1 + Math.cos((Math.PI * t) / tMax)) / (1 + Math.cos((Math.PI * (t - 1)) / tMax))) * (g.lr - etaMin) + etaMin,
    );
  }
}

// ---- LambdaLR ----------------------------------------------------------------------------

export type LrLambda = (epoch: number) => number;

/** lr = baseLr · fn(t), with one fn for all groups or one per group. */
export class LambdaLR extends LRScheduler {
  lrLambdas: LrLambda[];

  constructor(optimizer: AnyOptimizer, lrLambda: LrLambda | LrLambda[], options: { lastEpoch?: number } = {}) {
    checkKeys('LambdaLR', options, ['lastEpoch']);
    super('LambdaLR', optimizer, options.lastEpoch);
    const n = optimizer.paramGroups.length;
    if (Array.isArray(lrLambda)) {
      if (lrLambda.length !== n) throw new Error(`LambdaLR: expected ${n} lrLambdas (one per parameter group), got ${lrLambda.length}`);
      this.lrLambdas = [...lrLambda];
    } else {
      this.lrLambdas = Array.from({ length: n }, () => lrLambda);
    }
    this.lrLambdas.forEach((f, i) => {
      if (typeof f !== 'function') throw new Error(`LambdaLR: lrLambda ${i} is ${typeof f}, expected a function of the step`);
    });
    this.initialStep();
  }

  getLr(): number[] {
    return this.baseLrs.map((base, i) => {
      const factor = this.lrLambdas[i](this.lastEpoch);
      if (typeof factor !== 'number' || !Number.isFinite(factor)) {
        throw new Error(`LambdaLR: at step ${this.lastEpoch} lrLambda ${i} returned ${typeof factor === 'number' ? factor : typeof factor}, not a finite number`);
      }
      return base * factor;
    });
  }
}

// ---- LinearLR ----------------------------------------------------------------------------

export interface LinearLROptions { startFactor?: number; endFactor?: number; totalIters?: number; lastEpoch?: number }

/**
 * lr = baseLr · (startFactor + (endFactor - startFactor) · min(t, totalIters) / totalIters),
 * applied as PyTorch does by a per-step ratio (the constructor multiplies lr by startFactor).
 */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;

  constructor(optimizer: AnyOptimizer, options: LinearLROptions = {}) {
    checkKeys('LinearLR', options, ['startFactor', 'endFactor', 'totalIters', 'lastEpoch']);
    super('LinearLR', optimizer, options.lastEpoch);
    const { startFactor = 1 / 3, endFactor = 1, totalIters = 5 } = options;
    check('LinearLR', typeof startFactor === 'number' && startFactor > 0 && startFactor <= 1, 'startFactor', startFactor, 'the starting multiplicative factor must be in (0, 1]');
    check('LinearLR', typeof endFactor === 'number' && endFactor >= 0 && endFactor <= 1, 'endFactor', endFactor, 'the ending multiplicative factor must be in [0, 1]');
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = checkPositiveInt('LinearLR', 'totalIters', totalIters);
    this.initialStep();
  }

  getLr(): number[] {
    const { lastEpoch: t, startFactor: s, endFactor: e, totalIters: n } = this;
    if (t === 0) return this.groups.map((g) => g.lr * s);
    if (t > n) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1 + (e - s) / (n * s + (t - 1) * (e - s))));
  }
}

