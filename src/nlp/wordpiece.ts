// wordpiece.ts — BERT's WordPiece subword tokenizer as Hugging Face's BertTokenizerFast runs it:
// the Rust `tokenizers` pipeline (tokenizer_pipeline.ts), then greedy longest-match-first over
// word-initial and '##' continuation pieces; decoding; vocab.txt / tokenizer.json files
// (tokenizer_json.ts) and batches as tensors (encode_batch.ts). Training is in wordpiece_train.ts.
// References: google-research/bert tokenization.py (WordpieceTokenizer); tokenizers/src/models/
// wordpiece/mod.rs; Schuster & Nakajima 2012; huggingface.co/learn/nlp-course chapter 6.6.

import { check, checkKeys, checkPositiveInt } from '../check.js';
import { applyTemplate, bertTemplate, encodeBatch, type BatchEncoding, type EncodeBatchOptions, type PostProcessor } from './encode_batch.js';
import type { TokenizerFiles } from './pretrained_files.js';
import {
  parseTokenizerJson, parseVocabFile, readPretrained, writeSpecialTokensMap, writeTokenizerConfig, writeTokenizerJson,
  writeVocabFile, type AddedToken, type TokenizerState,
} from './tokenizer_json.js';
import { addedTokenPattern, bertNormalize, bertPreTokenize, splitOnAddedTokens, type BertNormalizerSettings } from './tokenizer_pipeline.js';
import { Vocab, type VocabJSON } from './vocab.js';
import { PREFIX, trainWordPiece, UNK, type WordPieceTrainOptions } from './wordpiece_train.js';

export type { WordPieceTrainOptions } from './wordpiece_train.js';
export type { BatchEncoding, EncodeBatchOptions } from './encode_batch.js';

export interface WordPieceOptions {
  /** Lowercase text before tokenizing (BERT uncased). Default true. */
  lowercase?: boolean;
  /** Strip accents (NFD, drop nonspacing marks). Default (or null): same as `lowercase`. */
  stripAccents?: boolean | null;
  /** Longer words become [UNK] without being split. Default 100, as BERT. */
  maxInputCharsPerWord?: number;
  /** Drop control characters and map whitespace to ' ' (HF clean_text). Default true. */
  cleanText?: boolean;
  /** Put spaces around CJK ideographs (HF handle_chinese_chars). Default true. */
  handleChineseChars?: boolean;
  /** The length encodeBatch truncates / pads to when given no maxLength. Default 512. */
  modelMaxLength?: number;
}

export interface DecodeOptions {
  /** Drop special tokens ([CLS], [SEP], [PAD], [UNK], …) as Hugging Face does. Default true. */
  skipSpecialTokens?: boolean;
  /** Remove the space before . , ! ? and in English contractions (" n't", " 's"). Default false. */
  cleanUpTokenizationSpaces?: boolean;
}

/** WordPieceTokenizer's JSON form (the fields after maxInputCharsPerWord are optional on input). */
export interface WordPieceJSON extends VocabJSON {
  type: 'WordPiece';
  lowercase: boolean;
  stripAccents: boolean;
  maxInputCharsPerWord: number;
  cleanText?: boolean;
  handleChineseChars?: boolean;
  modelMaxLength?: number;
}

const OPTION_KEYS = ['lowercase', 'stripAccents', 'maxInputCharsPerWord', 'cleanText', 'handleChineseChars', 'modelMaxLength'];

/**
 * A WordPiece tokenizer, step for step as Hugging Face's BertTokenizerFast (the Rust
 * `tokenizers`): special tokens are cut out of the raw text; each stretch between them is
 * normalized (BertNormalizer: clean, CJK spacing, strip accents, lowercase) and split into words
 * (BertPreTokenizer: whitespace, each punctuation character alone); each word is split greedily
 * into the longest vocabulary piece from its start, then the longest '##' piece from there, and
 * so on; a word that cannot be covered this way (or has more than maxInputCharsPerWord
 * characters) becomes [UNK] as a whole. Reads and writes vocab.txt and tokenizer.json.
 *
 *     const tok = WordPieceTokenizer.fromVocab(['[UNK]', 'un', '##aff', '##able']);
 *     tok.tokenize('Unaffable')   // ['un', '##aff', '##able']
 *     tok.decode(tok.encode('unaffable'))   // 'unaffable'
 */
export class WordPieceTokenizer {
  readonly vocab: Vocab;
  readonly lowercase: boolean;
  readonly stripAccents: boolean;
  readonly maxInputCharsPerWord: number;
  readonly cleanText: boolean;
  readonly handleChineseChars: boolean;
  readonly modelMaxLength: number;
  /** Tokens matched in the text before anything else: the specials by default. */
  readonly addedTokens: readonly AddedToken[];
  /** The template around encoded texts: [CLS] A [SEP] (B [SEP]) when the vocabulary has both. */
  readonly postProcessor: PostProcessor;
  /** stripAccents as given: null = follow lowercase (tokenizer.json's strip_accents: null). */
  private readonly stripAccentsSetting: boolean | null;
  /** Longest piece in characters (without '##'), to bound the greedy search. */
  private readonly maxPieceChars: number;
  private readonly rawTokens: RegExp | null;
  private readonly normalizedTokens: RegExp | null;
  /** Normalized content -> token, for added tokens matched after normalization. */
  private readonly normalizedToToken = new Map<string, string>();

  /** `parts` (added tokens, template) is for fromTokenizerJson; by default both follow the vocabulary. */
  constructor(vocab: Vocab, options: WordPieceOptions = {}, parts: { addedTokens?: AddedToken[]; postProcessor?: PostProcessor } = {}) {
    const op = 'WordPieceTokenizer';
    if (!(vocab instanceof Vocab)) throw new Error(`${op}: expected a Vocab`);
    if (!vocab.has(UNK)) throw new Error(`${op}: the vocabulary has no ${UNK} token for words it cannot split`);
    checkKeys(op, options, OPTION_KEYS);
    for (const k of ['lowercase', 'cleanText', 'handleChineseChars'] as const) {
      check(op, options[k] === undefined || typeof options[k] === 'boolean', k, options[k], 'must be true or false');
    }
    check(op, options.stripAccents == null || typeof options.stripAccents === 'boolean', 'stripAccents', options.stripAccents, 'must be true, false or null');
    this.vocab = vocab;
    this.lowercase = options.lowercase ?? true;
    this.stripAccentsSetting = options.stripAccents ?? null;
    this.stripAccents = options.stripAccents ?? this.lowercase;
    this.maxInputCharsPerWord = checkPositiveInt(op, 'maxInputCharsPerWord', options.maxInputCharsPerWord ?? 100);
    this.cleanText = options.cleanText ?? true;
    this.handleChineseChars = options.handleChineseChars ?? true;
    this.modelMaxLength = checkPositiveInt(op, 'modelMaxLength', options.modelMaxLength ?? 512);
    this.addedTokens = parts.addedTokens ?? vocab.specials.map((t) => ({ content: t, id: vocab.tokenToId(t), special: true, normalized: false }));
    this.postProcessor = parts.postProcessor ?? (vocab.has('[CLS]') && vocab.has('[SEP]')
      ? bertTemplate(['[CLS]', vocab.clsId], ['[SEP]', vocab.sepId])
      : { single: [{ sequence: 'A', typeId: 0 }], pair: [{ sequence: 'A', typeId: 0 }, { sequence: 'B', typeId: 1 }] });
    this.rawTokens = addedTokenPattern(this.addedTokens.filter((t) => !t.normalized).map((t) => t.content));
    for (const t of this.addedTokens) if (t.normalized) this.normalizedToToken.set(bertNormalize(t.content, this.normalizer), t.content);
    this.normalizedTokens = addedTokenPattern(this.normalizedToToken.keys());
    let longest = 0;
    for (const t of vocab.toTokens()) longest = Math.max(longest, Array.from(t.startsWith(PREFIX) ? t.slice(2) : t).length);
    this.maxPieceChars = longest;
  }

  /** A tokenizer over an existing vocabulary: a Vocab, a token list, or vocab.txt's text. */
  static fromVocab(vocab: Vocab | readonly string[] | string, options: WordPieceOptions = {}): WordPieceTokenizer {
    if (typeof vocab === 'string') return WordPieceTokenizer.fromVocabFile(vocab, options);
    return new WordPieceTokenizer(vocab instanceof Vocab ? vocab : Vocab.fromTokens(vocab), options);
  }

  /**
   * From vocab.txt's text: one token per line, id = line number - 1. Empty or repeated lines
   * are an error naming the line.
   *
   *     WordPieceTokenizer.fromVocabFile('[PAD]\n[UNK]\n[CLS]\n[SEP]\nhi\n').encode('Hi')   // [4]
   */
  static fromVocabFile(text: string, options: WordPieceOptions = {}): WordPieceTokenizer {
    return new WordPieceTokenizer(Vocab.fromTokens(parseVocabFile(text, 'WordPieceTokenizer.fromVocabFile')), options);
  }

  /** vocab.txt's text: the tokens in id order, one per line, each ending in \n. */
  toVocabFile(): string {
    return writeVocabFile(this.vocab.toTokens());
  }

  /**
   * From Hugging Face's tokenizer.json (text or parsed): a WordPiece model with a BertNormalizer
   * (or none), a BertPreTokenizer, and a TemplateProcessing, BertProcessing or no post-processor.
   * Anything else is an error naming what was found. Its truncation and padding are not used.
   */
  static fromTokenizerJson(json: string | object): WordPieceTokenizer {
    return WordPieceTokenizer.fromState(parseTokenizerJson(json));
  }

  /** tokenizer.json as BertTokenizerFast.save_pretrained writes it; loads in Tokenizer.from_file. */
  toTokenizerJson(): string {
    return writeTokenizerJson(this.state());
  }

  /**
   * From a checkpoint's tokenizer files, as BertTokenizerFast.from_pretrained: tokenizer.json if
   * present, else vocab.txt; tokenizer_config.json's do_lower_case, strip_accents,
   * tokenize_chinese_chars and model_max_length apply over either. (Unlike BertTokenizerFast, a
   * key missing from tokenizer_config.json keeps tokenizer.json's setting.)
   */
  static fromPretrained(files: TokenizerFiles): WordPieceTokenizer {
    return WordPieceTokenizer.fromState(readPretrained(files));
  }

  /** vocab.txt, tokenizer.json, tokenizer_config.json, special_tokens_map.json, as BertTokenizerFast writes them. */
  savePretrained(): TokenizerFiles {
    const state = this.state();
    return {
      'vocab.txt': this.toVocabFile(),
      'tokenizer.json': writeTokenizerJson(state),
      'tokenizer_config.json': writeTokenizerConfig(state),
      'special_tokens_map.json': writeSpecialTokensMap(new Set(this.vocab.specials)),
    };
  }

  private static fromState(s: TokenizerState): WordPieceTokenizer {
    const specials = s.addedTokens?.filter((t) => t.special).map((t) => t.content);
    const { cleanText, handleChineseChars, stripAccents, lowercase } = s.normalizer;
    const options = { cleanText, handleChineseChars, stripAccents, lowercase, maxInputCharsPerWord: s.maxInputCharsPerWord, modelMaxLength: s.modelMaxLength };
    return new WordPieceTokenizer(Vocab.fromTokens(s.tokens, { specials }), options, s);
  }

  private state(): Required<TokenizerState> {
    const { cleanText, handleChineseChars, lowercase } = this;
    return {
      tokens: this.vocab.toTokens(), addedTokens: [...this.addedTokens], maxInputCharsPerWord: this.maxInputCharsPerWord,
      normalizer: { cleanText, handleChineseChars, lowercase, stripAccents: this.stripAccentsSetting },
      postProcessor: this.postProcessor, modelMaxLength: this.modelMaxLength,
    };
  }

  private get normalizer(): BertNormalizerSettings {
    return { cleanText: this.cleanText, handleChineseChars: this.handleChineseChars, stripAccents: this.stripAccents, lowercase: this.lowercase };
  }

  static fromJSON(json: WordPieceJSON | string): WordPieceTokenizer {
    const obj = (typeof json === 'string' ? JSON.parse(json) : json) as WordPieceJSON;
    if (!obj || obj.type !== 'WordPiece') throw new Error(`WordPieceTokenizer.fromJSON: expected {type: 'WordPiece', …}, got type ${obj?.type}`);
    const { lowercase, stripAccents, maxInputCharsPerWord, cleanText, handleChineseChars, modelMaxLength } = obj;
    return new WordPieceTokenizer(Vocab.fromJSON(obj), { lowercase, stripAccents, maxInputCharsPerWord, cleanText, handleChineseChars, modelMaxLength });
  }

  toJSON(): WordPieceJSON {
    return {
      type: 'WordPiece', ...this.vocab.toJSON(),
      lowercase: this.lowercase, stripAccents: this.stripAccents, maxInputCharsPerWord: this.maxInputCharsPerWord,
      cleanText: this.cleanText, handleChineseChars: this.handleChineseChars, modelMaxLength: this.modelMaxLength,
    };
  }

  /**
   * Learns a vocabulary of `vocabSize` entries from `texts`: the specials, every character seen
   * in a plain and a '##' form, then merged pieces, one per step, each the merge of the adjacent
   * pair (a, b) with the highest score among pairs seen at least minFrequency times (ties: the
   * pair that appeared first): freq(ab) (mergeBy 'frequency', the default) or
   * freq(ab) / (freq(a) freq(b)) ('score'). Frequencies are counted over the current segmentation
   * of each distinct word, times its count. Stops early when no pair is left to merge.
   */
  static train(texts: Iterable<string>, options: WordPieceTrainOptions): WordPieceTokenizer {
    const { vocab, ...settings } = trainWordPiece(texts, options);
    return new WordPieceTokenizer(vocab, settings);
  }

  /**
   * Word pieces of `text`: added tokens cut out of the raw text, BertNormalizer and
   * BertPreTokenizer on the stretches between them, greedy longest-match-first on each word.
   */
  tokenize(text: string): string[] {
    return this.tokenizeWords(text).flatMap((w) => w.pieces);
  }

  /** tokenize's pieces grouped by pre-token: each word's pieces, an added token on its own (`added`). */
  tokenizeWords(text: string): { pieces: string[]; added: boolean }[] {
    if (typeof text !== 'string') throw new Error(`WordPieceTokenizer.tokenize: expected a string, got ${text === null ? 'null' : typeof text}`);
    const out: { pieces: string[]; added: boolean }[] = [];
    const words = (s: string): void => {
      for (const word of bertPreTokenize(s)) {
        const pieces: string[] = [];
        this.splitWord(word, pieces);
        out.push({ pieces, added: false });
      }
    };
    const addToken = (t: string): void => void out.push({ pieces: [t], added: true });
    splitOnAddedTokens(text, this.rawTokens, (raw) => {
      const normalized = bertNormalize(raw, this.normalizer);
      splitOnAddedTokens(normalized, this.normalizedTokens, words, (t) => addToken(this.normalizedToToken.get(t)!));
    }, addToken);
    return out;
  }

  /** BERT's WordpieceTokenizer.tokenize for one word, appending its pieces (or [UNK]) to `out`. */
  private splitWord(word: string, out: string[]): void {
    const chars = Array.from(word);
    if (chars.length > this.maxInputCharsPerWord) {
      out.push(UNK);
      return;
    }
    const pieces: string[] = [];
    let start = 0;
    while (start < chars.length) {
      let piece: string | null = null;
      let end = Math.min(chars.length, start + this.maxPieceChars);
      for (; end > start; end--) {
        const sub = (start > 0 ? PREFIX : '') + chars.slice(start, end).join('');
        if (this.vocab.has(sub)) {
          piece = sub;
          break;
        }
      }
      if (piece === null) {
        out.push(UNK);
        return;
      }
      pieces.push(piece);
      start = end;
    }
    for (const piece of pieces) out.push(piece);
  }

  /** Ids of `text`'s pieces, wrapped as [CLS] … [SEP] when addSpecialTokens (default false). */
  encode(text: string, options: { addSpecialTokens?: boolean } = {}): number[] {
    const ids = this.vocab.encode(this.tokenize(text));
    return options.addSpecialTokens ? applyTemplate(this.postProcessor, ids, null, true).ids : ids;
  }

  /** Ids of `text`'s pieces grouped by word (see tokenizeWords): what truncation counts in. */
  encodeWords(text: string): { ids: number[]; added: boolean }[] {
    return this.tokenizeWords(text).map((w) => ({ ids: this.vocab.encode(w.pieces), added: w.added }));
  }

  /** A pair as `[CLS] A [SEP] B [SEP]` (addSpecialTokens, default true): ids and token types 0 / 1. */
  encodePair(text: string, pair: string, options: { addSpecialTokens?: boolean } = {}): { ids: number[]; tokenTypeIds: number[] } {
    const { ids, typeIds } = applyTemplate(this.postProcessor, this.encode(text), this.encode(pair), options.addSpecialTokens ?? true);
    return { ids, tokenTypeIds: typeIds };
  }

  /**
   * Texts (and pairs) to model inputs, as Hugging Face's `tokenizer(texts, text_pairs, padding,
   * truncation, max_length, return_tensors)`: each row `[CLS] A [SEP] (B [SEP])`, truncated to
   * maxLength (default modelMaxLength) when asked, padded on the right with [PAD] (mask 0, type
   * 0) to the longest row or to maxLength. Without padding all rows must have one length.
   *
   *     tok.encodeBatch(['the cat', 'hi'], {padding: true}).inputIds   // (2, 4): [[2, 5, 6, 3], [2, 7, 3, 0]]
   *
   * Shape: inputIds, tokenTypeIds, attentionMask: (B, T), int32.
   */
  encodeBatch(texts: string[], options: EncodeBatchOptions = {}): BatchEncoding {
    return encodeBatch(this, texts, options);
  }

  /**
   * Text from ids: pieces joined by spaces with ' ##' removed, so continuation pieces rejoin
   * their word. Lowercasing, accents and the spacing around punctuation are not restored.
   */
  decode(ids: Iterable<number>, options: DecodeOptions = {}): string {
    const { skipSpecialTokens = true, cleanUpTokenizationSpaces = false } = options;
    let pieces = this.vocab.decode(ids);
    if (skipSpecialTokens) pieces = pieces.filter((p) => !this.vocab.specials.includes(p));
    let text = pieces.join(' ').replaceAll(' ##', '').trim();
    if (cleanUpTokenizationSpaces) {
      text = text.replace(/ ([.,!?])/g, '$1').replaceAll(" ' ", "'").replace(/ (n't|'m|'s|'ve|'re)\b/g, '$1');
    }
    return text;
  }
}
