// word2vec_query.ts — the cosine queries of Word2Vec on plain arrays: rows scaled to unit length
// and the topn rows nearest a query vector. Word2Vec.similarity, mostSimilar and analogy call them.
// Reference: gensim KeyedVectors (most_similar on unit vectors, 3CosAdd analogies).
// Shapes: V words, D values per vector; `vectors` and `unit` are (V, D) row-major.

import { checkPositiveInt } from '../check.js';

/** `vectors` (V, D) with each row scaled to unit length (a zero row stays zero). */
export function unitRows(vectors: Float32Array, V: number, D: number): Float32Array {
  const u = new Float32Array(V * D);
  for (let i = 0; i < V; i++) {
    let norm = 0;
    for (let k = 0; k < D; k++) norm += vectors[i * D + k] ** 2;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let k = 0; k < D; k++) u[i * D + k] = vectors[i * D + k] * scale;
  }
  return u;
}

/**
 * The topn rows of `unit` most cosine-similar to `query` (any length D, not all zero), without
 * the rows in `exclude`, most similar first: [vocab[row], cosine][].
 */
export function nearest(
  op: string, unit: Float32Array, vocab: readonly string[], D: number,
  query: ArrayLike<number>, topn: number, exclude: readonly number[],
): [string, number][] {
  checkPositiveInt(`Word2Vec.${op}`, 'topn', topn);
  let norm = 0;
  for (let k = 0; k < D; k++) norm += query[k] * query[k];
  if (!(norm > 0 && Number.isFinite(norm))) throw new Error(`Word2Vec.${op}: the query vector is zero (or not finite)`);
  const q = Float64Array.from({ length: D }, (_, k) => query[k] / Math.sqrt(norm));
  // keep the best topn in `best`, sorted by descending cosine
  const best: [number, number][] = [];
  for (let i = 0; i < vocab.length; i++) {
    if (exclude.includes(i)) continue;
    let dot = 0;
    for (let k = 0; k < D; k++) dot += unit[i * D + k] * q[k];
    if (best.length === topn && dot <= best[topn - 1][1]) continue;
    let at = best.length;
    while (at > 0 && best[at - 1][1] < dot) at--;
    best.splice(at, 0, [i, dot]);
    if (best.length > topn) best.pop();
  }
  return best.map(([i, cos]) => [vocab[i], cos]);
}
