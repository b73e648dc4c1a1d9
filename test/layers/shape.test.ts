// shape.test.ts — Flatten and Unflatten: output shapes and row-major element order for the
// default and explicit dim ranges, gradients flowing back in the input's shape, and the errors.
// On every backend (the gradcheck: float32 analytic gradients vs cpu where there is no float64).

import { expect, it } from 'vitest';
import { arange, tensor, zeros } from '../../src/index.js';
import { Flatten, Unflatten } from '../../src/layers/shape.js';
import { describeEachBackend } from '../helpers/backends.js';
import { expectGradcheck } from '../helpers/crosscheck.js';

describeEachBackend('Flatten', (bc) => {
  const dtype = bc.float64 ? 'float64' : 'float32';
  it('default (startDim 1, endDim -1): (N, C, H, W) -> (N, C·H·W), row-major order kept', () => {
    const x = arange(24).reshape([2, 3, 2, 2]);
    const y = new Flatten().forward(x);
    expect(y.shape).toEqual([2, 12]);
    expect(y.toArray()).toEqual([[...Array(12).keys()], [...Array(12).keys()].map((i) => i + 12)]);
  });
  it('explicit ranges', () => {
    const x = zeros([2, 3, 4, 5]);
    expect(new Flatten(0, -1).forward(x).shape).toEqual([120]);
    expect(new Flatten(1, 2).forward(x).shape).toEqual([2, 12, 5]);
    expect(new Flatten(-2).forward(x).shape).toEqual([2, 3, 20]);
    expect(new Flatten(2, 2).forward(x).shape).toEqual([2, 3, 4, 5]);
    expect(new Flatten().forward(zeros([7, 3])).shape).toEqual([7, 3]);
  });
  it('a non-contiguous input is flattened in its logical order', () => {
    const x = arange(6).reshape([1, 2, 3]).transpose(1, 2); // (1, 3, 2): [[0, 3], [1, 4], [2, 5]]
    expect(new Flatten().forward(x).toArray()).toEqual([[0, 3, 1, 4, 2, 5]]);
  });
  it('gradient comes back in the input shape', () => {
    const x = tensor([[[1, 2], [3, 4]]], { dtype, requiresGrad: true });
    new Flatten().forward(x).mul(tensor([[1, 2, 3, 4]], { dtype })).sum().backward();
    expect(x.grad!.toArray()).toEqual([[[1, 2], [3, 4]]]);
    expectGradcheck(bc, (dt) => ({ fn: (a) => new Flatten().forward(a).pow(2), inputs: [tensor([[[0.5, -1], [2, 0.25]]], { dtype: dt, requiresGrad: true })] }));
  });
  it('errors name the op and the dims', () => {
    expect(() => new Flatten().forward(zeros([5]))).toThrow('flatten: dim 1 is out of range for a tensor with 1 dims (expected in [-1, 0])');
    expect(() => new Flatten(2, 1).forward(zeros([2, 3, 4]))).toThrow('flatten: startDim 2 comes after endDim 1');
  });
  it('has no state', () => {
    expect(new Flatten().stateDict()).toEqual({});
  });
});

describeEachBackend('Unflatten', () => {
  it('splits one dim into several (inverse of Flatten)', () => {
    const x = arange(24).reshape([2, 3, 4]);
    const flat = new Flatten().forward(x);
    const back = new Unflatten(1, [3, 4]).forward(flat);
    expect(back.shape).toEqual([2, 3, 4]);
    expect(back.toArray()).toEqual(x.toArray());
    expect(new Unflatten(-1, [2, -1]).forward(zeros([5, 6])).shape).toEqual([5, 2, 3]);
    expect(new Unflatten(0, [1, 2]).forward(zeros([2])).shape).toEqual([1, 2]);
  });
  it('errors when the sizes do not multiply to the dim', () => {
    expect(() => new Unflatten(1, [4, 4]).forward(zeros([2, 12]))).toThrow('Unflatten: dim 1 of input [2,12] has size 12, which cannot be unflattened into [4,4]');
    expect(() => new Unflatten(1, [5, -1]).forward(zeros([2, 12]))).toThrow('Unflatten: dim 1 of input [2,12] has size 12, which cannot be unflattened into [5,-1]');
    expect(() => new Unflatten(2, [1]).forward(zeros([2, 12]))).toThrow('Unflatten: dim 2 is out of range for a tensor with 2 dims (expected in [-2, 1])');
  });
});
