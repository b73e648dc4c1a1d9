// matmul.test.ts — matmul with NumPy's rules: 1-D·1-D (0-d result), 1-D·2-D, 2-D·1-D, 2-D,
// batched 3-D, broadcast batch dims, 1-D against a batch, and transposed/expanded operands.
// Forward against the reference triple loop, backward by gradcheck.

import { matmul } from '../../src/index.js';
import { F, op, runOpTable, fmtShape, type OpCase } from '../helpers/optable.js';
import * as R from '../helpers/reference.js';

const mm = (a: number[], b: number[]): OpCase =>
  op(`matmul ${fmtShape(a)}@${fmtShape(b)}`, [F(a), F(b)], (x, y) => x.matmul(y), R.matmul);

runOpTable('matmul', [
  mm([4], [4]), // dot product: 0-d
  mm([3], [3, 4]),
  mm([2, 3], [3]),
  mm([2, 3], [3, 4]),
  mm([1, 1], [1, 1]),
  mm([5, 7], [7, 6]), // sizes that are not multiples of the 4x4 tiles
  mm([9, 1], [1, 5]), // outer product
  mm([2, 3, 4], [2, 4, 5]),
  mm([2, 1, 3, 4], [5, 4, 2]), // batch [2,1] with [5] -> [2,5]
  mm([3, 4], [2, 4, 5]), // a matrix against a batch
  mm([2, 3, 4], [4, 2]), // a batch against one matrix: folded into one (6, 4) @ (4, 2) product
  mm([2, 3, 5, 4], [4, 3]),
  mm([4], [2, 4, 3]),
  mm([2, 3, 4], [4]),
  op('matmul free function', [F([2, 3]), F([3, 2])], (a, b) => matmul(a, b), R.matmul),
  // transposed operands: views with swapped strides go straight into the kernel
  op('matmul a^T [3,2]^T@[3,4]', [F([3, 2]), F([3, 4])], (a, b) => a.t().matmul(b), (a, b) => R.matmul(R.transpose(a, 0, 1), b)),
  op('matmul b^T [2,3]@[4,3]^T', [F([2, 3]), F([4, 3])], (a, b) => a.matmul(b.transpose(0, 1)), (a, b) => R.matmul(a, R.transpose(b, 0, 1))),
  op('matmul a^T b^T', [F([3, 2]), F([4, 3])], (a, b) => a.t().matmul(b.t()), (a, b) => R.matmul(R.transpose(a, 0, 1), R.transpose(b, 0, 1))),
  op('matmul batched b^T [2,3,4]@[2,5,4]^T', [F([2, 3, 4]), F([2, 5, 4])], (a, b) => a.matmul(b.transpose(-1, -2)), (a, b) => R.matmul(a, R.transpose(b, 1, 2))),
  op('matmul permuted batch', [F([3, 2, 4]), F([2, 4, 5])], (a, b) => a.permute(1, 0, 2).matmul(b), (a, b) => R.matmul(R.permute(a, [1, 0, 2]), b)),
  op('matmul expanded a', [F([3, 4]), F([2, 4, 5])], (a, b) => a.expand(2, 3, 4).matmul(b), (a, b) => R.matmul(R.broadcastTo(a, [2, 3, 4]), b)),
  op('matmul sliced rows', [F([6, 3]), F([3, 2])], (a, b) => a.slice(0, 0, null, 2).matmul(b), (a, b) => R.matmul(R.slice(a, 0, 0, 6, 2), b)),
  // batch folding of a non-contiguous batch against one matrix (reshape copies it first)
  op('matmul transposed batch @ matrix', [F([3, 2, 4]), F([4, 5])], (a, b) => a.transpose(0, 1).matmul(b), (a, b) => R.matmul(R.transpose(a, 0, 1), b)),
  op('matmul expanded batch @ matrix', [F([3, 4]), F([4, 5])], (a, b) => a.expand(2, 3, 4).matmul(b), (a, b) => R.matmul(R.broadcastTo(a, [2, 3, 4]), b)),
  op('matmul same operand twice', [F([3, 3])], (a) => a.matmul(a), (a) => R.matmul(a, a)),
]);
