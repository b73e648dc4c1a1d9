// Chapter 2's exercise solutions (examples/tutorial/solutions/02-tensors-broadcasting.ts): sumTo
// against hand sums and tensorloom's gradient of a broadcast op, permuteStrides against the
// library's permuted views, matmulBackward against hand numbers and tensorloom's own gradients.

import { describe, expect, it } from 'vitest';
import { arange, grad, manualSeed, randn, tensor, zeros } from '../../src/index.js';
import { matmulBackward, permuteStrides, sumTo } from '../../examples/tutorial/solutions/02-tensors-broadcasting.js';

const f64 = { dtype: 'float64' } as const;

describe('sumTo', () => {
  it('sums over added and stretched dims (hand numbers)', () => {
    const g = tensor([[1, 2, 3], [4, 5, 6]], f64); // (2, 3)
    expect(sumTo(g, [3]).toArray()).toEqual([5, 7, 9]);
    expect(sumTo(g, [2, 1]).toArray()).toEqual([[6], [15]]);
    expect(sumTo(g, [1, 3]).toArray()).toEqual([[5, 7, 9]]);
    expect(sumTo(g, []).item()).toBe(21);
    expect(sumTo(g, [2, 3]).toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  it("equals tensorloom's gradient of the broadcast operand", () => {
    manualSeed(3);
    for (const [ps, qs] of [[[4, 1, 3], [2, 1]], [[5, 1], [1, 6]], [[3], [2, 4, 3]], [[2, 1, 1], [1, 3, 4]]]) {
      const p = randn(ps, { ...f64, requiresGrad: true }), q = randn(qs, { ...f64, requiresGrad: true });
      const y = p.mul(q);
      const g = randn(y.shape, f64);
      const [dp, dq] = grad(y, [p, q], { gradOutputs: g });
      expect(sumTo(g.mul(q), ps).sub(dp).abs().max().item()).toBeLessThan(1e-12);
      expect(sumTo(g.mul(p), qs).sub(dq).abs().max().item()).toBeLessThan(1e-12);
    }
  });

  it('refuses a shape that cannot have been broadcast to the gradient', () => {
    expect(() => sumTo(zeros([2, 3]), [4])).toThrow('sumTo: a gradient of shape [2,3] cannot come from broadcasting [4]');
    expect(() => sumTo(zeros([3]), [2, 3])).toThrow('sumTo: a gradient of shape [3] cannot come from broadcasting [2,3]');
  });
});

describe('permuteStrides', () => {
  it("gives the library's shape and strides for permuted (and already transposed) views", () => {
    const a = arange(24).reshape(2, 3, 4); // strides [12, 4, 1]
    expect(permuteStrides(a.shape, a.stride(), [2, 0, 1])).toEqual({ shape: [4, 2, 3], stride: [1, 12, 4] });
    for (const dims of [[0, 2, 1], [2, 1, 0], [1, 0, 2]]) {
      const v = a.permute(...dims);
      expect(permuteStrides(a.shape, a.stride(), dims)).toEqual({ shape: v.shape, stride: v.stride() });
      const w = v.permute(1, 2, 0);
      expect(permuteStrides(v.shape, v.stride(), [1, 2, 0])).toEqual({ shape: w.shape, stride: w.stride() });
    }
  });

  it('refuses dims that are not a permutation', () => {
    expect(() => permuteStrides([2, 3], [3, 1], [0, 0])).toThrow('permuteStrides: [0,0] is not a permutation of the 2 dims of [2,3]');
    expect(() => permuteStrides([2, 3], [3, 1], [1])).toThrow('permuteStrides: [1] is not a permutation of the 2 dims of [2,3]');
  });
});

describe('matmulBackward', () => {
  it('dA = dY Bᵀ and dB = Aᵀ dY on a 2 × 2 case by hand', () => {
    const A = tensor([[1, 2], [3, 4]], f64), B = tensor([[5, 6], [7, 8]], f64), dY = tensor([[1, 0], [0, 1]], f64);
    const { dA, dB } = matmulBackward(A, B, dY);
    expect(dA.toArray()).toEqual([[5, 7], [6, 8]]); // Bᵀ
    expect(dB.toArray()).toEqual([[1, 3], [2, 4]]); // Aᵀ
  });

  it("equals tensorloom's matmul gradients", () => {
    manualSeed(4);
    const A = randn([3, 5], { ...f64, requiresGrad: true }), B = randn([5, 2], { ...f64, requiresGrad: true });
    const dY = randn([3, 2], f64);
    const [gA, gB] = grad(A.matmul(B), [A, B], { gradOutputs: dY });
    const { dA, dB } = matmulBackward(A.detach(), B.detach(), dY);
    expect(dA.sub(gA).abs().max().item()).toBeLessThan(1e-12);
    expect(dB.sub(gB).abs().max().item()).toBeLessThan(1e-12);
  });

  it('refuses shapes that do not fit', () => {
    expect(() => matmulBackward(zeros([2, 3]), zeros([4, 2]), zeros([2, 2]))).toThrow('matmulBackward: A [2,3], B [4,2], dY [2,2] do not fit Y = A B');
  });
});
