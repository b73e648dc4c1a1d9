// mlm.test.ts — maskTokens: selection rate and the 80/10/10 split within binomial bounds on
// ~100k tokens, random replacements uniform over the whole vocab, specials never selected,
// labels -100 off target, the input untouched, reproducibility under manualSeed, bad inputs.

import { describe, expect, it } from 'vitest';
import { manualSeed, tensor, type Tensor } from '../../src/index.js';
import { maskTokens } from '../../src/nlp/mlm.js';

const ints = (t: Tensor): number[] => Array.from(t.dataSync());

/** |observed - n p| <= 5 standard deviations of Binomial(n, p). */
function expectBinomial(observed: number, n: number, p: number): void {
  const sd = Math.sqrt(n * p * (1 - p));
  expect(Math.abs(observed - n * p), `${observed} of ${n} vs p = ${p} (sd ${sd.toFixed(1)})`).toBeLessThanOrEqual(5 * sd);
}

const V = 1000, MASK = 4, SPECIALS = [0, 1, 2, 3, 4]; // [PAD] [UNK] [CLS] [SEP] [MASK]

/** (B, T) ids: [CLS] w… [SEP] [PAD]…, the ordinary ids in [5, V). */
function batch(B: number, T: number): Tensor {
  const ids = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const len = T - (b % 7); // a few padded rows
    for (let t = 0; t < T; t++) ids[b * T + t] = t === 0 ? 2 : t === len - 1 ? 3 : t >= len ? 0 : 5 + ((b * 7919 + t * 104729) % (V - 5));
  }
  return tensor(ids, { shape: [B, T], dtype: 'int32' });
}

describe('maskTokens', () => {
  manualSeed(1234);
  const input = batch(800, 128); // 102,400 tokens
  const before = ints(input);
  const { inputIds, labels } = maskTokens(input, { vocabSize: V, maskTokenId: MASK, specialTokenIds: SPECIALS });
  const out = ints(inputIds), lab = ints(labels);

  it('returns new int32 tensors of the input shape and leaves the input untouched', () => {
    expect(inputIds.shape).toEqual([800, 128]);
    expect(labels.shape).toEqual([800, 128]);
    expect(inputIds.dtype).toBe('int32');
    expect(labels.dtype).toBe('int32');
    expect(ints(input)).toEqual(before);
  });

  it('selects each ordinary token with probability 0.15 and never a special', () => {
    const ordinary = before.filter((id) => !SPECIALS.includes(id)).length;
    const selected = lab.filter((l) => l !== -100).length;
    expect(ordinary).toBeGreaterThan(95_000);
    expectBinomial(selected, ordinary, 0.15);
    const touchedSpecials = before.filter((id, i) => SPECIALS.includes(id) && (lab[i] !== -100 || out[i] !== id));
    expect(touchedSpecials).toEqual([]);
  });

  it('labels hold the original id where selected and -100 elsewhere; unselected tokens are unchanged', () => {
    const bad = before.map((_, i) => i).filter((i) => (lab[i] !== -100 ? lab[i] !== before[i] : out[i] !== before[i]));
    expect(bad).toEqual([]);
  });

  it('replaces selected tokens 80% [MASK] / 10% random / 10% unchanged', () => {
    let masked = 0, same = 0, other = 0, n = 0;
    lab.forEach((l, i) => {
      if (l === -100) return;
      n++;
      if (out[i] === MASK) masked++;
      else if (out[i] === l) same++;
      else other++;
    });
    // a random replacement can itself be [MASK] or the original token, each with probability 1/V
    expectBinomial(masked, n, 0.8 + 0.1 / V);
    expectBinomial(same, n, 0.1 + 0.1 / V);
    expectBinomial(other, n, 0.1 * (1 - 2 / V));
  });

  it('draws random replacements uniformly from the whole vocab, specials included', () => {
    manualSeed(5);
    const ids = tensor(new Int32Array(100_000).fill(6), { shape: [100_000], dtype: 'int32' });
    const r = maskTokens(ids, { vocabSize: 8, maskTokenId: 3, specialTokenIds: [0, 1, 2, 3], maskProb: 0.5 });
    const o = ints(r.inputIds);
    const nSel = ints(r.labels).filter((l) => l !== -100).length;
    expectBinomial(nSel, 100_000, 0.5);
    for (const v of [0, 1, 2, 4, 5, 7]) { // only a random draw produces these
      expectBinomial(o.filter((x) => x === v).length, nSel, 0.1 / 8);
    }
  });

  it('is reproducible under manualSeed and differs across seeds', () => {
    const ids = batch(4, 64);
    const opts = { vocabSize: V, maskTokenId: MASK, specialTokenIds: SPECIALS };
    manualSeed(7);
    const a = maskTokens(ids, opts);
    manualSeed(7);
    const b = maskTokens(ids, opts);
    manualSeed(8);
    const c = maskTokens(ids, opts);
    expect(ints(a.inputIds)).toEqual(ints(b.inputIds));
    expect(ints(a.labels)).toEqual(ints(b.labels));
    expect(ints(a.labels)).not.toEqual(ints(c.labels));
  });

  it('handles a 1-D sequence and the extreme probabilities', () => {
    const ids = tensor([2, 10, 11, 12, 3, 0], { dtype: 'int32' });
    const none = maskTokens(ids, { vocabSize: 20, maskTokenId: 4, specialTokenIds: [0, 2, 3, 4], maskProb: 0 });
    expect(ints(none.labels)).toEqual([-100, -100, -100, -100, -100, -100]);
    expect(ints(none.inputIds)).toEqual([2, 10, 11, 12, 3, 0]);
    const all = maskTokens(ids, { vocabSize: 20, maskTokenId: 4, specialTokenIds: [0, 2, 3, 4], maskProb: 1 });
    expect(all.labels.shape).toEqual([6]);
    expect(ints(all.labels)).toEqual([-100, 10, 11, 12, -100, -100]);
  });

  it('rejects bad inputs naming the op', () => {
    const ids = tensor([[2, 10, 3]], { dtype: 'int32' });
    const opts = { vocabSize: 20, maskTokenId: 4, specialTokenIds: [0, 2, 3, 4] };
    expect(() => maskTokens(tensor([[2, 10, 3]]), opts)).toThrow('maskTokens: inputIds must be an int32 Tensor, got float32 [1,3]');
    expect(() => maskTokens(tensor([[[1]]], { dtype: 'int32' }), opts)).toThrow('maskTokens: inputIds must be (B, T) or (T), got [1,1,1]');
    expect(() => maskTokens(ids, { ...opts, maskTokenId: 20 })).toThrow('maskTokens: maskTokenId 20 must be an integer in [0, 20)');
    expect(() => maskTokens(ids, { ...opts, maskProb: 1.5 })).toThrow('maskTokens: invalid maskProb 1.5 (must be between 0 and 1)');
    expect(() => maskTokens(ids, { ...opts, vocabSize: 0 })).toThrow('maskTokens: invalid vocabSize 0 (must be a positive integer)');
    expect(() => maskTokens(ids, { ...opts, prob: 0.2 } as never)).toThrow("maskTokens: unknown option 'prob' (options are vocabSize, maskTokenId, specialTokenIds, maskProb)");
    expect(() => maskTokens(tensor([[2, 25, 3]], { dtype: 'int32' }), opts)).toThrow('maskTokens: token id at flat position 1 of inputIds [1,3]: 25 must be an integer in [0, 20)');
  });
});
