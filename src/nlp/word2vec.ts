// word2vec.ts — Word2Vec, word embeddings trained as word2vec.c trains them (skip-gram with
// negative sampling), on the calling thread or Hogwild on a runner's threads (tensorloom/node's
// nodeWorkers), with cosine queries and the C tool's files. Math: skipgram*.ts; set-up:
// word2vec_setup.ts; walk-through: docs/word2vec.md. References: Mikolov et al. 2013; word2vec.c;
// gensim's Word2Vec and KeyedVectors. Shapes: V words, D = vectorSize.

import { check, checkKeys, checkNonNegative, checkPositiveInt } from '../check.js';
import { trainSgns } from './skipgram_train.js';
import { formatBinary, formatText, parseBinary, parseText } from './word2vec_io.js';
import { nearest, unitRows } from './word2vec_query.js';
import { checkTrainOptions, setUp, type Word2VecTrainOptions, type Word2VecTrainResult } from './word2vec_setup.js';

export type {
  Word2VecParallelTask, Word2VecProgress, Word2VecRunner, Word2VecTrainOptions, Word2VecTrainResult,
} from './word2vec_setup.js';

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
  /** Training threads: 1 trains on the calling thread; more run Hogwild on the threads of train's `runner`. Default 1. */
  workers?: number;
}

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
    const op = 'Word2Vec';
    checkKeys(op, options, ['vectorSize', 'window', 'negative', 'minCount', 'sample', 'alpha', 'minAlpha', 'epochs', 'seed', 'workers']);
    const {
      vectorSize = 100, window = 5, negative = 5, minCount = 5, sample = 1e-3,
      alpha = 0.025, minAlpha = 1e-4, epochs = 5, seed = 1, workers = 1,
    } = options;
    this.vectorSize = checkPositiveInt(op, 'vectorSize', vectorSize);
    this.window = checkPositiveInt(op, 'window', window);
    this.negative = checkPositiveInt(op, 'negative', negative);
    this.minCount = checkPositiveInt(op, 'minCount', minCount);
    this.epochs = checkPositiveInt(op, 'epochs', epochs);
    this.workers = checkPositiveInt(op, 'workers', workers);
    this.sample = checkNonNegative(op, 'sample', sample);
    check(op, typeof alpha === 'number' && Number.isFinite(alpha) && alpha > 0, 'alpha', alpha, 'must be a finite number > 0');
    this.alpha = alpha;
    this.minAlpha = checkNonNegative(op, 'minAlpha', minAlpha);
    check(op, minAlpha <= alpha, 'minAlpha', minAlpha, `must be <= alpha = ${alpha}`);
    check(op, Number.isInteger(seed), 'seed', seed, 'must be an integer');
    this.seed = seed;
  }

  // ---- training ---------------------------------------------------------------------------

  /**
   * Builds the vocabulary from `sentences` and trains the vectors from scratch (a second call
   * starts over). With workers: 1 the work runs on the calling thread (reproducible for a seed;
   * see trainSync); with more, on threads started by `runner` that share the weights without
   * locks (Hogwild, as word2vec.c's threads), which is faster and not bit-reproducible:
   *
   *   import { nodeWorkers } from 'tensorloom/node';
   *   await new Word2Vec({ workers: 2 }).train(sentences, { runner: nodeWorkers });
   */
  async train(sentences: string[][], options: Word2VecTrainOptions = {}): Promise<Word2VecTrainResult> {
    const { onProgress, runner } = checkTrainOptions('train', options, ['onProgress', 'runner']);
    if (this.workers > 1 && runner === undefined) {
      throw new Error(`Word2Vec.train: workers: ${this.workers} needs a runner to start its threads: `
        + "import { nodeWorkers } from 'tensorloom/node' and call train(sentences, { runner: nodeWorkers }), or use workers: 1");
    }
    const run = this.start('train', sentences, onProgress);
    if (this.workers === 1) trainSgns(run.arrays, run.jobs[0], onProgress ? run.report : undefined);
    else await runner!({ threads: run.threads(), onTick: onProgress ? run.tick : undefined });
    return run.finish();
  }

  /** train() on the calling thread, returning when done; for workers: 1 only. */
  trainSync(sentences: string[][], options: Omit<Word2VecTrainOptions, 'runner'> = {}): Word2VecTrainResult {
    const { onProgress } = checkTrainOptions('trainSync', options, ['onProgress']);
    if (this.workers !== 1) {
      throw new Error(`Word2Vec.trainSync: trains on the calling thread only (workers: 1); with workers: ${this.workers} use await train(sentences, { runner })`);
    }
    const run = this.start('trainSync', sentences, onProgress);
    trainSgns(run.arrays, run.jobs[0], onProgress ? run.report : undefined);
    return run.finish();
  }

  /** setUp (word2vec_setup.ts), and the model takes its vocabulary and (still untrained) weights. */
  private start(op: string, sentences: string[][], onProgress: Word2VecTrainOptions['onProgress']) {
    const run = setUp(op, this, sentences, onProgress);
    this.vocab = run.vocab;
    this.counts = run.counts;
    this.index = run.index;
    this.vectors = run.arrays.syn0;
    this.syn1neg = run.arrays.syn1neg;
    this.unit = null;
    return run;
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
    const u = this.unitVectors();
    if (typeof wordOrVector === 'string') {
      const i = this.row('mostSimilar', wordOrVector);
      return nearest('mostSimilar', u, this.vocab, D, u.subarray(i * D, (i + 1) * D), topn, [i]);
    }
    if (wordOrVector.length !== D) {
      throw new Error(`Word2Vec.mostSimilar: the query vector has ${wordOrVector.length} values, expected ${D}`);
    }
    return nearest('mostSimilar', u, this.vocab, D, wordOrVector, topn, []);
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
    return nearest('analogy', u, this.vocab, D, q, topn, [ia, ib, ic]);
  }

  /** `vectors` with each row scaled to unit length, made on first use. */
  private unitVectors(): Float32Array {
    this.unit ??= unitRows(this.vectors, this.vocab.length, this.vectorSize);
    return this.unit;
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
    if (!(bytes instanceof Uint8Array || bytes instanceof ArrayBuffer)) {
      throw new Error(`Word2Vec.fromBinary: expected the file's bytes as a Uint8Array or ArrayBuffer, got ${bytes === null ? 'null' : typeof bytes}`);
    }
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
