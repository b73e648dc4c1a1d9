// reduce.test.ts — sum, mean, var, std, amax/amin, max/min (whole and along a dim), argmax/argmin:
// over no dim, one dim, several dims, negative dims, with and without keepdim; forward against
// the float64 reference, backward by gradcheck (inputs chosen without ties for max/min).

import { max, min, type Tensor } from '../../src/index.js';
import { F, op, runOpTable, type CaseOptions, type Layout, type OpCase } from '../helpers/optable.js';
import * as R from '../helpers/reference.js';

type Dims = number | number[] | null;
/** Dim choices exercised for every reduction of a [2,3,4] input: [dims, keepdim]. */
const DIMS: [Dims, boolean][] = [
  [null, false],
  [1, false],
  [-1, false],
  [[0, 2], false],
  [[-1, 0], false],
  [1, true],
  [[0, 2], true],
  [null, true],
];
const noTies: Layout[] = ['contiguous', 'permuted', 'strided']; // 'expanded' repeats values: ties
const intOut: CaseOptions = { grad: false, outDtype: 'int32', layouts: noTies };

const label = (d: Dims, k: boolean): string => `${d === null ? 'all' : JSON.stringify(d)}${k ? ' keepdim' : ''}`;

/** One case per DIMS entry: fn(x, dims, keepdim), reference reduction f over each group. */
function reduction(name: string, fn: (x: Tensor, d: Dims, k: boolean) => Tensor, f: (v: number[]) => number, opts: CaseOptions = {}): OpCase[] {
  return [
    ...DIMS.map(([d, k]) => op(`${name} [2,3,4] ${label(d, k)}`, [F([2, 3, 4])], (x) => fn(x, d, k), (x) => R.reduce(x, d, k, f), opts)),
    op(`${name} [5] dim 0`, [F([5])], (x) => fn(x, 0, false), (x) => R.reduce(x, 0, false, f), opts),
    op(`${name} [3,1] dim 0`, [F([3, 1])], (x) => fn(x, 0, false), (x) => R.reduce(x, 0, false, f), opts),
  ];
}
const dimArg = (d: Dims): number | number[] | undefined => d ?? undefined;

runOpTable('reductions', [
  ...reduction('sum', (x, d, k) => x.sum(dimArg(d), k), R.sumOf),
  op('sum [3,1] over the size-1 dim', [F([3, 1])], (x) => x.sum(-1), (x) => R.reduce(x, -1, false, R.sumOf)),
  op('sum 0-d', [F([])], (x) => x.sum(), (x) => x),
  op('sum 0-d dim 0', [F([])], (x) => x.sum(0), (x) => x),
  ...reduction('mean', (x, d, k) => x.mean(dimArg(d), k), R.meanOf),
  op('mean 0-d', [F([])], (x) => x.mean(), (x) => x),
  ...reduction('var', (x, d, k) => x.var(dimArg(d), { keepdim: k }), (v) => R.varOf(v)),
  ...reduction('var correction 0', (x, d, k) => x.var(dimArg(d), { keepdim: k, correction: 0 }), (v) => R.varOf(v, 0)),
  op('var [4,5] dim 1 correction 2', [F([4, 5])], (x) => x.var(1, { correction: 2 }), (x) => R.reduce(x, 1, false, (v) => R.varOf(v, 2))),
  ...reduction('std', (x, d, k) => x.std(dimArg(d), { keepdim: k }), (v) => Math.sqrt(R.varOf(v))),
  op('std [4,5] dim 0 correction 0', [F([4, 5])], (x) => x.std(0, { correction: 0 }), (x) => R.reduce(x, 0, false, (v) => Math.sqrt(R.varOf(v, 0)))),
  ...reduction('amax', (x, d, k) => x.amax(dimArg(d), k), R.maxOf, { layouts: noTies }),
  ...reduction('amin', (x, d, k) => x.amin(dimArg(d), k), R.minOf, { layouts: noTies }),
  op('amax [3,1] over the size-1 dim', [F([3, 1])], (x) => x.amax(1, true), (x) => R.reduce(x, 1, true, R.maxOf)),
  op('max() [2,3,4]', [F([2, 3, 4])], (x) => x.max(), (x) => R.reduce(x, null, false, R.maxOf), { layouts: noTies }),
  op('min() [2,3,4]', [F([2, 3, 4])], (x) => x.min(), (x) => R.reduce(x, null, false, R.minOf), { layouts: noTies }),
  op('max free function', [F([3, 4])], (x) => max(x), (x) => R.reduce(x, null, false, R.maxOf), { layouts: noTies }),
  op('min free function dim 0', [F([3, 4])], (x) => min(x, 0).values, (x) => R.reduce(x, 0, false, R.minOf), { layouts: noTies }),
  // max/min along a dim: values carry the gradient to the chosen element, indices are int32
  ...[0, 1, -1].flatMap((d) => [false, true].flatMap((k) => [
    op(`max(${d}${k ? ', keepdim' : ''}).values [2,3,4]`, [F([2, 3, 4])], (x) => x.max(d, k).values, (x) => R.reduce(x, d, k, R.maxOf), { layouts: noTies }),
    op(`min(${d}${k ? ', keepdim' : ''}).values [2,3,4]`, [F([2, 3, 4])], (x) => x.min(d, k).values, (x) => R.reduce(x, d, k, R.minOf), { layouts: noTies }),
    op(`max(${d}${k ? ', keepdim' : ''}).indices [2,3,4]`, [F([2, 3, 4])], (x) => x.max(d, k).indices, (x) => R.reduce(x, d, k, R.argmaxOf), intOut),
    op(`min(${d}${k ? ', keepdim' : ''}).indices [2,3,4]`, [F([2, 3, 4])], (x) => x.min(d, k).indices, (x) => R.reduce(x, d, k, R.argminOf), intOut),
  ])),
  op('max(0).values [5]', [F([5])], (x) => x.max(0).values, (x) => R.reduce(x, 0, false, R.maxOf), { layouts: noTies }),
  op('argmax [2,3,4]', [F([2, 3, 4])], (x) => x.argmax(), (x) => R.reduce(x, null, false, R.argmaxOf), intOut),
  op('argmax(1) [2,3,4]', [F([2, 3, 4])], (x) => x.argmax(1), (x) => R.reduce(x, 1, false, R.argmaxOf), intOut),
  op('argmin(-1, keepdim) [2,3,4]', [F([2, 3, 4])], (x) => x.argmin(-1, true), (x) => R.reduce(x, -1, true, R.argminOf), intOut),
  op('argmin [3,4]', [F([3, 4])], (x) => x.argmin(), (x) => R.reduce(x, null, false, R.argminOf), intOut),
]);
