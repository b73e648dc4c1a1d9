// grad.test.ts — grad(outputs, inputs, {gradOutputs, createGraph, retainGraph}): higher-order
// derivatives against hand-derived values (d²/dx² x³ = 6x, Hessian-vector products), that .grad
// is never touched, gradients of non-leaf inputs, and its errors. The derivative values run on
// every backend (float64 where it has it, float32 to its tolerance otherwise).

import { describe, expect, it } from 'vitest';
import { grad, tensor, type Tensor } from '../../src/index.js';
import { expectClose } from '../helpers/close.js';
import { describeEachBackend } from '../helpers/backends.js';

const f64 = (data: number[] | number[][], requiresGrad = false): Tensor => tensor(data, { dtype: 'float64', requiresGrad });
const XS = [-2, -0.5, 0, 1, 3];

describeEachBackend('higher-order derivatives with createGraph', (b) => {
  const dtype = b.float64 ? 'float64' : 'float32', t = b.float64 ? 1e-12 : b.tol;
  const fw = (data: number[] | number[][], requiresGrad = false): Tensor => tensor(data, { dtype, requiresGrad });
  for (const [name, cube] of [
    ['pow(3)', (x: Tensor) => x.pow(3)],
    ['x*x*x', (x: Tensor) => x.mul(x).mul(x)],
  ] as const) {
    it(`d/dx, d²/dx², d³/dx³ of x³ via ${name} = 3x², 6x, 6`, () => {
      const x = fw(XS, true);
      const [g1] = grad(cube(x).sum(), x, { createGraph: true });
      expectClose(g1, XS.map((v) => 3 * v * v), t);
      expect(g1.requiresGrad).toBe(true);
      const [g2] = grad(g1.sum(), x, { createGraph: true });
      expectClose(g2, XS.map((v) => 6 * v), t);
      const [g3] = grad(g2.sum(), x);
      expectClose(g3, XS.map(() => 6), t);
      expect(g3.requiresGrad).toBe(false);
    });
  }

  it('d²/dx² of sin(x) = -sin(x), of exp(2x) = 4 exp(2x)', () => {
    const x = fw(XS, true);
    const [g] = grad(x.sin().sum(), x, { createGraph: true });
    const [h] = grad(g.sum(), x);
    expectClose(h, XS.map((v) => -Math.sin(v)), t);
    const [e] = grad(x.mul(2).exp().sum(), x, { createGraph: true });
    const [e2] = grad(e.sum(), x);
    expectClose(e2, XS.map((v) => 4 * Math.exp(2 * v)), t, t);
  });

  it('backward(createGraph) leaves a differentiable .grad', () => {
    const x = tensor(3, { dtype, requiresGrad: true });
    x.pow(3).backward(null, { createGraph: true });
    const [h] = grad(x.grad!, x);
    if (b.float64) {
      expect(x.grad!.item()).toBe(27);
      expect(h.item()).toBe(18);
    } else expectClose([x.grad!.item(), h.item()], [27, 18], t, t);
  });
});

describeEachBackend('Hessian-vector products', (b) => {
  const dtype = b.float64 ? 'float64' : 'float32', t = b.float64 ? 1e-12 : b.tol;
  const fw = (data: number[] | number[][], requiresGrad = false): Tensor => tensor(data, { dtype, requiresGrad });
  const xv = [1, 2, 3], v = [0.5, -1, 2];
  const hvp = (f: (x: Tensor) => Tensor): { g: Tensor; hv: Tensor } => {
    const x = fw(xv, true);
    const [g] = grad(f(x), x, { createGraph: true });
    const [hv] = grad(g.mul(fw(v)).sum(), x);
    return { g, hv };
  };

  it('f(x) = sum_ij x_i² x_j (outer product, broadcasting)', () => {
    // f = Q S with Q = sum x², S = sum x:  df/dx_k = 2 x_k S + Q
    // H_kl = 2 δ_kl S + 2 x_k + 2 x_l,  (Hv)_k = 2 S v_k + 2 x_k sum(v) + 2 (x·v)
    const { g, hv } = hvp((x) => x.pow(2).unsqueeze(1).mul(x.unsqueeze(0)).sum()); // (3, 1) * (1, 3)
    expectClose(g, [2 * 1 * 6 + 14, 2 * 2 * 6 + 14, 2 * 3 * 6 + 14], t); // [26, 38, 50]
    expectClose(hv, [18, 3, 42], t);
  });

  it('f(x) = (sum x)³: H = 6 (sum x) 11ᵀ', () => {
    const { g, hv } = hvp((x) => x.sum().pow(3));
    expectClose(g, [108, 108, 108], t); // 3 S² with S = 6
    expectClose(hv, [54, 54, 54], t); // 6 S sum(v) = 36 * 1.5
  });

  it('f(x) = x·Ax with non-symmetric A: grad (A + Aᵀ)x, H = A + Aᵀ', () => {
    const A = fw([[1, 2, 0], [0, 1, 3], [4, 0, 1]]);
    const { g, hv } = hvp((x) => x.matmul(A.matmul(x)));
    // A + Aᵀ = [[2,2,4],[2,2,3],[4,3,2]]
    expectClose(g, [18, 15, 16], t);
    expectClose(hv, [7, 5, 3], t);
  });

  it('full Hessian of f(x, y) = x² y + y³ by rows, with two inputs', () => {
    const x = tensor(1.5, { dtype, requiresGrad: true });
    const y = tensor(-2, { dtype, requiresGrad: true });
    const [gx, gy] = grad(x.pow(2).mul(y).add(y.pow(3)), [x, y], { createGraph: true });
    expectClose(gx, [2 * 1.5 * -2], t); // 2xy
    expectClose(gy, [1.5 ** 2 + 3 * 4], t); // x² + 3y²
    const [hxx, hxy] = grad(gx, [x, y], { createGraph: true });
    const [hyx, hyy] = grad(gy, [x, y]);
    const hessian = [hxx.item(), hxy.item(), hyx.item(), hyy.item()];
    if (b.float64) expect(hessian).toEqual([2 * -2, 2 * 1.5, 2 * 1.5, 6 * -2]);
    else expectClose(hessian, [2 * -2, 2 * 1.5, 2 * 1.5, 6 * -2], t, t);
  });
});

describe('grad() semantics', () => {
  it('does not touch .grad of leaves or non-leaves', () => {
    const x = f64([1, 2], true);
    const fresh = f64([3, 4], true);
    const before = f64([100, 200]);
    x.grad = before;
    const h = x.mul(fresh).retainGrad();
    const [gx, gf] = grad(h.pow(2).sum(), [x, fresh]);
    expectClose(gx, [2 * 1 * 9, 2 * 2 * 16], 1e-12); // 2 x f²
    expectClose(gf, [2 * 3 * 1, 2 * 4 * 4], 1e-12); // 2 f x²
    expect(x.grad).toBe(before);
    expectClose(x.grad!, [100, 200]);
    expect(fresh.grad).toBeNull();
    expect(h.grad).toBeNull();
  });

  it('differentiates with respect to a non-leaf intermediate', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(3);
    const y = h.pow(2).sum();
    const [gh, gx] = grad(y, [h, x]);
    expectClose(gh, [6, 12]); // 2h
    expectClose(gx, [18, 36]); // 2h * 3
  });

  it('takes one tensor or arrays, several outputs (summed) and gradOutputs', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const gs = grad([x.mul(2).sum(), x.mul(x).sum()], x);
    expect(gs.length).toBe(1);
    expectClose(gs[0], [4, 6, 8]); // 2 + 2x
    const [gw] = grad(x.mul(x), [x], { gradOutputs: [tensor([1, 0, -1])] });
    expectClose(gw, [2, 0, -6]);
  });

  it('frees the graph unless retainGraph (which createGraph implies)', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.exp().sum();
    grad(y, x);
    expect(() => grad(y, x)).toThrow(/backward: trying to backward through the graph a second time/);
    const z = x.exp().sum();
    grad(z, x, { retainGraph: true });
    expectClose(grad(z, x)[0], [Math.E, Math.E ** 2], 1e-6, 1e-6);
    const w = x.exp().sum();
    grad(w, x, { createGraph: true });
    expectClose(grad(w, x)[0], [Math.E, Math.E ** 2], 1e-6, 1e-6);
  });

  it('errors name the offending input or output', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const unused = tensor([1, 2], { requiresGrad: true });
    expect(() => grad(x.sum(), [x, unused])).toThrow(/^grad: input 1 was not used to compute the outputs; pass \{allowUnused: true\} to get zeros$/);
    const [, z] = grad(x.sum(), [x, unused], { allowUnused: true });
    expectClose(z, [0, 0]);
    expect(() => grad(x.sum(), tensor([1, 2]))).toThrow(/^grad: input 0 \(shape \[2\]\) does not require grad$/);
    expect(() => grad(tensor([1]).sum(), x)).toThrow(/^grad: output 0 does not require grad and has no gradFn$/);
    expect(() => grad(x.mul(2), x)).toThrow(/^grad: gradOutputs must be given for non-scalar output 0 of shape \[2\]$/);
    expect(() => grad(x.mul(2), x, { gradOutputs: tensor([1, 2, 3]) })).toThrow(/^grad: gradOutputs\[0\] has shape \[3\], output has \[2\]$/);
  });
});
