// optimizer.test.ts — the Optimizer base: parameter groups (own lr and options, addParamGroup,
// mutable lr), params without gradients skipped, zeroGrad, stateDict/loadStateDict (layout,
// snapshot, bit-identical resume, dtype cast, errors), in-place updates keeping Parameter
// identity, step(closure), option validation errors, and SGD/Adam minimizing a quadratic with autograd.

import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '../../src/index.js';
import { Module, Parameter } from '../../src/layers/module.js';
import { Adagrad, Adam, AdamW, RMSprop, SGD, type Optimizer, type OptimizerStateDict } from '../../src/optim/index.js';
import { expectClose } from '../helpers/close.js';
import { adamRef, gradAt, INIT, SHAPE, sgdRef, type Vec } from './reference.js';

const f64 = (v: number[], shape = [v.length]): Tensor => tensor(v, { dtype: 'float64' }).reshape(shape);
const param = (v: number[] = INIT, shape = SHAPE): Tensor => f64(v, shape).detach().requiresGrad_(true);
const values = (t: Tensor): number[] => Array.from(t.dataSync());

describe('parameter groups', () => {
  it('each group steps with its own lr and options; unset options take the defaults', () => {
    const a = param();
    const b = param();
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.01, momentum: 0 }], { lr: 0.1, momentum: 0.9 });
    expect(opt.paramGroups.map((g) => [g.lr, g.momentum, g.dampening, g.nesterov])).toEqual([[0.1, 0.9, 0, false], [0.01, 0, 0, false]]);
    for (let t = 1; t <= 5; t++) {
      a.grad = f64(gradAt(t), SHAPE);
      b.grad = f64(gradAt(t), SHAPE);
      opt.step();
    }
    expectClose(values(a), sgdRef({ lr: 0.1, momentum: 0.9 }, 5)[4], 1e-13, 1e-13);
    expectClose(values(b), sgdRef({ lr: 0.01 }, 5)[4], 1e-13, 1e-13);
  });

  it('a group may give a single tensor as params', () => {
    const a = param();
    const opt = new Adam([{ params: a, lr: 0.5 }]);
    expect(opt.paramGroups[0].params).toEqual([a]);
    expect(opt.paramGroups[0].lr).toBe(0.5);
  });

  it('addParamGroup adds a group with defaults filled in; later steps update it', () => {
    const a = param();
    const b = param();
    const opt = new SGD([a], { lr: 0.1 });
    opt.addParamGroup({ params: [b], lr: 0.2 });
    expect(opt.paramGroups).toHaveLength(2);
    expect(opt.paramGroups[1].weightDecay).toBe(0);
    b.grad = f64([1, 1, 1, 1, 1, 1], SHAPE);
    opt.step();
    expectClose(values(b), INIT.map((v) => v - 0.2), 1e-15, 0);
    expect(values(a)).toEqual(INIT); // no grad: untouched
    expect(() => opt.addParamGroup({ params: [a] })).toThrow('SGD: some parameters appear in more than one parameter group');
  });

  it('group.lr is read at every step (schedulers set it)', () => {
    const a = param([1], [1]);
    const opt = new SGD([a], { lr: 0.1 });
    a.grad = f64([1]);
    opt.step();
    opt.paramGroups[0].lr = 0.5;
    opt.step();
    expectClose(values(a), [1 - 0.1 - 0.5], 1e-15, 0);
  });

  it('skips parameters whose grad is null (no update, no state)', () => {
    const a = param();
    const b = param();
    for (const opt of [new SGD([a, b], { lr: 0.1, momentum: 0.9 }), new Adam([a, b]), new RMSprop([a, b]), new AdamW([a, b])] as Optimizer<any, any>[]) {
      a.grad = f64(gradAt(1), SHAPE);
      b.grad = null;
      opt.step();
      expect(values(b)).toEqual(INIT);
      expect(opt.state.has(b)).toBe(false);
      expect(opt.state.has(a)).toBe(true);
    }
    const ada = new Adagrad([b]);
    b.grad = null;
    ada.step();
    expect(values(b)).toEqual(INIT);
    expect(ada.state.get(b)!.step).toBe(0);
  });
});

describe('zeroGrad', () => {
  it('sets every .grad to null (PyTorch\'s default set_to_none)', () => {
    const a = param();
    const b = param();
    const opt = new SGD([{ params: [a] }, { params: [b] }], { lr: 0.1 });
    a.grad = f64(gradAt(1), SHAPE);
    b.grad = f64(gradAt(2), SHAPE);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
    expect(b.grad).toBeNull();
  });
  it('zeroGrad(false) zeroes the gradient tensors in place', () => {
    const a = param();
    const g = f64(gradAt(1), SHAPE);
    a.grad = g;
    new SGD([a], { lr: 0.1 }).zeroGrad(false);
    expect(a.grad).toBe(g);
    expect(values(g)).toEqual([0, 0, 0, 0, 0, 0]);
  });
  it('after zeroGrad a backward pass gives a fresh gradient, not an accumulated one', () => {
    const a = param([2], [1]);
    const opt = new SGD([a], { lr: 0.1 });
    a.mul(a).sum().backward();
    opt.zeroGrad();
    a.mul(3).sum().backward();
    expect(values(a.grad!)).toEqual([3]);
  });
});

describe('stateDict / loadStateDict', () => {
  it('has PyTorch\'s layout: state by parameter index, groups with params as indices', () => {
    const a = param();
    const b = param();
    const c = param();
    const opt = new Adam([{ params: [a] }, { params: [b, c], lr: 0.01 }]);
    a.grad = f64(gradAt(1), SHAPE);
    c.grad = f64(gradAt(1), SHAPE);
    opt.step();
    const sd = opt.stateDict();
    expect(Object.keys(sd.state)).toEqual(['0', '2']); // b had no grad, so no state
    expect(Object.keys(sd.state[0]).sort()).toEqual(['exp_avg', 'exp_avg_sq', 'step']);
    expect(sd.state[2].step).toBe(1);
    expect(sd.paramGroups).toEqual([
      { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, decoupledWeightDecay: false, params: [0] },
      { lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, decoupledWeightDecay: false, params: [1, 2] },
    ]);
  });

  it('is a snapshot: stepping on does not change a saved state dict', () => {
    const a = param();
    const opt = new SGD([a], { lr: 0.1, momentum: 0.9 });
    a.grad = f64(gradAt(1), SHAPE);
    opt.step();
    const sd = opt.stateDict();
    const saved = values(sd.state[0].momentum_buffer as Tensor);
    opt.step();
    opt.paramGroups[0].lr = 1;
    expect(values(sd.state[0].momentum_buffer as Tensor)).toEqual(saved);
    expect(sd.paramGroups[0].lr).toBe(0.1);
  });

  const N = 4;
  const M = 5;
  const resumeCases: [string, (ps: Tensor[]) => Optimizer<any, any>][] = [
    ['SGD nesterov + weightDecay', (ps) => new SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
    ['Adam amsgrad', (ps) => new Adam(ps, { lr: 0.05, amsgrad: true })],
    ['AdamW', (ps) => new AdamW(ps, { lr: 0.05, weightDecay: 0.1 })],
    ['RMSprop centered + momentum', (ps) => new RMSprop(ps, { centered: true, momentum: 0.9 })],
    ['Adagrad lrDecay', (ps) => new Adagrad(ps, { lr: 0.3, lrDecay: 0.2, initialAccumulatorValue: 0.1 })],
  ];
  for (const [name, make] of resumeCases) {
    it(`${name}: N steps, save, M more steps == fresh optimizer loaded from the save, M steps (bit-identical)`, () => {
      const a = param();
      const b = param([0.3, -0.7], [2]);
      const opt = make([a, b]);
      const feed = (t: number): void => {
        a.grad = f64(gradAt(t), SHAPE);
        b.grad = f64(gradAt(t + 10).slice(0, 2), [2]);
      };
      for (let t = 1; t <= N; t++) { feed(t); opt.step(); }
      opt.paramGroups[0].lr *= 0.5; // as a scheduler would; must travel with the state dict
      const sd = opt.stateDict();
      const [a0, b0] = [values(a), values(b)];
      for (let t = N + 1; t <= N + M; t++) { feed(t); opt.step(); }

      const a2 = param(a0, SHAPE);
      const b2 = param(b0, [2]);
      const opt2 = make([a2, b2]);
      opt2.loadStateDict(sd);
      expect(opt2.paramGroups[0].lr).toBe(opt.paramGroups[0].lr);
      for (let t = N + 1; t <= N + M; t++) {
        a2.grad = f64(gradAt(t), SHAPE);
        b2.grad = f64(gradAt(t + 10).slice(0, 2), [2]);
        opt2.step();
      }
      expect(values(a2)).toEqual(values(a));
      expect(values(b2)).toEqual(values(b));
      // and a fresh optimizer without the state does not (the test has teeth)
      const a3 = param(a0, SHAPE);
      const opt3 = make([a3, param(b0, [2])]);
      opt3.paramGroups[0].lr = opt.paramGroups[0].lr;
      for (let t = N + 1; t <= N + M; t++) { a3.grad = f64(gradAt(t), SHAPE); opt3.step(); }
      expect(values(a3)).not.toEqual(values(a));
    });
  }

  it('loaded state tensors are copies, cast to the parameter\'s dtype', () => {
    const a = param();
    const opt = new Adam([a]);
    a.grad = f64(gradAt(1), SHAPE);
    opt.step();
    const sd = opt.stateDict();
    const p32 = tensor(INIT, { requiresGrad: true });
    const opt32 = new Adam([p32.reshape(SHAPE).detach().requiresGrad_(true)]);
    opt32.loadStateDict(sd);
    const s = [...opt32.state.values()][0];
    expect(s.exp_avg.dtype).toBe('float32');
    expect(s.step).toBe(1);
    expectClose(s.exp_avg, values(sd.state[0].exp_avg as Tensor), 1e-7, 1e-6);
    expect(s.exp_avg).not.toBe(sd.state[0].exp_avg);
  });

  it('throws on a state dict that does not fit', () => {
    const a = param();
    const opt = new SGD([a], { lr: 0.1, momentum: 0.9 });
    a.grad = f64(gradAt(1), SHAPE);
    opt.step();
    const sd = opt.stateDict();
    expect(() => new SGD([{ params: [param()] }, { params: [param()] }], { lr: 0.1 }).loadStateDict(sd))
      .toThrow('SGD.loadStateDict: loaded state dict has 1 parameter groups, the optimizer has 2');
    expect(() => new SGD([param(), param()], { lr: 0.1 }).loadStateDict(sd))
      .toThrow('SGD.loadStateDict: parameter group 0 has 1 parameters in the state dict, 2 in the optimizer');
    expect(() => new SGD([param([1, 2], [2])], { lr: 0.1 }).loadStateDict(sd))
      .toThrow("SGD.loadStateDict: state 'momentum_buffer' of parameter 0 has shape [2,3], the parameter has [2]");
    expect(() => new SGD([param()], { lr: 0.1 }).loadStateDict({ ...sd, state: { 5: {} } }))
      .toThrow('SGD.loadStateDict: state for parameter index 5, which no parameter group lists');
  });

  it('throws a plain Error (not a TypeError) naming the part on null and malformed state dicts, and changes nothing', () => {
    const a = param();
    const opt = new SGD([a], { lr: 0.1, momentum: 0.9 });
    a.grad = f64(gradAt(1), SHAPE);
    opt.step();
    const sd = opt.stateDict();
    const before = opt.stateDict();
    const bad: [unknown, string][] = [
      [null, 'SGD.loadStateDict: expected {state, paramGroups}, got null'],
      [[], 'SGD.loadStateDict: expected {state, paramGroups}, got an array'],
      [{ paramGroups: sd.paramGroups, state: null }, 'SGD.loadStateDict: expected {state, paramGroups}, got object'],
      [{ ...sd, paramGroups: [null] }, 'SGD.loadStateDict: parameter group 0 is null, expected {params, ...options}'],
      [{ ...sd, paramGroups: [{ ...sd.paramGroups[0], params: null }] }, 'SGD.loadStateDict: parameter group 0 has null parameters in the state dict, 1 in the optimizer'],
      [{ ...sd, paramGroups: [{ ...sd.paramGroups[0], params: [-1] }] }, 'SGD.loadStateDict: parameter group 0 lists parameter index -1, expected a new non-negative integer'],
      [{ ...sd, state: { 0: null } }, 'SGD.loadStateDict: state of parameter 0 is null, expected an object of tensors and numbers'],
      [{ ...sd, state: { 0: { momentum_buffer: null } } }, "SGD.loadStateDict: state 'momentum_buffer' of parameter 0 is null, expected a Tensor or a finite number"],
      [{ ...sd, state: { 0: { step: NaN } } }, "SGD.loadStateDict: state 'step' of parameter 0 is NaN, expected a Tensor or a finite number"],
      [{ ...sd, paramGroups: [{ ...sd.paramGroups[0], lr: NaN }] }, 'SGD: invalid lr NaN (must be a finite number >= 0)'],
    ];
    for (const [x, msg] of bad) {
      let err: unknown;
      try { opt.loadStateDict(x as OptimizerStateDict); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(TypeError);
      expect((err as Error).message).toBe(msg);
    }
    const after = opt.stateDict();
    expect(after.paramGroups).toEqual(before.paramGroups);
    expect((after.state[0].momentum_buffer as Tensor).toArray()).toEqual((before.state[0].momentum_buffer as Tensor).toArray());
  });

  it('unknown or prototype-named options and a null options object throw naming the optimizer', () => {
    expect(() => new SGD([param()], { lr: 0.1, constructor: 1 } as never)).toThrow("SGD: unknown option 'constructor' (options are lr, momentum, dampening, weightDecay, nesterov, maximize)");
    expect(() => new Adam([param()], null as never)).toThrow('Adam: expected an options object, got null');
    expect(() => new Adam([param()], { lr: Infinity })).toThrow('Adam: invalid lr Infinity (must be a finite number >= 0)');
  });
});

describe('updates in place', () => {
  class Affine extends Module {
    weight = this.registerParameter('weight', new Parameter(tensor([[1, 2], [3, 4]])));
    bias = this.registerParameter('bias', new Parameter(tensor([0.5, -0.5])));
    forward(x: Tensor): Tensor { return x.matmul(this.weight.t()).add(this.bias); }
  }

  it('keeps the Parameter objects registered in a module (their storage changes)', () => {
    const m = new Affine();
    const w = m.weight;
    const opt = new Adam(m.parameters(), { lr: 0.1 });
    for (let i = 0; i < 3; i++) {
      opt.zeroGrad();
      m.forward(tensor([[1, -1]])).sum().backward();
      opt.step();
    }
    expect(m.weight).toBe(w);
    expect(m.parameters()[0]).toBe(w);
    expect(m.weight.requiresGrad).toBe(true);
    expect(m.weight.isLeaf).toBe(true);
    // d(sum)/dW = [[1, -1], [1, -1]]: Adam moves each weight by ≈ lr against the gradient's sign
    expectClose(m.stateDict().weight, [[0.7, 2.3], [2.7, 4.3]], 1e-5, 1e-5);
    expectClose(m.bias, [0.2, -0.8], 1e-5, 1e-5);
  });

  it('step(closure) evaluates the closure with grad enabled and returns its loss', () => {
    const a = param([3], [1]);
    const opt = new SGD([a], { lr: 0.25 });
    const loss = opt.step(() => {
      opt.zeroGrad();
      const l = a.mul(a).sum();
      l.backward();
      return l;
    });
    expect(loss!.item()).toBe(9);
    expect(values(a)).toEqual([3 - 0.25 * 6]);
    expect(opt.step()).toBeUndefined();
  });
});

describe('option validation', () => {
  const p = param();
  const cases: [string, () => unknown, string][] = [
    ['SGD without lr', () => new SGD([p]), "SGD: option 'lr' is required"],
    ['SGD lr < 0', () => new SGD([p], { lr: -1 }), 'SGD: invalid lr -1 (must be a finite number >= 0)'],
    ['SGD lr NaN', () => new SGD([p], { lr: NaN }), 'SGD: invalid lr NaN'],
    ['SGD momentum < 0', () => new SGD([p], { lr: 0.1, momentum: -0.5 }), 'SGD: invalid momentum -0.5'],
    ['SGD weightDecay < 0', () => new SGD([p], { lr: 0.1, weightDecay: -1 }), 'SGD: invalid weightDecay -1'],
    ['SGD nesterov without momentum', () => new SGD([p], { lr: 0.1, nesterov: true }), 'SGD: Nesterov momentum requires a momentum > 0 and zero dampening'],
    ['SGD nesterov with dampening', () => new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), 'SGD: Nesterov momentum requires'],
    ['SGD bad lr in a group', () => new SGD([{ params: [p], lr: -0.1 }], { lr: 0.1 }), 'SGD: invalid lr -0.1'],
    ['SGD group without lr and no default', () => new SGD([{ params: [p] }]), "SGD: option 'lr' is required"],
    ['SGD snake_case option', () => new SGD([p], { lr: 0.1, weight_decay: 0.1 } as never), "SGD: unknown option 'weight_decay'"],
    ['empty params', () => new SGD([], { lr: 0.1 }), 'SGD: optimizer got an empty parameter list'],
    ['a bare tensor', () => new SGD(p as never, { lr: 0.1 }), 'SGD: params must be an array of Tensors or of parameter groups'],
    ['a non-tensor param', () => new SGD([{ params: [p, 3 as never] }], { lr: 0.1 }), 'SGD: params[1] is number, expected a Tensor'],
    ['duplicate param', () => new SGD([p, p], { lr: 0.1 }), 'SGD: a parameter group contains the same parameter more than once'],
    ['overlapping groups', () => new SGD([{ params: [p] }, { params: [p] }], { lr: 0.1 }), 'SGD: some parameters appear in more than one parameter group'],
    ['non-leaf', () => new SGD([p.mul(2)], { lr: 0.1 }), "SGD: can't optimize a non-leaf Tensor"],
    ['Adam lr < 0', () => new Adam([p], { lr: -1 }), 'Adam: invalid lr -1'],
    ['Adam eps < 0', () => new Adam([p], { eps: -1e-8 }), 'Adam: invalid eps -1e-8'],
    ['Adam beta1 = 1', () => new Adam([p], { betas: [1, 0.999] }), 'Adam: invalid beta parameter at index 0: 1 (must be in [0, 1))'],
    ['Adam beta2 < 0', () => new Adam([p], { betas: [0.9, -0.1] }), 'Adam: invalid beta parameter at index 1: -0.1'],
    ['Adam betas not a pair', () => new Adam([p], { betas: [0.9] as never }), 'Adam: invalid betas [0.9] (must be a pair [beta1, beta2])'],
    ['Adam weightDecay < 0', () => new Adam([p], { weightDecay: -1 }), 'Adam: invalid weightDecay -1'],
    ['AdamW beta1 > 1', () => new AdamW([p], { betas: [1.5, 0.9] }), 'AdamW: invalid beta parameter at index 0: 1.5'],
    ['AdamW unknown option', () => new AdamW([p], { momentum: 0.9 } as never), "AdamW: unknown option 'momentum'"],
    ['RMSprop alpha < 0', () => new RMSprop([p], { alpha: -0.1 }), 'RMSprop: invalid alpha -0.1'],
    ['RMSprop momentum < 0', () => new RMSprop([p], { momentum: -1 }), 'RMSprop: invalid momentum -1'],
    ['RMSprop eps < 0', () => new RMSprop([p], { eps: -1 }), 'RMSprop: invalid eps -1'],
    ['RMSprop lr < 0', () => new RMSprop([p], { lr: -1 }), 'RMSprop: invalid lr -1'],
    ['RMSprop weightDecay < 0', () => new RMSprop([p], { weightDecay: -1 }), 'RMSprop: invalid weightDecay -1'],
    ['Adagrad lrDecay < 0', () => new Adagrad([p], { lrDecay: -1 }), 'Adagrad: invalid lrDecay -1'],
    ['Adagrad initialAccumulatorValue < 0', () => new Adagrad([p], { initialAccumulatorValue: -1 }), 'Adagrad: invalid initialAccumulatorValue -1'],
    ['Adagrad eps < 0', () => new Adagrad([p], { eps: -1 }), 'Adagrad: invalid eps -1'],
    ['Adagrad weightDecay < 0', () => new Adagrad([p], { weightDecay: -1 }), 'Adagrad: invalid weightDecay -1'],
  ];
  for (const [name, fn, msg] of cases) it(name, () => expect(fn).toThrow(msg));

  it('defaults are PyTorch\'s', () => {
    const d = (o: Optimizer<any, any>): unknown => o.defaults;
    expect(d(new SGD([p], { lr: 0.1 }))).toEqual({ lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false });
    expect(d(new Adam([p]))).toEqual({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, decoupledWeightDecay: false });
    expect(d(new AdamW([p]))).toEqual({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false, decoupledWeightDecay: true });
    expect(d(new RMSprop([p]))).toEqual({ lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false });
    expect(d(new Adagrad([p]))).toEqual({ lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false });
  });
});

describe('minimizing a quadratic with autograd', () => {
  // loss(θ) = Σ (θ - 1)²,  ∇ = 2 (θ - 1)
  const lossOf = (p: Tensor): Tensor => p.sub(1).pow(2).sum();
  const loss0 = INIT.reduce((s, v) => s + (v - 1) ** 2, 0);

  it('SGD: each step scales θ - 1 by (1 - 2 lr), so loss_t = (1 - 2 lr)^(2t) loss_0', () => {
    const p = param();
    const opt = new SGD([p], { lr: 0.1 });
    const losses: number[] = [];
    for (let t = 0; t < 20; t++) {
      opt.zeroGrad();
      const l = lossOf(p);
      losses.push(l.item());
      l.backward();
      opt.step();
    }
    losses.forEach((l, t) => expect(l).toBeCloseTo(loss0 * 0.8 ** (2 * t), 12));
    expect(lossOf(p).item()).toBeCloseTo(loss0 * 0.8 ** 40, 12); // ≈ 1.3e-4 loss_0
  });

  it('Adam: follows the reference update on the autograd gradient and drives the loss down', () => {
    const p = param();
    const opt = new Adam([p], { lr: 0.1 });
    for (let t = 0; t < 60; t++) {
      opt.zeroGrad();
      lossOf(p).backward();
      opt.step();
    }
    const ref: Vec = adamRef({ lr: 0.1 }, 60, (theta) => theta.map((v) => 2 * (v - 1)))[59];
    expectClose(values(p), ref, 1e-12, 1e-12);
    const final = lossOf(p).item();
    expect(final).toBeLessThan(0.01 * loss0);
  });
});
