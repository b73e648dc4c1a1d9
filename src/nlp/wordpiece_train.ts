// wordpiece_train.ts — learning a WordPiece vocabulary: start from every character (plain and
// '##' forms), then repeatedly merge the adjacent pair with the best score, freq(ab) or
// freq(ab) / (freq(a) freq(b)), counting over the unique words with their counts. The
// WordPieceTokenizer (wordpiece.ts) then splits words with it. References: Schuster & Nakajima
// 2012; huggingface.co/learn/nlp-course chapter 6.6; Hugging Face tokenizers' WordPieceTrainer.

import { checkKeys, checkNonNegative, checkOneOf, checkPositiveInt } from '../check.js';
import { basicTokenize } from './tokenize.js';
import { BERT_SPECIALS, Vocab } from './vocab.js';
import type { WordPieceOptions } from './wordpiece.js';

/** The token of a word the vocabulary cannot cover, and the mark of a continuation piece. */
export const UNK = '[UNK]';
export const PREFIX = '##';

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

/** The tokenizer settings and vocabulary WordPieceTokenizer.train builds the tokenizer from. */
export interface TrainedWordPiece {
  vocab: Vocab;
  lowercase: boolean;
  stripAccents: boolean;
  maxInputCharsPerWord: number;
}

/**
 * Learns a vocabulary of `vocabSize` entries from `texts` (WordPieceTokenizer.train): the
 * specials, every character seen in a plain and a '##' form, then merged pieces, one per step.
 */
export function trainWordPiece(texts: Iterable<string>, options: WordPieceTrainOptions): TrainedWordPiece {
  const op = 'WordPieceTokenizer.train';
  checkKeys(op, options, ['vocabSize', 'minFrequency', 'specials', 'mergeBy', 'lowercase', 'stripAccents', 'maxInputCharsPerWord']);
  const { vocabSize, minFrequency = 2, specials = BERT_SPECIALS, maxInputCharsPerWord = 100, mergeBy = 'frequency' } = options;
  const lowercase = options.lowercase ?? true;
  const stripAccents = options.stripAccents ?? lowercase;
  checkPositiveInt(op, 'vocabSize', vocabSize);
  checkPositiveInt(op, 'maxInputCharsPerWord', maxInputCharsPerWord);
  checkNonNegative(op, 'minFrequency', minFrequency);
  checkOneOf(op, 'mergeBy', mergeBy, ['score', 'frequency'] as const);
  if (!Array.isArray(specials) || !specials.includes(UNK)) throw new Error(`${op}: specials must include ${UNK} (got ${JSON.stringify(specials)})`);

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
    const cs = Array.from(w);
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
  return { vocab, lowercase, stripAccents, maxInputCharsPerWord };
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
