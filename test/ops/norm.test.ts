// norm.test.ts — the fused normalisation behind layerNorm (autograd/ops/norm.ts) against its
// composed version (mean, var, rsqrt) on every backend: the same values and the same
// gradients for a fixed cotangent, first and second order; plus the fused op's gradcheck.

import { expect, it } from 'vitest';
import { enableGrad, grad, gradcheck, randn, tensor, type Tensor } from '../../src/index.js';
import { normalize, normalizeComposed } from '../../src/autograd/ops/norm.js';
import { describeEachBackend } from '../helpers/backends.js';
import { expectCloseScaled, expectGradcheck } from '../helpers/crosscheck.js';
import { rngFor } from '../helpers/reference.js';

const CASES: { shape: number[]; k: number; eps: number }[] = [
  { shape: [4, 6], k: 1, eps: 1e-5 },
  { shape: [2, 3, 5], k: 2, eps: 1e-5 },
  { shape: [3, 7], k: 1, eps: 0.5 }, // a large eps shows up in both value and gradient
  { shape: [5], k: 1, eps: 1e-5 }, // one group
];

const values = (shape: number[], tag: string): number[] => {
  const r = rngFor(tag);
  return Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 4 * r() - 2);
};

describeEachBackend('normalize: fused kernel vs composed', (bc) => {
  const dtype = bc.float64 ? 'float64' : 'float32';
  for (const { shape, k, eps } of CASES) {
    const name = `${JSON.stringify(shape)} over the last ${k} dim(s), eps ${eps}`;
    it(`${name}: value and gradient agree`, () => {
      const run = (f: (x: Tensor, k: number, eps: number) => Tensor) => {
        const x = tensor(values(shape, `x${name}`), { shape, dtype, requiresGrad: true });
        const dy = tensor(values(shape, `dy${name}`), { shape, dtype });
        const y = f(x, k, eps);
        const [dx] = grad(y, x, { gradOutputs: dy, createGraph: true });
        const [ddx] = grad(dx.mul(dy).sum(), x); // second order, through the backward itself
        return [y, dx, ddx].map((t) => Float64Array.from(t.dataSync()));
      };
      const fused = run(normalize), comp = run(normalizeComposed);
      ['value', 'gradient', 'second-order gradient'].forEach((what, i) => expectCloseScaled(fused[i], comp[i], 10 * bc.tol, what));
      expect(fused[1].some((v) => Math.abs(v) > 1e-3)).toBe(true); // the gradient is not trivially zero
    });
    it(`${name}: gradcheck of the fused op`, () => {
      expectGradcheck(bc, (dt) => ({
        fn: (x) => normalize(x, k, eps),
        inputs: [tensor(values(shape, `g${name}`), { shape, dtype: dt, requiresGrad: true })],
      }));
    });
  }
  it('second order of the fused op by gradcheck (float64 backends)', () => {
    if (!bc.float64) return;
    const x = randn([3, 4], { dtype: 'float64', requiresGrad: true });
    const dy = randn([3, 4], { dtype: 'float64' });
    // (the finite-difference evaluations run under noGrad on inputs that don't require grad)
    const dx = (t: Tensor): Tensor => enableGrad(() => {
      const u = t.requiresGrad ? t : t.detach().requiresGrad_();
      return grad(normalize(u, 1, 1e-5), u, { gradOutputs: dy, createGraph: true })[0];
    });
    expect(gradcheck(dx, [x])).toBe(true);
  });
});
