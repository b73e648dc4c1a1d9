// dtype.test.ts — PyTorch's dtype rules: promotion of tensor and number operands, true division,
// bool comparisons, integer sums, float ops on ints; and casts with `to` (values and gradient).

import { describe, expect, it } from 'vitest';
import { add, div, tensor, where, type DType, type Tensor } from '../../src/index.js';
import { describeEachBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/close.js';
import { F, op, runOpTable, V } from '../helpers/optable.js';
import * as R from '../helpers/reference.js';

const i32 = (v: number[]): Tensor => tensor(v, { dtype: 'int32' });
const f32 = (v: number[]): Tensor => tensor(v, { dtype: 'float32' });
const f64 = (v: number[]): Tensor => tensor(v, { dtype: 'float64' });
const bool = (v: boolean[]): Tensor => tensor(v);

describeEachBackend('dtype rules', (b) => {
  // [description, result, expected dtype, expected values]
  const cases: [string, () => Tensor, DType, number[]][] = [
    ['int32 + float32 -> float32', () => i32([1, 2]).add(f32([0.5, 0.25])), 'float32', [1.5, 2.25]],
    ['float32 + int32 -> float32', () => f32([0.5, 0.25]).add(i32([1, 2])), 'float32', [1.5, 2.25]],
    ['int32 + float64 -> float64', () => i32([1, 2]).mul(f64([0.1, 0.2])), 'float64', [0.1, 0.4]],
    ['float32 + float64 -> float64', () => f32([1, 2]).sub(f64([0.1, 0.2])), 'float64', [0.9, 1.8]],
    ['int32 + int32 -> int32', () => i32([1, 2]).add(i32([3, -7])), 'int32', [4, -5]],
    ['int32 * int32 -> int32', () => i32([3, -2]).mul(i32([4, 5])), 'int32', [12, -10]],
    ['int32 + 1.5 -> float32', () => i32([1, 2]).add(1.5), 'float32', [2.5, 3.5]],
    ['int32 + 2 -> int32', () => i32([1, 2]).add(2), 'int32', [3, 4]],
    ['1.5 + int32 (number first) -> float32', () => add(1.5, i32([1, 2])), 'float32', [2.5, 3.5]],
    ['float64 + number stays float64', () => f64([0.1]).add(0.2), 'float64', [0.1 + 0.2]],
    ['float32 * number stays float32', () => f32([3]).mul(1e-3), 'float32', [Math.fround(Math.fround(3) * Math.fround(1e-3))]],
    ['bool + 1 -> int32', () => bool([true, false]).add(1), 'int32', [2, 1]],
    ['bool * 0.5 -> float32', () => bool([true, false]).mul(0.5), 'float32', [0.5, 0]],
    ['bool + int32 -> int32', () => bool([true, false]).add(i32([5, 5])), 'int32', [6, 5]],
    ['int32 / int32 -> float32 (true division)', () => i32([1, 2, 3, -7]).div(i32([2, 2, 2, 2])), 'float32', [0.5, 1, 1.5, -3.5]],
    ['int32 / 2 -> float32', () => i32([1, 3]).div(2), 'float32', [0.5, 1.5]],
    ['1 / int32 -> float32', () => div(1, i32([4, -2])), 'float32', [0.25, -0.5]],
    ['int32.pow(2) -> int32', () => i32([3, -2]).pow(2), 'int32', [9, 4]],
    ['int32 maximum -> int32', () => i32([3, -2]).maximum(i32([1, 1])), 'int32', [3, 1]],
    ['sum of int32 -> int32', () => i32([1, 2, 3]).sum(), 'int32', [6]],
    ['sum of int32 over a dim -> int32', () => tensor([[1, 2], [3, 4]], { dtype: 'int32' }).sum(0), 'int32', [4, 6]],
    ['sum of bool -> int32 (a count)', () => bool([true, false, true]).sum(), 'int32', [2]],
    ['mean of int32 -> float32', () => i32([1, 2]).mean(), 'float32', [1.5]],
    ['exp of int32 -> float32', () => i32([0, 1]).exp(), 'float32', [1, Math.fround(Math.E)]],
    ['sqrt of int32 -> float32', () => i32([4, 2]).sqrt(), 'float32', [2, Math.fround(Math.SQRT2)]],
    ['neg of int32 stays int32', () => i32([4, -2]).neg(), 'int32', [-4, 2]],
    ['abs of int32 stays int32', () => i32([4, -2]).abs(), 'int32', [4, 2]],
    ['relu of int32 stays int32', () => i32([4, -2]).relu(), 'int32', [4, 0]],
    ['amax of int32 stays int32', () => i32([4, -2, 9]).amax(), 'int32', [9]],
    ['where(cond, int32, float32) -> float32', () => where(bool([true, false]), i32([1, 2]), f32([0.5, 0.5])), 'float32', [1, 0.5]],
    ['where(cond, 1, 0) numbers -> float32', () => where(bool([true, false]), 1, 0), 'float32', [1, 0]],
    ['where(cond, float64, number) -> float64', () => where(bool([true, false]), f64([0.1, 0.2]), 3), 'float64', [0.1, 3]],
    ['maskedFill keeps the input dtype', () => i32([1, 2]).maskedFill(bool([true, false]), 7), 'int32', [7, 2]],
    ['tril keeps int32', () => tensor([[1, 2], [3, 4]], { dtype: 'int32' }).tril(), 'int32', [1, 0, 3, 4]],
    ['matmul int32 -> int32', () => tensor([[1, 2]], { dtype: 'int32' }).matmul(tensor([[3], [4]], { dtype: 'int32' })), 'int32', [11]],
    ['argmax -> int32', () => f32([0.5, 3, 1]).argmax(), 'int32', [1]],
    ['to int32 truncates toward zero', () => f32([1.7, -1.7, 2.5]).to('int32'), 'int32', [1, -1, 2]],
    ['to bool is nonzero', () => f32([0, -0.5, 2]).to('bool'), 'bool', [0, 1, 1]],
    ['bool to float32', () => bool([true, false]).to('float32'), 'float32', [1, 0]],
    ['float64 to float32 rounds', () => f64([0.1, 1 / 3]).to('float32'), 'float32', [Math.fround(0.1), Math.fround(1 / 3)]],
    ['float32 to float64 is exact', () => f32([0.1, 1 / 3]).to('float64'), 'float64', [Math.fround(0.1), Math.fround(1 / 3)]],
    ['int32 to float64', () => i32([-3, 2147483647]).to('float64'), 'float64', [-3, 2147483647]],
  ];
  for (const [name, make, dtype, values] of cases) {
    // a backend without float64 refuses every line that makes a float64 tensor (all name it)
    if (!b.float64 && name.includes('float64')) {
      it(`${name}: refused, no float64 here`, () => { expect(make).toThrow(/float64 is not supported/); });
      continue;
    }
    it(name, () => {
      const y = make();
      expect(y.dtype).toBe(dtype);
      // float32 math on a float32-only backend (GL's exp is ~1 ulp off) is held to its tolerance
      const tol = dtype === 'float32' && !b.float64 ? b.tol : 1e-12;
      expectClose(y.dataSync(), values, tol, tol);
    });
  }

  it('comparisons give bool for every operand dtype', () => {
    const pairs: [Tensor, Tensor | number][] = [[f32([1, 2]), f32([2, 2])], [i32([1, 2]), 2], [bool([false, true]), bool([true, true])], [i32([1, 2]), f32([2, 2])]];
    if (b.float64) pairs.push([i32([1, 2]), f64([2, 2])], [f64([1, 2]), 1.5]);
    for (const [a, b] of pairs) {
      for (const name of ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const) expect(a[name](b).dtype, name).toBe('bool');
    }
    expect(i32([1, 2]).lt(1.5).toArray()).toEqual([true, false]);
    expect(f32([1, 2]).eq(i32([1, 3])).toArray()).toEqual([true, false]);
  });

  it('to() of the same dtype returns the tensor itself', () => {
    const x = f32([1, 2]);
    expect(x.to('float32')).toBe(x);
  });

  it('the cast float32 -> float64 sends a float32 gradient back', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    if (!b.float64) {
      expect(() => x.to('float64')).toThrow(/float64 is not supported/);
      return;
    }
    const y = x.to('float64');
    expect(y.gradFn?.name).toBe('to');
    y.mul(3).sum().backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(x.grad!.toArray()).toEqual([3, 3, 3]);
  });

  it('casting to int32 or bool leaves the graph', () => {
    const x = tensor([1.5, -2], { requiresGrad: true });
    expect(x.to('int32').requiresGrad).toBe(false);
    expect(x.gt(0).requiresGrad).toBe(false);
  });
});

runOpTable('casts', [
  op('to float64', [F([2, 3])], (x) => x.to('float64'), (x) => x, { outDtype: 'float64' }),
  op('double()', [F([4])], (x) => x.double().mul(2), (x) => R.map(x, (v) => 2 * v), { outDtype: 'float64' }),
  op('to float32', [F([2, 3])], (x) => x.to('float32'), (x) => R.map(x, Math.fround), { outDtype: 'float32', dtypes: ['float64'], grad: false }),
  // float64 -> float32 -> float64 round trip: the gradient passes through both casts; a wide
  // finite-difference step keeps float32 rounding out of the numerical derivative
  op('to float32 and back', [F([2, 3])], (x) => x.to('float32').mul(2).to('float64'), (x) => R.map(x, (v) => 2 * Math.fround(v)),
    { outDtype: 'float64', dtypes: ['float64'], gradOpts: { eps: 1e-3, atol: 1e-3, rtol: 1e-3 } }),
  op('clone', [F([2, 3])], (x) => x.clone(), (x) => x),
  op('int32 index cast', [V([2, 2], [0.2, 1.7, -1.2, 2.9])], (x) => x.to('int32'), (x) => R.map(x, Math.trunc), { outDtype: 'int32', grad: false }),
]);

describe('dtype of creation defaults', () => {
  it('numbers default to float32, booleans to bool', () => {
    expect(tensor([1, 2]).dtype).toBe('float32');
    expect(tensor([true, false]).dtype).toBe('bool');
  });
});
