// b-sgns.ts — skip-gram with negative sampling by hand (tutorial chapter 6): the objective and its
// gradient as plain loops over Float64Arrays (no autograd), one SGD step, the unigram^0.75 noise
// distribution and cosine nearest neighbours. The library's version: src/nlp/skipgram.ts, docs/word2vec.md.
// Shapes: V words, D vector size; wIn, wOut (V, D) row-major, word w's row at w·D; K noise words a pair.
// Reference: Mikolov et al. 2013, "Distributed Representations of Words and Phrases" (arXiv:1310.4546).

const sigmoid = (f: number): number => 1 / (1 + Math.exp(-f));

/** x·u for rows a of `A` and b of `Bm`. */
function dot(A: Float64Array, a: number, Bm: Float64Array, b: number, D: number): number {
  let s = 0;
  for (let c = 0; c < D; c++) s += A[a * D + c] * Bm[b * D + c];
  return s;
}

/**
 * The loss of N pairs and its gradient. Pair i has center word centers[i], whose input vector
 * x = wIn[center] must pick out the output vector of the true context word, targets[i·(K+1)], from
 * those of K noise words, targets[i·(K+1) + 1 … K]:
 *   L = Σ_i [ −log σ(x·u_pos) − Σ_k log σ(−x·u_k) ]
 *   dL/df = σ(f) − label (label 1 for the context word, 0 for noise),  dL/du = dL/df · x,  dL/dx = Σ dL/df · u
 */
export function sgnsLossAndGrad(
  wIn: Float64Array, wOut: Float64Array, D: number, centers: ArrayLike<number>, targets: ArrayLike<number>, K: number,
): { loss: number; dIn: Float64Array; dOut: Float64Array } {
  const N = centers.length;
  if (targets.length !== N * (K + 1)) throw new Error(`sgnsLossAndGrad: ${N} pairs with K = ${K} need ${N * (K + 1)} targets, got ${targets.length}`);
  const dIn = new Float64Array(wIn.length), dOut = new Float64Array(wOut.length);
  let loss = 0;
  for (let i = 0; i < N; i++) {
    const x = centers[i];
    for (let t = 0; t <= K; t++) {
      const u = targets[i * (K + 1) + t], label = t === 0 ? 1 : 0;
      const f = dot(wIn, x, wOut, u, D);
      loss -= Math.log(label ? sigmoid(f) : sigmoid(-f));
      const g = sigmoid(f) - label; // dL/df
      for (let c = 0; c < D; c++) {
        dIn[x * D + c] += g * wOut[u * D + c];
        dOut[u * D + c] += g * wIn[x * D + c];
      }
    }
  }
  return { loss, dIn, dOut };
}

/**
 * One SGD step on one pair's loss, in place: every target's f is taken with the same x, then x moves
 * once by −lr · Σ g·u (u before its own update), as word2vec does. Returns the pair's loss before the step.
 */
export function sgnsStep(wIn: Float64Array, wOut: Float64Array, D: number, center: number, targets: ArrayLike<number>, lr: number): number {
  const dx = new Float64Array(D);
  let loss = 0;
  for (let t = 0; t < targets.length; t++) {
    const u = targets[t], label = t === 0 ? 1 : 0;
    const f = dot(wIn, center, wOut, u, D);
    loss -= Math.log(Math.max(label ? sigmoid(f) : sigmoid(-f), 1e-300));
    const g = sigmoid(f) - label;
    for (let c = 0; c < D; c++) {
      dx[c] += g * wOut[u * D + c];
      wOut[u * D + c] -= lr * g * wIn[center * D + c];
    }
  }
  for (let c = 0; c < D; c++) wIn[center * D + c] -= lr * dx[c];
  return loss;
}

/** The cumulative noise distribution P(w) ∝ count(w)^power (word2vec: power 0.75), for `drawNoise`. */
export function noiseCdf(counts: ArrayLike<number>, power = 0.75): Float64Array {
  const cdf = new Float64Array(counts.length);
  let total = 0;
  for (let w = 0; w < counts.length; w++) cdf[w] = total += Math.pow(counts[w], power);
  for (let w = 0; w < cdf.length; w++) cdf[w] /= total;
  return cdf;
}

/** The word whose cdf interval holds u ∈ [0, 1) (binary search). */
export function drawNoise(cdf: Float64Array, u: number): number {
  let lo = 0, hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] > u) hi = mid; else lo = mid + 1;
  }
  return lo;
}

/** The `topn` words nearest to `word` by cosine of their rows of W, as [word, cosine] (the word itself left out). */
export function nearest(W: ArrayLike<number>, D: number, vocab: string[], word: string, topn: number): [string, number][] {
  const w = vocab.indexOf(word);
  if (w < 0) throw new Error(`nearest: '${word}' is not in the vocabulary`);
  const norm = (r: number): number => Math.sqrt(Array.from({ length: D }, (_, c) => W[r * D + c] ** 2).reduce((a, b) => a + b, 0));
  const nw = norm(w);
  const scored: [string, number][] = [];
  for (let r = 0; r < vocab.length; r++) {
    if (r === w) continue;
    let s = 0;
    for (let c = 0; c < D; c++) s += W[w * D + c] * W[r * D + c];
    scored.push([vocab[r], s / (nw * norm(r))]);
  }
  return scored.sort((a, b) => b[1] - a[1]).slice(0, topn);
}
