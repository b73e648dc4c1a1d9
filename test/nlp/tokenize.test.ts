// tokenize.test.ts — basicTokenize against the cases of BERT's and Hugging Face's
// BasicTokenizer tests (tokenization_test.py, test_tokenization_bert.py) plus hand examples, and
// splitSentences on hand examples and on paragraphs of Moby Dick counted by hand.

import { describe, expect, it } from 'vitest';
import { basicTokenize, splitSentences } from '../../src/nlp/tokenize.js';
import { mobyDickChapters } from '../../examples/lib/text.js';

describe('basicTokenize', () => {
  it('lowercases and splits on whitespace and punctuation (BERT test_basic_tokenizer_lower)', () => {
    expect(basicTokenize(' \tHeLLo!how  \n Are yoU?  ')).toEqual(['hello', '!', 'how', 'are', 'you', '?']);
    expect(basicTokenize('H\u00E9llo')).toEqual(['hello']);
  });

  it('keeps case and accents with lowercase: false (BERT test_basic_tokenizer_no_lower)', () => {
    expect(basicTokenize(' \tHeLLo!how  \n Are yoU?  ', { lowercase: false })).toEqual(['HeLLo', '!', 'how', 'Are', 'yoU', '?']);
    expect(basicTokenize('H\u00E4LLo', { lowercase: false })).toEqual(['H\u00E4LLo']);
  });

  it('strips accents independently of lowercasing (HF strip_accents)', () => {
    const text = ' \tH\u00E4LLo!how  \n Are yoU?  ';
    expect(basicTokenize(text)).toEqual(['hallo', '!', 'how', 'are', 'you', '?']);
    expect(basicTokenize(text, { stripAccents: false })).toEqual(['h\u00E4llo', '!', 'how', 'are', 'you', '?']);
    expect(basicTokenize(text, { lowercase: false, stripAccents: true })).toEqual(['HaLLo', '!', 'how', 'Are', 'yoU', '?']);
    // precomposed and decomposed forms give the same token (NFC first, NFD when stripping)
    expect(basicTokenize('cafe\u0301 caf\u00E9', { stripAccents: false })).toEqual(['caf\u00E9', 'caf\u00E9']);
    expect(basicTokenize('ÅNGSTRÖM Ñandú')).toEqual(['angstrom', 'nandu']);
  });

  it('puts each CJK ideograph in its own token (BERT test_chinese)', () => {
    expect(basicTokenize('ah\u535A\u63A8zz')).toEqual(['ah', '\u535A', '\u63A8', 'zz']);
    expect(basicTokenize('我爱NLP')).toEqual(['我', '爱', 'nlp']);
    // Hangul and kana are not CJK ideographs: no spaces added
    expect(basicTokenize('カタカナ', { stripAccents: false })).toEqual(['カタカナ']);
  });

  it('splits every punctuation character, contractions and ASCII symbols included', () => {
    expect(basicTokenize("I don't know.")).toEqual(['i', 'don', "'", 't', 'know', '.']);
    expect(basicTokenize('$5.00 + 3=8 <b>x</b> a_b ~`^|')).toEqual([
      '$', '5', '.', '00', '+', '3', '=', '8', '<', 'b', '>', 'x', '<', '/', 'b', '>', 'a', '_', 'b', '~', '`', '^', '|',
    ]);
    expect(basicTokenize('well—“quoted”…¿qué?')).toEqual(['well', '—', '“', 'quoted', '”', '…', '¿', 'que', '?']);
    expect(basicTokenize('...')).toEqual(['.', '.', '.']);
  });

  it('removes control and format characters and normalizes whitespace', () => {
    expect(basicTokenize('a\u0000b\uFFFDc \u0005d\u00ADe\u200Bf')).toEqual(['abc', 'def']);
    expect(basicTokenize('one\u00A0two\u3000three\r\nfour\tfive')).toEqual(['one', 'two', 'three', 'four', 'five']);
    expect(basicTokenize('')).toEqual([]);
    expect(basicTokenize(' \n\t ')).toEqual([]);
  });

  it('keeps neverSplit tokens whole (HF never_split)', () => {
    expect(basicTokenize(' \tHeLLo!how  \n Are yoU? [UNK]', { neverSplit: ['[UNK]'] }))
      .toEqual(['hello', '!', 'how', 'are', 'you', '?', '[UNK]']);
    expect(basicTokenize('[CLS] Hi [SEP]', { neverSplit: ['[CLS]', '[SEP]'] })).toEqual(['[CLS]', 'hi', '[SEP]']);
  });

  it('rejects a non-string with an error naming the op', () => {
    expect(() => basicTokenize(42 as unknown as string)).toThrow('basicTokenize: expected a string, got number');
  });
});

describe('splitSentences', () => {
  it('splits on . ! ? followed by a capital, and trims', () => {
    expect(splitSentences('  The cat sat.  The dog ran! Did it?   Yes.  ')).toEqual(['The cat sat.', 'The dog ran!', 'Did it?', 'Yes.']);
    expect(splitSentences('It is 1851. 12 ships sailed.')).toEqual(['It is 1851.', '12 ships sailed.']);
    expect(splitSentences('no end punctuation')).toEqual(['no end punctuation']);
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences(' \n ')).toEqual([]);
  });

  it('does not split on abbreviations, initials, decimals or lowercase continuations', () => {
    expect(splitSentences('Mr. Smith paid $3.50. "Too much!" he said. Then he left.'))
      .toEqual(['Mr. Smith paid $3.50.', '"Too much!" he said.', 'Then he left.']);
    expect(splitSentences('Dr. Jones met Mrs. Brown on St. James St. near the park. She waved.'))
      .toEqual(['Dr. Jones met Mrs. Brown on St. James St. near the park.', 'She waved.']);
    expect(splitSentences('J. R. R. Tolkien wrote it. The U.S. Senate met on Jan. 5 in room No. 3. It rained.'))
      .toEqual(['J. R. R. Tolkien wrote it.', 'The U.S. Senate met on Jan. 5 in room No. 3.', 'It rained.']);
    expect(splitSentences('Pi is about 3.14159 and e is 2.718. Both are irrational.'))
      .toEqual(['Pi is about 3.14159 and e is 2.718.', 'Both are irrational.']);
    expect(splitSentences('Bring fruit, e.g. apples. Thanks.')).toEqual(['Bring fruit, e.g. apples.', 'Thanks.']);
  });

  it('handles ellipses: inside a sentence they do not split', () => {
    expect(splitSentences('Wait... what was that? I waited… Then it came.'))
      .toEqual(['Wait... what was that?', 'I waited…', 'Then it came.']);
  });

  it('keeps closing quotes and brackets with their sentence and splits before opening ones', () => {
    expect(splitSentences('He said, "Go home." She did. (It was late.) "Why?" she asked. \'Fine.\' Done.'))
      .toEqual(['He said, "Go home."', 'She did.', '(It was late.)', '"Why?" she asked.', "'Fine.'", 'Done.']);
    expect(splitSentences('“Call me Ishmael.” And so on.')).toEqual(['“Call me Ishmael.”', 'And so on.']);
  });

  it('treats "said I." as a sentence end but "Henry I. Smith" as an initial', () => {
    expect(splitSentences('"No," said I. The landlord smiled.')).toEqual(['"No," said I.', 'The landlord smiled.']);
    expect(splitSentences('Henry I. Smith came.')).toEqual(['Henry I. Smith came.']);
  });

  it('always splits at a blank line', () => {
    expect(splitSentences('CHAPTER 1\n\nLoomings\n \nCall me Ishmael.')).toEqual(['CHAPTER 1', 'Loomings', 'Call me Ishmael.']);
  });

  it('splits paragraphs of Moby Dick into the sentences counted by hand', () => {
    const loomings = mobyDickChapters().find((c) => c.title.startsWith('Loomings'))!;
    const paragraphs = loomings.text.split('\n\n');
    const first = splitSentences(paragraphs[0]);
    expect(first.length).toBe(8);
    expect(first[0]).toBe('Call me Ishmael.');
    expect(first[1].startsWith('Some years ago—never mind how long precisely—having')).toBe(true);
    expect(first[6]).toBe('There is nothing surprising in this.');
    // "What do you see?—Posted like …" has no space after '?': one sentence
    const third = splitSentences(paragraphs[2]);
    expect(third.length).toBe(8);
    expect(third[2].startsWith('What do you see?—Posted like silent sentinels')).toBe(true);
    expect(third.slice(5)).toEqual(['How then is this?', 'Are the green fields gone?', 'What do they here?']);
  });

  it('rejects a non-string with an error naming the op', () => {
    expect(() => splitSentences(null as unknown as string)).toThrow('splitSentences: expected a string, got null');
  });
});
