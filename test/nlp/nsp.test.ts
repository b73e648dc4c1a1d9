// nsp.test.ts — packPair on hand-worked examples (layout, token types, longest-first truncation
// from the end) and makeNspPairs on synthetic documents whose tokens name their place
// (`d3s5t2` = document 3, sentence 5, token 2): isNext a fair coin within binomial bounds,
// positives one contiguous span split at a sentence boundary, negatives from another document,
// every pair fits maxLen after packing, reproducibility under manualSeed, bad inputs.

import { describe, expect, it } from 'vitest';
import { manualSeed } from '../../src/index.js';
import { makeNspPairs, packPair, type NspPair } from '../../src/nlp/nsp.js';

describe('packPair', () => {
  it('packs [CLS] A [SEP] B [SEP] with token types 0 then 1', () => {
    expect(packPair(['a', 'b', 'c'], ['d', 'e'], { maxLen: 10 })).toEqual({
      tokens: ['[CLS]', 'a', 'b', 'c', '[SEP]', 'd', 'e', '[SEP]'],
      tokenTypeIds: [0, 0, 0, 0, 0, 1, 1, 1],
    });
    expect(packPair(['a', 'b', 'c'], ['d', 'e'], { maxLen: 8 }).tokens).toHaveLength(8); // fits exactly: no truncation
  });

  it('truncates longest-first from the end, B on a tie', () => {
    const A = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'], B = ['b1', 'b2', 'b3'];
    // budget 8 - 3 = 5: A 6→5→4→3 (longer), then a tie 3/3 trims B → 2
    expect(packPair(A, B, { maxLen: 8 })).toEqual({
      tokens: ['[CLS]', 'a1', 'a2', 'a3', '[SEP]', 'b1', 'b2', '[SEP]'],
      tokenTypeIds: [0, 0, 0, 0, 0, 1, 1, 1],
    });
    // budget 4: B longer, trimmed first
    expect(packPair(['x'], ['b1', 'b2', 'b3', 'b4', 'b5'], { maxLen: 7 }).tokens).toEqual(['[CLS]', 'x', '[SEP]', 'b1', 'b2', 'b3', '[SEP]']);
    // the smallest maxLen keeps one token of each
    expect(packPair(A, B, { maxLen: 5 }).tokens).toEqual(['[CLS]', 'a1', '[SEP]', 'b1', '[SEP]']);
    expect(A).toHaveLength(6); // inputs untouched
    expect(B).toHaveLength(3);
  });

  it('defaults maxLen to 128 and allows an empty segment', () => {
    const long = Array.from({ length: 200 }, (_, i) => `w${i}`);
    const p = packPair(long, long);
    expect(p.tokens).toHaveLength(128);
    expect(p.tokenTypeIds.filter((t) => t === 0)).toHaveLength(1 + 63 + 1); // 125 split 63 / 62
    expect(packPair(['x'], [], { maxLen: 5 })).toEqual({ tokens: ['[CLS]', 'x', '[SEP]', '[SEP]'], tokenTypeIds: [0, 0, 0, 1] });
  });

  it('rejects bad inputs naming the op', () => {
    expect(() => packPair(['a'], ['b'], { maxLen: 4 })).toThrow('packPair: invalid maxLen 4 (must be an integer >= 5: [CLS] A [SEP] B [SEP] with one token each)');
    expect(() => packPair(['a'], ['b'], { maxLen: 6.5 })).toThrow('packPair: invalid maxLen 6.5 (must be an integer >= 5');
    expect(() => packPair(['a', 3 as unknown as string], ['b'])).toThrow('packPair: tokensA must be an array of token strings');
    expect(() => packPair(['a'], ['b'], { maxLength: 8 } as never)).toThrow("packPair: unknown option 'maxLength' (options are maxLen)");
  });
});

// ---- makeNspPairs ----------------------------------------------------------------------------

/** Documents of 1–nMax sentences of 2–maxS tokens named `d{doc}s{sentence}t{token}`, from a small LCG. */
function corpus(nDocs: number, nMax: number, maxS: number, seed = 1): string[][][] {
  let s = seed;
  const rnd = (k: number): number => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return (s >>> 16) % k; }; // the high bits: an LCG's low bits cycle fast
  return Array.from({ length: nDocs }, (_, d) => Array.from({ length: 1 + rnd(nMax) }, (_, j) =>
    Array.from({ length: 2 + rnd(maxS - 1) }, (_, k) => `d${d}s${j}t${k}`)));
}

const parse = (tok: string): [number, number, number] => tok.slice(1).split(/[st]/).map(Number) as [number, number, number];

/** Position of each token in its document's token stream. */
function streamIndex(docs: string[][][]): Map<string, number> {
  const idx = new Map<string, number>();
  for (const doc of docs) doc.flat().forEach((tok, i) => idx.set(tok, i));
  return idx;
}

/** The tokens are consecutive in one document's stream. */
function contiguous(tokens: string[], pos: Map<string, number>): boolean {
  return tokens.every((t, i) => i === 0 || (parse(t)[0] === parse(tokens[0])[0] && pos.get(t) === pos.get(tokens[i - 1])! + 1));
}

describe('makeNspPairs', () => {
  const docs = corpus(500, 20, 14);
  const pos = streamIndex(docs);
  const maxLen = 48;
  manualSeed(42);
  const pairs = makeNspPairs(docs, { maxLen });

  it('makes isNext a fair coin', () => {
    const n = pairs.length, pos = pairs.filter((p) => p.isNext).length;
    expect(n).toBeGreaterThan(1000);
    expect(Math.abs(pos - n / 2)).toBeLessThanOrEqual(5 * Math.sqrt(n / 4));
  });

  it('fits every pair into maxLen after packing, with no further truncation', () => {
    for (const p of pairs) {
      expect(p.tokensA.length).toBeGreaterThanOrEqual(1);
      expect(p.tokensB.length).toBeGreaterThanOrEqual(1);
      expect(p.tokensA.length + p.tokensB.length).toBeLessThanOrEqual(maxLen - 3);
      const packed = packPair(p.tokensA, p.tokensB, { maxLen });
      expect(packed.tokens).toEqual(['[CLS]', ...p.tokensA, '[SEP]', ...p.tokensB, '[SEP]']);
    }
  });

  it('takes A as consecutive text ending at a sentence end', () => {
    for (const { tokensA } of pairs) {
      expect(contiguous(tokensA, pos)).toBe(true);
      const [d, s, t] = parse(tokensA[tokensA.length - 1]);
      expect(t).toBe(docs[d][s].length - 1);
    }
  });

  it('makes a positive B the text right after A: A + B is one span split at a sentence start', () => {
    const positives = pairs.filter((p) => p.isNext);
    for (const { tokensA, tokensB } of positives) {
      expect(contiguous([...tokensA, ...tokensB], pos)).toBe(true);
      expect(parse(tokensB[0])[2]).toBe(0);
    }
  });

  it('draws a negative B from another document, from a sentence start', () => {
    const negatives = pairs.filter((p) => !p.isNext);
    for (const { tokensA, tokensB } of negatives) {
      expect(contiguous(tokensB, pos)).toBe(true);
      expect(parse(tokensB[0])[0]).not.toBe(parse(tokensA[0])[0]);
      expect(parse(tokensB[0])[2]).toBe(0);
    }
  });

  it('uses every document of two or more sentences, and no one-sentence document as A', () => {
    const docsWithA = new Set(pairs.map((p) => parse(p.tokensA[0])[0]));
    docs.forEach((doc, d) => expect(docsWithA.has(d), `document ${d} (${doc.length} sentences)`).toBe(doc.length >= 2));
  });

  it('draws shorter targets with shortSeqProb', () => {
    const meanLen = (ps: NspPair[]): number => ps.reduce((s, p) => s + p.tokensA.length + p.tokensB.length, 0) / ps.length;
    manualSeed(1);
    const full = makeNspPairs(docs, { maxLen, shortSeqProb: 0 });
    manualSeed(1);
    const short = makeNspPairs(docs, { maxLen, shortSeqProb: 1 });
    expect(meanLen(short)).toBeLessThan(0.8 * meanLen(full));
    expect(short.length).toBeGreaterThan(full.length);
  });

  it('is reproducible under manualSeed', () => {
    const small = corpus(20, 8, 6, 7);
    manualSeed(3);
    const a = makeNspPairs(small, { maxLen: 24 });
    manualSeed(3);
    const b = makeNspPairs(small, { maxLen: 24 });
    expect(a).toEqual(b);
    expect(a.length).toBeGreaterThan(10);
  });

  it('works on a tiny hand example', () => {
    manualSeed(0);
    const ps = makeNspPairs([[['the', 'cat'], ['sat', 'down']], [['hello'], ['world']]], { maxLen: 16 });
    expect(ps.length).toBeGreaterThanOrEqual(2);
    for (const p of ps) {
      if (p.isNext) expect([['the', 'cat', 'sat', 'down'], ['hello', 'world']]).toContainEqual([...p.tokensA, ...p.tokensB]);
      else expect(p.tokensA.includes('the') !== p.tokensB.some((t) => ['the', 'cat', 'sat', 'down'].includes(t))).toBe(true);
    }
  });

  it('needs two non-empty documents, and rejects bad inputs naming the op', () => {
    expect(() => makeNspPairs([[['a', 'b'], ['c']]])).toThrow('makeNspPairs: need at least 2 non-empty documents to draw negative (not-next) segments from another document, got 1');
    expect(() => makeNspPairs([[['a'], ['b']], [[]], []])).toThrow('got 1');
    expect(() => makeNspPairs(docs, { maxLen: 3 })).toThrow('makeNspPairs: invalid maxLen 3 (must be an integer >= 5');
    expect(() => makeNspPairs(docs, { shortSeqProb: 2 })).toThrow('makeNspPairs: invalid shortSeqProb 2 (must be between 0 and 1)');
    expect(() => makeNspPairs([[['a'], 'b' as unknown as string[]], [['c']]])).toThrow('makeNspPairs: sentence 1 of document 0 must be an array of token strings');
  });
});
