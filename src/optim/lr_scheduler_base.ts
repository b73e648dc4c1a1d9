// lr_scheduler_base.ts — LRScheduler, the base class of the learning-rate schedulers
// (lr_schedules.ts, lr_one_cycle.ts): it keeps each group's initial rate, counts steps, writes
// the rates a subclass computes into the optimizer's groups (refusing a rate that is not a finite
// number), and saves and restores its own fields. Reference: torch.optim.lr_scheduler.LRScheduler.

import { check } from '../check.js';
import { Optimizer, type BaseOptions, type ParamGroup } from './optimizer.js';

/** Any optimizer (schedulers only touch lr, momentum, betas and their own group keys). */
export type AnyOptimizer = Optimizer<BaseOptions, object>;

/** Throws unless `optimizer` is an Optimizer (checked before a subclass reads its groups). */
export function checkOptimizer(name: string, optimizer: unknown): void {
  if (!(optimizer instanceof Optimizer)) throw new Error(`${name}: expected an Optimizer, got ${optimizer === null ? 'null' : typeof optimizer}`);
}

/** Throws unless `lastEpoch` is an integer >= -1 (-1: a fresh start). */
export function checkLastEpoch(name: string, lastEpoch: unknown): void {
  check(name, Number.isInteger(lastEpoch) && (lastEpoch as number) >= -1, 'lastEpoch', lastEpoch, 'must be an integer >= -1');
}

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
    checkOptimizer(schedulerName, optimizer);
    checkLastEpoch(schedulerName, lastEpoch);
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

  /**
   * Advances the schedule one step and writes the new rates into the optimizer's groups. A rate
   * that is not a finite number throws naming the scheduler, the step and the value, and leaves
   * the groups and the step count as they were.
   */
  step(): void {
    this.stepCount++;
    this.lastEpoch++;
    let lrs: number[];
    try {
      lrs = this.getLr();
      lrs.forEach((lr, i) => {
        if (typeof lr !== 'number' || !Number.isFinite(lr)) {
          throw new Error(`${this.schedulerName}: step ${this.lastEpoch} gives parameter group ${i} the learning rate ${String(lr)}, which is not a finite number`);
        }
      });
    } catch (e) {
      this.stepCount--;
      this.lastEpoch--;
      throw e;
    }
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

  /** Restores stateDict()'s fields; a key that is not one of this scheduler's own fields throws. */
  loadStateDict(sd: Record<string, unknown>): void {
    const name = `${this.schedulerName}.loadStateDict`;
    if (sd === null || typeof sd !== 'object' || Array.isArray(sd)) {
      throw new Error(`${name}: expected an object of the scheduler's fields, got ${sd === null ? 'null' : Array.isArray(sd) ? 'an array' : typeof sd}`);
    }
    const own = this.stateDict();
    for (const k of Object.keys(sd)) {
      if (!Object.hasOwn(own, k)) throw new Error(`${name}: unexpected key '${k}'`);
    }
    for (const [k, v] of Object.entries(sd)) (this as Record<string, unknown>)[k] = structuredClone(v);
  }

  protected get groups(): ParamGroup<BaseOptions>[] {
    return this.optimizer.paramGroups;
  }
}
