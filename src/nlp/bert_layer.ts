// bert_layer.ts — one post-norm Transformer encoder layer of BERT with Hugging Face's module
// tree (attention.self.{query,key,value}, attention.output, intermediate, output), and the stack
// of them (BertEncoder): LayerNorm(x + sublayer(x)) after self-attention and the feed-forward net.
// Shape letters: B batch, T sequence length, H hiddenSize, nh heads, hs = H / nh, I intermediateSize.
// Reference: Hugging Face transformers models/bert/modeling_bert.py (BertSelfAttention … BertEncoder).

import type { Tensor } from '../tensor/tensor.js';
import { Module } from '../layers/module.js';
import { ModuleList } from '../layers/container.js';
import { Linear } from '../layers/linear.js';
import { LayerNorm } from '../layers/norm.js';
import { Dropout } from '../layers/dropout.js';
import { attention } from '../layers/attention.js';
import { activationFn, type BertConfig } from './bert_config.js';

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

  /**
   * x (B, T, H), mask (B, 1, 1, T) additive or null -> (B, T, H). With `attentions`, the
   * attention probabilities (B, nh, T, T) (after dropout, as HF's output_attentions) are pushed
   * onto it; without, the fused kernel runs and never forms them.
   */
  forward(x: Tensor, mask: Tensor | null, attentions?: Tensor[]): Tensor {
    const [B, T, H] = x.shape;
    const nh = this.numHeads, hs = H / nh;
    const q = this.query.forward(x).reshape(B, T, nh, hs).transpose(1, 2); // (B, nh, T, hs)
    const k = this.key.forward(x).reshape(B, T, nh, hs).transpose(1, 2); // (B, nh, T, hs)
    const v = this.value.forward(x).reshape(B, T, nh, hs).transpose(1, 2); // (B, nh, T, hs)
    const dropoutP = this.training ? this.dropoutP : 0;
    const masks = { blocked: null, bias: mask, causal: false };
    const { out, weights } = attention(q, k, v, masks, 1 / Math.sqrt(hs), dropoutP, !!attentions); // (B, nh, T, hs), (B, nh, T, T)
    if (attentions) attentions.push(weights!);
    return out.transpose(1, 2).reshape(B, T, H); // (B, T, nh, hs) -> (B, T, H)
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

  forward(x: Tensor, mask: Tensor | null, attentions?: Tensor[]): Tensor {
    return this.output.forward(this.self.forward(x, mask, attentions), x); // (B, T, H)
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

  forward(x: Tensor, mask: Tensor | null, attentions?: Tensor[]): Tensor {
    const a = this.attention.forward(x, mask, attentions); // (B, T, H)
    return this.output.forward(this.intermediate.forward(a), a); // (B, T, I) -> (B, T, H)
  }
}

/** HF's BertEncoder: numHiddenLayers BertLayers in sequence, keys `layer.{i}.…`. */
export class BertEncoder extends Module {
  readonly layer: ModuleList<BertLayer>;

  constructor(c: BertConfig) {
    super();
    this.layer = this.registerModule('layer', new ModuleList(Array.from({ length: c.numHiddenLayers }, () => new BertLayer(c))));
  }

  /** With `attentions`, each layer appends its attention probabilities (B, nh, T, T) to it. */
  forward(h: Tensor, mask: Tensor | null, attentions?: Tensor[]): Tensor {
    for (const layer of this.layer) h = layer.forward(h, mask, attentions); // (B, T, H)
    return h;
  }
}
