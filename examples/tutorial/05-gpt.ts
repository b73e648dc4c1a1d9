// 05-gpt.ts — tutorial chapter 5 (docs/tutorial/05-gpt.md): a small GPT (lib/b-gpt.ts: token +
// position embeddings, pre-LayerNorm Blocks of the chapter-4 attention and an MLP) trained with AdamW
// on a slice of Moby Dick's characters against the bigram baseline; the loss falls from about ln(V);
// then where block 0's heads look (out/tutorial/05-attention.svg, copied to docs/tutorial/images/).
// Shape letters: B batch, T time, C channels, V vocabulary. Run: npx tsx examples/tutorial/05-gpt.ts

import { fileURLToPath } from 'node:url';
import { manualSeed, nn, noGrad, optim, randint, tensor, type Tensor } from '../../src/index.js';
import { mobyDickChapters } from '../lib/text.js';
import { GPT } from './lib/b-gpt.js';
import { attentionSpec, writeSvg } from '../lib/plot.js';
import { num } from './lib/b-print.js';

const started = Date.now();
manualSeed(1337);

// ---- data: the first 250,000 characters, 90% to train on, 10% held out ----------------------------
console.log('## data');
const text = mobyDickChapters().map((c) => c.text).join('\n\n').slice(0, 250_000);
const chars = [...new Set(text)].sort();
const V = chars.length;
const stoi = new Map(chars.map((c, i) => [c, i]));
const encode = (s: string): number[] => Array.from(s, (c) => stoi.get(c)!);
const decode = (ids: number[]): string => ids.map((i) => chars[i]).join('');
const data = Int32Array.from(encode(text));
const n = Math.floor(0.9 * data.length);
const train = data.subarray(0, n), val = data.subarray(n);
console.log(`${data.length} characters, V = ${V} distinct; train ${train.length}, validation ${val.length}`);
console.log(`a uniform guess costs ln(V) = ${num(Math.log(V), 3)} nats per character`);

// ---- the bigram baseline: P(next | current) from counts, add-one smoothed --------------------------
console.log('\n## bigram');
const counts = new Float64Array(V * V).fill(1);
for (let i = 0; i + 1 < train.length; i++) counts[train[i] * V + train[i + 1]]++;
let bigramNll = 0;
for (let i = 0; i + 1 < val.length; i++) {
  let rowSum = 0;
  for (let j = 0; j < V; j++) rowSum += counts[val[i] * V + j];
  bigramNll -= Math.log(counts[val[i] * V + val[i + 1]] / rowSum);
}
console.log(`bigram model (counts): validation loss ${num(bigramNll / (val.length - 1), 3)}`);

// ---- the model ------------------------------------------------------------------------------------
const blockSize = 32, batchSize = 16, steps = 500;
console.log('\n## model');
const model = new GPT({ vocabSize: V, blockSize, nLayer: 2, nHead: 4, nEmbd: 64 });
console.log(`GPT: 2 blocks, 4 heads, C = 64, context ${blockSize}; ${model.parameters().reduce((s, p) => s + p.numel(), 0)} parameters`);

/** Inputs (B, T) from the given start offsets and the targets (B, T): the same windows shifted by one. */
function getBatch(src: Int32Array, starts: ArrayLike<number>): { x: Tensor; y: Tensor } {
  const B = starts.length, x = new Int32Array(B * blockSize), y = new Int32Array(B * blockSize);
  for (let b = 0; b < B; b++) {
    x.set(src.subarray(starts[b], starts[b] + blockSize), b * blockSize);
    y.set(src.subarray(starts[b] + 1, starts[b] + blockSize + 1), b * blockSize);
  }
  return { x: tensor(x, { shape: [B, blockSize] }), y: tensor(y, { shape: [B, blockSize] }) };
}
const lossOf = (x: Tensor, y: Tensor): Tensor => nn.functional.crossEntropy(model.forward(x).reshape(-1, V), y.reshape(-1)); // (B·T, V) vs (B·T)
// a fixed validation set: 20 batches of windows spread evenly over the held-out text
const valBatches = Array.from({ length: 20 }, (_, k) =>
  getBatch(val, Array.from({ length: batchSize }, (_, b) => Math.floor(((k * batchSize + b) / (20 * batchSize)) * (val.length - blockSize - 1)))));
function validationLoss(): number {
  model.eval();
  const total = noGrad(() => valBatches.reduce((s, { x, y }) => s + lossOf(x, y).item(), 0));
  model.train();
  return total / valBatches.length;
}

// ---- training ---------------------------------------------------------------------------------------
const opt = new optim.AdamW(model.parameters(), { lr: 3e-3, weightDecay: 0.01 });
console.log('\n## training');
console.log(`step   0: validation loss ${num(validationLoss(), 3)}`);
let trainSum = 0;
for (let step = 1; step <= steps; step++) {
  const { x, y } = getBatch(train, randint(0, train.length - blockSize - 1, [batchSize]).dataSync());
  const loss = lossOf(x, y);
  opt.zeroGrad();
  loss.backward();
  opt.step();
  trainSum += loss.item();
  if (step % 100 === 0) {
    console.log(`step ${String(step).padStart(3)}: train loss ${num(trainSum / 100, 3)} (mean of the last 100 steps), validation loss ${num(validationLoss(), 3)}`);
    trainSum = 0;
  }
}

// ---- where the heads look ------------------------------------------------------------------------------
model.eval();
console.log('\n## heads');
const phrase = 'Call me Ishmael. Some years ago';
const block0 = model.h.at(0);
const wei = noGrad(() => {
  const x = model.embed(tensor(Int32Array.from(encode(phrase)), { shape: [1, phrase.length] })); // (1, T, C)
  return block0.attn.weights(block0.ln1.forward(x)).squeeze(0); // (nh, T, T)
}).toArray() as number[][][];
const last = phrase.length - 1;
wei.forEach((w, h) => {
  const top = w[last].map((p, s) => [p, s]).sort((a, b) => b[0] - a[0]).slice(0, 3);
  console.log(`block 0, head ${h}: the last '${phrase[last]}' looks at ${top.map(([p, s]) => `'${phrase[s]}' (position ${s}) ${num(p)}`).join(', ')}`);
});
// the same Vega-Lite heat map as the examples' plots (examples/lib/plot.ts); weights rounded to
// 2 decimals so the committed picture does not depend on the last bits of float32
const shown = Array.from(phrase, (c) => (c === ' ' ? '·' : c));
await writeSvg(fileURLToPath(new URL('../../out/tutorial/05-attention.svg', import.meta.url)), attentionSpec(wei.map((w) => w.map((row) => row.map((p) => Math.round(p * 100) / 100))),
  shown.map((_, t) => shown.map((_, s) => s > t)), // the future, masked
  { title: 'block 0: where each head looks (× = masked future)', queries: shown, keys: shown, cell: 11, columns: 2, headName: (h) => `block 0, head ${h}` }));
console.log('wrote out/tutorial/05-attention.svg');

// ---- sampling ----------------------------------------------------------------------------------------
const sample = decode(model.generate(encode('Call me Ishmael. '), 300, 0.8));
console.log(`\n## sample (temperature 0.8)\n${sample}`);
console.error(`05-gpt: ${((Date.now() - started) / 1000).toFixed(1)} s`);
