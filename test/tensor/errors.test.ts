// errors.test.ts — bad input gets an Error whose message names the op and the offending shapes
// or values (API.md, Errors). One test per mistake; each pins the message, not just a throw.
// Also the empty-tensor reductions: max/argmax/mean over nothing throw, sum over nothing is 0.

import { describe, expect, it } from 'vitest';
import {
  cat, getBackend, ones, randint, registerBackend, setBackend, stack, tensor, where, zeros, type Backend,
} from '../../src/index.js';
import { CpuBackend } from '../../src/backend/cpu/index.js';

describe('error messages name the op and the shapes/values', () => {
  it('matmul with misaligned inner dims', () => {
    expect(() => zeros([2, 3]).matmul(zeros([4, 5]))).toThrow(/^matmul: shapes \[2,3\] and \[4,5\] are not aligned \(3 != 4\)$/);
    expect(() => zeros([3]).matmul(zeros([2]))).toThrow(/^matmul: shapes \[3\] and \[2\] are not aligned \(3 != 2\)$/);
    expect(() => zeros([]).matmul(zeros([2]))).toThrow(/^matmul: both arguments need to be at least 1-D, got shapes \[\] and \[2\]$/);
  });

  it('matmul with mismatched batch dims', () => {
    expect(() => zeros([2, 2, 3]).matmul(zeros([3, 3, 4]))).toThrow(/^matmul: shapes \[2\] and \[3\] cannot be broadcast together \(dim -1: 2 vs 3\)$/);
  });

  it('add of shapes that do not broadcast', () => {
    expect(() => zeros([2, 3]).add(zeros([4]))).toThrow(/^add: shapes \[2,3\] and \[4\] cannot be broadcast together \(dim -1: 3 vs 4\)$/);
    expect(() => zeros([2, 3]).mul(zeros([3, 3]))).toThrow(/^mul: shapes \[2,3\] and \[3,3\] cannot be broadcast together \(dim -2: 2 vs 3\)$/);
  });

  it('reshape to a different number of elements', () => {
    expect(() => zeros([2, 3]).reshape(4)).toThrow(/^reshape: shape \[4\] is invalid for input \[2,3\] of 6 elements$/);
    expect(() => zeros([2, 3]).reshape(-1, 4)).toThrow(/^reshape: shape \[-1,4\] is invalid for input \[2,3\] of 6 elements$/);
    expect(() => zeros([2, 3]).reshape(-1, -1)).toThrow(/^reshape: only one dimension can be -1, got \[-1,-1\]$/);
  });

  it('view of a non-contiguous tensor into an incompatible shape', () => {
    expect(() => zeros([2, 3]).t().view(6)).toThrow(/^view: shape \[6\] is not compatible with input \[3,2\] of strides \[1,3\]; use reshape$/);
    // the same reshape copies instead
    expect(zeros([2, 3]).t().reshape(6).shape).toEqual([6]);
  });

  it('a dim out of range', () => {
    expect(() => zeros([2, 3]).sum(5)).toThrow(/^sum: dim 5 is out of range for a tensor with 2 dims \(expected in \[-2, 1\]\)$/);
    expect(() => zeros([2, 3]).softmax(-3)).toThrow(/^softmax: dim -3 is out of range for a tensor with 2 dims \(expected in \[-2, 1\]\)$/);
    expect(() => zeros([2, 3]).unsqueeze(4)).toThrow(/^unsqueeze: dim 4 is out of range for a tensor with 3 dims \(expected in \[-3, 2\]\)$/);
    expect(() => zeros([2, 3]).sum([0, -2])).toThrow(/^sum: dim \[0,-2\] contains a repeated dimension$/);
  });

  it('permute with dims that are not a permutation', () => {
    expect(() => zeros([2, 3]).permute(0, 0)).toThrow(/^permute: dims \[0,0\] are not a permutation of the 2 dims of \[2,3\]$/);
    expect(() => zeros([2, 3, 4]).permute(1, 0)).toThrow(/^permute: dims \[1,0\] are not a permutation of the 3 dims of \[2,3,4\]$/);
  });

  it('expand to an incompatible size', () => {
    expect(() => zeros([2, 3]).expand(4, 3)).toThrow(/^expand: cannot expand \[2,3\] to \[4,3\] \(dim 0: 2 -> 4\)$/);
    expect(() => zeros([2, 3]).expand(3)).toThrow(/^expand: cannot expand \[2,3\] to fewer dims \[3\]$/);
  });

  it('narrow out of range', () => {
    expect(() => zeros([2, 3]).narrow(1, 2, 2)).toThrow(/^narrow: start 2 \+ length 2 exceeds dimension 1 of size 3 \(shape \[2,3\]\)$/);
  });

  it('cat of tensors whose other dims differ', () => {
    expect(() => cat([zeros([2, 3]), zeros([2, 4])], 0)).toThrow(/^cat: tensor 1 has shape \[2,4\], which does not match \[2,3\] outside dim 0$/);
    expect(() => cat([], 0)).toThrow(/^cat: expected a non-empty list of tensors$/);
    expect(() => cat([zeros([2]), zeros([2], { dtype: 'int32' })])).toThrow(/^cat: tensor 1 has dtype int32, expected float32$/);
  });

  it('stack of tensors with different shapes', () => {
    expect(() => stack([zeros([2, 3]), zeros([2, 4])])).toThrow(/^stack: tensor 1 has shape \[2,4\], expected \[2,3\]$/);
  });

  it('gather with an index out of bounds', () => {
    const idx = (v: number[][]) => tensor(v, { dtype: 'int32' });
    expect(() => zeros([2, 3]).gather(1, idx([[0, 5], [1, 1]]))).toThrow(/^gather: index 5 is out of bounds for dimension with size 3$/);
    expect(() => zeros([2, 3]).gather(1, idx([[0, -4], [1, 1]]))).toThrow(/^gather: index -4 is out of bounds for dimension with size 3$/);
    expect(() => zeros([2, 3]).gather(1, tensor([0, 1], { dtype: 'int32' }))).toThrow(/^gather: index \[2\] must have as many dims as the input \[2,3\]$/);
  });

  it('indexSelect with a float index, or one out of bounds', () => {
    expect(() => zeros([2, 3]).indexSelect(0, tensor([0, 1]))).toThrow(/^indexSelect: index must have dtype int32, got float32$/);
    expect(() => zeros([2, 3]).indexSelect(0, tensor([0, 7], { dtype: 'int32' }))).toThrow(/^indexSelect: index 7 is out of bounds for dimension with size 2$/);
  });

  it('where with a non-bool condition', () => {
    expect(() => where(tensor([1, 0]), zeros([2]), ones([2]))).toThrow(/^where: condition must have dtype bool, got float32$/);
    expect(() => where(tensor([true, false]), zeros([2]), ones([3]))).toThrow(/^where: shapes \[2\] and \[2\] and \[3\] cannot be broadcast together/);
  });

  it('maskedFill with a non-bool mask', () => {
    expect(() => zeros([2]).maskedFill(tensor([1, 0], { dtype: 'int32' }), 1)).toThrow(/^maskedFill: mask must be a bool Tensor, got int32$/);
  });

  it('item() on a multi-element tensor', () => {
    expect(() => zeros([2, 3]).item()).toThrow(/^item: a tensor with 6 elements \(shape \[2,3\]\) cannot be converted to a number$/);
    expect(() => zeros([0]).item()).toThrow(/^item: a tensor with 0 elements \(shape \[0\]\)/);
  });

  it('tensor() from a ragged nested array or non-numbers', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(/^tensor: ragged nested array at \[1\]: expected length 2, got 1$/);
    expect(() => tensor([[1, 2], 3])).toThrow(/^tensor: ragged nested array at \[1\]: expected length 2, got number$/);
    expect(() => tensor([1, [2]] as never)).toThrow(/^tensor: ragged nested array at \[1\]: expected a number, got an array$/);
    expect(() => tensor([1, 'a'] as never)).toThrow(/^tensor: element at \[1\] is string, expected a number or boolean$/);
    expect(() => tensor(null as never)).toThrow(/^tensor: cannot make a tensor from null$/);
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow(/^tensor: shape \[2,2\] needs 4 values, got 3$/);
    expect(() => tensor([1.5], { dtype: 'int32' })).toThrow(/^tensor: value 1.5 at flat index 0 is not a valid int32$/);
  });

  it('an unknown dtype names the op that was called', () => {
    expect(() => zeros([2], { dtype: 'float16' as never })).toThrow(/^zeros: unknown dtype 'float16' \(expected float32, float64, int32 or bool\)$/);
    expect(() => ones([2], { dtype: 'half' as never })).toThrow(/^ones: unknown dtype 'half'/);
    expect(() => tensor([1], { dtype: 'int64' as never })).toThrow(/^tensor: unknown dtype 'int64'/);
    expect(() => zeros([2]).to('uint8' as never)).toThrow(/^to: unknown dtype 'uint8' \(expected float32, float64, int32 or bool\)$/);
  });

  it('a negative size names the op', () => {
    expect(() => zeros([2, -1])).toThrow(/^zeros: shape \[2,-1\] must contain non-negative integers$/);
  });

  it('requiresGrad on an int tensor', () => {
    expect(() => zeros([2], { dtype: 'int32', requiresGrad: true })).toThrow(/^requiresGrad_: only floating point tensors can require gradients, got int32$/);
  });

  it('randint with low >= high', () => {
    expect(() => randint(5, 5, [3])).toThrow(/^randint: need integers low < high, got low=5, high=5$/);
    expect(() => randint(7, 2, [3])).toThrow(/^randint: need integers low < high, got low=7, high=2$/);
  });

  it('backward twice without retainGraph', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward();
    expect(() => y.backward()).toThrow(/^backward: trying to backward through the graph a second time \(at 'sum'\)/);
  });

  it('mixing tensors from two backends', () => {
    // a second backend object under the name 'gpujs' (the CPU kernels, so it runs anywhere)
    class OtherBackend extends CpuBackend { override readonly name = 'gpujs' as 'cpu'; }
    registerBackend('gpujs', () => new OtherBackend() as Backend);
    setBackend('cpu');
    const a = zeros([2]);
    setBackend('gpujs');
    let b;
    try {
      b = zeros([2]);
      expect(getBackend()).toBe('gpujs');
    } finally {
      setBackend('cpu');
    }
    expect(b.backend).toBe('gpujs');
    expect(() => a.add(b)).toThrow(/^add: tensors are on different backends \('cpu' and 'gpujs'\)/);
    expect(() => a.matmul(b)).toThrow(/^matmul: tensors are on different backends \('cpu' and 'gpujs'\)/);
    expect(() => cat([a, b])).toThrow(/^cat: tensors are on different backends/);
  });

  it('setBackend with an unknown name', () => {
    expect(() => setBackend('tpu' as never)).toThrow(/^setBackend: unknown or unavailable backend 'tpu' \(available: cpu/);
    expect(getBackend()).toBe('cpu');
  });

  it('.grad assignment of the wrong shape', () => {
    const p = zeros([2, 2], { requiresGrad: true });
    expect(() => { p.grad = zeros([4]); }).toThrow(/^grad: assigned grad has shape \[4\], tensor has \[2,2\]$/);
  });
});

describe('empty-tensor reductions', () => {
  it('max and argmax over a zero-size dim throw naming the op', () => {
    expect(() => zeros([0, 3]).max(0)).toThrow(/^max: cannot reduce over a zero-size dimension \(input shape \[0,3\], dims \[0\]\)$/);
    expect(() => zeros([0, 3]).min(0)).toThrow(/^min: cannot reduce over a zero-size dimension \(input shape \[0,3\], dims \[0\]\)$/);
    expect(() => zeros([0, 3]).max()).toThrow(/^max: cannot reduce over a zero-size dimension \(input shape \[0,3\], dims \[0,1\]\)$/);
    expect(() => zeros([0, 3]).argmax(0)).toThrow(/^argmax: cannot reduce over a zero-size dimension \(input shape \[0,3\], dims \[0\]\)$/);
    expect(() => zeros([0]).argmax()).toThrow(/^argmax: cannot reduce over a zero-size dimension \(input shape \[0\], dims \[0\]\)$/);
    expect(() => zeros([2, 0]).amax(1)).toThrow(/^max: cannot reduce over a zero-size dimension \(input shape \[2,0\], dims \[1\]\)$/);
  });

  it('reducing a non-empty dim of an empty tensor gives an empty result', () => {
    expect(zeros([0, 3]).argmax(1).shape).toEqual([0]);
    expect(zeros([0, 3]).max(1).values.shape).toEqual([0]);
  });

  it('mean and var over zero elements throw instead of returning NaN', () => {
    expect(() => zeros([0]).mean()).toThrow(/^mean: cannot reduce over a zero-size dimension \(input shape \[0\], dims \[0\]\)$/);
    expect(() => zeros([0, 3]).mean(0)).toThrow(/^mean: cannot reduce over a zero-size dimension \(input shape \[0,3\], dims \[0\]\)$/);
    expect(() => zeros([0]).var()).toThrow(/^var: cannot reduce over a zero-size dimension/);
  });

  it('sum over nothing is 0', () => {
    const s = zeros([0]).sum();
    expect([s.shape, s.item()]).toEqual([[], 0]);
    expect(zeros([0, 3]).sum(0).toArray()).toEqual([0, 0, 0]);
    expect(zeros([2, 0]).sum(1, true).toArray()).toEqual([[0], [0]]);
    expect(zeros([0], { dtype: 'int32' }).sum().item()).toBe(0);
  });
});
