// word2vec.ts — Word2Vec: word embeddings trained as the original word2vec.c trains them
// (skip-gram, negative sampling from a unigram^0.75 table, frequent-word subsampling, dynamic
// window, linearly decaying learning rate), on the main thread or Hogwild on Node worker
// threads, and the queries run on them (cosine similarity, nearest words, analogies) and the
// C tool's text and binary files. The math is in skipgram.ts; docs/word2vec.md walks through it.
// References: Mikolov et al. 2013 (arXiv:1301.3781, 1310.4546); word2vec.c; gensim's Word2Vec
// and KeyedVectors (most_similar on unit vectors). Shapes: V words, D = vectorSize.

import {
  ALPHA_UPDATE_WORDS, fillUnigramTable, keepProbability, learningRate, mix32, nextState, streamSeed, trainSgns,
  UNIGRAM_TABLE_SIZE,
  type SgnsArrays, type SgnsJob,
} from './skipgram.js';
import { formatBinary, formatText, parseBinary, parseText } from './word2vec_io.js';

export interface Word2VecOptions {
  /** D, the length of each word vector. Default 100. */
  vectorSize?: number;
  /** The largest distance between a center and a context word (reduced at random per center). Default 5. */
  window?: number;
  /** Noise words per (center, context) pair. Default 5. */
  negative?: number;
  /** Words seen fewer times are dropped from the vocabulary (and from the sentences). Default 5. */
  minCount?: number;
  /** The subsampling threshold (0 = keep every word). Default 1e-3. */
  sample?: number;
  /** The starting learning rate. Default 0.025. */
  alpha?: number;
  /** The floor of the linearly decaying learning rate. Default 1e-4. */
  minAlpha?: number;
  /** Passes over the sentences. Default 5. */
  epochs?: number;
  /** Seeds the initial vectors and every random draw of training. Default 1. */
  seed?: number;
  /** Training threads: 1 trains on the calling thread; more run Hogwild on Node worker threads. Default 1. */
  workers?: number;
}

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

export interface Word2VecTrainOptions {
  onProgress?: (p: Word2VecProgress) => void;
}

/** What train() returns. */
export interface Word2VecTrainResult {
  /** epochs × (in-vocabulary words in the sentences), as word2vec.c counts its words. */
  wordsProcessed: number;
  /** Wall time of the whole call (vocabulary, set-up and workers included). */
  seconds: number;
  wordsPerSec: number;
}

/** Minimal types of the parts of node:worker_threads used here (the main entry has no Node types). */
interface NodeWorker {
  on(event: 'message', fn: (msg: unknown) => void): void;
  on(event: 'error', fn: (err: Error) => void): void;
  on(event: 'exit', fn: (code: number) => void): void;
  terminate(): Promise<number>;
}
interface WorkerThreads {
  Worker: new (script: URL | string, options: { workerData: unknown; eval: boolean }) => NodeWorker;
}
interface NodeProcess {
  versions?: { node?: string };
}
interface NodeUrl { pathToFileURL(path: string): URL; fileURLToPath(url: URL): string }
interface NodeFs { existsSync(path: URL): boolean }
interface NodeModule { createRequire(from: URL): { resolve(id: string): string } }

/** What the main thread sends each worker (word2vec_worker.ts): shared buffers and its job. */
export interface Word2VecWorkerData {
  buffers: { [K in keyof SgnsArrays]: SharedArrayBuffer };
  job: SgnsJob;
  /** The worker trains on a private copy of syn1neg merged into the shared one every this many words; 0: in place. */
  syn1negSyncWords: number;
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

const nodeProcess = (): NodeProcess | undefined => (globalThis as { process?: NodeProcess }).process;

/**
 * Word embeddings by skip-gram with negative sampling, as word2vec.c (`-cbow 0 -hs 0`).
 * Each (center, context) pair of a sentence's dynamic window trains the context word's vector
 * x = syn0[context] to pick out the center word's output vector among `negative` noise words:
 *   L = −log σ(x·u_center) − Σ_k log σ(−x·u_{noise_k}),   noise ~ count^0.75
 *
 *   const w2v = new Word2Vec({ vectorSize: 100, seed: 1 });
 *   await w2v.train(sentences);               // string[][]: sentences of tokens (or w2v.trainSync)
 *   w2v.mostSimilar('whale', 5);              // [['great', 0.79], ['sperm', 0.75], ...]
 *   w2v.analogy('man', 'king', 'woman');      // king − man + woman
 *
 * Shape: vector(word) is (D,); `vectors` is (V, D) row-major, rows in `vocab` order.
 */
export class Word2Vec {
  readonly vectorSize: number;
  readonly window: number;
  readonly negative: number;
  readonly minCount: number;
  readonly sample: number;
  readonly alpha: number;
  readonly minAlpha: number;
  readonly epochs: number;
  readonly seed: number;
  readonly workers: number;
  /** The vocabulary, by descending count (ties by first appearance). */
  vocab: string[] = [];
  /** counts[i]: how often vocab[i] occurs in the training sentences (0 for a model read from a file). */
  counts: number[] = [];
  /** (V, D) input vectors (word2vec.c's syn0): the word vectors. */
  vectors: Float32Array = new Float32Array(0);
  /** (V, D) output vectors of negative sampling (syn1neg); empty for a model read from a file. */
  syn1neg: Float32Array = new Float32Array(0);
  private index = new Map<string, number>();
  /** `vectors` scaled to unit length, for the cosine queries (made on first use). */
  private unit: Float32Array | null = null;

  constructor(options: Word2VecOptions = {}) {
    const {
      vectorSize = 100, window = 5, negative = 5, minCount = 5, sample = 1e-3,
      alpha = 0.025, minAlpha = 1e-4, epochs = 5, seed = 1, workers = 1,
    } = options;
    const positiveInt = { vectorSize, window, negative, minCount, epochs, workers };
    for (const [name, v] of Object.entries(positiveInt)) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`Word2Vec: ${name} must be a positive integer, got ${v}`);
    }
    if (!(sample >= 0)) throw new Error(`Word2Vec: sample must be >= 0, got ${sample}`);
    if (!(alpha > 0)) throw new Error(`Word2Vec: alpha must be > 0, got ${alpha}`);
    if (!(minAlpha >= 0 && minAlpha <= alpha)) throw new Error(`Word2Vec: minAlpha must be in [0, alpha=${alpha}], got ${minAlpha}`);
    if (!Number.isInteger(seed)) throw new Error(`Word2Vec: seed must be an integer, got ${seed}`);
    this.vectorSize = vectorSize;
    this.window = window;
    this.negative = negative;
    this.minCount = minCount;
    this.sample = sample;
    this.alpha = alpha;
    this.minAlpha = minAlpha;
    this.epochs = epochs;
    this.seed = seed;
    this.workers = workers;
  }

  // ---- training ---------------------------------------------------------------------------

  /**
   * Builds the vocabulary from `sentences` and trains the vectors from scratch (a second call
   * starts over). With workers: 1 the work runs on the calling thread (reproducible for a seed;
   * see trainSync); with more, on Node worker threads sharing the weights without locks
   * (Hogwild, as word2vec.c's threads), which is faster and not bit-reproducible.
   */
  async train(sentences: string[][], { onProgress }: Word2VecTrainOptions = {}): Promise<Word2VecTrainResult> {
    const run = this.setUp('train', sentences, onProgress);
    if (this.workers === 1) {
      trainSgns(run.arrays, run.jobs[0], onProgress ? run.report : undefined);
      return run.finish();
    }
    await runWorkers(run.arrays, run.jobs, syn1negSyncWords(this.vocab.length, this.vectorSize), onProgress ? run.report : undefined, run.alphaAt);
    return run.finish();
  }

  /** train() on the calling thread, returning when done; for workers: 1 only. */
  trainSync(sentences: string[][], { onProgress }: Word2VecTrainOptions = {}): Word2VecTrainResult {
    if (this.workers !== 1) throw new Error(`Word2Vec.trainSync: trains on the calling thread only (workers: 1); with workers: ${this.workers} use await train()`);
    const run = this.setUp('trainSync', sentences, onProgress);
    trainSgns(run.arrays, run.jobs[0], onProgress ? run.report : undefined);
    return run.finish();
  }

  /**
   * Everything before the training loop: the vocabulary and the sentences as ids, the initial
   * weights, subsampling probabilities and noise table (in SharedArrayBuffers when workers > 1),
   * the jobs, and the progress report.
   */
  private setUp(op: string, sentences: string[][], onProgress: Word2VecTrainOptions['onProgress']) {
    const start = performance.now();
    const { corpus, sentenceStarts } = this.buildVocab(op, sentences);
    const D = this.vectorSize;
    const V = this.vocab.length;
    const wordsPerEpoch = corpus.length;
    const totalWords = this.epochs * wordsPerEpoch;
    const shared = this.workers > 1;
    const alloc = (bytes: number): ArrayBuffer | SharedArrayBuffer => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    const toShared = (a: Int32Array): Int32Array => {
      if (!shared) return a;
      const out = new Int32Array(alloc(a.byteLength));
      out.set(a);
      return out;
    };

    // syn0 uniform in [−0.5, 0.5)/D, syn1neg zeros, as word2vec.c's InitNet
    const syn0 = new Float32Array(alloc(4 * V * D));
    let s = streamSeed(this.seed, 0);
    for (let i = 0; i < syn0.length; i++) {
      s = nextState(s);
      syn0[i] = (mix32(s) / 4294967296 - 0.5) / D;
    }
    const keep = new Float32Array(alloc(4 * V));
    for (let w = 0; w < V; w++) keep[w] = keepProbability(this.counts[w], wordsPerEpoch, this.sample);
    const arrays: SgnsArrays = {
      syn0,
      syn1neg: new Float32Array(alloc(4 * V * D)),
      table: fillUnigramTable(new Int32Array(alloc(4 * UNIGRAM_TABLE_SIZE)), this.counts),
      keep,
      corpus: toShared(corpus),
      sentenceStarts: toShared(sentenceStarts),
      progress: new Float64Array(alloc(8 * this.workers)),
    };
    this.vectors = arrays.syn0;
    this.syn1neg = arrays.syn1neg;
    this.unit = null;

    const alphaAt = (done: number): number => learningRate(this.alpha, this.minAlpha, done, totalWords);
    const report = (done: number, alpha: number): void => {
      onProgress?.({
        epoch: Math.min(this.epochs - 1, Math.floor(done / wordsPerEpoch)),
        wordsProcessed: done,
        totalWords,
        alpha,
        wordsPerSec: done / Math.max(1e-9, (performance.now() - start) / 1e3),
      });
    };
    const finish = (): Word2VecTrainResult => {
      const seconds = (performance.now() - start) / 1e3;
      report(totalWords, alphaAt(totalWords));
      return { wordsProcessed: totalWords, seconds, wordsPerSec: totalWords / seconds };
    };
    return { arrays, jobs: this.shareWork(sentenceStarts, totalWords), report, alphaAt, finish };
  }

  /**
   * Counts the words, keeps those seen at least minCount times sorted by descending count (ties
   * by first appearance), and writes the sentences as ids (dropping the other words), back to back.
   */
  private buildVocab(op: string, sentences: string[][]): { corpus: Int32Array; sentenceStarts: Int32Array } {
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
    const kept = [...counts].filter(([, c]) => c >= this.minCount).sort((a, b) => b[1] - a[1]);
    if (!kept.length) {
      throw new Error(`Word2Vec.${op}: no word occurs at least minCount=${this.minCount} times (${tokens} tokens, ${counts.size} distinct)`);
    }
    this.vocab = kept.map(([w]) => w);
    this.counts = kept.map(([, c]) => c);
    this.index = new Map(this.vocab.map((w, i) => [w, i]));
    const corpus = new Int32Array(kept.reduce((n, [, c]) => n + c, 0));
    const sentenceStarts = new Int32Array(sentences.length + 1);
    let p = 0;
    sentences.forEach((sentence, i) => {
      for (const w of sentence) {
        const id = this.index.get(w);
        if (id !== undefined) corpus[p++] = id;
      }
      sentenceStarts[i + 1] = p;
    });
    return { corpus, sentenceStarts };
  }

  /** One job per worker: contiguous runs of sentences with about equal numbers of words. */
  private shareWork(sentenceStarts: Int32Array, totalWords: number): SgnsJob[] {
    const S = sentenceStarts.length - 1;
    const words = sentenceStarts[S];
    const jobs: SgnsJob[] = [];
    let first = 0;
    for (let k = 0; k < this.workers; k++) {
      let end = first;
      const goal = (words * (k + 1)) / this.workers;
      while (end < S && (k === this.workers - 1 || sentenceStarts[end] < goal)) end++;
      jobs.push({
        dim: this.vectorSize, window: this.window, negative: this.negative,
        firstSentence: first, endSentence: end, epochs: this.epochs,
        alpha: this.alpha, minAlpha: this.minAlpha, totalWords, slot: k, seed: streamSeed(this.seed, k + 1),
      });
      first = end;
    }
    return jobs;
  }

  // ---- queries ----------------------------------------------------------------------------

  /** Whether `word` is in the vocabulary. */
  has(word: string): boolean {
    return this.index.has(word);
  }

  /** The row of `word`, or an error naming the op and the word. */
  private row(op: string, word: string): number {
    const i = this.index.get(word);
    if (i === undefined) {
      if (!this.vocab.length) throw new Error(`Word2Vec.${op}: the model has no vectors yet (train it, or read one with fromText/fromBinary)`);
      throw new Error(`Word2Vec.${op}: '${word}' is not in the vocabulary`);
    }
    return i;
  }

  /** A copy of the vector of `word`, shape (D,). */
  vector(word: string): Float32Array {
    const i = this.row('vector', word);
    return this.vectors.slice(i * this.vectorSize, (i + 1) * this.vectorSize);
  }

  /** Cosine similarity of two words' vectors: a·b / (|a| |b|). */
  similarity(a: string, b: string): number {
    const u = this.unitVectors();
    const D = this.vectorSize;
    const i = this.row('similarity', a) * D, j = this.row('similarity', b) * D;
    let dot = 0;
    for (let c = 0; c < D; c++) dot += u[i + c] * u[j + c];
    return dot;
  }

  /**
   * The `topn` words nearest to a word (itself left out) or to a vector of length D, by cosine
   * similarity, most similar first: [word, cosine][].
   */
  mostSimilar(wordOrVector: string | ArrayLike<number>, topn = 10): [string, number][] {
    const D = this.vectorSize;
    if (typeof wordOrVector === 'string') {
      const i = this.row('mostSimilar', wordOrVector);
      return this.nearest('mostSimilar', this.unitVectors().subarray(i * D, (i + 1) * D), topn, [i]);
    }
    if (wordOrVector.length !== D) {
      throw new Error(`Word2Vec.mostSimilar: the query vector has ${wordOrVector.length} values, expected ${D}`);
    }
    return this.nearest('mostSimilar', wordOrVector, topn, []);
  }

  /**
   * "a is to b as c is to ?": the words nearest to unit(b) − unit(a) + unit(c) by cosine, leaving
   * out a, b and c (3CosAdd, as gensim's most_similar(positive=[b, c], negative=[a])).
   *
   *   w2v.analogy('man', 'king', 'woman')  // [['queen', 0.7], ...] on a large corpus
   */
  analogy(a: string, b: string, c: string, topn = 10): [string, number][] {
    const D = this.vectorSize;
    const u = this.unitVectors();
    const [ia, ib, ic] = [a, b, c].map((w) => this.row('analogy', w));
    const q = new Float64Array(D);
    for (let k = 0; k < D; k++) q[k] = u[ib * D + k] - u[ia * D + k] + u[ic * D + k];
    return this.nearest('analogy', q, topn, [ia, ib, ic]);
  }

  /** The topn rows most cosine-similar to `query`, without the rows in `exclude`. */
  private nearest(op: string, query: ArrayLike<number>, topn: number, exclude: number[]): [string, number][] {
    if (!Number.isInteger(topn) || topn < 1) throw new Error(`Word2Vec.${op}: topn must be a positive integer, got ${topn}`);
    const D = this.vectorSize;
    const u = this.unitVectors();
    let norm = 0;
    for (let k = 0; k < D; k++) norm += query[k] * query[k];
    if (!(norm > 0)) throw new Error(`Word2Vec.${op}: the query vector is zero (or not finite)`);
    const q = Float64Array.from({ length: D }, (_, k) => query[k] / Math.sqrt(norm));
    // keep the best topn in `best`, sorted by descending cosine
    const best: [number, number][] = [];
    for (let i = 0; i < this.vocab.length; i++) {
      if (exclude.includes(i)) continue;
      let dot = 0;
      for (let k = 0; k < D; k++) dot += u[i * D + k] * q[k];
      if (best.length === topn && dot <= best[topn - 1][1]) continue;
      let at = best.length;
      while (at > 0 && best[at - 1][1] < dot) at--;
      best.splice(at, 0, [i, dot]);
      if (best.length > topn) best.pop();
    }
    return best.map(([i, cos]) => [this.vocab[i], cos]);
  }

  /** `vectors` with each row scaled to unit length (a zero row stays zero). */
  private unitVectors(): Float32Array {
    if (this.unit) return this.unit;
    const D = this.vectorSize;
    const u = new Float32Array(this.vectors.length);
    for (let i = 0; i < this.vocab.length; i++) {
      let norm = 0;
      for (let k = 0; k < D; k++) norm += this.vectors[i * D + k] ** 2;
      const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let k = 0; k < D; k++) u[i * D + k] = this.vectors[i * D + k] * scale;
    }
    this.unit = u;
    return u;
  }

  // ---- files ------------------------------------------------------------------------------

  /** The word2vec C tool's text format: "V D\n" then "word v1 … vD\n" per word, in vocab order. */
  toText(): string {
    return formatText({ words: this.vocab, vectors: this.vectors, dim: this.vectorSize });
  }

  /** The C tool's binary format: "V D\n" then per word: word, ' ', D little-endian float32, '\n'. */
  toBinary(): Uint8Array {
    return formatBinary({ words: this.vocab, vectors: this.vectors, dim: this.vectorSize });
  }

  /** A model (vectors only: no counts, no syn1neg) from the C tool's text format. */
  static fromText(text: string): Word2Vec {
    if (typeof text !== 'string') throw new Error(`Word2Vec.fromText: expected the file's text as a string, got ${typeof text}`);
    const { words, vectors, dim } = parseText(text);
    return Word2Vec.fromVectors(words, vectors, dim);
  }

  /** A model (vectors only) from the C tool's binary format. */
  static fromBinary(bytes: Uint8Array | ArrayBuffer): Word2Vec {
    const { words, vectors, dim } = parseBinary(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
    return Word2Vec.fromVectors(words, vectors, dim);
  }

  private static fromVectors(words: string[], vectors: Float32Array, dim: number): Word2Vec {
    const model = new Word2Vec({ vectorSize: dim });
    model.vocab = words;
    model.counts = words.map(() => 0);
    model.vectors = vectors;
    model.index = new Map(words.map((w, i) => [w, i]));
    return model;
  }
}

// ---- worker threads -------------------------------------------------------------------------

/** import() of a Node built-in by a non-literal name, so bundlers for browsers leave it alone. */
function importBuiltin<T>(name: string): Promise<T> {
  return import(/* @vite-ignore */ name) as Promise<T>;
}

/**
 * This module's own file, from V8's structured stack trace: file:///…/word2vec.js in ESM,
 * /…/word2vec.js in CommonJS, …/word2vec.ts from sources run by tsx or vitest. (import.meta.url
 * would be the plain way, but this file also compiles to CommonJS, where it is a syntax error.)
 */
function thisModuleFile(): string | null {
  const E = Error as unknown as { prepareStackTrace?: unknown; stackTraceLimit: number };
  const saved = [E.prepareStackTrace, E.stackTraceLimit] as const;
  try {
    E.stackTraceLimit = 1;
    E.prepareStackTrace = (_: Error, frames: { getFileName(): string | null }[]) => frames;
    const frames = new Error().stack as unknown as { getFileName(): string | null }[];
    return Array.isArray(frames) ? frames[0]?.getFileName() ?? null : null;
  } finally {
    [E.prepareStackTrace, E.stackTraceLimit] = saved;
  }
}

/**
 * The worker script next to this module: word2vec_worker.js in dist/esm or dist/cjs, run as
 * it is, or word2vec_worker.ts in the sources (tests, tsx), run from a CommonJS bootstrap that
 * first installs tsx's require hook (Node 20's workers don't inherit --import tsx's ESM hooks).
 */
async function workerScript(): Promise<{ script: URL | string; evalCode: boolean }> {
  const file = thisModuleFile();
  if (!file) throw new Error('Word2Vec: workers > 1 cannot locate word2vec_worker next to this module (no file name in the stack trace, e.g. inside a bundle); use workers: 1');
  const { pathToFileURL, fileURLToPath } = await importBuiltin<NodeUrl>('node:url');
  const base = /^file:/.test(file) ? new URL(file) : pathToFileURL(file);
  base.search = base.hash = '';
  const ext = /\.[cm]?[jt]s$/.exec(base.pathname)?.[0] ?? '.js';
  const url = new URL(`word2vec_worker${ext}`, base);
  const { existsSync } = await importBuiltin<NodeFs>('node:fs');
  if (!existsSync(url)) throw new Error(`Word2Vec: workers > 1 needs the worker script ${url.href}, which does not exist; use workers: 1`);
  if (!ext.includes('t')) return { script: url, evalCode: false };
  const { createRequire } = await importBuiltin<NodeModule>('node:module');
  let tsxHook: string;
  try {
    tsxHook = createRequire(base).resolve('tsx/cjs');
  } catch {
    throw new Error(`Word2Vec: workers > 1 from the TypeScript sources needs tsx to run ${url.href} (npm i -D tsx), or use the built package`);
  }
  return { script: `require(${JSON.stringify(tsxHook)}); require(${JSON.stringify(fileURLToPath(url))});`, evalCode: true };
}

/**
 * Trains every job on its own worker thread over the same SharedArrayBuffer-backed arrays
 * (Hogwild: no locks; an update may overwrite another thread's concurrent one, which costs
 * nothing measurable at these sparsities), syn1neg through private copies merged every
 * `syncWords` words (0: in place). Polls the shared progress every 100 ms for onTick.
 */
async function runWorkers(
  arrays: SgnsArrays, jobs: SgnsJob[], syncWords: number,
  onTick: ((done: number, alpha: number) => void) | undefined, alphaAt: (done: number) => number,
): Promise<void> {
  const proc = nodeProcess();
  if (!proc?.versions?.node) throw new Error('Word2Vec: workers > 1 needs Node.js worker threads; in a browser use workers: 1');
  const { Worker } = await importBuiltin<WorkerThreads>('node:worker_threads');
  const { script, evalCode } = await workerScript();
  const buffers = Object.fromEntries(
    Object.entries(arrays).map(([k, a]) => [k, (a as Int32Array).buffer as SharedArrayBuffer]),
  ) as Word2VecWorkerData['buffers'];
  const workers = jobs.map((job) => new Worker(script, { workerData: { buffers, job, syn1negSyncWords: syncWords } satisfies Word2VecWorkerData, eval: evalCode }));
  // a throwing onProgress stops the workers and is what train() rejects with
  let callbackError: { error: unknown } | null = null;
  const poll = onTick
    ? setInterval(() => {
        let done = 0;
        for (let k = 0; k < arrays.progress.length; k++) done += arrays.progress[k];
        try {
          onTick(done, alphaAt(done));
        } catch (error) {
          callbackError ??= { error };
          for (const w of workers) void w.terminate();
        }
      }, 100)
    : undefined;
  try {
    await Promise.all(workers.map((w, k) => new Promise<void>((resolve, reject) => {
      let finished = false;
      w.on('message', (msg) => {
        if (msg === 'done') finished = true;
      });
      w.on('error', (err) => reject(new Error(`Word2Vec: worker ${k} failed: ${err.message}`, { cause: err })));
      w.on('exit', (code) => (finished ? resolve() : reject(new Error(`Word2Vec: worker ${k} exited with code ${code} before finishing`))));
    })));
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    const stopped = callbackError as { error: unknown } | null; // (set in the interval callback)
    throw stopped ? stopped.error : e;
  } finally {
    if (poll !== undefined) clearInterval(poll);
  }
}
