// bert_config.ts — BERT's hyperparameters (BertConfig, Hugging Face's BertConfig defaults and
// config.json names in camelCase), the hidden_act activations (activationFn, used by the encoder
// layers and the MLM head) and Hugging Face's weight initialization (initBertWeights).
// Reference: Hugging Face transformers models/bert/configuration_bert.py, modeling_bert.py
// (ACT2FN, _init_weights).

import { check, checkKeys, checkNonNegative, checkOneOf, checkProbability } from '../check.js';
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { noGrad } from '../autograd/engine.js';
import type { Module } from '../layers/module.js';
import { Linear } from '../layers/linear.js';
import { Embedding } from '../layers/embedding.js';
import { LayerNorm } from '../layers/norm.js';
import { getActivation } from '../layers/activation.js';
import * as init from '../layers/init.js';

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
    const op = 'BertConfig';
    const known = Object.keys(this);
    checkKeys(op, overrides, known);
    for (const [k, v] of Object.entries(overrides)) {
      if (v !== undefined) (this as Record<string, unknown>)[k] = v;
    }
    const sizes = ['vocabSize', 'hiddenSize', 'numHiddenLayers', 'numAttentionHeads', 'intermediateSize', 'maxPositionEmbeddings', 'typeVocabSize'] as const;
    for (const k of sizes) {
      const min = k === 'numHiddenLayers' ? 0 : 1;
      check(op, Number.isInteger(this[k]) && this[k] >= min, k, this[k], `must be an integer >= ${min}`);
    }
    if (this.hiddenSize % this.numAttentionHeads !== 0) {
      throw new Error(`${op}: the hidden size (${this.hiddenSize}) is not a multiple of the number of attention heads (${this.numAttentionHeads})`);
    }
    checkProbability(op, 'hiddenDropoutProb', this.hiddenDropoutProb);
    checkProbability(op, 'attentionProbsDropoutProb', this.attentionProbsDropoutProb);
    checkNonNegative(op, 'layerNormEps', this.layerNormEps);
    checkNonNegative(op, 'initializerRange', this.initializerRange);
    const pad = this.padTokenId;
    check(op, pad === null || (Number.isInteger(pad) && pad >= 0 && pad < this.vocabSize), 'padTokenId', pad, `must be null or an integer in [0, ${this.vocabSize})`);
    checkOneOf(op, 'hiddenAct', this.hiddenAct, BERT_HIDDEN_ACTS);
    checkOneOf(op, 'dtype', this.dtype, ['float32', 'float64'] as const);
  }
}

/** The hidden_act names BertConfig accepts (HF's ACT2FN keys). */
const BERT_HIDDEN_ACTS: readonly BertHiddenAct[] = ['gelu', 'gelu_new', 'relu', 'silu', 'tanh'];

/** hiddenAct as a function: 'gelu' is the exact erf form, 'gelu_new' the tanh approximation. */
export function activationFn(name: BertHiddenAct): (x: Tensor) => Tensor {
  return getActivation('BertConfig', name, BERT_HIDDEN_ACTS, 'hiddenAct');
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
