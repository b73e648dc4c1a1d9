// bert.ts — BERT's encoder, BertModel: embeddings, the encoder layers (bert_layer.ts) and the
// pooler, with Hugging Face's module tree so every state-dict key is HF's. BertConfig is in
// bert_config.ts, the pretraining heads and loss in bert_heads.ts, the fine-tuning heads in
// bert_task_heads.ts, checkpoint files in pretrained.ts. Shape letters: B batch, T sequence length,
// H hiddenSize, V vocabSize. Reference: Devlin et al. 2019; Hugging Face transformers
// models/bert/modeling_bert.py (BertEmbeddings, BertModel, get_extended_attention_mask).

import { Tensor } from '../tensor/tensor.js';
import { arange, zerosLike } from '../tensor/creation.js';
import { fmt, sameShape } from '../tensor/shape.js';
import type { DType } from '../tensor/dtype.js';
import { Module, type LoadResult } from '../layers/module.js';
import { Linear } from '../layers/linear.js';
import { Embedding } from '../layers/embedding.js';
import { LayerNorm } from '../layers/norm.js';
import { Dropout } from '../layers/dropout.js';
import { BertConfig, initBertWeights, type BertConfigOptions } from './bert_config.js';
import { BertEncoder } from './bert_layer.js';
import type { PretrainedFiles } from './pretrained_files.js';
import { pretrainedLoader, savePretrained, type FromPretrained, type PretrainedSpec, type PretrainedTokenizer } from './pretrained.js';

export { BertConfig } from './bert_config.js';
export type { BertConfigOptions, BertHiddenAct, BertProblemType } from './bert_config.js';

// ---- embeddings -------------------------------------------------------------------------------

/** word + token type + position embeddings, then LayerNorm and dropout. */
export class BertEmbeddings extends Module {
  readonly wordEmbeddings: Embedding;
  readonly positionEmbeddings: Embedding;
  readonly tokenTypeEmbeddings: Embedding;
  readonly layerNorm: LayerNorm;
  readonly dropout: Dropout;

  constructor(c: BertConfig) {
    super();
    const dtype = c.dtype;
    this.wordEmbeddings = this.registerModule('word_embeddings', new Embedding(c.vocabSize, c.hiddenSize, { paddingIdx: c.padTokenId, dtype }));
    this.positionEmbeddings = this.registerModule('position_embeddings', new Embedding(c.maxPositionEmbeddings, c.hiddenSize, { dtype }));
    this.tokenTypeEmbeddings = this.registerModule('token_type_embeddings', new Embedding(c.typeVocabSize, c.hiddenSize, { dtype }));
    this.layerNorm = this.registerModule('LayerNorm', new LayerNorm(c.hiddenSize, { eps: c.layerNormEps, dtype }));
    this.dropout = this.registerModule('dropout', new Dropout(c.hiddenDropoutProb));
  }

  /** inputIds, tokenTypeIds (B, T) int32 -> (B, T, H) */
  forward(inputIds: Tensor, tokenTypeIds: Tensor): Tensor {
    const T = inputIds.shape[1];
    const positionIds = arange(T, { dtype: 'int32', like: inputIds }); // (T) = 0 … T-1, on inputIds' backend
    const x = this.wordEmbeddings.forward(inputIds) // (B, T, H)
      .add(this.tokenTypeEmbeddings.forward(tokenTypeIds)) // + (B, T, H)
      .add(this.positionEmbeddings.forward(positionIds)); // + (T, H), broadcast over B
    return this.dropout.forward(this.layerNorm.forward(x)); // (B, T, H)
  }
}

/** pooled = tanh(h[:, 0] Wᵀ + b): the [CLS] position's vector, for sentence-level heads. */
export class BertPooler extends Module {
  readonly dense: Linear;

  constructor(c: BertConfig) {
    super();
    this.dense = this.registerModule('dense', new Linear(c.hiddenSize, c.hiddenSize, { dtype: c.dtype }));
  }

  forward(h: Tensor): Tensor {
    return this.dense.forward(h.select(1, 0)).tanh(); // (B, T, H) -> (B, H)
  }
}

// ---- the model --------------------------------------------------------------------------------

export interface BertForwardOptions {
  /** (B, T) int32 segment ids, 0 for sentence A and 1 for B (default all 0) */
  tokenTypeIds?: Tensor | null;
  /** (B, T): 1 for a real token, 0 for padding, which no position attends to (default all 1) */
  attentionMask?: Tensor | null;
  /** also return every layer's attention probabilities (HF's output_attentions; default false) */
  outputAttentions?: boolean;
}

/**
 * The padding mask (B, T), 1 = token and 0 = padding, as an additive mask over the keys
 * (B, 1, 1, T): 0 for tokens and the dtype's most negative finite number for padding (HF's
 * get_extended_attention_mask), so softmax gives padding keys weight 0.
 */
export function extendedAttentionMask(attentionMask: Tensor, dtype: DType): Tensor {
  const [B, T] = attentionMask.shape;
  const min = dtype === 'float64' ? -Number.MAX_VALUE : -3.4028234663852886e38; // torch.finfo(dtype).min
  return attentionMask.to(dtype).neg().add(1).mul(min).reshape(B, 1, 1, T); // (1 - m) · min
}

function checkInputs(op: string, c: BertConfig, inputIds: Tensor, opts: BertForwardOptions): void {
  if (!(inputIds instanceof Tensor) || inputIds.dtype !== 'int32' || inputIds.ndim !== 2) {
    throw new Error(`${op}: inputIds must be an int32 Tensor (B, T), got ${inputIds instanceof Tensor ? `${inputIds.dtype} ${fmt(inputIds.shape)}` : typeof inputIds}`);
  }
  const T = inputIds.shape[1];
  if (T > c.maxPositionEmbeddings) throw new Error(`${op}: sequence length ${T} (inputIds ${fmt(inputIds.shape)}) exceeds maxPositionEmbeddings ${c.maxPositionEmbeddings}`);
  for (const [name, t] of [['tokenTypeIds', opts.tokenTypeIds], ['attentionMask', opts.attentionMask]] as const) {
    if (t === undefined || t === null) continue;
    if (!(t instanceof Tensor)) throw new Error(`${op}: ${name} must be a Tensor (B, T)`);
    if (!sameShape(t.shape, inputIds.shape)) throw new Error(`${op}: ${name} ${fmt(t.shape)} must have the shape of inputIds ${fmt(inputIds.shape)}`);
  }
  if (opts.tokenTypeIds && opts.tokenTypeIds.dtype !== 'int32') throw new Error(`${op}: tokenTypeIds must be int32, got ${opts.tokenTypeIds.dtype}`);
}

export interface BertModelOptions<Pooled extends boolean = true> {
  /** HF's add_pooling_layer: false for the token-level heads (BertForMaskedLM, BertForTokenClassification) */
  addPoolingLayer?: Pooled;
}

/** BertModel's output; poolerOutput is null when the model has no pooler. */
export interface BertModelOutput<Pooled extends boolean = true> {
  lastHiddenState: Tensor;
  poolerOutput: Pooled extends false ? null : Tensor;
  /** with outputAttentions: one (B, nh, T, T) per layer, softmax over the keys (padding keys 0) */
  attentions?: Tensor[];
}

const SPEC: PretrainedSpec<BertModel> = { name: 'BertModel', create: (c) => new BertModel(c) };

/**
 * BERT's encoder: embeddings → numHiddenLayers post-norm Transformer layers → pooler on [CLS].
 * Parameters are HF's BertModel state dict (`embeddings.word_embeddings.weight`,
 * `encoder.layer.{i}.attention.self.query.weight`, …, `pooler.dense.bias`), initialized as HF:
 * weights ~ N(0, initializerRange²), biases 0, LayerNorm 1 / 0, the padTokenId row 0.
 * With `{ addPoolingLayer: false }` there is no pooler (no `pooler.*` keys, poolerOutput null).
 *
 * Shape: inputIds (B, T) int32, tokenTypeIds (B, T) int32, attentionMask (B, T)
 * -> lastHiddenState (B, T, H), poolerOutput (B, H); with `outputAttentions: true` also
 * attentions, one (B, nh, T, T) per layer (HF's output_attentions).
 *
 * @example
 *   const bert = new BertModel(new BertConfig({ vocabSize: 100, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 64 }));
 *   const { lastHiddenState, poolerOutput } = bert.forward(ids, { tokenTypeIds, attentionMask });
 *   const same = BertModel.fromPretrained(bert.savePretrained());
 */
export class BertModel<Pooled extends boolean = true> extends Module {
  /** A BertModel from Hugging Face files (any BERT checkpoint's encoder; see pretrained.ts). */
  static readonly fromPretrained: FromPretrained<BertModel> = pretrainedLoader(SPEC);
  readonly config: BertConfig;
  readonly embeddings: BertEmbeddings;
  readonly encoder: BertEncoder;
  readonly pooler: Pooled extends false ? null : BertPooler;

  constructor(config: BertConfig | BertConfigOptions = {}, opts: BertModelOptions<Pooled> = {}) {
    super();
    const c = config instanceof BertConfig ? config : new BertConfig(config);
    this.config = c;
    this.embeddings = this.registerModule('embeddings', new BertEmbeddings(c));
    this.encoder = this.registerModule('encoder', new BertEncoder(c));
    const pooler = (opts.addPoolingLayer ?? true) ? new BertPooler(c) : null;
    this.pooler = this.registerModule('pooler', pooler) as Pooled extends false ? null : BertPooler;
    initBertWeights(this, c);
  }

  forward(inputIds: Tensor, opts: BertForwardOptions = {}): BertModelOutput<Pooled> {
    checkInputs('BertModel', this.config, inputIds, opts);
    const tokenTypeIds = opts.tokenTypeIds ?? zerosLike(inputIds); // (B, T) int32 zeros
    const mask = opts.attentionMask ? extendedAttentionMask(opts.attentionMask, this.config.dtype) : null; // (B, 1, 1, T)
    const x = this.embeddings.forward(inputIds, tokenTypeIds); // (B, T, H)
    const attentions: Tensor[] | undefined = opts.outputAttentions ? [] : undefined;
    const h = this.encoder.forward(x, mask, attentions); // (B, T, H)
    const pooled = this.pooler ? this.pooler.forward(h) : null; // (B, H)
    return { lastHiddenState: h, poolerOutput: pooled as BertModelOutput<Pooled>['poolerOutput'], ...(attentions && { attentions }) };
  }

  /** As Module.loadStateDict, ignoring `embeddings.position_ids` (a buffer older HF versions saved). */
  override loadStateDict(stateDict: Record<string, Tensor>, opts: { strict?: boolean } = {}): LoadResult {
    return super.loadStateDict(withoutPositionIds(stateDict), opts);
  }

  /** config.json and model.safetensors as HF's BertModel.save_pretrained writes them (+ the tokenizer's files). */
  savePretrained(tokenizer?: PretrainedTokenizer): PretrainedFiles {
    return savePretrained(this as BertModel, SPEC, tokenizer);
  }
}

/** A copy of a state dict without HF's old persistent `…embeddings.position_ids` buffer. */
export function withoutPositionIds(stateDict: Record<string, Tensor>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(stateDict).filter(([k]) => !k.endsWith('embeddings.position_ids')));
}
