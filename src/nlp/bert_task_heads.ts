// bert_task_heads.ts — BERT's fine-tuning models with Hugging Face's names, init and losses:
// BertForMaskedLM (no pooler, the tied MLM head), BertForSequenceClassification (a Linear on the
// pooled [CLS] vector; MSE, cross-entropy or BCE by problemType), BertForTokenClassification (a
// Linear on every position, e.g. NER), each forward -> {logits, loss?}; and bertParamGroups, the
// decay / no-decay split of AdamW fine-tuning. Shape letters: B batch, T sequence length,
// H hiddenSize, V vocabSize, C numLabels. Reference: HF modeling_bert.py (BertOnlyMLMHead,
// BertForMaskedLM, BertForSequenceClassification, BertForTokenClassification); HF Trainer
// (get_decay_parameter_names); Devlin et al. 2019 §4.

import { Tensor } from '../tensor/tensor.js';
import { fmt, sameShape } from '../tensor/shape.js';
import { checkKeys } from '../check.js';
import { Module, type LoadResult, type Parameter } from '../layers/module.js';
import { Linear } from '../layers/linear.js';
import { Dropout } from '../layers/dropout.js';
import { binaryCrossEntropyWithLogits, crossEntropy, mseLoss } from '../layers/loss.js';
import { BertConfig, initBertWeights, type BertConfigOptions, type BertProblemType } from './bert_config.js';
import { BertModel, type BertForwardOptions } from './bert.js';
import { BertLMPredictionHead, TIED_KEYS, withTiedKeys } from './bert_heads.js';
import type { PretrainedFiles } from './pretrained_files.js';
import { pretrainedLoader, savePretrained, type FromPretrained, type PretrainedSpec, type PretrainedTokenizer } from './pretrained.js';

export interface BertTaskForwardOptions extends BertForwardOptions {
  /** targets; with them the output has a loss (shapes per model) */
  labels?: Tensor | null;
}

/** A task model's output: logits, and the loss when labels were given. */
export interface BertTaskOutput {
  logits: Tensor;
  loss?: Tensor;
}

/** The head options of the classification models, overriding the config's. */
export interface BertClassifierOptions {
  numLabels?: number;
  problemType?: BertProblemType | null;
}

function configOf(op: string, config: BertConfig | BertConfigOptions, opts: BertClassifierOptions, keys: string[]): BertConfig {
  checkKeys(op, opts, keys);
  return (config instanceof BertConfig ? config : new BertConfig(config)).with(opts);
}

/** int32 labels of the given shape, or throws naming the model and both shapes. */
function checkIntLabels(op: string, labels: Tensor, shape: number[], what: string): void {
  if (!(labels instanceof Tensor) || labels.dtype !== 'int32') throw new Error(`${op}: labels must be an int32 Tensor of class indices ${what}, got ${labels instanceof Tensor ? labels.dtype : typeof labels}`);
  if (!sameShape(labels.shape, shape)) throw new Error(`${op}: labels ${fmt(labels.shape)} must be ${what} = ${fmt(shape)}`);
}

// ---- masked LM ---------------------------------------------------------------------------------

/** HF's BertOnlyMLMHead (`cls`): the masked-LM `predictions` head alone. */
export class BertOnlyMLMHead extends Module {
  readonly predictions: BertLMPredictionHead;

  constructor(c: BertConfig, wordEmbeddings: Parameter) {
    super();
    this.predictions = this.registerModule('predictions', new BertLMPredictionHead(c, wordEmbeddings));
  }

  forward(h: Tensor): Tensor {
    return this.predictions.forward(h); // (B, T, H) -> (B, T, V)
  }
}

const MLM_SPEC: PretrainedSpec<BertForMaskedLM> = { name: 'BertForMaskedLM', create: (c) => new BertForMaskedLM(c), tied: TIED_KEYS };

/**
 * BERT with the masked-LM head, as HF's BertForMaskedLM (no pooler):
 *   logits = LayerNorm(act(h W_tᵀ + b_t)) Eᵀ + b,   E the word embeddings (tied)
 *   loss = mean over positions with label != -100 of -log softmax(logits)[label]
 * Keys: `bert.*` without `bert.pooler.*`, `cls.predictions.{bias, transform.*, decoder.*}`.
 *
 * Shape: inputIds (B, T) -> logits (B, T, V); labels (B, T) int32, -100 where not predicted.
 *
 * @example
 *   const { logits, loss } = BertForMaskedLM.fromPretrained(files).forward(ids, { labels });
 */
export class BertForMaskedLM extends Module {
  static readonly fromPretrained: FromPretrained<BertForMaskedLM> = pretrainedLoader(MLM_SPEC);
  readonly config: BertConfig;
  readonly bert: BertModel<false>;
  readonly cls: BertOnlyMLMHead;

  constructor(config: BertConfig | BertConfigOptions = {}) {
    super();
    const c = config instanceof BertConfig ? config : new BertConfig(config);
    this.config = c;
    this.bert = this.registerModule('bert', new BertModel(c, { addPoolingLayer: false }));
    this.cls = this.registerModule('cls', new BertOnlyMLMHead(c, this.bert.embeddings.wordEmbeddings.weight));
    initBertWeights(this.cls, c);
  }

  forward(inputIds: Tensor, opts: BertTaskForwardOptions = {}): BertTaskOutput {
    const { labels, ...rest } = opts;
    const logits = this.cls.forward(this.bert.forward(inputIds, rest).lastHiddenState); // (B, T, V)
    if (!labels) return { logits };
    const [B, T, V] = logits.shape;
    checkIntLabels('BertForMaskedLM', labels, [B, T], '(B, T)');
    return { logits, loss: crossEntropy(logits.reshape(B * T, V), labels.reshape(B * T), { ignoreIndex: -100 }) }; // (B·T, V), (B·T)
  }

  /** As Module.loadStateDict, with the tied decoder given once or twice; position_ids ignored. */
  override loadStateDict(stateDict: Record<string, Tensor>, opts: { strict?: boolean } = {}): LoadResult {
    return super.loadStateDict(withTiedKeys(stateDict), opts);
  }

  savePretrained(tokenizer?: PretrainedTokenizer): PretrainedFiles {
    return savePretrained(this, MLM_SPEC, tokenizer);
  }
}

// ---- sequence classification -----------------------------------------------------------------

/**
 * HF's problem_type inference: numLabels 1 -> 'regression', int32 labels -> 'single_label_classification',
 * float labels -> 'multi_label_classification'.
 */
export function inferProblemType(numLabels: number, labels: Tensor): BertProblemType {
  if (numLabels === 1) return 'regression';
  return labels.dtype === 'int32' ? 'single_label_classification' : 'multi_label_classification';
}

/**
 * BertForSequenceClassification's loss on logits (B, C), as HF:
 *   'regression'                  MSE(logits, labels); labels (B) or (B, 1) when C = 1, else (B, C)
 *   'single_label_classification' cross-entropy, labels (B) int32 class indices (-100 ignored)
 *   'multi_label_classification'  BCE with logits, labels (B, C) in [0, 1] (one 0/1 per class)
 */
export function sequenceClassificationLoss(logits: Tensor, labels: Tensor, problemType: BertProblemType): Tensor {
  const op = 'BertForSequenceClassification';
  const [B, C] = logits.shape;
  if (!(labels instanceof Tensor)) throw new Error(`${op}: labels must be a Tensor, got ${typeof labels}`);
  if (problemType === 'single_label_classification') {
    checkIntLabels(op, labels, [B], '(B)');
    return crossEntropy(logits, labels, { ignoreIndex: -100 }); // (B, C), (B)
  }
  const y = labels.to(logits.dtype);
  if (problemType === 'regression' && C === 1) {
    if (labels.numel() !== B || labels.ndim > 2) throw new Error(`${op}: regression labels ${fmt(labels.shape)} must be (B) = ${fmt([B])} for numLabels 1`);
    return mseLoss(logits.reshape(B), y.reshape(B)); // HF: logits.squeeze(), labels.squeeze()
  }
  if (!sameShape(labels.shape, [B, C])) throw new Error(`${op}: ${problemType} labels ${fmt(labels.shape)} must be (B, C) = ${fmt([B, C])}`);
  if (problemType === 'regression') return mseLoss(logits, y);
  return binaryCrossEntropyWithLogits(logits, y);
}

const SEQ_SPEC: PretrainedSpec<BertForSequenceClassification> = {
  name: 'BertForSequenceClassification', create: (c) => new BertForSequenceClassification(c), labels: true,
};

/**
 * BERT with a classifier on the pooled [CLS] vector, as HF's BertForSequenceClassification:
 *   logits = dropout(pooled) Wᵀ + b,   W (C, H) ~ N(0, initializerRange²), b = 0,
 * dropout p = classifierDropout ?? hiddenDropoutProb; the loss by problemType (see
 * sequenceClassificationLoss). With no problemType, the first labels decide it as HF does
 * (inferProblemType) and it is stored in `config.problemType`, so savePretrained writes it.
 * Keys: `bert.*` (with the pooler), `classifier.weight` (C, H), `classifier.bias` (C).
 *
 * Shape: inputIds (B, T) -> logits (B, C); labels (B) int32, (B) float for regression, (B, C) for multi-label.
 *
 * @example
 *   const model = BertForSequenceClassification.fromPretrained(files, { numLabels: 3 });
 *   const { logits, loss } = model.forward(ids, { attentionMask, labels: tensor([0, 2], { dtype: 'int32' }) });
 */
export class BertForSequenceClassification extends Module {
  static readonly fromPretrained: FromPretrained<BertForSequenceClassification> = pretrainedLoader(SEQ_SPEC);
  readonly config: BertConfig;
  readonly bert: BertModel;
  readonly dropout: Dropout;
  readonly classifier: Linear;

  constructor(config: BertConfig | BertConfigOptions = {}, opts: BertClassifierOptions = {}) {
    super();
    const c = configOf('BertForSequenceClassification', config, opts, ['numLabels', 'problemType']);
    this.config = c;
    this.bert = this.registerModule('bert', new BertModel(c));
    this.dropout = this.registerModule('dropout', new Dropout(c.classifierDropout ?? c.hiddenDropoutProb));
    this.classifier = this.registerModule('classifier', new Linear(c.hiddenSize, c.numLabels, { dtype: c.dtype }));
    initBertWeights(this.classifier, c);
  }

  get numLabels(): number {
    return this.config.numLabels;
  }

  forward(inputIds: Tensor, opts: BertTaskForwardOptions = {}): BertTaskOutput {
    const { labels, ...rest } = opts;
    const pooled = this.bert.forward(inputIds, rest).poolerOutput; // (B, H)
    const logits = this.classifier.forward(this.dropout.forward(pooled)); // (B, C)
    if (!labels) return { logits };
    this.config.problemType ??= inferProblemType(this.numLabels, labels);
    return { logits, loss: sequenceClassificationLoss(logits, labels, this.config.problemType) };
  }

  savePretrained(tokenizer?: PretrainedTokenizer): PretrainedFiles {
    return savePretrained(this, SEQ_SPEC, tokenizer);
  }
}

// ---- token classification ----------------------------------------------------------------------

const TOKEN_SPEC: PretrainedSpec<BertForTokenClassification> = {
  name: 'BertForTokenClassification', create: (c) => new BertForTokenClassification(c), labels: true,
};

/**
 * BERT with a classifier on every position, as HF's BertForTokenClassification — named-entity
 * recognition (a BIO tag per word piece) and other tagging tasks:
 *   logits[b, t] = dropout(h[b, t]) Wᵀ + b,   loss = CE over the B·T positions, label -100 ignored
 * (label only the first piece of each word and give the rest -100, as HF's NER examples do).
 * No pooler, as HF (add_pooling_layer=False). Keys: `bert.*` without `bert.pooler.*`, `classifier.*`.
 *
 * Shape: inputIds (B, T) -> logits (B, T, C); labels (B, T) int32.
 *
 * @example
 *   const ner = new BertForTokenClassification(config, { numLabels: 9 });
 *   const { logits, loss } = ner.forward(ids, { attentionMask, labels });
 */
export class BertForTokenClassification extends Module {
  static readonly fromPretrained: FromPretrained<BertForTokenClassification> = pretrainedLoader(TOKEN_SPEC);
  readonly config: BertConfig;
  readonly bert: BertModel<false>;
  readonly dropout: Dropout;
  readonly classifier: Linear;

  constructor(config: BertConfig | BertConfigOptions = {}, opts: Pick<BertClassifierOptions, 'numLabels'> = {}) {
    super();
    const c = configOf('BertForTokenClassification', config, opts, ['numLabels']);
    this.config = c;
    this.bert = this.registerModule('bert', new BertModel(c, { addPoolingLayer: false }));
    this.dropout = this.registerModule('dropout', new Dropout(c.classifierDropout ?? c.hiddenDropoutProb));
    this.classifier = this.registerModule('classifier', new Linear(c.hiddenSize, c.numLabels, { dtype: c.dtype }));
    initBertWeights(this.classifier, c);
  }

  get numLabels(): number {
    return this.config.numLabels;
  }

  forward(inputIds: Tensor, opts: BertTaskForwardOptions = {}): BertTaskOutput {
    const { labels, ...rest } = opts;
    const h = this.bert.forward(inputIds, rest).lastHiddenState; // (B, T, H)
    const logits = this.classifier.forward(this.dropout.forward(h)); // (B, T, C)
    if (!labels) return { logits };
    const [B, T, C] = logits.shape;
    checkIntLabels('BertForTokenClassification', labels, [B, T], '(B, T)');
    return { logits, loss: crossEntropy(logits.reshape(B * T, C), labels.reshape(B * T), { ignoreIndex: -100 }) }; // (B·T, C), (B·T)
  }

  savePretrained(tokenizer?: PretrainedTokenizer): PretrainedFiles {
    return savePretrained(this, TOKEN_SPEC, tokenizer);
  }
}

// ---- optimizer parameter groups ------------------------------------------------------------------

/**
 * BERT's AdamW convention (Devlin et al.'s optimizer, HF Trainer's get_decay_parameter_names):
 * weight decay on every weight matrix and embedding table, none on biases and LayerNorm
 * parameters. By name from namedParameters: no decay where the name contains `bias` or a
 * `LayerNorm.` module. Each Parameter appears once (tied ones under their first name).
 *
 *   const opt = new AdamW(bertParamGroups(model, 0.01), { lr: 2e-5 });
 */
export function bertParamGroups(model: Module, weightDecay = 0.01): [{ params: Parameter[]; weightDecay: number }, { params: Parameter[]; weightDecay: number }] {
  const decay: Parameter[] = [], noDecay: Parameter[] = [];
  for (const [name, p] of model.namedParameters()) (name.includes('bias') || /(^|\.)LayerNorm\./.test(name) ? noDecay : decay).push(p);
  return [{ params: decay, weightDecay }, { params: noDecay, weightDecay: 0 }];
}
