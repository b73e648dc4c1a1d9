// vocab.test.ts — Vocab: ordering (specials, then count, then first appearance), minFreq,
// maxSize, special ids, unknown tokens, JSON and token-list round trips, and each error.

import { describe, expect, it } from 'vitest';
import { Vocab } from '../../src/nlp/vocab.js';

const DOCS = [
  ['the', 'cat', 'sat', 'on', 'the', 'mat'],
  ['the', 'dog', 'sat'],
  ['a', 'cat', 'ran'],
];
// counts: the 3, cat 2, sat 2, on 1, mat 1, dog 1, a 1, ran 1 (first appearance in this order)

describe('Vocab.build', () => {
  it('puts BERT specials at 0..4, then tokens by count, ties by first appearance', () => {
    const v = Vocab.build(DOCS);
    expect(v.toTokens()).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'cat', 'sat', 'on', 'mat', 'dog', 'a', 'ran']);
    expect(v.size).toBe(13);
    expect([v.padId, v.unkId, v.clsId, v.sepId, v.maskId]).toEqual([0, 1, 2, 3, 4]);
    expect(v.specials).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    expect(v.specialIds).toEqual([0, 1, 2, 3, 4]);
  });

  it('drops tokens under minFreq and caps the total size (specials included) at maxSize', () => {
    expect(Vocab.build(DOCS, { minFreq: 2 }).toTokens().slice(5)).toEqual(['the', 'cat', 'sat']);
    const capped = Vocab.build(DOCS, { maxSize: 7 });
    expect(capped.size).toBe(7);
    expect(capped.toTokens().slice(5)).toEqual(['the', 'cat']);
    expect(Vocab.build(DOCS, { maxSize: 5 }).toTokens()).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    expect(Vocab.build(DOCS, { minFreq: 4 }).size).toBe(5);
  });

  it('uses custom specials in the given order and never counts them as tokens', () => {
    const v = Vocab.build([['<s>', 'b', 'a', 'a', '</s>']], { specials: ['<unk>', '<s>', '</s>'] });
    expect(v.toTokens()).toEqual(['<unk>', '<s>', '</s>', 'a', 'b']);
    const bare = Vocab.build([['x', 'y', 'y']], { specials: [] });
    expect(bare.toTokens()).toEqual(['y', 'x']);
  });

  it('maps unknown tokens to [UNK]', () => {
    const v = Vocab.build(DOCS);
    expect(v.encode(['the', 'cow', 'sat', '[MASK]'])).toEqual([5, 1, 7, 4]);
    expect(v.tokenToId('cow')).toBe(1);
    expect(v.tokenToId('dog')).toBe(10);
    expect(v.has('dog')).toBe(true);
    expect(v.has('cow')).toBe(false);
  });

  it('decodes ids and reports an out-of-range id', () => {
    const v = Vocab.build(DOCS);
    expect(v.decode([5, 6, 7, 2])).toEqual(['the', 'cat', 'sat', '[CLS]']);
    expect(v.idToToken(12)).toBe('ran');
    expect(() => v.decode([5, 13])).toThrow('Vocab.decode: id 13 is out of range for a vocabulary of size 13');
    expect(() => v.decode([-1])).toThrow('Vocab.decode: id -1 is out of range');
    expect(() => v.decode([1.5])).toThrow('Vocab.decode: id 1.5 is out of range');
    expect(() => v.idToToken(99)).toThrow('Vocab.idToToken: id 99 is out of range for a vocabulary of size 13');
  });

  it('errors when an unknown token needs [UNK] and there is none, or a special is missing', () => {
    const v = Vocab.build([['a', 'b']], { specials: ['[PAD]'] });
    expect(v.encode(['b', 'a'])).toEqual([2, 1]);
    expect(() => v.encode(['a', 'zebra'])).toThrow('Vocab.encode: the vocabulary has no [UNK] token to map unknown token "zebra" to');
    expect(() => v.tokenToId('zebra')).toThrow('Vocab.tokenToId: the vocabulary has no [UNK] token');
    expect(() => v.unkId).toThrow('Vocab.unkId: the vocabulary has no [UNK] token');
    expect(() => v.maskId).toThrow('Vocab.maskId: the vocabulary has no [MASK] token');
    expect(v.padId).toBe(0);
  });

  it('rejects bad options', () => {
    expect(() => Vocab.build(DOCS, { maxSize: 3 })).toThrow('Vocab.build: maxSize 3 is smaller than the 5 special tokens');
    expect(() => Vocab.build(DOCS, { maxSize: 2.5 })).toThrow('Vocab.build: invalid maxSize 2.5 (must be a non-negative integer)');
    expect(() => Vocab.build(DOCS, { minFreq: -1 })).toThrow('Vocab.build: invalid minFreq -1 (must be a finite number >= 0)');
    expect(() => Vocab.build(DOCS, { min_freq: 2 } as never)).toThrow("Vocab.build: unknown option 'min_freq' (options are minFreq, maxSize, specials)");
    expect(() => Vocab.build(DOCS, { specials: ['[PAD]', '[PAD]'] })).toThrow('Vocab.build: token "[PAD]" appears twice (ids 0 and 1)');
  });
});

describe('Vocab.fromTokens and JSON', () => {
  it('loads a token list (BERT vocab.txt) with ids = positions and finds the specials', () => {
    const v = Vocab.fromTokens(['[PAD]', '[unused0]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', '##s']);
    expect([v.padId, v.unkId, v.clsId, v.sepId, v.maskId]).toEqual([0, 2, 3, 4, 5]);
    expect(v.specials).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    expect(v.encode(['the', '##s', 'dog'])).toEqual([6, 7, 2]);
  });

  it('rejects duplicate or empty tokens and missing specials', () => {
    expect(() => Vocab.fromTokens(['a', 'b', 'a'])).toThrow('Vocab.fromTokens: token "a" appears twice (ids 0 and 2)');
    expect(() => Vocab.fromTokens(['a', ''])).toThrow('Vocab.fromTokens: token 1 is ""; tokens must be non-empty strings');
    expect(() => Vocab.fromTokens(['a'], { specials: ['[UNK]'] })).toThrow('Vocab.fromTokens: special token "[UNK]" is not in the vocabulary');
  });

  it('round-trips through JSON', () => {
    const v = Vocab.build(DOCS, { specials: ['[UNK]', '[PAD]'] });
    const text = JSON.stringify(v);
    expect(JSON.parse(text)).toEqual({ tokens: ['[UNK]', '[PAD]', 'the', 'cat', 'sat', 'on', 'mat', 'dog', 'a', 'ran'], specials: ['[UNK]', '[PAD]'] });
    const back = Vocab.fromJSON(text);
    expect(back.toTokens()).toEqual(v.toTokens());
    expect(back.specials).toEqual(v.specials);
    expect(back.unkId).toBe(0);
    expect(Vocab.fromJSON(v.toJSON()).encode(['cat', 'cow'])).toEqual([3, 0]);
    expect(() => Vocab.fromJSON({} as never)).toThrow('Vocab.fromJSON: expected {tokens: string[], specials: string[]}');
  });
});
