// optimizers.test.ts — every optimizer and option combination stepped on float64 parameters with
// fixed synthetic gradients (p.grad set directly), checked after every step against the float64
// reference of PyTorch's algorithm in reference.ts; float32 parameters keep float32 state.

import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '../../src/index.js';
import { Adagrad, Adam, AdamW, RMSprop, SGD, type Optimizer } from '../../src/optim/index.js';
import { expectClose } from '../helpers/close.js';
import { adagradRef, adamRef, gradAt, INIT, rmspropRef, SHAPE, sgdRef, type Vec } from './reference.js';

const STEPS = 7;

/** Steps an optimizer built over one [2,3] parameter with gradAt(t); returns θ after each step. */
function run(make: (params: Tensor[]) => Optimizer<any, any>, dtype: 'float64' | 'float32' = 'float64', steps = STEPS): { traj: Vec[]; p: Tensor; opt: Optimizer<any, any> } {
  const p = tensor(INIT, { dtype, requiresGrad: true }).reshape(SHAPE).detach().requiresGrad_(true);
  const opt = make([p]);
  const traj: Vec[] = [];
  for (let t = 1; t <= steps; t++) {
    p.grad = tensor(gradAt(t), { dtype }).reshape(SHAPE);
    opt.step();
    traj.push(Array.from(p.dataSync()));
  }
  return { traj, p, opt };
}

function expectTrajectory(actual: Vec[], expected: Vec[], tol = 1e-13): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, t) => expectClose(a, expected[t], tol, tol));
  // the parameters really moved (no option combination is a no-op)
  expect(Math.max(...actual[actual.length - 1].map((v, i) => Math.abs(v - INIT[i])))).toBeGreaterThan(1e-4);
}

describe('SGD matches PyTorch\'s algorithm', () => {
  const cases: [string, Parameters<typeof sgdRef>[0]][] = [
    ['plain', { lr: 0.1 }],
    ['momentum', { lr: 0.1, momentum: 0.9 }],
    ['momentum + dampening', { lr: 0.1, momentum: 0.9, dampening: 0.3 }],
    ['nesterov', { lr: 0.05, momentum: 0.8, nesterov: true }],
    ['weightDecay', { lr: 0.1, weightDecay: 0.2 }],
    ['momentum + weightDecay', { lr: 0.1, momentum: 0.5, weightDecay: 0.01 }],
    ['maximize', { lr: 0.1, maximize: true }],
    ['nesterov + weightDecay + maximize', { lr: 0.03, momentum: 0.9, nesterov: true, weightDecay: 0.05, maximize: true }],
  ];
  for (const [name, o] of cases) {
    it(name, () => {
      const { traj } = run((ps) => new SGD(ps, o));
      expectTrajectory(traj, sgdRef(o, STEPS));
    });
  }

  it('stores momentum_buffer only when momentum != 0 (and no step count)', () => {
    expect(run((ps) => new SGD(ps, { lr: 0.1 })).opt.state.size).toBe(0);
    const { opt, p } = run((ps) => new SGD(ps, { lr: 0.1, momentum: 0.9 }));
    expect(Object.keys(opt.state.get(p))).toEqual(['momentum_buffer']);
  });
});

describe('Adam and AdamW match PyTorch\'s algorithm', () => {
  const cases: [string, Parameters<typeof adamRef>[0]][] = [
    ['defaults', {}],
    ['lr and betas', { lr: 0.05, betas: [0.8, 0.9] }],
    ['weightDecay (L2 in the gradient)', { lr: 0.05, weightDecay: 0.1 }],
    ['amsgrad', { lr: 0.05, amsgrad: true }],
    ['maximize', { lr: 0.05, maximize: true }],
    ['eps', { lr: 0.05, eps: 0.1 }],
    ['amsgrad + weightDecay + maximize', { lr: 0.02, amsgrad: true, weightDecay: 0.3, maximize: true, betas: [0.5, 0.7] }],
  ];
  for (const [name, o] of cases) {
    it(`Adam: ${name}`, () => {
      const { traj } = run((ps) => new Adam(ps, o));
      expectTrajectory(traj, adamRef(o, STEPS));
    });
  }

  it('AdamW defaults: weightDecay 1e-2, decoupled θ ← θ (1 - lr λ)', () => {
    const { traj, opt } = run((ps) => new AdamW(ps, { lr: 0.05 }));
    expect(opt.paramGroups[0].weightDecay).toBe(1e-2);
    expectTrajectory(traj, adamRef({ lr: 0.05, weightDecay: 1e-2, decoupled: true }, STEPS));
  });
  it('AdamW: large weightDecay + amsgrad + maximize differs from Adam\'s L2 form', () => {
    const o = { lr: 0.05, weightDecay: 0.5, amsgrad: true, maximize: true };
    const { traj } = run((ps) => new AdamW(ps, o));
    expectTrajectory(traj, adamRef({ ...o, decoupled: true }, STEPS));
    const l2 = adamRef(o, STEPS);
    expect(Math.abs(traj[STEPS - 1][0] - l2[STEPS - 1][0])).toBeGreaterThan(1e-4);
  });
  it('Adam with decoupledWeightDecay: true is AdamW', () => {
    const o = { lr: 0.05, weightDecay: 0.2 };
    const a = run((ps) => new Adam(ps, { ...o, decoupledWeightDecay: true })).traj;
    const w = run((ps) => new AdamW(ps, o)).traj;
    expect(a).toEqual(w);
  });

  it('keeps state step, exp_avg, exp_avg_sq (+ max_exp_avg_sq with amsgrad)', () => {
    const { opt, p } = run((ps) => new Adam(ps, { amsgrad: true }), 'float64', 3);
    const s = opt.state.get(p);
    expect(Object.keys(s).sort()).toEqual(['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq', 'step']);
    expect(s.step).toBe(3);
    // exp_avg after 3 steps = Σ (1-β1) β1^(3-t) g_t
    const m = INIT.map((_, i) => [1, 2, 3].reduce((acc, t) => acc * 0.9 + gradAt(t)[i] * (1 - 0.9), 0));
    expectClose(s.exp_avg, m, 1e-15, 1e-13);
  });
});

describe('RMSprop matches PyTorch\'s algorithm', () => {
  const cases: [string, Parameters<typeof rmspropRef>[0]][] = [
    ['defaults', {}],
    ['alpha and eps', { alpha: 0.9, eps: 1e-3 }],
    ['momentum', { momentum: 0.9 }],
    ['centered', { centered: true, alpha: 0.8 }],
    ['centered + momentum', { centered: true, momentum: 0.5 }],
    ['weightDecay', { weightDecay: 0.1 }],
    ['maximize + weightDecay + momentum + centered', { maximize: true, weightDecay: 0.1, momentum: 0.3, centered: true, lr: 0.003 }],
  ];
  for (const [name, o] of cases) {
    it(name, () => {
      const { traj } = run((ps) => new RMSprop(ps, o));
      expectTrajectory(traj, rmspropRef(o, STEPS));
    });
  }
  it('keeps step, square_avg, momentum_buffer (momentum > 0), grad_avg (centered)', () => {
    expect(Object.keys(run((ps) => new RMSprop(ps)).opt.state.values().next().value).sort()).toEqual(['square_avg', 'step']);
    const { opt, p } = run((ps) => new RMSprop(ps, { momentum: 0.9, centered: true }));
    expect(Object.keys(opt.state.get(p)).sort()).toEqual(['grad_avg', 'momentum_buffer', 'square_avg', 'step']);
  });
});

describe('Adagrad matches PyTorch\'s algorithm', () => {
  const cases: [string, Parameters<typeof adagradRef>[0]][] = [
    ['defaults', {}],
    ['lr', { lr: 0.5 }],
    ['lrDecay: clr = lr / (1 + (t - 1) lrDecay)', { lr: 0.5, lrDecay: 0.3 }],
    ['initialAccumulatorValue', { lr: 0.5, initialAccumulatorValue: 0.4 }],
    ['weightDecay', { lr: 0.5, weightDecay: 0.2 }],
    ['eps', { lr: 0.5, eps: 0.01 }],
    ['maximize + everything', { lr: 0.2, lrDecay: 0.1, weightDecay: 0.05, initialAccumulatorValue: 0.1, eps: 1e-3, maximize: true }],
  ];
  for (const [name, o] of cases) {
    it(name, () => {
      const { traj } = run((ps) => new Adagrad(ps, o));
      expectTrajectory(traj, adagradRef(o, STEPS));
    });
  }
  it('creates state {step: 0, sum: initialAccumulatorValue} when constructed, as PyTorch', () => {
    const p = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const opt = new Adagrad([p], { initialAccumulatorValue: 0.25 });
    const s = opt.state.get(p)!;
    expect(s.step).toBe(0);
    expect(s.sum.toArray()).toEqual([0.25, 0.25]);
    expect(s.sum.dtype).toBe('float64');
  });
});

describe('float32 parameters', () => {
  const makers: [string, (ps: Tensor[]) => Optimizer<any, any>, Vec[]][] = [
    ['SGD', (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9 }), sgdRef({ lr: 0.1, momentum: 0.9 }, STEPS)],
    ['Adam', (ps) => new Adam(ps, { lr: 0.05, amsgrad: true }), adamRef({ lr: 0.05, amsgrad: true }, STEPS)],
    ['AdamW', (ps) => new AdamW(ps, { lr: 0.05 }), adamRef({ lr: 0.05, weightDecay: 1e-2, decoupled: true }, STEPS)],
    ['RMSprop', (ps) => new RMSprop(ps, { centered: true, momentum: 0.5 }), rmspropRef({ centered: true, momentum: 0.5 }, STEPS)],
    ['Adagrad', (ps) => new Adagrad(ps, { lr: 0.5, lrDecay: 0.1 }), adagradRef({ lr: 0.5, lrDecay: 0.1 }, STEPS)],
  ];
  for (const [name, make, ref] of makers) {
    it(`${name}: state stays float32 and the result is within float32 rounding of the float64 reference`, () => {
      const { traj, opt, p } = run(make, 'float32');
      expect(p.dtype).toBe('float32');
      for (const s of opt.state.values()) {
        for (const v of Object.values(s)) if (typeof v !== 'number') expect((v as Tensor).dtype).toBe('float32');
      }
      traj.forEach((a, t) => expectClose(a, ref[t], 2e-5, 2e-5));
    });
  }
});
