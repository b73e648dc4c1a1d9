// errors.test.ts — bad input to an op throws an Error naming the op and the offending
// shapes/values (API.md "Errors"): one line per (bad call, expected message).

import { expect, it } from 'vitest';
import { cat, gelu, indexAdd, matmul, scatterAdd, split, stack, tensor, where, zeros, type Tensor } from '../../src/index.js';
import { describeEachBackend } from '../helpers/backends.js';

const x23 = (): Tensor => zeros([2, 3]);
const idx = (v: number[]): Tensor => tensor(v, { dtype: 'int32' });

describeEachBackend('op errors', (b) => {
  const cases: [string, () => unknown, RegExp | string][] = [
    ['add of unbroadcastable shapes', () => x23().add(zeros([4])), 'add: shapes [2,3] and [4] cannot be broadcast together'],
    ['mul of unbroadcastable shapes', () => zeros([2, 3]).mul(zeros([3, 2])), /^mul: shapes \[2,3\] and \[3,2\] cannot be broadcast/],
    ['where of unbroadcastable shapes', () => where(zeros([2]).gt(0), x23(), 0), /^where: shapes/],
    ['where with a float condition', () => where(x23(), x23(), 0), 'where: condition must have dtype bool, got float32'],
    ['matmul not aligned', () => matmul(zeros([2, 3]), zeros([4, 5])), 'matmul: shapes [2,3] and [4,5] are not aligned (3 != 4)'],
    ['matmul 1-D not aligned', () => zeros([3]).matmul(zeros([4])), 'matmul: shapes [3] and [4] are not aligned (3 != 4)'],
    ['matmul of a 0-d tensor', () => zeros([]).matmul(zeros([3])), /^matmul: both arguments need to be at least 1-D/],
    ['matmul batch dims not broadcastable', () => zeros([2, 3, 4]).matmul(zeros([3, 4, 5])), /^matmul: shapes \[2\] and \[3\] cannot be broadcast/],
    // (a backend without float64 refuses to make the float64 operand, naming itself and float64)
    ['matmul of mixed dtypes', () => x23().matmul(zeros([3, 2], { dtype: 'float64' })), b.float64 ? 'matmul: dtypes must match, got float32 and float64' : /float64 is not supported/],
    ['matmul of float32 and int32', () => x23().matmul(zeros([3, 2], { dtype: 'int32' })), 'matmul: dtypes must match, got float32 and int32'],
    ['sum over a dim out of range', () => x23().sum(2), /^sum: dim 2 is out of range for a tensor with 2 dims/],
    ['sum over a repeated dim', () => x23().sum([1, -1]), /^sum: dim \[1,-1\] contains a repeated dimension/],
    ['softmax over a dim out of range', () => x23().softmax(-3), /^softmax: dim -3 is out of range/],
    ['max over a dim out of range', () => x23().max(5), /^max: dim 5 is out of range/],
    ['reshape to the wrong size', () => x23().reshape(4, 4), 'reshape: shape [4,4] is invalid for input [2,3] of 6 elements'],
    ['reshape with two -1', () => x23().reshape(-1, -1), /^reshape: only one dimension can be -1/],
    ['view of incompatible strides', () => x23().t().view(6), /^view: shape \[6\] is not compatible with input \[3,2\]/],
    ['permute with a repeated dim', () => zeros([2, 3, 4]).permute(0, 0, 1), /^permute: dims \[0,0,1\] are not a permutation/],
    ['permute with too few dims', () => zeros([2, 3, 4]).permute(1, 0), /^permute: dims \[1,0\] are not a permutation/],
    ['transpose dim out of range', () => x23().transpose(0, 2), /^transpose: dim 2 is out of range/],
    ['expand a non-1 dim', () => zeros([3]).expand(2, 4), 'expand: cannot expand [3] to [2,4] (dim 1: 3 -> 4)'],
    ['expand to fewer dims', () => x23().expand(3), /^expand: cannot expand \[2,3\] to fewer dims \[3\]/],
    ['unsqueeze dim out of range', () => x23().unsqueeze(4), /^unsqueeze: dim 4 is out of range/],
    ['squeeze dim out of range', () => x23().squeeze(2), /^squeeze: dim 2 is out of range/],
    ['narrow past the end', () => x23().narrow(1, 2, 2), /^narrow: start 2 \+ length 2 exceeds dimension 1 of size 3/],
    ['slice with step 0', () => x23().slice(1, 0, 3, 0), 'slice: step must be a positive integer, got 0'],
    ['select index out of range', () => x23().select(1, 3), /^select: index 3 is out of range for dim 1 of size 3/],
    ['repeat with too few counts', () => x23().repeat(2), /^repeat: got 1 repeat counts for a tensor with 2 dims/],
    ['cat of mismatched shapes', () => cat([x23(), zeros([2, 4])], 0), /^cat: tensor 1 has shape \[2,4\], which does not match \[2,3\] outside dim 0/],
    ['cat of mixed dtypes', () => cat([x23(), zeros([2, 3], { dtype: 'int32' })], 0), 'cat: tensor 1 has dtype int32, expected float32'],
    ['cat of 0-d tensors', () => cat([zeros([]), zeros([])]), 'cat: zero-dimensional tensors cannot be concatenated; use stack'],
    ['cat of nothing', () => cat([], 0), /^cat: expected a non-empty list/],
    ['stack of mismatched shapes', () => stack([x23(), zeros([3, 2])]), /^stack: tensor 1 has shape \[3,2\], expected \[2,3\]/],
    ['split sizes not summing to the dim', () => split(x23(), [1, 1], 1), /^split: sizes \[1,1\] do not sum to dim 1 of size 3/],
    ['chunk into 0 pieces', () => x23().chunk(0), /^chunk: chunks must be a positive integer/],
    ['gather index out of bounds', () => x23().gather(1, idx([0, 3]).reshape(1, 2)), /^gather: index 3 is out of bounds for dimension with size 3/],
    ['gather with a float index', () => x23().gather(1, x23()), 'gather: index must have dtype int32, got float32'],
    ['gather index of another rank', () => x23().gather(1, idx([0])), /^gather: index \[1\] must have as many dims as the input \[2,3\]/],
    ['gather index larger than the input', () => x23().gather(1, zeros([3, 1], { dtype: 'int32' })), /^gather: index \[3,1\] is larger than input \[2,3\] at dim 0/],
    ['indexSelect index out of bounds', () => x23().indexSelect(0, idx([0, -3])), /^indexSelect: index -3 is out of bounds for dimension with size 2/],
    ['indexSelect with a 2-D index', () => x23().indexSelect(0, idx([0, 1]).reshape(1, 2)), /^indexSelect: index must be 0-D or 1-D, got shape \[1,2\]/],
    ['scatterAdd index out of bounds', () => scatterAdd([2, 3], 1, idx([0, 7]).reshape(1, 2), zeros([1, 2])), /^scatterAdd: index 7 is out of bounds/],
    ['scatterAdd src shape differs from the index', () => scatterAdd([2, 3], 1, idx([0, 1]).reshape(1, 2), zeros([2, 2])), /^scatterAdd: src \[2,2\] must have the same shape as index \[1,2\]/],
    ['indexAdd src does not fit', () => indexAdd([2, 3], 0, idx([0, 1]), zeros([3, 3])), /^indexAdd: src \[3,3\] does not fit shape \[2,3\]/],
    ['maskedFill with a float mask', () => x23().maskedFill(x23(), 1), 'maskedFill: mask must be a bool Tensor, got float32'],
    ['maskedFill mask broadcasting past the input', () => zeros([3]).maskedFill(zeros([2, 3]).eq(0), 1), /^maskedFill: mask \[2,3\] does not broadcast to the input shape \[3\]/],
    ['tril of a 1-D tensor', () => zeros([3]).tril(), 'tril: input must have at least 2 dims, got [3]'],
    ['clamp without bounds', () => x23().clamp(), 'clamp: at least one of min or max must be given'],
    ['clamp with min > max', () => x23().clamp(1, 0), 'clamp: min 1 is greater than max 0'],
    ['gelu with an unknown approximation', () => gelu(x23(), { approximate: 'fast' as 'tanh' }), "gelu: approximate must be 'none' or 'tanh', got 'fast'"],
    ['t() of a 3-D tensor', () => zeros([2, 3, 4]).t(), /^t: expects a tensor with <= 2 dims, got \[2,3,4\]/],
  ];
  for (const [name, call, message] of cases) {
    it(name, () => {
      expect(call).toThrow(message);
    });
  }
});
