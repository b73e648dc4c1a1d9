/// <reference types="node" />
// word2vec_worker.ts — one Hogwild training thread of Word2Vec (workers > 1): it views the
// SharedArrayBuffers the main thread allocated (syn0, syn1neg, the noise table, the corpus, the
// progress counters), runs trainSgns on its share of the sentences and reports 'done'. syn0 is
// updated in place; syn1neg, whose rows every thread writes all the time (noise words), through a
// private copy merged into the shared one every `syn1negSyncWords` words (docs/word2vec.md §9).
// Loaded by Word2Vec.train from the file next to word2vec.ts / word2vec.js; never imported by the
// main entry, so its Node import stays out of browser builds.

import { parentPort, workerData } from 'node:worker_threads';
import { mergeDelta, trainSgns, type SgnsArrays } from './skipgram.js';
import type { Word2VecWorkerData } from './word2vec.js';

const { buffers, job, syn1negSyncWords } = workerData as Word2VecWorkerData;
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
parentPort!.postMessage('done');
