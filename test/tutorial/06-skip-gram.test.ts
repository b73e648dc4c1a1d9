// 06-skip-gram.test.ts — the exercises of tutorial chapter 6 (examples/tutorial/solutions/
// 06-skip-gram.ts): the full-softmax skip-gram gradient against float64 central differences and
// the library's crossEntropy, the noise distribution against hand values, 3CosAdd against
// nlp.Word2Vec.analogy; and the chapter's SGNS code (examples/tutorial/lib/b-sgns.ts) against
// finite differences and the library's sgnsLoss.

import { describe, expect, it } from 'vitest';
import { manualSeed, nlp, nn, randn, tensor } from '../../src/index.js';
import { sgnsLoss } from '../../src/nlp/skipgram.js';
import { drawNoise, nearest, noiseCdf, sgnsLossAndGrad, sgnsStep } from '../../examples/tutorial/lib/b-sgns.js';
import { analogy, noiseDistribution, softmaxSkipGram } from '../../examples/tutorial/solutions/06-skip-gram.js';
import { expectClose } from '../helpers/close.js';

/** Central differences of `loss` with respect to every entry of `w` (changed in place and restored). */
function numericGrad(w: Float64Array, loss: () => number, eps = 1e-6): Float64Array {
  const g = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const keep = w[i];
    w[i] = keep + eps; const up = loss();
    w[i] = keep - eps; const down = loss();
    w[i] = keep;
    g[i] = (up - down) / (2 * eps);
  }
  return g;
}

function randomRows(V: number, D: number, seed: number): Float64Array {
  manualSeed(seed);
  return Float64Array.from(randn([V * D], { dtype: 'float64' }).mul(0.5).dataSync());
}

describe('exercise 6.1: softmaxSkipGram', () => {
  const V = 7, D = 3;
  it('gradients match float64 central differences', () => {
    const wIn = randomRows(V, D, 1), wOut = randomRows(V, D, 2);
    const { dIn, dOut } = softmaxSkipGram(wIn, wOut, D, 2, 5);
    expectClose(dIn, numericGrad(wIn, () => softmaxSkipGram(wIn, wOut, D, 2, 5).loss), 1e-8, 1e-6);
    expectClose(dOut, numericGrad(wOut, () => softmaxSkipGram(wIn, wOut, D, 2, 5).loss), 1e-8, 1e-6);
  });
  it('the loss equals nn.functional.crossEntropy of the scores x·Wᵀ', () => {
    const wIn = randomRows(V, D, 3), wOut = randomRows(V, D, 4);
    const x = tensor(wIn.slice(2 * D, 3 * D), { dtype: 'float64' }); // (D)
    const scores = tensor(wOut, { dtype: 'float64', shape: [V, D] }).matmul(x).reshape(1, V); // (1, V)
    const ce = nn.functional.crossEntropy(scores, tensor([5], { dtype: 'int32' })).item();
    expect(softmaxSkipGram(wIn, wOut, D, 2, 5).loss).toBeCloseTo(ce, 12);
  });
  it('is ln V when every vector is zero', () => {
    const z = new Float64Array(V * D);
    expect(softmaxSkipGram(z, z, D, 0, 1).loss).toBeCloseTo(Math.log(V), 14);
  });
  it('rejects a word outside the vocabulary', () => {
    const z = new Float64Array(V * D);
    expect(() => softmaxSkipGram(z, z, D, 0, 7)).toThrow('softmaxSkipGram: context 7 is outside [0, 7)');
  });
});

describe('exercise 6.2: noiseDistribution', () => {
  it('count^0.75: counts 1 and 16 give 1/9 and 8/9', () => {
    expectClose(noiseDistribution([1, 16]), [1 / 9, 8 / 9], 1e-15);
  });
  it('power 1 is the unigram distribution, power 0 the uniform one', () => {
    expectClose(noiseDistribution([2, 3, 5], 1), [0.2, 0.3, 0.5], 1e-15);
    expectClose(noiseDistribution([2, 3, 5], 0), [1 / 3, 1 / 3, 1 / 3], 1e-15);
  });
  it('agrees with the chapter\'s noiseCdf', () => {
    const counts = [40, 9, 7, 1, 1];
    const cdf = noiseCdf(counts), p = noiseDistribution(counts);
    expectClose(cdf, p.map((_, i) => p.slice(0, i + 1).reduce((a, b) => a + b, 0)), 1e-15);
  });
  it('rejects a count that is not positive', () => {
    expect(() => noiseDistribution([3, 0])).toThrow('noiseDistribution: count of word 1 must be > 0, got 0');
  });
});

describe('exercise 6.3: analogy', () => {
  const vocab = ['man', 'king', 'woman', 'queen', 'apple', 'prince'];
  const vectors = [1, 0, 0, /**/ 1, 1, 0, /**/ 0, 0, 1, /**/ 0, 1, 1, /**/ 0.2, -1, 0.1, /**/ 1, 0.8, 0.3];
  it('king − man + woman is queen, by hand: the target (0, 1, 1)/√2 is queen\'s own direction', () => {
    const [[w, cos]] = analogy(vectors, vocab, 3, 'man', 'king', 'woman');
    expect(w).toBe('queen');
    // unit(king) − unit(man) + unit(woman) = (1/√2 − 1, 1/√2, 1); cos with unit(queen)
    const t = [Math.SQRT1_2 - 1, Math.SQRT1_2, 1], q = [0, Math.SQRT1_2, Math.SQRT1_2];
    expect(cos).toBeCloseTo((t[1] * q[1] + t[2] * q[2]) / Math.hypot(...t), 12);
  });
  it('ranks as nlp.Word2Vec.analogy does on the same vectors', () => {
    const text = `${vocab.length} 3\n` + vocab.map((w, i) => `${w} ${vectors.slice(3 * i, 3 * i + 3).join(' ')}`).join('\n') + '\n';
    const ref = nlp.Word2Vec.fromText(text).analogy('man', 'king', 'woman', 3);
    const mine = analogy(vectors, vocab, 3, 'man', 'king', 'woman', 3);
    expect(mine.map(([w]) => w)).toEqual(ref.map(([w]) => w));
    expectClose(mine.map(([, c]) => c), ref.map(([, c]) => c), 1e-6);
  });
  it('rejects an unknown word', () => {
    expect(() => analogy(vectors, vocab, 3, 'man', 'king', 'girl')).toThrow("analogy: 'girl' is not in the vocabulary");
  });
});

describe('the chapter\'s SGNS by hand (lib/b-sgns.ts)', () => {
  const V = 6, D = 4, K = 2, centers = [0, 2, 4], targets = [1, 3, 5, 3, 0, 5, 5, 1, 2];
  it('sgnsLossAndGrad matches float64 central differences', () => {
    const wIn = randomRows(V, D, 5), wOut = randomRows(V, D, 6);
    const { dIn, dOut } = sgnsLossAndGrad(wIn, wOut, D, centers, targets, K);
    const loss = () => sgnsLossAndGrad(wIn, wOut, D, centers, targets, K).loss;
    expectClose(dIn, numericGrad(wIn, loss), 1e-8, 1e-6);
    expectClose(dOut, numericGrad(wOut, loss), 1e-8, 1e-6);
  });
  it('one pair\'s loss equals the library\'s sgnsLoss (word2vec.c\'s objective)', () => {
    const wIn = randomRows(V, D, 7), wOut = randomRows(V, D, 8);
    const mine = sgnsLossAndGrad(wIn, wOut, D, [2], [3, 0, 5], K).loss;
    expect(mine).toBeCloseTo(sgnsLoss(Float32Array.from(wIn), Float32Array.from(wOut), D, 2, [3, 0, 5]), 5);
  });
  it('sgnsStep moves by −lr times the gradient when the targets are distinct', () => {
    const wIn = randomRows(V, D, 9), wOut = randomRows(V, D, 10), lr = 0.1;
    const { dIn, dOut } = sgnsLossAndGrad(wIn, wOut, D, [2], [3, 0, 5], K);
    const wIn2 = wIn.slice(), wOut2 = wOut.slice();
    sgnsStep(wIn2, wOut2, D, 2, [3, 0, 5], lr);
    expectClose(wIn2, wIn.map((w, i) => w - lr * dIn[i]), 1e-14);
    expectClose(wOut2, wOut.map((w, i) => w - lr * dOut[i]), 1e-14);
  });
  it('drawNoise picks the word whose cdf interval holds u', () => {
    const cdf = noiseCdf([1, 16]); // [1/9, 1]
    expect([0, 0.1, 1 / 9, 0.5, 0.999].map((u) => drawNoise(cdf, u))).toEqual([0, 0, 1, 1, 1]);
  });
  it('nearest ranks by cosine and leaves the word out', () => {
    const res = nearest([1, 0, 2, 0.1, 0, 1], 2, ['a', 'b', 'c'], 'a', 2);
    expect(res.map(([w]) => w)).toEqual(['b', 'c']);
    expect(res[0][1]).toBeCloseTo(2 / Math.hypot(2, 0.1), 12);
    expect(() => nearest([1, 0], 2, ['a'], 'z', 1)).toThrow("nearest: 'z' is not in the vocabulary");
  });
  it('sgnsLossAndGrad rejects a targets list of the wrong length', () => {
    const z = new Float64Array(V * D);
    expect(() => sgnsLossAndGrad(z, z, D, [0, 1], [1, 2, 3], K)).toThrow('sgnsLossAndGrad: 2 pairs with K = 2 need 6 targets, got 3');
  });
});
