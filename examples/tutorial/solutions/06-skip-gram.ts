// 06-skip-gram.ts — solutions to the exercises of tutorial chapter 6 (docs/tutorial/06-skip-gram.md),
// checked by test/tutorial/06-skip-gram.test.ts: 6.1 the full-softmax skip-gram loss and its
// gradient by hand, 6.2 the noise distribution count^power, 6.3 analogies by 3CosAdd.
// Shapes: V words, D vector size; wIn, wOut (V, D) row-major Float64Arrays, word w's row at w·D.

/**
 * 6.1 — skip-gram without negative sampling: the center word's x = wIn[center] scores every word,
 * f_w = x·u_w, and the loss is the cross-entropy of softmax(f) against the context word o:
 *   L = −f_o + log Σ_w exp(f_w)
 *   dL/df_w = p_w − [w = o],   dL/du_w = (p_w − [w = o])·x,   dL/dx = Σ_w (p_w − [w = o])·u_w
 * Returns L and the gradients (dIn nonzero only in the center's row).
 */
export function softmaxSkipGram(
  wIn: Float64Array, wOut: Float64Array, D: number, center: number, context: number,
): { loss: number; dIn: Float64Array; dOut: Float64Array } {
  const V = wOut.length / D;
  if (!Number.isInteger(V) || wIn.length !== wOut.length) throw new Error(`softmaxSkipGram: wIn (${wIn.length}) and wOut (${wOut.length}) must both hold V·D numbers, D = ${D}`);
  for (const [name, w] of [['center', center], ['context', context]] as const) {
    if (!Number.isInteger(w) || w < 0 || w >= V) throw new Error(`softmaxSkipGram: ${name} ${w} is outside [0, ${V})`);
  }
  const f = new Float64Array(V);
  for (let w = 0; w < V; w++) for (let c = 0; c < D; c++) f[w] += wIn[center * D + c] * wOut[w * D + c];
  const max = Math.max(...f);
  let z = 0;
  for (let w = 0; w < V; w++) z += Math.exp(f[w] - max);
  const loss = -f[context] + max + Math.log(z);
  const dIn = new Float64Array(wIn.length), dOut = new Float64Array(wOut.length);
  for (let w = 0; w < V; w++) {
    const g = Math.exp(f[w] - max) / z - (w === context ? 1 : 0); // dL/df_w
    for (let c = 0; c < D; c++) {
      dIn[center * D + c] += g * wOut[w * D + c];
      dOut[w * D + c] = g * wIn[center * D + c];
    }
  }
  return { loss, dIn, dOut };
}

/** 6.2 — P(w) = count(w)^power / Σ count^power (word2vec's noise: power 0.75). */
export function noiseDistribution(counts: number[], power = 0.75): number[] {
  counts.forEach((c, w) => { if (!(c > 0)) throw new Error(`noiseDistribution: count of word ${w} must be > 0, got ${c}`); });
  const p = counts.map((c) => Math.pow(c, power));
  const total = p.reduce((a, b) => a + b, 0);
  return p.map((x) => x / total);
}

/**
 * 6.3 — "a is to b as c is to ?": the `topn` words nearest (cosine) to unit(b) − unit(a) + unit(c),
 * leaving out a, b and c (3CosAdd, as nlp.Word2Vec.analogy and gensim). vectors (V, D) row-major.
 */
export function analogy(vectors: ArrayLike<number>, vocab: string[], D: number, a: string, b: string, c: string, topn = 1): [string, number][] {
  const row = (w: string): number => {
    const i = vocab.indexOf(w);
    if (i < 0) throw new Error(`analogy: '${w}' is not in the vocabulary`);
    return i;
  };
  const unit = (i: number): number[] => {
    const v = Array.from({ length: D }, (_, k) => Number(vectors[i * D + k]));
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  const [ua, ub, uc] = [a, b, c].map((w) => unit(row(w)));
  const target = ub.map((x, k) => x - ua[k] + uc[k]);
  const tn = Math.hypot(...target);
  const skip = new Set([a, b, c]);
  return vocab.flatMap((w, i): [string, number][] => {
    if (skip.has(w)) return [];
    const u = unit(i);
    return [[w, u.reduce((s, x, k) => s + x * target[k], 0) / tn]];
  }).sort((x, y) => y[1] - x[1]).slice(0, topn);
}
