// char-lm.ts — `npm run example:char-lm`: a character-level language model of Moby Dick.
// A small causal Transformer (default) or an LSTM (--model lstm) learns to predict the next
// character; the progress bar shows the training loss, validation loss and perplexity are
// reported as they fall, and finally text is sampled with a temperature. Plots: the training
// curves (out/char-lm-curves.svg) and, for the Transformer, every head's attention on a sample
// string with the causal mask (out/char-lm-attention.svg); see docs/plots.md.
// Flags: --model transformer|lstm  --steps N  --seq T  --batch B  --temperature t  --backend wasm|cpu|gpujs  --threads N
// Shapes: B batch, T sequence length, C embedding width, V vocabulary (distinct characters).

import { manualSeed, multinomial, nn, noGrad, optim, randint, tensor, type Tensor } from '../src/index.js';
import { useBackend } from './lib/backend.js';
import { mobyDickChapters } from './lib/text.js';
import { ProgressBar } from './lib/progress.js';
import { flag } from './lib/flags.js';
import { History } from './lib/history.js';
import { attentionSpec, curvesSpec, writeSvg } from './lib/plot.js';


/** Token embedding + sinusoidal positions → causal pre-norm Transformer encoder → logits. */
class TransformerLM extends nn.Module {
  embed: nn.Embedding;
  pos: nn.PositionalEncoding;
  encoder: nn.TransformerEncoder;
  norm: nn.LayerNorm;
  head: nn.Linear;
  constructor(V: number, C: number, heads: number, layers: number, maxLen: number) {
    super();
    this.embed = this.registerModule('embed', new nn.Embedding(V, C));
    this.pos = this.registerModule('pos', new nn.PositionalEncoding(C, { maxLen, dropout: 0, batchFirst: true }));
    const layer = new nn.TransformerEncoderLayer(C, heads, { dimFeedforward: 4 * C, dropout: 0, batchFirst: true, normFirst: true });
    this.encoder = this.registerModule('encoder', new nn.TransformerEncoder(layer, layers));
    this.norm = this.registerModule('norm', new nn.LayerNorm(C));
    this.head = this.registerModule('head', new nn.Linear(C, V));
  }
  forward(ids: Tensor): Tensor {
    const x = this.pos.forward(this.embed.forward(ids)); // (B, T, C)
    const h = this.encoder.forward(x, { isCausal: true }); // (B, T, C), position t sees 0..t
    return this.head.forward(this.norm.forward(h)); // (B, T, V)
  }
}

/** Token embedding → LSTM → logits. */
class LstmLM extends nn.Module {
  embed: nn.Embedding;
  lstm: nn.LSTM;
  head: nn.Linear;
  constructor(V: number, C: number, hidden: number) {
    super();
    this.embed = this.registerModule('embed', new nn.Embedding(V, C));
    this.lstm = this.registerModule('lstm', new nn.LSTM(C, hidden, { batchFirst: true }));
    this.head = this.registerModule('head', new nn.Linear(hidden, V));
  }
  forward(ids: Tensor): Tensor {
    const [h] = this.lstm.forward(this.embed.forward(ids)); // (B, T, H)
    return this.head.forward(h); // (B, T, V)
  }
}

const kind = flag('model', 'transformer');
const steps = Number(flag('steps', '600'));
const T = Number(flag('seq', '64'));
const B = Number(flag('batch', '16'));
const temperature = Number(flag('temperature', '0.8'));
await useBackend(flag);
manualSeed(0);

// ---- data: characters of the whole book, 90% train / 10% validation -------------------------
const text = mobyDickChapters().map((c) => c.text).join('\n\n');
const chars = [...new Set(text)].sort();
const V = chars.length;
const toId = new Map(chars.map((c, i) => [c, i]));
const ids = Int32Array.from(text, (c) => toId.get(c)!);
const cut = Math.floor(ids.length * 0.9);
const trainIds = ids.subarray(0, cut), valIds = ids.subarray(cut);
console.log(`Moby Dick: ${ids.length} characters, vocabulary ${V}; train ${trainIds.length}, validation ${valIds.length}`);

/** B random windows of T+1 characters: inputs (B, T) and next-character targets (B, T). */
function batch(src: Int32Array, starts: number[]): { x: Tensor; y: Tensor } {
  const x = new Int32Array(starts.length * T), y = new Int32Array(starts.length * T);
  starts.forEach((s, b) => { x.set(src.subarray(s, s + T), b * T); y.set(src.subarray(s + 1, s + T + 1), b * T); });
  return { x: tensor(x, { shape: [starts.length, T] }), y: tensor(y, { shape: [starts.length, T] }) };
}
const randomStarts = (src: Int32Array): number[] => Array.from(randint(0, src.length - T - 1, [B]).dataSync());
// a fixed validation set: 16 batches spread evenly over the held-out text
const valBatches = Array.from({ length: 16 }, (_, k) =>
  batch(valIds, Array.from({ length: B }, (_, b) => Math.floor(((k * B + b) / (16 * B)) * (valIds.length - T - 1)))));

const model: nn.Module & { forward(ids: Tensor): Tensor } = kind === 'lstm' ? new LstmLM(V, 64, 256) : new TransformerLM(V, 64, 4, 2, T);
const nParams = model.parameters().reduce((s, p) => s + p.numel(), 0);
console.log(`${kind} language model: ${nParams} parameters; ${steps} steps of ${B}x${T} characters`);
const lr = Number(flag('lr', '0.01'));
const opt = new optim.AdamW(model.parameters(), { lr, weightDecay: 0.01 });
const schedule = new optim.lrScheduler.OneCycleLR(opt, { maxLr: lr, totalSteps: steps, pctStart: Math.max(0.1, 2 / steps) });
const lossFn = new nn.CrossEntropyLoss();

function validationLoss(): number {
  model.eval();
  const total = noGrad(() => valBatches.reduce((s, { x, y }) => s + lossFn.forward(model.forward(x).reshape(-1, V), y.reshape(-1)).item(), 0));
  model.train();
  return total / valBatches.length;
}

// ---- training --------------------------------------------------------------------------------
const bar = new ProgressBar('train', steps, 'step');
let running = Math.log(V), val = validationLoss();
const history = new History();
history.log(0, { 'validation loss': val });
console.log(`before training: validation loss ${val.toFixed(3)} nats/char, perplexity ${Math.exp(val).toFixed(1)}`);
for (let step = 1; step <= steps; step++) {
  const { x, y } = batch(trainIds, randomStarts(trainIds));
  const logits = model.forward(x); // (B, T, V)
  const loss = lossFn.forward(logits.reshape(-1, V), y.reshape(-1)); // mean over B·T characters
  const lossValue = loss.item();
  history.log(step, { 'training loss (batch)': lossValue, 'learning rate': opt.paramGroups[0].lr });
  opt.zeroGrad();
  loss.backward();
  nn.utils.clipGradNorm(model.parameters(), 1.0);
  opt.step();
  schedule.step();
  running = 0.95 * running + 0.05 * lossValue;
  bar.update(step, { loss: running, 'val loss': val });
  if (step % 100 === 0 || step === steps) {
    val = validationLoss();
    history.log(step, { 'validation loss': val });
    console.log(`step ${step}: train loss ${running.toFixed(3)}, validation loss ${val.toFixed(3)} nats/char, perplexity ${Math.exp(val).toFixed(2)} (${bar.seconds.toFixed(0)} s)`);
  }
}

// ---- sampling ----------------------------------------------------------------------------------
/** Draws one index from softmax(logits / temperature). */
function sampleFrom(logits: Tensor): number {
  return multinomial(logits.div(temperature).softmax(-1), 1).item();
}
model.eval();
const prompt = 'Call me Ishmael. ';
let context = Array.from(prompt, (c) => toId.get(c) ?? 0);
let out = prompt;
noGrad(() => {
  for (let k = 0; k < 300; k++) {
    const window = context.slice(-T);
    const logits = model.forward(tensor(Int32Array.from(window), { shape: [1, window.length] })); // (1, t, V)
    const next = sampleFrom(logits.select(1, window.length - 1).squeeze(0)); // last position's (V,)
    context.push(next);
    out += chars[next];
  }
});
console.log(`\nsample (temperature ${temperature}):\n${out}\n`);
console.log(`final validation loss ${val.toFixed(3)} nats/char (perplexity ${Math.exp(val).toFixed(2)}) after ${bar.seconds.toFixed(0)} s`);

// ---- plots -------------------------------------------------------------------------------------
/**
 * Every layer's per-head attention weights on one string, read from the trained model with the
 * causal mask: the layer input runs through norm1 (pre-norm) into selfAttn with needWeights.
 * Returns (layers · nh, T, T) weights, layer by layer.
 */
function attentionMaps(lm: TransformerLM, sample: string): number[][][] {
  const x0 = tensor(Int32Array.from(sample, (c) => toId.get(c) ?? 0), { shape: [1, sample.length] }); // (1, T)
  return noGrad(() => {
    let x = lm.pos.forward(lm.embed.forward(x0)); // (1, T, C)
    const maps: number[][][] = [];
    for (const layer of lm.encoder.layers) {
      const n = layer.norm1.forward(x);
      const [, w] = layer.selfAttn.forward(n, n, n, { isCausal: true, needWeights: true, averageAttnWeights: false }); // (1, nh, T, T)
      maps.push(...(w!.squeeze(0).toArray() as number[][][]));
      x = layer.forward(x, { isCausal: true }); // (1, T, C)
    }
    return maps;
  });
}

const tPlot = Date.now();
await writeSvg('out/char-lm-curves.svg', curvesSpec(history.curves({
  'loss (nats/char)': ['training loss (batch)', 'validation loss'],
  'learning rate': ['learning rate'],
}, ['validation loss']), { title: `Character-level ${kind} language model on Moby Dick (${steps} steps, batch ${B}×${T})` }));
console.log('plotted out/char-lm-curves.svg');
if (model instanceof TransformerLM) {
  const sample = 'Call me Ishmael. Some years';
  const maps = attentionMaps(model, sample);
  const shown = Array.from(sample, (c) => (c === ' ' ? '␣' : c === '\n' ? '⏎' : c));
  const heads = maps.length / model.encoder.layers.length;
  await writeSvg('out/char-lm-attention.svg', attentionSpec(maps, shown.map((_, i) => shown.map((_, j) => j > i)), {
    title: `Character LM: attention of every head on "${sample}" (× = masked by causality)`,
    queries: shown, keys: shown, cell: 11, columns: heads, headName: (h) => `layer ${Math.floor(h / heads)}, head ${h % heads}`,
  }));
  console.log('plotted out/char-lm-attention.svg');
}
console.log(`plots: ${((Date.now() - tPlot) / 1000).toFixed(1)} s`);
