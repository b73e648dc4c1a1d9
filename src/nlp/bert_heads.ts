// bert_heads.ts — BERT pretraining: BertForPreTraining (BertModel + the masked-LM and
// next-sentence heads, HF's `cls.*` keys; the MLM decoder's weight is the word-embedding table
// itself) and bertPretrainingLoss. Shape letters: B batch, T sequence length, H hiddenSize, V vocabSize.
// References: Devlin et al. 2019 §3.1; Hugging Face modeling_bert.py (BertLMPredictionHead,
// BertForPreTraining); Press & Wolf 2017, "Using the Output Embedding to Improve Language Models".

import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { fmt, sameShape } from '../tensor/shape.js';
import { Module, Parameter, type LoadResult } from '../layers/module.js';
import { Linear, linear } from '../layers/linear.js';
import { LayerNorm } from '../layers/norm.js';
import { crossEntropy } from '../layers/loss.js';
import { activationFn, BertConfig, initBertWeights, type BertConfigOptions } from './bert_config.js';
import { BertModel, withoutPositionIds, type BertForwardOptions } from './bert.js';
import type { PretrainedFiles } from './pretrained_files.js';
import { pretrainedLoader, savePretrained, type FromPretrained, type PretrainedSpec, type PretrainedTokenizer } from './pretrained.js';

/** HF's BertPredictionHeadTransform: LayerNorm(act(h Wᵀ + b)), before the vocabulary projection. */
export class BertPredictionHeadTransform extends Module {
  readonly dense: Linear;
  readonly layerNorm: LayerNorm;
  readonly act: (x: Tensor) => Tensor;

  constructor(c: BertConfig) {
    super();
    this.dense = this.registerModule('dense', new Linear(c.hiddenSize, c.hiddenSize, { dtype: c.dtype }));
    this.act = activationFn(c.hiddenAct);
    this.layerNorm = this.registerModule('LayerNorm', new LayerNorm(c.hiddenSize, { eps: c.layerNormEps, dtype: c.dtype }));
  }

  forward(h: Tensor): Tensor {
    return this.layerNorm.forward(this.act(this.dense.forward(h))); // (B, T, H)
  }
}

/**
 * The vocabulary projection y = h Eᵀ + b with E the word-embedding table (V, H) and b the
 * prediction bias: a Linear(H, V) whose `weight` and `bias` are Parameters owned elsewhere, so
 * the state dict lists them under `cls.predictions.decoder.*` too, as PyTorch does for tied weights.
 */
export class TiedDecoder extends Module {
  constructor(readonly weight: Parameter, readonly bias: Parameter) {
    super();
    this.registerParameter('weight', weight);
    this.registerParameter('bias', bias);
  }

  forward(h: Tensor): Tensor {
    return linear(h, this.weight, this.bias); // (B, T, H) @ (H, V) + (V) -> (B, T, V)
  }
}

/** HF's BertLMPredictionHead: logits = LayerNorm(gelu(h W_tᵀ + b_t)) Eᵀ + b. Keys `bias`, `transform.*`, `decoder.*`. */
export class BertLMPredictionHead extends Module {
  readonly bias: Parameter;
  readonly transform: BertPredictionHeadTransform;
  readonly decoder: TiedDecoder;

  constructor(c: BertConfig, wordEmbeddings: Parameter) {
    super();
    this.bias = this.registerParameter('bias', new Parameter(zeros([c.vocabSize], { dtype: c.dtype })));
    this.transform = this.registerModule('transform', new BertPredictionHeadTransform(c));
    this.decoder = this.registerModule('decoder', new TiedDecoder(wordEmbeddings, this.bias));
  }

  forward(h: Tensor): Tensor {
    return this.decoder.forward(this.transform.forward(h)); // (B, T, H) -> (B, T, V)
  }
}

/** HF's BertPreTrainingHeads (`cls`): `predictions` (masked LM) and `seq_relationship` (NSP, H → 2). */
export class BertPreTrainingHeads extends Module {
  readonly predictions: BertLMPredictionHead;
  readonly seqRelationship: Linear;

  constructor(c: BertConfig, wordEmbeddings: Parameter) {
    super();
    this.predictions = this.registerModule('predictions', new BertLMPredictionHead(c, wordEmbeddings));
    this.seqRelationship = this.registerModule('seq_relationship', new Linear(c.hiddenSize, 2, { dtype: c.dtype }));
  }

  forward(h: Tensor, pooled: Tensor): { mlmLogits: Tensor; nspLogits: Tensor } {
    return { mlmLogits: this.predictions.forward(h), nspLogits: this.seqRelationship.forward(pooled) }; // (B, T, V), (B, 2)
  }
}

/** The state-dict keys that name one Parameter twice: [alias, source] (HF's _tied_weights_keys are the aliases). */
export const TIED_KEYS: readonly (readonly [string, string])[] = [
  ['cls.predictions.decoder.weight', 'bert.embeddings.word_embeddings.weight'],
  ['cls.predictions.decoder.bias', 'cls.predictions.bias'],
];

/**
 * A copy of a state dict with each tied pair complete: a pair stored under one key only (HF's
 * safetensors files drop `cls.predictions.decoder.*`) fills the other; stored twice, the source
 * wins (HF ties the decoder to the embeddings after loading). `…position_ids` is dropped.
 */
export function withTiedKeys(stateDict: Record<string, Tensor>): Record<string, Tensor> {
  const sd = withoutPositionIds(stateDict);
  for (const [alias, source] of TIED_KEYS) {
    if (sd[source]) sd[alias] = sd[source];
    else if (sd[alias]) sd[source] = sd[alias];
  }
  return sd;
}

const SPEC: PretrainedSpec<BertForPreTraining> = { name: 'BertForPreTraining', create: (c) => new BertForPreTraining(c), tied: TIED_KEYS };

/**
 * BERT with both pretraining heads, as HF's BertForPreTraining:
 *   mlmLogits = LayerNorm(gelu(h W_tᵀ + b_t)) Eᵀ + b      (every position; E = word embeddings, tied)
 *   nspLogits = pooled W_sᵀ + b_s                          (class 0 = B follows A, 1 = B is random)
 * State-dict keys are HF's: `bert.*` (BertModel) and `cls.predictions.{bias, transform.dense.*,
 * transform.LayerNorm.*, decoder.weight, decoder.bias}`, `cls.seq_relationship.*`, where
 * decoder.weight is bert.embeddings.word_embeddings.weight and decoder.bias is cls.predictions.bias
 * (the same Parameters; parameters() lists each once).
 *
 * Shape: inputIds, tokenTypeIds, attentionMask (B, T) -> mlmLogits (B, T, V), nspLogits (B, 2).
 *
 * @example
 *   const model = new BertForPreTraining({ vocabSize: 4000, hiddenSize: 128, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 512 });
 *   const out = model.forward(ids, { tokenTypeIds, attentionMask });
 *   bertPretrainingLoss(out, mlmLabels, nspLabels).backward();
 */
export class BertForPreTraining extends Module {
  /** A BertForPreTraining from Hugging Face files (see pretrained.ts); missing heads are freshly initialized. */
  static readonly fromPretrained: FromPretrained<BertForPreTraining> = pretrainedLoader(SPEC);
  readonly config: BertConfig;
  readonly bert: BertModel;
  readonly cls: BertPreTrainingHeads;

  constructor(config: BertConfig | BertConfigOptions = {}) {
    super();
    const c = config instanceof BertConfig ? config : new BertConfig(config);
    this.config = c;
    this.bert = this.registerModule('bert', new BertModel(c));
    this.cls = this.registerModule('cls', new BertPreTrainingHeads(c, this.bert.embeddings.wordEmbeddings.weight));
    initBertWeights(this.cls, c); // the decoder is not a Linear: the shared table is left as it is
  }

  forward(inputIds: Tensor, opts: BertForwardOptions = {}): { mlmLogits: Tensor; nspLogits: Tensor } {
    const { lastHiddenState, poolerOutput } = this.bert.forward(inputIds, opts); // (B, T, H), (B, H)
    return this.cls.forward(lastHiddenState, poolerOutput);
  }

  /** As Module.loadStateDict, with a tied pair given once or twice (see withTiedKeys); position_ids ignored. */
  override loadStateDict(stateDict: Record<string, Tensor>, opts: { strict?: boolean } = {}): LoadResult {
    return super.loadStateDict(withTiedKeys(stateDict), opts);
  }

  /** config.json and model.safetensors as HF's save_pretrained writes them (the tied decoder once; + the tokenizer's files). */
  savePretrained(tokenizer?: PretrainedTokenizer): PretrainedFiles {
    return savePretrained(this, SPEC, tokenizer);
  }
}

/**
 * BERT's pretraining loss, the sum of two mean cross-entropies:
 *   loss = CE(mlmLogits over the positions with label != -100, mlmLabels) + CE(nspLogits, nspLabels)
 * mlmLabels as from maskTokens (the original id where a token was selected, -100 elsewhere);
 * nspLabels 0 where B follows A (isNext) and 1 where B is random (HF's next_sentence_label).
 * If no position is selected the MLM term is 0.
 *
 * Shape: out.mlmLogits (B, T, V), out.nspLogits (B, 2), mlmLabels (B, T) int32,
 * nspLabels (B) int32 -> a scalar.
 */
export function bertPretrainingLoss(out: { mlmLogits: Tensor; nspLogits: Tensor }, mlmLabels: Tensor, nspLabels: Tensor): Tensor {
  const op = 'bertPretrainingLoss';
  const { mlmLogits, nspLogits } = out;
  if (mlmLogits.ndim !== 3) throw new Error(`${op}: mlmLogits must be (B, T, V), got ${fmt(mlmLogits.shape)}`);
  const [B, T, V] = mlmLogits.shape;
  if (!sameShape(mlmLabels.shape, [B, T])) throw new Error(`${op}: mlmLabels ${fmt(mlmLabels.shape)} must be (B, T) = ${fmt([B, T])} for mlmLogits ${fmt(mlmLogits.shape)}`);
  if (!sameShape(nspLogits.shape, [B, 2])) throw new Error(`${op}: nspLogits must be (B, 2) = ${fmt([B, 2])}, got ${fmt(nspLogits.shape)}`);
  if (!sameShape(nspLabels.shape, [B])) throw new Error(`${op}: nspLabels ${fmt(nspLabels.shape)} must be (B) = ${fmt([B])}`);
  const mlm = crossEntropy(mlmLogits.reshape(B * T, V), mlmLabels.reshape(B * T), { ignoreIndex: -100 }); // (B·T, V), (B·T)
  const nsp = crossEntropy(nspLogits, nspLabels); // (B, 2), (B)
  return mlm.add(nsp);
}
