// backward.test.ts — Tensor.backward(): long graphs, gradient accumulation (reused tensors and
// repeated calls), broadcast gradients summed back to the input's shape, retainGraph, grad
// mode (noGrad/enableGrad), detach, requiresGrad_, dtype rules, .grad assignment, retainGrad.
// Accumulation and broadcast reduction run on every backend (float64 lines in float32 where the
// backend has no float64); the rest is the engine's own logic, tested once.

import { describe, expect, it } from 'vitest';
import { enableGrad, isGradEnabled, noGrad, ones, tensor, type Tensor } from '../../src/index.js';
import { expectClose } from '../helpers/close.js';
import { describeEachBackend } from '../helpers/backends.js';

describe('backward on long graphs', () => {
  it('backpropagates through a chain of 100,000 muls without a stack overflow', () => {
    const x = tensor(1, { dtype: 'float64', requiresGrad: true });
    let y: Tensor = x;
    for (let i = 0; i < 100_000; i++) y = y.mul(1.0001);
    y.backward();
    // y = 1.0001^n x, so dy/dx = 1.0001^n
    expectClose(x.grad!, [Math.pow(1.0001, 100_000)], 0, 1e-9); // ≈ 22015.5
    expectClose(y, [Math.pow(1.0001, 100_000)], 0, 1e-9);
  });

  it('backpropagates through 100,000 alternating add/tanh ops on a vector', () => {
    const x = tensor([0.1, -0.2, 0.3], { dtype: 'float64', requiresGrad: true });
    let y: Tensor = x;
    // y_{k+1} = y_k + 1e-6 * tanh(y_k)  =>  dy_{k+1}/dy_k = 1 + 1e-6 (1 - tanh(y_k)^2), computed by hand below
    for (let i = 0; i < 50_000; i++) y = y.add(y.tanh().mul(1e-6));
    y.sum().backward();
    const expected = [0.1, -0.2, 0.3].map((v) => {
      let d = 1;
      for (let i = 0; i < 50_000; i++) { d *= 1 + 1e-6 * (1 - Math.tanh(v) ** 2); v += 1e-6 * Math.tanh(v); }
      return d;
    });
    expectClose(x.grad!, expected, 1e-9, 1e-9);
  });
});

describeEachBackend('gradient accumulation', (bk) => {
  const dtype = bk.float64 ? 'float64' : 'float32', t = bk.float64 ? 1e-12 : bk.tol;
  it('sums the contributions of a tensor used several times: y = x*x + x', () => {
    const x = tensor([-1, 0.5, 3], { requiresGrad: true });
    x.mul(x).add(x).sum().backward();
    expectClose(x.grad!, [-1, 2, 7]); // 2x + 1
  });

  it('sums through a shared intermediate: h = exp(x), y = h*h + 3h', () => {
    const x = tensor([0, 1], { dtype, requiresGrad: true });
    const h = x.exp();
    h.mul(h).add(h.mul(3)).sum().backward();
    // dy/dx = (2h + 3) h
    expectClose(x.grad!, [0, 1].map((v) => (2 * Math.exp(v) + 3) * Math.exp(v)), t);
  });

  it('accumulates into .grad across two backward calls', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.mul(x).sum().backward();
    expectClose(x.grad!, [2, 4, 6]);
    x.mul(5).sum().backward();
    expectClose(x.grad!, [7, 9, 11]);
  });

  it('accumulates onto an assigned .grad', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.grad = tensor([10, 20]);
    x.mul(3).sum().backward();
    expectClose(x.grad!, [13, 23]);
  });

  it('gives every leaf its own contiguous .grad storage (no aliasing between leaves)', () => {
    // add passes dy to both inputs and sum's backward is a stride-0 expand; .grad must still
    // be a tensor of its own that in-place updates (clipping, weight decay) can write into
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    a.sum().add(b.sum()).backward();
    expect(a.grad!.isContiguous()).toBe(true);
    noGrad(() => a.grad!.mul_(2));
    expectClose(a.grad!, [2, 2]);
    expectClose(b.grad!, [1, 1]);

    const c = tensor([1, 2], { requiresGrad: true });
    const d = tensor([3, 4], { requiresGrad: true });
    const seed = tensor([5, 6]);
    c.add(d).backward(seed);
    noGrad(() => c.grad!.mul_(10));
    expectClose(c.grad!, [50, 60]);
    expectClose(d.grad!, [5, 6]);
    expectClose(seed, [5, 6]);
  });
});

describeEachBackend('broadcast gradients are reduced to the input shape', (bk) => {
  const dtype = bk.float64 ? 'float64' : 'float32', t = bk.float64 ? 1e-12 : bk.tol;
  it('sums over stretched and added dims: a[2,3] * b[3] * c[2,1] * s[]', () => {
    const A = [[1, 2, 3], [4, 5, 6]], Bv = [10, 20, 30], C = [2, 3], S = 7;
    const a = tensor(A, { requiresGrad: true });
    const b = tensor(Bv, { requiresGrad: true });
    const c = tensor([[2], [3]], { requiresGrad: true });
    const s = tensor(S, { requiresGrad: true });
    a.mul(b).mul(c).mul(s).sum().backward();
    expect(a.grad!.shape).toEqual([2, 3]);
    expect(b.grad!.shape).toEqual([3]);
    expect(c.grad!.shape).toEqual([2, 1]);
    expect(s.grad!.shape).toEqual([]);
    expectClose(a.grad!, A.map((row, i) => row.map((_, j) => Bv[j] * C[i] * S)));
    expectClose(b.grad!, Bv.map((_, j) => A.reduce((acc, row, i) => acc + row[j] * C[i] * S, 0)));
    expectClose(c.grad!, C.map((_, i) => [A[i].reduce((acc, v, j) => acc + v * Bv[j] * S, 0)]));
    expectClose(s.grad!, [A.reduce((acc, row, i) => acc + row.reduce((r, v, j) => r + v * Bv[j] * C[i], 0), 0)]);
  });

  it('reduces a broadcast in sub/div and a number operand', () => {
    const a = tensor([[1, 2], [3, 4]], { dtype, requiresGrad: true });
    const b = tensor([[2], [4]], { dtype, requiresGrad: true });
    a.div(b).sub(b).mul(2).sum().backward();
    // y = sum 2 (a_ij / b_i - b_i): dy/da_ij = 2 / b_i; dy/db_i = sum_j (-2 a_ij / b_i^2 - 2)
    expectClose(a.grad!, [[1, 1], [0.5, 0.5]], t);
    expectClose(b.grad!, [[-2 * 3 / 4 - 4], [-2 * 7 / 16 - 4]], t);
  });
});

describe('retainGraph', () => {
  it('allows a second backward through the same graph and accumulates', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward(null, { retainGraph: true });
    y.backward();
    expectClose(x.grad!, [4, 8]);
  });

  it('without it, a second backward throws a clear error naming the op', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.exp().sum();
    y.backward();
    expect(() => y.backward()).toThrow(
      /^backward: trying to backward through the graph a second time \(at 'sum'\); its saved values were freed after the first backward\. Pass \{retainGraph: true\} to the first call\.$/,
    );
  });

  it('also throws when a second output reaches an already freed shared subgraph', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.exp();
    h.mul(2).sum().backward();
    expect(() => h.mul(3).sum().backward()).toThrow(/backward: trying to backward through the graph a second time \(at 'exp'\)/);
  });
});

describe('grad mode', () => {
  it('noGrad records nothing; enableGrad inside it records again; modes nest and restore', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const seen: [boolean, boolean, string | null, boolean, boolean][] = [];
    noGrad(() => {
      const a = x.mul(2);
      const b = enableGrad(() => x.mul(2));
      const c = enableGrad(() => noGrad(() => x.mul(2)));
      seen.push([a.requiresGrad, b.requiresGrad, b.gradFn?.name ?? null, c.requiresGrad, isGradEnabled()]);
    });
    expect(seen).toEqual([[false, true, 'mul', false, false]]);
    expect(isGradEnabled()).toBe(true);
  });

  it('restores the mode when the function throws', () => {
    expect(() => noGrad(() => { throw new Error('boom'); })).toThrow(/^boom$/);
    expect(isGradEnabled()).toBe(true);
  });

  it('returns the function value', () => {
    expect(noGrad(() => 42)).toBe(42);
    expect(enableGrad(() => 'ok')).toBe('ok');
  });
});

describe('detach and requiresGrad_', () => {
  it('detach gives a leaf with the same values that stops gradients', () => {
    const x = tensor([2, 3], { requiresGrad: true });
    const h = x.mul(x);
    const d = h.detach();
    expect([d.requiresGrad, d.isLeaf, d.gradFn]).toEqual([false, true, null]);
    expectClose(d, [4, 9]);
    // y = x * detach(x^2): dy/dx = x^2 only
    x.mul(d).sum().backward();
    expectClose(x.grad!, [4, 9]);
  });

  it('detach shares storage with the original', () => {
    const x = tensor([1, 2]);
    const d = x.detach();
    d.fill_(7);
    expectClose(x, [7, 7]);
  });

  it('requiresGrad_ turns tracking on and off on a leaf and returns the tensor', () => {
    const x = tensor([1, 2]);
    expect(x.requiresGrad).toBe(false);
    expect(x.requiresGrad_()).toBe(x);
    expect(x.requiresGrad).toBe(true);
    x.mul(3).sum().backward();
    expectClose(x.grad!, [3, 3]);
    x.requiresGrad_(false);
    expect(x.mul(3).requiresGrad).toBe(false);
    x.requiresGrad = true;
    expect(x.requiresGrad).toBe(true);
  });

  it('requiresGrad_ on a non-leaf throws naming the op it comes from', () => {
    const x = tensor([1], { requiresGrad: true });
    expect(() => x.mul(2).requiresGrad_(false)).toThrow(/requiresGrad_: can only change the flag of leaf tensors \(this one comes from 'mul'\)/);
  });

  it('int32 and bool tensors can never require grad', () => {
    expect(() => tensor([1, 2], { dtype: 'int32', requiresGrad: true })).toThrow(/requiresGrad_: only floating point tensors can require gradients, got int32/);
    expect(() => tensor([true, false], { requiresGrad: true })).toThrow(/requiresGrad_: only floating point tensors can require gradients, got bool/);
    expect(() => ones([2], { dtype: 'int32' }).requiresGrad_()).toThrow(/got int32/);
    const b = tensor([true]);
    expect(() => { b.requiresGrad = true; }).toThrow(/got bool/);
    expect(b.requiresGrad).toBe(false);
  });

  it('ops on int tensors and comparisons never require grad', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(x.gt(1).requiresGrad).toBe(false);
    expect(x.argmax().requiresGrad).toBe(false);
    expect(x.to('int32').requiresGrad).toBe(false);
  });
});

describe('.grad, non-scalar backward, retainGrad', () => {
  it('.grad starts null, is assignable (tensor or null) and checks the shape', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    expect(p.grad).toBeNull();
    const g = tensor([0.5, 0.25]);
    p.grad = g;
    expect(p.grad).toBe(g);
    p.grad = null;
    expect(p.grad).toBeNull();
    expect(() => { p.grad = tensor([1, 2, 3]); }).toThrow(/^grad: assigned grad has shape \[3\], tensor has \[2\]$/);
    expect(p.grad).toBeNull();
  });

  it('a non-scalar backward without a grad throws naming the shape; with one it weights the sum', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(x);
    expect(() => y.backward()).toThrow(/^backward: grad can be implicitly created only for scalar outputs, got shape \[3\]$/);
    expect(() => y.backward(tensor([1, 1]))).toThrow(/^backward: grad has shape \[2\], output has \[3\]$/);
    y.backward(tensor([1, 0.5, -1]));
    expectClose(x.grad!, [2, 2, -6]);
  });

  it('backward on a tensor without a graph throws', () => {
    expect(() => tensor([1, 2]).sum().backward()).toThrow(/^backward: tensor does not require grad and has no gradFn$/);
  });

  it('a single-element non-0-d output may backward without a grad', () => {
    const x = tensor([[3]], { requiresGrad: true });
    x.mul(x).backward();
    expectClose(x.grad!, [[6]]);
  });

  it('retainGrad keeps .grad of a non-leaf (accumulating its uses); others stay null', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(3).retainGrad();
    const k = h.add(1);
    expect(h.isLeaf).toBe(false);
    h.mul(h).add(k).sum().backward();
    expectClose(h.grad!, [7, 13]); // 2h + 1 with h = [3, 6]
    expectClose(x.grad!, [21, 39]);
    expect(k.grad).toBeNull();
  });
});
