// adam-fused.test.ts — the fused Adam/AdamW step (Backend.adamStep, autograd/ops/optim.ts's
// adamStep) against the same update composed from tensor ops (optim/adam.ts's adamStepComposed)
// on every backend: parameter and every state tensor after each of several steps, for every
// option combination, float32 and float64 — bit for bit on the cpu backend (the kernel rounds
// each operation as the composition does), within float32 tolerance elsewhere; when the
// fused step declines (views, mixed dtypes) and Adam falls back; the bad-input error.
// (An optimizer step has no gradient, so there is no gradcheck here; optimizers.test.ts holds
// both paths to PyTorch's algorithm.)

import { afterEach, expect, it, vi } from 'vitest';
import { noGrad, tensor, type Tensor } from '../../src/index.js';
import { Adam, AdamW } from '../../src/optim/index.js';
import { adamStepComposed } from '../../src/optim/adam.js';
import { adamStep, type AdamHyper, type AdamStateTensors } from '../../src/autograd/ops/optim.js';
import { backendOf, describeEachBackend } from '../helpers/backends.js';
import { expectCloseScaled } from '../helpers/crosscheck.js';
import { rngFor } from '../helpers/reference.js';

type DT = 'float32' | 'float64';
const values = (n: number, tag: string): number[] => {
  const r = rngFor(tag);
  return Array.from({ length: n }, () => 2 * r() - 1);
};

const OPTIONS: [string, Omit<AdamHyper, 'step'>, boolean][] = [
  ['Adam defaults', { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, maximize: false }, false],
  ['Adam, L2 weight decay', { lr: 0.05, beta1: 0.8, beta2: 0.9, eps: 1e-8, weightDecay: 0.1, decoupled: false, maximize: false }, false],
  ['AdamW', { lr: 0.02, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2, decoupled: true, maximize: false }, false],
  ['amsgrad', { lr: 0.05, beta1: 0.9, beta2: 0.99, eps: 1e-6, weightDecay: 0, decoupled: false, maximize: false }, true],
  ['AdamW + amsgrad + maximize, large eps', { lr: 0.03, beta1: 0.5, beta2: 0.7, eps: 0.1, weightDecay: 0.3, decoupled: true, maximize: true }, true],
];

describeEachBackend('Adam: fused step vs composed', (bc) => {
  const dtypes: DT[] = bc.float64 ? ['float32', 'float64'] : ['float32'];
  afterEach(() => vi.restoreAllMocks());

  /** A parameter [3,5] and its state; `fresh` gives the same starting values every time. */
  const fresh = (dtype: DT, amsgrad: boolean): { p: Tensor; st: AdamStateTensors } => {
    const t = (tag: string, scale = 1): Tensor => tensor(values(15, tag).map((v) => v * scale), { shape: [3, 5], dtype });
    return { p: t('p'), st: { exp_avg: t('m', 0.1), exp_avg_sq: t('v', 0.01).abs(), max_exp_avg_sq: amsgrad ? t('v', 0.02).abs() : null } };
  };
  const snapshot = (p: Tensor, st: AdamStateTensors): Float64Array[] =>
    [p, st.exp_avg, st.exp_avg_sq, ...(st.max_exp_avg_sq ? [st.max_exp_avg_sq] : [])].map((x) => Float64Array.from(x.dataSync()));

  for (const dtype of dtypes) {
    for (const [name, h, amsgrad] of OPTIONS) {
      it(`${name} (${dtype}): θ, exp_avg, exp_avg_sq${amsgrad ? ', max_exp_avg_sq' : ''} after each of 6 steps`, () => {
        const a = fresh(dtype, amsgrad), b = fresh(dtype, amsgrad);
        for (let step = 1; step <= 6; step++) {
          const g = tensor(values(15, `g${step}`).map((v) => 3 * v), { shape: [3, 5], dtype });
          noGrad(() => {
            expect(adamStep(a.p, g, a.st, { ...h, step })).toBe(true);
            adamStepComposed(b.p, g, b.st, { ...h, step });
          });
          const [fa, fb] = [snapshot(a.p, a.st), snapshot(b.p, b.st)];
          fa.forEach((x, i) => {
            if (bc.name === 'cpu') expect(Array.from(x), `tensor ${i} at step ${step}`).toEqual(Array.from(fb[i]));
            else expectCloseScaled(x, fb[i], bc.tol, `tensor ${i} at step ${step}`);
          });
        }
        expect(Math.max(...snapshot(a.p, a.st)[0].map((v, i) => Math.abs(v - fresh(dtype, amsgrad).p.dataSync()[i])))).toBeGreaterThan(1e-4);
      });
    }
  }

  it('declines (and changes nothing) for a non-contiguous parameter or a gradient of another dtype', () => {
    const { p, st } = fresh('float32', false);
    const h: AdamHyper = { ...OPTIONS[0][1], step: 1 };
    const before = snapshot(p, st);
    expect(adamStep(p.t(), tensor(values(15, 'gt'), { shape: [5, 3] }), { exp_avg: st.exp_avg.t(), exp_avg_sq: st.exp_avg_sq.t() }, h)).toBe(false);
    if (bc.float64) expect(adamStep(p, tensor(values(15, 'gd'), { shape: [3, 5], dtype: 'float64' }), st, h)).toBe(false);
    expect(snapshot(p, st)).toEqual(before);
  });

  it('Adam and AdamW run the kernel for contiguous parameters and compose for views, with equal results', () => {
    const spy = vi.spyOn(backendOf(bc), 'adamStep');
    const run = (view: boolean, make: (ps: Tensor[]) => Adam): Float64Array => {
      const base = tensor(values(15, 'opt'), { shape: [3, 5] });
      const p = (view ? base.t().contiguous().t() : base).requiresGrad_(); // the same values; a non-contiguous leaf for `view`
      const opt = make([p]);
      for (let step = 1; step <= 4; step++) {
        p.grad = tensor(values(15, `og${step}`), { shape: [3, 5] });
        opt.step();
      }
      return Float64Array.from(p.dataSync());
    };
    for (const make of [(ps: Tensor[]) => new Adam(ps, { lr: 0.05, amsgrad: true }), (ps: Tensor[]) => new AdamW(ps, { lr: 0.05, maximize: true })]) {
      spy.mockClear();
      const fused = run(false, make);
      expect(spy).toHaveBeenCalledTimes(4);
      const comp = run(true, make);
      expect(spy).toHaveBeenCalledTimes(4);
      expectCloseScaled(fused, comp, bc.tol, 'parameters');
    }
  });

  it('names the op and the shapes on a shape mismatch; refuses to update a parameter outside noGrad', () => {
    const { p, st } = fresh('float32', false);
    expect(() => adamStep(p, tensor(values(15, 'bad'), { shape: [5, 3] }), st, { ...OPTIONS[0][1], step: 1 }))
      .toThrow('adamStep: parameter [3,5] and a gradient or state tensor of shape [5,3] must have the same shape');
    p.requiresGrad_();
    expect(() => adamStep(p, tensor(values(15, 'g'), { shape: [3, 5] }), st, { ...OPTIONS[0][1], step: 1 }))
      .toThrow('adamStep: a parameter that requires grad is being updated in place; wrap the step in noGrad()');
  });
});
