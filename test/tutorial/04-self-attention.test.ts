// 04-self-attention.test.ts — the exercises of tutorial chapter 4 (examples/tutorial/solutions/
// 04-self-attention.ts) against hand-derived weights and the library's scaledDotProductAttention,
// and the chapter's hand-built attention (examples/tutorial/lib/b-attention.ts) against
// nn.MultiheadAttention, value and gradient.

import { describe, expect, it } from 'vitest';
import { gradcheck, manualSeed, nn, randn, tensor, zeros } from '../../src/index.js';
import { causalAttention, CausalSelfAttention, Head } from '../../examples/tutorial/lib/b-attention.js';
import { emaWeights, multiHeadFromHeads, paddedAttention } from '../../examples/tutorial/solutions/04-self-attention.js';
import { expectClose } from '../helpers/close.js';

describe('exercise 4.1: emaWeights', () => {
  it('gives gamma^(t−s) normalised per row, by hand for T = 3, gamma = 1/2', () => {
    expectClose(emaWeights(3, 0.5), [[1, 0, 0], [1 / 3, 2 / 3, 0], [1 / 7, 2 / 7, 4 / 7]], 1e-6);
  });
  it('is the plain causal average for gamma = 1', () => {
    expectClose(emaWeights(4, 1), [[1, 0, 0, 0], [1 / 2, 1 / 2, 0, 0], [1 / 3, 1 / 3, 1 / 3, 0], [1 / 4, 1 / 4, 1 / 4, 1 / 4]], 1e-6);
  });
  it('equals the weights scaledDotProductAttention gives with the float bias (t−s)·ln gamma', () => {
    const T = 5, gamma = 0.7;
    const bias = Array.from({ length: T }, (_, t) => Array.from({ length: T }, (_, s) => (s <= t ? (t - s) * Math.log(gamma) : -Infinity)));
    // zero queries make every score 0, and identity values make the output the weights themselves
    const eye = Array.from({ length: T }, (_, i) => Array.from({ length: T }, (_, j) => (i === j ? 1 : 0)));
    const w = nn.functional.scaledDotProductAttention(zeros([T, 2]), zeros([T, 2]), tensor(eye), { attnMask: tensor(bias) });
    expectClose(emaWeights(T, gamma), w.toArray() as number[][], 1e-6);
  });
  it('rejects a gamma outside (0, 1] and a bad T', () => {
    expect(() => emaWeights(3, 0)).toThrow('emaWeights: gamma must be in (0, 1], got 0');
    expect(() => emaWeights(3, 1.5)).toThrow('emaWeights: gamma must be in (0, 1], got 1.5');
    expect(() => emaWeights(0, 0.5)).toThrow('emaWeights: T must be a positive integer, got 0');
  });
});

describe('exercise 4.2: paddedAttention', () => {
  it('matches scaledDotProductAttention with a boolean key mask (true = may attend)', () => {
    manualSeed(4);
    const [B, T, hs] = [3, 5, 4];
    const q = randn([B, T, hs]), k = randn([B, T, hs]), v = randn([B, T, hs]);
    const lengths = [5, 2, 1];
    const allowed = tensor(lengths.map((n) => [Array.from({ length: T }, (_, j) => j < n)]), { dtype: 'bool' }); // (B, 1, T)
    const ref = nn.functional.scaledDotProductAttention(q, k, v, { attnMask: allowed });
    expectClose(paddedAttention(q, k, v, lengths), ref.toArray() as number[][][], 1e-5);
  });
  it('with one real key, every query returns that key\'s value', () => {
    manualSeed(5);
    const q = randn([1, 4, 3]), k = randn([1, 4, 3]), v = randn([1, 4, 3]);
    const v0 = Array.from(v.select(1, 0).dataSync());
    expectClose(paddedAttention(q, k, v, [1]), [[v0, v0, v0, v0]], 1e-6);
  });
  it('rejects lengths that do not fit the batch', () => {
    const x = zeros([2, 3, 4]);
    expect(() => paddedAttention(x, x, x, [3])).toThrow('paddedAttention: 1 lengths for a batch of 2');
    expect(() => paddedAttention(x, x, x, [3, 4])).toThrow('paddedAttention: each length must be an integer in [1, 3], got 4');
    expect(() => paddedAttention(x, x, x, [0, 1])).toThrow('paddedAttention: each length must be an integer in [1, 3], got 0');
  });
});

describe('exercise 4.3: multiHeadFromHeads', () => {
  it('equals CausalSelfAttention when each Head holds its slice of c_attn.weight', () => {
    manualSeed(6);
    const [B, T, C, nh] = [2, 6, 16, 4], hs = C / nh;
    const attn = new CausalSelfAttention(C, nh);
    nn.init.zeros(attn.cAttn.bias!); // Heads have no bias
    const W = attn.cAttn.weight.toArray() as number[][]; // (3C, C) = [W_q; W_k; W_v]
    const heads = Array.from({ length: nh }, (_, h) => {
      const head = new Head(C, hs);
      const rows = (part: number): number[][] => W.slice(part * C + h * hs, part * C + (h + 1) * hs);
      head.loadStateDict({ 'query.weight': tensor(rows(0)), 'key.weight': tensor(rows(1)), 'value.weight': tensor(rows(2)) });
      return head;
    });
    const x = randn([B, T, C]);
    expectClose(multiHeadFromHeads(heads, attn.cProj, x), attn.forward(x).toArray() as number[][][], 1e-5);
  });
});

describe('the chapter\'s hand-built attention (lib/b-attention.ts)', () => {
  it('CausalSelfAttention equals nn.MultiheadAttention on the same weights, value and input gradient', () => {
    manualSeed(7);
    const [B, T, C, nh] = [2, 5, 12, 3];
    const attn = new CausalSelfAttention(C, nh);
    const mha = new nn.MultiheadAttention(C, nh, { batchFirst: true });
    mha.loadStateDict({
      in_proj_weight: attn.cAttn.weight, in_proj_bias: attn.cAttn.bias!,
      'out_proj.weight': attn.cProj.weight, 'out_proj.bias': attn.cProj.bias!,
    });
    const x = randn([B, T, C]).requiresGrad_();
    const y = attn.forward(x);
    y.sum().backward();
    const gx = x.grad!.toArray();
    x.grad = null;
    const [ref] = mha.forward(x, x, x, { isCausal: true, needWeights: false });
    expectClose(y, ref.toArray() as number[][][], 1e-5);
    ref.sum().backward();
    expectClose(gx as number[][][], x.grad!.toArray() as number[][][], 1e-5);
  });
  it('causalAttention passes gradcheck in float64', () => {
    manualSeed(8);
    const mk = () => randn([2, 4, 3], { dtype: 'float64', requiresGrad: true });
    expect(gradcheck(causalAttention, [mk(), mk(), mk()])).toBe(true);
  });
  it('the first query sees only itself: its output is v[0]', () => {
    manualSeed(9);
    const q = randn([1, 3, 2]), k = randn([1, 3, 2]), v = randn([1, 3, 2]);
    expectClose(causalAttention(q, k, v).select(1, 0), v.select(1, 0).toArray() as number[][], 1e-7);
  });
  it('rejects a width that the heads do not divide', () => {
    expect(() => new CausalSelfAttention(10, 3)).toThrow('CausalSelfAttention: C (10) must be divisible by nh (3)');
  });
});
