// word2vec.ts — Word2Vec training speed in words per second, tensorloom only (tfjs has no word2vec),
// against a fixed reference: the word2vec C tool trains 93,000 words/s with one thread on this
// machine with the same settings.
//   word2vec-moby-dick     Word2Vec.train, workers 1 (the calling thread)
//   word2vec-moby-dick-w2  Word2Vec.train, workers 2 (Hogwild on two worker threads)
// One call is one whole training from scratch on Moby Dick (lowercased, tokens = runs of letters
// or digits, sentences split on . ! ?): skip-gram, vectorSize 100, window 5, negative 5,
// sample 1e-3, minCount 5, 5 epochs. The rate is tokens × epochs / wall seconds of the call, with
// tokens counted as word2vec.c's word_count: in-vocabulary words before subsampling (196,845).
// The wall time includes building the vocabulary and noise table and starting the workers.

import { mobyDickChapters } from '../../examples/lib/text.js';
import { Word2Vec } from '../../src/nlp/word2vec.js';
import { nodeWorkers } from '../../src/node.js';
import type { BenchCase, Runner } from '../types.js';

/** word2vec.c (-cbow 0 -size 100 -window 5 -negative 5 -hs 0 -sample 1e-3 -min-count 5 -iter 5 -threads 1) here. */
const C_WORDS_PER_SEC = 93_000;
const EPOCHS = 5;
const TOKENS = 196_845; // in-vocabulary tokens of the corpus below (minCount 5)

let corpus: string[][] | null = null;
function mobyDickSentences(): string[][] {
  if (!corpus) {
    const text = mobyDickChapters().map((c) => c.text).join('\n').toLowerCase();
    corpus = text.split(/[.!?]+/).map((s) => s.match(/[a-z0-9]+/g) ?? []).filter((s) => s.length > 0);
  }
  return corpus;
}

function word2vecRunner(workers: number): Runner {
  const sentences = mobyDickSentences();
  const w2v = new Word2Vec({ vectorSize: 100, window: 5, negative: 5, sample: 1e-3, minCount: 5, epochs: EPOCHS, seed: 1, workers });
  return {
    run: async () => {
      const { wordsProcessed } = await w2v.train(sentences, { runner: nodeWorkers });
      if (wordsProcessed !== EPOCHS * TOKENS) throw new Error(`word2vec bench: trained ${wordsProcessed} words, expected ${EPOCHS * TOKENS}`);
    },
    // vocabulary size, and how close the trained vectors put whale and sperm (≈ 0.7): a broken run shows
    check: () => [w2v.vocab.length, w2v.similarity('whale', 'sperm')],
  };
}

export const word2vecCases: BenchCase[] = [1, 2].map((workers) => ({
  name: workers === 1 ? 'word2vec-moby-dick' : `word2vec-moby-dick-w${workers}`,
  description: `Word2Vec.train on Moby Dick (${TOKENS} tokens, 4206 words), skip-gram 100-d, window 5, negative 5, sample 1e-3, ${EPOCHS} epochs, workers ${workers}; rate = tokens × epochs / s`,
  metric: { unit: 'words/s', amount: EPOCHS * TOKENS },
  target: {
    minRatio: 1,
    referenceRate: C_WORDS_PER_SEC,
    label: `word2vec-moby-dick${workers === 1 ? '' : `-w${workers}`}: ≥ word2vec.c's ${C_WORDS_PER_SEC.toLocaleString('en')} words/s (1 thread)`,
  },
  // one call trains for several seconds: one warmup call and three timed ones
  timing: { warmupMs: 0, warmupCalls: 1, sampleMs: 0, budgetMs: 0, minSamples: 3, maxSamples: 3 },
  backendFree: true,
  tensorloom: () => word2vecRunner(workers),
}));
