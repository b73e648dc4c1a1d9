// 05-gpt.ts — solutions to the exercises of tutorial chapter 5 (docs/tutorial/05-gpt.md), checked
// by test/tutorial/05-gpt.test.ts: 5.1 the GPT's parameter count in closed form, 5.2 the bigram
// baseline's loss from counts with add-alpha smoothing, 5.3 top-k sampling probabilities.
// Shape letters: T time (blockSize), C channels (nEmbd), V vocabulary, L layers.

import type { GPTConfig } from '../lib/b-gpt.js';

/**
 * 5.1 — parameters of lib/b-gpt.ts's GPT: two embeddings (V·C + T·C), per block two LayerNorms
 * (2·2C), attention (3C·C + 3C, then C·C + C) and MLP (4C·C + 4C, then 4C·C + C) = 12C² + 13C, the
 * final LayerNorm 2C and the bias-free head V·C.
 */
export function gptParameterCount({ vocabSize: V, blockSize: T, nLayer: L, nEmbd: C }: GPTConfig): number {
  return V * C + T * C + L * (12 * C * C + 13 * C) + 2 * C + V * C;
}

/**
 * 5.2 — mean −ln P(val[i+1] | val[i]) over the held-out pairs, with P from the counts of `train`'s
 * pairs plus `alpha` in every cell (alpha = 1: add-one smoothing).
 */
export function bigramLoss(train: ArrayLike<number>, val: ArrayLike<number>, V: number, alpha = 1): number {
  if (!(alpha > 0)) throw new Error(`bigramLoss: alpha must be > 0, got ${alpha}`);
  if (val.length < 2) throw new Error(`bigramLoss: val needs at least 2 tokens, got ${val.length}`);
  for (const ids of [train, val]) for (let i = 0; i < ids.length; i++) {
    if (!(ids[i] >= 0 && ids[i] < V)) throw new Error(`bigramLoss: token ${ids[i]} at ${i} is outside [0, ${V})`);
  }
  const counts = new Float64Array(V * V).fill(alpha);
  const rowSums = new Float64Array(V).fill(alpha * V);
  for (let i = 0; i + 1 < train.length; i++) {
    counts[train[i] * V + train[i + 1]]++;
    rowSums[train[i]]++;
  }
  let nll = 0;
  for (let i = 0; i + 1 < val.length; i++) nll -= Math.log(counts[val[i] * V + val[i + 1]] / rowSums[val[i]]);
  return nll / (val.length - 1);
}

/**
 * 5.3 — the distribution top-k sampling draws from: softmax(logits / temperature) restricted to
 * the k largest logits and renormalised; zero everywhere else (ties at the k-th value all kept).
 */
export function topKProbabilities(logits: number[], k: number, temperature = 1): number[] {
  if (!Number.isInteger(k) || k < 1 || k > logits.length) throw new Error(`topKProbabilities: k must be an integer in [1, ${logits.length}], got ${k}`);
  if (!(temperature > 0)) throw new Error(`topKProbabilities: temperature must be > 0, got ${temperature}`);
  const kth = [...logits].sort((a, b) => b - a)[k - 1];
  const max = Math.max(...logits);
  const e = logits.map((z) => (z >= kth ? Math.exp((z - max) / temperature) : 0));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / total);
}
