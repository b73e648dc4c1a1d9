// 05-gpt.test.ts — the exercises of tutorial chapter 5 (examples/tutorial/solutions/05-gpt.ts):
// the closed-form parameter count against the model's own parameters, the bigram loss against a
// hand-derived value, top-k probabilities against hand values and the library's softmax; and the
// chapter's GPT (examples/tutorial/lib/b-gpt.ts): causality, init, errors; the heads' weights and heat map.

import { describe, expect, it } from 'vitest';
import { manualSeed, nn, optim, randint, randn, tensor } from '../../src/index.js';
import { CausalSelfAttention } from '../../examples/tutorial/lib/b-attention.js';
import { GPT, type GPTConfig } from '../../examples/tutorial/lib/b-gpt.js';
import { bigramLoss, gptParameterCount, topKProbabilities } from '../../examples/tutorial/solutions/05-gpt.js';
import { expectClose } from '../helpers/close.js';

describe('exercise 5.1: gptParameterCount', () => {
  const configs: GPTConfig[] = [
    { vocabSize: 86, blockSize: 32, nLayer: 2, nHead: 4, nEmbd: 64 },
    { vocabSize: 10, blockSize: 7, nLayer: 1, nHead: 2, nEmbd: 6 },
    { vocabSize: 65, blockSize: 16, nLayer: 3, nHead: 3, nEmbd: 24 },
  ];
  it('is 113,152 for the chapter\'s model (counted by hand in the chapter)', () => {
    expect(gptParameterCount(configs[0])).toBe(113152);
  });
  for (const c of configs) {
    it(`matches the model's parameters for V ${c.vocabSize}, T ${c.blockSize}, L ${c.nLayer}, C ${c.nEmbd}`, () => {
      const model = new GPT(c);
      expect(gptParameterCount(c)).toBe(model.parameters().reduce((s, p) => s + p.numel(), 0));
    });
  }
});

describe('exercise 5.2: bigramLoss', () => {
  it('equals the hand-derived value on a two-token language', () => {
    // train 0 1 0 1: pairs 0→1 twice, 1→0 once; +1 everywhere: P(1|0) = 3/4, P(1|1) = 1/3
    expect(bigramLoss([0, 1, 0, 1], [0, 1, 1], 2)).toBeCloseTo(-(Math.log(3 / 4) + Math.log(1 / 3)) / 2, 12);
  });
  it('is ln V when nothing was seen and alpha spreads evenly', () => {
    expect(bigramLoss([3], [0, 1, 2, 3, 4], 5, 0.5)).toBeCloseTo(Math.log(5), 12);
  });
  it('rejects tokens outside the vocabulary and a bad alpha', () => {
    expect(() => bigramLoss([0, 2], [0, 1], 2)).toThrow('bigramLoss: token 2 at 1 is outside [0, 2)');
    expect(() => bigramLoss([0, 1], [0, 1], 2, 0)).toThrow('bigramLoss: alpha must be > 0, got 0');
  });
});

describe('exercise 5.3: topKProbabilities', () => {
  it('keeps the two largest of [1, 2, 3, 4] in proportion e^3 : e^4', () => {
    const e3 = Math.exp(3), e4 = Math.exp(4);
    expectClose(topKProbabilities([1, 2, 3, 4], 2), [0, 0, e3 / (e3 + e4), e4 / (e3 + e4)], 1e-12);
  });
  it('with k = V is the library\'s softmax(logits / temperature)', () => {
    const z = [0.3, -1.2, 2.5, 0.0, 1.1];
    expectClose(topKProbabilities(z, 5, 0.7), tensor(z, { dtype: 'float64' }).div(0.7).softmax(-1).toArray() as number[], 1e-12);
  });
  it('rejects k outside [1, V] and a temperature ≤ 0', () => {
    expect(() => topKProbabilities([1, 2], 3)).toThrow('topKProbabilities: k must be an integer in [1, 2], got 3');
    expect(() => topKProbabilities([1, 2], 1, 0)).toThrow('topKProbabilities: temperature must be > 0, got 0');
  });
});

describe('the chapter\'s GPT (lib/b-gpt.ts)', () => {
  it('is causal: changing the last token leaves every earlier position\'s logits unchanged', () => {
    manualSeed(11);
    const model = new GPT({ vocabSize: 12, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 16 });
    const a = [3, 1, 4, 1, 5, 9, 2, 6], b = [...a.slice(0, 7), 7];
    const la = model.forward(tensor([a], { dtype: 'int32' })), lb = model.forward(tensor([b], { dtype: 'int32' })); // (1, 8, 12)
    expectClose(lb.narrow(1, 0, 7), la.narrow(1, 0, 7).toArray() as number[][][], 1e-6);
    expect(lb.select(1, 7).sub(la.select(1, 7)).abs().max().item()).toBeGreaterThan(1e-4);
  });
  it('starts near ln V with nanoGPT\'s init and trains below it', () => {
    manualSeed(12);
    const V = 6, model = new GPT({ vocabSize: V, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 16 });
    model.initWeights();
    const x = randint(0, V, [4, 8], { dtype: 'int32' });
    const y = tensor(Int32Array.from(x.dataSync(), (t) => (t + 1) % V), { shape: [4, 8] }); // next = this + 1 (mod V)
    const loss = () => nn.functional.crossEntropy(model.forward(x).reshape(-1, V), y.reshape(-1));
    expect(Math.abs(loss().item() - Math.log(V))).toBeLessThan(0.05);
    const opt = new optim.AdamW(model.parameters(), { lr: 1e-2 });
    for (let i = 0; i < 30; i++) { opt.zeroGrad(); loss().backward(); opt.step(); }
    expect(loss().item()).toBeLessThan(0.5);
  });
  it('rejects a sequence longer than blockSize', () => {
    const model = new GPT({ vocabSize: 5, blockSize: 4, nLayer: 1, nHead: 1, nEmbd: 4 });
    expect(() => model.forward(tensor([[0, 1, 2, 3, 4]], { dtype: 'int32' }))).toThrow('GPT.forward: sequence length 5 exceeds blockSize 4');
  });
});

describe('attention weights (lib/b-attention.ts)', () => {
  it('CausalSelfAttention.weights is lower triangular with rows summing to 1', () => {
    manualSeed(13);
    const attn = new CausalSelfAttention(8, 2);
    const w = attn.weights(randn([1, 4, 8])); // (1, 2, 4, 4)
    expect(w.shape).toEqual([1, 2, 4, 4]);
    expectClose(w.sum(-1), [[[1, 1, 1, 1], [1, 1, 1, 1]]], 1e-6);
    expect(w.triu(1).abs().sum().item()).toBe(0);
  });
});
