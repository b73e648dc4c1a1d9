// skipgram.ts — word2vec's skip-gram with negative sampling (SGNS) on plain typed arrays: one
// pair's objective next to its gradient step, and the pieces around it (random numbers, dynamic
// window, subsampling, the unigram^0.75 noise table, the learning rate). docs/word2vec.md §§2–8.
// References: Mikolov et al. 2013 (arXiv:1310.4546); word2vec.c (TrainModelThread, InitUnigramTable).
// Shapes: V words, D = vector size; syn0, syn1neg (V, D) row-major Float32Arrays, row w at w·D.

import { checkPositiveInt } from '../check.js';
import { random } from '../tensor/random.js';

/** σ(f) is taken as exactly 1 above MAX_EXP and 0 below −MAX_EXP, as word2vec.c does. */
export const MAX_EXP = 6;
/** word2vec.c cuts sentences longer than this (in words kept by subsampling) into pieces. */
export const MAX_SENTENCE_LENGTH = 1000;
/** The learning rate is recomputed after every this many words, as word2vec.c does. */
export const ALPHA_UPDATE_WORDS = 10000;
/**
 * Entries in the unigram^0.75 noise table. word2vec.c uses 1e8 (400 MB); 1e7 (40 MB) keeps each
 * word's share within 1e-7 of count^0.75 / Σ count^0.75, far below the sampling noise of any run.
 */
export const UNIGRAM_TABLE_SIZE = 1e7;

// ---- random numbers ------------------------------------------------------------------------
// The training loop draws ~25 numbers per word, so it keeps the state of a mulberry32 generator
// in a local int and calls these two small functions, which V8 inlines.

/** Advances a mulberry32 state. */
export function nextState(s: number): number {
  return (s + 0x6d2b79f5) | 0;
}

/** mulberry32's output for a state: a uniform integer in [0, 2^32). */
export function mix32(s: number): number {
  let t = Math.imul(s ^ (s >>> 15), s | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

/** A seeded generator of uniform numbers in [0, 1) (mulberry32), e.g. for skipGramPairs' rng. */
export function mulberry32(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = nextState(s);
    return mix32(s) / 4294967296;
  };
}

/** A well-mixed 32-bit seed for stream `stream` (a worker, the initializer) of seed `seed`. */
export function streamSeed(seed: number, stream: number): number {
  return mix32((Math.imul(seed | 0, 0x9e3779b1) + mix32(stream + 0x632be5ab)) | 0) | 0;
}

// ---- the objective and its gradient ---------------------------------------------------------

/**
 * σ(f) as word2vec.c uses it in the gradient: exact in (−MAX_EXP, MAX_EXP), clamped to 1 / 0
 * outside (word2vec.c reads it from a 1000-entry table; Math.exp is exact and as cheap here).
 */
export function clampedSigmoid(f: number): number {
  if (f > MAX_EXP) return 1;
  if (f < -MAX_EXP) return 0;
  return 1 / (1 + Math.exp(-f));
}

/**
 * The SGNS loss of one (center, context) pair, in float64, for checking the step below:
 *   x = syn0[context], u_t = syn1neg[t], targets = [center, n_1, …, n_K]
 *   L = −log σ(x·u_center) − Σ_k log σ(−x·u_{n_k})
 */
export function sgnsLoss(syn0: Float32Array, syn1neg: Float32Array, dim: number, context: number, targets: ArrayLike<number>): number {
  let loss = 0;
  for (let k = 0; k < targets.length; k++) {
    let f = 0;
    for (let c = 0; c < dim; c++) f += syn0[context * dim + c] * syn1neg[targets[k] * dim + c];
    loss -= k === 0 ? Math.log(1 / (1 + Math.exp(-f))) : Math.log(1 / (1 + Math.exp(f)));
  }
  return loss;
}

/**
 * One SGD step on sgnsLoss for one pair, line for line word2vec.c's skip-gram inner loop. The
 * context word's input vector x predicts the center word (label 1) against the sampled noise
 * words (label 0):
 *   f_t = x·u_t                          dL/df_t = σ(f_t) − label_t
 *   g_t = (label_t − σ(f_t))·alpha        (the negative gradient, times the learning rate)
 *   u_t += g_t·x                          dL/du_t = (σ(f_t) − label_t)·x
 *   x   += Σ_t g_t·u_t (u_t before its update; accumulated in neu1e)
 *                                         dL/dx   = Σ_t (σ(f_t) − label_t)·u_t
 * Targets are taken in order, so a noise word drawn twice sees its first update in its second f.
 * Updates syn0's row `context` and syn1neg's target rows in place.
 */
export function sgnsStep(
  syn0: Float32Array, syn1neg: Float32Array, dim: number, context: number, targets: ArrayLike<number>, alpha: number,
): void {
  const l1 = context * dim;
  const neu1e = new Float64Array(dim);
  for (let d = 0; d < targets.length; d++) {
    const label = d === 0 ? 1 : 0;
    const l2 = targets[d] * dim;
    let f = 0;
    for (let c = 0; c < dim; c++) f += syn0[l1 + c] * syn1neg[l2 + c];
    const g = (label - clampedSigmoid(f)) * alpha;
    for (let c = 0; c < dim; c++) neu1e[c] += g * syn1neg[l2 + c];
    for (let c = 0; c < dim; c++) syn1neg[l2 + c] += g * syn0[l1 + c];
  }
  for (let c = 0; c < dim; c++) syn0[l1 + c] += neu1e[c];
}

// ---- around the objective -------------------------------------------------------------------

/**
 * The (center, context) pairs of a sentence of word ids with word2vec's dynamic window: for each
 * center, b is drawn uniformly from [0, window) and the contexts are the words at most
 * window − b positions away (so a word at distance d is used with probability (window−d+1)/window).
 * `rng` gives numbers in [0, 1); default the global generator (see manualSeed).
 *
 *   skipGramPairs([4, 7, 9], 1)  // [[4, 7], [7, 4], [7, 9], [9, 7]]
 */
export function skipGramPairs(ids: ArrayLike<number>, window: number, { rng = random }: { rng?: () => number } = {}): [number, number][] {
  checkPositiveInt('skipGramPairs', 'window', window);
  const pairs: [number, number][] = [];
  for (let i = 0; i < ids.length; i++) {
    const reduced = window - Math.floor(rng() * window);
    for (let j = Math.max(0, i - reduced); j <= Math.min(ids.length - 1, i + reduced); j++) {
      if (j !== i) pairs.push([ids[i], ids[j]]);
    }
  }
  return pairs;
}

/**
 * word2vec.c's subsampling: a word of count f among T training words is kept with probability
 *   (sqrt(f / (sample·T)) + 1) · (sample·T) / f
 * (values ≥ 1 mean always kept; sample = 0 turns subsampling off and returns 1).
 */
export function keepProbability(count: number, totalWords: number, sample: number): number {
  if (sample <= 0) return 1;
  const st = sample * totalWords;
  return (Math.sqrt(count / st) + 1) * st / count;
}

/**
 * The learning rate after `wordsDone` of `totalWords` (epochs × words per epoch) training words:
 *   alpha·(1 − wordsDone / (totalWords + 1)), floored at minAlpha
 * as word2vec.c (which floors at alpha·1e-4 instead of a minAlpha).
 */
export function learningRate(alpha: number, minAlpha: number, wordsDone: number, totalWords: number): number {
  return Math.max(minAlpha, alpha * (1 - wordsDone / (totalWords + 1)));
}

/**
 * word2vec.c's InitUnigramTable: a table of `size` entries in which word i fills a share
 * count_i^power / Σ_j count_j^power (a contiguous run of them), so a uniform index into it draws
 * a noise word from the unigram^0.75 distribution.
 */
export function unigramTable(counts: ArrayLike<number>, size = UNIGRAM_TABLE_SIZE, power = 0.75): Int32Array {
  return fillUnigramTable(new Int32Array(size), counts, power);
}

/** unigramTable into an existing array (e.g. a view of a SharedArrayBuffer); returns it. */
export function fillUnigramTable(table: Int32Array, counts: ArrayLike<number>, power = 0.75): Int32Array {
  const n = counts.length, size = table.length;
  if (n === 0) throw new Error('unigramTable: no words');
  let total = 0;
  for (let i = 0; i < n; i++) total += Math.pow(counts[i], power);
  let cumulative = 0, start = 0;
  for (let i = 0; i < n; i++) {
    cumulative += Math.pow(counts[i], power) / total;
    const end = i === n - 1 ? size : Math.min(size, Math.round(cumulative * size));
    table.fill(i, start, end);
    start = Math.max(start, end);
  }
  return table;
}
