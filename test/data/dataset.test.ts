// dataset.test.ts — TensorDataset (rows, batched rows by indexSelect, shape errors), Subset
// (index mapping, getBatch only over a batched parent), DataLoader (batch contents and order,
// length with and without dropLast, a new shuffle per pass drawn by randperm from the manualSeed
// generator, custom collate, option errors) and defaultCollate (tensors, numbers, tuples,
// objects, strings, and its errors).

import { describe, expect, it } from 'vitest';
import { data, manualSeed, randperm, tensor, type Tensor } from '../../src/index.js';

const { TensorDataset, Subset, DataLoader, defaultCollate } = data;

// x row i = [2i, 2i+1]; y[i] = i
const N = 10;
const x = tensor(Array.from({ length: N }, (_, i) => [2 * i, 2 * i + 1]));
const y = tensor(Array.from({ length: N }, (_, i) => i), { dtype: 'int32' });
const ds = new TensorDataset(x, y);
const rows = (t: Tensor): number[] => Array.from(t.dataSync());
const epoch = (loader: Iterable<Tensor[]>): number[][] => [...loader].map(([, yb]) => rows(yb));

describe('TensorDataset', () => {
  it('has the shared length; get(i) is row i of every tensor', () => {
    expect(ds.length).toBe(10);
    const [xi, yi] = ds.get(3);
    expect(xi.shape).toEqual([2]);
    expect(rows(xi)).toEqual([6, 7]);
    expect(yi.shape).toEqual([]);
    expect(yi.item()).toBe(3);
  });
  it('getBatch gathers rows in the given order', () => {
    const [xb, yb] = ds.getBatch([4, 1, 4]);
    expect(xb.toArray()).toEqual([[8, 9], [2, 3], [8, 9]]);
    expect(yb.dtype).toBe('int32');
    expect(rows(yb)).toEqual([4, 1, 4]);
  });
  it('errors name the shapes and the index', () => {
    expect(() => new TensorDataset(tensor([[1, 2], [3, 4], [5, 6]]), tensor([1, 2, 3, 4]))).toThrow(
      'TensorDataset: size mismatch between tensors, shapes [3,2], [4] (every first dimension must be 3)');
    expect(() => new TensorDataset()).toThrow('TensorDataset: needs at least one tensor');
    expect(() => new TensorDataset(tensor(1))).toThrow('TensorDataset: tensor 0 is 0-d; every tensor needs a first (sample) dimension');
    expect(() => new TensorDataset(x, [1, 2] as never)).toThrow('TensorDataset: argument 1 is not a Tensor');
    expect(() => ds.get(10)).toThrow('TensorDataset.get: index 10 out of range for a dataset of length 10');
    expect(() => ds.get(-1)).toThrow('TensorDataset.get: index -1 out of range for a dataset of length 10');
    expect(() => ds.getBatch([0, 1.5])).toThrow('TensorDataset.getBatch: index 1.5 out of range for a dataset of length 10');
  });
});

describe('Subset', () => {
  it('maps its indices onto the parent, get and getBatch alike', () => {
    const sub = new Subset(ds, [7, 2, 5]);
    expect(sub.length).toBe(3);
    expect(rows(sub.get(0)[0])).toEqual([14, 15]);
    expect(rows(sub.getBatch!([2, 0])[1])).toEqual([5, 7]);
    expect(new Subset(ds, tensor([9, 0], { dtype: 'int32' })).indices).toEqual([9, 0]);
  });
  it('has no getBatch over a dataset without one', () => {
    const plain = { length: 4, get: (i: number) => i * 10 };
    const sub = new Subset(plain, [3, 1]);
    expect(sub.getBatch).toBeUndefined();
    expect(sub.get(0)).toBe(30);
  });
  it('rejects out-of-range indices', () => {
    expect(() => new Subset(ds, [0, 10])).toThrow('Subset: index 10 out of range for a dataset of length 10');
    expect(() => new Subset(ds, [1]).get(1)).toThrow('Subset.get: index 1 out of range for a dataset of length 1');
    expect(() => new Subset(ds, [1]).getBatch!([2])).toThrow('Subset.getBatch: index 2 out of range for a dataset of length 1');
  });
});

describe('DataLoader', () => {
  it('walks 0..N-1 in batches; the last batch is short unless dropLast', () => {
    const loader = new DataLoader(ds, { batchSize: 4 });
    expect(loader.length).toBe(3);
    const batches = [...loader];
    expect(batches.map(([xb]) => xb.shape)).toEqual([[4, 2], [4, 2], [2, 2]]);
    expect(batches[2][0].toArray()).toEqual([[16, 17], [18, 19]]);
    expect(epoch(loader)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    const dropped = new DataLoader(ds, { batchSize: 4, dropLast: true });
    expect(dropped.length).toBe(2);
    expect(epoch(dropped)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
    expect(new DataLoader(ds).length).toBe(10);
    expect(new DataLoader(ds, { batchSize: 5, dropLast: true }).length).toBe(2);
  });
  it('shuffles by randperm(N) from the manualSeed generator, anew on every pass', () => {
    manualSeed(7);
    const p1 = rows(randperm(N));
    const p2 = rows(randperm(N));
    manualSeed(7);
    const loader = new DataLoader(ds, { batchSize: 3, shuffle: true });
    const e1 = epoch(loader), e2 = epoch(loader);
    expect(e1.map((b) => b.length)).toEqual([3, 3, 3, 1]);
    expect(e1.flat()).toEqual(p1);
    expect(e2.flat()).toEqual(p2);
    expect(e1.flat()).not.toEqual(e2.flat());
    expect([...e1.flat()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // the x rows travel with their labels
    for (const [xb, yb] of loader) expect(rows(xb)).toEqual(rows(yb).flatMap((i) => [2 * i, 2 * i + 1]));
  });
  it('shuffled passes repeat under the same seed', () => {
    const run = (): number[][] => {
      manualSeed(123);
      const loader = new DataLoader(new Subset(ds, [9, 8, 7, 6, 5]), { batchSize: 2, shuffle: true, dropLast: true });
      return [...epoch(loader), ...epoch(loader)];
    };
    const a = run();
    expect(a.map((b) => b.length)).toEqual([2, 2, 2, 2]);
    expect(run()).toEqual(a);
  });
  it('collates plain items with defaultCollate, or with a custom collate', () => {
    const items = { length: 5, get: (i: number) => ({ x: i * 0.5, y: i, name: `s${i}` }) };
    const [first, , last] = [...new DataLoader(items, { batchSize: 2 })];
    expect(first.x.dtype).toBe('float32');
    expect(rows(first.x)).toEqual([0, 0.5]);
    expect(first.y.dtype).toBe('int32');
    expect(rows(last.y)).toEqual([4]);
    expect(first.name).toEqual(['s0', 's1']);
    const sizes = [...new DataLoader(items, { batchSize: 2, collate: (b) => b.length })];
    expect(sizes).toEqual([2, 2, 1]);
    const viaItems = [...new DataLoader(ds, { batchSize: 4, collate: (b) => b.map(([, yi]) => yi.item()) })];
    expect(viaItems).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect([...new DataLoader({ length: 0, get: () => 0 })]).toEqual([]);
  });
  it('errors name the option and value', () => {
    expect(() => new DataLoader(ds, { batchSize: 0 })).toThrow('DataLoader: invalid batchSize 0 (must be a positive integer)');
    expect(() => new DataLoader(ds, { batchSize: 2.5 })).toThrow('DataLoader: invalid batchSize 2.5 (must be a positive integer)');
    expect(() => new DataLoader(ds, { shuffle: 'yes' as never })).toThrow("DataLoader: invalid shuffle 'yes' (must be true or false)");
    expect(() => new DataLoader(ds, { dropLast: 1 as never })).toThrow('DataLoader: invalid dropLast 1 (must be true or false)');
    expect(() => new DataLoader(ds, { collate: 3 as never })).toThrow('DataLoader: invalid collate 3 (must be a function)');
    expect(() => new DataLoader(ds, { batch_size: 2 } as never)).toThrow("DataLoader: unknown option 'batch_size' (options are batchSize, shuffle, dropLast, collate)");
    expect(() => new DataLoader([1, 2] as never)).toThrow('DataLoader: invalid dataset [1,2] (needs an integer length and get(i))');
  });
});

describe('defaultCollate', () => {
  it('stacks tensors and collates tuples field by field', () => {
    const [xb, yb, fb] = defaultCollate([[tensor([1, 2]), 0, 1.5], [tensor([3, 4]), 1, 2]] as [Tensor, number, number][]);
    expect(xb.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(yb.dtype).toBe('int32');
    expect(rows(yb)).toEqual([0, 1]);
    expect(fb.dtype).toBe('float32');
    expect(rows(fb)).toEqual([1.5, 2]);
    expect(defaultCollate([true, false]).dtype).toBe('bool');
    expect(defaultCollate([{ a: [1, 2] }, { a: [3, 4] }]).a.map(rows)).toEqual([[1, 3], [2, 4]]);
  });
  it('errors say where the items disagree', () => {
    expect(() => defaultCollate([])).toThrow('defaultCollate: cannot collate an empty list of items');
    expect(() => defaultCollate([1, tensor(2)] as unknown[])).toThrow('defaultCollate: at batch, item 1 is a Tensor but item 0 is a number');
    expect(() => defaultCollate([[1, 2], [3]])).toThrow('defaultCollate: at batch, item 1 has 1 fields but item 0 has 2; every item needs the same number');
    expect(() => defaultCollate([{ a: 1, b: 2 }, { a: 3 }] as { a: number; b: number }[])).toThrow("defaultCollate: at batch, item 1 has no key 'b' that item 0 has");
    expect(() => defaultCollate([{ a: [1, 'x'] }, { a: [2, 3] }] as never[])).toThrow('defaultCollate: at batch.a[1], item 1 is a number but item 0 is a string');
    expect(() => defaultCollate([null, null])).toThrow('defaultCollate: at batch, cannot batch items that are null');
    expect(() => defaultCollate([tensor([1, 2]), tensor([1])])).toThrow('stack: tensor 1 has shape [1], expected [2]');
  });
});
