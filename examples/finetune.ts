// finetune.ts — `npm run example:finetune`: BERT's most common workflow, end to end, on real
// labelled email (SpamAssassin, spam vs ham):
//   1. a seeded stratified train / validation / test split (70 / 15 / 15) and a WordPiece
//      vocabulary learned on the training emails;
//   2. a small BERT pretrained with masked-LM on the training emails (BertForMaskedLM), saved
//      with savePretrained in Hugging Face's layout (out/bert-spam-mlm/);
//   3. (a) BertForSequenceClassification.fromPretrained(that checkpoint) fine-tuned with AdamW
//      (no decay on biases and LayerNorm weights) and warm-up + linear decay, validated each
//      epoch; (b) the same architecture from random initialisation with the same budget;
//      (c) a bag-of-words logistic regression;
//   4. accuracy, precision, recall, F1 (spam = positive class) and the confusion matrix of each
//      on the test split, and the fine-tuned model saved to out/bert-spam-classifier/;
//   5. plots: training curves (out/finetune-curves.svg) and the three test confusion matrices
//      (out/finetune-confusion.svg), see docs/plots.md.
// Flags: --pretrain-steps N --mlm-lr --lr (fine-tuning) --epochs E --hidden H --layers L --max-len T --batch B --limit N (a
// stratified sample of N emails, for a quick run) --out DIR (default out) --backend --threads
// See docs/fine-tuning.md.

import { data, manualSeed, nlp, nn, noGrad, randperm, tensor, type Tensor } from '../src/index.js';
import { writePretrained } from '../src/node.js';
import { useBackend } from './lib/backend.js';
import { trainBagOfWords } from './lib/bow.js';
import { bertOptimizer, encodeTexts, predict, report, reportTable, wordVectorInit, type ClassifierReport } from './lib/classify.js';
import { ProgressBar } from './lib/progress.js';
import { spamAssassinEmails } from './lib/spam.js';
import { flag } from './lib/flags.js';
import { History } from './lib/history.js';
import { concatSpecs, confusionSpec, curvesSpec, writeSvg } from './lib/plot.js';

const o = {
  pretrainSteps: Number(flag('pretrain-steps', '1200')),
  mlmLr: Number(flag('mlm-lr', '1e-3')),
  lr: Number(flag('lr', '2e-4')),
  /** start the pretraining's word embeddings from Word2Vec vectors of the training emails */
  wordVectors: flag('word-vectors', 'yes') === 'yes',
  epochs: Number(flag('epochs', '2')),
  hidden: Number(flag('hidden', '128')),
  layers: Number(flag('layers', '2')),
  maxLen: Number(flag('max-len', '64')),
  batch: Number(flag('batch', '32')),
  /** use a stratified sample of this many emails (default: all) — for quick runs */
  limit: Number(flag('limit', '0')),
  /** where the checkpoints go */
  out: flag('out', 'out'),
  vocabSize: 4000,
};
const seconds = (t0: number): number => (Date.now() - t0) / 1000;
/** per-step MLM pretraining loss; per-step fine-tuning loss and learning rate and per-epoch validation accuracy of each model */
const history = new History();

await useBackend(flag);
const tStart = Date.now();
manualSeed(0);

// ---- 1. data: stratified split, vocabulary from the training emails --------------------------
const corpus = spamAssassinEmails();
const emails = o.limit > 0 && o.limit < corpus.length
  ? data.stratifiedSplit(corpus.length, corpus.map((e) => e.label), [o.limit, corpus.length - o.limit])[0].indices.map((i) => corpus[i])
  : corpus;
const labels = Int32Array.from(emails, (e) => e.label);
const [trainIdx, valIdx, testIdx] = data.stratifiedSplit(emails.length, labels, [0.7, 0.15, 0.15]).map((s) => s.indices);
const texts = (idx: number[]): string[] => idx.map((i) => emails[i].text);
const labelsOf = (idx: number[]): number[] => idx.map((i) => labels[i]);
const spamShare = (idx: number[]): string => `${(100 * labelsOf(idx).reduce((a, b) => a + b, 0) / idx.length).toFixed(1)}% spam`;
console.log(`SpamAssassin: ${emails.length} emails; train ${trainIdx.length} (${spamShare(trainIdx)}), validation ${valIdx.length} (${spamShare(valIdx)}), test ${testIdx.length} (${spamShare(testIdx)})`);
const tokenizer = nlp.WordPieceTokenizer.train(texts(trainIdx), { vocabSize: o.vocabSize });
const train = encodeTexts(tokenizer, texts(trainIdx), labelsOf(trainIdx), o.maxLen);
const val = encodeTexts(tokenizer, texts(valIdx), labelsOf(valIdx), o.maxLen);
const test = encodeTexts(tokenizer, texts(testIdx), labelsOf(testIdx), o.maxLen);
console.log(`WordPiece vocabulary ${tokenizer.vocab.size}; each email's first ${o.maxLen} tokens (${seconds(tStart).toFixed(1)} s)`);

const config = new nlp.BertConfig({
  vocabSize: tokenizer.vocab.size, hiddenSize: o.hidden, numHiddenLayers: o.layers, numAttentionHeads: 4,
  intermediateSize: 4 * o.hidden, maxPositionEmbeddings: o.maxLen,
});

// ---- 2. masked-LM pretraining on the training emails -----------------------------------------
function pretrainMlm(): nlp.BertForMaskedLM {
  const t0 = Date.now();
  manualSeed(1);
  // no dropout while pretraining this small model on little text (it underfits); fine-tuning puts it back
  const model = new nlp.BertForMaskedLM(config.with({ hiddenDropoutProb: 0, attentionProbsDropoutProb: 0 }));
  if (o.wordVectors) wordVectorInit(model.bert, tokenizer, texts(trainIdx), { epochs: 2, rms: 0.2 });
  const { opt, schedule } = bertOptimizer(model, { lr: o.mlmLr, weightDecay: 0.01, totalSteps: o.pretrainSteps, warmup: 0.1 });
  const v = tokenizer.vocab;
  const mask = (ids: Tensor): { inputIds: Tensor; labels: Tensor } =>
    nlp.maskTokens(ids, { vocabSize: v.size, maskTokenId: v.maskId, specialTokenIds: [v.padId, v.unkId, v.clsId, v.sepId, v.maskId] });
  /** The MLM head at the masked positions only, as the original BERT code: logits (M, V), labels (M). */
  const maskedLogits = (m: { inputIds: Tensor; labels: Tensor }, types: Tensor, attn: Tensor): { logits: Tensor; labels: Tensor } => {
    const h = model.bert.forward(m.inputIds, { tokenTypeIds: types, attentionMask: attn }).lastHiddenState; // (B, T, H)
    const flat = m.labels.reshape(-1); // (B·T)
    const positions = tensor(Int32Array.from(Array.from(flat.dataSync()).flatMap((l, i) => (l === -100 ? [] : [i])))); // (M)
    return { logits: model.cls.forward(h.reshape(-1, o.hidden).indexSelect(0, positions)), labels: flat.indexSelect(0, positions) }; // (M, V), (M)
  };
  const ce = new nn.CrossEntropyLoss();
  const loader = new data.DataLoader(train, { batchSize: o.batch, shuffle: true, dropLast: true });
  const bar = new ProgressBar('MLM pretraining', o.pretrainSteps, 'step');
  let step = 0, running = 0;
  while (step < o.pretrainSteps) {
    for (const [ids, types, attn] of loader) {
      if (step === o.pretrainSteps) break;
      const out = maskedLogits(mask(ids), types, attn);
      const loss = ce.forward(out.logits, out.labels);
      const lossValue = loss.item();
      history.log(step + 1, { 'MLM pretraining loss (batch)': lossValue });
      opt.zeroGrad();
      loss.backward();
      opt.step();
      schedule.step();
      running = step === 0 ? lossValue : 0.95 * running + 0.05 * lossValue;
      bar.update(++step, { 'MLM loss': running });
    }
  }
  // held-out masked-token accuracy on the validation emails, one seeded masking
  manualSeed(2);
  const [ids, types, attn] = val.getBatch(Array.from(randperm(val.length).dataSync()).slice(0, 256));
  model.eval();
  const out = noGrad(() => maskedLogits(mask(ids), types, attn));
  model.train();
  const accuracy = out.logits.argmax(-1).eq(out.labels).to('float32').mean().item();
  console.log(`MLM: ${o.pretrainSteps} steps in ${seconds(t0).toFixed(0)} s, loss ${running.toFixed(3)}, validation masked-token accuracy ${(100 * accuracy).toFixed(1)}%`);
  return model;
}

// ---- 3. fine-tuning a sequence classifier ----------------------------------------------------
function fineTune(name: string, model: nlp.BertForSequenceClassification, short: string): ClassifierReport {
  const t0 = Date.now();
  manualSeed(3); // the same batches for every model
  model.train(); // fromPretrained returns eval mode, as transformers
  const loader = new data.DataLoader(train, { batchSize: o.batch, shuffle: true });
  const total = o.epochs * loader.length;
  const { opt, schedule } = bertOptimizer(model, { lr: o.lr, weightDecay: 0.01, totalSteps: total, warmup: 0.1 });
  const logitsOf = ([ids, types, attn]: Tensor[]): Tensor => model.forward(ids, { tokenTypeIds: types, attentionMask: attn }).logits;
  let step = 0, running = 0;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const bar = new ProgressBar(`${name} epoch ${epoch}/${o.epochs}`, loader.length, 'step');
    let done = 0;
    for (const [ids, types, attn, y] of loader) {
      const { loss } = model.forward(ids, { tokenTypeIds: types, attentionMask: attn, labels: y });
      const lossValue = loss!.item();
      history.log(step + 1, { [`${short} training loss (batch)`]: lossValue, [`${short} learning rate`]: opt.paramGroups[0].lr });
      opt.zeroGrad();
      loss!.backward();
      opt.step();
      schedule.step();
      running = step++ === 0 ? lossValue : 0.95 * running + 0.05 * lossValue;
      bar.update(++done, { loss: running, lr: schedule.getLastLr()[0] });
    }
    const v = predict(val, logitsOf, { label: '  validation', model });
    const r = report(name, v.pred, v.target, 0);
    history.log(step, { [`${short} validation accuracy`]: r.accuracy });
    console.log(`${name}, epoch ${epoch}: training loss ${running.toFixed(4)}, validation accuracy ${(100 * r.accuracy).toFixed(1)}%, F1 ${(100 * r.f1).toFixed(1)}%`);
  }
  const t = predict(test, logitsOf, { label: '  test', model });
  return report(name, t.pred, t.target, seconds(t0));
}

const pretrained = pretrainMlm();
const mlmFiles = pretrained.savePretrained(tokenizer);
writePretrained(`${o.out}/bert-spam-mlm`, mlmFiles);
console.log(`saved ${o.out}/bert-spam-mlm/ (${Object.keys(mlmFiles).join(', ')})`);

const results: ClassifierReport[] = [];
const { model: clf, loadingInfo } = nlp.BertForSequenceClassification.fromPretrained(mlmFiles, {
  numLabels: 2, id2label: { 0: 'ham', 1: 'spam' }, hiddenDropoutProb: 0.1, attentionProbsDropoutProb: 0.1, outputLoadingInfo: true, warn: null,
});
console.log(`fromPretrained: newly initialised ${loadingInfo.newlyInitialized.join(', ')}; unused ${loadingInfo.unexpectedKeys.join(', ') || 'none'}`);
results.push(fineTune('(a) BERT, MLM-pretrained + fine-tuned', clf, '(a) pretrained'));
writePretrained(`${o.out}/bert-spam-classifier`, clf.savePretrained(tokenizer));
console.log(`saved ${o.out}/bert-spam-classifier/`);

manualSeed(1); // the same initial encoder weights as the pretraining started from
results.push(fineTune('(b) BERT, random init + fine-tuned', new nlp.BertForSequenceClassification(config, { numLabels: 2 }), '(b) random init'));

const tBow = Date.now();
manualSeed(4);
const lr = trainBagOfWords(texts(trainIdx), labelsOf(trainIdx), { epochs: 10, batchSize: 64, lr: 0.05, l2: 1e-4 });
results.push(report(`(c) bag-of-words logistic regression (${lr.bow.size} words)`, lr.predict(texts(testIdx)), Int32Array.from(labelsOf(testIdx)), seconds(tBow)));

console.log(`\nTest split (${testIdx.length} emails, spam = positive class), after ${seconds(tStart).toFixed(0)} s:\n`);
console.log(reportTable(results));

// ---- 5. plots ---------------------------------------------------------------------------------
const tPlot = Date.now();
const runs = ['(a) pretrained', '(b) random init'];
await writeSvg(`${o.out}/finetune-curves.svg`, curvesSpec(history.curves({
  'MLM pretraining loss': ['MLM pretraining loss (batch)'],
  'fine-tuning loss': runs.map((r) => `${r} training loss (batch)`),
  'validation accuracy': runs.map((r) => `${r} validation accuracy`),
  'fine-tuning learning rate': runs.map((r) => `${r} learning rate`),
}, runs.map((r) => `${r} validation accuracy`)), { title: `Fine-tuning BERT on SpamAssassin (${o.pretrainSteps} MLM steps, ${o.epochs} epochs of batch ${o.batch})`, independentX: true }));
const shortNames = ['(a) pretrained BERT', '(b) random-init BERT', '(c) bag-of-words'];
await writeSvg(`${o.out}/finetune-confusion.svg`, concatSpecs(results.map((r, i) => confusionSpec(r.confusion, {
  title: `${shortNames[i]}: F1 ${(100 * r.f1).toFixed(1)}%`, labels: ['ham', 'spam'], cell: 60,
})), { title: `Test split (${testIdx.length} emails): rows = true class, columns = predicted`, columns: 3 }));
console.log(`\nplotted ${o.out}/finetune-curves.svg and ${o.out}/finetune-confusion.svg (${seconds(tPlot).toFixed(1)} s)`);
