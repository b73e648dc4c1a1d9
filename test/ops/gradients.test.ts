// gradients.test.ts — gradient values at the points gradcheck cannot judge (ties, kinks,
// infinities), fixed to PyTorch's conventions, and gradient accumulation through reused inputs.
// Runs in float64 where the backend has it, else in float32 (every expected value here is
// exact in float32 or compared within the backend's tolerance).

import { expect, it } from 'vitest';
import { enableGrad, grad, gradcheck, tensor, type Tensor } from '../../src/index.js';
import { describeEachBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/close.js';
import { expectMatchesCpu } from '../helpers/crosscheck.js';

describeEachBackend('gradients at special points', (b) => {
  const dtype = b.float64 ? 'float64' : 'float32';
  const tol = b.float64 ? 1e-12 : b.tol;
  /** d(sum(f(x) * w))/dx for x of the backend's widest float dtype, w = 1 by default. */
  function gradOf(f: (x: Tensor) => Tensor, values: number[] | number[][], w?: number[]): number[] {
    const x = tensor(values, { dtype, requiresGrad: true });
    const y = f(x);
    const seed = w ? tensor(w, { dtype }).reshape(y.shape) : y.mul(0).add(1).detach();
    return Array.from(grad(y, x, { gradOutputs: seed })[0].dataSync());
  }

  it('relu and abs have gradient 0 at 0', () => {
    expect(gradOf((x) => x.relu(), [-1, 0, 2])).toEqual([0, 0, 1]);
    expect(gradOf((x) => x.abs(), [-1, 0, 2])).toEqual([-1, 0, 1]);
  });

  it('clamp passes the gradient at its bounds', () => {
    expect(gradOf((x) => x.clamp(-1, 1), [-2, -1, 0, 1, 2])).toEqual([0, 1, 1, 1, 0]);
  });

  it('maximum / minimum split the gradient evenly at ties', () => {
    const a = tensor([1, 2, 3], { dtype, requiresGrad: true }), c = tensor([1, 0, 4], { dtype, requiresGrad: true });
    const [ga, gb] = grad(a.maximum(c).sum(), [a, c]);
    expect(ga.toArray()).toEqual([0.5, 1, 0]);
    expect(gb.toArray()).toEqual([0.5, 0, 1]);
    const [ha, hb] = grad(a.minimum(c).sum(), [a, c]);
    expect(ha.toArray()).toEqual([0.5, 0, 1]);
    expect(hb.toArray()).toEqual([0.5, 1, 0]);
  });

  it('amax / amin split the gradient evenly among tied maxima', () => {
    expect(gradOf((x) => x.amax(), [1, 3, 3, 0])).toEqual([0, 0.5, 0.5, 0]);
    expect(gradOf((x) => x.amin(1), [[1, 1, 2], [5, 4, 4]])).toEqual([0.5, 0.5, 0, 0, 0.5, 0.5]);
  });

  it('max(dim) sends the whole gradient to the returned index', () => {
    const x = tensor([[1, 3, 3], [2, 2, 0]], { dtype, requiresGrad: true });
    const { values, indices } = x.max(1);
    const [g] = grad(values.sum(), x);
    const idx = indices.toArray() as number[];
    expect(idx).toEqual([1, 0]); // the first occurrence
    expect(g.toArray()).toEqual([[0, 1, 0], [1, 0, 0]]);
  });

  it('std of constant values has gradient 0 (as PyTorch), not NaN', () => {
    expect(gradOf((x) => x.std(), [2, 2, 2])).toEqual([0, 0, 0]);
    expectClose(gradOf((x) => x.std(1), [[1, 1], [1, 3]]), [0, 0, -Math.SQRT1_2, Math.SQRT1_2], b.float64 ? 1e-15 : b.tol, b.float64 ? 1e-15 : b.tol);
    // away from 0 the gradient is itself differentiable (createGraph): gradcheck of d std / dx
    // (without float64: its analytic gradient equals the CPU backend's)
    const x0 = [[0.3, -1.2, 2], [1, 0.5, -0.4]];
    const dstd = (t: Tensor): Tensor => enableGrad(() => {
      const u = t.requiresGrad ? t : t.detach().requiresGrad_(true); // gradcheck's perturbed copies
      return grad(u.std(1).sum(), u, { createGraph: true })[0];
    });
    if (b.float64) expect(gradcheck(dstd, [tensor(x0, { dtype, requiresGrad: true })])).toBe(true);
    else {
      expectMatchesCpu(() => {
        const x = tensor(x0, { dtype, requiresGrad: true });
        return { out: dstd(x), wrt: [x] };
      }, { tol: b.tol });
    }
  });

  it('pow: d/d(exponent) of 0^b is 0 for b >= 0', () => {
    const a = tensor([0, 2], { dtype }), e = tensor([2, 3], { dtype, requiresGrad: true });
    const [ge] = grad(a.pow(e).sum(), e);
    expectClose(ge, [0, 8 * Math.log(2)], tol, tol);
  });

  it('sqrt at 0 has an infinite gradient (as PyTorch)', () => {
    expect(gradOf((x) => x.sqrt(), [0, 4])).toEqual([Infinity, 0.25]);
  });

  it('logsumexp and logSoftmax give 0 gradient to -inf entries', () => {
    expect(gradOf((x) => x.logsumexp(0), [0, -Infinity, 0])).toEqual([0.5, 0, 0.5]);
    expectClose(gradOf((x) => x.softmax(0), [0, -Infinity], [1, 0]), [0, 0], b.float64 ? 1e-15 : b.tol, 0);
  });

  it('gradients accumulate over every use of an input', () => {
    // each line uses x twice: the two contributions must add up
    expect(gradOf((x) => x.mul(x).add(x), [1, -2, 3])).toEqual([3, -3, 7]);
    expect(gradOf((x) => x.expand(2, 3).mul(x), [1, 2, 3])).toEqual([4, 8, 12]);
    expect(gradOf((x) => x.matmul(x), [1, 2, 3])).toEqual([2, 4, 6]);
    expect(gradOf((x) => x.slice(0, 0, 2).add(x.slice(0, 1, 3)), [1, 2, 3])).toEqual([1, 2, 1]);
  });
});
