// indexing.test.ts — the wasm backend's indexing kernels (kernels/wasm/indexing.ts) against the
// CPU reference, bit for bit, on one thread and with every kernel shared out: cat and embed on
// strided views, gather / scatterAdd and indexSelect / indexAdd with negative and repeated
// indices (float32 and int32 moves), the reference's error for the first bad index, zero sizes,
// views the walk cannot take (the reference runs), and large sizes on the threaded path.

import { describe, expect, it } from 'vitest';
import type { DType, TypedArray } from '../../../src/tensor/dtype.js';
import { numel } from '../../../src/tensor/shape.js';
import { values, type Layout } from '../gpujs/kit.js';
import { cpu, expectBits, onThreads, THREAD_CASES, viewPair, wasm, type Pair } from './pairs.js';

const errorOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};
const data = (dtype: DType, n: number, seed: number): number[] => values(n, seed, dtype, -1000, 1000);
const pair = (dtype: DType, shape: number[], layout: Layout, seed: number): Pair => viewPair(dtype, shape, layout, data(dtype, numel(shape), seed));
const ints = (shape: number[], ids: number[], layout: Layout = 'contiguous'): Pair => viewPair('int32', shape, layout, ids);

/** Runs `fn(backend, side)` on wasm (threads as given) and on cpu and expects the same bits; returns wasm's kernel calls. */
function expectSameOnBoth(threads: number, split: boolean, fn: (b: typeof cpu, side: 'c' | 'w') => TypedArray): string[] {
  const { result, calls } = onThreads(threads, split, () => fn(wasm, 'w'));
  expectBits(result, fn(cpu, 'c'));
  return calls.map(([k]) => k);
}

describe.each(THREAD_CASES)('wasm indexing kernels, %s', (_, threads, split) => {
  describe('cat and embed', () => {
    const cases: [string, number[][], number, Layout[]][] = [
      ['dim 0 of [2,3] [4,3] [1,3]', [[2, 3], [4, 3], [1, 3]], 0, ['contiguous', 'permuted', 'strided']],
      ['dim 1 of [3,2,5] [3,7,5]', [[3, 2, 5], [3, 7, 5]], 1, ['strided', 'permuted']],
      ['dim 2 of [2,3,1] [2,3,4] [2,3,0]', [[2, 3, 1], [2, 3, 4], [2, 3, 0]], 2, ['contiguous', 'broadcast', 'contiguous']],
      ['dim 3 of 5-d views', [[2, 3, 2, 3, 2], [2, 3, 2, 1, 2]], 3, ['permuted', 'strided']],
    ];
    it.each(cases)('cat %s', (_, shapes, axis, layouts) => {
      for (const dtype of ['float32', 'int32'] as const) {
        const xs = shapes.map((s, i) => pair(dtype, s, layouts[i], 10 + i));
        expect(expectSameOnBoth(threads, split, (b, k) => b.cat(xs.map((x) => x[k]), axis, dtype))).toContain('copyRuns');
      }
    });

    const slices: [string, number[], number[], number[], Layout][] = [
      ['every 2nd column of [4,9]', [4, 9], [0, 1], [1, 2], 'contiguous'],
      ['rows 1..3, step 3 along dim 2 of [4,2,10]', [4, 2, 10], [1, 0, 2], [1, 1, 3], 'permuted'],
      ['a whole [3,5] (step 1, start 0)', [3, 5], [0, 0], [1, 1], 'strided'],
    ];
    it.each(slices)('embed (slice backward): %s', (_, shape, start, step, layout) => {
      const xShape = shape.map((s, d) => Math.ceil((s - start[d]) / step[d]));
      const x = pair('float32', xShape, layout, 20);
      expect(expectSameOnBoth(threads, split, (b, k) => b.embed(x[k], shape, start, step, 'float32'))).toContain('copyRuns');
    });
  });

  describe('gather and scatterAdd', () => {
    const cases: [string, number[], number, number[], Layout, Layout][] = [
      ['dim 1 [4,5] idx [4,3]', [4, 5], 1, [4, 3], 'contiguous', 'contiguous'],
      ['dim 0 [3,7] idx [6,7], permuted x and index', [3, 7], 0, [6, 7], 'permuted', 'permuted'],
      ['dim 2 [2,3,5] idx [2,2,4], strided', [2, 3, 5], 2, [2, 2, 4], 'strided', 'strided'],
      ['dim 0 of 1-d [33] idx [257]', [33], 0, [257], 'contiguous', 'strided'],
      ['dim 1 broadcast x', [3, 4], 1, [3, 2], 'broadcast', 'contiguous'],
      ['dim 2 of 5-d permuted (more dims than the walk: the reference)', [2, 3, 4, 2, 3], 2, [2, 2, 5, 2, 3], 'permuted', 'permuted'],
    ];
    it.each(cases)('%s', (_, shape, axis, iShape, xl, il) => {
      const size = shape[axis];
      const index = ints(iShape, values(numel(iShape), 40, 'int32', -size, size), il); // negatives and repeats
      for (const dtype of ['float32', 'int32'] as const) {
        const x = pair(dtype, shape, xl, 41);
        expectSameOnBoth(threads, split, (b, k) => b.gather(x[k], axis, index[k], dtype));
      }
      const src = pair('float32', iShape, 'permuted', 42);
      expectSameOnBoth(threads, split, (b, k) => b.scatterAdd(shape, axis, index[k], src[k], 'float32'));
    });

    it('zero sizes', () => {
      const x = pair('float32', [3, 4], 'contiguous', 43), empty = ints([3, 0], []);
      expect(wasm.gather(x.w, 1, empty.w, 'float32').length).toBe(0);
      expectBits(onThreads(threads, split, () => wasm.scatterAdd([3, 4], 1, empty.w, pair('float32', [3, 0], 'contiguous', 0).w, 'float32')).result, new Float32Array(12));
    });

    it("the reference's error for the first bad index", () => {
      const x = pair('float32', [2, 4], 'contiguous', 44), src = pair('float32', [2, 2], 'contiguous', 45);
      for (const bad of [4, -5, 2 ** 25]) {
        const index = ints([2, 2], [0, 1, bad, 2]);
        const want = errorOf(() => cpu.gather(x.c, 1, index.c, 'float32'));
        expect(want).toBe(`gather: index ${bad} is out of bounds for dimension with size 4`);
        expect(onThreads(threads, split, () => errorOf(() => wasm.gather(x.w, 1, index.w, 'float32'))).result).toBe(want);
        const wantAdd = errorOf(() => cpu.scatterAdd([2, 4], 1, index.c, src.c, 'float32'));
        expect(wantAdd).toBe(`scatterAdd: index ${bad} is out of bounds for dimension with size 4`);
        expect(onThreads(threads, split, () => errorOf(() => wasm.scatterAdd([2, 4], 1, index.w, src.w, 'float32'))).result).toBe(wantAdd);
      }
      const none = pair('float32', [2, 0], 'contiguous', 0), index = ints([2, 1], [0, 0]);
      expect(errorOf(() => wasm.gather(none.w, 1, index.w, 'float32'))).toBe('gather: index 0 is out of bounds for dimension with size 0');
    });
  });

  describe('indexSelect and indexAdd', () => {
    const cases: [string, number[], number, number, Layout][] = [
      ['dim 0 [5,3] 7 ids', [5, 3], 0, 7, 'contiguous'],
      ['dim 1 [2,6,3] 4 ids, permuted', [2, 6, 3], 1, 4, 'permuted'],
      ['dim 2 [3,2,5] 9 ids, strided', [3, 2, 5], 2, 9, 'strided'],
      ['dim 0 of 1-d [33] 257 ids', [33], 0, 257, 'strided'],
      ['dim 1 broadcast x', [4, 3], 1, 2, 'broadcast'],
      ['dim 0 [4,3,5] permuted (rows that are not one run: the reference)', [4, 3, 5], 0, 6, 'permuted'],
    ];
    it.each(cases)('%s', (_, shape, axis, n, layout) => {
      const size = shape[axis];
      const srcShape = shape.map((s, d) => (d === axis ? n : s));
      for (const il of ['contiguous', 'strided'] as const) {
        const index = ints([n], values(n, 50, 'int32', -size, size), il);
        for (const dtype of ['float32', 'int32'] as const) {
          const x = pair(dtype, shape, layout, 51);
          expectSameOnBoth(threads, split, (b, k) => b.indexSelect(x[k], axis, index[k], dtype));
        }
        const src = pair('float32', srcShape, layout === 'broadcast' ? 'contiguous' : layout, 52);
        expectSameOnBoth(threads, split, (b, k) => b.indexAdd(shape, axis, index[k], src[k], 'float32'));
      }
    });

    it('zero sizes', () => {
      const x = pair('float32', [3, 4], 'contiguous', 53), empty = ints([0], []);
      expect(wasm.indexSelect(x.w, 0, empty.w, 'float32').length).toBe(0);
      expectBits(wasm.indexAdd([3, 4], 0, empty.w, pair('float32', [0, 4], 'contiguous', 0).w, 'float32'), new Float32Array(12));
      expect(wasm.indexSelect(pair('float32', [3, 0], 'contiguous', 0).w, 0, ints([2], [2, -1]).w, 'float32').length).toBe(0);
    });

    it("the reference's error for a bad index", () => {
      const x = pair('float32', [3, 2], 'contiguous', 54), src = pair('float32', [3, 2], 'contiguous', 55);
      const index = ints([3], [0, -4, 1]);
      expect(errorOf(() => cpu.indexSelect(x.c, 0, index.c, 'float32'))).toBe('indexSelect: index -4 is out of bounds for dimension with size 3');
      expect(errorOf(() => wasm.indexSelect(x.w, 0, index.w, 'float32'))).toBe('indexSelect: index -4 is out of bounds for dimension with size 3');
      expect(errorOf(() => wasm.indexAdd([3, 2], 0, index.w, src.w, 'float32'))).toBe('indexAdd: index -4 is out of bounds for dimension with size 3');
    });
  });
});

describe('wasm indexing kernels, large: 2 threads by size alone, as 1 thread and as cpu', () => {
  const threadsOf = (fn: (b: typeof cpu, side: 'c' | 'w') => TypedArray): number[] =>
    [2, 1].flatMap((n) => {
      const { result, calls } = onThreads(n, false, () => fn(wasm, 'w'));
      expectBits(result, fn(cpu, 'c'));
      return calls.map(([, nt]) => nt);
    });

  it('embedding lookup and its gradient: (3000, 96) table, 2000 ids (repeats, negatives)', () => {
    const table = pair('float32', [3000, 96], 'contiguous', 60), index = ints([2000], values(2000, 61, 'int32', -3000, 3000));
    expect(threadsOf((b, k) => b.indexSelect(table[k], 0, index[k], 'float32'))).toEqual([2, 1]);
    const dy = pair('float32', [2000, 96], 'contiguous', 62);
    expect(threadsOf((b, k) => b.indexAdd([3000, 96], 0, index[k], dy[k], 'float32'))).toEqual([2, 1]);
    const few = ints([2000], values(2000, 63, 'int32', 0, 5)); // every row hit ~400 times
    expect(threadsOf((b, k) => b.indexAdd([3000, 96], 0, few[k], dy[k], 'float32'))).toEqual([2, 1]);
  });

  it('indexSelect / indexAdd along dim 1 of a permuted (64, 50, 40)', () => {
    const x = pair('float32', [64, 50, 40], 'permuted', 64), index = ints([30], values(30, 65, 'int32', -50, 50));
    expect(threadsOf((b, k) => b.indexSelect(x[k], 1, index[k], 'float32'))).toEqual([2, 1]);
    const src = pair('float32', [64, 30, 40], 'contiguous', 66);
    expect(threadsOf((b, k) => b.indexAdd([64, 50, 40], 1, index[k], src[k], 'float32'))).toEqual([2, 1]);
  });

  it('gather and scatterAdd over (300, 400), and the first of two bad indices in different shares', () => {
    const x = pair('float32', [300, 400], 'contiguous', 67), index = ints([300, 400], values(120000, 68, 'int32', -400, 400), 'permuted');
    expect(threadsOf((b, k) => b.gather(x[k], 1, index[k], 'float32'))).toEqual([2, 1]);
    const src = pair('float32', [300, 400], 'strided', 74);
    expect(threadsOf((b, k) => b.scatterAdd([300, 400], 1, index[k], src[k], 'float32'))).toEqual([1, 1]); // adds may collide: one thread
    const ids = values(120000, 69, 'int32', 0, 400);
    ids[100000] = 1234; // in the second thread's share
    ids[1000] = -999; //   the first in row-major order
    const bad = ints([300, 400], ids);
    const want = errorOf(() => cpu.gather(x.c, 1, bad.c, 'float32'));
    expect(want).toBe('gather: index -999 is out of bounds for dimension with size 400');
    const { result, calls } = onThreads(2, false, () => errorOf(() => wasm.gather(x.w, 1, bad.w, 'float32')));
    expect([result, calls]).toEqual([want, [['gather', 2]]]);
  });

  it('cat of three (64, 128, 20) views along dim 1, and a 1 M element copy', () => {
    const xs = [pair('float32', [64, 128, 20], 'contiguous', 70), pair('float32', [64, 128, 20], 'permuted', 71), pair('float32', [64, 128, 20], 'contiguous', 72)];
    expect(threadsOf((b, k) => b.cat(xs.map((x) => x[k]), 1, 'float32'))).toEqual([2, 2, 2, 1, 1, 1]);
    const big = pair('float32', [1 << 20], 'contiguous', 73);
    expect(threadsOf((b, k) => b.cat([big[k]], 0, 'float32'))).toEqual([2, 1]);
  });
});
