// tokenizer_files.test.ts — WordPieceTokenizer's files and batches on a tiny vocabulary, checked
// by hand: vocab.txt and tokenizer.json round trips, tokenizer_config.json and
// special_tokens_map.json contents, fromPretrained's choice of file, encodeBatch's shapes,
// padding and truncation, and every error message.

import { describe, expect, it } from 'vitest';
import { WordPieceTokenizer } from '../../src/nlp/wordpiece.js';

//              0        1        2        3        4         5      6      7      8     9     10      11
const TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'cat', 'sat', '.', 'un', '##want', '##ed'];
const VOCAB_TXT = TOKENS.join('\n') + '\n';
const tok = WordPieceTokenizer.fromVocabFile(VOCAB_TXT);
const rows = (t: { shape: number[]; dataSync(): ArrayLike<number> }): number[][] => {
  const d = Array.from(t.dataSync());
  return Array.from({ length: t.shape[0] }, (_, i) => d.slice(i * t.shape[1], (i + 1) * t.shape[1]));
};

describe('vocab.txt', () => {
  it('reads one token per line (\\n or \\r\\n) and writes them back', () => {
    expect(tok.vocab.size).toBe(12);
    expect(tok.encode('The cat sat.')).toEqual([5, 6, 7, 8]);
    expect(tok.toVocabFile()).toBe(VOCAB_TXT);
    expect(WordPieceTokenizer.fromVocabFile(TOKENS.join('\r\n')).vocab.toTokens()).toEqual(TOKENS);
  });

  it('names the line of an empty or repeated token', () => {
    expect(() => WordPieceTokenizer.fromVocabFile('[UNK]\na\n\nb\n')).toThrow('WordPieceTokenizer.fromVocabFile: vocab.txt line 3 is empty; each line must hold a token');
    expect(() => WordPieceTokenizer.fromVocabFile('[UNK]\na\nb\na\n')).toThrow('WordPieceTokenizer.fromVocabFile: vocab.txt line 4 repeats token "a" of line 2');
    expect(() => WordPieceTokenizer.fromVocabFile(3 as never)).toThrow("WordPieceTokenizer.fromVocabFile: expected vocab.txt's text, got number");
    expect(() => WordPieceTokenizer.fromVocab(['[UNK]', 'a\nb']).toVocabFile()).toThrow('WordPieceTokenizer.toVocabFile: token 1 "a\\nb" holds a line break');
  });
});

describe('tokenizer.json', () => {
  it("writes HF's layout: added tokens, BertNormalizer, BertPreTokenizer, the [CLS]/[SEP] template, the vocabulary in id order", () => {
    const j = JSON.parse(tok.toTokenizerJson());
    expect(Object.keys(j)).toEqual(['version', 'truncation', 'padding', 'added_tokens', 'normalizer', 'pre_tokenizer', 'post_processor', 'decoder', 'model']);
    expect([j.version, j.truncation, j.padding]).toEqual(['1.0', null, null]);
    expect(j.added_tokens.map((t: { id: number; content: string; special: boolean }) => [t.id, t.content, t.special]))
      .toEqual([[0, '[PAD]', true], [1, '[UNK]', true], [2, '[CLS]', true], [3, '[SEP]', true], [4, '[MASK]', true]]);
    expect(j.normalizer).toEqual({ type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true });
    expect(j.pre_tokenizer).toEqual({ type: 'BertPreTokenizer' });
    expect(j.post_processor.pair).toEqual([
      { SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } },
      { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } },
    ]);
    expect(j.post_processor.special_tokens).toEqual({ '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } });
    expect(j.decoder).toEqual({ type: 'WordPiece', prefix: '##', cleanup: true });
    expect(j.model.max_input_chars_per_word).toBe(100);
    // ids in the text in id order even for integer-like tokens, which JS objects would put first
    const numeric = WordPieceTokenizer.fromVocab(['[UNK]', 'b', '7', '##3']).toTokenizerJson();
    expect(numeric.slice(numeric.indexOf('"vocab"'))).toBe('"vocab": {\n      "[UNK]": 0,\n      "b": 1,\n      "7": 2,\n      "##3": 3\n    }\n  }\n}');
  });

  it('round-trips every setting', () => {
    const cased = WordPieceTokenizer.fromVocab(TOKENS, { lowercase: false, stripAccents: true, cleanText: false, handleChineseChars: false, maxInputCharsPerWord: 7 });
    const back = WordPieceTokenizer.fromTokenizerJson(cased.toTokenizerJson());
    expect([back.lowercase, back.stripAccents, back.cleanText, back.handleChineseChars, back.maxInputCharsPerWord]).toEqual([false, true, false, false, 7]);
    expect(back.vocab.toTokens()).toEqual(TOKENS);
    expect(back.toTokenizerJson()).toBe(cased.toTokenizerJson());
    expect(WordPieceTokenizer.fromTokenizerJson(JSON.parse(tok.toTokenizerJson())).encode('un wanted', { addSpecialTokens: true })).toEqual([2, 9, 1, 3]);
  });

  it('rejects what it cannot represent, naming it', () => {
    const j = (): Record<string, any> => JSON.parse(tok.toTokenizerJson()); // eslint-disable-line @typescript-eslint/no-explicit-any
    const op = 'WordPieceTokenizer.fromTokenizerJson: ';
    expect(() => WordPieceTokenizer.fromTokenizerJson('{')).toThrow(op + 'not valid JSON');
    expect(() => WordPieceTokenizer.fromTokenizerJson({ ...j(), model: { type: 'BPE' } })).toThrow(op + 'model must be WordPiece, got type "BPE"');
    expect(() => WordPieceTokenizer.fromTokenizerJson({ ...j(), normalizer: { type: 'NFKC' } })).toThrow(op + 'normalizer must be BertNormalizer or null, got type "NFKC"');
    expect(() => WordPieceTokenizer.fromTokenizerJson({ ...j(), pre_tokenizer: { type: 'Whitespace' } })).toThrow(op + 'pre_tokenizer must be BertPreTokenizer, got type "Whitespace"');
    expect(() => WordPieceTokenizer.fromTokenizerJson({ ...j(), post_processor: { type: 'RobertaProcessing' } }))
      .toThrow(op + 'post_processor must be TemplateProcessing, BertProcessing or null, got type "RobertaProcessing"');
    const m = j();
    m.model.unk_token = '<unk>';
    expect(() => WordPieceTokenizer.fromTokenizerJson(m)).toThrow(op + 'model.unk_token "<unk>" is not supported (only "[UNK]")');
    const v = j();
    v.model.vocab.cat = 5;
    expect(() => WordPieceTokenizer.fromTokenizerJson(v)).toThrow(op + 'model.vocab gives id 5 to both "the" and "cat"');
    const a = j();
    a.added_tokens[2].id = 7;
    expect(() => WordPieceTokenizer.fromTokenizerJson(a)).toThrow(op + 'added token "[CLS]" has id 7, but model.vocab has "sat" there');
    a.added_tokens[2] = { ...a.added_tokens[2], id: 2, lstrip: true };
    expect(() => WordPieceTokenizer.fromTokenizerJson(a)).toThrow(op + 'added token "[CLS]" has lstrip: true, which is not supported');
  });
});

describe('savePretrained / fromPretrained', () => {
  it("writes BertTokenizerFast's four files", () => {
    const files = WordPieceTokenizer.fromVocab(TOKENS, { lowercase: false, modelMaxLength: 128 }).savePretrained();
    expect(Object.keys(files)).toEqual(['vocab.txt', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']);
    expect(files['vocab.txt']).toBe(VOCAB_TXT);
    const config = JSON.parse(files['tokenizer_config.json']!);
    expect(Object.keys(config)).toEqual([...Object.keys(config)].sort());
    expect(config).toMatchObject({
      tokenizer_class: 'BertTokenizer', do_lower_case: false, strip_accents: null, tokenize_chinese_chars: true, model_max_length: 128,
      clean_up_tokenization_spaces: true, unk_token: '[UNK]', sep_token: '[SEP]', pad_token: '[PAD]', cls_token: '[CLS]', mask_token: '[MASK]',
    });
    expect(config.added_tokens_decoder['4']).toEqual({ content: '[MASK]', lstrip: false, normalized: false, rstrip: false, single_word: false, special: true });
    expect(JSON.parse(files['special_tokens_map.json']!)).toEqual({ cls_token: '[CLS]', mask_token: '[MASK]', pad_token: '[PAD]', sep_token: '[SEP]', unk_token: '[UNK]' });
  });

  it('prefers tokenizer.json, applies tokenizer_config.json over it, else reads vocab.txt with BertTokenizer defaults', () => {
    const cased = WordPieceTokenizer.fromVocab(TOKENS, { lowercase: false, modelMaxLength: 64 }).savePretrained();
    const a = WordPieceTokenizer.fromPretrained({ 'tokenizer.json': cased['tokenizer.json'], 'vocab.txt': '[UNK]\n' });
    expect([a.vocab.size, a.lowercase, a.modelMaxLength]).toEqual([12, false, 512]);
    const b = WordPieceTokenizer.fromPretrained({ 'tokenizer.json': cased['tokenizer.json'], 'tokenizer_config.json': '{"do_lower_case": true, "model_max_length": 32}' });
    expect([b.lowercase, b.stripAccents, b.modelMaxLength]).toEqual([true, true, 32]);
    const c = WordPieceTokenizer.fromPretrained({ 'vocab.txt': VOCAB_TXT });
    expect([c.lowercase, c.stripAccents, c.handleChineseChars, c.modelMaxLength]).toEqual([true, true, true, 512]);
    const d = WordPieceTokenizer.fromPretrained({ 'vocab.txt': VOCAB_TXT, 'tokenizer_config.json': cased['tokenizer_config.json'] });
    expect([d.lowercase, d.stripAccents, d.modelMaxLength]).toEqual([false, false, 64]);
    expect(d.encode('The Cat')).toEqual([1, 1]);
  });

  it('errors name the op and the files', () => {
    expect(() => WordPieceTokenizer.fromPretrained({ 'special_tokens_map.json': '{}' } as never))
      .toThrow('WordPieceTokenizer.fromPretrained: the files hold neither tokenizer.json nor vocab.txt (got special_tokens_map.json)');
    expect(() => WordPieceTokenizer.fromPretrained(null as never)).toThrow('WordPieceTokenizer.fromPretrained: expected a record of files, got null');
    expect(() => WordPieceTokenizer.fromPretrained({ 'vocab.txt': VOCAB_TXT, 'tokenizer_config.json': '{"unk_token": "<unk>"}' }))
      .toThrow('WordPieceTokenizer.fromPretrained: tokenizer_config.json sets unk_token to "<unk>"; only "[UNK]" is supported');
    expect(() => WordPieceTokenizer.fromPretrained({ 'vocab.txt': VOCAB_TXT, 'tokenizer_config.json': '[' }))
      .toThrow('WordPieceTokenizer.fromPretrained: tokenizer_config.json is not valid JSON');
  });
});

describe('encodeBatch', () => {
  it('pads to the longest row with [PAD], mask 0, type 0', () => {
    const out = tok.encodeBatch(['The cat sat.', 'unwanted'], { padding: true });
    expect(out.inputIds.dtype).toBe('int32');
    expect(out.inputIds.shape).toEqual([2, 6]);
    expect(rows(out.inputIds)).toEqual([[2, 5, 6, 7, 8, 3], [2, 9, 10, 11, 3, 0]]);
    expect(rows(out.attentionMask)).toEqual([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0]]);
    expect(rows(out.tokenTypeIds)).toEqual([[0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]]);
  });

  it('encodes pairs as [CLS] A [SEP] B [SEP] with token types 0 then 1, padded to maxLength', () => {
    const out = tok.encodeBatch(['the cat', 'sat'], { textPairs: ['sat.', 'the'], padding: 'max_length', maxLength: 8 });
    expect(rows(out.inputIds)).toEqual([[2, 5, 6, 3, 7, 8, 3, 0], [2, 7, 3, 5, 3, 0, 0, 0]]);
    expect(rows(out.tokenTypeIds)).toEqual([[0, 0, 0, 0, 1, 1, 1, 0], [0, 0, 0, 1, 1, 0, 0, 0]]);
    expect(rows(out.attentionMask)).toEqual([[1, 1, 1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 1, 0, 0, 0]]);
    expect(rows(tok.encodeBatch(['the cat'], { textPairs: ['sat'], addSpecialTokens: false }).tokenTypeIds)).toEqual([[0, 0, 1]]);
  });

  it('truncates: singles to maxLength, pairs longest_first / only_first / only_second', () => {
    const the = (n: number): string => 'the '.repeat(n), cat = (n: number): string => 'cat '.repeat(n);
    expect(rows(tok.encodeBatch([the(10)], { truncation: true, maxLength: 5 }).inputIds)).toEqual([[2, 5, 5, 5, 3]]);
    // 6 + 2 tokens into 7 - 3 = 4: the shorter (2) whole, the longer keeps 2
    expect(rows(tok.encodeBatch([the(6)], { textPairs: [cat(2)], truncation: 'longest_first', maxLength: 7 }).inputIds)).toEqual([[2, 5, 5, 3, 6, 6, 3]]);
    // 6 + 5 into 5: 2 + 3, the odd token to the longer
    expect(rows(tok.encodeBatch([the(6)], { textPairs: [cat(5)], truncation: true, maxLength: 8 }).inputIds)).toEqual([[2, 5, 5, 5, 3, 6, 6, 3]]);
    expect(rows(tok.encodeBatch([the(6)], { textPairs: [cat(2)], truncation: 'only_first', maxLength: 7 }).inputIds)).toEqual([[2, 5, 5, 3, 6, 6, 3]]);
    expect(rows(tok.encodeBatch([the(2)], { textPairs: [cat(6)], truncation: 'only_second', maxLength: 7 }).inputIds)).toEqual([[2, 5, 5, 3, 6, 6, 3]]);
    // modelMaxLength is the default maxLength
    const short = WordPieceTokenizer.fromVocabFile(VOCAB_TXT, { modelMaxLength: 4 });
    expect(rows(short.encodeBatch([the(9)], { truncation: true }).inputIds)).toEqual([[2, 5, 5, 3]]);
    expect(short.encodeBatch(['the', 'the cat'], { padding: 'max_length' }).inputIds.shape).toEqual([2, 4]);
  });

  it('rejects bad input with errors naming encodeBatch and the values', () => {
    const op = 'WordPieceTokenizer.encodeBatch';
    expect(() => tok.encodeBatch(['the', 'the cat'])).toThrow(`${op}: the encoded texts have lengths [3,4], not one length for a tensor; pass padding: 'longest' or 'max_length'`);
    expect(() => tok.encodeBatch(['the cat the cat'], { padding: 'max_length', maxLength: 4 }))
      .toThrow(`${op}: the encoded texts have lengths [6], not one length for a tensor longer than maxLength 4; add truncation`);
    expect(() => tok.encodeBatch('the' as never)).toThrow(`${op}: expected texts to be an array of strings, got 'the'`);
    expect(() => tok.encodeBatch(['the', 7 as never])).toThrow(`${op}: texts[1] is 7, not a string`);
    expect(() => tok.encodeBatch(['the', 'cat'], { textPairs: ['x'] })).toThrow(`${op}: textPairs has 1 entries but texts has 2`);
    expect(() => tok.encodeBatch(['the'], { textPairs: ['cat'], truncation: true, maxLength: 2 }))
      .toThrow(`${op}: maxLength 2 is smaller than the 3 special tokens added to each pair`);
    expect(() => tok.encodeBatch(['the the'], { truncation: 'only_second', maxLength: 3 })).toThrow(`${op} (text 0): truncation 'only_second' needs textPairs`);
    expect(() => tok.encodeBatch(['the the', 'the'], { textPairs: ['cat', 'cat cat'], truncation: 'only_first', maxLength: 5 }))
      .toThrow(`${op} (text 1): truncation 'only_first' would have to remove 1 tokens from the first text, which has only 1`);
    expect(() => tok.encodeBatch(['the'], { maxLength: 0 })).toThrow(`${op}: invalid maxLength 0 (must be a positive integer)`);
    expect(() => tok.encodeBatch(['the'], { padding: 'left' as never })).toThrow(`${op}: padding must be false, true, 'longest', 'max_length', 'do_not_pad'; got 'left'`);
    expect(() => tok.encodeBatch(['the'], { truncation: 'most' as never }))
      .toThrow(`${op}: truncation must be false, true, 'longest_first', 'only_first', 'only_second', 'do_not_truncate'; got 'most'`);
    expect(() => tok.encodeBatch(['the'], { padTo: 3 } as never)).toThrow(`${op}: unknown option 'padTo'`);
    expect(() => WordPieceTokenizer.fromVocab(['[UNK]', '[CLS]', '[SEP]', 'a']).encodeBatch(['a', 'a a'], { padding: true }))
      .toThrow('Vocab.padId: the vocabulary has no [PAD] token');
  });

  it('keeps special tokens written in the text whole, wherever they stand (HF added tokens)', () => {
    expect(tok.tokenize('x[CLS]the[cls] [SEP][SEP]cat[MASK')).toEqual(['[UNK]', '[CLS]', 'the', '[UNK]', '[UNK]', '[UNK]', '[SEP]', '[SEP]', 'cat', '[UNK]', '[UNK]']);
  });
});
