// split.test.ts — randomSplit (integer and fractional lengths with PyTorch's round-robin
// remainder, pieces of one randperm(N), disjoint cover, errors) and stratifiedSplit (class counts
// per part worked out by hand on constructed label lists, random tie-breaking that still keeps
// totals, reproducibility under manualSeed, the length form, errors).

import { describe, expect, it } from 'vitest';
import { data, manualSeed, randperm, tensor } from '../../src/index.js';

const { randomSplit, stratifiedSplit, Subset } = data;

const range = (n: number): { length: number; get: (i: number) => number } => ({ length: n, get: (i) => i });
const sorted = (a: number[]): number[] => [...a].sort((p, q) => p - q);
const iota = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
/** How many indices of each class (0..C-1) a part holds. */
const classCounts = (indices: number[], labels: number[], C: number): number[] => {
  const c = new Array<number>(C).fill(0);
  for (const i of indices) c[labels[i]]++;
  return c;
};

describe('randomSplit', () => {
  it('cuts one randperm(N) into consecutive pieces of the integer lengths', () => {
    manualSeed(3);
    const perm = Array.from(randperm(10).dataSync());
    manualSeed(3);
    const [a, b] = randomSplit(range(10), [4, 6]);
    expect(a).toBeInstanceOf(Subset);
    expect(a.indices).toEqual(perm.slice(0, 4));
    expect(b.indices).toEqual(perm.slice(4));
    expect(b.get(0)).toBe(perm[4]);
  });
  it('turns fractions into floor(N f) plus a round-robin remainder (torch.utils.data.random_split)', () => {
    const lens = (n: number, f: number[]): number[] => randomSplit(range(n), f).map((s) => s.length);
    expect(lens(10, [0.5, 0.3, 0.2])).toEqual([5, 3, 2]);
    expect(lens(10, [0.25, 0.25, 0.5])).toEqual([3, 2, 5]); // floors 2, 2, 5; one left -> part 0
    expect(lens(7, [1 / 3, 1 / 3, 1 / 3])).toEqual([3, 2, 2]); // floors 2, 2, 2; one left -> part 0
    expect(lens(5, [0.1, 0.1, 0.8])).toEqual([1, 0, 4]); // floors 0, 0, 4; one left -> part 0
  });
  it('the parts are disjoint and cover the dataset', () => {
    manualSeed(11);
    const parts = randomSplit(range(23), [0.6, 0.2, 0.2]);
    expect(parts.map((p) => p.length)).toEqual([14, 5, 4]); // floors 13, 4, 4 = 21; two left -> parts 0, 1
    expect(sorted(parts.flatMap((p) => p.indices))).toEqual(iota(23));
  });
  it('errors name the lengths and the dataset size', () => {
    expect(() => randomSplit(range(10), [3, 4])).toThrow('randomSplit: lengths [3,4] sum to 7, but the dataset has 10 items');
    expect(() => randomSplit(range(10), [0.5, 0.3])).toThrow('randomSplit: lengths [0.5,0.3] must be non-negative integers summing to 10 or fractions summing to 1');
    expect(() => randomSplit(range(10), [-0.5, 1.5])).toThrow('randomSplit: fraction at index 0 is -0.5, not between 0 and 1');
    expect(() => randomSplit(range(10), [])).toThrow('randomSplit: lengths must be a non-empty list of numbers, got []');
    expect(() => randomSplit(range(10), [NaN, 10])).toThrow('randomSplit: lengths must be a non-empty list of numbers, got [NaN,10]');
    expect(() => randomSplit([1, 2] as never, [1, 1])).toThrow('randomSplit: expected a dataset with an integer length and get(i), got [1,2]');
  });
});

describe('stratifiedSplit', () => {
  // 20 items: 10 of class 0, 6 of class 1, 4 of class 2, interleaved
  const labels = [0, 1, 0, 2, 0, 1, 0, 0, 2, 1, 0, 1, 0, 2, 0, 1, 0, 2, 1, 0];
  it('halves keep the class proportions exactly (10/6/4 -> 5/3/2 each)', () => {
    manualSeed(0);
    const [a, b] = stratifiedSplit(range(20), labels, [0.5, 0.5]);
    expect(classCounts(a.indices, labels, 3)).toEqual([5, 3, 2]);
    expect(classCounts(b.indices, labels, 3)).toEqual([5, 3, 2]);
    expect(sorted([...a.indices, ...b.indices])).toEqual(iota(20));
  });
  it('uneven and three-way splits, with tensor labels and counts', () => {
    // 8/8/4 split 10/5/5: part 0 gets 10·(8, 8, 4)/20 = (4, 4, 2); part 1 gets 5 of the
    // remaining (4, 4, 2) -> (2, 2, 1); part 2 the rest (2, 2, 1)
    const y = [...new Array(8).fill(0), ...new Array(8).fill(1), ...new Array(4).fill(2)];
    manualSeed(1);
    const parts = stratifiedSplit(range(20), tensor(y, { dtype: 'int32' }), [10, 5, 5]);
    expect(parts.map((p) => classCounts(p.indices, y, 3))).toEqual([[4, 4, 2], [2, 2, 1], [2, 2, 1]]);
    expect(sorted(parts.flatMap((p) => p.indices))).toEqual(iota(20));
    // 10/5/5 split 0.8/0.2 -> (8, 4, 4) and (2, 1, 1)
    const z = [...new Array(10).fill(0), ...new Array(5).fill(1), ...new Array(5).fill(2)];
    const [tr, te] = stratifiedSplit(range(20), z, [0.8, 0.2]);
    expect(classCounts(tr.indices, z, 3)).toEqual([8, 4, 4]);
    expect(classCounts(te.indices, z, 3)).toEqual([2, 1, 1]);
  });
  it('breaks ties at random but keeps every total', () => {
    // 3 + 3 items into halves of 3: 1.5 each -> floors (1, 1), the spare draw goes to one class
    const y = [0, 0, 0, 1, 1, 1];
    for (const seed of [0, 1, 2, 3]) {
      manualSeed(seed);
      const [a, b] = stratifiedSplit(6, y, [0.5, 0.5]);
      const ca = classCounts(a.indices, y, 2), cb = classCounts(b.indices, y, 2);
      expect(sorted(ca)).toEqual([1, 2]);
      expect([ca[0] + cb[0], ca[1] + cb[1]]).toEqual([3, 3]);
    }
  });
  it('class values need not be 0..C-1; the length form splits indices; a seed repeats it', () => {
    const y = [7, -1, 7, 7, -1, 7, 7, -1];
    const run = (): number[][] => { manualSeed(5); return stratifiedSplit(8, y, [0.5, 0.5]).map((s) => s.indices); };
    const [a, b] = run();
    expect(a.filter((i) => y[i] === 7).length + b.filter((i) => y[i] === 7).length).toBe(5);
    expect(a.length).toBe(4);
    expect(run()).toEqual([a, b]);
    const sub = stratifiedSplit(8, y, [4, 4])[0];
    expect(sub.get(0)).toBe(sub.indices[0]);
  });
  it('errors name the counts and values', () => {
    expect(() => stratifiedSplit(range(4), [0, 1, 0], [2, 2])).toThrow('stratifiedSplit: got 3 labels for a dataset of 4 items');
    expect(() => stratifiedSplit(3, [0, NaN, 1], [2, 1])).toThrow('stratifiedSplit: label 1 is NaN, not a finite number');
    expect(() => stratifiedSplit(-1, [], [1])).toThrow('stratifiedSplit: length must be a non-negative integer, got -1');
    expect(() => stratifiedSplit(4, [0, 0, 1, 1], [1, 2])).toThrow('stratifiedSplit: lengths [1,2] sum to 3, but the dataset has 4 items');
    expect(() => stratifiedSplit(2, tensor([[0, 1]]), [1, 1])).toThrow('stratifiedSplit: labels must be 1-D, got shape [1,2]');
    expect(() => stratifiedSplit(2, 5 as never, [1, 1])).toThrow('stratifiedSplit: labels must be an array or a Tensor, got 5');
  });
});
