// indexing.test.ts — gather, indexSelect, maskedFill, tril, triu, scatterAdd, indexAdd: forward
// against the reference, backward by gradcheck (with repeated and negative indices, so gradients
// must accumulate), on non-contiguous data, index and mask views too.

import { gather, indexAdd, indexSelect, maskedFill, scatterAdd, tril, triu } from '../../src/index.js';
import { B, F, I, op, runOpTable } from '../helpers/optable.js';
import * as R from '../helpers/reference.js';

const fill = (value: number) => (x: R.Ref, m: R.Ref): R.Ref => R.zip((v, k) => (k ? value : v), x, m);

runOpTable('indexing', [
  // gather: out[i][j] = x[i][index[i][j]] on dim 1
  op('gather dim 1 [2,4] idx [2,3]', [F([2, 4]), I([2, 3], [0, 4], true)], (x, i) => x.gather(1, i), (x, i) => R.gather(x, 1, i)),
  op('gather dim 0 [3,2] idx [4,2]', [F([3, 2]), I([4, 2], [0, 3], true)], (x, i) => x.gather(0, i), (x, i) => R.gather(x, 0, i)),
  op('gather dim -1 [2,3,4] idx [2,3,2]', [F([2, 3, 4]), I([2, 3, 2], [0, 4], true)], (x, i) => gather(x, -1, i), (x, i) => R.gather(x, 2, i)),
  op('gather smaller index [3,4] idx [2,2]', [F([3, 4]), I([2, 2], [0, 4], true)], (x, i) => x.gather(1, i), (x, i) => R.gather(x, 1, i)),
  op('gather 0-d', [F([]), I([], [0])], (x, i) => x.gather(0, i), (x, i) => R.gather(x, 0, i)),
  op('gather negative and repeated', [F([2, 3]), I([2, 4], [-1, 0, -1, 2, 1, 1, -3, 0])], (x, i) => x.gather(1, i), (x, i) => R.gather(x, 1, i)),
  // indexSelect
  op('indexSelect dim 0 [4,3] idx [5]', [F([4, 3]), I([5], [3, 0, 3, 1, 2])], (x, i) => x.indexSelect(0, i), (x, i) => R.indexSelect(x, 0, i)),
  op('indexSelect dim 1 [2,4,3] idx [2]', [F([2, 4, 3]), I([2], [2, 0])], (x, i) => indexSelect(x, 1, i), (x, i) => R.indexSelect(x, 1, i)),
  op('indexSelect dim -1 negative', [F([3, 4]), I([3], [-1, 0, -1])], (x, i) => x.indexSelect(-1, i), (x, i) => R.indexSelect(x, 1, i)),
  op('indexSelect 0-d index', [F([4, 3]), I([], [2])], (x, i) => x.indexSelect(0, i), (x, i) => R.indexSelect(x, 0, i)),
  // maskedFill (number or 0-d tensor value; the tensor value gets a gradient too)
  op('maskedFill [2,3]', [F([2, 3]), B([2, 3])], (x, m) => x.maskedFill(m, 0.5), fill(0.5)),
  op('maskedFill mask [3]', [F([2, 3]), B([3])], (x, m) => x.maskedFill(m, -1), fill(-1)),
  op('maskedFill mask [2,1]', [F([2, 3]), B([2, 1])], (x, m) => maskedFill(x, m, 2), fill(2)),
  op('maskedFill -inf then softmax', [F([2, 3]), B([2, 3], [false, true, false, true, false, false])],
    (x, m) => x.maskedFill(m, -Infinity).softmax(-1),
    (x, m) => R.lanes(R.zip((v, k) => (k ? -Infinity : v), x, m), -1, R.softmaxOf), { layouts: ['contiguous', 'permuted', 'strided'] }),
  op('maskedFill tensor value', [F([2, 3]), B([2, 3]), F([])], (x, m, v) => x.maskedFill(m, v), (x, m, v) => R.zip((a, k, b) => (k ? b : a), x, m, v)),
  // tril / triu
  ...[0, 1, -1, 2].flatMap((k) => [
    op(`tril(${k}) [3,4]`, [F([3, 4])], (x) => x.tril(k), (x) => R.triangle(x, k, false)),
    op(`triu(${k}) [3,4]`, [F([3, 4])], (x) => x.triu(k), (x) => R.triangle(x, k, true)),
  ]),
  op('tril [2,3,3]', [F([2, 3, 3])], (x) => tril(x), (x) => R.triangle(x, 0, false)),
  op('triu(-1) [4,3]', [F([4, 3])], (x) => triu(x, -1), (x) => R.triangle(x, -1, true)),
  // scatterAdd / indexAdd build a new tensor of the given shape; the gradient flows to src
  op('scatterAdd dim 1 [3,4]', [I([3, 2], [0, 4], true), F([3, 2])], (i, s) => scatterAdd([3, 4], 1, i, s), (i, s) => R.scatterAdd([3, 4], 1, i, s)),
  op('scatterAdd dim 0 repeated', [I([4, 2], [1, 1, 0, 1, 1, 0, -1, 1]), F([4, 2])], (i, s) => scatterAdd([3, 2], 0, i, s), (i, s) => R.scatterAdd([3, 2], 0, i, s)),
  op('scatterAdd smaller index [2,3,2] into [2,3,4]', [I([2, 3, 2], [0, 4], true), F([2, 3, 2])], (i, s) => scatterAdd([2, 3, 4], -1, i, s), (i, s) => R.scatterAdd([2, 3, 4], 2, i, s)),
  op('indexAdd dim 0 repeated', [I([4], [1, 3, 1, 0]), F([4, 3])], (i, s) => indexAdd([5, 3], 0, i, s), (i, s) => R.indexAdd([5, 3], 0, i, s)),
  op('indexAdd dim 1 negative', [I([2], [-1, 0]), F([2, 2, 3])], (i, s) => indexAdd([2, 4, 3], 1, i, s), (i, s) => R.indexAdd([2, 4, 3], 1, i, s)),
  op('gather of scatterAdd', [F([2, 3]), I([2, 3], [0, 2, 1, 1, 1, 0])], (s, i) => scatterAdd([2, 3], 1, i, s).gather(1, i), (s, i) => R.gather(R.scatterAdd([2, 3], 1, i, s), 1, i)),
]);
