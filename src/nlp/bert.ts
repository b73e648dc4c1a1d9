// bert.ts — BERT's encoder (BertConfig, BertModel) with Hugging Face's module tree, so every
// state-dict key is HF's (`embeddings.word_embeddings.weight`, `encoder.layer.0.attention.self.query.weight`,
// …) and weights move between the two. Post-norm Transformer layers: LayerNorm(x + sublayer(x)).
// The pretraining heads and loss are in bert_heads.ts.
// Shape letters: B batch, T sequence length, H hiddenSize, nh numAttentionHeads, hs = H / nh head
// size, I intermediateSize, V vocabSize.
// Reference: Devlin et al. 2019, "BERT"; Hugging Face transformers models/bert/modeling_bert.py
// (BertEmbeddings, BertSelfAttention, BertLayer, BertPooler, get_extended_attention_mask, _init_weights).

import { Tensor } from '../tensor/tensor.js';
import { fmt, sameShape } from '../tensor/shape.js';
import type { DType } from '../tensor/dtype.js';
import { noGrad } from '../autograd/engine.js';
import { Module, type LoadResult } from '../layers/module.js';
import { ModuleList } from '../layers/container.js';
import { Linear } from '../layers/linear.js';
import { Embedding } from '../layers/embedding.js';
import { LayerNorm } from '../layers/norm.js';
import { Dropout } from '../layers/dropout.js';
import { scaledDotProductAttention } from '../layers/attention.js';
import * as init from '../layers/init.js';

// ---- config -----------------------------------------------------------------------------------

/** HF's ACT2FN names: 'gelu' is the exact erf form, 'gelu_new' the tanh approximation. */
export type BertHiddenAct = 'gelu' | 'gelu_new' | 'relu' | 'silu' | 'tanh';

export interface BertConfigOptions {
  vocabSize?: number;
  hiddenSize?: number;
  numHiddenLayers?: number;
  numAttentionHeads?: number;
  intermediateSize?: number;
  hiddenAct?: BertHiddenAct;
  hiddenDropoutProb?: number;
  attentionProbsDropoutProb?: number;
  maxPositionEmbeddings?: number;
  typeVocabSize?: number;
  layerNormEps?: number;
  /** row of the word embeddings kept at zero and given no gradient by the lookup (null: none) */
  padTokenId?: number | null;
  initializerRange?: number;
  /** dtype of the parameters (tensorloom's addition; 'float64' for gradcheck) */
  dtype?: DType;
}

/**
 * BERT's hyperparameters with Hugging Face's BertConfig defaults (BERT-base): any subset can be
 * overridden, e.g. `new BertConfig({ hiddenSize: 128, numHiddenLayers: 2 })`. The names are HF's
 * config.json keys in camelCase (vocab_size → vocabSize, …).
 */
export class BertConfig {
  vocabSize = 30522;
  hiddenSize = 768;
  numHiddenLayers = 12;
  numAttentionHeads = 12;
  intermediateSize = 3072;
  hiddenAct: BertHiddenAct = 'gelu';
  hiddenDropoutProb = 0.1;
  attentionProbsDropoutProb = 0.1;
  maxPositionEmbeddings = 512;
  typeVocabSize = 2;
  layerNormEps = 1e-12;
  padTokenId: number | null = 0;
  initializerRange = 0.02;
  dtype: DType = 'float32';

  constructor(overrides: BertConfigOptions = {}) {
    const known = Object.keys(this);
    for (const [k, v] of Object.entries(overrides)) {
      if (!known.includes(k)) throw new Error(`BertConfig: unknown option '${k}' (expected one of ${known.join(', ')})`);
      if (v !== undefined) (this as Record<string, unknown>)[k] = v;
    }
    const sizes = ['vocabSize', 'hiddenSize', 'numHiddenLayers', 'numAttentionHeads', 'intermediateSize', 'maxPositionEmbeddings', 'typeVocabSize'] as const;
    for (const k of sizes) {
      const min = k === 'numHiddenLayers' ? 0 : 1;
      if (!Number.isInteger(this[k]) || this[k] < min) throw new Error(`BertConfig: ${k} must be an integer >= ${min}, got ${this[k]}`);
    }
    if (this.hiddenSize % this.numAttentionHeads !== 0) {
      throw new Error(`BertConfig: the hidden size (${this.hiddenSize}) is not a multiple of the number of attention heads (${this.numAttentionHeads})`);
    }
    for (const k of ['hiddenDropoutProb', 'attentionProbsDropoutProb'] as const) {
      if (typeof this[k] !== 'number' || !(this[k] >= 0 && this[k] <= 1)) throw new Error(`BertConfig: ${k} must be between 0 and 1, got ${this[k]}`);
    }
    if (this.padTokenId !== null && (!Number.isInteger(this.padTokenId) || this.padTokenId < 0 || this.padTokenId >= this.vocabSize)) {
      throw new Error(`BertConfig: padTokenId must be null or an integer in [0, ${this.vocabSize}), got ${this.padTokenId}`);
    }
    activationFn(this.hiddenAct); // throws on an unknown name
  }
}

export function activationFn(name: BertHiddenAct): (x: Tensor) => Tensor {
  switch (name) {
    case 'gelu': return (x) => x.gelu();
    case 'gelu_new': return (x) => x.gelu({ approximate: 'tanh' });
    case 'relu': return (x) => x.relu();
    case 'silu': return (x) => x.silu();
    case 'tanh': return (x) => x.tanh();
  }
  throw new Error(`BertConfig: hiddenAct must be 'gelu', 'gelu_new', 'relu', 'silu' or 'tanh', got '${String(name)}'`);
}

/** HF's _init_weights: Linear and Embedding weights ~ N(0, initializerRange²), biases 0, the padding row 0, LayerNorm 1 and 0. */
export function initBertWeights(module: Module, config: BertConfig): void {
  module.apply((m) => {
    if (m instanceof Linear) {
      init.normal(m.weight, 0, config.initializerRange);
      if (m.bias) init.zeros(m.bias);
    } else if (m instanceof Embedding) {
      init.normal(m.weight, 0, config.initializerRange);
      const pad = m.paddingIdx;
      if (pad !== null) noGrad(() => m.weight.select(0, pad).zero_());
    } else if (m instanceof LayerNorm) {
      m.resetParameters();
    }
  });
}

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
    const positionIds = Tensor._fromHost(inputIds._backend, Int32Array.from({ length: T }, (_, t) => t), [T], 'int32'); // (T) = 0 … T-1
    const x = this.wordEmbeddings.forward(inputIds) // (B, T, H)
      .add(this.tokenTypeEmbeddings.forward(tokenTypeIds)) // + (B, T, H)
      .add(this.positionEmbeddings.forward(positionIds)); // + (T, H), broadcast over B
    return this.dropout.forward(this.layerNorm.forward(x)); // (B, T, H)
  }
}

// ---- one encoder layer ------------------------------------------------------------------------

/**
 * Multi-head self-attention, heads split from separate query/key/value projections:
 *   head_h = softmax(Q_h K_hᵀ / sqrt(hs) + M) V_h,   out = concat(head_1 … head_nh)
 * with M the additive padding mask (0 for tokens, a huge negative for padding keys).
 */
export class BertSelfAttention extends Module {
  readonly query: Linear;
  readonly key: Linear;
  readonly value: Linear;
  readonly numHeads: number;
  readonly dropoutP: number;

  constructor(c: BertConfig) {
    super();
    const H = c.hiddenSize, dtype = c.dtype;
    this.query = this.registerModule('query', new Linear(H, H, { dtype }));
    this.key = this.registerModule('key', new Linear(H, H, { dtype }));
    this.value = this.registerModule('value', new Linear(H, H, { dtype }));
    this.numHeads = c.numAttentionHeads;
    this.dropoutP = c.attentionProbsDropoutProb;
  }

  /** x (B, T, H), mask (B, 1, 1, T) additive or null -> (B, T, H) */
  forward(x: Tensor, mask: Tensor | null): Tensor {
    const [B, T, H] = x.shape;
    const nh = this.numHeads, hs = H / nh;
    const q = this.query.forward(x).reshape(B, T, nh, hs).transpose(1, 2); // (B, nh, T, hs)
    const k = this.key.forward(x).reshape(B, T, nh, hs).transpose(1, 2); // (B, nh, T, hs)
    const v = this.value.forward(x).reshape(B, T, nh, hs).transpose(1, 2); // (B, nh, T, hs)
    const dropoutP = this.training ? this.dropoutP : 0;
    const y = scaledDotProductAttention(q, k, v, { attnMask: mask, dropoutP }); // (B, nh, T, hs)
    return y.transpose(1, 2).reshape(B, T, H); // (B, T, nh, hs) -> (B, T, H)
  }
}

/**
 * out = LayerNorm(dropout(dense(h)) + input): the residual connection and post-norm after a
 * sublayer. HF's BertSelfOutput (in = H, key `attention.output`) and BertOutput (in = I, key `output`).
 */
export class BertResidualOutput extends Module {
  readonly dense: Linear;
  readonly layerNorm: LayerNorm;
  readonly dropout: Dropout;

  constructor(c: BertConfig, inFeatures: number) {
    super();
    this.dense = this.registerModule('dense', new Linear(inFeatures, c.hiddenSize, { dtype: c.dtype }));
    this.layerNorm = this.registerModule('LayerNorm', new LayerNorm(c.hiddenSize, { eps: c.layerNormEps, dtype: c.dtype }));
    this.dropout = this.registerModule('dropout', new Dropout(c.hiddenDropoutProb));
  }

  /** h (B, T, in), input (B, T, H) -> (B, T, H) */
  forward(h: Tensor, input: Tensor): Tensor {
    return this.layerNorm.forward(this.dropout.forward(this.dense.forward(h)).add(input));
  }
}

/** HF's BertAttention: `self` (the attention) and `output` (dense + residual + LayerNorm). */
export class BertAttention extends Module {
  readonly self: BertSelfAttention;
  readonly output: BertResidualOutput;

  constructor(c: BertConfig) {
    super();
    this.self = this.registerModule('self', new BertSelfAttention(c));
    this.output = this.registerModule('output', new BertResidualOutput(c, c.hiddenSize));
  }

  forward(x: Tensor, mask: Tensor | null): Tensor {
    return this.output.forward(this.self.forward(x, mask), x); // (B, T, H)
  }
}

/** HF's BertIntermediate: the feed-forward net's expansion, act(x W1ᵀ + b1). */
export class BertIntermediate extends Module {
  readonly dense: Linear;
  readonly act: (x: Tensor) => Tensor;

  constructor(c: BertConfig) {
    super();
    this.dense = this.registerModule('dense', new Linear(c.hiddenSize, c.intermediateSize, { dtype: c.dtype }));
    this.act = activationFn(c.hiddenAct);
  }

  forward(x: Tensor): Tensor {
    return this.act(this.dense.forward(x)); // (B, T, H) -> (B, T, I)
  }
}

/**
 * One post-norm Transformer encoder layer:
 *   a = LayerNorm(x + SelfAttention(x)),   y = LayerNorm(a + W2 act(W1 a + b1) + b2)
 * Keys: attention.self.{query,key,value}, attention.output.{dense,LayerNorm}, intermediate.dense,
 * output.{dense,LayerNorm}.
 */
export class BertLayer extends Module {
  readonly attention: BertAttention;
  readonly intermediate: BertIntermediate;
  readonly output: BertResidualOutput;

  constructor(c: BertConfig) {
    super();
    this.attention = this.registerModule('attention', new BertAttention(c));
    this.intermediate = this.registerModule('intermediate', new BertIntermediate(c));
    this.output = this.registerModule('output', new BertResidualOutput(c, c.intermediateSize));
  }

  forward(x: Tensor, mask: Tensor | null): Tensor {
    const a = this.attention.forward(x, mask); // (B, T, H)
    return this.output.forward(this.intermediate.forward(a), a); // (B, T, I) -> (B, T, H)
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

/** HF's BertEncoder: numHiddenLayers BertLayers in sequence, keys `layer.{i}.…`. */
export class BertEncoder extends Module {
  readonly layer: ModuleList<BertLayer>;

  constructor(c: BertConfig) {
    super();
    this.layer = this.registerModule('layer', new ModuleList(Array.from({ length: c.numHiddenLayers }, () => new BertLayer(c))));
  }

  forward(h: Tensor, mask: Tensor | null): Tensor {
    for (const layer of this.layer) h = layer.forward(h, mask); // (B, T, H)
    return h;
  }
}

// ---- the model --------------------------------------------------------------------------------

export interface BertForwardOptions {
  /** (B, T) int32 segment ids, 0 for sentence A and 1 for B (default all 0) */
  tokenTypeIds?: Tensor | null;
  /** (B, T): 1 for a real token, 0 for padding, which no position attends to (default all 1) */
  attentionMask?: Tensor | null;
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

/**
 * BERT's encoder: embeddings → numHiddenLayers post-norm Transformer layers → pooler on [CLS].
 * Parameters are HF's BertModel state dict (`embeddings.word_embeddings.weight`,
 * `encoder.layer.{i}.attention.self.query.weight`, …, `pooler.dense.bias`), initialized as HF:
 * weights ~ N(0, initializerRange²), biases 0, LayerNorm 1 / 0, the padTokenId row 0.
 *
 * Shape: inputIds (B, T) int32, tokenTypeIds (B, T) int32, attentionMask (B, T)
 * -> lastHiddenState (B, T, H), poolerOutput (B, H).
 *
 * @example
 *   const bert = new BertModel(new BertConfig({ vocabSize: 100, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 64 }));
 *   const { lastHiddenState, poolerOutput } = bert.forward(ids, { tokenTypeIds, attentionMask });
 */
export class BertModel extends Module {
  readonly config: BertConfig;
  readonly embeddings: BertEmbeddings;
  readonly encoder: BertEncoder;
  readonly pooler: BertPooler;

  constructor(config: BertConfig | BertConfigOptions = {}) {
    super();
    const c = config instanceof BertConfig ? config : new BertConfig(config);
    this.config = c;
    this.embeddings = this.registerModule('embeddings', new BertEmbeddings(c));
    this.encoder = this.registerModule('encoder', new BertEncoder(c));
    this.pooler = this.registerModule('pooler', new BertPooler(c));
    initBertWeights(this, c);
  }

  forward(inputIds: Tensor, opts: BertForwardOptions = {}): { lastHiddenState: Tensor; poolerOutput: Tensor } {
    checkInputs('BertModel', this.config, inputIds, opts);
    const tokenTypeIds = opts.tokenTypeIds ?? Tensor._fromHost(inputIds._backend, new Int32Array(inputIds.numel()), inputIds.shape, 'int32'); // (B, T) zeros
    const mask = opts.attentionMask ? extendedAttentionMask(opts.attentionMask, this.config.dtype) : null; // (B, 1, 1, T)
    const x = this.embeddings.forward(inputIds, tokenTypeIds); // (B, T, H)
    const h = this.encoder.forward(x, mask); // (B, T, H)
    return { lastHiddenState: h, poolerOutput: this.pooler.forward(h) }; // (B, T, H), (B, H)
  }

  /** As Module.loadStateDict, ignoring `embeddings.position_ids` (a buffer older HF versions saved). */
  override loadStateDict(stateDict: Record<string, Tensor>, opts: { strict?: boolean } = {}): LoadResult {
    return super.loadStateDict(withoutPositionIds(stateDict), opts);
  }
}

/** A copy of a state dict without HF's old persistent `…embeddings.position_ids` buffer. */
export function withoutPositionIds(stateDict: Record<string, Tensor>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(stateDict).filter(([k]) => !k.endsWith('embeddings.position_ids')));
}
