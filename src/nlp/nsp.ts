// nsp.ts — next-sentence-prediction inputs for BERT pretraining: segment pairs (A, B) where B
// really follows A half the time and is a span of another document otherwise (global generator,
// manualSeed), and packing a pair as `[CLS] A [SEP] B [SEP]` with token types 0 then 1.
// References: Devlin et al. 2019 §3.1 "Task #2: Next Sentence Prediction"; google-research/bert
// create_pretraining_data.py (create_instances_from_document, truncate_seq_pair).

import { check, checkKeys, checkProbability } from '../check.js';
import { random, randomInt } from '../tensor/random.js';

/** One NSP example: segment A, segment B, and whether B is A's real continuation. */
export interface NspPair {
  tokensA: string[];
  tokensB: string[];
  isNext: boolean;
}

export interface MakeNspPairsOptions {
  /** length of the packed input `[CLS] A [SEP] B [SEP]`, so |A| + |B| <= maxLen - 3 (default 128) */
  maxLen?: number;
  /** probability that a document's target length is drawn from [2, maxLen - 3] instead of the full
   *  budget, so the model also sees short inputs (default 0.1, as BERT) */
  shortSeqProb?: number;
}

export interface PackPairOptions {
  /** total length including [CLS] and the two [SEP] (default 128, at least 5) */
  maxLen?: number;
}

function checkMaxLen(op: string, maxLen: number): void {
  check(op, Number.isInteger(maxLen) && maxLen >= 5, 'maxLen', maxLen, 'must be an integer >= 5: [CLS] A [SEP] B [SEP] with one token each');
}

function checkTokens(op: string, name: string, tokens: unknown): asserts tokens is string[] {
  if (!Array.isArray(tokens) || tokens.some((t) => typeof t !== 'string')) throw new Error(`${op}: ${name} must be an array of token strings`);
}

/**
 * Builds next-sentence-prediction pairs from documents (document → sentences → tokens), walking
 * each document as BERT's create_instances_from_document does:
 *
 * 1. A target length is fixed per document: maxLen - 3, or with probability `shortSeqProb` a
 *    random length in [2, maxLen - 3].
 * 2. Consecutive sentences are collected into a chunk until it holds at least the target number
 *    of tokens (and at least two sentences), or the document ends; a chunk never leaves a lone
 *    last sentence behind.
 * 3. The chunk is split at a random sentence boundary: A = sentences [0, aEnd), aEnd uniform in
 *    [1, chunk size - 1].
 * 4. A fair coin: isNext → B = the rest of the chunk, the text that really follows A;
 *    otherwise B = sentences from a random start in a random *other* document, taken until B
 *    reaches the tokens A left of the target, and the chunk's unused sentences are put back to
 *    start the next chunk.
 * 5. The pair is trimmed to |A| + |B| <= maxLen - 3 one token at a time from the longer side,
 *    A losing its first tokens and B its last, so a positive A + B stays one contiguous span of
 *    the document (BERT trims the front or back at random).
 *
 * Differences from BERT's script, so that isNext is an exact fair coin: BERT makes every
 * one-sentence chunk a negative; here a chunk always has two sentences when the document allows,
 * and a lone sentence left at a document's end (or a one-sentence document) yields no pair (it can
 * still be drawn as a negative B). Empty sentences are ignored. Pairs come out in document order
 * (BERT shuffles them and repeats the walk `dupe_factor` times; shuffle in your data loader).
 *
 * Throws when fewer than two documents have any tokens: negatives need another document.
 *
 * @example
 *   manualSeed(0);
 *   const pairs = makeNspPairs([[['the', 'cat'], ['sat', 'down']], [['hello'], ['world']]], { maxLen: 16 });
 *   const { tokens, tokenTypeIds } = packPair(pairs[0].tokensA, pairs[0].tokensB, { maxLen: 16 });
 */
export function makeNspPairs(documents: string[][][], opts: MakeNspPairsOptions = {}): NspPair[] {
  const op = 'makeNspPairs';
  checkKeys(op, opts, ['maxLen', 'shortSeqProb']);
  const maxLen = opts.maxLen ?? 128, shortSeqProb = opts.shortSeqProb ?? 0.1;
  checkMaxLen(op, maxLen);
  checkProbability(op, 'shortSeqProb', shortSeqProb);
  if (!Array.isArray(documents)) throw new Error(`${op}: documents must be an array of documents (document → sentences → tokens)`);
  const docs = documents.map((doc, d) => {
    if (!Array.isArray(doc)) throw new Error(`${op}: document ${d} must be an array of sentences (each an array of tokens)`);
    doc.forEach((s, j) => checkTokens(op, `sentence ${j} of document ${d}`, s));
    return doc.filter((s) => s.length > 0);
  });
  const nonEmpty = docs.map((doc, d) => (doc.length > 0 ? d : -1)).filter((d) => d >= 0);
  if (nonEmpty.length < 2) {
    throw new Error(`${op}: need at least 2 non-empty documents to draw negative (not-next) segments from another document, got ${nonEmpty.length}`);
  }
  const maxNumTokens = maxLen - 3; // room for [CLS], [SEP], [SEP]
  const pairs: NspPair[] = [];
  for (let d = 0; d < docs.length; d++) {
    if (docs[d].length === 0) continue;
    const others = nonEmpty.filter((j) => j !== d);
    const target = random() < shortSeqProb ? randomInt(2, maxNumTokens + 1) : maxNumTokens;
    pairsFromDocument(docs, d, others, target, maxNumTokens, pairs);
  }
  return pairs;
}

/** Steps 2–5 of makeNspPairs for document d, appending to `out`. */
function pairsFromDocument(docs: string[][][], d: number, others: number[], target: number, maxNumTokens: number, out: NspPair[]): void {
  const doc = docs[d], n = doc.length;
  let chunk: string[][] = [], chunkLen = 0;
  for (let i = 0; i < n; i++) {
    chunk.push(doc[i]);
    chunkLen += doc[i].length;
    const full = chunkLen >= target && chunk.length >= 2 && i !== n - 2; // i = n - 2 would strand sentence n - 1
    if (!full && i !== n - 1) continue;
    if (chunk.length >= 2) {
      const aEnd = randomInt(1, chunk.length); // A = chunk[0, aEnd), B's part = chunk[aEnd, end)
      const tokensA = chunk.slice(0, aEnd).flat();
      const isNext = random() < 0.5;
      let tokensB: string[];
      if (isNext) {
        tokensB = chunk.slice(aEnd).flat();
      } else {
        tokensB = randomSpan(docs[others[randomInt(0, others.length)]], target - tokensA.length);
        i -= chunk.length - aEnd; // put the unused sentences back: the next chunk starts at chunk[aEnd]
      }
      const [a, b] = trimAdjacent(tokensA, tokensB, maxNumTokens);
      out.push({ tokensA: a, tokensB: b, isNext });
    }
    chunk = [];
    chunkLen = 0;
  }
}

/** Sentences of `doc` from a random start, until at least `targetLen` tokens (or the end). */
function randomSpan(doc: string[][], targetLen: number): string[] {
  const span: string[] = [];
  for (let j = randomInt(0, doc.length); j < doc.length; j++) {
    for (const t of doc[j]) span.push(t);
    if (span.length >= targetLen) break;
  }
  return span;
}

/** Trims the longer of A and B one token at a time (A from its front, B from its back) to fit. */
function trimAdjacent(a: string[], b: string[], maxTokens: number): [string[], string[]] {
  let na = a.length, nb = b.length;
  while (na + nb > maxTokens) {
    if (na > nb) na--;
    else nb--;
  }
  return [a.slice(a.length - na), b.slice(0, nb)];
}

/**
 * Packs a segment pair into one BERT input: `[CLS] A [SEP] B [SEP]`, with token type 0 for
 * `[CLS] A [SEP]` and 1 for `B [SEP]`. If it is longer than maxLen, A and B are truncated
 * longest-first as BERT's truncate_seq_pair: one token at a time from the end of whichever is
 * longer (B on a tie) until |A| + |B| <= maxLen - 3. The inputs are not modified.
 *
 * Shape: tokens and tokenTypeIds have the same length, |A| + |B| + 3 <= maxLen.
 *
 * @example
 *   packPair(['a', 'b', 'c'], ['d', 'e'], { maxLen: 7 });
 *   // tokens       ['[CLS]', 'a', 'b', '[SEP]', 'd', 'e', '[SEP]']
 *   // tokenTypeIds [0,        0,   0,   0,       1,   1,   1]
 */
export function packPair(tokensA: string[], tokensB: string[], opts: PackPairOptions = {}): { tokens: string[]; tokenTypeIds: number[] } {
  const op = 'packPair';
  checkKeys(op, opts, ['maxLen']);
  const maxLen = opts.maxLen ?? 128;
  checkMaxLen(op, maxLen);
  checkTokens(op, 'tokensA', tokensA);
  checkTokens(op, 'tokensB', tokensB);
  let na = tokensA.length, nb = tokensB.length;
  while (na + nb > maxLen - 3) {
    if (na > nb) na--;
    else nb--;
  }
  const tokens = ['[CLS]', ...tokensA.slice(0, na), '[SEP]', ...tokensB.slice(0, nb), '[SEP]'];
  const tokenTypeIds = tokens.map((_, i) => (i < na + 2 ? 0 : 1));
  return { tokens, tokenTypeIds };
}
