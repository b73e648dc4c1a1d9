// wordpiece.ts — BERT's WordPiece subword tokenizer: training a vocabulary of word-initial
// pieces and '##' continuation pieces, and tokenizing by greedy longest-match-first.
// Training follows the WordPiece algorithm as the Hugging Face course describes it: start
// from every character (plain and '##' forms), repeatedly merge the adjacent pair with the
// best score freq(ab) / (freq(a) freq(b)), counting over the unique words with their counts.
// References: google-research/bert tokenization.py (WordpieceTokenizer); Schuster & Nakajima
// 2012; huggingface.co/learn/nlp-course chapter 6.6 "WordPiece tokenization".

import { basicTokenize } from './tokenize.js';
import { BERT_SPECIALS, Vocab, type VocabJSON } from './vocab.js';

export interface WordPieceOptions {
  /** Lowercase text before tokenizing (BERT uncased). Default true. */
  lowercase?: boolean;
  /** Strip accents. Default: same as `lowercase`. */
  stripAccents?: boolean;
  /** Longer words become [UNK] without being split. Default 100, as BERT. */
  maxInputCharsPerWord?: number;
}

export interface WordPieceTrainOptions extends WordPieceOptions {
  /** Size of the vocabulary to learn, specials and characters included (required). */
  vocabSize: number;
  /** Pairs seen fewer times than this are never merged. Default 2. */
  minFrequency?: number;
  /** Special tokens, ids 0.. in this order. Default [PAD] [UNK] [CLS] [SEP] [MASK]. */
  specials?: readonly string[];
  /**
   * How the next merge is chosen. 'frequency' (default): the most frequent pair, i.e. BPE with
   * '##' continuation pieces, which is what Hugging Face tokenizers' WordPieceTrainer runs and
   * which segments common words whole. 'score': the WordPiece score freq(ab) / (freq(a) freq(b))
   * of the original paper's description, which favours rare fragments on small corpora.
   */
  mergeBy?: 'score' | 'frequency';
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

const UNK = '[UNK]';
const PREFIX = '##';

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
    if (!(vocab instanceof Vocab)) throw new Error('WordPieceTokenizer: expected a Vocab');
    if (!vocab.has(UNK)) throw new Error(`WordPieceTokenizer: the vocabulary has no ${UNK} token for words it cannot split`);
    this.vocab = vocab;
    this.lowercase = options.lowercase ?? true;
    this.stripAccents = options.stripAccents ?? this.lowercase;
    this.maxInputCharsPerWord = options.maxInputCharsPerWord ?? 100;
    checkPositiveInt('WordPieceTokenizer', 'maxInputCharsPerWord', this.maxInputCharsPerWord);
    let longest = 0;
    for (const t of vocab.toTokens()) longest = Math.max(longest, codePoints(t.startsWith(PREFIX) ? t.slice(2) : t).length);
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
   * pair (a, b) with the highest freq(ab) / (freq(a) freq(b)) among pairs seen at least
   * minFrequency times (ties: the pair that appeared first). Frequencies
   * are counted over the current segmentation of each distinct word, times its count. Stops
   * early when no pair is left to merge.
   */
  static train(texts: Iterable<string>, options: WordPieceTrainOptions): WordPieceTokenizer {
    const op = 'WordPieceTokenizer.train';
    const { vocabSize, minFrequency = 2, specials = BERT_SPECIALS, maxInputCharsPerWord = 100, mergeBy = 'frequency' } = options;
    const lowercase = options.lowercase ?? true;
    const stripAccents = options.stripAccents ?? lowercase;
    checkPositiveInt(op, 'vocabSize', vocabSize);
    checkPositiveInt(op, 'maxInputCharsPerWord', maxInputCharsPerWord);
    if (!(Number.isFinite(minFrequency) && minFrequency >= 0)) throw new Error(`${op}: minFrequency must be a non-negative number, got ${minFrequency}`);
    if (mergeBy !== 'score' && mergeBy !== 'frequency') throw new Error(`${op}: mergeBy must be 'score' or 'frequency', got ${JSON.stringify(mergeBy)}`);
    if (!specials.includes(UNK)) throw new Error(`${op}: specials must include ${UNK} (got ${JSON.stringify(specials)})`);

    // Distinct words with their counts, in order of first appearance.
    const wordCounts = new Map<string, number>();
    for (const text of texts) {
      if (typeof text !== 'string') throw new Error(`${op}: expected an iterable of strings, got a ${typeof text}`);
      for (const w of basicTokenize(text, { lowercase, stripAccents })) wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1);
    }
    const words: string[][] = [];
    const counts: number[] = [];
    const chars = new Set<string>();
    for (const [w, n] of wordCounts) {
      const cs = codePoints(w);
      if (cs.length > maxInputCharsPerWord) continue; // always [UNK]; nothing to learn from it
      words.push(cs);
      counts.push(n);
      for (const c of cs) chars.add(c);
    }
    const alphabet = [...chars].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
    const initial = [...alphabet, ...alphabet.map((c) => PREFIX + c)].filter((t) => !specials.includes(t));
    if (specials.length + initial.length > vocabSize) {
      throw new Error(`${op}: vocabSize ${vocabSize} is smaller than the ${specials.length} specials plus ${initial.length} `
        + `characters (${alphabet.length} plain and '##' forms) the texts need`);
    }
    const merged = learnMerges(words, counts, initial, vocabSize - specials.length - initial.length, Math.max(minFrequency, 1), mergeBy === 'score', new Set(specials));
    const vocab = Vocab.fromTokens([...specials, ...initial, ...merged], { specials });
    return new WordPieceTokenizer(vocab, { lowercase, stripAccents, maxInputCharsPerWord });
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
    const chars = codePoints(word);
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
    out.push(...pieces);
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

/**
 * The merge loop of WordPiece training. `words` are character lists with counts; symbols are
 * numbered, pairs live in flat arrays (count, left, right, the words holding them), and each
 * merge rewrites only the words that hold the chosen pair. Returns the new pieces in order.
 */
function learnMerges(
  words: string[][], counts: number[], initial: string[], budget: number, minFrequency: number, byScore: boolean,
  reserved: Set<string>,
): string[] {
  const names: string[] = [];
  const symbolId = new Map<string, number>();
  const symbolFreq: number[] = [];
  const symbol = (name: string): number => {
    let id = symbolId.get(name);
    if (id === undefined) {
      id = names.length;
      names.push(name);
      symbolId.set(name, id);
      symbolFreq.push(0);
    }
    return id;
  };
  for (const t of initial) symbol(t);
  // Each word's current segmentation: its first character plain, the rest '##'.
  const seqs = words.map((cs) => cs.map((c, i) => symbol(i === 0 ? c : PREFIX + c)));

  const SHIFT = 2 ** 24; // pair key = a * SHIFT + b; symbols stay far below 2^24
  const pairId = new Map<number, number>();
  const pairFreq: number[] = [];
  const pairA: number[] = [];
  const pairB: number[] = [];
  const pairWords: Set<number>[] = [];
  const addPairs = (w: number, sign: 1 | -1): void => {
    const seq = seqs[w];
    const n = counts[w] * sign;
    for (let i = 0; i < seq.length; i++) {
      symbolFreq[seq[i]] += n;
      if (i === 0) continue;
      const key = seq[i - 1] * SHIFT + seq[i];
      let p = pairId.get(key);
      if (p === undefined) {
        p = pairFreq.length;
        pairId.set(key, p);
        pairFreq.push(0);
        pairA.push(seq[i - 1]);
        pairB.push(seq[i]);
        pairWords.push(new Set());
      }
      pairFreq[p] += n;
      if (sign > 0) pairWords[p].add(w); // stale entries are skipped when the pair is merged
    }
  };
  for (let w = 0; w < seqs.length; w++) addPairs(w, 1);

  const learned: string[] = [];
  while (learned.length < budget) {
    // score(a, b) = freq(ab) / (freq(a) freq(b)) (or freq(ab) alone when !byScore);
    // ties -> the lower pair id (the pair that appeared first).
    let best = -1;
    let bestScore = -1;
    for (let p = 0; p < pairFreq.length; p++) {
      const f = pairFreq[p];
      if (f < minFrequency) continue;
      const score = byScore ? f / (symbolFreq[pairA[p]] * symbolFreq[pairB[p]]) : f;
      if (score > bestScore) {
        best = p;
        bestScore = score;
      }
    }
    if (best < 0) break;
    const a = pairA[best];
    const b = pairB[best];
    const name = names[a] + names[b].slice(PREFIX.length); // b is always a '##' piece
    const isNew = !symbolId.has(name);
    const c = symbol(name);
    if (isNew && !reserved.has(name)) learned.push(name);
    for (const w of [...pairWords[best]]) {
      const seq = seqs[w];
      const next: number[] = [];
      for (let i = 0; i < seq.length; i++) {
        if (i + 1 < seq.length && seq[i] === a && seq[i + 1] === b) {
          next.push(c);
          i++;
        } else {
          next.push(seq[i]);
        }
      }
      if (next.length === seq.length) continue;
      addPairs(w, -1);
      seqs[w] = next;
      addPairs(w, 1);
    }
    pairWords[best].clear();
  }
  return learned;
}

function codePoints(s: string): string[] {
  return Array.from(s);
}

function checkPositiveInt(op: string, name: string, v: number): void {
  if (!(Number.isInteger(v) && v > 0)) throw new Error(`${op}: ${name} must be a positive integer, got ${v}`);
}
