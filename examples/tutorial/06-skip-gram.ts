// 06-skip-gram.ts — tutorial chapter 6 (docs/tutorial/06-skip-gram.md): skip-gram with negative
// sampling by hand. The gradient of lib/b-sgns.ts (plain loops, no autograd) checked against
// tensorloom's autograd on a tiny batch; then SGD on the first 60 chapters of Moby Dick with nearest
// neighbours printed, and nlp.Word2Vec trained on the same sentences for comparison.
// Shapes: V words, D vector size, N pairs, K noise words a pair. Run: npx tsx examples/tutorial/06-skip-gram.ts

import { manualSeed, nlp, rand, randn, tensor } from '../../src/index.js';
import { mobyDickChapters } from '../lib/text.js';
import { drawNoise, nearest, noiseCdf, sgnsLossAndGrad, sgnsStep } from './lib/b-sgns.js';
import { below, num } from './lib/b-print.js';

const started = Date.now();
manualSeed(1337);

// ---- 1. the gradient by hand, against autograd -------------------------------------------------
console.log('## gradient-check');
{
  const V = 6, D = 4, K = 2;
  const centers = [0, 2, 4];
  const targets = [1, 3, 5, /**/ 3, 0, 5, /**/ 5, 1, 2]; // per pair: the context word, then K noise words
  const wInT = randn([V, D], { dtype: 'float64' }).mul(0.5).requiresGrad_();
  const wOutT = randn([V, D], { dtype: 'float64' }).mul(0.5).requiresGrad_();

  const hand = sgnsLossAndGrad(wInT.dataSync() as Float64Array, wOutT.dataSync() as Float64Array, D, centers, targets, K);

  const N = centers.length;
  const x = wInT.indexSelect(0, tensor(centers, { dtype: 'int32' })); // (N, D)
  const u = wOutT.indexSelect(0, tensor(targets, { dtype: 'int32' })).reshape(N, K + 1, D); // (N·(K+1), D) -> (N, K+1, D)
  const f = u.mul(x.unsqueeze(1)).sum(-1); // (N, K+1, D) * (N, 1, D) -> (N, K+1)
  const sign = tensor([1, -1, -1], { dtype: 'float64' }); // (K+1): +f for the context word, −f for noise
  const loss = f.mul(sign).sigmoid().log().neg().sum(); // Σ −log σ(±f)
  loss.backward();

  const maxDiff = (a: Float64Array, b: ArrayLike<number>): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
  console.log(`loss by hand ${num(hand.loss, 6)}, by autograd ${num(loss.item(), 6)}`);
  console.log(`max |dL/dW_in difference| ${below(maxDiff(hand.dIn, wInT.grad!.dataSync()))}, max |dL/dW_out difference| ${below(maxDiff(hand.dOut, wOutT.grad!.dataSync()))}`);
  console.log(`rows of dL/dW_in that are not zero: ${Array.from({ length: V }, (_, w) => w).filter((w) => hand.dIn.subarray(w * D, (w + 1) * D).some((g) => g !== 0)).join(', ')}`);
}

// ---- 2. a corpus: the first 60 chapters of Moby Dick --------------------------------------------
console.log('\n## corpus');
const sentences = mobyDickChapters().slice(0, 60).flatMap((c) => nlp.splitSentences(c.text))
  .map((s) => nlp.basicTokenize(s).filter((t) => /^[a-z]+$/.test(t)))
  .filter((s) => s.length > 1);
const freq = new Map<string, number>();
for (const s of sentences) for (const t of s) freq.set(t, (freq.get(t) ?? 0) + 1);
const minCount = 5;
const vocab = [...freq.keys()].filter((w) => freq.get(w)! >= minCount).sort((a, b) => freq.get(b)! - freq.get(a)!); // stable: ties keep first appearance
const index = new Map(vocab.map((w, i) => [w, i]));
const counts = vocab.map((w) => freq.get(w)!);
const corpus = sentences.map((s) => Int32Array.from(s.filter((t) => index.has(t)).map((t) => index.get(t)!)));
const totalWords = corpus.reduce((n, s) => n + s.length, 0);
console.log(`${sentences.length} sentences, ${totalWords} words in a vocabulary of ${vocab.length} (count ≥ ${minCount})`);

const D = 50, window = 4, K = 5, epochs = 5, lr0 = 0.05, sample = 1e-3;
const V = vocab.length;
// uniform numbers come from the global generator (manualSeed), 65,536 at a time
let pool: ArrayLike<number> = new Float32Array(0), next = 0;
const uniform = (): number => {
  if (next === pool.length) { pool = rand([65536]).dataSync(); next = 0; }
  return pool[next++];
};
const wIn = Float64Array.from({ length: V * D }, () => (uniform() - 0.5) / D); // as word2vec: small, uniform
const wOut = new Float64Array(V * D); // zeros: every f starts at 0, σ(f) = 1/2
const cdf = noiseCdf(counts);
// subsampling: word w is kept with probability (sqrt(c/(s·T)) + 1)·(s·T)/c, c its count (word2vec.c's form)
const keep = counts.map((c) => Math.min(1, (Math.sqrt(c / (sample * totalWords)) + 1) * (sample * totalWords) / c));
console.log(`keep probability: '${vocab[0]}' ${num(keep[0])}, '${vocab[9]}' ${num(keep[9])}, '${vocab[99]}' ${num(keep[99])}`);

console.log('\n## training');
const targets = new Int32Array(K + 1);
let done = 0;
for (let epoch = 1; epoch <= epochs; epoch++) {
  let lossSum = 0, pairs = 0;
  for (const s of corpus) {
    const kept = s.filter((w) => uniform() < keep[w]);
    for (let i = 0; i < kept.length; i++) {
      const lr = Math.max(lr0 * (1 - done / (epochs * totalWords)), lr0 * 1e-4); // linear decay over all epochs
      for (let j = Math.max(0, i - window); j <= Math.min(kept.length - 1, i + window); j++) {
        if (j === i) continue;
        targets[0] = kept[j];
        for (let k = 1; k <= K; k++) targets[k] = drawNoise(cdf, uniform());
        lossSum += sgnsStep(wIn, wOut, D, kept[i], targets, lr);
        pairs++;
      }
    }
    done += s.length;
  }
  console.log(`epoch ${epoch}: ${pairs} pairs, mean loss per pair ${num(lossSum / pairs, 3)}`);
}

const probe = ['whale', 'ship', 'sea', 'captain', 'queequeg'];
const show = (nn: [string, number][]): string => nn.map(([w, c]) => `${w} ${num(c)}`).join(', ');
console.log('\n## neighbours (cosine), vectors trained by hand');
for (const w of probe) console.log(`  ${w.padEnd(9)} ${show(nearest(wIn, D, vocab, w, 5))}`);

// ---- 3. the library's Word2Vec on the same sentences ----------------------------------------------
const w2v = new nlp.Word2Vec({ vectorSize: D, window, negative: K, minCount, sample, alpha: lr0, epochs, seed: 1 });
w2v.trainSync(sentences);
console.log(`\n## word2vec — nlp.Word2Vec on the same sentences (vocabulary ${w2v.vocab.length})`);
for (const w of probe) console.log(`  ${w.padEnd(9)} ${show(w2v.mostSimilar(w, 5))}`);
const overlap = probe.map((w) => {
  const mine = new Set(nearest(wIn, D, vocab, w, 10).map(([x]) => x));
  return w2v.mostSimilar(w, 10).filter(([x]) => mine.has(x)).length;
});
console.log(`shared words among the 10 nearest: ${probe.map((w, i) => `${w} ${overlap[i]}`).join(', ')}`);
console.error(`06-skip-gram: ${((Date.now() - started) / 1000).toFixed(1)} s`);
