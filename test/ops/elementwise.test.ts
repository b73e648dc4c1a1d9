// elementwise.test.ts — unary and binary elementwise ops, where and clamp: forward against the
// float64 reference in test/helpers/reference.ts, backward by gradcheck, on several shapes,
// broadcasting pairs, number operands and non-contiguous views (see test/helpers/optable.ts).

import { add, div, gelu, mul, pow, sub, where, type Tensor } from '../../src/index.js';
import { B, F, NZ, op, P, runOpTable, V, fmtShape, type OpCase, type Spec } from '../helpers/optable.js';
import * as R from '../helpers/reference.js';
import type { Ref } from '../helpers/reference.js';

const UNARY_SHAPES = [[], [5], [3, 4], [2, 3, 4]];

/** One case per shape for a unary op: `spec` makes the input, `f` the scalar reference. */
function unary(name: string, spec: (s: number[]) => Spec, fn: (x: Tensor) => Tensor, f: (v: number) => number, opts = {}): OpCase[] {
  return UNARY_SHAPES.map((s) => op(`${name} ${fmtShape(s)}`, [spec(s)], fn, (x) => R.map(x, f), opts));
}

const BINARY_SHAPES: [number[], number[]][] = [
  [[2, 3], [2, 3]],
  [[2, 3], [3]], // row broadcast
  [[2, 1], [1, 4]], // both stretched
  [[], [2, 3]], // 0-d operand
  [[2, 3], []],
  [[3, 1, 2], [4, 1]], // rank broadcast
];

/** One case per broadcasting shape pair for a binary op. */
function binary(name: string, sa: (s: number[]) => Spec, sb: (s: number[]) => Spec, fn: (a: Tensor, b: Tensor) => Tensor, f: (x: number, y: number) => number, opts = {}): OpCase[] {
  return BINARY_SHAPES.map(([a, b]) => op(`${name} ${fmtShape(a)},${fmtShape(b)}`, [sa(a), sb(b)], fn, (x, y) => R.zip(f, x, y), opts));
}

const z = (f: (x: number, y: number) => number) => (a: Ref, b: Ref): Ref => R.zip(f, a, b);
const m = (f: (v: number) => number) => (a: Ref): Ref => R.map(a, f);
const noGrad = { grad: false };
/** torch.round: halves go to the even neighbour. */
function roundHalfEven(v: number): number {
  const f = Math.floor(v), d = v - f;
  return d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
}
const boolOut = { grad: false, outDtype: 'bool' as const };

runOpTable('elementwise unary', [
  ...unary('neg', F, (x) => x.neg(), (v) => -v),
  ...unary('exp', F, (x) => x.exp(), Math.exp),
  ...unary('log', P, (x) => x.log(), Math.log),
  ...unary('sqrt', P, (x) => x.sqrt(), Math.sqrt),
  ...unary('rsqrt', P, (x) => x.rsqrt(), (v) => 1 / Math.sqrt(v)),
  ...unary('abs', NZ, (x) => x.abs(), Math.abs),
  ...unary('sin', F, (x) => x.sin(), Math.sin),
  ...unary('cos', F, (x) => x.cos(), Math.cos),
  ...unary('tanh', F, (x) => x.tanh(), Math.tanh),
  ...unary('sigmoid', (s) => F(s, -5, 5), (x) => x.sigmoid(), R.sigmoid),
  ...unary('relu', NZ, (x) => x.relu(), (v) => Math.max(v, 0)),
  ...unary('gelu', (s) => F(s, -3, 3), (x) => x.gelu(), R.gelu),
  ...unary('gelu tanh', (s) => F(s, -3, 3), (x) => x.gelu({ approximate: 'tanh' }), R.geluTanh),
  ...unary('silu', (s) => F(s, -4, 4), (x) => x.silu(), (v) => v * R.sigmoid(v)),
  ...unary('erf', (s) => F(s, -2.5, 2.5), (x) => x.erf(), R.erf),
  ...unary('reciprocal', (s) => F(s, -2, 2, [0], 0.5), (x) => x.reciprocal(), (v) => 1 / v),
  ...unary('clamp(-0.5,0.7)', (s) => F(s, -2, 2, [-0.5, 0.7]), (x) => x.clamp(-0.5, 0.7), (v) => Math.min(Math.max(v, -0.5), 0.7)),
  ...unary('clamp(min 0.2)', (s) => F(s, -2, 2, [0.2]), (x) => x.clamp(0.2), (v) => Math.max(v, 0.2)),
  ...unary('clamp(max -0.3)', (s) => F(s, -2, 2, [-0.3]), (x) => x.clamp(null, -0.3), (v) => Math.min(v, -0.3)),
  // piecewise-constant ops: forward only
  ...unary('sign', NZ, (x) => x.sign(), Math.sign, noGrad),
  ...unary('floor', (s) => F(s, -3, 3), (x) => x.floor(), Math.floor, noGrad),
  ...unary('ceil', (s) => F(s, -3, 3), (x) => x.ceil(), Math.ceil, noGrad),
  op('round half to even', [V([2, 4], [0.5, 1.5, 2.5, -0.5, -1.5, 2.4, -2.6, 3.5])], (x) => x.round(), m(roundHalfEven), noGrad),
  op('gelu free function', [F([2, 3])], (x) => gelu(x), m(R.gelu)),
]);

runOpTable('elementwise binary', [
  ...binary('add', F, F, (a, b) => a.add(b), (x, y) => x + y),
  ...binary('sub', F, F, (a, b) => a.sub(b), (x, y) => x - y),
  ...binary('mul', F, F, (a, b) => a.mul(b), (x, y) => x * y),
  ...binary('div', F, P, (a, b) => a.div(b), (x, y) => x / y),
  ...binary('pow', P, F, (a, b) => a.pow(b), (x, y) => x ** y),
  ...binary('maximum', F, F, (a, b) => a.maximum(b), Math.max),
  ...binary('minimum', F, F, (a, b) => a.minimum(b), Math.min),
  // a number operand on either side
  op('add number', [F([2, 3])], (a) => a.add(1.5), m((x) => x + 1.5)),
  op('add number first', [F([2, 3])], (a) => add(1.5, a), m((x) => 1.5 + x)),
  op('sub number first', [F([2, 3])], (a) => sub(2, a), m((x) => 2 - x)),
  op('mul number', [F([2, 3])], (a) => a.mul(-3), m((x) => -3 * x)),
  op('mul number first', [F([4])], (a) => mul(0.25, a), m((x) => 0.25 * x)),
  op('div number', [F([2, 3])], (a) => a.div(4), m((x) => x / 4)),
  op('div number first', [P([2, 3])], (a) => div(2, a), m((x) => 2 / x)),
  op('pow 2', [F([2, 3])], (a) => a.pow(2), m((x) => x ** 2)),
  op('pow 3', [F([2, 3])], (a) => a.pow(3), m((x) => x ** 3)),
  op('pow 0.5', [P([2, 3])], (a) => a.pow(0.5), m(Math.sqrt)),
  op('pow -1.5', [P([2, 3])], (a) => a.pow(-1.5), m((x) => x ** -1.5)),
  op('pow number base', [F([2, 3])], (a) => pow(2, a), m((x) => 2 ** x)),
  op('pow 0-d exponent', [P([2, 3]), F([])], (a, b) => a.pow(b), z((x, y) => x ** y)),
  op('maximum number', [F([2, 3], -2, 2, [0.3])], (a) => a.maximum(0.3), m((x) => Math.max(x, 0.3))),
  op('minimum number', [F([2, 3], -2, 2, [0.3])], (a) => a.minimum(0.3), m((x) => Math.min(x, 0.3))),
  // where(cond, a, b) with broadcasting of all three
  op('where [2,3]', [B([2, 3]), F([2, 3]), F([2, 3])], (c, a, b) => where(c, a, b), (c, a, b) => R.zip((p, x, y) => (p ? x : y), c, a, b)),
  op('where [2,1],[1,4],[4]', [B([2, 1]), F([1, 4]), F([4])], (c, a, b) => where(c, a, b), (c, a, b) => R.zip((p, x, y) => (p ? x : y), c, a, b)),
  op('where [3],[2,3],0-d', [B([3]), F([2, 3]), F([])], (c, a, b) => where(c, a, b), (c, a, b) => R.zip((p, x, y) => (p ? x : y), c, a, b)),
  op('where number other', [B([2, 3]), F([2, 3])], (c, a) => where(c, a, -1), (c, a) => R.zip((p, x) => (p ? x : -1), c, a)),
  op('where method', [B([2, 3]), F([2, 3]), F([3])], (c, a, b) => a.where(c, b), (c, a, b) => R.zip((p, x, y) => (p ? x : y), c, a, b)),
  // comparisons give bool, no gradient
  ...(['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const).map((name) => {
    const f = { eq: (x: number, y: number) => x === y, ne: (x: number, y: number) => x !== y, lt: (x: number, y: number) => x < y, le: (x: number, y: number) => x <= y, gt: (x: number, y: number) => x > y, ge: (x: number, y: number) => x >= y }[name];
    return op(`${name} [2,3],[3]`, [V([2, 3], [1, 2, 3, 4, 5, 6]), V([3], [2, 2, 6])], (a, b) => a[name](b), z((x, y) => Number(f(x, y))), boolOut);
  }),
  op('gt number', [V([2, 3], [1, 2, 3, 4, 5, 6])], (a) => a.gt(3), m((x) => Number(x > 3)), boolOut),
  op('logicalAnd', [B([2, 3]), B([3])], (a, b) => a.logicalAnd(b), z((x, y) => Number(x && y)), { ...boolOut, dtypes: ['float32'] }),
  op('logicalOr', [B([2, 3]), B([2, 1])], (a, b) => a.logicalOr(b), z((x, y) => Number(x || y)), { ...boolOut, dtypes: ['float32'] }),
  op('logicalNot', [B([2, 3])], (a) => a.logicalNot(), m((x) => Number(!x)), { ...boolOut, dtypes: ['float32'] }),
]);
