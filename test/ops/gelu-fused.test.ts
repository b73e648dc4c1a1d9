// gelu-fused.test.ts — the exact GELU as a fused kernel (unary 'gelu' + Backend.geluBackward,
// autograd/ops/unary.ts) against its composition from primitives (`geluComposed`: mul, erf, add)
// on every backend: the same values and gradients for a fixed cotangent, first and second order,
// on contiguous and non-contiguous inputs; gradcheck of the fused op; that a plain backward runs
// the backward kernel (and a createGraph backward the composition); the tanh form untouched;
// the bad-input error. (Forward against the float64 reference: the op table, elementwise.test.ts.)

import { afterEach, expect, it, vi } from 'vitest';
import { enableGrad, grad, gradcheck, tensor, type Tensor } from '../../src/index.js';
import { gelu, geluBackward, geluComposed } from '../../src/autograd/ops/unary.js';
import { backendOf, describeEachBackend } from '../helpers/backends.js';
import { expectCloseScaled, expectGradcheck } from '../helpers/crosscheck.js';
import * as R from '../helpers/reference.js';

const values = (n: number, tag: string): number[] => {
  const r = R.rngFor(tag);
  return Array.from({ length: n }, () => 8 * r() - 4); // [-4, 4): both tails and the bend
};

/** Each case builds its input from a leaf, possibly as a non-contiguous view. */
const CASES: { name: string; leaf: number[]; view: (t: Tensor) => Tensor }[] = [
  { name: '[4,6]', leaf: [4, 6], view: (t) => t },
  { name: '[2,3,5] permuted', leaf: [5, 3, 2], view: (t) => t.permute(2, 1, 0) },
  { name: '[3,4] step-sliced', leaf: [3, 8], view: (t) => t.slice(1, 0, null, 2) },
  { name: '[4,5] expanded', leaf: [5], view: (t) => t.expand(4, 5) },
];

describeEachBackend('gelu: fused kernel vs composed', (bc) => {
  const dtype = bc.float64 ? 'float64' : 'float32';
  afterEach(() => vi.restoreAllMocks());

  for (const c of CASES) {
    it(`${c.name}: value, gradient and second-order gradient agree`, () => {
      const run = (f: (x: Tensor) => Tensor) => {
        const leaf = tensor(values(R.numelOf(c.leaf), `x${c.name}`), { shape: c.leaf, dtype, requiresGrad: true });
        const y = f(c.view(leaf));
        const dy = tensor(values(y.numel(), `dy${c.name}`), { shape: y.shape, dtype });
        const [dx] = grad(y, leaf, { gradOutputs: dy, createGraph: true });
        const [ddx] = grad(dx.mul(dx).sum(), leaf); // second order, through the backward itself
        const [plain] = grad(f(c.view(leaf)), leaf, { gradOutputs: dy }); // the backward kernel (no graph of it)
        return [y, dx, ddx, plain].map((t) => Float64Array.from(t.dataSync()));
      };
      const fused = run((x) => x.gelu()), comp = run(geluComposed);
      ['value', 'gradient', 'second-order gradient', 'gradient by the backward kernel'].forEach((what, i) => expectCloseScaled(fused[i], comp[i], 10 * bc.tol, what));
      expect(fused[3].some((v) => Math.abs(v) > 1e-2)).toBe(true); // not trivially zero
    });
  }

  it('gradcheck of the fused op', () => {
    expectGradcheck(bc, (dt) => ({ fn: (x) => gelu(x), inputs: [tensor(values(12, 'g'), { shape: [3, 4], dtype: dt, requiresGrad: true })] }));
  });

  it('second order by gradcheck (float64 backends)', () => {
    if (!bc.float64) return;
    const x = tensor(values(6, 'g2'), { shape: [2, 3], dtype: 'float64', requiresGrad: true });
    const dy = tensor(values(6, 'dy2'), { shape: [2, 3], dtype: 'float64' });
    const dx = (t: Tensor): Tensor => enableGrad(() => {
      const u = t.requiresGrad ? t : t.detach().requiresGrad_();
      return grad(gelu(u), u, { gradOutputs: dy, createGraph: true })[0];
    });
    expect(gradcheck(dx, [x])).toBe(true);
  });

  it('a plain backward runs Backend.geluBackward once; createGraph composes instead', () => {
    const spy = vi.spyOn(backendOf(bc), 'geluBackward');
    const x = tensor([-1, 0, 0.5, 2], { dtype, requiresGrad: true });
    x.gelu().sum().backward();
    expect(spy).toHaveBeenCalledTimes(1);
    // Φ(x) + x φ(x) at a few points
    const want = [-1, 0, 0.5, 2].map((v) => 0.5 * (1 + R.erf(v / Math.SQRT2)) + (v * Math.exp(-v * v / 2)) / Math.sqrt(2 * Math.PI));
    expectCloseScaled(Float64Array.from(x.grad!.dataSync()), want, bc.tol, 'gradient');
    grad(x.gelu().sum(), x, { createGraph: true });
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it("the tanh approximation stays composed and keeps its own values", () => {
    const spy = vi.spyOn(backendOf(bc), 'geluBackward');
    const x = tensor([-2, -0.5, 0, 1.5], { dtype, requiresGrad: true });
    const y = x.gelu({ approximate: 'tanh' });
    expectCloseScaled(Float64Array.from(y.dataSync()), [-2, -0.5, 0, 1.5].map(R.geluTanh), bc.tol, 'value');
    y.sum().backward();
    expect(spy).not.toHaveBeenCalled();
  });

  it('geluBackward names the op and both shapes on a shape mismatch', () => {
    const x = tensor(values(6, 'e'), { shape: [2, 3], dtype }), dy = tensor(values(6, 'e'), { shape: [3, 2], dtype });
    expect(() => geluBackward(x, dy)).toThrow('geluBackward: x [2,3] and dy [3,2] must have the same shape');
  });
});
