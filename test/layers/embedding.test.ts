// embedding.test.ts — embedding / Embedding: rows looked up for any index shape, gradients that
// accumulate over repeated indices (hand counts) and skip the padding row, gradcheck w.r.t. the
// table, N(0, 1) init with the padding row zeroed, negative paddingIdx, fromPretrained, and
// the errors for a bad index dtype, an out-of-range index and a bad paddingIdx. Lookups,
// gradients and errors run on every backend (gradcheck: float32 vs cpu without float64).

import { describe, expect, it } from 'vitest';
import { manualSeed, noGrad, tensor, zeros, type Tensor } from '../../src/index.js';
import { embedding, Embedding } from '../../src/layers/embedding.js';
import { expectClose } from '../helpers/close.js';
import { describeEachBackend } from '../helpers/backends.js';
import { expectGradcheck } from '../helpers/crosscheck.js';

const TABLE = [[0, 0.5], [1, -1], [2.5, 3], [-4, 0.25], [6, 7]]; // (5, 2)
const int = (data: number[] | number[][] | number): Tensor => tensor(data, { dtype: 'int32' });

describeEachBackend('embedding forward', () => {
  it('y[i, j] = w[idx[i, j]]: (2, 3) indices -> (2, 3, 2)', () => {
    const y = embedding(int([[4, 0, 2], [2, 2, 1]]), tensor(TABLE));
    expect(y.shape).toEqual([2, 3, 2]);
    expect(y.toArray()).toEqual([[TABLE[4], TABLE[0], TABLE[2]], [TABLE[2], TABLE[2], TABLE[1]]]);
  });
  it('1-D and 0-d indices', () => {
    expect(embedding(int([3, 1]), tensor(TABLE)).toArray()).toEqual([TABLE[3], TABLE[1]]);
    const y = embedding(int(3), tensor(TABLE));
    expect(y.shape).toEqual([2]);
    expect(y.toArray()).toEqual(TABLE[3]);
  });
  it('the padding row is returned as it is (only its gradient is cut)', () => {
    expect(embedding(int([0, 1]), tensor(TABLE), { paddingIdx: 0 }).toArray()).toEqual([TABLE[0], TABLE[1]]);
  });
  it('the module looks up its own table', () => {
    const emb = Embedding.fromPretrained(tensor(TABLE));
    expect(emb.forward(int([[1], [4]])).toArray()).toEqual([[TABLE[1]], [TABLE[4]]]);
  });
});

describeEachBackend('embedding gradients', (b) => {
  it('repeated indices accumulate: dW[r] = (count of r) * dy row', () => {
    const w = tensor(TABLE, { requiresGrad: true });
    const y = embedding(int([[1, 3, 1], [1, 0, 4]]), w); // row 1 three times, 2 never
    y.mul(tensor([1, 10])).sum().backward(); // dy row = [1, 10]
    expect(w.grad!.toArray()).toEqual([[1, 10], [3, 30], [0, 0], [1, 10], [1, 10]]);
  });
  it('paddingIdx receives zero gradient even where it is looked up', () => {
    const emb = new Embedding(5, 2, { paddingIdx: 1 });
    emb.forward(int([[1, 3, 1], [1, 0, 4]])).sum().backward();
    expect(emb.weight.grad!.toArray()).toEqual([[1, 1], [0, 0], [0, 0], [1, 1], [1, 1]]);
  });
  it('negative paddingIdx counts from the end (-1 is the last row)', () => {
    const emb = new Embedding(5, 2, { paddingIdx: -1 });
    expect(emb.paddingIdx).toBe(4);
    emb.forward(int([4, 4, 2])).sum().backward();
    expect(emb.weight.grad!.toArray()).toEqual([[0, 0], [0, 0], [1, 1], [0, 0], [0, 0]]);
  });
  it('gradcheck (float64; float32 vs cpu without float64) w.r.t. the table, with and without a padding row', () => {
    const table = (dtype: 'float32' | 'float64'): Tensor => {
      manualSeed(5);
      return new Embedding(5, 3, { dtype }).weight;
    };
    expectGradcheck(b, (dtype) => {
      const idx = int([[0, 3, 3], [4, 1, 0]]);
      return { fn: (w) => embedding(idx, w).tanh(), inputs: [table(dtype)] };
    });
    // padding row 2 is not looked up, so its (zero) analytic gradient is also the numerical one
    expectGradcheck(b, (dtype) => {
      const idx = int([[0, 3, 3], [4, 1, 0]]);
      return { fn: (w) => embedding(idx, w, { paddingIdx: 2 }).pow(2), inputs: [table(dtype)] };
    });
  });
});

describe('Embedding init', () => {
  it('N(0, 1): mean ≈ 0, variance ≈ 1 over 50 000 draws', () => {
    manualSeed(11);
    const emb = new Embedding(1000, 50);
    expect(emb.weight.shape).toEqual([1000, 50]);
    const w = Array.from(emb.weight.dataSync());
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const variance = w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length;
    expect(Math.abs(mean)).toBeLessThan(0.02); // sd of the mean ≈ 0.0045
    expect(Math.abs(variance - 1)).toBeLessThan(0.03); // sd ≈ 0.0063
    expect(w.some((v) => Math.abs(v) > 3)).toBe(true); // unbounded, unlike a uniform
  });
  it('the padding row is zeroed, the others are not; resetParameters keeps it zero', () => {
    manualSeed(2);
    const emb = new Embedding(6, 4, { paddingIdx: 3, dtype: 'float64' });
    const rows = emb.weight.toArray() as number[][];
    expect(rows[3]).toEqual([0, 0, 0, 0]);
    expect(rows.filter((_, i) => i !== 3).every((r) => r.every((v) => v !== 0))).toBe(true);
    noGrad(() => emb.weight.fill_(1));
    emb.resetParameters();
    expect((emb.weight.toArray() as number[][])[3]).toEqual([0, 0, 0, 0]);
    expect(emb.weight.dtype).toBe('float64');
  });
  it('state dict key is weight; fromPretrained copies and freezes unless told not to', () => {
    expect(Object.keys(new Embedding(3, 2).stateDict())).toEqual(['weight']);
    const src = tensor(TABLE);
    const frozen = Embedding.fromPretrained(src);
    expect(frozen.weight.requiresGrad).toBe(false);
    expect([frozen.numEmbeddings, frozen.embeddingDim]).toEqual([5, 2]);
    noGrad(() => src.fill_(0));
    expect(frozen.weight.toArray()).toEqual(TABLE);
    expect(Embedding.fromPretrained(tensor(TABLE), { freeze: false }).weight.requiresGrad).toBe(true);
  });
});

describeEachBackend('embedding errors', () => {
  it('indices must be int32', () => {
    expect(() => embedding(tensor([1, 2]), tensor(TABLE))).toThrow('embedding: indices must be an int32 Tensor, got float32');
    expect(() => new Embedding(5, 2).forward(tensor([true]))).toThrow('embedding: indices must be an int32 Tensor, got bool');
  });
  it('an out-of-range index names the index, its position and the table size', () => {
    expect(() => embedding(int([[0, 1], [5, 2]]), tensor(TABLE))).toThrow('embedding: index 5 (at flat position 2 of indices [2,2]) is out of range for 5 embeddings [0, 5)');
    expect(() => embedding(int([-1]), tensor(TABLE))).toThrow('embedding: index -1 (at flat position 0 of indices [1]) is out of range for 5 embeddings [0, 5)');
  });
  it('bad weight, bad paddingIdx, bad sizes', () => {
    expect(() => embedding(int([0]), zeros([5]))).toThrow('embedding: weight must be 2-D (num, dim), got shape [5]');
    expect(() => embedding(int([0]), tensor(TABLE), { paddingIdx: 5 })).toThrow('embedding: paddingIdx 5 must be an integer within [-5, 5) for 5 embeddings');
    expect(() => new Embedding(4, 2, { paddingIdx: -5 })).toThrow('Embedding: paddingIdx -5 must be an integer within [-4, 4) for 4 embeddings');
    expect(() => new Embedding(4, 1.5)).toThrow('Embedding: embeddingDim must be a non-negative integer, got 1.5');
    expect(() => Embedding.fromPretrained(zeros([3]))).toThrow('Embedding.fromPretrained: embeddings must be 2-D (num, dim), got shape [3]');
  });
});
