// skipgram.ts — the skip-gram model with negative sampling (SGNS) of word2vec, on plain typed
// arrays (no autograd graph): the objective of one (center, context) pair next to its gradient
// step, the pieces around it (dynamic window, frequent-word subsampling, the unigram^0.75 noise
// table, the linearly decaying learning rate) and the training loop over sentences that
// Word2Vec runs on the main thread or in each worker. docs/word2vec.md walks through it.
// References: Mikolov et al. 2013, "Distributed Representations of Words and Phrases and their
// Compositionality"; word2vec.c (TrainModelThread, InitUnigramTable); Recht et al. 2011, Hogwild!.
// Shapes: V words in the vocabulary, D = vector size; syn0 (input vectors, the embeddings) and
// syn1neg (output vectors) are (V, D) row-major Float32Arrays; word w's row starts at w·D.

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

/**
 * sgnsStep for targets[0..n) (targets[0] the center), rearranged for speed with the same result
 * up to float rounding. It takes the targets in groups of at most six distinct words. Distinct
 * targets never touch each other's rows, so within a group every f_t can be computed first
 * (pass 1, sgnsGradients); pass 2 (sgnsUpdate6) then walks the D coordinates once, updating the
 * group's u_t[c] and x[c] together while x[c] and the six g_t sit in registers. A group ends
 * before a word it already holds, so a repeated noise word sees its first update, as in sgnsStep.
 * With one group (the usual case for negative ≤ 5) x is updated in place; with several, every
 * group needs the x from before the step, so Σ g_t·u_t goes to `neu1e` (a scratch row of D)
 * and into x at the end. `l1` is context·D; `g` a scratch array of n + 5 numbers. This is the
 * kernel training spends its time in.
 */
export function sgnsStepFast(
  syn0: Float32Array, syn1neg: Float32Array, dim: number, l1: number,
  targets: Int32Array, n: number, alpha: number, g: Float64Array, neu1e: Float64Array,
): void {
  let end = groupEnd(targets, 0, n);
  if (end === n) {
    sgnsGradients(syn0, syn1neg, dim, l1, targets, 0, n, alpha, g);
    sgnsUpdate6(syn0, syn1neg, dim, l1, targets, 0, n, g, null);
    return;
  }
  for (let c = 0; c < dim; c++) neu1e[c] = 0;
  for (let start = 0; start < n; start = end, end = groupEnd(targets, end, n)) {
    sgnsGradients(syn0, syn1neg, dim, l1, targets, start, end, alpha, g);
    sgnsUpdate6(syn0, syn1neg, dim, l1, targets, start, end, g, neu1e);
  }
  for (let c = 0; c < dim; c++) syn0[l1 + c] += neu1e[c];
}

/** The end of the group of targets starting at `start`: at most six, and no word twice. */
function groupEnd(targets: Int32Array, start: number, n: number): number {
  let end = start + 1;
  for (; end < n && end - start < 6; end++) {
    for (let k = start; k < end; k++) if (targets[k] === targets[end]) return end;
  }
  return end;
}

/**
 * Pass 1 of sgnsStepFast for targets[from..to): f_t = x·u_t (four partial sums, for speed) and
 * g_t = (label_t − σ(f_t))·alpha into g[t]; g is 0 for the spare slots up to from + 6.
 */
function sgnsGradients(
  syn0: Float32Array, syn1neg: Float32Array, dim: number, l1: number,
  targets: Int32Array, from: number, to: number, alpha: number, g: Float64Array,
): void {
  const dim4 = dim & ~3;
  for (let t = from; t < to; t++) {
    const l2 = targets[t] * dim;
    let f0 = 0, f1 = 0, f2 = 0, f3 = 0, c = 0;
    for (; c < dim4; c += 4) {
      f0 += syn0[l1 + c] * syn1neg[l2 + c];
      f1 += syn0[l1 + c + 1] * syn1neg[l2 + c + 1];
      f2 += syn0[l1 + c + 2] * syn1neg[l2 + c + 2];
      f3 += syn0[l1 + c + 3] * syn1neg[l2 + c + 3];
    }
    for (; c < dim; c++) f0 += syn0[l1 + c] * syn1neg[l2 + c];
    const f = f0 + f1 + (f2 + f3);
    g[t] = ((t === 0 ? 1 : 0) - (f > MAX_EXP ? 1 : f < -MAX_EXP ? 0 : 1 / (1 + Math.exp(-f)))) * alpha;
  }
  for (let t = to; t < from + 6; t++) g[t] = 0;
}

/**
 * Pass 2 of sgnsStepFast for the distinct targets[from..to), to − from ≤ 6:
 *   u_t[c] += g_t·x[c]   and   x[c] += Σ_t g_t·u_t[c]  (u_t[c] before its update)
 * or, given neu1e, neu1e[c] += Σ_t g_t·u_t[c] instead of the update of x. Spare slots (fewer than
 * six targets) get g = 0 and the group's first row; their stores come before that row's, so
 * they change nothing.
 */
function sgnsUpdate6(
  syn0: Float32Array, syn1neg: Float32Array, dim: number, l1: number,
  targets: Int32Array, from: number, to: number, g: Float64Array, neu1e: Float64Array | null,
): void {
  const t = from;
  const a0 = targets[t] * dim, g0 = g[t], g1 = g[t + 1], g2 = g[t + 2], g3 = g[t + 3], g4 = g[t + 4], g5 = g[t + 5];
  const a1 = t + 1 < to ? targets[t + 1] * dim : a0, a2 = t + 2 < to ? targets[t + 2] * dim : a0;
  const a3 = t + 3 < to ? targets[t + 3] * dim : a0, a4 = t + 4 < to ? targets[t + 4] * dim : a0;
  const a5 = t + 5 < to ? targets[t + 5] * dim : a0;
  if (neu1e === null) {
    for (let c = 0; c < dim; c++) {
      const x = syn0[l1 + c];
      const u0 = syn1neg[a0 + c], u1 = syn1neg[a1 + c], u2 = syn1neg[a2 + c];
      const u3 = syn1neg[a3 + c], u4 = syn1neg[a4 + c], u5 = syn1neg[a5 + c];
      syn1neg[a5 + c] = u5 + g5 * x; syn1neg[a4 + c] = u4 + g4 * x; syn1neg[a3 + c] = u3 + g3 * x;
      syn1neg[a2 + c] = u2 + g2 * x; syn1neg[a1 + c] = u1 + g1 * x; syn1neg[a0 + c] = u0 + g0 * x;
      syn0[l1 + c] = x + (g0 * u0 + g1 * u1 + (g2 * u2 + g3 * u3) + (g4 * u4 + g5 * u5));
    }
  } else {
    for (let c = 0; c < dim; c++) {
      const x = syn0[l1 + c];
      const u0 = syn1neg[a0 + c], u1 = syn1neg[a1 + c], u2 = syn1neg[a2 + c];
      const u3 = syn1neg[a3 + c], u4 = syn1neg[a4 + c], u5 = syn1neg[a5 + c];
      syn1neg[a5 + c] = u5 + g5 * x; syn1neg[a4 + c] = u4 + g4 * x; syn1neg[a3 + c] = u3 + g3 * x;
      syn1neg[a2 + c] = u2 + g2 * x; syn1neg[a1 + c] = u1 + g1 * x; syn1neg[a0 + c] = u0 + g0 * x;
      neu1e[c] += g0 * u0 + g1 * u1 + (g2 * u2 + g3 * u3) + (g4 * u4 + g5 * u5);
    }
  }
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
  if (!Number.isInteger(window) || window < 1) throw new Error(`skipGramPairs: window must be a positive integer, got ${window}`);
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

// ---- the training loop ----------------------------------------------------------------------

/**
 * Folds one thread's private copy of a weight matrix back into the shared one, Hogwild style
 * (no lock): what the thread changed since the last merge is added to the shared values, and the
 * thread continues from the result, which includes the other threads' merged changes:
 *   shared += local − snapshot;   local = snapshot = shared
 */
export function mergeDelta(shared: Float32Array, local: Float32Array, snapshot: Float32Array): void {
  for (let i = 0; i < shared.length; i++) {
    const v = shared[i] + (local[i] - snapshot[i]);
    shared[i] = v;
    local[i] = v;
    snapshot[i] = v;
  }
}

/** What one training thread works on; the arrays may be SharedArrayBuffer views (Hogwild). */
export interface SgnsArrays {
  /** (V, D) input vectors, the embeddings. */
  syn0: Float32Array;
  /** (V, D) output vectors. */
  syn1neg: Float32Array;
  /** unigramTable of the vocabulary's counts. */
  table: Int32Array;
  /** keepProbability of each word. */
  keep: Float32Array;
  /** Every sentence's word ids, back to back (out-of-vocabulary words already dropped). */
  corpus: Int32Array;
  /** Sentence s is corpus[sentenceStarts[s] .. sentenceStarts[s + 1]). */
  sentenceStarts: Int32Array;
  /** Words processed so far by each thread, one slot per thread; their sum sets the learning rate. */
  progress: Float64Array;
}

/** One thread's share of the work. */
export interface SgnsJob {
  dim: number;
  window: number;
  negative: number;
  /** This thread trains on sentences [firstSentence, endSentence), `epochs` times. */
  firstSentence: number;
  endSentence: number;
  epochs: number;
  alpha: number;
  minAlpha: number;
  /** epochs × (words in the corpus): the learning rate reaches its floor there. */
  totalWords: number;
  /** This thread's slot in `progress`. */
  slot: number;
  /** Seed of this thread's random numbers. */
  seed: number;
}

/**
 * TrainModelThread of word2vec.c for skip-gram with negative sampling: for each epoch, each
 * sentence of the share, subsampled, and each center word in it, trains every (center, context)
 * pair of its dynamic window with sgnsStepFast against `negative` noise words (trainSentence). Every
 * ALPHA_UPDATE_WORDS words it publishes its progress and recomputes the learning rate from all
 * threads' progress; `onTick(wordsDone, alpha)` then lets the caller report it.
 */
export function trainSgns(arrays: SgnsArrays, job: SgnsJob, onTick?: (wordsDone: number, alpha: number) => void): void {
  const { syn0, syn1neg, table, keep, corpus, sentenceStarts, progress } = arrays;
  const { dim, window, negative, slot } = job;
  const sen = new Int32Array(MAX_SENTENCE_LENGTH);
  const targets = new Int32Array(negative + 1);
  const g = new Float64Array(negative + 6);
  const neu1e = new Float64Array(dim);
  let s = job.seed | 0;
  let alpha = job.alpha;
  let wordCount = 0, lastWordCount = 0;
  for (let epoch = 0; epoch < job.epochs; epoch++) {
    for (let sentence = job.firstSentence; sentence < job.endSentence; sentence++) {
      let p = sentenceStarts[sentence];
      const end = sentenceStarts[sentence + 1];
      while (p < end) {
        if (wordCount - lastWordCount > ALPHA_UPDATE_WORDS) {
          progress[slot] += wordCount - lastWordCount;
          lastWordCount = wordCount;
          let done = 0;
          for (let k = 0; k < progress.length; k++) done += progress[k];
          alpha = learningRate(job.alpha, job.minAlpha, done, job.totalWords);
          onTick?.(done, alpha);
        }
        // the next piece of the sentence, subsampled: word w survives with probability keep[w]
        let len = 0;
        while (p < end && len < MAX_SENTENCE_LENGTH) {
          const w = corpus[p++];
          wordCount++;
          if (keep[w] < 1) {
            s = nextState(s);
            if (keep[w] < mix32(s) / 4294967296) continue;
          }
          sen[len++] = w;
        }
        s = trainSentence(syn0, syn1neg, table, sen, len, dim, window, negative, alpha, s, targets, g, neu1e);
      }
    }
  }
  progress[slot] += wordCount - lastWordCount;
}

/**
 * One subsampled sentence piece sen[0..len) of trainSgns: every center word with the contexts of
 * its dynamic window, each pair against `negative` noise words. Returns the generator state.
 */
function trainSentence(
  syn0: Float32Array, syn1neg: Float32Array, table: Int32Array, sen: Int32Array, len: number,
  dim: number, window: number, negative: number, alpha: number, s: number,
  targets: Int32Array, g: Float64Array, neu1e: Float64Array,
): number {
  const tableScale = table.length / 4294967296;
  for (let i = 0; i < len; i++) {
    const word = sen[i];
    s = nextState(s);
    const reduced = window - (mix32(s) % window);
    const last = Math.min(len - 1, i + reduced);
    for (let j = Math.max(0, i - reduced); j <= last; j++) {
      if (j === i) continue;
      // targets: the center word, then `negative` noise words (a draw of the center itself is skipped)
      targets[0] = word;
      let n = 1;
      for (let d = 0; d < negative; d++) {
        s = nextState(s);
        const t = table[(mix32(s) * tableScale) | 0];
        if (t !== word) targets[n++] = t;
      }
      sgnsStepFast(syn0, syn1neg, dim, sen[j] * dim, targets, n, alpha, g, neu1e);
    }
  }
  return s;
}
