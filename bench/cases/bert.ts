// bert.ts — one training step of `npm start`'s BERT (examples/main.ts, examples/lib/bert-pretrain.ts),
// in ms per step, tensorloom only (tfjs has no BERT to compare with; the targets compare its
// backends: bench/targets.ts):
//   bert-train-step  BertForPreTraining(vocab 3000, hidden 64, 2 layers, 4 heads, FFN 256, max 64
//                    positions, no dropout, init range 0.06) on a batch of 16 pairs x 64 tokens:
//                    encoder forward with token types and attention mask, the MLM head at the masked
//                    positions only (gathered from the encoder output) + the NSP head on the pooled
//                    [CLS], both cross-entropies summed; backward; clipGradNorm 1; AdamW lr 4e-3, wd 0.01
// as the example's loop does each step (less its progress bar, running loss and LR schedule).
// The batch is synthetic but shaped like the example's: [CLS] A [SEP] B [SEP] packed to 48-64 tokens
// and padded to 64, ids drawn from the 2995 non-special tokens, masked by nlp.maskTokens (15%,
// 80/10/10) under a fixed seed, half the pairs labelled not-next. Every column trains from the same
// initial weights on the same batch; the check takes one step from them and compares the losses.

import * as tl from '../../src/index.js';
import { randomInts, rng } from '../data.js';
import type { BenchCase, Runner, TensorloomContext } from '../types.js';

const B = 16, T = 64, V = 3000, H = 64, LAYERS = 2, HEADS = 4, SEED = 1200;
const [PAD, CLS, SEP, MASK] = [0, 2, 3, 4]; // BERT_SPECIALS order: [PAD] [UNK] [CLS] [SEP] [MASK]
const SPECIALS = [0, 1, 2, 3, 4];

const config = (): tl.nlp.BertForPreTraining =>
  new tl.nlp.BertForPreTraining({
    vocabSize: V, hiddenSize: H, numHiddenLayers: LAYERS, numAttentionHeads: HEADS, intermediateSize: 4 * H,
    maxPositionEmbeddings: T, hiddenDropoutProb: 0, attentionProbsDropoutProb: 0, initializerRange: 0.06,
  });

interface HostBatch {
  ids: Int32Array; // masked input ids (B, T)
  types: Int32Array; // (B, T)
  mask: Int32Array; // attention mask (B, T)
  positions: Int32Array; // flat positions of the masked tokens (M)
  labels: Int32Array; // their original ids (M)
  nsp: Int32Array; // (B): 0 = B follows A
}

let cache: { params: { data: Float32Array; shape: number[] }[]; batch: HostBatch } | null = null;

/** The initial weights (host copies, parameters() order) and the batch, made once. */
function setup(): NonNullable<typeof cache> {
  if (cache) return cache;
  tl.manualSeed(SEED);
  const params = config().parameters().map((p) => ({ data: Float32Array.from(p.dataSync()), shape: [...p.shape] }));
  const r = rng(SEED + 1);
  const words = randomInts(B * T, SEED + 2, V - SPECIALS.length);
  const ids = new Int32Array(B * T).fill(PAD), types = new Int32Array(B * T), mask = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const len = 48 + Math.floor(r() * (T - 48 + 1)); // tokens in the pair, specials included
    const lenA = 1 + Math.floor(r() * (len - 4)); // A's pieces; B gets len - 3 - lenA >= 1
    const row = b * T;
    ids[row] = CLS;
    for (let i = 1; i < len; i++) ids[row + i] = SPECIALS.length + words[row + i];
    ids[row + 1 + lenA] = SEP;
    ids[row + len - 1] = SEP;
    types.fill(1, row + 2 + lenA, row + len);
    mask.fill(1, row, row + len);
  }
  tl.manualSeed(SEED + 3);
  const masked = tl.nlp.maskTokens(tl.tensor(ids, { shape: [B, T] }), { vocabSize: V, maskTokenId: MASK, specialTokenIds: SPECIALS });
  const flat = masked.labels.dataSync();
  const positions = Int32Array.from(Array.from(flat).flatMap((l, i) => (l === -100 ? [] : [i])));
  const nsp = randomInts(B, SEED + 4, 2);
  cache = {
    params,
    batch: { ids: Int32Array.from(masked.inputIds.dataSync()), types, mask, positions, labels: Int32Array.from(positions, (i) => flat[i]), nsp },
  };
  return cache;
}

function bertRunner({ finish }: TensorloomContext): Runner {
  const { params: init, batch } = setup();
  const model = config();
  const params = model.parameters();
  if (params.length !== init.length) throw new Error(`bert-train-step: ${params.length} parameters, expected ${init.length}`);
  const reset = (): void => tl.noGrad(() => params.forEach((p, i) => p.copy_(tl.tensor(init[i].data, { shape: init[i].shape }))));
  reset();
  const newOptimizer = (): tl.optim.Optimizer => new tl.optim.AdamW(params, { lr: 4e-3, weightDecay: 0.01 });
  let opt = newOptimizer();
  const ce = new tl.nn.CrossEntropyLoss();
  const ids = tl.tensor(batch.ids, { shape: [B, T] }), types = tl.tensor(batch.types, { shape: [B, T] });
  const mask = tl.tensor(batch.mask, { shape: [B, T] }), nsp = tl.tensor(batch.nsp);
  const positions = tl.tensor(batch.positions), labels = tl.tensor(batch.labels); // (M), (M)
  const loss = (): tl.Tensor => {
    const { lastHiddenState, poolerOutput } = model.bert.forward(ids, { tokenTypeIds: types, attentionMask: mask }); // (B, T, H), (B, H)
    const h = lastHiddenState.reshape(-1, H).indexSelect(0, positions); // (M, H)
    const mlm = model.cls.predictions.forward(h); // (M, V)
    return ce.forward(mlm, labels).add(ce.forward(model.cls.seqRelationship.forward(poolerOutput), nsp)); // MLM + NSP
  };
  const step = (): tl.Tensor => {
    const l = loss();
    opt.zeroGrad();
    l.backward();
    tl.nn.utils.clipGradNorm(params, 1.0);
    opt.step();
    return l;
  };
  return {
    run: () => {
      finish(step());
      for (const p of params) finish(p);
    },
    // loss before and after one step from the initial weights, and the drop in percent
    check: () => {
      reset();
      opt = newOptimizer();
      const before = step().item();
      const after = tl.noGrad(() => loss().item());
      return [before, after, (100 * (before - after)) / before];
    },
  };
}

export const bertCases: BenchCase[] = [
  {
    name: 'bert-train-step',
    description: `npm start's BERT step: BertForPreTraining (vocab ${V}, hidden ${H}, ${LAYERS} layers, ${HEADS} heads, FFN ${4 * H}, no dropout), batch ${B} x ${T} tokens, MLM at the masked positions + NSP, backward, clipGradNorm 1, AdamW lr 4e-3`,
    timing: { warmupCalls: 1, minSamples: 3 },
    tensorloom: (ctx) => bertRunner(ctx),
  },
];
