// indexing.test.ts — the gpujs backend's movement and indexing kernels (assign, cat, embed,
// gather/scatterAdd, indexSelect/indexAdd) against the CPU backend, per gpu.js mode: first at the
// Backend-method level on contiguous, permuted, step-sliced and broadcast views, odd and zero
// sizes, int32 and bool data; then through the Tensor API (in-place writes into views, cat/stack,
// gathers and their gradients, nn.Embedding, an SGD and an Adam step).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cat, nn, noGrad, optim, scatterAdd, indexAdd, setBackend, stack, tensor } from '../../../src/index.js';
import type { View } from '../../../src/backend/backend.js';
import type { GpuBuffer } from '../../../src/backend/gpujs/buffer.js';
import type { GpuJsBackend } from '../../../src/backend/gpujs/index.js';
import { makeBackend } from '../../../src/backend/registry.js';
import type { DType } from '../../../src/tensor/dtype.js';
import { contiguousStrides, numel } from '../../../src/tensor/shape.js';
import { expectClose } from '../../helpers/close.js';
import { gpujsModes } from '../../helpers/backends.js';
import { cpu, expectSame, pair, sameOnBoth, seeded as t, values, viewPair, whole, type Layout, type Pair } from './kit.js';

const MODES = gpujsModes();

/** A 1-D or N-D int32 index pair; `onDevice` makes the gpujs copy a kernel output (not on the host). */
function indexPair(b: GpuJsBackend, shape: number[], ids: number[], layout: Layout = 'contiguous', onDevice = false): Pair {
  // ids at the view's positions; the rest of the storage holds a filler no kernel may read
  // (beyond 2^24, which cannot even be uploaded, unless the view goes to the device as a whole)
  const p = viewPair(b, 'int32', shape, layout, ids, onDevice ? -9999 : 2 ** 30);
  if (onDevice) {
    const dev = b.copy(p.g, 'int32');
    p.g = { data: dev, shape, stride: contiguousStrides(shape), offset: 0 };
    expect(dev.onHost).toBe(false);
  }
  return p;
}

/** Runs fn and returns the error message it threw. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

for (const mode of MODES) {
  describe(`gpujs indexing kernels [${mode}]`, () => {
    const b = makeBackend('test', 'gpujs', { mode }) as GpuJsBackend;
    const layouts: Layout[] = ['contiguous', 'permuted', 'strided'];

    // ---- assign ----------------------------------------------------------------------------------
    describe('assign (in place)', () => {
      const cases: [string, number[], Layout, Layout][] = [];
      for (const shape of [[7], [3, 5], [2, 3, 4], [1, 33]]) {
        for (const dl of layouts) for (const sl of [...layouts, 'broadcast' as Layout]) cases.push([`${shape} dst ${dl} src ${sl}`, shape, dl, sl]);
      }
      it.each(cases)('%s', (_, shape, dl, sl) => {
        for (const dtype of ['float32', 'int32', 'bool'] as DType[]) {
          const dst = pair(b, dtype, shape, dl, 1), src = pair(b, dtype, shape, sl, 2);
          cpu.assign(dst.c, src.c);
          b.assign(dst.g, src.g);
          // the whole storage: viewed elements replaced, all others kept
          expectSame(b, dst.g.data, dst.c.data, dtype);
        }
      });

      it('writes a 0-d view (one element of a larger storage)', () => {
        const dst = pair(b, 'float32', [3, 4], 'contiguous', 3), src = pair(b, 'float32', [], 'contiguous', 4);
        const at = (p: Pair, off: number): Pair => ({ c: { ...p.c, shape: [], stride: [], offset: off }, g: { ...p.g, shape: [], stride: [], offset: off } });
        cpu.assign(at(dst, 7).c, src.c);
        b.assign(at(dst, 7).g, src.g);
        expectSame(b, dst.g.data, dst.c.data, 'float32');
      });

      it('is one kernel over the storage, and a view of the storage sees the change', () => {
        const base = pair(b, 'float32', [4, 6], 'contiguous', 5);
        const src = pair(b, 'float32', [4, 3], 'permuted', 6);
        const cols: Pair = { c: { ...base.c, shape: [4, 3], stride: [6, 2], offset: 1 }, g: { ...base.g, shape: [4, 3], stride: [6, 2], offset: 1 } };
        const calls = b.runner.stats.calls;
        b.assign(cols.g, src.g);
        expect(b.runner.stats.calls - calls).toBe(1);
        cpu.assign(cols.c, src.c);
        const other = (p: Pair['g']): View<GpuBuffer> => ({ ...p, shape: [6, 4], stride: [1, 6], offset: 0 }); // a transposed view
        expectClose(b.toHost(other(base.g), 'float32'), cpu.toHost({ ...base.c, shape: [6, 4], stride: [1, 6], offset: 0 }, 'float32'));
      });

      it('writes a view that overlaps itself on the host, recorded as a fallback', () => {
        // shape [3,3] with strides [1,1]: element (i,j) is storage i+j, so the inversion is ambiguous
        const dst = pair(b, 'float32', [5], 'contiguous', 7), src = pair(b, 'float32', [3, 3], 'contiguous', 8);
        const over = <S>(v: View<S>): View<S> => ({ ...v, shape: [3, 3], stride: [1, 1], offset: 0 });
        const before = b.runner.stats.fallbacks.length;
        cpu.assign(over(dst.c), src.c);
        b.assign(over(dst.g), src.g);
        expectSame(b, dst.g.data, dst.c.data, 'float32');
        const added = b.runner.stats.fallbacks.slice(before);
        expect(added.length).toBe(1);
        expect(added[0].mode).toBe('host');
        expect(added[0].reason).toMatch(/^assign: the view of shape \[3,3\] with strides \[1,1\] overlaps itself/);
        b.runner.stats.fallbacks.splice(before); // the only fallback this suite expects
      });

      it('does nothing for a zero-size view', () => {
        const dst = pair(b, 'float32', [4], 'contiguous', 9);
        const calls = b.runner.stats.calls;
        b.assign({ ...dst.g, shape: [0, 3], stride: [3, 1] }, { ...dst.g, shape: [0, 3], stride: [3, 1] });
        expect(b.runner.stats.calls).toBe(calls);
        expectSame(b, dst.g.data, dst.c.data, 'float32');
      });
    });

    // ---- cat and embed ---------------------------------------------------------------------------
    describe('cat', () => {
      const cases: [string, number[][], number, Layout[]][] = [
        ['axis 0, two inputs', [[2, 3], [5, 3]], 0, ['contiguous', 'permuted']],
        ['axis 1, three inputs, one of zero extent', [[3, 1], [3, 0], [3, 7]], 1, ['strided', 'contiguous', 'permuted']],
        ['axis 1 of 3-d, broadcast input', [[2, 4, 3], [2, 1, 3], [2, 2, 3]], 1, ['permuted', 'broadcast', 'strided']],
        ['axis 2 (last), odd sizes', [[3, 2, 5], [3, 2, 1], [3, 2, 33]], 2, ['contiguous', 'strided', 'permuted']],
        ['axis 0 of 1-d, single element parts', [[1], [1], [257]], 0, ['contiguous', 'strided', 'contiguous']],
        ['only one non-empty input', [[2, 0], [2, 5]], 1, ['contiguous', 'permuted']],
        ['all empty', [[0, 3], [0, 3]], 0, ['contiguous', 'contiguous']],
      ];
      it.each(cases)('%s', (_, shapes, axis, ls) => {
        for (const dtype of ['float32', 'int32'] as DType[]) {
          const xs = shapes.map((s, k) => pair(b, dtype, s, ls[k], 10 + k));
          expectSame(b, b.cat(xs.map((x) => x.g), axis, dtype), cpu.cat(xs.map((x) => x.c), axis, dtype), dtype);
        }
      });

      it('chains more inputs than one kernel reads (19 inputs)', () => {
        const xs = Array.from({ length: 19 }, (_, k) => pair(b, 'float32', [2, 1 + (k % 3), 3], layouts[k % 3], 20 + k));
        expectSame(b, b.cat(xs.map((x) => x.g), 1, 'float32'), cpu.cat(xs.map((x) => x.c), 1, 'float32'), 'float32');
      });
    });

    describe('embed', () => {
      const cases: [string, number[], number[], number[], number[], Layout][] = [
        ['identity', [3, 4], [3, 4], [0, 0], [1, 1], 'permuted'],
        ['a narrowed range', [2, 5], [7, 5], [3, 0], [1, 1], 'contiguous'],
        ['step 2 along the last dim', [3, 3], [3, 7], [0, 1], [1, 2], 'strided'],
        ['steps on every dim, 3-d', [2, 2, 3], [5, 4, 9], [1, 1, 2], [3, 2, 3], 'permuted'],
        ['into a larger odd size', [1], [33], [32], [1], 'contiguous'],
        ['empty x', [0, 4], [3, 4], [1, 0], [1, 1], 'contiguous'],
      ];
      it.each(cases)('%s', (_, xShape, shape, start, step, l) => {
        for (const dtype of ['float32', 'int32', 'bool'] as DType[]) {
          const x = pair(b, dtype, xShape, l, 30);
          expectSame(b, b.embed(x.g, shape, start, step, dtype), cpu.embed(x.c, shape, start, step, dtype), dtype);
        }
      });
    });

    // ---- gather / scatterAdd ---------------------------------------------------------------------
    describe('gather and scatterAdd', () => {
      const cases: [string, number[], number, number[], Layout, Layout][] = [
        ['dim 1 [4,5] idx [4,3]', [4, 5], 1, [4, 3], 'contiguous', 'contiguous'],
        ['dim 0 [3,7] idx [6,7], permuted x and index', [3, 7], 0, [6, 7], 'permuted', 'permuted'],
        ['dim 2 [2,3,5] idx [2,2,4], strided', [2, 3, 5], 2, [2, 2, 4], 'strided', 'strided'],
        ['dim 0 of 1-d [33] idx [257]', [33], 0, [257], 'contiguous', 'strided'],
        ['dim 1 broadcast x', [3, 4], 1, [3, 2], 'broadcast', 'contiguous'],
      ];
      it.each(cases)('%s', (_, shape, axis, iShape, xl, il) => {
        const size = shape[axis];
        const ids = values(numel(iShape), 40, 'int32', -size, size); // negatives and repeats
        for (const onDevice of [false, true]) {
          const x = pair(b, 'float32', shape, xl, 41);
          const index = indexPair(b, iShape, ids, il, onDevice);
          expectSame(b, b.gather(x.g, axis, index.g, 'float32'), cpu.gather(x.c, axis, index.c, 'float32'), 'float32');
          const src = pair(b, 'float32', iShape, 'permuted', 42);
          expectSame(b, b.scatterAdd(shape, axis, index.g, src.g, 'float32'), cpu.scatterAdd(shape, axis, index.c, src.c, 'float32'), 'float32');
        }
      });

      it('is exact on int32 data up to ±2^24', () => {
        const data = [2 ** 24, -(2 ** 24), 2 ** 24 - 1, 123456, -7, 0];
        const x = pair(b, 'int32', [2, 3], 'contiguous', 0, data);
        const index = indexPair(b, [2, 3], [2, 0, 1, 1, 2, 0]);
        expectSame(b, b.gather(x.g, 1, index.g, 'int32'), cpu.gather(x.c, 1, index.c, 'int32'), 'int32');
        expectSame(b, b.scatterAdd([2, 3], 1, index.g, x.g, 'int32'), cpu.scatterAdd([2, 3], 1, index.c, x.c, 'int32'), 'int32');
        const t = { ...x, c: { ...x.c, shape: [3, 2], stride: [1, 3] }, g: { ...x.g, shape: [3, 2], stride: [1, 3] } };
        expectSame(b, b.cat([x.g, x.g], 0, 'int32'), cpu.cat([x.c, x.c], 0, 'int32'), 'int32');
        const dst = pair(b, 'int32', [3, 2], 'strided', 48);
        b.assign(dst.g, t.g);
        cpu.assign(dst.c, t.c);
        expectSame(b, dst.g.data, dst.c.data, 'int32');
      });

      it('handles zero sizes', () => {
        const x = pair(b, 'float32', [3, 4], 'contiguous', 43);
        const empty = indexPair(b, [3, 0], []);
        expect(b.gather(x.g, 1, empty.g, 'float32').size).toBe(0);
        expectSame(b, b.scatterAdd([3, 4], 1, empty.g, pair(b, 'float32', [3, 0], 'contiguous', 0).g, 'float32'), new Float32Array(12), 'float32');
      });

      it('names the op and the bad index (host-resident index)', () => {
        const x = pair(b, 'float32', [2, 4], 'contiguous', 44);
        for (const bad of [4, -5, 2 ** 25]) {
          const index = indexPair(b, [2, 2], [0, 1, bad, 2]);
          const want = errorOf(() => cpu.gather(x.c, 1, index.c, 'float32'));
          expect(want).toBe(`gather: index ${bad} is out of bounds for dimension with size 4`);
          expect(errorOf(() => b.gather(x.g, 1, index.g, 'float32'))).toBe(want);
          const src = pair(b, 'float32', [2, 2], 'contiguous', 45);
          expect(errorOf(() => b.scatterAdd([2, 4], 1, index.g, src.g, 'float32'))).toBe(errorOf(() => cpu.scatterAdd([2, 4], 1, index.c, src.c, 'float32')));
        }
        // a dim of size 0 with indices into it: an error even when the index is on the device
        const none = pair(b, 'float32', [2, 0], 'contiguous', 0);
        const index = indexPair(b, [2, 1], [0, 0], 'contiguous', true);
        expect(errorOf(() => b.gather(none.g, 1, index.g, 'float32'))).toBe('gather: index 0 is out of bounds for dimension with size 0');
      });

      it('turns an out-of-range device-resident index into NaN, not a neighbour', () => {
        const x = pair(b, 'float32', [2, 4], 'contiguous', 46);
        const index = indexPair(b, [2, 2], [0, 1, 9, 2], 'contiguous', true);
        const out = Array.from(b.toHost(whole(b.gather(x.g, 1, index.g, 'float32')), 'float32'));
        expect(out.map(Number.isNaN)).toEqual([false, false, true, false]);
        const src = pair(b, 'float32', [2, 2], 'contiguous', 47);
        const sums = Array.from(b.toHost(whole(b.scatterAdd([2, 4], 1, index.g, src.g, 'float32')), 'float32'));
        expect(sums.map(Number.isNaN)).toEqual([false, false, false, false, true, true, true, true]); // row 1 is poisoned
      });
    });

    // ---- indexSelect / indexAdd ------------------------------------------------------------------
    describe('indexSelect and indexAdd', () => {
      const cases: [string, number[], number, number, Layout][] = [
        ['dim 0 [5,3] 7 ids', [5, 3], 0, 7, 'contiguous'],
        ['dim 1 [2,6,3] 4 ids, permuted', [2, 6, 3], 1, 4, 'permuted'],
        ['dim 2 [3,2,5] 9 ids, strided', [3, 2, 5], 2, 9, 'strided'],
        ['dim 0 of 1-d [33] 257 ids', [33], 0, 257, 'strided'],
        ['dim 1 broadcast x', [4, 3], 1, 2, 'broadcast'],
      ];
      it.each(cases)('%s', (_, shape, axis, n, l) => {
        const size = shape[axis];
        const ids = values(n, 50, 'int32', -size, size);
        const srcShape = shape.map((s, d) => (d === axis ? n : s));
        for (const [il, onDevice] of [['contiguous', false], ['strided', false], ['contiguous', true]] as [Layout, boolean][]) {
          const x = pair(b, 'float32', shape, l, 51);
          const index = indexPair(b, [n], ids, il, onDevice);
          expectSame(b, b.indexSelect(x.g, axis, index.g, 'float32'), cpu.indexSelect(x.c, axis, index.c, 'float32'), 'float32');
          const src = pair(b, 'float32', srcShape, l === 'broadcast' ? 'contiguous' : l, 52);
          expectSame(b, b.indexAdd(shape, axis, index.g, src.g, 'float32'), cpu.indexAdd(shape, axis, index.c, src.c, 'float32'), 'float32');
        }
      });

      it('is exact on int32 data up to ±2^24 and refuses to upload beyond', () => {
        const x = pair(b, 'int32', [4], 'contiguous', 0, [2 ** 24, -(2 ** 24), 16777215, -3]);
        const index = indexPair(b, [5], [3, 0, 1, 2, 0]);
        expectSame(b, b.indexSelect(x.g, 0, index.g, 'int32'), cpu.indexSelect(x.c, 0, index.c, 'int32'), 'int32');
        const big = pair(b, 'int32', [2], 'contiguous', 0, [1, 2 ** 24 + 1]);
        expect(errorOf(() => b.indexSelect(big.g, 0, indexPair(b, [1], [0]).g, 'int32')))
          .toBe(`gpujs: int32 value ${2 ** 24 + 1} at index 1 is beyond ±2^24, which float32 kernels cannot hold exactly`);
      });

      it('handles zero sizes', () => {
        const x = pair(b, 'float32', [3, 4], 'contiguous', 53);
        const empty = indexPair(b, [0], []);
        expect(b.indexSelect(x.g, 0, empty.g, 'float32').size).toBe(0);
        expectSame(b, b.indexAdd([3, 4], 0, empty.g, pair(b, 'float32', [0, 4], 'contiguous', 0).g, 'float32'), new Float32Array(12), 'float32');
        const flat = pair(b, 'float32', [3, 0], 'contiguous', 0);
        const index = indexPair(b, [2], [2, -1]);
        expect(b.indexSelect(flat.g, 0, index.g, 'float32').size).toBe(0);
      });

      it('names the op and the bad index (host-resident index)', () => {
        const x = pair(b, 'float32', [3, 2], 'contiguous', 54);
        const index = indexPair(b, [3], [0, -4, 1]);
        const want = errorOf(() => cpu.indexSelect(x.c, 0, index.c, 'float32'));
        expect(want).toBe('indexSelect: index -4 is out of bounds for dimension with size 3');
        expect(errorOf(() => b.indexSelect(x.g, 0, index.g, 'float32'))).toBe(want);
        const src = pair(b, 'float32', [3, 2], 'contiguous', 55);
        expect(errorOf(() => b.indexAdd([3, 2], 0, index.g, src.g, 'float32'))).toBe('indexAdd: index -4 is out of bounds for dimension with size 3');
      });

      it('turns an out-of-range device-resident index into NaN', () => {
        const x = pair(b, 'float32', [3, 2], 'contiguous', 56);
        const index = indexPair(b, [2], [1, 3], 'contiguous', true);
        const out = Array.from(b.toHost(whole(b.indexSelect(x.g, 0, index.g, 'float32')), 'float32'));
        expect(out.map(Number.isNaN)).toEqual([false, false, true, true]);
        const src = pair(b, 'float32', [2, 2], 'contiguous', 57);
        const sums = Array.from(b.toHost(whole(b.indexAdd([3, 2], 0, index.g, src.g, 'float32')), 'float32'));
        expect(sums.every(Number.isNaN)).toBe(true);
      });
    });

    it('ran every kernel on the mode asked for', () => {
      expect(b.activeMode).toBe(mode);
      expect(b.runner.stats.fallbacks).toEqual([]);
    });
  });

  // ---- through the Tensor API ------------------------------------------------------------------------
  describe(`gpujs indexing through the Tensor API [${mode}]`, () => {
    let b: GpuJsBackend;
    beforeAll(() => { b = setBackend('gpujs', { mode }) as GpuJsBackend; });
    afterAll(() => { setBackend('cpu'); });

    it('writes through slice, narrow, select and permuted views into the base tensor', () => {
      sameOnBoth(mode, () => {
        const x = t([4, 6], 1);
        noGrad(() => {
          x.slice(1, 1, 6, 2).copy_(t([4, 3], 2)); // x[:, 1::2] = ...
          x.narrow(0, 1, 2).add_(10); // x[1:3] += 10
          x.select(1, 0).mul_(t([4], 3)); // x[:, 0] *= ...
          x.t().slice(0, 4).sub_(t([2, 4], 4)); // x[:, 4:] -= ...^T
          x.slice(0, 3).slice(1, 2, 3).fill_(-1); // x[3:, 2] = -1
        });
        return [x];
      });
      expect(b.runner.stats.fallbacks).toEqual([]);
    });

    it('copy_ into a view is exactly one kernel', () => {
      const x = t([5, 7], 5), y = t([5, 3], 6);
      y.dataSync();
      const before = b.runner.stats.calls;
      x.slice(1, 2, 7, 2).copy_(y);
      expect(b.runner.stats.calls - before).toBe(1);
    });

    it('one compiled kernel serves views of storages of different sizes', () => {
      sameOnBoth(mode, () => {
        const x = t([6], 30), y = t([6], 31);
        noGrad(() => {
          x.slice(0, 0, 3).copy_(t([3], 32)); // src storage of 3
          y.slice(0, 0, 3).copy_(t([100], 33).slice(0, 50, 53)); // same view signature, storage of 100
        });
        return [x, y, cat([x.slice(0, 1, 3), t([9], 34).slice(0, 2, 4)], 0)];
      });
    });

    it('cat and stack, with their gradients', () => {
      sameOnBoth(mode, () => {
        const a = t([3, 2], 7).requiresGrad_(), c = t([5, 3], 8).requiresGrad_();
        const y = cat([a, c.t(), a.slice(1, 1)], 1); // (3, 2 + 5 + 1)
        const s = stack([a.t(), a.t().mul(2)], 0); // (2, 2, 3)
        y.backward(t([3, 8], 9));
        s.backward(t([2, 2, 3], 10));
        return [y, s, a.grad, c.grad];
      });
    });

    it('gather and its gradient (scatterAdd); scatterAdd and its gradient (gather)', () => {
      sameOnBoth(mode, () => {
        const x = t([4, 5], 11).requiresGrad_();
        const idx = tensor([[0, 4, 4], [-1, 2, 0], [1, 1, 1], [3, 0, 2]], { dtype: 'int32' });
        const y = x.t().gather(0, idx.t()); // (3, 4) on a transposed x and index
        y.backward(t([3, 4], 12));
        const src = t([4, 3], 13).requiresGrad_();
        const z = scatterAdd([4, 5], 1, idx, src);
        z.backward(t([4, 5], 14));
        return [y, x.grad, z, src.grad];
      });
    });

    it('indexSelect and its gradient (indexAdd), indexAdd and its gradient', () => {
      sameOnBoth(mode, () => {
        const x = t([6, 3], 15).requiresGrad_();
        const idx = tensor([5, 0, 5, -1, 2, 2, 2], { dtype: 'int32' });
        const y = x.indexSelect(0, idx);
        y.backward(t([7, 3], 16));
        const src = t([3, 7], 17).requiresGrad_();
        const z = indexAdd([3, 6], 1, idx, src);
        z.backward(t([3, 6], 18));
        return [y, x.grad, z, src.grad];
      });
    });

    it('nn.Embedding forward and backward (with paddingIdx)', () => {
      sameOnBoth(mode, () => {
        const emb = new nn.Embedding(11, 5, { paddingIdx: 3 });
        noGrad(() => emb.weight.copy_(t([11, 5], 19)));
        const idx = tensor([[1, 3, 10, 1], [0, 3, 7, 1]], { dtype: 'int32' });
        const y = emb.forward(idx); // (2, 4, 5)
        y.backward(t([2, 4, 5], 20));
        return [y, emb.weight.grad];
      });
      expect(b.runner.stats.fallbacks).toEqual([]);
    });

    it('an embedding index out of range is a clear error', () => {
      const w = t([4, 2], 21);
      expect(() => w.indexSelect(0, tensor([1, 4], { dtype: 'int32' }))).toThrow('indexSelect: index 4 is out of bounds for dimension with size 4');
      expect(() => w.gather(1, tensor([[0], [2], [1], [0]], { dtype: 'int32' }))).toThrow('gather: index 2 is out of bounds for dimension with size 2');
    });

    it('an SGD (momentum) and an Adam step on gpujs parameters match cpu', () => {
      sameOnBoth(mode, () => {
        const p = t([5, 3], 22).requiresGrad_(), q = t([7], 23).requiresGrad_();
        const sgd = new optim.SGD([p], { lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
        const adam = new optim.Adam([q], { lr: 0.01 });
        for (let step = 0; step < 2; step++) {
          p.grad = t([5, 3], 24 + step);
          q.grad = t([7], 26 + step);
          sgd.step();
          adam.step();
        }
        return [p, q];
      });
      expect(b.runner.stats.fallbacks).toEqual([]);
    });
  });
}
