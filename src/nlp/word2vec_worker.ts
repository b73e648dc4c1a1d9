/// <reference types="node" />
// word2vec_worker.ts — the script of one Node worker thread of Word2Vec (workers > 1): runs
// trainThread (skipgram_train.ts) on the shared buffers and the job in its workerData, then
// reports 'done'. Started by nodeWorkers (word2vec_threads.ts, next to it), which only
// `tensorloom/node` imports, so this Node import stays out of the main entry.

import { parentPort, workerData } from 'node:worker_threads';
import { trainThread, type SgnsThreadData } from './skipgram_train.js';

trainThread(workerData as SgnsThreadData);
parentPort!.postMessage('done');
