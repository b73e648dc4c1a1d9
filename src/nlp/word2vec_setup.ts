// word2vec_setup.ts — everything Word2Vec.train does before the training loop: the vocabulary
// and the sentences as ids, the initial weights, subsampling probabilities and noise table (in
// SharedArrayBuffers for several threads), one job per thread, progress reports, and the runner
// contract that threads plug in through (tensorloom/node's nodeWorkers is one runner).
// Reference: word2vec.c (LearnVocabFromTrainFile, InitNet, TrainModel). Shapes: V words, D = vectorSize.

import { checkKeys } from '../check.js';
import {
  ALPHA_UPDATE_WORDS, fillUnigramTable, keepProbability, learningRate, mix32, nextState, streamSeed, UNIGRAM_TABLE_SIZE,
} from './skipgram.js';
import type { SgnsArrays, SgnsJob, SgnsThreadData } from './skipgram_train.js';

/** What onProgress reports, about every 10,000 words (1 worker) or 0.1 s (several). */
export interface Word2VecProgress {
  /** The epoch in progress, from 0. */
  epoch: number;
  /** Training words processed so far (in-vocabulary words before subsampling, over all epochs). */
  wordsProcessed: number;
  /** epochs × (in-vocabulary words in the sentences). */
  totalWords: number;
  /** The current learning rate. */
  alpha: number;
  /** wordsProcessed per second of wall time since train() was called. */
  wordsPerSec: number;
}

/** One training run on several threads, as Word2Vec.train hands it to a runner. */
export interface Word2VecParallelTask {
  /** One entry per thread: the thread runs trainThread(data) (skipgram_train.ts). */
  threads: SgnsThreadData[];
  /** Reports progress; call it about every 100 ms while the threads run. If it throws, stop the threads and reject with its error. */
  onTick?: () => void;
}

/**
 * Runs a Word2VecParallelTask: one thread per entry of `task.threads`, resolving when all have
 * finished. `nodeWorkers` from tensorloom/node runs them on Node worker threads.
 */
export type Word2VecRunner = (task: Word2VecParallelTask) => Promise<void>;

export interface Word2VecTrainOptions {
  onProgress?: (p: Word2VecProgress) => void;
  /** Runs the threads of workers > 1: `nodeWorkers` from 'tensorloom/node'. Unused with workers: 1. */
  runner?: Word2VecRunner;
}

/** What train() returns. */
export interface Word2VecTrainResult {
  /** epochs × (in-vocabulary words in the sentences), as word2vec.c counts its words. */
  wordsProcessed: number;
  /** Wall time of the whole call (vocabulary, set-up and workers included). */
  seconds: number;
  wordsPerSec: number;
}

/** The hyperparameters set-up needs (Word2Vec's options after checking). */
export interface SetUpOptions {
  vectorSize: number; window: number; negative: number; minCount: number; sample: number;
  alpha: number; minAlpha: number; epochs: number; seed: number; workers: number;
}

/** train's options, checked: unknown keys, a non-function onProgress or runner throw naming the op. */
export function checkTrainOptions(op: string, options: Word2VecTrainOptions, allowed: readonly string[]): Word2VecTrainOptions {
  checkKeys(`Word2Vec.${op}`, options, allowed);
  for (const k of allowed) {
    const f = (options as Record<string, unknown>)[k];
    if (f !== undefined && typeof f !== 'function') throw new Error(`Word2Vec.${op}: ${k} must be a function, got ${typeof f}`);
  }
  return options;
}

/**
 * Workers keep a private copy of syn1neg (merged every syn1negSyncWords words) when V·D is at most
 * this (128 MB a copy); above it they write the shared one in place, as word2vec.c's threads.
 */
const PRIVATE_SYN1NEG_MAX_FLOATS = 2 ** 25;

/**
 * Words between merges of a worker's private syn1neg: 10,000 (as the learning-rate updates), or
 * more for a large model, so that merging (a pass over V·D floats) stays a few percent of training.
 */
function syn1negSyncWords(V: number, D: number): number {
  return V * D > PRIVATE_SYN1NEG_MAX_FLOATS ? 0 : Math.max(ALPHA_UPDATE_WORDS, Math.ceil((V * D) / 200));
}

/**
 * Counts the words, keeps those seen at least minCount times sorted by descending count (ties
 * by first appearance), and writes the sentences as ids (dropping the other words), back to back.
 */
export function buildVocab(op: string, sentences: string[][], minCount: number) {
  if (!Array.isArray(sentences)) throw new Error(`Word2Vec.${op}: sentences must be an array of arrays of strings (string[][])`);
  const counts = new Map<string, number>();
  let tokens = 0;
  sentences.forEach((sentence, i) => {
    if (!Array.isArray(sentence)) throw new Error(`Word2Vec.${op}: sentences[${i}] is not an array of strings`);
    for (const w of sentence) {
      if (typeof w !== 'string') throw new Error(`Word2Vec.${op}: sentences[${i}] holds a ${typeof w}, not a string`);
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
    tokens += sentence.length;
  });
  const kept = [...counts].filter(([, c]) => c >= minCount).sort((a, b) => b[1] - a[1]);
  if (!kept.length) {
    throw new Error(`Word2Vec.${op}: no word occurs at least minCount=${minCount} times (${tokens} tokens, ${counts.size} distinct)`);
  }
  const vocab = kept.map(([w]) => w);
  const index = new Map(vocab.map((w, i) => [w, i]));
  const corpus = new Int32Array(kept.reduce((n, [, c]) => n + c, 0));
  const sentenceStarts = new Int32Array(sentences.length + 1);
  let p = 0;
  sentences.forEach((sentence, i) => {
    for (const w of sentence) {
      const id = index.get(w);
      if (id !== undefined) corpus[p++] = id;
    }
    sentenceStarts[i + 1] = p;
  });
  return { vocab, counts: kept.map(([, c]) => c), index, corpus, sentenceStarts };
}

/**
 * The vocabulary, the arrays trainSgns works on (SharedArrayBuffer-backed when workers > 1), one
 * job per worker, and the progress callbacks of one training run: `tick` (sums the workers'
 * progress and reports it), `report` (trainSgns's onTick) and `finish` (the last report and the result).
 */
export function setUp(op: string, o: SetUpOptions, sentences: string[][], onProgress: Word2VecTrainOptions['onProgress']) {
  const start = performance.now();
  const { vocab, counts, index, corpus, sentenceStarts } = buildVocab(op, sentences, o.minCount);
  const D = o.vectorSize;
  const V = vocab.length;
  const wordsPerEpoch = corpus.length;
  const totalWords = o.epochs * wordsPerEpoch;
  const shared = o.workers > 1;
  const alloc = (bytes: number): ArrayBuffer | SharedArrayBuffer => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const toShared = (a: Int32Array): Int32Array => {
    if (!shared) return a;
    const out = new Int32Array(alloc(a.byteLength));
    out.set(a);
    return out;
  };

  // syn0 uniform in [−0.5, 0.5)/D, syn1neg zeros, as word2vec.c's InitNet
  const syn0 = new Float32Array(alloc(4 * V * D));
  let s = streamSeed(o.seed, 0);
  for (let i = 0; i < syn0.length; i++) {
    s = nextState(s);
    syn0[i] = (mix32(s) / 4294967296 - 0.5) / D;
  }
  const keep = new Float32Array(alloc(4 * V));
  for (let w = 0; w < V; w++) keep[w] = keepProbability(counts[w], wordsPerEpoch, o.sample);
  const arrays: SgnsArrays = {
    syn0,
    syn1neg: new Float32Array(alloc(4 * V * D)),
    table: fillUnigramTable(new Int32Array(alloc(4 * UNIGRAM_TABLE_SIZE)), counts),
    keep,
    corpus: toShared(corpus),
    sentenceStarts: toShared(sentenceStarts),
    progress: new Float64Array(alloc(8 * o.workers)),
  };

  const alphaAt = (done: number): number => learningRate(o.alpha, o.minAlpha, done, totalWords);
  const report = (done: number, alpha: number): void => {
    onProgress?.({
      epoch: Math.min(o.epochs - 1, Math.floor(done / wordsPerEpoch)),
      wordsProcessed: done,
      totalWords,
      alpha,
      wordsPerSec: done / Math.max(1e-9, (performance.now() - start) / 1e3),
    });
  };
  const tick = (): void => {
    let done = 0;
    for (let k = 0; k < arrays.progress.length; k++) done += arrays.progress[k];
    report(done, alphaAt(done));
  };
  const finish = (): Word2VecTrainResult => {
    const seconds = (performance.now() - start) / 1e3;
    report(totalWords, alphaAt(totalWords));
    return { wordsProcessed: totalWords, seconds, wordsPerSec: totalWords / seconds };
  };
  const jobs = shareWork(o, sentenceStarts, totalWords);
  const threads = (): SgnsThreadData[] => {
    const buffers = Object.fromEntries(Object.entries(arrays).map(([k, a]) => [k, (a as Int32Array).buffer])) as SgnsThreadData['buffers'];
    return jobs.map((job) => ({ buffers, job, syn1negSyncWords: syn1negSyncWords(V, D) }));
  };
  return { vocab, counts, index, arrays, jobs, threads, report, tick, finish };
}

/** One job per worker: contiguous runs of sentences with about equal numbers of words. */
function shareWork(o: SetUpOptions, sentenceStarts: Int32Array, totalWords: number): SgnsJob[] {
  const S = sentenceStarts.length - 1;
  const words = sentenceStarts[S];
  const jobs: SgnsJob[] = [];
  let first = 0;
  for (let k = 0; k < o.workers; k++) {
    let end = first;
    const goal = (words * (k + 1)) / o.workers;
    while (end < S && (k === o.workers - 1 || sentenceStarts[end] < goal)) end++;
    jobs.push({
      dim: o.vectorSize, window: o.window, negative: o.negative,
      firstSentence: first, endSentence: end, epochs: o.epochs,
      alpha: o.alpha, minAlpha: o.minAlpha, totalWords, slot: k, seed: streamSeed(o.seed, k + 1),
    });
    first = end;
  }
  return jobs;
}
