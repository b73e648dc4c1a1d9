// creation.test.ts — creation ops and reading out, per API.md: tensor() from a number, nested
// arrays or a typed array with shape; zeros/ones/full/arange/linspace/eye/zerosLike/onesLike
// with {dtype, requiresGrad}; the properties shape, dtype, ndim, numel(), isLeaf, gradFn.name,
// backend; toArray/item/dataSync; setBackend/getBackend.

import { describe, expect, it } from 'vitest';
import {
  arange, eye, full, fullLike, defaultBackendNote, getBackend, linspace, ones, onesLike, setBackend, tensor, zeros, zerosLike,
} from '../../src/index.js';

describe('tensor()', () => {
  it('from a number is 0-d float32', () => {
    const t = tensor(3.5);
    expect([t.shape, t.dtype, t.ndim, t.numel(), t.item(), t.toArray()]).toEqual([[], 'float32', 0, 1, 3.5, 3.5]);
    expect(tensor(7, { dtype: 'int32' }).toArray()).toBe(7);
    expect(tensor(true).dtype).toBe('bool');
  });

  it('from nested arrays infers the shape; booleans give bool, numbers float32', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect([t.shape, t.dtype, t.ndim, t.numel()]).toEqual([[2, 3], 'float32', 2, 6]);
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    const b = tensor([[true, false], [false, true]]);
    expect([b.dtype, b.toArray()]).toEqual(['bool', [[true, false], [false, true]]]);
    expect(tensor([true, 2]).dtype).toBe('float32');
    expect(tensor([[[1], [2]]]).shape).toEqual([1, 2, 1]);
  });

  it('float32 rounds values; float64 keeps them', () => {
    expect(tensor([0.1]).item()).toBe(Math.fround(0.1));
    expect(tensor([0.1], { dtype: 'float64' }).item()).toBe(0.1);
  });

  it('empty nested arrays give zero-size shapes', () => {
    expect([tensor([]).shape, tensor([]).numel(), tensor([[]]).shape]).toEqual([[0], 0, [1, 0]]);
  });

  it('from a typed array takes its dtype, and the shape from options', () => {
    const i = tensor(new Int32Array([1, 2, 3, 4, 5, 6]), { shape: [2, 3] });
    expect([i.dtype, i.shape, i.toArray()]).toEqual(['int32', [2, 3], [[1, 2, 3], [4, 5, 6]]]);
    expect(tensor(new Float64Array([1, 2])).dtype).toBe('float64');
    expect(tensor(new Float32Array([1, 2])).shape).toEqual([2]);
    expect(tensor(new Uint8Array([1, 0])).toArray()).toEqual([true, false]);
    const cast = tensor(new Float64Array([0.1, 2]), { shape: [1, 2], dtype: 'float32' });
    expect([cast.dtype, Array.from(cast.dataSync())]).toEqual(['float32', [Math.fround(0.1), 2]]);
  });

  it('copies its data: later changes to the source do not show', () => {
    const src = new Float32Array([1, 2]);
    const t = tensor(src);
    src[0] = 99;
    const nested = [1, 2];
    const u = tensor(nested);
    nested[0] = 99;
    expect([t.toArray(), u.toArray()]).toEqual([[1, 2], [1, 2]]);
  });

  it('reshapes nested data with the shape option and casts with dtype', () => {
    expect(tensor([1, 2, 3, 4], { shape: [2, 2] }).toArray()).toEqual([[1, 2], [3, 4]]);
    const t = tensor([[1, 2], [3, 4]], { dtype: 'int32' });
    expect([t.dtype, t.dataSync() instanceof Int32Array]).toEqual(['int32', true]);
    expect(tensor([1, 0, 2], { dtype: 'bool' }).toArray()).toEqual([true, false, true]);
  });

  it('requiresGrad makes a leaf that requires grad', () => {
    const t = tensor([1, 2], { requiresGrad: true });
    expect([t.requiresGrad, t.isLeaf, t.gradFn, t.grad]).toEqual([true, true, null, null]);
    expect(tensor([1, 2]).requiresGrad).toBe(false);
  });
});

describe('zeros, ones, full and the *Like variants', () => {
  it('fill the shape with the value in the requested dtype', () => {
    expect([zeros([2, 3]).toArray(), zeros([2, 3]).dtype]).toEqual([[[0, 0, 0], [0, 0, 0]], 'float32']);
    expect(ones([3], { dtype: 'int32' }).toArray()).toEqual([1, 1, 1]);
    expect(ones([3], { dtype: 'int32' }).dtype).toBe('int32');
    expect(full([2, 2], 2.5, { dtype: 'float64' }).toArray()).toEqual([[2.5, 2.5], [2.5, 2.5]]);
    expect(full([2], 1, { dtype: 'bool' }).toArray()).toEqual([true, true]);
    expect(full([2], 7, { dtype: 'int32' }).toArray()).toEqual([7, 7]);
    expect([zeros([]).shape, zeros([]).item()]).toEqual([[], 0]);
    expect([zeros([0, 4]).shape, zeros([0, 4]).numel()]).toEqual([[0, 4], 0]);
  });

  it('take requiresGrad', () => {
    const z = zeros([2], { requiresGrad: true });
    expect([z.requiresGrad, z.isLeaf]).toEqual([true, true]);
    expect(full([2], 3, { dtype: 'float64', requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('*Like copy shape and dtype, which options override', () => {
    const src = tensor([[1, 2, 3]], { dtype: 'float64' });
    const z = zerosLike(src);
    expect([z.shape, z.dtype, z.toArray()]).toEqual([[1, 3], 'float64', [[0, 0, 0]]]);
    const o = onesLike(src, { dtype: 'int32' });
    expect([o.dtype, o.toArray()]).toEqual(['int32', [[1, 1, 1]]]);
    expect(onesLike(tensor([1, 2]), { requiresGrad: true }).requiresGrad).toBe(true);
    expect(onesLike(tensor([1, 2], { requiresGrad: true })).requiresGrad).toBe(false);
    expect(fullLike(src, 4).toArray()).toEqual([[4, 4, 4]]);
  });
});

describe('arange, linspace, eye', () => {
  it('arange(end), arange(start, end, step), end exclusive', () => {
    expect(arange(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(1, 4, 0.5).toArray()).toEqual([1, 1.5, 2, 2.5, 3, 3.5]);
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expect(arange(0, 0.3, 0.1, { dtype: 'float64' }).toArray()).toEqual([0, 0.1, 0.2]);
    expect(arange(3, 3).shape).toEqual([0]);
  });

  it('arange takes {dtype, requiresGrad} as its last argument', () => {
    const i = arange(4, { dtype: 'int32' });
    expect([i.dtype, i.toArray()]).toEqual(['int32', [0, 1, 2, 3]]);
    const f = arange(1, 3, { dtype: 'float64', requiresGrad: true });
    expect([f.dtype, f.requiresGrad, f.toArray()]).toEqual(['float64', true, [1, 2]]);
    expect(arange(0, 6, 2, { dtype: 'int32' }).toArray()).toEqual([0, 2, 4]);
    expect(() => arange(0, 1, 0)).toThrow(/^arange: step must be a non-zero finite number, got 0$/);
  });

  it('linspace includes both ends exactly', () => {
    expect(linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const l = linspace(0, 0.3, 7, { dtype: 'float64' }).toArray() as number[];
    expect([l.length, l[0], l[6]]).toEqual([7, 0, 0.3]);
    l.forEach((v, i) => expect(v).toBeCloseTo(0.05 * i, 14));
    expect(linspace(-1, 1, 1).toArray()).toEqual([-1]);
    expect(linspace(0, 1, 0).shape).toEqual([0]);
    expect(linspace(2, 3, 3, { requiresGrad: true }).requiresGrad).toBe(true);
    expect(() => linspace(0, 1, -1)).toThrow(/^linspace: steps must be a non-negative integer, got -1$/);
  });

  it('eye(n) and eye(n, m) with options', () => {
    expect(eye(3).toArray()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    const r = eye(2, 3, { dtype: 'int32' });
    expect([r.dtype, r.toArray()]).toEqual(['int32', [[1, 0, 0], [0, 1, 0]]]);
    expect(eye(3, 2).toArray()).toEqual([[1, 0], [0, 1], [0, 0]]);
    const g = eye(2, { dtype: 'float64', requiresGrad: true });
    expect([g.dtype, g.requiresGrad, g.shape]).toEqual(['float64', true, [2, 2]]);
  });
});

describe('properties', () => {
  it('shape, dtype, ndim, numel(), isLeaf, gradFn.name, backend', () => {
    const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const y = x.mul(2);
    const z = y.sum();
    expect([x.shape, x.dtype, x.ndim, x.numel(), x.isLeaf, x.gradFn, x.backend]).toEqual([[2, 2], 'float32', 2, 4, true, null, getBackend()]);
    expect([y.isLeaf, y.gradFn!.name, y.requiresGrad, z.gradFn!.name, z.shape]).toEqual([false, 'mul', true, 'sum', []]);
    expect(x.matmul(x).gradFn!.name).toBe('matmul');
    // ops on tensors that need no grad record nothing: their results are leaves
    const c = tensor([1, 2]).mul(2);
    expect([c.isLeaf, c.gradFn, c.requiresGrad]).toEqual([true, null, false]);
  });
});

describe('reading out', () => {
  it('toArray gives nested arrays in logical order, even for views', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(x.t().toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(x.slice(1, 0, null, 2).toArray()).toEqual([[1, 3], [4, 6]]);
    expect(tensor([1]).expand(2, 3).toArray()).toEqual([[1, 1, 1], [1, 1, 1]]);
    expect(zeros([2, 0]).toArray()).toEqual([[], []]);
  });

  it('item reads the one element of any shape', () => {
    expect(tensor(2.5).item()).toBe(2.5);
    expect(tensor([[[-4]]], { dtype: 'int32' }).item()).toBe(-4);
    expect(tensor([true]).item()).toBe(1);
  });

  it('dataSync returns a contiguous row-major copy in the dtype\'s typed array', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    const d = x.t().dataSync();
    expect(d).toBeInstanceOf(Float32Array);
    expect(Array.from(d)).toEqual([1, 4, 2, 5, 3, 6]);
    d[0] = 99;
    expect(x.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(tensor([1], { dtype: 'float64' }).dataSync()).toBeInstanceOf(Float64Array);
    expect(tensor([1], { dtype: 'int32' }).dataSync()).toBeInstanceOf(Int32Array);
    expect(tensor([true]).dataSync()).toBeInstanceOf(Uint8Array);
  });
});

describe('backends', () => {
  it('wasm is the default where WebAssembly SIMD runs (Node 20); setBackend returns a backend and getBackend names it', () => {
    expect(getBackend()).toBe('wasm');
    expect(defaultBackendNote()).toBe(null);
    expect(zeros([1]).backend).toBe('wasm');
    const b = setBackend('cpu');
    expect(b.name).toBe('cpu');
    expect(getBackend()).toBe('cpu');
    expect(zeros([1]).backend).toBe('cpu');
  });
});
