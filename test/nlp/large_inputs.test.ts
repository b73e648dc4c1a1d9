// large_inputs.test.ts — text inputs of about a million characters that once overflowed the
// stack or took minutes (quadratic time): each must give the right answer, which a quadratic
// algorithm would not reach within the test timeout. (Tests assert results, never times.)

import { describe, expect, it } from 'vitest';
import { basicTokenize, splitSentences } from '../../src/nlp/tokenize.js';
import { WordPieceTokenizer } from '../../src/nlp/wordpiece.js';

const tok = WordPieceTokenizer.fromVocab(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'a', '!']);

describe('a million characters', () => {
  it("tokenize('!' × 1,000,000): a million '!' pieces (a spread push overflowed the stack at 150,000)", () => {
    const pieces = tok.tokenize('!'.repeat(1_000_000));
    expect(pieces.length).toBe(1_000_000);
    expect(pieces.every((p) => p === '!')).toBe(true);
  });

  it("encode('a' + '\\u0301\\u0316' × 500,000): NFC of the alternating marks in linear time, then accents stripped", () => {
    const text = 'a' + '\u0301\u0316'.repeat(500_000);
    expect(tok.encode(text)).toEqual([tok.vocab.tokenToId('a')]);
    const [word] = basicTokenize(text, { lowercase: false, stripAccents: false });
    expect(word.length).toBe(1_000_000); // á, then the U+0316s (ccc 220) before the other U+0301s (ccc 230)
    expect(word === '\u00e1' + '\u0316'.repeat(500_000) + '\u0301'.repeat(499_999)).toBe(true);
  });

  it("splitSentences('J. ' × 333,334): one sentence of initials (each check once read the whole sentence so far)", () => {
    const text = 'J. '.repeat(333_334);
    const sentences = splitSentences(text);
    expect(sentences.length).toBe(1);
    expect(sentences[0] === text.trim()).toBe(true);
  });

  it("splitSentences of a million periods: one run of terminals, scanned once", () => {
    const sentences = splitSentences('.'.repeat(1_000_000) + 'x and ' + '!'.repeat(1_000_000) + ' Then.');
    expect(sentences.map((s) => s.length)).toEqual([2_000_006, 5]);
  });
});
