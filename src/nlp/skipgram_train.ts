// skipgram_train.ts — word2vec.c's TrainModelThread for skip-gram with negative sampling: the
// loop over one thread's share of the sentences (subsampling, dynamic window, noise draws,
// sgnsStepFast, the learning rate) and trainThread, the body of one Hogwild thread with its
// private syn1neg. References: word2vec.c; Recht et al. 2011, Hogwild!. docs/word2vec.md §§2, 6, 7, 9.
// Shapes: V words, D = vector size; syn0, syn1neg (V, D) row-major Float32Arrays.

import { ALPHA_UPDATE_WORDS, learningRate, MAX_SENTENCE_LENGTH, mix32, nextState } from './skipgram.js';
import { sgnsStepFast } from './skipgram_fast.js';

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

/**
 * What one Hogwild thread is given (a Web or Node worker's message): the SharedArrayBuffers
 * behind every array of SgnsArrays, its job, and how often it merges syn1neg.
 */
export interface SgnsThreadData {
  buffers: { [K in keyof SgnsArrays]: SharedArrayBuffer };
  job: SgnsJob;
  /** The thread trains on a private copy of syn1neg merged into the shared one every this many words; 0: in place. */
  syn1negSyncWords: number;
}

/**
 * The body of one training thread (word2vec_worker.ts runs it): views the shared buffers and
 * runs trainSgns on its share. syn0 is updated in place; syn1neg, whose rows every thread writes
 * all the time (noise words), through a private copy folded into the shared one with mergeDelta
 * every `syn1negSyncWords` of its words and at the end (docs/word2vec.md §9).
 */
export function trainThread({ buffers, job, syn1negSyncWords }: SgnsThreadData): void {
  const progress = new Float64Array(buffers.progress);
  const shared1neg = new Float32Array(buffers.syn1neg);
  const local1neg = syn1negSyncWords > 0 ? shared1neg.slice() : shared1neg;
  const snapshot = syn1negSyncWords > 0 ? shared1neg.slice() : shared1neg;
  const arrays: SgnsArrays = {
    syn0: new Float32Array(buffers.syn0),
    syn1neg: local1neg,
    table: new Int32Array(buffers.table),
    keep: new Float32Array(buffers.keep),
    corpus: new Int32Array(buffers.corpus),
    sentenceStarts: new Int32Array(buffers.sentenceStarts),
    progress,
  };
  let merged = 0; // this thread's word count at the last merge
  trainSgns(arrays, job, syn1negSyncWords > 0 ? () => {
    if (progress[job.slot] - merged < syn1negSyncWords) return;
    mergeDelta(shared1neg, local1neg, snapshot);
    merged = progress[job.slot];
  } : undefined);
  if (syn1negSyncWords > 0) mergeDelta(shared1neg, local1neg, snapshot);
}
