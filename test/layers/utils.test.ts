// utils.test.ts — nn.utils.clipGradNorm (2-norm, 1-norm and Infinity norm over all gradients,
// the returned total norm, scaling by maxNorm / (total + 1e-6) only when above maxNorm, NaN
// handling, parameters without grad) and clipGradValue, against hand-computed numbers.
// On every backend, in float64 where it has it and float32 (to its tolerance) otherwise.

import { expect, it } from 'vitest';
import { manualSeed, randn, tensor, type Tensor } from '../../src/index.js';
import { clipGradNorm, clipGradValue } from '../../src/layers/utils.js';
import { Linear } from '../../src/layers/linear.js';
import { expectClose } from '../helpers/close.js';
import { describeEachBackend, type BackendCase } from '../helpers/backends.js';

/** A leaf with a given .grad. */
function withGrad(values: number[], grad: number[], dtype: 'float32' | 'float64' = 'float64'): Tensor {
  const p = tensor(values, { dtype, requiresGrad: true });
  p.grad = tensor(grad, { dtype });
  return p;
}

/** A case's widest float dtype, withGrad in it, and the tolerances that stand for 1e-14 and
 * toBeCloseTo's 12 digits in float64. */
function precision(b: BackendCase) {
  const dt = b.float64 ? 'float64' : 'float32';
  return {
    wg: (values: number[], grad: number[], dtype: 'float32' | 'float64' = dt): Tensor => withGrad(values, grad, dtype),
    t14: b.float64 ? 1e-14 : b.tol, digits: b.float64 ? 12 : 5, round: b.float64 ? (v: number) => v : Math.fround,
  };
}

describeEachBackend('clipGradNorm', (bc) => {
  const { wg, t14, digits } = precision(bc);
  it('2-norm over all gradients: sqrt(9 + 16 + 144) = 13, scaled to maxNorm 6.5', () => {
    const a = wg([0, 0], [3, 4]), b = wg([0], [12]);
    const total = clipGradNorm([a, b], 6.5);
    expect(total).toBeCloseTo(13, digits);
    const c = 6.5 / (13 + 1e-6);
    expectClose(a.grad!, [3 * c, 4 * c], t14, t14);
    expectClose(b.grad!, [12 * c], t14, t14);
    // now the norm is (just under) maxNorm
    expect(clipGradNorm([a, b], 100)).toBeCloseTo(6.5, 5);
  });
  it('below maxNorm: returns the norm and leaves the gradients untouched', () => {
    const a = wg([0, 0, 0], [1, -2, 2]);
    expect(clipGradNorm(a, 3.5)).toBe(3);
    expect(a.grad!.toArray()).toEqual([1, -2, 2]);
  });
  it('Infinity norm: the largest |g| over all parameters', () => {
    const a = wg([0, 0], [-7, 2]), b = wg([0, 0], [5, 1]);
    expect(clipGradNorm([a, b], 3.5, { normType: Infinity })).toBe(7);
    const c = 3.5 / (7 + 1e-6);
    expectClose(a.grad!, [-7 * c, 2 * c], t14, t14);
    expectClose(b.grad!, [5 * c, 1 * c], t14, t14);
  });
  it('1-norm and 3-norm', () => {
    const a = wg([0, 0], [-1, 2]), b = wg([0], [3]);
    expect(clipGradNorm([a, b], 100, { normType: 1 })).toBeCloseTo(6, digits);
    expect(clipGradNorm([a, b], 100, { normType: 3 })).toBeCloseTo(Math.cbrt(1 + 8 + 27), digits);
  });
  it('float32 gradients, a 2-D gradient, and parameters without .grad are skipped', () => {
    const a = wg([0, 0, 0, 0], [1, 1, 1, 1], 'float32');
    const w = tensor([[0, 0], [0, 0]], { requiresGrad: true });
    w.grad = tensor([[2, 2], [2, 2]]);
    const none = tensor([5], { requiresGrad: true });
    expect(clipGradNorm([a, w, none], 1)).toBeCloseTo(Math.sqrt(4 + 16), 5);
    expect(none.grad).toBeNull();
    const c = 1 / (Math.sqrt(20) + 1e-6);
    expectClose(w.grad!, [[2 * c, 2 * c], [2 * c, 2 * c]], 1e-6, 1e-6);
    expect(clipGradNorm([none], 1)).toBe(0);
    expect(clipGradNorm([], 1)).toBe(0);
  });
  it('a NaN gradient: returns NaN (and spreads, as PyTorch); errorIfNonfinite throws instead', () => {
    const a = wg([0, 0], [NaN, 1]);
    expect(() => clipGradNorm(a, 1, { errorIfNonfinite: true })).toThrow('clipGradNorm: the total norm of order 2 for gradients from parameters is non-finite (NaN), so it cannot be clipped');
    expect(a.grad!.toArray()).toEqual([NaN, 1]); // untouched by the failed call
    expect(clipGradNorm(a, 1)).toBeNaN();
    expect(a.grad!.toArray()).toEqual([NaN, NaN]);
  });
  it('after a real backward: the clipped gradients of a Linear have norm maxNorm', () => {
    manualSeed(8);
    const fc = new Linear(5, 4);
    fc.forward(randn([16, 5])).pow(2).sum().backward();
    const sq = (ts: Tensor[]): number => ts.reduce((s, p) => s + Array.from(p.grad!.dataSync()).reduce((t, v) => t + v * v, 0), 0);
    const before = Math.sqrt(sq(fc.parameters()));
    expect(before).toBeGreaterThan(1);
    expect(clipGradNorm(fc.parameters(), 1)).toBeCloseTo(before, 3);
    expect(Math.sqrt(sq(fc.parameters()))).toBeCloseTo(1, 5);
    expect(fc.weight.grad!.requiresGrad).toBe(false);
  });
  it('errors', () => {
    const a = wg([0], [1]);
    expect(() => clipGradNorm(a, 1, { normType: 0 })).toThrow('clipGradNorm: normType must be a positive number or Infinity, got 0');
    expect(() => clipGradNorm(a, 1, { normType: -2 })).toThrow('clipGradNorm: normType must be a positive number or Infinity, got -2');
    expect(() => clipGradNorm(a, NaN)).toThrow('clipGradNorm: maxNorm must be a number, got NaN');
    expect(() => clipGradNorm([a, 3 as unknown as Tensor], 1)).toThrow('clipGradNorm: parameter 1 is not a Tensor');
  });
});

describeEachBackend('clipGradValue', (bc) => {
  const { wg, round } = precision(bc);
  it('clamps every gradient element into [-v, v] in place', () => {
    const a = wg([0, 0, 0], [-3, 0.5, 2]), b = wg([0, 0], [1, -0.99]);
    const gradA = a.grad;
    clipGradValue([a, b], 1);
    expect(a.grad!.toArray()).toEqual([-1, 0.5, 1]);
    expect(b.grad!.toArray()).toEqual([1, round(-0.99)]);
    expect(a.grad).toBe(gradA); // in place
    clipGradValue(a, 0.25);
    expect(a.grad!.toArray()).toEqual([-0.25, 0.25, 0.25]);
  });
  it('skips parameters without .grad; a negative value is an error', () => {
    const none = tensor([1], { requiresGrad: true });
    clipGradValue([none], 1);
    expect(none.grad).toBeNull();
    expect(() => clipGradValue([none], -1)).toThrow('clipGradValue: clipValue must be a non-negative number, got -1');
  });
});
