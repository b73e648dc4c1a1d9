// lr_scheduler.ts — learning-rate schedulers that set `group.lr` on an optimizer's parameter
// groups once per step(): StepLR, ExponentialLR, CosineAnnealingLR, LambdaLR, LinearLR and
// OneCycleLR (which also cycles SGD's momentum or Adam's β1). Each computes the same numbers as
// PyTorch, in PyTorch's (often recursive, chainable) form; constructing one takes the first step.
// Reference: torch.optim.lr_scheduler; Smith & Topin 2017 (one-cycle); Loshchilov & Hutter 2017 (SGDR).

import { Optimizer, type BaseOptions, type ParamGroup } from './optimizer.js';

/** Any optimizer (schedulers only touch lr, momentum, betas and their own group keys). */
export type AnyOptimizer = Optimizer<BaseOptions, object>;

/**
 * Base class. `lastEpoch` counts step() calls (-1 before the constructor's first step).
 * On a fresh start each group gets `initialLr = lr` (kept if already set, so schedulers chain),
 * and `baseLrs` are those initial rates. To resume, pass `lastEpoch` and groups that carry `initialLr`.
 */
export abstract class LRScheduler {
  readonly optimizer: AnyOptimizer;
  baseLrs: number[];
  lastEpoch: number;
  protected stepCount = 0;
  protected lastLr: number[] = [];
  protected readonly schedulerName: string;

  protected constructor(schedulerName: string, optimizer: AnyOptimizer, lastEpoch = -1) {
    this.schedulerName = schedulerName;
    if (!(optimizer instanceof Optimizer)) throw new Error(`${schedulerName}: expected an Optimizer, got ${optimizer === null ? 'null' : typeof optimizer}`);
    check(schedulerName, Number.isInteger(lastEpoch) && lastEpoch >= -1, 'lastEpoch', lastEpoch, 'must be an integer >= -1');
    this.optimizer = optimizer;
    optimizer.paramGroups.forEach((g, i) => {
      if (lastEpoch === -1) {
        if (g.initialLr === undefined) g.initialLr = g.lr;
      } else if (g.initialLr === undefined) {
        throw new Error(`${schedulerName}: paramGroups[${i}] has no 'initialLr'; it is needed to resume a schedule (lastEpoch = ${lastEpoch})`);
      }
    });
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  /** The constructor's step (called by each subclass once its fields are set). */
  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** The learning rate of each group for step `lastEpoch` (may read the groups' current lr). */
  abstract getLr(): number[];

  /** Advances the schedule one step and writes the new rates into the optimizer's groups. */
  step(): void {
    this.stepCount++;
    this.lastEpoch++;
    const lrs = this.getLr();
    this.optimizer.paramGroups.forEach((g, i) => { g.lr = lrs[i]; });
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The learning rates set by the last step(), one per group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The scheduler's fields (not the optimizer, not functions), copied. */
  stateDict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this)) {
      if (k === 'optimizer' || typeof v === 'function' || (Array.isArray(v) && v.some((x) => typeof x === 'function'))) continue;
      out[k] = structuredClone(v);
    }
    return out;
  }

  loadStateDict(sd: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(sd)) {
      if (k === 'optimizer' || !(k in this)) throw new Error(`${this.schedulerName}.loadStateDict: unexpected key '${k}'`);
      (this as Record<string, unknown>)[k] = structuredClone(v);
    }
  }

  protected get groups(): ParamGroup<BaseOptions>[] {
    return this.optimizer.paramGroups;
  }
}

// ---- StepLR ------------------------------------------------------------------------------

export interface StepLROptions { stepSize: number; gamma?: number; lastEpoch?: number }

/** lr = baseLr · gamma^⌊t / stepSize⌋ (applied as a multiply every stepSize steps). */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: AnyOptimizer, options: StepLROptions) {
    checkKeys('StepLR', options, ['stepSize', 'gamma', 'lastEpoch']);
    super('StepLR', optimizer, options.lastEpoch);
    check('StepLR', Number.isInteger(options.stepSize) && options.stepSize > 0, 'stepSize', options.stepSize, 'must be a positive integer');
    this.stepSize = options.stepSize;
    this.gamma = options.gamma ?? 0.1;
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
    check('ExponentialLR', typeof options.gamma === 'number' && Number.isFinite(options.gamma), 'gamma', options.gamma, 'must be a finite number');
    this.gamma = options.gamma;
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
    check('CosineAnnealingLR', typeof options.tMax === 'number' && options.tMax > 0, 'tMax', options.tMax, 'must be a number > 0');
    this.tMax = options.tMax;
    this.etaMin = options.etaMin ?? 0;
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
    return this.baseLrs.map((base, i) => base * this.lrLambdas[i](this.lastEpoch));
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
    check('LinearLR', startFactor > 0 && startFactor <= 1, 'startFactor', startFactor, 'the starting multiplicative factor must be in (0, 1]');
    check('LinearLR', endFactor >= 0 && endFactor <= 1, 'endFactor', endFactor, 'the ending multiplicative factor must be in [0, 1]');
    check('LinearLR', Number.isInteger(totalIters) && totalIters > 0, 'totalIters', totalIters, 'must be a positive integer');
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  getLr(): number[] {
    const { lastEpoch: t, startFactor: s, endFactor: e, totalIters: n } = this;
    if (t === 0) return this.groups.map((g) => g.lr * s);
    if (t > n) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1 + (e - s) / (n * s + (t - 1) * (e - s))));
  }
}

// ---- OneCycleLR --------------------------------------------------------------------------

export interface OneCycleLROptions {
  /** Peak learning rate (one number, or one per group). */
  maxLr: number | number[];
  /** Length of the cycle; or give epochs and stepsPerEpoch. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the lr. */
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (SGD, RMSprop) or β1 (Adam) inversely to the lr. */
  cycleMomentum?: boolean;
  baseMomentum?: number | number[];
  maxMomentum?: number | number[];
  /** initialLr = maxLr / divFactor. */
  divFactor?: number;
  /** minLr = initialLr / finalDivFactor. */
  finalDivFactor?: number;
  /** A third phase: back to initialLr symmetrically, then down to minLr. */
  threePhase?: boolean;
  lastEpoch?: number;
}

type GroupKey = 'initialLr' | 'maxLr' | 'minLr' | 'maxMomentum' | 'baseMomentum';
interface Phase { endStep: number; startLr: GroupKey; endLr: GroupKey; startMomentum: GroupKey; endMomentum: GroupKey }

/**
 * The 1cycle policy. Two phases (default): lr rises from maxLr/divFactor to maxLr over the first
 * pctStart·totalSteps steps, then anneals to initialLr/finalDivFactor at step totalSteps-1;
 * momentum (or β1) moves the other way between maxMomentum and baseMomentum. Within a phase
 * from step a to b, pct = (t - a)/(b - a) and 'cos' annealing gives end + (start - end)(1 + cos(π pct))/2.
 * Stepping more than totalSteps times throws, as in PyTorch.
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  phases: Phase[];
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  useBeta1: boolean;

  constructor(optimizer: AnyOptimizer, options: OneCycleLROptions) {
    const name = 'OneCycleLR';
    checkKeys(name, options, ['maxLr', 'totalSteps', 'epochs', 'stepsPerEpoch', 'pctStart', 'annealStrategy', 'cycleMomentum',
      'baseMomentum', 'maxMomentum', 'divFactor', 'finalDivFactor', 'threePhase', 'lastEpoch']);
    if (!(optimizer instanceof Optimizer)) throw new Error(`${name}: expected an Optimizer, got ${optimizer === null ? 'null' : typeof optimizer}`);
    const {
      maxLr, totalSteps, epochs, stepsPerEpoch, pctStart = 0.3, annealStrategy = 'cos', cycleMomentum = true,
      baseMomentum = 0.85, maxMomentum = 0.95, divFactor = 25, finalDivFactor = 1e4, threePhase = false, lastEpoch = -1,
    } = options;

    let total: number;
    if (totalSteps !== undefined) {
      check(name, Number.isInteger(totalSteps) && totalSteps > 0, 'totalSteps', totalSteps, 'must be a positive integer');
      total = totalSteps;
    } else if (epochs !== undefined && stepsPerEpoch !== undefined) {
      check(name, Number.isInteger(epochs) && epochs > 0, 'epochs', epochs, 'must be a positive integer');
      check(name, Number.isInteger(stepsPerEpoch) && stepsPerEpoch > 0, 'stepsPerEpoch', stepsPerEpoch, 'must be a positive integer');
      total = epochs * stepsPerEpoch;
    } else {
      throw new Error(`${name}: define either totalSteps or (epochs and stepsPerEpoch)`);
    }
    check(name, typeof pctStart === 'number' && pctStart >= 0 && pctStart <= 1, 'pctStart', pctStart, 'must be a number in [0, 1]');
    check(name, annealStrategy === 'cos' || annealStrategy === 'linear', 'annealStrategy', annealStrategy, "must be 'cos' or 'linear'");

    const groups = optimizer.paramGroups;
    const maxLrs = perGroup(name, 'maxLr', maxLr, groups.length);
    if (lastEpoch === -1) {
      groups.forEach((g, i) => {
        g.initialLr = maxLrs[i] / divFactor;
        g.maxLr = maxLrs[i];
        g.minLr = (g.initialLr as number) / finalDivFactor;
      });
    }
    let useBeta1 = false;
    if (cycleMomentum) {
      const d = optimizer.defaults as object;
      if (!('momentum' in d) && !('betas' in d)) {
        throw new Error(`${name}: optimizer must support momentum or beta1 with the cycleMomentum option enabled (pass {cycleMomentum: false})`);
      }
      useBeta1 = 'betas' in d;
      const maxMs = perGroup(name, 'maxMomentum', maxMomentum, groups.length);
      const baseMs = perGroup(name, 'baseMomentum', baseMomentum, groups.length);
      if (lastEpoch === -1) {
        groups.forEach((g, i) => {
          setMomentum(g, useBeta1, maxMs[i]);
          g.maxMomentum = maxMs[i];
          g.baseMomentum = baseMs[i];
        });
      }
    }

    super(name, optimizer, lastEpoch);
    this.totalSteps = total;
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    this.phases = threePhase
      ? [
          { endStep: pctStart * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: 2 * pctStart * total - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
          { endStep: total - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
        ]
      : [
          { endStep: pctStart * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: total - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        ];
    // a phase that some step lands in must have a length: its annealing divides by it (PyTorch
    // fails there with a ZeroDivisionError; we say which phase and why instead of NaN rates)
    let start = 0;
    this.phases.forEach((p, k) => {
      if (p.endStep === start && p.endStep >= 0) {
        throw new Error(`${name}: phase ${k + 1} of ${this.phases.length} has zero length (totalSteps ${total}, pctStart ${pctStart}), which would make the learning rate NaN; use more steps or a different pctStart`);
      }
      start = p.endStep;
    });
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'cos') return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
    return (end - start) * pct + start;
  }

  getLr(): number[] {
    const t = this.lastEpoch;
    if (t > this.totalSteps) {
      throw new Error(`OneCycleLR: tried to step ${t} times; the specified number of total steps is ${this.totalSteps}`);
    }
    return this.groups.map((g) => {
      let startStep = 0;
      for (let i = 0; i < this.phases.length; i++) {
        const phase = this.phases[i];
        if (t <= phase.endStep || i === this.phases.length - 1) {
          const pct = (t - startStep) / (phase.endStep - startStep);
          const lr = this.anneal(g[phase.startLr] as number, g[phase.endLr] as number, pct);
          if (this.cycleMomentum) {
            setMomentum(g, this.useBeta1, this.anneal(g[phase.startMomentum] as number, g[phase.endMomentum] as number, pct));
          }
          return lr;
        }
        startStep = phase.endStep;
      }
      throw new Error('OneCycleLR: unreachable');
    });
  }
}

function setMomentum(g: ParamGroup<BaseOptions>, useBeta1: boolean, m: number): void {
  if (useBeta1) g.betas = [m, ...(g.betas as number[]).slice(1)];
  else g.momentum = m;
}

// ---- helpers -----------------------------------------------------------------------------

function perGroup(name: string, option: string, v: number | number[], n: number): number[] {
  if (Array.isArray(v)) {
    if (v.length !== n) throw new Error(`${name}: ${option} has ${v.length} values, expected one per parameter group (${n})`);
    return [...v];
  }
  check(name, typeof v === 'number' && Number.isFinite(v), option, v, 'must be a number or one number per parameter group');
  return Array.from({ length: n }, () => v);
}

function check(name: string, ok: boolean, option: string, value: unknown, rule: string): void {
  if (!ok) throw new Error(`${name}: invalid ${option} ${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)} (${rule})`);
}

function checkKeys(name: string, options: object, allowed: string[]): void {
  if (options === null || typeof options !== 'object') throw new Error(`${name}: expected an options object, got ${options === null ? 'null' : typeof options}`);
  for (const k of Object.keys(options)) {
    if (!allowed.includes(k)) throw new Error(`${name}: unknown option '${k}' (options are ${allowed.join(', ')})`);
  }
}
