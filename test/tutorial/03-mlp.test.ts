// Chapter 3's parts: the two-moons data (examples/tutorial/lib/a-moons.ts) and the exercise
// solutions (examples/tutorial/solutions/03-mlp.ts): bceWithLogits against hand values and the
// library's BCE-with-logits, sgdMomentumStep against optim.SGD({momentum}) step for step.

import { describe, expect, it } from 'vitest';
import { grad, manualSeed, nn, optim, randn, tensor, type Tensor } from '../../src/index.js';
import { makeMoons } from '../../examples/tutorial/lib/a-moons.js';
import { bceWithLogits, sgdMomentumStep } from '../../examples/tutorial/solutions/03-mlp.js';

const f64 = { dtype: 'float64' } as const;

describe('makeMoons', () => {
  it('puts n/2 points on each half circle (noise 0) with labels 0 then 1', () => {
    const { x, y } = makeMoons(6, 0);
    expect(x.shape).toEqual([6, 2]);
    const pts = x.toArray() as number[][];
    // θ = 0, π/2, π on the upper moon (cos θ, sin θ); the lower is (1 − cos θ, 0.5 − sin θ)
    const want = [[1, 0], [0, 1], [-1, 0], [0, 0.5], [1, -0.5], [2, 0.5]];
    pts.forEach((p, i) => { expect(p[0]).toBeCloseTo(want[i][0], 6); expect(p[1]).toBeCloseTo(want[i][1], 6); });
    expect(y.toArray()).toEqual([[0], [0], [0], [1], [1], [1]]);
  });

  it('draws the same noise after the same manualSeed and refuses an odd n', () => {
    manualSeed(5);
    const a = makeMoons(10, 0.2).x.dataSync();
    manualSeed(5);
    expect(Array.from(makeMoons(10, 0.2).x.dataSync())).toEqual(Array.from(a));
    expect(() => makeMoons(7)).toThrow('makeMoons: n must be an even integer >= 2, got 7');
  });
});

describe('bceWithLogits', () => {
  it('gives log 2 at z = 0 and stays finite at |z| = 1000', () => {
    expect(bceWithLogits(tensor([0], f64), tensor([1], f64)).item()).toBeCloseTo(Math.LN2, 12);
    expect(bceWithLogits(tensor([1000], f64), tensor([0], f64)).item()).toBe(1000);
    expect(bceWithLogits(tensor([-1000], f64), tensor([1], f64)).item()).toBe(1000);
    expect(bceWithLogits(tensor([1000], f64), tensor([1], f64)).item()).toBe(0);
    // z = 2, y = 1: log(1 + e^-2)
    expect(bceWithLogits(tensor([2], f64), tensor([1], f64)).item()).toBeCloseTo(Math.log1p(Math.exp(-2)), 12);
  });

  it("equals nn.functional.binaryCrossEntropyWithLogits, value and gradient", () => {
    manualSeed(6);
    const z = randn([8, 3], f64).mul(4).requiresGrad_();
    const y = randn([8, 3], f64).gt(0).double();
    const mine = bceWithLogits(z, y), lib = nn.functional.binaryCrossEntropyWithLogits(z, y);
    expect(Math.abs(mine.item() - lib.item())).toBeLessThan(1e-12);
    const [gMine] = grad(mine, z), [gLib] = grad(lib, z);
    expect(gMine.sub(gLib).abs().max().item()).toBeLessThan(1e-12);
  });

  it('refuses targets of another shape', () => {
    expect(() => bceWithLogits(tensor([1, 2]), tensor([1]))).toThrow('bceWithLogits: logits [2] and targets [1] differ in shape');
  });
});

describe('sgdMomentumStep', () => {
  it('follows optim.SGD({lr, momentum}) for 5 steps', () => {
    manualSeed(7);
    const target = randn([4, 3], f64);
    const p1 = randn([4, 3], { ...f64, requiresGrad: true });
    const p2 = p1.detach().clone().requiresGrad_();
    const opt = new optim.SGD([p2], { lr: 0.1, momentum: 0.9 });
    const bufs: (Tensor | null)[] = [null];
    for (let step = 0; step < 5; step++) {
      p1.grad = null;
      p1.sub(target).pow(2).sum().backward();
      sgdMomentumStep([p1], bufs, 0.1, 0.9);
      opt.zeroGrad();
      p2.sub(target).pow(2).sum().backward();
      opt.step();
      expect(p1.sub(p2).abs().max().item()).toBeLessThan(1e-12);
    }
  });

  it('one step by hand: p = 1, g = 2 (L = p²), lr 0.1, momentum 0.9 -> p = 0.8, then 0.8 − 0.1 (0.9·2 + 1.6) = 0.46', () => {
    const p = tensor([1], { ...f64, requiresGrad: true });
    const bufs: (Tensor | null)[] = [null];
    for (const want of [0.8, 0.46]) {
      p.grad = null;
      p.pow(2).sum().backward();
      sgdMomentumStep([p], bufs, 0.1, 0.9);
      expect(p.item()).toBeCloseTo(want, 12);
    }
  });

  it('refuses a buffer list of another length', () => {
    expect(() => sgdMomentumStep([tensor([1])], [], 0.1, 0.9)).toThrow('sgdMomentumStep: 1 parameters but 0 buffers');
  });
});
