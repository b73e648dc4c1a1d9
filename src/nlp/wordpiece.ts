// wordpiece.ts — BERT's WordPiece subword tokenizer: basicTokenize, then greedy
// longest-match-first over a vocabulary of word-initial pieces and '##' continuation pieces, and
// decoding back to text. Training the vocabulary is in wordpiece_train.ts.
// References: google-research/bert tokenization.py (WordpieceTokenizer); Schuster & Nakajima
// 2012; huggingface.co/learn/nlp-course chapter 6.6 "WordPiece tokenization".

import { checkKeys, checkPositiveInt } from '../check.js';
import { basicTokenize } from './tokenize.js';
import { Vocab, type VocabJSON } from './vocab.js';
import { PREFIX, trainWordPiece, UNK, type WordPieceTrainOptions } from './wordpiece_train.js';

export type { WordPieceTrainOptions } from './wordpiece_train.js';

export interface WordPieceOptions {
  /** Lowercase text before tokenizing (BERT uncased). Default true. */
  lowercase?: boolean;
  /** Strip accents. Default: same as `lowercase`. */
  stripAccents?: boolean;
  /** Longer words become [UNK] without being split. Default 100, as BERT. */
  maxInputCharsPerWord?: number;
}

export interface DecodeOptions {
  /** Drop special tokens ([CLS], [SEP], [PAD], [UNK], …) as Hugging Face does. Default true. */
  skipSpecialTokens?: boolean;
  /** Remove the space before . , ! ? and in English contractions (" n't", " 's"). Default false. */
  cleanUpTokenizationSpaces?: boolean;
}

/** WordPieceTokenizer's JSON form. */
export interface WordPieceJSON extends VocabJSON {
  type: 'WordPiece';
  lowercase: boolean;
  stripAccents: boolean;
  maxInputCharsPerWord: number;
}

/**
 * A WordPiece tokenizer: basicTokenize, then each word is split greedily into the longest
 * vocabulary piece from its start, then the longest '##' piece from there, and so on; a word
 * that cannot be covered this way (or has more than maxInputCharsPerWord characters) becomes
 * [UNK] as a whole.
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
  /** Longest piece in characters (without '##'), to bound the greedy search. */
  private readonly maxPieceChars: number;

  constructor(vocab: Vocab, options: WordPieceOptions = {}) {
    const op = 'WordPieceTokenizer';
    if (!(vocab instanceof Vocab)) throw new Error(`${op}: expected a Vocab`);
    if (!vocab.has(UNK)) throw new Error(`${op}: the vocabulary has no ${UNK} token for words it cannot split`);
    checkKeys(op, options, ['lowercase', 'stripAccents', 'maxInputCharsPerWord']);
    this.vocab = vocab;
    this.lowercase = options.lowercase ?? true;
    this.stripAccents = options.stripAccents ?? this.lowercase;
    this.maxInputCharsPerWord = checkPositiveInt(op, 'maxInputCharsPerWord', options.maxInputCharsPerWord ?? 100);
    let longest = 0;
    for (const t of vocab.toTokens()) longest = Math.max(longest, Array.from(t.startsWith(PREFIX) ? t.slice(2) : t).length);
    this.maxPieceChars = longest;
  }

  /** A tokenizer over an existing vocabulary: a Vocab, a token list, or vocab.txt's text. */
  static fromVocab(vocab: Vocab | readonly string[] | string, options: WordPieceOptions = {}): WordPieceTokenizer {
    if (typeof vocab === 'string') vocab = vocab.replace(/\r?\n$/, '').split(/\r?\n/);
    return new WordPieceTokenizer(vocab instanceof Vocab ? vocab : Vocab.fromTokens(vocab), options);
  }

  static fromJSON(json: WordPieceJSON | string): WordPieceTokenizer {
    const obj = (typeof json === 'string' ? JSON.parse(json) : json) as WordPieceJSON;
    if (!obj || obj.type !== 'WordPiece') throw new Error(`WordPieceTokenizer.fromJSON: expected {type: 'WordPiece', …}, got type ${obj?.type}`);
    const { lowercase, stripAccents, maxInputCharsPerWord } = obj;
    return new WordPieceTokenizer(Vocab.fromJSON(obj), { lowercase, stripAccents, maxInputCharsPerWord });
  }

  toJSON(): WordPieceJSON {
    return {
      type: 'WordPiece', ...this.vocab.toJSON(),
      lowercase: this.lowercase, stripAccents: this.stripAccents, maxInputCharsPerWord: this.maxInputCharsPerWord,
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

  /** Word pieces of `text`: basicTokenize, then greedy longest-match-first on each word. */
  tokenize(text: string): string[] {
    if (typeof text !== 'string') throw new Error(`WordPieceTokenizer.tokenize: expected a string, got ${text === null ? 'null' : typeof text}`);
    const out: string[] = [];
    const words = basicTokenize(text, { lowercase: this.lowercase, stripAccents: this.stripAccents, neverSplit: this.vocab.specials });
    for (const word of words) {
      if (this.vocab.specials.includes(word)) out.push(word);
      else this.splitWord(word, out);
    }
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

  /** Ids of `text`'s pieces, wrapped as [CLS] … [SEP] when addSpecialTokens. */
  encode(text: string, options: { addSpecialTokens?: boolean } = {}): number[] {
    const ids = this.vocab.encode(this.tokenize(text));
    return options.addSpecialTokens ? [this.vocab.clsId, ...ids, this.vocab.sepId] : ids;
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
