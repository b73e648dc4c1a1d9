// bert-pretrain.ts — the BERT half of `npm start`: a WordPiece vocabulary and a small BERT
// pretrained with masked-LM + next-sentence prediction on the State of the Union addresses.
// As in the original BERT code, the MLM head runs only at the masked positions (gathered
// from the encoder output), which is where the loss is; the NSP head reads the pooled [CLS].
// The word embeddings can start from skip-gram vectors trained on the same training text
// (tensorloom's Word2Vec): without them a small BERT sits on the NSP plateau for thousands of
// steps (docs/bert-pretraining.md §6). It records per-step losses and learning rate for the
// training-curve plot and reads one layer's attention maps back for the attention plot.
// Shapes: B batch, T sequence length, H hidden size, V vocabulary, M masked positions, nh heads, hs = H / nh.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { manualSeed, nlp, nn, noGrad, optim, randperm, tensor, type Tensor } from '../../src/index.js';
import { saveFile } from '../../src/node.js';
import { sotuAddresses } from './text.js';
import { ProgressBar, trainWord2VecWithProgress } from './progress.js';
import { History } from './history.js';

export interface BertDemoOptions {
  steps: number;
  batch: number;
  maxLen: number;
  vocabSize: number;
  evalEvery: number;
  hidden: number;
  layers: number;
  heads: number;
  /** peak learning rate, reached after `warmup` of the steps and decayed linearly to 0 (BERT's schedule) */
  lr: number;
  /** fraction of the steps spent warming up (default 0.1) */
  warmup?: number;
  /** hidden and attention dropout (default 0.1, BERT's) */
  dropout?: number;
  /** std of the initial weights (default 0.02, BERT's, which was sized for H = 768) */
  initializerRange?: number;
  /** number of held-out pairs scored at each evaluation (default 512) */
  evalPairs?: number;
  /** where to save the weights (default out/bert-sotu.safetensors; null: don't) */
  save?: string | null;
  /** start the word embeddings from Word2Vec vectors trained for `epochs` on the training
   *  addresses' WordPiece tokens, each row scaled to RMS `rms` (default null: BERT's random init) */
  wordVectors?: { epochs: number; rms: number } | null;
}

export interface BertDemoResult {
  mlmAcc: number;
  nspAcc: number;
  /** accuracy of always predicting the most frequent masked token */
  mlmBaseline: number;
  seconds: number;
  secondsTraining: number;
  history: { step: number; seconds: number; loss: number; mlmAcc: number; nspAcc: number }[];
  /** number of held-out NSP pairs scored */
  evalPairs: number;
  /** per step: 'MLM loss', 'NSP loss', 'learning rate'; per evaluation (step 0 too): 'held-out MLM accuracy', 'held-out NSP accuracy' */
  curves: History;
  /** the trained model, its vocabulary and a held-out true-continuation pair, for the attention plot */
  model: nlp.BertForPreTraining;
  vocab: nlp.Vocab;
  samplePair: nlp.NspPair;
}

/**
 * Copies word vectors into an embedding table: row `vocab.tokenToId(w)` = vector(w) scaled to
 * RMS `rms` (√(Σ v²/H) = rms), for every vocabulary token the Word2Vec model knows; other rows
 * (special tokens, pieces too rare to train) are left as they are. Returns how many rows it set.
 *
 * Shape: weight (V, H) with V = vocab.size and H = w2v.vectorSize.
 */
export function copyWordVectors(weight: Tensor, vocab: nlp.Vocab, w2v: nlp.Word2Vec, rms: number): number {
  const [V, H] = weight.shape;
  if (V !== vocab.size || H !== w2v.vectorSize) {
    throw new Error(`copyWordVectors: embedding (${V}, ${H}) does not match vocabulary ${vocab.size} × vector size ${w2v.vectorSize}`);
  }
  const rows = weight.dataSync(); // (V, H), a host copy
  let set = 0;
  for (let id = 0; id < V; id++) {
    const word = vocab.idToToken(id);
    if (!w2v.has(word)) continue;
    const v = w2v.vector(word);
    const vRms = Math.sqrt(v.reduce((s, x) => s + x * x, 0) / H);
    const scale = vRms > 0 ? rms / vRms : 0; // an all-zero vector stays zero
    for (let h = 0; h < H; h++) rows[id * H + h] = v[h] * scale;
    set++;
  }
  noGrad(() => weight.copy_(tensor(rows, { shape: [V, H], dtype: weight.dtype })));
  return set;
}

interface Batch { ids: Tensor; types: Tensor; mask: Tensor; nsp: Tensor }

export function pretrainBert(o: BertDemoOptions): BertDemoResult {
  manualSeed(0);
  const t0 = Date.now();
  // ---- corpus: addresses → sentences → WordPiece tokens; every 10th address held out, so the
  // held-out addresses span the same two centuries as the training ones ----
  const addresses = sotuAddresses();
  const train = addresses.filter((_, i) => i % 10 !== 9), heldOut = addresses.filter((_, i) => i % 10 === 9);
  const tokenizer = nlp.WordPieceTokenizer.train(train.map((a) => a.text), { vocabSize: o.vocabSize });
  const vocab = tokenizer.vocab;
  const toDocs = (list: typeof addresses): string[][][] => list.map((a) => nlp.splitSentences(a.text).map((s) => tokenizer.tokenize(s)));
  const trainDocs = toDocs(train);
  const ordered = nlp.makeNspPairs(trainDocs, { maxLen: o.maxLen });
  const trainPairs = Array.from(randperm(ordered.length).dataSync(), (i) => ordered[i]); // shuffled once (pairs come in document order)
  // held-out pairs, exactly half of them true continuations: a constant NSP answer scores 50%
  const heldOutPairs = nlp.makeNspPairs(toDocs(heldOut), { maxLen: o.maxLen });
  const shuffled = Array.from(randperm(heldOutPairs.length).dataSync(), (i) => heldOutPairs[i]);
  const half = Math.floor((o.evalPairs ?? 512) / 2);
  const evalPairs = [...shuffled.filter((p) => p.isNext).slice(0, half), ...shuffled.filter((p) => !p.isNext).slice(0, half)];
  console.log(`SOTU: ${train.length} training and ${heldOut.length} held-out addresses, WordPiece vocabulary ${vocab.size}; ${trainPairs.length} training pairs, ${evalPairs.length} held-out pairs (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

  /** Packs pairs as [CLS] A [SEP] B [SEP], padded to maxLen: ids, token types, attention mask, NSP label. */
  const makeBatch = (pairs: nlp.NspPair[]): Batch => {
    const B = pairs.length, T = o.maxLen;
    const ids = new Int32Array(B * T).fill(vocab.padId), types = new Int32Array(B * T), mask = new Int32Array(B * T);
    pairs.forEach((p, b) => {
      const { tokens, tokenTypeIds } = nlp.packPair(p.tokensA, p.tokensB, { maxLen: T });
      ids.set(vocab.encode(tokens), b * T);
      types.set(tokenTypeIds, b * T);
      mask.fill(1, b * T, b * T + tokens.length);
    });
    const nsp = Int32Array.from(pairs, (p) => (p.isNext ? 0 : 1)); // HF: 0 = B follows A
    return { ids: tensor(ids, { shape: [B, T] }), types: tensor(types, { shape: [B, T] }), mask: tensor(mask, { shape: [B, T] }), nsp: tensor(nsp) };
  };
  const specialTokenIds = [vocab.padId, vocab.unkId, vocab.clsId, vocab.sepId, vocab.maskId];
  const mask = (ids: Tensor): { inputIds: Tensor; labels: Tensor } =>
    nlp.maskTokens(ids, { vocabSize: vocab.size, maskTokenId: vocab.maskId, specialTokenIds });

  const dropout = o.dropout ?? 0.1;
  const model = new nlp.BertForPreTraining({
    vocabSize: vocab.size, hiddenSize: o.hidden, numHiddenLayers: o.layers, numAttentionHeads: o.heads, intermediateSize: 4 * o.hidden,
    maxPositionEmbeddings: o.maxLen, hiddenDropoutProb: dropout, attentionProbsDropoutProb: dropout, initializerRange: o.initializerRange ?? 0.02,
  });
  if (o.wordVectors) {
    // skip-gram vectors of the training text place word pieces by topic and era, which is what
    // NSP on these addresses has to compare; Word2Vec's own defaults otherwise (window 5, 5 negatives)
    const { epochs, rms } = o.wordVectors;
    const sentences = trainDocs.flat();
    const w2v = new nlp.Word2Vec({ vectorSize: o.hidden, minCount: 1, epochs, seed: 1 });
    const t1 = Date.now();
    trainWord2VecWithProgress(w2v, sentences, 'word vectors');
    const set = copyWordVectors(model.bert.embeddings.wordEmbeddings.weight, vocab, w2v, rms);
    console.log(`word embeddings: ${set} of ${vocab.size} rows from Word2Vec (${epochs} epochs on ${sentences.length} training sentences, RMS ${rms}) in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  }
  console.log(`BERT: ${o.layers} layers, hidden ${o.hidden}, ${o.heads} heads, ${model.parameters().reduce((s, p) => s + p.numel(), 0)} parameters; batch ${o.batch} × ${o.maxLen} tokens, ${o.steps} steps`);

  /** MLM logits at the masked positions only: (M, V), with their labels (M). */
  const forward = (b: Batch, inputIds: Tensor, labels: Tensor): { mlm: Tensor; mlmLabels: Tensor; nsp: Tensor } => {
    const { lastHiddenState, poolerOutput } = model.bert.forward(inputIds, { tokenTypeIds: b.types, attentionMask: b.mask }); // (B, T, H), (B, H)
    const flat = labels.reshape(-1); // (B·T)
    const positions = tensor(Int32Array.from(Array.from(flat.dataSync()).flatMap((l, i) => (l === -100 ? [] : [i])))); // (M)
    const h = lastHiddenState.reshape(-1, lastHiddenState.shape[2]).indexSelect(0, positions); // (M, H)
    return { mlm: model.cls.predictions.forward(h), mlmLabels: flat.indexSelect(0, positions), nsp: model.cls.seqRelationship.forward(poolerOutput) };
  };

  // a fixed, seeded masking of the held-out pairs, so every evaluation scores the same positions
  const evalBatch = makeBatch(evalPairs);
  manualSeed(1);
  const evalMasked = mask(evalBatch.ids);
  const evaluate = (): { mlmAcc: number; nspAcc: number } => {
    model.eval();
    const r = noGrad(() => {
      const out = forward(evalBatch, evalMasked.inputIds, evalMasked.labels);
      return {
        mlmAcc: out.mlm.argmax(-1).eq(out.mlmLabels).to('float32').mean().item(),
        nspAcc: out.nsp.argmax(-1).eq(evalBatch.nsp).to('float32').mean().item(),
      };
    });
    model.train();
    return r;
  };
  // chance levels: always predicting the most frequent masked token, and a coin for NSP
  const labelCounts = new Map<number, number>();
  for (const l of Array.from(evalMasked.labels.dataSync())) if (l !== -100) labelCounts.set(l, (labelCounts.get(l) ?? 0) + 1);
  const nMasked = [...labelCounts.values()].reduce((a, b) => a + b, 0);
  const mlmBaseline = Math.max(...labelCounts.values()) / nMasked;
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const chance = `chance 50% ± ${pct(0.5 / Math.sqrt(evalPairs.length))}`; // one standard error of a coin over the pairs
  let m = evaluate();
  const curves = new History();
  curves.log(0, { 'held-out MLM accuracy': m.mlmAcc, 'held-out NSP accuracy': m.nspAcc });
  console.log(`held out: ${nMasked} masked tokens (baseline: the most frequent token, ${pct(mlmBaseline)}), ${evalPairs.length} pairs (${chance}); before training MLM ${pct(m.mlmAcc)}, NSP ${pct(m.nspAcc)}`);

  // AdamW; lr warms up linearly over the first `warmup` of the steps, then decays linearly to 0
  const opt = new optim.AdamW(model.parameters(), { lr: o.lr, weightDecay: 0.01 });
  const warmupSteps = Math.max(1, Math.round((o.warmup ?? 0.1) * o.steps));
  const schedule = new optim.lrScheduler.LambdaLR(opt, (t) => (t < warmupSteps ? (t + 1) / warmupSteps : Math.max(0, (o.steps - t) / (o.steps - warmupSteps))));
  const ce = new nn.CrossEntropyLoss();
  const history: BertDemoResult['history'] = [];
  const bar = new ProgressBar('BERT', o.steps, 'step');
  let running = 0, nspTrain = 0.5;
  for (let step = 1; step <= o.steps; step++) {
    const start = ((step - 1) * o.batch) % Math.max(1, trainPairs.length - o.batch);
    const b = makeBatch(trainPairs.slice(start, start + o.batch));
    const { inputIds, labels } = mask(b.ids);
    const out = forward(b, inputIds, labels);
    const mlmLoss = ce.forward(out.mlm, out.mlmLabels), nspLoss = ce.forward(out.nsp, b.nsp);
    const loss = mlmLoss.add(nspLoss); // MLM + NSP
    const lossValue = loss.item();
    curves.log(step, { 'MLM loss': mlmLoss.item(), 'NSP loss': nspLoss.item(), 'learning rate': opt.paramGroups[0].lr });
    opt.zeroGrad();
    loss.backward();
    nn.utils.clipGradNorm(model.parameters(), 1.0);
    opt.step();
    schedule.step();
    running = step === 1 ? lossValue : 0.95 * running + 0.05 * lossValue;
    nspTrain = 0.95 * nspTrain + 0.05 * out.nsp.argmax(-1).eq(b.nsp).to('float32').mean().item();
    bar.update(step, { loss: running, 'NSP (train batches)': nspTrain, 'held-out MLM': m.mlmAcc, NSP: m.nspAcc });
    if (step % o.evalEvery === 0 || step === o.steps) {
      m = evaluate();
      history.push({ step, seconds: bar.seconds, loss: running, ...m });
      curves.log(step, { 'held-out MLM accuracy': m.mlmAcc, 'held-out NSP accuracy': m.nspAcc });
      console.log(`step ${step} (${bar.seconds.toFixed(0)} s): loss ${running.toFixed(3)}, held-out MLM accuracy ${pct(m.mlmAcc)} (baseline ${pct(mlmBaseline)}), NSP accuracy ${pct(m.nspAcc)} (${chance})`);
    }
  }
  const secondsTraining = bar.seconds;
  const save = o.save === undefined ? 'out/bert-sotu.safetensors' : o.save;
  if (save) {
    mkdirSync(dirname(save), { recursive: true });
    saveFile(save, model.stateDict(), { model: 'BertForPreTraining', vocab_size: String(vocab.size) });
    console.log(`saved ${save} (Hugging Face BertForPreTraining key names)`);
  }
  return {
    ...m, mlmBaseline, seconds: (Date.now() - t0) / 1000, secondsTraining, history, evalPairs: evalPairs.length,
    curves, model, vocab, samplePair: evalPairs.find((p) => p.isNext) ?? evalPairs[0],
  };
}

/**
 * One BERT layer's per-head attention weights on one sentence pair (BertModel's
 * outputAttentions, as HF's output_attentions), with the pair packed to `maxLen` and padded with
 * `pad` [PAD] tokens so the padding mask shows. masked[i][j] is true where key j is padding.
 *
 * Shape: weights (nh, T, T) with T = packed length + pad.
 */
export function bertAttentionMaps(model: nlp.BertForPreTraining, vocab: nlp.Vocab, pair: nlp.NspPair, o: { layer: number; maxLen: number; pad: number }): {
  tokens: string[]; weights: number[][][]; masked: boolean[][];
} {
  const { tokens: packed, tokenTypeIds } = nlp.packPair(pair.tokensA, pair.tokensB, { maxLen: o.maxLen });
  const tokens = [...packed, ...Array<string>(o.pad).fill(vocab.idToToken(vocab.padId))];
  const T = tokens.length, layers = model.bert.encoder.layer.length;
  if (o.layer < 0 || o.layer >= layers) throw new Error(`bertAttentionMaps: layer ${o.layer} is not one of the model's ${layers} layers`);
  const keep = [...Array<number>(packed.length).fill(1), ...Array<number>(o.pad).fill(0)];
  const wasTraining = model.training;
  model.eval();
  const { attentions } = noGrad(() => model.bert.forward(tensor(vocab.encode(tokens), { shape: [1, T], dtype: 'int32' }), {
    tokenTypeIds: tensor([...tokenTypeIds, ...Array<number>(o.pad).fill(0)], { shape: [1, T], dtype: 'int32' }),
    attentionMask: tensor(keep, { shape: [1, T], dtype: 'int32' }),
    outputAttentions: true,
  }));
  model.train(wasTraining);
  const weights = attentions![o.layer].squeeze(0).toArray() as number[][][]; // (1, nh, T, T) -> (nh, T, T)
  return { tokens, weights, masked: tokens.map(() => keep.map((k) => k === 0)) };
}
