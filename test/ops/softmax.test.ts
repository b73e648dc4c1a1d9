// softmax.test.ts — logsumexp, softmax and logSoftmax along every dim (negative too), with
// keepdim, on large inputs (stability), forward against the reference and backward by gradcheck.

import { describe, expect, it } from 'vitest';
import { logSoftmax, logsumexp, softmax, tensor } from '../../src/index.js';
import { F, op, runOpTable, V } from '../helpers/optable.js';
import { expectClose } from '../helpers/close.js';
import * as R from '../helpers/reference.js';

const X = F([2, 3, 4]);

runOpTable('softmax family', [
  ...[0, 1, 2, -1, -2].flatMap((d) => [
    op(`softmax(${d}) [2,3,4]`, [X], (x) => x.softmax(d), (x) => R.lanes(x, d, R.softmaxOf)),
    op(`logSoftmax(${d}) [2,3,4]`, [X], (x) => x.logSoftmax(d), (x) => R.lanes(x, d, R.logSoftmaxOf)),
    op(`logsumexp(${d}) [2,3,4]`, [X], (x) => x.logsumexp(d), (x) => R.reduce(x, d, false, R.logsumexpOf)),
  ]),
  op('softmax [5]', [F([5])], (x) => softmax(x, 0), (x) => R.lanes(x, 0, R.softmaxOf)),
  op('logSoftmax [5]', [F([5])], (x) => logSoftmax(x, -1), (x) => R.lanes(x, 0, R.logSoftmaxOf)),
  op('softmax [3,1] over the size-1 dim', [F([3, 1])], (x) => x.softmax(1), (x) => R.lanes(x, 1, R.softmaxOf)),
  op('softmax 0-d', [F([])], (x) => x.softmax(0), (x) => R.map(x, () => 1)),
  op('logSoftmax 0-d', [F([])], (x) => x.logSoftmax(0), (x) => R.map(x, () => 0)),
  op('logsumexp(1, keepdim)', [X], (x) => x.logsumexp(1, true), (x) => R.reduce(x, 1, true, R.logsumexpOf)),
  op('logsumexp([0,2])', [X], (x) => logsumexp(x, [0, 2]), (x) => R.reduce(x, [0, 2], false, R.logsumexpOf)),
  op('logsumexp([-1,0], keepdim)', [X], (x) => x.logsumexp([-1, 0], true), (x) => R.reduce(x, [2, 0], true, R.logsumexpOf)),
  op('logsumexp [5]', [F([5])], (x) => x.logsumexp(0), (x) => R.reduce(x, 0, false, R.logsumexpOf)),
  // large logits: max-subtraction keeps these finite
  op('softmax large logits', [V([2, 3], [1000, 1001, 1002, -1000, -1001, -999])], (x) => x.softmax(-1), (x) => R.lanes(x, -1, R.softmaxOf)),
  op('logSoftmax large logits', [V([2, 3], [1000, 1001, 1002, -1000, -1001, -999])], (x) => x.logSoftmax(-1), (x) => R.lanes(x, -1, R.logSoftmaxOf)),
  op('logsumexp large logits', [V([2, 3], [1000, 1001, 1002, -1000, -1001, -999])], (x) => x.logsumexp(-1), (x) => R.reduce(x, -1, false, R.logsumexpOf)),
  op('softmax composed with matmul', [F([2, 3]), F([3, 4])], (a, b) => a.matmul(b).softmax(-1), (a, b) => R.lanes(R.matmul(a, b), -1, R.softmaxOf)),
]);

describe('softmax edge values', () => {
  it('rows of softmax sum to 1 and logSoftmax = log(softmax)', () => {
    const x = tensor([[0.5, -1, 3, 2], [7, 7, 7, 7]], { dtype: 'float64' });
    expectClose(x.softmax(1).sum(1), [1, 1], 1e-12, 1e-12);
    expectClose(x.logSoftmax(1), x.softmax(1).log().toArray(), 1e-12, 1e-12);
    expectClose(x.softmax(1).select(0, 1), [0.25, 0.25, 0.25, 0.25], 1e-15, 0);
  });
  it('a fully masked row: softmax and logSoftmax give NaN, logsumexp -inf (as PyTorch)', () => {
    const x = tensor([[-Infinity, -Infinity], [0, -Infinity]]);
    expect(x.softmax(1).toArray()).toEqual([[NaN, NaN], [1, 0]]);
    expect(x.logSoftmax(1).toArray()).toEqual([[NaN, NaN], [0, -Infinity]]);
    expect(x.logsumexp(1).toArray()).toEqual([-Infinity, 0]);
  });
  it('int32 input computes in float32', () => {
    const y = tensor([1, 2, 3], { dtype: 'int32' }).softmax(0);
    expect(y.dtype).toBe('float32');
    expectClose(y, R.softmaxOf([1, 2, 3]));
  });
});
