// empty.test.ts — zero-size dims: every op gives the right (possibly empty) shape, sums over an
// empty dim give 0, matmul with K = 0 gives zeros, cat skips empty pieces, gradients keep their
// shapes, and nothing produces NaN. Reductions with no identity (mean, var, amax) throw.

import { expect, it } from 'vitest';
import { cat, split, stack, tensor, zeros, type Tensor } from '../../src/index.js';
import { describeEachBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/close.js';

const noNaN = (t: Tensor): boolean => !Array.from(t.dataSync()).some((v) => Number.isNaN(v));
const empty03 = (requiresGrad = false): Tensor => zeros([0, 3], { requiresGrad });

describeEachBackend('zero-size dims', () => {
  // [description, op, expected shape, expected values (row-major)]
  const cases: [string, () => Tensor, number[], number[]][] = [
    ['sum over the empty dim of [0,3] gives zeros [3]', () => empty03().sum(0), [3], [0, 0, 0]],
    ['sum() of [0,3] gives 0', () => empty03().sum(), [], [0]],
    ['sum(keepdim) over the empty dim gives zeros [1,3]', () => empty03().sum(0, true), [1, 3], [0, 0, 0]],
    ['sum over the non-empty dim of [0,3] gives [0]', () => empty03().sum(1), [0], []],
    ['sum of int32 [0] gives 0 int32', () => tensor([], { dtype: 'int32' }).sum(), [], [0]],
    ['matmul [2,0]@[0,3] gives zeros [2,3]', () => zeros([2, 0]).matmul(zeros([0, 3])), [2, 3], [0, 0, 0, 0, 0, 0]],
    ['matmul [0,3]@[3,2] gives [0,2]', () => empty03().matmul(zeros([3, 2])), [0, 2], []],
    ['matmul [0]@[0] gives 0', () => zeros([0]).matmul(zeros([0])), [], [0]],
    ['matmul batched [0,2,3]@[3,4]', () => zeros([0, 2, 3]).matmul(zeros([3, 4])), [0, 2, 4], []],
    ['matmul batched [2,1,0]@[0,3] gives zeros [2,1,3]', () => zeros([2, 1, 0]).matmul(zeros([0, 3])), [2, 1, 3], [0, 0, 0, 0, 0, 0]],
    ['cat with an empty piece on dim 1', () => cat([tensor([[1, 2], [3, 4]]), zeros([2, 0]), tensor([[5], [6]])], 1), [2, 3], [1, 2, 5, 3, 4, 6]],
    ['cat with an empty piece on dim 0', () => cat([empty03(), tensor([[1, 2, 3]])], 0), [1, 3], [1, 2, 3]],
    ['cat of empty pieces', () => cat([empty03(), empty03()], 0), [0, 3], []],
    ['stack of empty tensors', () => stack([empty03(), empty03()], 1), [0, 2, 3], []],
    ['exp of [0,3]', () => empty03().exp(), [0, 3], []],
    ['[0,3] + [3] broadcasts to [0,3]', () => empty03().add(tensor([1, 2, 3])), [0, 3], []],
    ['[0,1] * [1,4] broadcasts to [0,4]', () => zeros([0, 1]).mul(zeros([1, 4])), [0, 4], []],
    ['where on [0,3]', () => empty03().where(empty03().gt(0), 1), [0, 3], []],
    ['softmax of [0,3] along dim 1', () => empty03().softmax(1), [0, 3], []],
    ['softmax of [3,0] along the empty dim', () => zeros([3, 0]).softmax(1), [3, 0], []],
    ['logsumexp over an empty dim is -inf', () => zeros([0, 2]).logsumexp(0), [2], [-Infinity, -Infinity]],
    ['reshape [0,3] -> [3,0]', () => empty03().reshape(3, 0), [3, 0], []],
    ['transpose of [0,3]', () => empty03().t(), [3, 0], []],
    ['expand [0,1] -> [0,4]', () => zeros([0, 1]).expand(0, 4), [0, 4], []],
    ['slice to an empty range', () => tensor([[1, 2, 3]]).slice(1, 2, 2), [1, 0], []],
    ['slice with start past the end', () => tensor([[1, 2, 3]]).slice(1, 5), [1, 0], []],
    ['narrow of length 0', () => tensor([[1, 2, 3]]).narrow(1, 3, 0), [1, 0], []],
    ['split with an empty piece', () => split(tensor([1, 2, 3]), [3, 0])[1], [0], []],
    ['indexSelect with an empty index', () => tensor([[1, 2, 3]]).indexSelect(1, tensor([], { dtype: 'int32' })), [1, 0], []],
    ['gather with an empty index', () => tensor([[1, 2, 3]]).gather(1, zeros([1, 0], { dtype: 'int32' })), [1, 0], []],
    ['repeat with a 0 count', () => tensor([1, 2]).repeat(0), [0], []],
    ['tril of [0,0]', () => zeros([0, 0]).tril(), [0, 0], []],
    ['argmax over a non-empty dim of [0,3]', () => empty03().argmax(1), [0], []],
    ['amax over a non-empty dim of [0,3]', () => empty03().amax(1), [0], []],
  ];
  for (const [name, make, shape, values] of cases) {
    it(name, () => {
      const y = make();
      expect(y.shape).toEqual(shape);
      expect(noNaN(y)).toBe(true);
      expectClose(y.dataSync(), values, 0, 0);
    });
  }

  it('gradients through ops on empty tensors keep their shapes', () => {
    const e = empty03(true);
    const w = tensor([1, 2, 3], { requiresGrad: true });
    e.mul(w).sum().add(w.sum()).backward();
    expect(e.grad!.shape).toEqual([0, 3]);
    expect(w.grad!.toArray()).toEqual([1, 1, 1]); // the empty product adds nothing
  });

  it('matmul with K = 0: gradients are empty / zero', () => {
    const a = zeros([2, 0], { requiresGrad: true }), b = zeros([0, 3], { requiresGrad: true });
    a.matmul(b).sum().backward();
    expect(a.grad!.shape).toEqual([2, 0]);
    expect(b.grad!.shape).toEqual([0, 3]);
    const c = zeros([2, 1, 0], { requiresGrad: true }), d = zeros([0, 3], { requiresGrad: true }); // a batch against one matrix
    c.matmul(d).sum().backward();
    expect(c.grad!.shape).toEqual([2, 1, 0]);
    expect(d.grad!.shape).toEqual([0, 3]);
  });

  it('cat with an empty piece: the gradient is split back, the empty piece gets an empty one', () => {
    const a = tensor([[1, 2], [3, 4]], { requiresGrad: true }), e = zeros([2, 0], { requiresGrad: true });
    cat([e, a], 1).mul(tensor([[1, 2], [3, 4]])).sum().backward();
    expect(a.grad!.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(e.grad!.shape).toEqual([2, 0]);
  });

  it('reductions without an identity throw on an empty dim, naming the op', () => {
    expect(() => empty03().mean(0)).toThrow(/mean: cannot reduce over a zero-size dimension/);
    expect(() => empty03().var(0)).toThrow(/var: cannot reduce over a zero-size dimension/);
    expect(() => empty03().amax()).toThrow(/max: cannot reduce over a zero-size dimension/);
    expect(() => empty03().max(0)).toThrow(/max: cannot reduce over a zero-size dimension/);
    expect(() => empty03().argmax()).toThrow(/argmax: cannot reduce over a zero-size dimension/);
  });

  it('reshape with -1 of an empty tensor is ambiguous and throws', () => {
    expect(() => empty03().reshape(0, -1)).toThrow(/reshape: shape \[0,-1\] is invalid/);
  });
});
