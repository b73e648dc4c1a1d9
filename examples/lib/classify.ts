// classify.ts — what the fine-tuning and multi-task examples share: texts to a TensorDataset of
// token ids, BERT's optimizer set-up (AdamW without decay on biases and LayerNorm weights,
// linear warm-up then linear decay), evaluation of a classifier over a DataLoader with a
// progress bar, and the test-split report (accuracy, precision, recall, F1, confusion matrix).
// References: Devlin et al. 2019 §A.3 (fine-tuning procedure); Hugging Face transformers
// Trainer.create_optimizer and get_linear_schedule_with_warmup; scikit-learn's metrics.

import { data, metrics, nlp, noGrad, optim, tensor, type nn, type Tensor } from '../../src/index.js';
import { copyWordVectors } from './bert-pretrain.js';
import { ProgressBar, trainWord2VecWithProgress } from './progress.js';

/** Token ids, token types, attention mask and labels of `texts`, each padded/truncated to maxLength. */
export function encodeTexts(tokenizer: nlp.WordPieceTokenizer, texts: string[], labels: ArrayLike<number>, maxLength: number): data.TensorDataset {
  const { inputIds, tokenTypeIds, attentionMask } = tokenizer.encodeBatch(texts, { maxLength, padding: 'max_length', truncation: true }); // (N, T) each
  return new data.TensorDataset(inputIds, tokenTypeIds, attentionMask, tensor(Int32Array.from(labels))); // …, (N)
}

/**
 * BERT's fine-tuning optimizer: AdamW with weight decay on the weight matrices only (biases and
 * LayerNorm weights are in a group with weightDecay 0, as Hugging Face's Trainer), and a
 * learning rate that rises linearly over the first `warmup` of `totalSteps` and falls linearly to 0.
 */
export function bertOptimizer(model: nn.Module, o: { lr: number; weightDecay: number; totalSteps: number; warmup: number }): {
  opt: optim.AdamW; schedule: optim.lrScheduler.LambdaLR;
} {
  const opt = new optim.AdamW(nlp.bertParamGroups(model, o.weightDecay), { lr: o.lr });
  const warm = Math.max(1, Math.round(o.warmup * o.totalSteps));
  const schedule = new optim.lrScheduler.LambdaLR(opt, (t) => (t < warm ? (t + 1) / warm : Math.max(0, (o.totalSteps - t) / Math.max(1, o.totalSteps - warm))));
  return { opt, schedule };
}

/**
 * Predicted classes of a classifier over a dataset, in eval mode and without gradients:
 * `logitsOf(batch)` maps one batch of the loader (its tensors) to logits (B, C).
 */
export function predict(dataset: data.Dataset<Tensor[]>, logitsOf: (batch: Tensor[]) => Tensor, o: { label: string; batchSize?: number; model?: { train(mode?: boolean): unknown } }): {
  pred: Int32Array; target: Int32Array;
} {
  const loader = new data.DataLoader(dataset, { batchSize: o.batchSize ?? 64 });
  const pred: number[] = [], target: number[] = [];
  const bar = new ProgressBar(o.label, loader.length, 'batch');
  o.model?.train(false);
  noGrad(() => {
    let done = 0;
    for (const batch of loader) {
      pred.push(...logitsOf(batch).argmax(-1).dataSync());
      target.push(...batch[batch.length - 1].dataSync());
      bar.update(++done);
    }
  });
  o.model?.train(true);
  return { pred: Int32Array.from(pred), target: Int32Array.from(target) };
}

export interface ClassifierReport {
  name: string;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  /** rows = true class, columns = predicted */
  confusion: number[][];
  seconds: number;
}

/** scikit-learn's accuracy, binary precision/recall/F1 of class `posLabel`, and the confusion matrix. */
export function report(name: string, pred: Int32Array, target: Int32Array, seconds: number, numClasses = 2, posLabel = 1): ClassifierReport {
  const { precision, recall, f1 } = metrics.precisionRecallF1(pred, target, { average: 'binary', posLabel });
  const cm = metrics.confusionMatrix(pred, target, numClasses).dataSync();
  const confusion = Array.from({ length: numClasses }, (_, i) => Array.from(cm.subarray(i * numClasses, (i + 1) * numClasses)));
  return { name, accuracy: metrics.accuracy(pred, target), precision, recall, f1, confusion, seconds };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/** The reports as a Markdown table, with each confusion matrix as [[TN, FP], [FN, TP]]. */
export function reportTable(rows: ClassifierReport[]): string {
  const lines = ['| model | accuracy | precision | recall | F1 | confusion [[TN, FP], [FN, TP]] | time |', '|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    lines.push(`| ${r.name} | ${pct(r.accuracy)} | ${pct(r.precision)} | ${pct(r.recall)} | ${pct(r.f1)} | ${JSON.stringify(r.confusion)} | ${r.seconds.toFixed(0)} s |`);
  }
  return lines.join('\n');
}

/**
 * Starts a BERT's word embeddings from skip-gram vectors of `texts` (Word2Vec on their WordPiece
 * tokens, vector size H, each row scaled to RMS `rms`): a cheap pretraining that places pieces
 * by topic before any Transformer step (see docs/bert-pretraining.md §6). Returns the rows set.
 */
export function wordVectorInit(bert: nlp.BertModel<boolean>, tokenizer: nlp.WordPieceTokenizer, texts: string[], o: { epochs: number; rms: number }): number {
  const t0 = Date.now();
  const sentences = texts.map((t) => tokenizer.tokenize(t));
  const weight = bert.embeddings.wordEmbeddings.weight;
  const w2v = new nlp.Word2Vec({ vectorSize: weight.shape[1], minCount: 1, epochs: o.epochs, seed: 1 });
  trainWord2VecWithProgress(w2v, sentences, 'word vectors');
  const set = copyWordVectors(weight, tokenizer.vocab, w2v, o.rms);
  console.log(`word embeddings: ${set} of ${tokenizer.vocab.size} rows from Word2Vec (${o.epochs} epochs on ${sentences.length} training texts, RMS ${o.rms}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return set;
}
