// wordpiece.test.ts — WordPieceTokenizer: BERT's greedy longest-match-first on hand-built
// vocabularies (cases from google-research/bert tokenization_test.py), [UNK] for words that
// cannot be covered, encode/decode, JSON; training merge by merge on the Hugging Face course's
// toy corpus (scores worked out by hand below), and on the State of the Union addresses.

import { beforeAll, describe, expect, it } from 'vitest';
import { WordPieceTokenizer } from '../../src/nlp/wordpiece.js';
import { basicTokenize } from '../../src/nlp/tokenize.js';
import { Vocab } from '../../src/nlp/vocab.js';
import { sotuAddresses } from '../../examples/lib/text.js';

const BERT_TEST_VOCAB = ['[UNK]', '[CLS]', '[SEP]', 'want', '##want', '##ed', 'wa', 'un', 'runn', '##ing'];

describe('WordPieceTokenizer.tokenize', () => {
  it('splits greedily, longest match first, with ## continuation pieces', () => {
    expect(WordPieceTokenizer.fromVocab(['[UNK]', 'un', '##aff', '##able']).tokenize('unaffable')).toEqual(['un', '##aff', '##able']);
    const tok = WordPieceTokenizer.fromVocab(BERT_TEST_VOCAB);
    expect(tok.tokenize('')).toEqual([]);
    expect(tok.tokenize('unwanted running')).toEqual(['un', '##want', '##ed', 'runn', '##ing']);
    expect(tok.tokenize('UNwant\u00E9d,running')).toEqual(['un', '##want', '##ed', '[UNK]', 'runn', '##ing']);
    // the longest prefix wins even when a shorter one would lead elsewhere
    expect(WordPieceTokenizer.fromVocab(['[UNK]', 'un', 'una', '##ffable', '##aff', '##able']).tokenize('unaffable')).toEqual(['una', '##ffable']);
  });

  it('turns a word it cannot cover into one [UNK], without backtracking', () => {
    const tok = WordPieceTokenizer.fromVocab(BERT_TEST_VOCAB);
    expect(tok.tokenize('unwantedX running')).toEqual(['[UNK]', 'runn', '##ing']);
    // 'una' matches first, then nothing fits 'ffable': the whole word is [UNK] although un ##aff ##able exists
    expect(WordPieceTokenizer.fromVocab(['[UNK]', 'una', 'un', '##aff', '##able']).tokenize('unaffable now')).toEqual(['[UNK]', '[UNK]']);
  });

  it('maps a word longer than maxInputCharsPerWord to [UNK]', () => {
    const tok = WordPieceTokenizer.fromVocab(['[UNK]', 'a', '##a'], { maxInputCharsPerWord: 4 });
    expect(tok.tokenize('aaaa aaaaa')).toEqual(['a', '##a', '##a', '##a', '[UNK]']);
  });

  it('keeps special tokens written in the text whole', () => {
    const tok = WordPieceTokenizer.fromVocab(BERT_TEST_VOCAB);
    expect(tok.tokenize('[CLS] Unwanted [SEP]')).toEqual(['[CLS]', 'un', '##want', '##ed', '[SEP]']);
  });

  it('respects lowercase: false', () => {
    const tok = WordPieceTokenizer.fromVocab(['[UNK]', 'Un', '##want'], { lowercase: false });
    expect(tok.tokenize('Unwant unwant')).toEqual(['Un', '##want', '[UNK]']);
  });
});

describe('WordPieceTokenizer.encode / decode / JSON', () => {
  const vocabTxt = '[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\ncat\nsat\n.\nun\n##want\n##ed\n';

  it('loads vocab.txt text and encodes with and without [CLS] … [SEP]', () => {
    const tok = WordPieceTokenizer.fromVocab(vocabTxt);
    expect(tok.vocab.size).toBe(12);
    expect(tok.encode('The cat sat.')).toEqual([5, 6, 7, 8]);
    expect(tok.encode('The cat sat.', { addSpecialTokens: true })).toEqual([2, 5, 6, 7, 8, 3]);
    expect(tok.encode('the dog')).toEqual([5, 1]);
  });

  it('decodes: joins pieces, removes " ##", drops specials unless asked', () => {
    const tok = WordPieceTokenizer.fromVocab(vocabTxt);
    const ids = tok.encode('Unwanted cat, the cat sat.', { addSpecialTokens: true });
    expect(ids).toEqual([2, 9, 10, 11, 6, 1, 5, 6, 7, 8, 3]);
    expect(tok.decode(ids)).toBe('unwanted cat the cat sat .');
    expect(tok.decode(ids, { skipSpecialTokens: false })).toBe('[CLS] unwanted cat [UNK] the cat sat . [SEP]');
    expect(tok.decode(tok.encode('the cat sat.'), { cleanUpTokenizationSpaces: true })).toBe('the cat sat.');
    expect(() => tok.decode([5, 12])).toThrow('Vocab.decode: id 12 is out of range for a vocabulary of size 12');
  });

  it('round-trips through JSON', () => {
    const tok = WordPieceTokenizer.fromVocab(BERT_TEST_VOCAB, { lowercase: false, maxInputCharsPerWord: 50 });
    const back = WordPieceTokenizer.fromJSON(JSON.stringify(tok));
    expect(back.vocab.toTokens()).toEqual(BERT_TEST_VOCAB);
    expect([back.lowercase, back.stripAccents, back.maxInputCharsPerWord]).toEqual([false, false, 50]);
    expect(back.tokenize('unwanted Running')).toEqual(['un', '##want', '##ed', '[UNK]']);
    expect(() => WordPieceTokenizer.fromJSON({ type: 'BPE' } as never)).toThrow("WordPieceTokenizer.fromJSON: expected {type: 'WordPiece', …}, got type BPE");
  });

  it('needs [UNK] in the vocabulary', () => {
    expect(() => WordPieceTokenizer.fromVocab(['a', '##b'])).toThrow('WordPieceTokenizer: the vocabulary has no [UNK] token');
    expect(() => new WordPieceTokenizer(Vocab.fromTokens(['[UNK]']), { maxInputCharsPerWord: 0 }))
      .toThrow('WordPieceTokenizer: invalid maxInputCharsPerWord 0 (must be a positive integer)');
  });
});

describe('WordPieceTokenizer.train', () => {
  // The Hugging Face course's corpus: hug x10, pug x5, pun x12, bun x4, hugs x5.
  const TOY = ['hug '.repeat(10) + 'pug '.repeat(5), 'pun '.repeat(12) + 'bun '.repeat(4) + 'hugs '.repeat(5)];
  const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  const ALPHABET = ['b', 'g', 'h', 'n', 'p', 's', 'u', '##b', '##g', '##h', '##n', '##p', '##s', '##u'];

  it('merges by score freq(ab) / (freq(a) freq(b)), merge by merge as computed by hand', () => {
    // 1. freq: h 15, ##u 36, ##g 20, ##s 5, ...; (##g,##s) 5/(20*5) = 1/20 beats every ##u pair (1/36)
    // 2. all six pairs score 1/36; the first pair to appear, (h,##u), wins      -> hu
    // 3. (hu,##gs) 5/(15*5) = 1/15 > (hu,##g) 10/(15*15) = 2/45, (p,##u) 1/21 -> hugs
    // 4. (hu,##g) 10/(10*15) = 1/15                                            -> hug
    // 5. (##u,##g), (p,##u), (##u,##n), (b,##u) all 1/21; (##u,##g) appeared first -> ##ug
    // 6. (##u,##n) 16/(16*16) = (b,##u) 4/(4*16) = 1/16; (##u,##n) first       -> ##un
    // 7. (b,##un) 4/(4*16) = 1/16 > (p,##ug) 1/17, (p,##un) 12/(17*16)          -> bun
    // 8. (p,##ug) 5/(17*5) = (p,##un) 12/(17*12) = 1/17; (p,##ug) first         -> pug
    // 9. (p,##un)                                                                -> pun
    const tok = WordPieceTokenizer.train(TOY, { vocabSize: 22, mergeBy: 'score' });
    expect(tok.vocab.toTokens()).toEqual([...SPECIALS, ...ALPHABET, '##gs', 'hu', 'hugs']);
    const all = WordPieceTokenizer.train(TOY, { vocabSize: 1000, mergeBy: 'score' });
    expect(all.vocab.toTokens().slice(19)).toEqual(['##gs', 'hu', 'hugs', 'hug', '##ug', '##un', 'bun', 'pug', 'pun']);
    // exhausted: every word is one piece and no pair is left, so fewer than vocabSize
    expect(all.vocab.size).toBe(28);
    expect(all.tokenize('hug pug pun bun hugs gush')).toEqual(['hug', 'pug', 'pun', 'bun', 'hugs', 'g', '##u', '##s', '##h']);
  });

  it('never merges a pair seen fewer than minFrequency times', () => {
    const tok = WordPieceTokenizer.train(TOY, { vocabSize: 1000, minFrequency: 5, mergeBy: 'score' });
    // b ##u ##n (4 times) and, after ##un, (b,##un) stay below 5
    expect(tok.vocab.toTokens().slice(19)).toEqual(['##gs', 'hu', 'hugs', 'hug', '##ug', '##un', 'pug', 'pun']);
  });

  it("mergeBy: 'frequency' merges the most frequent pair (BPE with ## pieces)", () => {
    const tok = WordPieceTokenizer.train(TOY, { vocabSize: 22, mergeBy: 'frequency' });
    // (##u,##g) 20; then (##u,##n) 16; then (h,##ug) 15
    expect(tok.vocab.toTokens().slice(19)).toEqual(['##ug', '##un', 'hug']);
  });

  it('rejects bad options with errors naming the values', () => {
    expect(() => WordPieceTokenizer.train(TOY, { vocabSize: 10 }))
      .toThrow('WordPieceTokenizer.train: vocabSize 10 is smaller than the 5 specials plus 14 characters (7 plain and \'##\' forms) the texts need');
    expect(() => WordPieceTokenizer.train(TOY, { vocabSize: 0 })).toThrow('WordPieceTokenizer.train: invalid vocabSize 0 (must be a positive integer)');
    expect(() => WordPieceTokenizer.train(TOY, { vocabSize: 50, specials: ['[PAD]'] }))
      .toThrow('WordPieceTokenizer.train: specials must include [UNK] (got ["[PAD]"])');
    expect(() => WordPieceTokenizer.train(TOY, { vocabSize: 50, mergeBy: 'likelihood' as never }))
      .toThrow("WordPieceTokenizer.train: mergeBy must be 'score', 'frequency'; got 'likelihood'");
    expect(() => WordPieceTokenizer.train(TOY, { vocabSize: 50, minFreq: 2 } as never)).toThrow("WordPieceTokenizer.train: unknown option 'minFreq'");
    expect(() => WordPieceTokenizer.train([3 as unknown as string], { vocabSize: 50 }))
      .toThrow('WordPieceTokenizer.train: expected an iterable of strings, got a number');
  });

  describe('on the State of the Union addresses', () => {
    const addresses = sotuAddresses();
    const train = addresses.slice(0, -1).map((a) => a.text);
    const heldOut = addresses[addresses.length - 1]; // 2021, Biden
    let tok: WordPieceTokenizer;
    beforeAll(() => {
      const t0 = performance.now();
      tok = WordPieceTokenizer.train(train, { vocabSize: 4000 });
      const seconds = (performance.now() - t0) / 1000;
      console.log(`WordPiece training, 4000 pieces on ${train.length} SOTU addresses `
        + `(${train.reduce((n, t) => n + t.length, 0)} characters): ${seconds.toFixed(2)} s`);
    });

    it('learns exactly vocabSize pieces, specials first, every character in both forms', () => {
      expect(tok.vocab.size).toBe(4000);
      expect(tok.vocab.toTokens().slice(0, 5)).toEqual(SPECIALS);
      const chars = new Set<string>();
      for (const t of train) for (const w of basicTokenize(t)) for (const c of w) chars.add(c);
      expect(chars.size).toBeGreaterThan(60);
      for (const c of chars) {
        expect(tok.vocab.has(c)).toBe(true);
        expect(tok.vocab.has('##' + c)).toBe(true);
      }
    });

    it('is deterministic', () => {
      const sample = train.slice(0, 40);
      const a = WordPieceTokenizer.train(sample, { vocabSize: 1500 });
      const b = WordPieceTokenizer.train(sample, { vocabSize: 1500 });
      expect(a.vocab.size).toBe(1500);
      expect(b.vocab.toTokens()).toEqual(a.vocab.toTokens());
    });

    it('tokenizes a held-out address with under 0.5% [UNK]', () => {
      expect(heldOut.year).toBe(2021);
      const pieces = tok.tokenize(heldOut.text);
      const unk = pieces.filter((p) => p === '[UNK]').length;
      console.log(`held-out 2021 address: ${pieces.length} pieces, ${unk} [UNK] (${(100 * unk / pieces.length).toFixed(3)}%)`);
      expect(pieces.length).toBeGreaterThan(basicTokenize(heldOut.text).length);
      expect(unk / pieces.length).toBeLessThan(0.005);
    });

    it('round-trips encode/decode on normal text to the basic tokens', () => {
      const text = heldOut.text.slice(0, 3000);
      const ids = tok.encode(text, { addSpecialTokens: true });
      expect(ids[0]).toBe(tok.vocab.clsId);
      expect(ids[ids.length - 1]).toBe(tok.vocab.sepId);
      expect(ids).not.toContain(tok.vocab.unkId);
      expect(tok.decode(ids)).toBe(basicTokenize(text).join(' '));
    });
  });
});
