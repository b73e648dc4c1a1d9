// bert-pretrain.ts — the BERT half of `npm start`: a WordPiece vocabulary and a small BERT
// pretrained with masked-LM + next-sentence prediction on the State of the Union addresses.
// As in the original BERT code, the MLM head runs only at the masked positions (gathered
// from the encoder output), which is where the loss is; the NSP head reads the pooled [CLS].
// Shapes: B batch, T sequence length, H hidden size, V vocabulary, M masked positions.

import { mkdirSync } from 'node:fs';
import { manualSeed, nlp, nn, noGrad, optim, randperm, tensor, type Tensor } from '../../src/index.js';
import { saveFile } from '../../src/node.js';
import { sotuAddresses } from './text.js';
import { ProgressBar } from './progress.js';

export interface BertDemoOptions {
  steps: number;
  batch: number;
  maxLen: number;
  vocabSize: number;
  evalEvery: number;
  hidden: number;
  layers: number;
  heads: number;
  lr: number;
}

interface Batch { ids: Tensor; types: Tensor; mask: Tensor; nsp: Tensor }

export function pretrainBert(o: BertDemoOptions): { mlmAcc: number; nspAcc: number; seconds: number } {
  manualSeed(0);
  const t0 = Date.now();
  // ---- corpus: addresses → sentences → WordPiece tokens; the last 10% of addresses held out ----
  const addresses = sotuAddresses();
  const cut = Math.floor(addresses.length * 0.9);
  const tokenizer = nlp.WordPieceTokenizer.train(addresses.slice(0, cut).map((a) => a.text), { vocabSize: o.vocabSize });
  const vocab = tokenizer.vocab;
  const toDocs = (list: typeof addresses): string[][][] => list.map((a) => nlp.splitSentences(a.text).map((s) => tokenizer.tokenize(s)));
  const ordered = nlp.makeNspPairs(toDocs(addresses.slice(0, cut)), { maxLen: o.maxLen });
  const trainPairs = Array.from(randperm(ordered.length).dataSync(), (i) => ordered[i]); // shuffled once (pairs come in document order)
  const evalPairs = nlp.makeNspPairs(toDocs(addresses.slice(cut)), { maxLen: o.maxLen }).slice(0, 512);
  console.log(`SOTU: ${addresses.length} addresses, WordPiece vocabulary ${vocab.size}; ${trainPairs.length} training pairs, ${evalPairs.length} held-out pairs (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

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

  const model = new nlp.BertForPreTraining({
    vocabSize: vocab.size, hiddenSize: o.hidden, numHiddenLayers: o.layers, numAttentionHeads: o.heads, intermediateSize: 4 * o.hidden,
    maxPositionEmbeddings: o.maxLen, hiddenDropoutProb: 0.1, attentionProbsDropoutProb: 0.1,
  });
  console.log(`BERT: ${o.layers} layers, hidden ${o.hidden}, ${o.heads} heads, ${model.parameters().reduce((s, p) => s + p.numel(), 0)} parameters`);

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
  const chance = Math.max(...labelCounts.values()) / nMasked;
  let m = evaluate();
  console.log(`held out: ${nMasked} masked tokens (majority-class chance ${(chance * 100).toFixed(1)}%), ${evalPairs.length} pairs (chance 50%); before training MLM ${(m.mlmAcc * 100).toFixed(1)}%, NSP ${(m.nspAcc * 100).toFixed(1)}%`);

  const opt = new optim.AdamW(model.parameters(), { lr: o.lr, weightDecay: 0.01 });
  const schedule = new optim.lrScheduler.OneCycleLR(opt, { maxLr: o.lr, totalSteps: o.steps, pctStart: 0.1, cycleMomentum: false });
  const ce = new nn.CrossEntropyLoss();
  const bar = new ProgressBar('BERT', o.steps, 'step');
  let running = 0;
  for (let step = 1; step <= o.steps; step++) {
    const start = ((step - 1) * o.batch) % Math.max(1, trainPairs.length - o.batch);
    const b = makeBatch(trainPairs.slice(start, start + o.batch));
    const { inputIds, labels } = mask(b.ids);
    const out = forward(b, inputIds, labels);
    const loss = ce.forward(out.mlm, out.mlmLabels).add(ce.forward(out.nsp, b.nsp)); // MLM + NSP
    opt.zeroGrad();
    loss.backward();
    nn.utils.clipGradNorm(model.parameters(), 1.0);
    opt.step();
    schedule.step();
    running = step === 1 ? loss.item() : 0.95 * running + 0.05 * loss.item();
    bar.update(step, { loss: running, 'MLM acc': m.mlmAcc, 'NSP acc': m.nspAcc });
    if (step % o.evalEvery === 0 || step === o.steps) {
      m = evaluate();
      console.log(`step ${step}: loss ${running.toFixed(3)}, held-out MLM accuracy ${(m.mlmAcc * 100).toFixed(1)}%, NSP accuracy ${(m.nspAcc * 100).toFixed(1)}% (${bar.seconds.toFixed(0)} s)`);
    }
  }
  mkdirSync('out', { recursive: true });
  saveFile('out/bert-sotu.safetensors', model.stateDict(), { model: 'BertForPreTraining', vocab_size: String(vocab.size) });
  console.log('saved out/bert-sotu.safetensors (Hugging Face BertForPreTraining key names)');
  return { ...m, seconds: (Date.now() - t0) / 1000 };
}
