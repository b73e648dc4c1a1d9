// lr_one_cycle.ts — OneCycleLR, the 1cycle policy: the learning rate rises from a low start to a
// peak and anneals far below the start, while momentum (SGD, RMSprop) or Adam's β1 moves the
// other way; two phases (default) or three. Same numbers as PyTorch; options are checked on
// construction (a zero divFactor or a NaN rate throws naming it instead of giving NaN rates).
// Reference: torch.optim.lr_scheduler.OneCycleLR; Smith & Topin 2017, "Super-Convergence".

import { check, checkKeys, checkNonNegative, checkOneOf, checkPositiveInt, checkProbability } from '../check.js';
import type { BaseOptions, ParamGroup } from './optimizer.js';
import { checkLastEpoch, checkOptimizer, LRScheduler, type AnyOptimizer } from './lr_scheduler_base.js';

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
    checkOptimizer(name, optimizer);
    const {
      maxLr, totalSteps, epochs, stepsPerEpoch, pctStart = 0.3, annealStrategy = 'cos', cycleMomentum = true,
      baseMomentum = 0.85, maxMomentum = 0.95, divFactor = 25, finalDivFactor = 1e4, threePhase = false, lastEpoch = -1,
    } = options;

    let total: number;
    if (totalSteps !== undefined) {
      total = checkPositiveInt(name, 'totalSteps', totalSteps);
    } else if (epochs !== undefined && stepsPerEpoch !== undefined) {
      total = checkPositiveInt(name, 'epochs', epochs) * checkPositiveInt(name, 'stepsPerEpoch', stepsPerEpoch);
    } else {
      throw new Error(`${name}: define either totalSteps or (epochs and stepsPerEpoch)`);
    }
    checkProbability(name, 'pctStart', pctStart);
    checkOneOf(name, 'annealStrategy', annealStrategy, ['cos', 'linear']);
    for (const [option, v] of [['divFactor', divFactor], ['finalDivFactor', finalDivFactor]] as const) {
      check(name, typeof v === 'number' && Number.isFinite(v) && v > 0, option, v, 'must be a finite number > 0');
    }
    for (const [option, v] of [['cycleMomentum', cycleMomentum], ['threePhase', threePhase]] as const) {
      check(name, typeof v === 'boolean', option, v, 'must be true or false');
    }
    checkLastEpoch(name, lastEpoch);
    const phases = phasesOf(name, total, pctStart, threePhase);

    // every option is checked before the groups are touched
    const groups = optimizer.paramGroups;
    const maxLrs = perGroup(name, 'maxLr', maxLr, groups.length);
    let useBeta1 = false, maxMs: number[] = [], baseMs: number[] = [];
    if (cycleMomentum) {
      const d = optimizer.defaults as object;
      if (!('momentum' in d) && !('betas' in d)) {
        throw new Error(`${name}: optimizer must support momentum or beta1 with the cycleMomentum option enabled (pass {cycleMomentum: false})`);
      }
      useBeta1 = 'betas' in d;
      maxMs = perGroup(name, 'maxMomentum', maxMomentum, groups.length);
      baseMs = perGroup(name, 'baseMomentum', baseMomentum, groups.length);
      if (useBeta1) {
        maxMs.forEach((m, i) => check(name, m < 1, 'maxMomentum', m, `group ${i}: Adam's beta1 must be < 1`));
        baseMs.forEach((m, i) => check(name, m < 1, 'baseMomentum', m, `group ${i}: Adam's beta1 must be < 1`));
      }
    }
    if (lastEpoch === -1) {
      groups.forEach((g, i) => {
        g.initialLr = maxLrs[i] / divFactor;
        g.maxLr = maxLrs[i];
        g.minLr = (g.initialLr as number) / finalDivFactor;
      });
    }
    if (cycleMomentum && lastEpoch === -1) {
      groups.forEach((g, i) => {
        setMomentum(g, useBeta1, maxMs[i]);
        g.maxMomentum = maxMs[i];
        g.baseMomentum = baseMs[i];
      });
    }

    super(name, optimizer, lastEpoch);
    this.totalSteps = total;
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    this.phases = phases;
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

/** The phases of a cycle of `total` steps (each ends at endStep and anneals startLr -> endLr). */
function phasesOf(name: string, total: number, pctStart: number, threePhase: boolean): Phase[] {
  const phases: Phase[] = threePhase
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
  phases.forEach((p, k) => {
    if (p.endStep === start && p.endStep >= 0) {
      throw new Error(`${name}: phase ${k + 1} of ${phases.length} has zero length (totalSteps ${total}, pctStart ${pctStart}), which would make the learning rate NaN; use more steps or a different pctStart`);
    }
    start = p.endStep;
  });
  return phases;
}

function setMomentum(g: ParamGroup<BaseOptions>, useBeta1: boolean, m: number): void {
  if (useBeta1) g.betas = [m, ...(g.betas as number[]).slice(1)];
  else g.momentum = m;
}

// ---- helpers -----------------------------------------------------------------------------

/** One finite number >= 0 per group, from one number or a list of n (each checked, naming its index). */
function perGroup(name: string, option: string, v: number | number[], n: number): number[] {
  if (Array.isArray(v)) {
    if (v.length !== n) throw new Error(`${name}: ${option} has ${v.length} values, expected one per parameter group (${n})`);
    return v.map((x, i) => checkNonNegative(name, `${option}[${i}]`, x));
  }
  return new Array<number>(n).fill(checkNonNegative(name, option, v));
}

