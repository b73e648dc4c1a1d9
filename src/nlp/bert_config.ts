// bert_config.ts — BERT's hyperparameters (BertConfig, Hugging Face's BertConfig defaults and
// config.json names in camelCase, with fromJSON / toJSON in HF's snake_case), the hidden_act
// activations (activationFn) and Hugging Face's weight initialization (initBertWeights).
// Reference: Hugging Face transformers models/bert/configuration_bert.py, configuration_utils.py
// (PretrainedConfig: num_labels / id2label / label2id, to_diff_dict), modeling_bert.py (ACT2FN, _init_weights).

import { check, checkKeys, checkNonNegative, checkOneOf, checkPositiveInt, checkProbability, show } from '../check.js';
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

/** HF's problem_type: which loss BertForSequenceClassification uses (MSE, cross-entropy, BCE with logits). */
export type BertProblemType = 'regression' | 'single_label_classification' | 'multi_label_classification';
const PROBLEM_TYPES: readonly BertProblemType[] = ['regression', 'single_label_classification', 'multi_label_classification'];

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
  /** dropout before a classification head's Linear (null: hiddenDropoutProb) */
  classifierDropout?: number | null;
  /** classes of a classification head; without id2label the names are LABEL_0 … (HF's num_labels) */
  numLabels?: number;
  /** class index -> name, indices 0 … numLabels-1 */
  id2label?: Record<number, string>;
  /** name -> class index (default: id2label inverted) */
  label2id?: Record<string, number>;
  /** the sequence-classification loss (null: inferred from numLabels and the labels' dtype) */
  problemType?: BertProblemType | null;
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
  classifierDropout: number | null = null;
  id2label: Record<number, string> = { 0: 'LABEL_0', 1: 'LABEL_1' };
  label2id: Record<string, number> = { LABEL_0: 0, LABEL_1: 1 };
  problemType: BertProblemType | null = null;
  dtype: DType = 'float32';

  constructor(overrides: BertConfigOptions = {}) {
    const op = 'BertConfig';
    const known = [...Object.keys(this), 'numLabels'];
    checkKeys(op, overrides, known);
    for (const [k, v] of Object.entries(overrides)) {
      if (v !== undefined && k !== 'numLabels') (this as Record<string, unknown>)[k] = v;
    }
    this.setLabels(op, overrides);
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
    if (this.classifierDropout !== null) checkProbability(op, 'classifierDropout', this.classifierDropout);
    if (this.problemType !== null) checkOneOf(op, 'problemType', this.problemType, PROBLEM_TYPES);
  }

  /** The number of classes of a classification head: id2label's size (HF's num_labels). */
  get numLabels(): number {
    return Object.keys(this.id2label).length;
  }

  /** id2label from numLabels (names LABEL_i) or as given, checked to be 0 … n-1; label2id its inverse unless given. */
  private setLabels(op: string, o: BertConfigOptions): void {
    if (o.numLabels !== undefined) checkPositiveInt(op, 'numLabels', o.numLabels);
    if (o.id2label === undefined && o.numLabels !== undefined) {
      this.id2label = Object.fromEntries(Array.from({ length: o.numLabels }, (_, i) => [i, `LABEL_${i}`]));
    }
    if (this.id2label === null || typeof this.id2label !== 'object') throw new Error(`${op}: id2label must be an object of index -> name, got ${show(this.id2label)}`);
    const entries = Object.entries(this.id2label);
    entries.forEach(([k, v], i) => {
      if (k !== String(i) || typeof v !== 'string') throw new Error(`${op}: id2label must map 0 … ${entries.length - 1} to names, got ${JSON.stringify(this.id2label)}`);
    });
    if (o.numLabels !== undefined && o.numLabels !== entries.length) throw new Error(`${op}: numLabels ${o.numLabels} does not match id2label's ${entries.length} labels`);
    this.id2label = Object.fromEntries(entries);
    if (o.label2id === undefined && (o.id2label !== undefined || o.numLabels !== undefined)) this.label2id = Object.fromEntries(entries.map(([k, v]) => [v, Number(k)]));
    for (const [k, v] of Object.entries(this.label2id ?? {})) {
      if (!Number.isInteger(v)) throw new Error(`${op}: label2id must map names to class indices, got ${show(k)} -> ${show(v)}`);
    }
    this.label2id = { ...this.label2id };
  }

  /** The options this config was made of (numLabels is implied by id2label). */
  toOptions(): BertConfigOptions {
    return Object.fromEntries(Object.entries(this)) as BertConfigOptions;
  }

  /**
   * A new config with `overrides` applied, as HF's from_pretrained(…, **kwargs): a numLabels that
   * differs from id2label's size (and comes without id2label) replaces the labels with LABEL_0 ….
   */
  with(overrides: BertConfigOptions): BertConfig {
    const base = this.toOptions();
    const n = overrides.numLabels;
    const relabel = overrides.id2label !== undefined || (n !== undefined && n !== this.numLabels);
    if (relabel) { delete base.id2label; delete base.label2id; }
    const given: BertConfigOptions = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
    if (!relabel) delete given.numLabels; // the same count: the names stay
    return new BertConfig({ ...base, ...given });
  }

  /**
   * config.json's fields in HF's snake_case, sorted as HF writes them (`json.dumps(sort_keys=True)`):
   * every BERT key, `model_type: 'bert'`, `position_embedding_type: 'absolute'`, `use_cache`, and
   * like HF's to_diff_dict id2label/label2id only when they differ from the default two labels,
   * problem_type and pad_token_id only when set. `dtype` is not a config.json key.
   *
   *   JSON.stringify(new BertConfig({ numLabels: 3 })) // {"attention_probs_dropout_prob":0.1,…,"id2label":{"0":"LABEL_0",…}
   */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { model_type: 'bert', position_embedding_type: 'absolute', use_cache: true };
    for (const [name, [key]] of Object.entries(JSON_KEYS)) out[key] = (this as Record<string, unknown>)[name];
    if (this.padTokenId === null) delete out.pad_token_id;
    if (this.problemType === null) delete out.problem_type;
    const defaultLabels = JSON.stringify(this.id2label) === '{"0":"LABEL_0","1":"LABEL_1"}' && JSON.stringify(this.label2id) === '{"LABEL_0":0,"LABEL_1":1}';
    if (defaultLabels) { delete out.id2label; delete out.label2id; }
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /**
   * A config from HF's config.json (text or parsed), then `overrides` applied (see with()).
   * Keys BERT does not use (architectures, transformers_version, torch_dtype, output_attentions,
   * …) are ignored as transformers does; a known key of the wrong type throws naming it, and so
   * does a config tensorloom cannot run (model_type other than 'bert', a relative
   * position_embedding_type, is_decoder, add_cross_attention).
   *
   *   const config = BertConfig.fromJSON(files['config.json'], { numLabels: 3 });
   */
  static fromJSON(json: string | Record<string, unknown>, overrides: BertConfigOptions = {}): BertConfig {
    const op = 'BertConfig.fromJSON';
    let o: unknown = json;
    if (typeof json === 'string') {
      try { o = JSON.parse(json); } catch (e) { throw new Error(`${op}: config.json is not valid JSON (${(e as Error).message})`); }
    }
    if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new Error(`${op}: expected a JSON object of config keys, got ${show(o)}`);
    const c = o as Record<string, unknown>;
    const unsupported: [string, (v: unknown) => boolean, string][] = [
      ['model_type', (v) => v === undefined || v === 'bert', "'bert'"],
      ['position_embedding_type', (v) => v === undefined || v === 'absolute', "'absolute' (relative position embeddings are not implemented)"],
      ['is_decoder', (v) => v === undefined || v === false, 'false (BERT as a decoder is not implemented)'],
      ['add_cross_attention', (v) => v === undefined || v === false, 'false (cross-attention is not implemented)'],
    ];
    for (const [key, ok, want] of unsupported) if (!ok(c[key])) throw new Error(`${op}: '${key}' is ${JSON.stringify(c[key])}, tensorloom's BERT needs ${want}`);
    const opts: Record<string, unknown> = {};
    for (const [name, [key, kind]] of Object.entries(JSON_KEYS)) {
      if (c[key] === undefined) continue;
      if (!IS_KIND[kind](c[key])) throw new Error(`${op}: '${key}' must be ${kind}, got ${JSON.stringify(c[key])}`);
      opts[name] = c[key];
    }
    const n = c.num_labels ?? c._num_labels; // older files spell the count out
    if (n !== undefined && opts.id2label === undefined) {
      if (!IS_KIND['an integer'](n)) throw new Error(`${op}: 'num_labels' must be an integer, got ${JSON.stringify(n)}`);
      opts.numLabels = n;
    }
    return new BertConfig(opts as BertConfigOptions).with(overrides);
  }
}

type JsonKind = 'an integer' | 'a number' | 'a string' | 'an integer or null' | 'a number or null' | 'a string or null' | 'an object of index -> name' | 'an object of name -> index';
const IS_KIND: Record<JsonKind, (v: unknown) => boolean> = {
  'an integer': (v) => Number.isInteger(v),
  'a number': (v) => typeof v === 'number',
  'a string': (v) => typeof v === 'string',
  'an integer or null': (v) => v === null || Number.isInteger(v),
  'a number or null': (v) => v === null || typeof v === 'number',
  'a string or null': (v) => v === null || typeof v === 'string',
  'an object of index -> name': (v) => isRecord(v) && Object.values(v).every((x) => typeof x === 'string'),
  'an object of name -> index': (v) => isRecord(v) && Object.values(v).every((x) => Number.isInteger(x)),
};
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** BertConfig's fields and their config.json keys and JSON types (HF's BertConfig / PretrainedConfig). */
const JSON_KEYS: Record<string, [string, JsonKind]> = {
  vocabSize: ['vocab_size', 'an integer'],
  hiddenSize: ['hidden_size', 'an integer'],
  numHiddenLayers: ['num_hidden_layers', 'an integer'],
  numAttentionHeads: ['num_attention_heads', 'an integer'],
  intermediateSize: ['intermediate_size', 'an integer'],
  hiddenAct: ['hidden_act', 'a string'],
  hiddenDropoutProb: ['hidden_dropout_prob', 'a number'],
  attentionProbsDropoutProb: ['attention_probs_dropout_prob', 'a number'],
  maxPositionEmbeddings: ['max_position_embeddings', 'an integer'],
  typeVocabSize: ['type_vocab_size', 'an integer'],
  layerNormEps: ['layer_norm_eps', 'a number'],
  padTokenId: ['pad_token_id', 'an integer or null'],
  initializerRange: ['initializer_range', 'a number'],
  classifierDropout: ['classifier_dropout', 'a number or null'],
  id2label: ['id2label', 'an object of index -> name'],
  label2id: ['label2id', 'an object of name -> index'],
  problemType: ['problem_type', 'a string or null'],
};

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
