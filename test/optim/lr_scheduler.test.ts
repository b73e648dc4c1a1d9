// lr_scheduler.test.ts — each scheduler stepped ~30+ times against its closed form (PyTorch
// computes most of them recursively), on one or two parameter groups: the lr set at
// construction, getLastLr(), group.lr, OneCycleLR's momentum/β1 cycling and its step limit,
// chaining two schedulers, state dicts, and option errors: NaN, infinite and out-of-range options,
// a LambdaLR factor that is not a finite number, malformed scheduler state dicts.

import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '../../src/index.js';
import { Adagrad, Adam, lrScheduler, SGD, type Optimizer } from '../../src/optim/index.js';

const { StepLR, ExponentialLR, CosineAnnealingLR, LambdaLR, LinearLR, OneCycleLR } = lrScheduler;

const param = (): Tensor => tensor([1, 2], { dtype: 'float64', requiresGrad: true });
/** SGD with two groups, lr 0.1 and 0.04. */
const twoGroups = (extra: object = {}): SGD => new SGD([{ params: [param()] }, { params: [param()], lr: 0.04 }], { lr: 0.1, ...extra });
const BASES = [0.1, 0.04];

function closeTo(actual: number, expected: number, tol = 1e-12): void {
  if (!(Math.abs(actual - expected) <= tol * (1 + Math.abs(expected)))) {
    expect.fail(`got ${actual}, expected ${expected}`);
  }
}

/** Checks getLastLr() and group.lr against closed(t, base) for t = 0 (after construction) .. steps. */
function followsClosedForm(opt: Optimizer<any, any>, sched: lrScheduler.LRScheduler, steps: number, closed: (t: number, base: number, i: number) => number, tol = 1e-12): void {
  for (let t = 0; t <= steps; t++) {
    if (t > 0) sched.step();
    expect(sched.lastEpoch).toBe(t);
    const lrs = sched.getLastLr();
    expect(lrs).toHaveLength(opt.paramGroups.length);
    lrs.forEach((lr, i) => {
      closeTo(lr, closed(t, BASES[i], i), tol);
      expect(opt.paramGroups[i].lr).toBe(lr);
    });
  }
}

describe('StepLR', () => {
  it('lr = base · gamma^⌊t / stepSize⌋', () => {
    const opt = twoGroups();
    followsClosedForm(opt, new StepLR(opt, { stepSize: 7, gamma: 0.5 }), 30, (t, b) => b * 0.5 ** Math.floor(t / 7));
  });
  it('gamma defaults to 0.1 and the constructor leaves lr unchanged', () => {
    const opt = twoGroups();
    const s = new StepLR(opt, { stepSize: 3 });
    expect(s.getLastLr()).toEqual(BASES);
    expect(opt.paramGroups.map((g) => g.initialLr)).toEqual(BASES);
    followsClosedForm(opt, s, 30, (t, b) => b * 0.1 ** Math.floor(t / 3));
  });
  it('drives the optimizer: each update uses the lr set by the previous scheduler step', () => {
    const p = tensor([0], { dtype: 'float64', requiresGrad: true });
    const opt = new SGD([p], { lr: 1 });
    const s = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
    let expected = 0;
    for (let t = 0; t < 8; t++) {
      p.grad = tensor([1], { dtype: 'float64' });
      opt.step();
      expected -= 0.5 ** Math.floor(t / 2);
      s.step();
    }
    expect(p.item()).toBe(expected); // 0 - 2(1 + 1/2 + 1/4 + 1/8)
  });
});

describe('ExponentialLR', () => {
  it('lr = base · gamma^t', () => {
    const opt = twoGroups();
    followsClosedForm(opt, new ExponentialLR(opt, { gamma: 0.9 }), 30, (t, b) => b * 0.9 ** t);
  });
});

describe('CosineAnnealingLR', () => {
  const closed = (etaMin: number, tMax: number) => (t: number, b: number): number => etaMin + ((b - etaMin) * (1 + Math.cos((Math.PI * t) / tMax))) / 2;

  it('lr = etaMin + (base - etaMin)(1 + cos(π t / tMax)) / 2 for t <= tMax, and keeps following the cosine past tMax', () => {
    const opt = twoGroups();
    const s = new CosineAnnealingLR(opt, { tMax: 10, etaMin: 0.001 });
    followsClosedForm(opt, s, 45, closed(0.001, 10));
    // the shape: minimum at tMax, back to base at 2 tMax, minimum again at 3 tMax
  });
  it('hits etaMin at tMax, base again at 2 tMax (etaMin defaults to 0)', () => {
    const opt = twoGroups();
    const s = new CosineAnnealingLR(opt, { tMax: 12 });
    const seen: number[] = [];
    for (let t = 1; t <= 36; t++) { s.step(); seen.push(s.getLastLr()[0]); }
    closeTo(seen[11], 0, 1e-15);
    closeTo(seen[23], 0.1);
    closeTo(seen[35], 0, 1e-15);
    closeTo(seen[12], closed(0, 12)(13, 0.1)); // one past the minimum: the special case in PyTorch's recursion
  });
  it('a non-integer tMax works too', () => {
    const opt = twoGroups();
    followsClosedForm(opt, new CosineAnnealingLR(opt, { tMax: 7.5, etaMin: 0.002 }), 30, closed(0.002, 7.5), 1e-11);
  });
});

describe('LambdaLR', () => {
  it('lr = base · fn(t), one fn for all groups', () => {
    const opt = twoGroups();
    followsClosedForm(opt, new LambdaLR(opt, (t) => 1 / (1 + 0.5 * t)), 30, (t, b) => b / (1 + 0.5 * t));
  });
  it('one fn per group', () => {
    const opt = twoGroups();
    const fns = [(t: number) => 0.95 ** t, (t: number) => Math.min(1, (t + 1) / 10)];
    followsClosedForm(opt, new LambdaLR(opt, fns), 30, (t, b, i) => b * fns[i](t));
  });
  it('throws when the number of fns does not match the groups', () => {
    expect(() => new LambdaLR(twoGroups(), [(t: number) => t])).toThrow('LambdaLR: expected 2 lrLambdas (one per parameter group), got 1');
  });
});

describe('LinearLR', () => {
  const closed = (s: number, e: number, n: number) => (t: number, b: number): number => b * (s + ((e - s) * Math.min(t, n)) / n);

  it('defaults startFactor 1/3, endFactor 1, totalIters 5; construction multiplies lr by startFactor', () => {
    const opt = twoGroups();
    const s = new LinearLR(opt);
    closeTo(opt.paramGroups[0].lr, 0.1 / 3);
    followsClosedForm(opt, s, 30, closed(1 / 3, 1, 5));
  });
  it('decreasing: startFactor 1 to endFactor 0.1 over 20 iterations', () => {
    const opt = twoGroups();
    followsClosedForm(opt, new LinearLR(opt, { startFactor: 1, endFactor: 0.1, totalIters: 20 }), 30, closed(1, 0.1, 20));
  });
  it('rejects factors outside PyTorch\'s ranges', () => {
    expect(() => new LinearLR(twoGroups(), { startFactor: 0 })).toThrow('LinearLR: invalid startFactor 0 (the starting multiplicative factor must be in (0, 1])');
    expect(() => new LinearLR(twoGroups(), { endFactor: 1.5 })).toThrow('LinearLR: invalid endFactor 1.5');
    expect(() => new LinearLR(twoGroups(), { totalIters: 0 })).toThrow('LinearLR: invalid totalIters 0');
  });
});

describe('OneCycleLR', () => {
  const cosAnneal = (start: number, end: number, pct: number): number => end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  const linAnneal = (start: number, end: number, pct: number): number => (end - start) * pct + start;

  /** The schedule as a closed form over phases [(endStep, from, to)], per quantity. */
  function piecewise(t: number, ends: number[], points: number[], anneal = cosAnneal): number {
    let start = 0;
    for (let i = 0; i < ends.length; i++) {
      if (t <= ends[i] || i === ends.length - 1) return anneal(points[i], points[i + 1], (t - start) / (ends[i] - start));
      start = ends[i];
    }
    throw new Error('unreachable');
  }

  it('two phases: lr maxLr/25 → maxLr → maxLr/25/1e4, SGD momentum 0.95 → 0.85 → 0.95', () => {
    const T = 30;
    const opt = twoGroups({ momentum: 0.9 });
    const s = new OneCycleLR(opt, { maxLr: [1, 0.5], totalSteps: T });
    const maxLrs = [1, 0.5];
    const ends = [0.3 * T - 1, T - 1];
    closeTo(opt.paramGroups[0].lr, 1 / 25); // initial lr = maxLr / divFactor (through the cosine at pct 0)
    expect(opt.paramGroups[0].momentum).toBe(0.95);
    for (let t = 0; t < T; t++) {
      if (t > 0) s.step();
      s.getLastLr().forEach((lr, i) => closeTo(lr, piecewise(t, ends, [maxLrs[i] / 25, maxLrs[i], maxLrs[i] / 25 / 1e4])));
      opt.paramGroups.forEach((g) => closeTo(g.momentum, piecewise(t, ends, [0.95, 0.85, 0.95])));
    }
    closeTo(s.getLastLr()[0], 1 / 25 / 1e4);
    closeTo(opt.paramGroups[0].momentum, 0.95);
    expect(opt.paramGroups[1].initialLr).toBe(0.5 / 25);
    expect(opt.paramGroups[1].maxLr).toBe(0.5);
    expect(opt.paramGroups[1].minLr).toBe(0.5 / 25 / 1e4);
  });

  it('steps up to totalSteps times, then throws as PyTorch', () => {
    const opt = twoGroups();
    const s = new OneCycleLR(opt, { maxLr: 0.1, totalSteps: 30 });
    for (let i = 0; i < 30; i++) s.step(); // lastEpoch 30 is still allowed (PyTorch checks step > totalSteps)
    expect(() => s.step()).toThrow('OneCycleLR: tried to step 31 times; the specified number of total steps is 30');
  });

  it('Adam: cycles β1 (keeps β2); custom pctStart, divFactor, finalDivFactor, momenta', () => {
    const T = 40;
    const opt = new Adam([param()], { lr: 1e-3, betas: [0.9, 0.98] });
    const s = new OneCycleLR(opt, { maxLr: 0.01, totalSteps: T, pctStart: 0.25, divFactor: 10, finalDivFactor: 100, baseMomentum: 0.8, maxMomentum: 0.9 });
    const ends = [0.25 * T - 1, T - 1];
    for (let t = 0; t < T; t++) {
      if (t > 0) s.step();
      closeTo(s.getLastLr()[0], piecewise(t, ends, [0.001, 0.01, 0.001 / 100]));
      const betas = opt.paramGroups[0].betas;
      closeTo(betas[0], piecewise(t, ends, [0.9, 0.8, 0.9]));
      expect(betas[1]).toBe(0.98);
    }
  });

  it('threePhase with linear annealing', () => {
    const T = 30;
    const opt = twoGroups({ momentum: 0.9 });
    const s = new OneCycleLR(opt, { maxLr: 0.2, totalSteps: T, threePhase: true, annealStrategy: 'linear' });
    const ends = [0.3 * T - 1, 2 * 0.3 * T - 2, T - 1];
    for (let t = 0; t < T; t++) {
      if (t > 0) s.step();
      closeTo(s.getLastLr()[1], piecewise(t, ends, [0.2 / 25, 0.2, 0.2 / 25, 0.2 / 25 / 1e4], linAnneal));
      closeTo(opt.paramGroups[1].momentum, piecewise(t, ends, [0.95, 0.85, 0.95, 0.95], linAnneal));
    }
  });

  it('epochs × stepsPerEpoch gives totalSteps; cycleMomentum false leaves momentum alone', () => {
    const opt = twoGroups({ momentum: 0.5 });
    const s = new OneCycleLR(opt, { maxLr: 0.1, epochs: 3, stepsPerEpoch: 10, cycleMomentum: false });
    expect(s.totalSteps).toBe(30);
    for (let i = 0; i < 10; i++) s.step();
    expect(opt.paramGroups[0].momentum).toBe(0.5);
  });

  it('needs momentum or betas when cycling momentum (Adagrad has neither)', () => {
    expect(() => new OneCycleLR(new Adagrad([param()]), { maxLr: 0.1, totalSteps: 10 }))
      .toThrow('OneCycleLR: optimizer must support momentum or beta1 with the cycleMomentum option enabled');
    const s = new OneCycleLR(new Adagrad([param()]), { maxLr: 0.1, totalSteps: 10, cycleMomentum: false });
    closeTo(s.getLastLr()[0], 0.1 / 25);
  });

  it('validates its options', () => {
    expect(() => new OneCycleLR(twoGroups(), { maxLr: 0.1 })).toThrow('OneCycleLR: define either totalSteps or (epochs and stepsPerEpoch)');
    expect(() => new OneCycleLR(twoGroups(), { maxLr: 0.1, totalSteps: 0 })).toThrow('OneCycleLR: invalid totalSteps 0');
    expect(() => new OneCycleLR(twoGroups(), { maxLr: 0.1, totalSteps: 10, pctStart: 1.5 })).toThrow('OneCycleLR: invalid pctStart 1.5');
    expect(() => new OneCycleLR(twoGroups(), { maxLr: 0.1, totalSteps: 10, annealStrategy: 'exp' as never })).toThrow("OneCycleLR: annealStrategy must be 'cos', 'linear'; got 'exp'");
    expect(() => new OneCycleLR(twoGroups(), { maxLr: [0.1], totalSteps: 10 })).toThrow('OneCycleLR: maxLr has 1 values, expected one per parameter group (2)');
  });
});

describe('schedulers together', () => {
  it('chain: StepLR and ExponentialLR on one optimizer multiply their factors', () => {
    const opt = twoGroups();
    const a = new StepLR(opt, { stepSize: 4, gamma: 0.5 });
    const b = new ExponentialLR(opt, { gamma: 0.95 });
    for (let t = 1; t <= 30; t++) {
      a.step();
      b.step();
      opt.paramGroups.forEach((g, i) => closeTo(g.lr, BASES[i] * 0.5 ** Math.floor(t / 4) * 0.95 ** t));
    }
  });

  it('stateDict / loadStateDict resume a schedule', () => {
    const opt = twoGroups();
    const s = new CosineAnnealingLR(opt, { tMax: 10, etaMin: 0.01 });
    for (let i = 0; i < 6; i++) s.step();
    const sd = s.stateDict();
    const osd = opt.stateDict();
    expect(sd).toMatchObject({ lastEpoch: 6, baseLrs: BASES, tMax: 10, etaMin: 0.01 });
    const rest: number[][] = [];
    for (let i = 0; i < 12; i++) { s.step(); rest.push(s.getLastLr()); }

    const opt2 = twoGroups();
    opt2.loadStateDict(osd);
    const s2 = new CosineAnnealingLR(opt2, { tMax: 10 });
    s2.loadStateDict(sd);
    for (let i = 0; i < 12; i++) { s2.step(); expect(s2.getLastLr()).toEqual(rest[i]); }
  });

  it('option errors name the scheduler', () => {
    expect(() => new StepLR(twoGroups(), {} as never)).toThrow('StepLR: invalid stepSize undefined (must be a positive integer)');
    expect(() => new StepLR(twoGroups(), { stepSize: 2, step_size: 3 } as never)).toThrow("StepLR: unknown option 'step_size'");
    expect(() => new ExponentialLR(twoGroups(), {} as never)).toThrow('ExponentialLR: invalid gamma undefined');
    expect(() => new CosineAnnealingLR(twoGroups(), { tMax: 0 })).toThrow('CosineAnnealingLR: invalid tMax 0');
    expect(() => new ExponentialLR(twoGroups(), { gamma: 0.9, lastEpoch: 3 }))
      .toThrow("ExponentialLR: paramGroups[0] has no 'initialLr'; it is needed to resume a schedule (lastEpoch = 3)");
    expect(() => new StepLR({} as never, { stepSize: 1 })).toThrow('StepLR: expected an Optimizer, got object');
    // 10 steps at pctStart 0.1: the warm-up phase ends at step 0 where it starts (NaN rates otherwise)
    expect(() => new OneCycleLR(twoGroups(), { maxLr: 0.1, totalSteps: 10, pctStart: 0.1 })).toThrow('OneCycleLR: phase 1 of 2 has zero length');
    // pctStart 0 skips the warm-up instead (as PyTorch): every rate stays finite
    const opt = twoGroups();
    const s = new OneCycleLR(opt, { maxLr: 0.1, totalSteps: 10, pctStart: 0 });
    for (let i = 0; i < 9; i++) { expect(s.getLastLr().every(Number.isFinite)).toBe(true); opt.step(); s.step(); }
  });
});

describe('bad numbers: no scheduler gives NaN or infinite rates', () => {
  /** Throws what fn throws, and checks the optimizer's rates are untouched. */
  function refused(make: (opt: SGD) => unknown, msg: string): void {
    const opt = twoGroups();
    expect(() => make(opt)).toThrow(msg);
    expect(opt.paramGroups.map((g) => g.lr)).toEqual(BASES);
  }

  it('options that are NaN, infinite or out of range throw naming the scheduler, the option and the value', () => {
    refused((o) => new StepLR(o, { stepSize: 2, gamma: NaN }), 'StepLR: invalid gamma NaN (must be a finite number >= 0)');
    refused((o) => new StepLR(o, { stepSize: 2, gamma: Infinity }), 'StepLR: invalid gamma Infinity (must be a finite number >= 0)');
    refused((o) => new StepLR(o, { stepSize: 1.5 }), 'StepLR: invalid stepSize 1.5 (must be a positive integer)');
    refused((o) => new ExponentialLR(o, { gamma: -0.5 }), 'ExponentialLR: invalid gamma -0.5 (must be a finite number >= 0)');
    refused((o) => new CosineAnnealingLR(o, { tMax: 10, etaMin: NaN }), 'CosineAnnealingLR: invalid etaMin NaN (must be a finite number >= 0)');
    refused((o) => new CosineAnnealingLR(o, { tMax: Infinity }), 'CosineAnnealingLR: invalid tMax Infinity (must be a finite number > 0)');
    refused((o) => new CosineAnnealingLR(o, { tMax: NaN }), 'CosineAnnealingLR: invalid tMax NaN (must be a finite number > 0)');
    refused((o) => new LinearLR(o, { startFactor: NaN }), 'LinearLR: invalid startFactor NaN');
    refused((o) => new LinearLR(o, { endFactor: NaN }), 'LinearLR: invalid endFactor NaN');
    refused((o) => new StepLR(o, { stepSize: 1, lastEpoch: NaN }), 'StepLR: invalid lastEpoch NaN (must be an integer >= -1)');
  });

  it('OneCycleLR: divFactor 0, NaN rates and momenta throw before any group changes', () => {
    const total = { totalSteps: 10 };
    refused((o) => new OneCycleLR(o, { maxLr: 0.1, ...total, divFactor: 0 }), 'OneCycleLR: invalid divFactor 0 (must be a finite number > 0)');
    refused((o) => new OneCycleLR(o, { maxLr: 0.1, ...total, finalDivFactor: Infinity }), 'OneCycleLR: invalid finalDivFactor Infinity (must be a finite number > 0)');
    refused((o) => new OneCycleLR(o, { maxLr: NaN, ...total }), 'OneCycleLR: invalid maxLr NaN (must be a finite number >= 0)');
    refused((o) => new OneCycleLR(o, { maxLr: [0.1, Infinity], ...total }), 'OneCycleLR: invalid maxLr[1] Infinity (must be a finite number >= 0)');
    refused((o) => new OneCycleLR(o, { maxLr: 0.1, ...total, pctStart: NaN }), 'OneCycleLR: invalid pctStart NaN (must be between 0 and 1)');
    refused((o) => new OneCycleLR(o, { maxLr: 0.1, ...total, maxMomentum: NaN }), 'OneCycleLR: invalid maxMomentum NaN (must be a finite number >= 0)');
    refused((o) => new OneCycleLR(o, { maxLr: 0.1, ...total, threePhase: 'yes' as never }), "OneCycleLR: invalid threePhase 'yes' (must be true or false)");
    refused((o) => new OneCycleLR(o, { maxLr: 0.1, ...total, lastEpoch: 2.5 }), 'OneCycleLR: invalid lastEpoch 2.5 (must be an integer >= -1)');
    const adam = new Adam([param()], { lr: 0.1 });
    expect(() => new OneCycleLR(adam, { maxLr: 0.1, ...total, maxMomentum: 1 })).toThrow("OneCycleLR: invalid maxMomentum 1 (group 0: Adam's beta1 must be < 1)");
    expect(adam.paramGroups[0].betas).toEqual([0.9, 0.999]);
    expect(adam.paramGroups[0].initialLr).toBeUndefined();
  });

  it('a LambdaLR factor that is not a finite number throws naming the scheduler, the step and the value', () => {
    const opt = twoGroups();
    expect(() => new LambdaLR(opt, () => NaN)).toThrow(/^LambdaLR: at step 0 lrLambda 0 returned NaN, not a finite number$/);
    expect(opt.paramGroups.map((g) => g.lr)).toEqual(BASES);
    const s = new LambdaLR(opt, [(t) => 1 / (3 - t), (t) => (t === 2 ? ('x' as never) : 1)]);
    s.step();
    closeTo(opt.paramGroups[0].lr, 0.1 / 2);
    expect(() => s.step()).toThrow(/^LambdaLR: at step 2 lrLambda 1 returned string, not a finite number$/);
    // the failed step changed nothing: same rates, same step count
    expect(s.lastEpoch).toBe(1);
    closeTo(opt.paramGroups[0].lr, 0.1 / 2);
    expect(s.getLastLr()).toEqual(opt.paramGroups.map((g) => g.lr));
    const inf = new LambdaLR(twoGroups(), (t) => 1 / (2 - t));
    inf.step();
    expect(() => inf.step()).toThrow(/^LambdaLR: at step 2 lrLambda 0 returned Infinity, not a finite number$/);
  });

  it('a rate that overflows to Infinity is refused by every scheduler at the step it happens', () => {
    const opt = new SGD([param()], { lr: 1e300 });
    const s = new ExponentialLR(opt, { gamma: 1e10 });
    expect(() => s.step()).toThrow(/^ExponentialLR: step 1 gives parameter group 0 the learning rate Infinity, which is not a finite number$/);
    expect(opt.paramGroups[0].lr).toBe(1e300);
    expect(s.lastEpoch).toBe(0);
  });

  it('loadStateDict: null and keys named like Object.prototype members throw naming the scheduler', () => {
    const s = new StepLR(twoGroups(), { stepSize: 2 });
    let err: unknown;
    try { s.loadStateDict(null as never); } catch (e) { err = e; }
    expect(err).not.toBeInstanceOf(TypeError);
    expect((err as Error).message).toBe('StepLR.loadStateDict: expected an object of the scheduler\'s fields, got null');
    expect(() => s.loadStateDict({ constructor: 1 })).toThrow("StepLR.loadStateDict: unexpected key 'constructor'");
    expect(() => s.loadStateDict({ optimizer: 1 })).toThrow("StepLR.loadStateDict: unexpected key 'optimizer'");
    expect(s.constructor).toBe(StepLR);
  });
});

