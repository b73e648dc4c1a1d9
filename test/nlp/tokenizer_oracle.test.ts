// tokenizer_oracle.test.ts — WordPieceTokenizer against Hugging Face's own Rust tokenizer (the
// `tokenizers` npm binding) on the same tokenizer.json: BertNormalizer and BertPreTokenizer on
// every code point, then ids, token type ids and attention masks of 3,000 mixed sentences and
// pairs (Moby Dick, accents, CJK, digits, long words, control characters, odd whitespace, special
// tokens in the text, empty strings), and encodeBatch's truncation and padding against HF's
// setTruncation / setPadding. Also: our tokenizer.json is byte for byte what HF writes back, and
// tokenizer.json files that HF builds itself load in ours.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as hf from 'tokenizers';
import { WordPieceTokenizer } from '../../src/nlp/wordpiece.js';
import { bertNormalize, bertPreTokenize } from '../../src/nlp/tokenizer_pipeline.js';
import { splitSentences } from '../../src/nlp/tokenize.js';
import { mobyDickChapters } from '../../examples/lib/text.js';

const dir = mkdtempSync(join(tmpdir(), 'tensorloom-tokenizer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** HF's Tokenizer.save output for a tokenizer (the binding has no toString). */
function hfJson(t: hf.Tokenizer): string {
  const path = join(dir, `t${Math.random().toString(36).slice(2)}.json`);
  t.save(path, true);
  return readFileSync(path, 'utf8');
}

/** mulberry32: a small seeded generator, so the sentences are the same on every run. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EXTRA = [
  'Café naïve résumé Zürich São Paulo Ærøskøbing Ångström Ñandú façade crème brûlée',
  'ΟΔΟΣ Σοφία İstanbul Straße ǅemal ﬁne Ⅻ',
  '我爱自然语言处理。今天天气很好，我们去公园散步吧！北京欢迎你',
  '日本語のテキストとカタカナ、한국어 문장도 있습니다',
  'Привет, мир! Это тест. مرحبا بالعالم',
];
const INSERTS = [
  'é', 'e\u0301', 'Ä', 'ß', 'Σ', 'ς', 'İ', 'ﬁ', '我', '爱', '語', '한', 'カ', '𠀋', '\u{2B820}', '\u{2B920}', '😀', '👍🏽',
  '12,345.67', '2024', '3½', '٣', '\u0000', '\u0007', '\u200b', '\u00ad', '\ufeff', '\ufffd', '\u0890', '\u{13430}',
  '\u00a0', '\u3000', '\u2028', '\u000b', '\u0085', '\u180e', '\t', '\r\n', '  ', '[CLS]', 'x[SEP]y', '[MASK]', '[mask]',
  '[UNK]', '[PAD', '...', '—', '“', '¿', '$', '^', '`', '~', '\u0301\u0316\u0301', '\ud800', '\udc00x',
];

/** `n` sentences: Moby Dick with words swapped for the tricky inserts, long words, empties. */
function mixedSentences(pool: string[], n: number, seed: number): string[] {
  const r = rng(seed);
  const pick = <T,>(a: T[]): T => a[Math.floor(r() * a.length)];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const kind = r();
    if (kind < 0.03) out.push(pick(['', ' ', '\n\t', '\u200b', '[CLS]', '[SEP][SEP]']));
    else if (kind < 0.1) out.push('supercalifragilistic'.repeat(1 + Math.floor(r() * 8)) + (r() < 0.5 ? '!' : ''));
    else if (kind < 0.18) out.push(pick(EXTRA));
    else {
      const words = pick(pool).split(' ');
      const k = Math.floor(r() * 4);
      for (let j = 0; j < k; j++) words.splice(Math.floor(r() * words.length), r() < 0.5 ? 1 : 0, pick(INSERTS));
      out.push(words.join(r() < 0.9 ? ' ' : pick(['  ', '\t', '\u00a0', '\n'])));
    }
  }
  return out;
}

describe('BertNormalizer and BertPreTokenizer on every code point', () => {
  // Each code point between 'a' and 'B', 4096 to a chunk; a mismatch names its chunk.
  const chunks: string[] = [];
  for (let start = 0; start < 0x110000; start += 4096) {
    let s = '';
    for (let cp = start; cp < start + 4096; cp++) if (cp < 0xd800 || cp > 0xdfff) s += 'a' + String.fromCodePoint(cp) + 'B';
    chunks.push(s);
  }
  const variants = [
    { cleanText: true, handleChineseChars: true, stripAccents: true, lowercase: true },
    { cleanText: true, handleChineseChars: true, stripAccents: false, lowercase: false },
    { cleanText: false, handleChineseChars: false, stripAccents: true, lowercase: false },
    { cleanText: false, handleChineseChars: true, stripAccents: false, lowercase: true },
  ];
  for (const v of variants) {
    it(`normalizes all 1,112,064 code points as HF's bertNormalizer(${JSON.stringify(v)})`, () => {
      const theirs = hf.bertNormalizer(v);
      const bad = chunks.map((c, i) => (bertNormalize(c, v) === theirs.normalizeString(c) ? -1 : i * 4096)).filter((i) => i >= 0);
      expect(bad.map((i) => i.toString(16))).toEqual([]);
    });
  }

  it('pre-tokenizes all code points as HF\'s bertPreTokenizer', () => {
    const theirs = hf.bertPreTokenizer();
    const bad = chunks.map((c, i) => {
      const words = theirs.preTokenizeString(c).map(([w]) => w);
      return JSON.stringify(bertPreTokenize(c)) === JSON.stringify(words) ? -1 : i * 4096;
    }).filter((i) => i >= 0);
    expect(bad).toEqual([]);
  });

  it('agrees on the cases that differ from the Python BertTokenizer and from JavaScript\'s Unicode', () => {
    const v = variants[0];
    const theirs = hf.bertNormalizer(v);
    for (const s of ['ΟΔΟΣ ΣΑ', 'İx', 'cafe\u0301', '\u0890\u1734\u{2B820}\u{2B920}', 'a\ud800b', '\u000b\u0085\u2028x']) {
      expect(bertNormalize(s, v)).toBe(theirs.normalizeString(s));
    }
    expect(bertNormalize('ΟΔΟΣ', v)).toBe('οδοσ'); // no final ς
    expect(bertNormalize('\u0890x\u1734', v)).toBe('\u0890x'); // kept (Cf since Unicode 14) / dropped (Mn to HF)
  });
});

describe('WordPieceTokenizer vs HF tokenizers on the same tokenizer.json', () => {
  const chapters = mobyDickChapters();
  const train = chapters.slice(1, 15).map((c) => c.text).concat(EXTRA);
  const held = chapters.slice(20, 40).flatMap((c) => splitSentences(c.text)).map((s) => s.replace(/\s+/g, ' '));
  let uncased: WordPieceTokenizer, cased: WordPieceTokenizer;
  beforeAll(() => {
    uncased = WordPieceTokenizer.train(train, { vocabSize: 3000 });
    const c = WordPieceTokenizer.train(train, { vocabSize: 3000, lowercase: false });
    cased = new WordPieceTokenizer(c.vocab, { lowercase: false, stripAccents: false, handleChineseChars: false, cleanText: true, maxInputCharsPerWord: 30 });
  });

  it('writes tokenizer.json byte for byte as HF writes it back', () => {
    for (const tok of [uncased, cased]) {
      const json = tok.toTokenizerJson();
      expect(hfJson(hf.Tokenizer.fromString(json))).toBe(json);
    }
  });

  for (const which of ['uncased', 'cased'] as const) {
    it(`${which}: ids of 3,000 sentences and 1,000 pairs are HF's`, async () => {
      const tok = which === 'uncased' ? uncased : cased;
      const theirs = hf.Tokenizer.fromString(tok.toTokenizerJson());
      const texts = mixedSentences(held, 3000, which === 'uncased' ? 1 : 2);
      const encodings = await theirs.encodeBatch(texts);
      let unk = 0, pieces = 0, differ = 0;
      texts.forEach((t, i) => {
        const ours = tok.encode(t, { addSpecialTokens: true });
        if (JSON.stringify(ours) !== JSON.stringify(encodings[i].getIds())) differ++;
        unk += ours.filter((id) => id === tok.vocab.unkId).length;
        pieces += ours.length;
      });
      expect(differ).toBe(0);
      expect(unk).toBeGreaterThan(100); // both the [UNK] path …
      expect(pieces - unk).toBeGreaterThan(50_000); // … and known pieces are exercised
      const pairs = await Promise.all(texts.slice(0, 1000).map((t, i) => theirs.encode(t, texts[2999 - i])));
      const mismatched = pairs.filter((e, i) => {
        const ours = tok.encodePair(texts[i], texts[2999 - i]);
        return JSON.stringify([ours.ids, ours.tokenTypeIds]) !== JSON.stringify([e.getIds(), e.getTypeIds()]);
      });
      expect(mismatched.length).toBe(0);
      const plain = await theirs.encode(texts[5], texts[6], { addSpecialTokens: false });
      expect(tok.encodePair(texts[5], texts[6], { addSpecialTokens: false }).tokenTypeIds).toEqual(plain.getTypeIds());
    });
  }

  it('encodeBatch pads and truncates single texts as HF setPadding / setTruncation', async () => {
    const theirs = hf.Tokenizer.fromString(uncased.toTokenizerJson());
    const texts = mixedSentences(held, 200, 3);
    for (const [maxLength, padding] of [[16, true], [40, 'max_length'], [7, 'longest']] as const) {
      theirs.setTruncation(maxLength);
      theirs.setPadding(padding === 'max_length' ? { maxLength, padToken: '[PAD]', padId: 0 } : { padToken: '[PAD]', padId: 0 });
      const e = await theirs.encodeBatch(texts);
      const ours = uncased.encodeBatch(texts, { maxLength, padding, truncation: true });
      const T = e[0].getIds().length;
      expect(ours.inputIds.shape).toEqual([200, T]);
      expect(Array.from(ours.inputIds.dataSync())).toEqual(e.flatMap((x) => x.getIds()));
      expect(Array.from(ours.tokenTypeIds.dataSync())).toEqual(e.flatMap((x) => x.getTypeIds()));
      expect(Array.from(ours.attentionMask.dataSync())).toEqual(e.flatMap((x) => x.getAttentionMask()));
    }
  });

  it('encodeBatch truncates pairs as HF (longest_first, only_first, only_second) and pads to maxLength', async () => {
    const theirs = hf.Tokenizer.fromString(uncased.toTokenizerJson());
    const texts = mixedSentences(held, 300, 4), pairs = mixedSentences(held, 300, 5);
    const strategies = { longest_first: 'LongestFirst', only_first: 'OnlyFirst', only_second: 'OnlySecond' } as const;
    for (const [strategy, name] of Object.entries(strategies) as [keyof typeof strategies, hf.TruncationStrategy][]) {
      for (const maxLength of [9, 24, 25, 40]) { // rooms 6, 21, 22, 37: odd rooms hand the odd token to the longer text
        theirs.setTruncation(maxLength, { strategy: name });
        theirs.setPadding({ maxLength, padToken: '[PAD]', padId: 0 });
        const kept: number[] = [], rows: hf.Encoding[] = [];
        for (let i = 0; i < texts.length; i++) {
          try {
            rows.push(await theirs.encode(texts[i], pairs[i]));
            kept.push(i);
          } catch (err) {
            // HF refuses when the one text it may cut is too short; so must we
            expect(String(err)).toContain('too short');
            expect(() => uncased.encodeBatch([texts[i]], { textPairs: [pairs[i]], maxLength, truncation: strategy, padding: 'max_length' }))
              .toThrow(`WordPieceTokenizer.encodeBatch (text 0): truncation '${strategy}' would have to remove`);
          }
        }
        expect(kept.length).toBeGreaterThan(strategy === 'longest_first' ? 299 : 20);
        const ours = uncased.encodeBatch(kept.map((i) => texts[i]), { textPairs: kept.map((i) => pairs[i]), maxLength, truncation: strategy, padding: 'max_length' });
        expect(ours.inputIds.shape).toEqual([kept.length, maxLength]);
        expect(Array.from(ours.inputIds.dataSync())).toEqual(rows.flatMap((x) => x.getIds()));
        expect(Array.from(ours.tokenTypeIds.dataSync())).toEqual(rows.flatMap((x) => x.getTypeIds()));
        expect(Array.from(ours.attentionMask.dataSync())).toEqual(rows.flatMap((x) => x.getAttentionMask()));
      }
    }
  });
});

describe('pair truncation on a grid of lengths', () => {
  it('keeps as many tokens of A and of B as HF for every 0 <= |A|, |B| < 30, four maxLengths, three strategies', async () => {
    // A = 'a' × |A|, B = 'b' × |B|; HF's rules include two oddities: each text is read only up
    // to maxLength tokens in whole words before truncating (tokenize_with_limit: 30 and 27 into a
    // room of 21 give 10 + 11, as 24 and 24 would), and maxLength = 3 (no room) empties both.
    const tok = WordPieceTokenizer.fromVocab(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'a', 'b']);
    const theirs = hf.Tokenizer.fromString(tok.toTokenizerJson());
    const strategies = [['LongestFirst', 'longest_first'], ['OnlyFirst', 'only_first'], ['OnlySecond', 'only_second']] as const;
    let cases = 0, errors = 0;
    const differ: string[] = [];
    for (const [name, strategy] of strategies) {
      for (const maxLength of [3, 5, 12, 24]) {
        theirs.setTruncation(maxLength, { strategy: name as hf.TruncationStrategy });
        for (let la = 0; la < 30; la++) {
          const A = 'a '.repeat(la);
          const Bs = Array.from({ length: 30 }, (_, lb) => 'b '.repeat(lb));
          const hfRows = await Promise.all(Bs.map((B) => theirs.encode(A, B).then((e) => JSON.stringify(e.getIds()), () => 'error')));
          Bs.forEach((B, lb) => {
            let ours: string;
            try {
              ours = JSON.stringify(Array.from(tok.encodeBatch([A], { textPairs: [B], maxLength, truncation: strategy }).inputIds.dataSync()));
            } catch {
              ours = 'error';
            }
            cases++;
            if (ours === 'error') errors++;
            if (ours !== hfRows[lb]) differ.push(`${strategy} ${maxLength}: |A| ${la}, |B| ${lb}: ours ${ours}, HF ${hfRows[lb]}`);
          });
        }
      }
    }
    expect(cases).toBe(10_800);
    expect(errors).toBeGreaterThan(1000); // only_first / only_second with a text too short to cut
    expect(differ).toEqual([]);
  });
});

describe('tokenizer.json files built by HF load in ours', () => {
  const tokens = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'The', 'the', 'cat', '##s', 'caf', '##é', '##e', 'é', '.', ',', '我', '!'];
  const vocab = Object.fromEntries(tokens.map((t, i) => [t, i]));
  const texts = ['The cats. the café, CAFÉ!', '我爱 cafe\u0301s', 'x[CLS]the[SEP]', ''];

  async function compare(theirs: hf.Tokenizer): Promise<WordPieceTokenizer> {
    const ours = WordPieceTokenizer.fromTokenizerJson(hfJson(theirs));
    for (const t of texts) {
      expect(ours.encode(t, { addSpecialTokens: true })).toEqual((await theirs.encode(t)).getIds());
      const e = await theirs.encode(t, 'the cat');
      expect(ours.encodePair(t, 'the cat')).toEqual({ ids: e.getIds(), tokenTypeIds: e.getTypeIds() });
    }
    return ours;
  }

  it('a cased tokenizer with accents kept, a TemplateProcessing and max_input_chars_per_word 5', async () => {
    const theirs = new hf.Tokenizer(hf.WordPiece.init(vocab, { unkToken: '[UNK]', maxInputCharsPerWord: 5 }));
    theirs.setNormalizer(hf.bertNormalizer({ lowercase: false, stripAccents: false, handleChineseChars: true, cleanText: true }));
    theirs.setPreTokenizer(hf.bertPreTokenizer());
    theirs.setPostProcessor(hf.templateProcessing('[CLS] $A [SEP]', '[CLS] $A [SEP] $B:1 [SEP]:1', [['[CLS]', 2], ['[SEP]', 3]]));
    theirs.addSpecialTokens(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    const ours = await compare(theirs);
    expect([ours.lowercase, ours.stripAccents, ours.maxInputCharsPerWord]).toEqual([false, false, 5]);
    expect(ours.tokenize('The café')).toEqual(['The', 'caf', '##é']);
  });

  it('BertProcessing, and HF\'s default normalizer (lowercase, strip_accents null)', async () => {
    const theirs = new hf.Tokenizer(hf.WordPiece.init(vocab, { unkToken: '[UNK]' }));
    theirs.setNormalizer(hf.bertNormalizer({}));
    theirs.setPreTokenizer(hf.bertPreTokenizer());
    theirs.setPostProcessor(hf.bertProcessing(['[SEP]', 3], ['[CLS]', 2]));
    theirs.addSpecialTokens(['[CLS]', '[SEP]']);
    const ours = await compare(theirs);
    expect(ours.vocab.specials).toEqual(['[CLS]', '[SEP]']);
    expect(ours.tokenize('The [PAD] café')).toEqual(['the', '[UNK]', '[UNK]', '[UNK]', 'caf', '##e']);
  });

  it('our savePretrained files read back in HF (tokenizer.json) with the same ids, vocab.txt too', async () => {
    const tok = WordPieceTokenizer.fromVocab(tokens, { lowercase: false });
    const files = tok.savePretrained();
    const theirs = hf.Tokenizer.fromString(files['tokenizer.json']!);
    const fromVocab = WordPieceTokenizer.fromPretrained({ 'vocab.txt': files['vocab.txt'], 'tokenizer_config.json': files['tokenizer_config.json'] });
    for (const t of texts) {
      const ids = (await theirs.encode(t)).getIds();
      expect(tok.encode(t, { addSpecialTokens: true })).toEqual(ids);
      expect(fromVocab.encode(t, { addSpecialTokens: true })).toEqual(ids);
    }
  });
});
