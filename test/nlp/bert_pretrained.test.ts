// bert_pretrained.test.ts — checkpoints in Hugging Face's layout: BertConfig.fromJSON / toJSON
// against HF's config.json files (bert-base-uncased's, written out by hand here), the files
// savePretrained writes against HF's published BertForSequenceClassification layout (key list
// and shapes derived here from the config by hand, F32, {format: 'pt'}, config.json keys and
// values), round trips of all five models, cross-loading (a BertForPreTraining checkpoint into
// each task model, a bare BertModel checkpoint, the tied decoder once or twice, position_ids,
// LayerNorm.gamma/beta, F16 and BF16 weights built byte by byte), the loading report and the
// warning line, and every error.

import { describe, expect, it, vi } from 'vitest';
import { manualSeed, noGrad, randn, tensor, type Tensor } from '../../src/index.js';
import { readSafetensorsHeader, saveSafetensors } from '../../src/io/index.js';
import {
  BertConfig, BertForMaskedLM, BertForPreTraining, BertForSequenceClassification, BertForTokenClassification, BertModel,
  TRANSFORMERS_VERSION, type BertConfigOptions, type PretrainedFiles,
} from '../../src/nlp/index.js';
import { makeFile } from '../io/build.js';

const SMALL: BertConfigOptions = { vocabSize: 40, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 24, maxPositionEmbeddings: 20, typeVocabSize: 2 };
const ints = (rows: number[][]): Tensor => tensor(rows, { dtype: 'int32' });
const vals = (t: Tensor): number[] => Array.from(t.dataSync());
/** A model output's tensors as plain numbers ({name: values}), for exact comparison. */
const outVals = (out: object): Record<string, number[] | null> => Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t ? vals(t as Tensor) : null]));
const IDS = ints([[2, 5, 17, 3, 30, 31, 3], [2, 33, 12, 3, 9, 0, 0]]);
const OPTS = { tokenTypeIds: ints([[0, 0, 0, 0, 1, 1, 1], [0, 0, 0, 0, 1, 0, 0]]), attentionMask: ints([[1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0, 0]]) };
const quiet = { warn: null };

/** HF's BertModel keys and shapes for a config, written from modeling_bert.py's module tree. */
function hfEncoderKeys(c: { V: number; H: number; I: number; P: number; types: number; L: number }, prefix: string, pooler: boolean): [string, number[]][] {
  const { V, H, I, P, types, L } = c;
  const keys: [string, number[]][] = [
    [`${prefix}embeddings.word_embeddings.weight`, [V, H]],
    [`${prefix}embeddings.position_embeddings.weight`, [P, H]],
    [`${prefix}embeddings.token_type_embeddings.weight`, [types, H]],
    [`${prefix}embeddings.LayerNorm.weight`, [H]],
    [`${prefix}embeddings.LayerNorm.bias`, [H]],
  ];
  for (let l = 0; l < L; l++) {
    const p = `${prefix}encoder.layer.${l}.`;
    for (const m of ['query', 'key', 'value']) keys.push([`${p}attention.self.${m}.weight`, [H, H]], [`${p}attention.self.${m}.bias`, [H]]);
    keys.push(
      [`${p}attention.output.dense.weight`, [H, H]], [`${p}attention.output.dense.bias`, [H]],
      [`${p}attention.output.LayerNorm.weight`, [H]], [`${p}attention.output.LayerNorm.bias`, [H]],
      [`${p}intermediate.dense.weight`, [I, H]], [`${p}intermediate.dense.bias`, [I]],
      [`${p}output.dense.weight`, [H, I]], [`${p}output.dense.bias`, [H]],
      [`${p}output.LayerNorm.weight`, [H]], [`${p}output.LayerNorm.bias`, [H]],
    );
  }
  if (pooler) keys.push([`${prefix}pooler.dense.weight`, [H, H]], [`${prefix}pooler.dense.bias`, [H]]);
  return keys;
}
const dims = (o: BertConfigOptions) => ({ V: o.vocabSize!, H: o.hiddenSize!, I: o.intermediateSize!, P: o.maxPositionEmbeddings!, types: o.typeVocabSize ?? 2, L: o.numHiddenLayers! });
/** HF's BertForSequenceClassification safetensors layout: bert.* (with pooler) + classifier.*. */
const seqClsKeys = (o: BertConfigOptions, C: number): [string, number[]][] => [
  ...hfEncoderKeys(dims(o), 'bert.', true), ['classifier.weight', [C, o.hiddenSize!]], ['classifier.bias', [C]],
];
/** The MLM head's keys as HF's safetensors files hold them: the tied decoder dropped. */
const mlmHeadKeys = (H: number, V: number): [string, number[]][] => [
  ['cls.predictions.bias', [V]], ['cls.predictions.transform.dense.weight', [H, H]], ['cls.predictions.transform.dense.bias', [H]],
  ['cls.predictions.transform.LayerNorm.weight', [H]], ['cls.predictions.transform.LayerNorm.bias', [H]],
];

/** The header's keys -> {dtype, shape}, sorted by key. */
function layout(files: PretrainedFiles): Record<string, [string, number[]]> {
  const h = readSafetensorsHeader(files['model.safetensors']);
  return Object.fromEntries(Object.entries(h.tensors).map(([k, e]) => [k, [e.dtype, e.shape]]));
}
const expectedLayout = (keys: [string, number[]][]): Record<string, [string, number[]]> => Object.fromEntries(keys.map(([k, s]) => [k, ['F32', s]]));

/** bert-base-uncased's config.json as published on the Hugging Face hub. */
const BERT_BASE_UNCASED_CONFIG = `{
  "architectures": ["BertForMaskedLM"],
  "attention_probs_dropout_prob": 0.1,
  "gradient_checkpointing": false,
  "hidden_act": "gelu",
  "hidden_dropout_prob": 0.1,
  "hidden_size": 768,
  "initializer_range": 0.02,
  "intermediate_size": 3072,
  "layer_norm_eps": 1e-12,
  "max_position_embeddings": 512,
  "model_type": "bert",
  "num_attention_heads": 12,
  "num_hidden_layers": 12,
  "pad_token_id": 0,
  "position_embedding_type": "absolute",
  "transformers_version": "4.6.0.dev0",
  "type_vocab_size": 2,
  "use_cache": true,
  "vocab_size": 30522
}
`;

describe('BertConfig.fromJSON / toJSON', () => {
  it("reads bert-base-uncased's config.json into the defaults, ignoring keys BERT does not use", () => {
    const c = BertConfig.fromJSON(BERT_BASE_UNCASED_CONFIG);
    expect(c.toOptions()).toEqual(new BertConfig().toOptions());
    expect(BertConfig.fromJSON(JSON.parse(BERT_BASE_UNCASED_CONFIG)).toOptions()).toEqual(c.toOptions());
  });

  it("writes HF's snake_case keys, sorted, with model_type, position_embedding_type and use_cache", () => {
    const json = new BertConfig().toJSON();
    expect(json).toEqual({
      attention_probs_dropout_prob: 0.1, classifier_dropout: null, hidden_act: 'gelu', hidden_dropout_prob: 0.1, hidden_size: 768,
      initializer_range: 0.02, intermediate_size: 3072, layer_norm_eps: 1e-12, max_position_embeddings: 512, model_type: 'bert',
      num_attention_heads: 12, num_hidden_layers: 12, pad_token_id: 0, position_embedding_type: 'absolute', type_vocab_size: 2,
      use_cache: true, vocab_size: 30522,
    });
    expect(Object.keys(json)).toEqual(Object.keys(json).sort());
    // labels and problem_type appear once they differ from HF's defaults (to_diff_dict)
    const t = new BertConfig({ id2label: { 0: 'NEG', 1: 'POS' }, problemType: 'single_label_classification', padTokenId: null });
    expect(t.toJSON()).toMatchObject({ id2label: { 0: 'NEG', 1: 'POS' }, label2id: { NEG: 0, POS: 1 }, problem_type: 'single_label_classification' });
    expect(t.toJSON()).not.toHaveProperty('pad_token_id');
  });

  it('round-trips every field but dtype, and reads a fine-tuned config with labels', () => {
    const c = new BertConfig({ ...SMALL, hiddenAct: 'gelu_new', layerNormEps: 1e-7, classifierDropout: 0.25, id2label: { 0: 'O', 1: 'B-PER', 2: 'I-PER' }, problemType: 'regression' });
    expect(BertConfig.fromJSON(JSON.stringify(c)).toOptions()).toEqual(c.toOptions());
    const sst2 = BertConfig.fromJSON({ ...JSON.parse(BERT_BASE_UNCASED_CONFIG), id2label: { 0: 'NEGATIVE', 1: 'POSITIVE' }, label2id: { NEGATIVE: 0, POSITIVE: 1 }, finetuning_task: 'sst-2' });
    expect([sst2.numLabels, sst2.id2label[1], sst2.label2id.NEGATIVE]).toEqual([2, 'POSITIVE', 0]);
    expect(BertConfig.fromJSON({ num_labels: 5 }).numLabels).toBe(5); // older files spell the count out
  });

  it('applies overrides as from_pretrained kwargs: a new numLabels replaces the names, the same keeps them', () => {
    const json = { ...SMALL, id2label: { 0: 'NEG', 1: 'POS' } };
    const base = BertConfig.fromJSON(new BertConfig(json).toJSON());
    expect(base.with({ numLabels: 3 }).id2label).toEqual({ 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2' });
    expect(base.with({ numLabels: 3 }).label2id).toEqual({ LABEL_0: 0, LABEL_1: 1, LABEL_2: 2 });
    expect(base.with({ numLabels: 2 }).id2label).toEqual({ 0: 'NEG', 1: 'POS' });
    expect(BertConfig.fromJSON(base.toJSON(), { hiddenDropoutProb: 0, dtype: 'float64' }).toOptions()).toMatchObject({ hiddenDropoutProb: 0, dtype: 'float64', hiddenSize: 16 });
  });

  it('rejects wrong types and unsupported configs naming the key', () => {
    const op = 'BertConfig.fromJSON';
    expect(() => BertConfig.fromJSON({ hidden_size: '768' })).toThrow(`${op}: 'hidden_size' must be an integer, got "768"`);
    expect(() => BertConfig.fromJSON({ hidden_dropout_prob: null })).toThrow(`${op}: 'hidden_dropout_prob' must be a number, got null`);
    expect(() => BertConfig.fromJSON({ id2label: { 0: 7 } })).toThrow(`${op}: 'id2label' must be an object of index -> name, got {"0":7}`);
    expect(() => BertConfig.fromJSON({ label2id: ['a'] })).toThrow(`${op}: 'label2id' must be an object of name -> index, got ["a"]`);
    expect(() => BertConfig.fromJSON({ num_labels: 2.5 })).toThrow(`${op}: 'num_labels' must be an integer, got 2.5`);
    expect(() => BertConfig.fromJSON({ model_type: 'roberta' })).toThrow(`${op}: 'model_type' is "roberta", tensorloom's BERT needs 'bert'`);
    expect(() => BertConfig.fromJSON({ position_embedding_type: 'relative_key' })).toThrow(`${op}: 'position_embedding_type' is "relative_key", tensorloom's BERT needs 'absolute' (relative position embeddings are not implemented)`);
    expect(() => BertConfig.fromJSON({ is_decoder: true })).toThrow(`${op}: 'is_decoder' is true, tensorloom's BERT needs false`);
    expect(() => BertConfig.fromJSON('{"vocab_size": 3,')).toThrow(`${op}: config.json is not valid JSON`);
    expect(() => BertConfig.fromJSON('[1]')).toThrow(`${op}: expected a JSON object of config keys, got [1]`);
    expect(() => BertConfig.fromJSON({ hidden_act: 'swish' })).toThrow("BertConfig: hiddenAct must be 'gelu', 'gelu_new', 'relu', 'silu', 'tanh'; got 'swish'");
  });
});

describe('savePretrained writes what transformers loads without warnings', () => {
  it("BertForSequenceClassification: HF's keys (199 + 2 for base), shapes, F32, {format: 'pt'}", () => {
    expect(seqClsKeys({ vocabSize: 30522, hiddenSize: 768, intermediateSize: 3072, maxPositionEmbeddings: 512, numHiddenLayers: 12 }, 2)).toHaveLength(201);
    manualSeed(1);
    const model = new BertForSequenceClassification({ ...SMALL, dtype: 'float64' }, { numLabels: 3 });
    const files = model.savePretrained();
    expect(Object.keys(files).sort()).toEqual(['config.json', 'model.safetensors']);
    expect(layout(files)).toEqual(expectedLayout(seqClsKeys(SMALL, 3)));
    expect(Object.keys(layout(files))).toHaveLength(5 + 16 * 2 + 2 + 2);
    expect(readSafetensorsHeader(files['model.safetensors']).metadata).toEqual({ format: 'pt' });
  });

  it("BertForSequenceClassification's config.json: HF's keys and values, sorted, 2-space indent, final newline", () => {
    const model = new BertForSequenceClassification({ ...SMALL, id2label: { 0: 'NEGATIVE', 1: 'POSITIVE' } });
    const text = model.savePretrained()['config.json'];
    expect(JSON.parse(text)).toEqual({
      architectures: ['BertForSequenceClassification'], attention_probs_dropout_prob: 0.1, classifier_dropout: null, hidden_act: 'gelu',
      hidden_dropout_prob: 0.1, hidden_size: 16, id2label: { 0: 'NEGATIVE', 1: 'POSITIVE' }, initializer_range: 0.02, intermediate_size: 24,
      label2id: { NEGATIVE: 0, POSITIVE: 1 }, layer_norm_eps: 1e-12, max_position_embeddings: 20, model_type: 'bert', num_attention_heads: 2,
      num_hidden_layers: 2, pad_token_id: 0, position_embedding_type: 'absolute', torch_dtype: 'float32', transformers_version: TRANSFORMERS_VERSION,
      type_vocab_size: 2, use_cache: true, vocab_size: 40,
    });
    expect(text.startsWith('{\n  "architectures": [\n    "BertForSequenceClassification"\n  ],\n  "attention_probs_dropout_prob": 0.1,\n')).toBe(true);
    expect(text.endsWith('  "vocab_size": 40\n}\n')).toBe(true);
    // default label names are written for the classification heads, and problem_type once the labels decided it
    const seq = new BertForSequenceClassification(SMALL);
    seq.forward(ints([[2, 3]]), { labels: tensor([1], { dtype: 'int32' }) });
    expect(JSON.parse(seq.savePretrained()['config.json'])).toMatchObject({ id2label: { 0: 'LABEL_0', 1: 'LABEL_1' }, problem_type: 'single_label_classification' });
  });

  it('each model: its HF keys, the tied decoder saved once (as source), no position_ids, its architectures', () => {
    const { H, V } = { H: 16, V: 40 };
    const cases: [string, PretrainedFiles, [string, number[]][]][] = [
      ['BertModel', new BertModel(SMALL).savePretrained(), hfEncoderKeys(dims(SMALL), '', true)],
      ['BertForPreTraining', new BertForPreTraining(SMALL).savePretrained(),
        [...hfEncoderKeys(dims(SMALL), 'bert.', true), ...mlmHeadKeys(H, V), ['cls.seq_relationship.weight', [2, H]], ['cls.seq_relationship.bias', [2]]]],
      ['BertForMaskedLM', new BertForMaskedLM(SMALL).savePretrained(), [...hfEncoderKeys(dims(SMALL), 'bert.', false), ...mlmHeadKeys(H, V)]],
      ['BertForTokenClassification', new BertForTokenClassification(SMALL, { numLabels: 5 }).savePretrained(),
        [...hfEncoderKeys(dims(SMALL), 'bert.', false), ['classifier.weight', [5, H]], ['classifier.bias', [5]]]],
    ];
    for (const [name, files, keys] of cases) {
      expect(layout(files), name).toEqual(expectedLayout(keys));
      expect(JSON.parse(files['config.json']).architectures, name).toEqual([name]);
    }
    expect(JSON.parse(cases[0][1]['config.json'])).not.toHaveProperty('id2label'); // default labels: as to_diff_dict, not written
    expect(JSON.parse(cases[3][1]['config.json']).id2label).toEqual({ 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2', 3: 'LABEL_3', 4: 'LABEL_4' });
  });

  it("merges the tokenizer's savePretrained() files", () => {
    const tokenizer = { savePretrained: () => ({ 'vocab.txt': '[PAD]\n[UNK]\n', 'tokenizer_config.json': '{"do_lower_case": true}\n', 'tokenizer.json': undefined }) };
    const files = new BertModel(SMALL).savePretrained(tokenizer);
    expect(Object.keys(files).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer_config.json', 'vocab.txt']);
    expect(files['vocab.txt']).toBe('[PAD]\n[UNK]\n');
    expect(() => new BertModel(SMALL).savePretrained({} as never)).toThrow('BertModel.savePretrained: tokenizer must have savePretrained() (a WordPieceTokenizer), got an object');
    expect(() => new BertModel(SMALL).savePretrained({ savePretrained: () => ({ 'config.json': '{}' }) } as never)).toThrow("BertModel.savePretrained: the tokenizer's files include 'config.json', which is the model's");
  });
});

describe('fromPretrained round trips', () => {
  const models = {
    BertModel: () => new BertModel(SMALL),
    BertForPreTraining: () => new BertForPreTraining(SMALL),
    BertForMaskedLM: () => new BertForMaskedLM(SMALL),
    BertForSequenceClassification: () => new BertForSequenceClassification(SMALL, { numLabels: 3, problemType: 'multi_label_classification' }),
    BertForTokenClassification: () => new BertForTokenClassification({ ...SMALL, id2label: { 0: 'O', 1: 'B-LOC', 2: 'I-LOC' } }),
  };
  const loaders = {
    BertModel: BertModel.fromPretrained, BertForPreTraining: BertForPreTraining.fromPretrained, BertForMaskedLM: BertForMaskedLM.fromPretrained,
    BertForSequenceClassification: BertForSequenceClassification.fromPretrained, BertForTokenClassification: BertForTokenClassification.fromPretrained,
  };
  for (const name of Object.keys(models) as (keyof typeof models)[]) {
    it(`${name}: save -> load gives the same config, state dict and outputs, in eval mode, with nothing to report`, () => {
      manualSeed(2);
      const model = models[name]().eval();
      const warn = vi.fn();
      const { model: back, loadingInfo } = loaders[name](model.savePretrained(), { outputLoadingInfo: true, warn });
      expect(loadingInfo).toEqual({ missingKeys: [], unexpectedKeys: [], newlyInitialized: [] });
      expect(warn).not.toHaveBeenCalled();
      expect(back.training).toBe(false);
      expect(back.config.toOptions()).toEqual(model.config.toOptions());
      const sd = back.stateDict();
      for (const [k, t] of Object.entries(model.stateDict())) expect(vals(sd[k]), k).toEqual(vals(t));
      expect(outVals(back.forward(IDS, OPTS))).toEqual(outVals(model.forward(IDS, OPTS)));
    });
  }

  it('the tied decoder stays tied after loading', () => {
    const back = BertForMaskedLM.fromPretrained(new BertForMaskedLM(SMALL).savePretrained());
    expect(back.cls.predictions.decoder.weight).toBe(back.bert.embeddings.wordEmbeddings.weight);
    expect(back.cls.predictions.decoder.bias).toBe(back.cls.predictions.bias);
  });

  it('dtype float64 loads the F32 weights into float64 parameters', () => {
    manualSeed(3);
    const model = new BertForSequenceClassification(SMALL).eval();
    const back = BertForSequenceClassification.fromPretrained(model.savePretrained(), { dtype: 'float64' });
    expect(back.classifier.weight.dtype).toBe('float64');
    expect(vals(back.stateDict()['bert.encoder.layer.1.output.dense.weight'])).toEqual(vals(model.stateDict()['bert.encoder.layer.1.output.dense.weight']));
    const a = vals(model.forward(IDS, OPTS).logits), b = vals(back.forward(IDS, OPTS).logits);
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeLessThan(1e-5);
  });
});

describe('fromPretrained across models', () => {
  manualSeed(4);
  const pre = new BertForPreTraining(SMALL).eval();
  const preFiles = pre.savePretrained();
  const headKeys = [
    'cls.predictions.bias', 'cls.predictions.transform.LayerNorm.bias', 'cls.predictions.transform.LayerNorm.weight',
    'cls.predictions.transform.dense.bias', 'cls.predictions.transform.dense.weight', 'cls.seq_relationship.bias', 'cls.seq_relationship.weight',
  ]; // sorted, as HF lists missing and unexpected keys
  const mlmHead = headKeys.slice(0, 5);
  const classifier = ['classifier.bias', 'classifier.weight'];
  const pooler = ['bert.pooler.dense.bias', 'bert.pooler.dense.weight'];
  const encoderOut = pre.bert.forward(IDS, OPTS);

  it('a BertForPreTraining checkpoint into BertForSequenceClassification: cls.* unused, the classifier new, one warning line', () => {
    const warn = vi.fn();
    const { model, loadingInfo } = BertForSequenceClassification.fromPretrained(preFiles, { numLabels: 3, outputLoadingInfo: true, warn });
    expect(loadingInfo).toEqual({ missingKeys: classifier, unexpectedKeys: headKeys, newlyInitialized: classifier });
    expect(warn.mock.calls).toEqual([[
      "Some weights of BertForSequenceClassification were not initialized from the model checkpoint and are newly initialized: ['classifier.bias', 'classifier.weight']. You should probably TRAIN this model on a down-stream task to be able to use it for predictions and inference.",
    ]]);
    expect(vals(model.bert.forward(IDS, OPTS).poolerOutput)).toEqual(vals(encoderOut.poolerOutput));
    expect(vals(model.classifier.bias!)).toEqual([0, 0, 0]);
    expect(model.config.numLabels).toBe(3);
  });

  it('… into BertForTokenClassification: the pooler is unused too', () => {
    const { model, loadingInfo } = BertForTokenClassification.fromPretrained(preFiles, { numLabels: 4, outputLoadingInfo: true, ...quiet });
    expect(loadingInfo.missingKeys).toEqual(classifier);
    expect(loadingInfo.unexpectedKeys).toEqual([...pooler, ...headKeys]);
    expect(vals(model.bert.forward(IDS, OPTS).lastHiddenState)).toEqual(vals(encoderOut.lastHiddenState));
  });

  it('… into BertForMaskedLM: nothing new, the same MLM logits', () => {
    const warn = vi.fn();
    const { model, loadingInfo } = BertForMaskedLM.fromPretrained(preFiles, { outputLoadingInfo: true, warn });
    expect(loadingInfo).toEqual({ missingKeys: [], unexpectedKeys: [...pooler, ...headKeys.slice(5)], newlyInitialized: [] });
    expect(warn).not.toHaveBeenCalled(); // unused weights warn only for a checkpoint of this very class, as HF
    expect(vals(model.forward(IDS, OPTS).logits)).toEqual(vals(pre.forward(IDS, OPTS).mlmLogits));
  });

  it('… into BertModel: the bert. prefix is stripped, the heads unused', () => {
    const { model, loadingInfo } = BertModel.fromPretrained(preFiles, { outputLoadingInfo: true, ...quiet });
    expect(loadingInfo).toEqual({ missingKeys: [], unexpectedKeys: headKeys, newlyInitialized: [] });
    expect(outVals(model.forward(IDS, OPTS))).toEqual(outVals(encoderOut));
  });

  it('a task checkpoint into BertForPreTraining: the heads newly initialized with HF init, classifier.* unused', () => {
    const seqFiles = BertForSequenceClassification.fromPretrained(preFiles, quiet).savePretrained();
    const { model, loadingInfo } = BertForPreTraining.fromPretrained(seqFiles, { outputLoadingInfo: true, ...quiet });
    expect(loadingInfo.missingKeys).toEqual(headKeys);
    expect(loadingInfo.unexpectedKeys).toEqual(classifier);
    expect(vals(model.cls.predictions.bias).every((v) => v === 0)).toBe(true);
    expect(vals(model.cls.predictions.transform.layerNorm.weight!).every((v) => v === 1)).toBe(true);
  });

  it('a checkpoint without the pooler (BertForMaskedLM) into BertForSequenceClassification: the pooler is new', () => {
    const mlmFiles = BertForMaskedLM.fromPretrained(preFiles, quiet).savePretrained();
    const { loadingInfo } = BertForSequenceClassification.fromPretrained(mlmFiles, { outputLoadingInfo: true, ...quiet });
    expect(loadingInfo.newlyInitialized).toEqual([...pooler, ...classifier]);
    expect(loadingInfo.unexpectedKeys).toEqual(mlmHead);
  });

  it('a bare BertModel checkpoint (keys without bert.) into each task model', () => {
    const bare = BertModel.fromPretrained(preFiles, quiet).savePretrained();
    const seq = BertForSequenceClassification.fromPretrained(bare, { outputLoadingInfo: true, ...quiet });
    expect(seq.loadingInfo).toEqual({ missingKeys: classifier, unexpectedKeys: [], newlyInitialized: classifier });
    expect(vals(seq.model.bert.forward(IDS, OPTS).poolerOutput)).toEqual(vals(encoderOut.poolerOutput));
    const mlm = BertForMaskedLM.fromPretrained(bare, { outputLoadingInfo: true, ...quiet });
    expect(mlm.loadingInfo.missingKeys).toEqual(mlmHead); // the decoder's weight is the embeddings, present
    expect(mlm.loadingInfo.unexpectedKeys).toEqual(pooler);
    expect(vals(mlm.model.cls.predictions.decoder.weight)).toEqual(vals(pre.bert.embeddings.wordEmbeddings.weight));
    const tok = BertForTokenClassification.fromPretrained(bare, { outputLoadingInfo: true, ...quiet });
    expect(tok.loadingInfo.missingKeys).toEqual(classifier);
    const pt = BertForPreTraining.fromPretrained(bare, { outputLoadingInfo: true, ...quiet });
    expect(pt.loadingInfo.missingKeys).toEqual(headKeys);
  });

  it('warns about unused weights when the checkpoint is of the same class; console.warn by default', () => {
    const files = { ...preFiles, 'config.json': preFiles['config.json'].replace('BertForPreTraining', 'BertForMaskedLM') };
    const warn = vi.fn();
    BertForMaskedLM.fromPretrained(files, { warn });
    expect(warn.mock.calls).toEqual([["Some weights of the model checkpoint were not used when initializing BertForMaskedLM: ['bert.pooler.dense.bias', 'bert.pooler.dense.weight', 'cls.seq_relationship.bias', 'cls.seq_relationship.weight']."]]);
    const spy = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      BertForSequenceClassification.fromPretrained(preFiles);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(spy.mock.calls[0][0]).toMatch(/^Some weights of BertForSequenceClassification were not initialized .*\['classifier.bias', 'classifier.weight'\]/);
    } finally {
      spy.mockRestore();
    }
  });
});

// ---- checkpoints as other writers make them ----------------------------------------------------

describe('checkpoint variants', () => {
  manualSeed(5);
  const model = new BertForMaskedLM(SMALL).eval();
  const config = model.savePretrained()['config.json'];
  const expected = vals(model.forward(IDS, OPTS).logits);
  const load = (sd: Record<string, Tensor>) => BertForMaskedLM.fromPretrained({ 'config.json': config, 'model.safetensors': saveSafetensors(sd, { format: 'pt' }) }, { outputLoadingInfo: true, ...quiet });

  it('the tied decoder stored twice (torch.save style) loads with nothing to report', () => {
    const sd = model.stateDict();
    expect(Object.keys(sd)).toContain('cls.predictions.decoder.weight');
    const { model: back, loadingInfo } = load(sd);
    expect(loadingInfo).toEqual({ missingKeys: [], unexpectedKeys: [], newlyInitialized: [] });
    expect(vals(back.forward(IDS, OPTS).logits)).toEqual(expected);
  });

  it('stored twice with different values, the word embeddings win; only the decoder: it fills the embeddings', () => {
    const sd = { ...model.stateDict(), 'cls.predictions.decoder.weight': randn([40, 16]) };
    expect(vals(load(sd).model.forward(IDS, OPTS).logits)).toEqual(expected);
    const onlyDecoder = { ...model.stateDict() };
    delete onlyDecoder['bert.embeddings.word_embeddings.weight'];
    delete onlyDecoder['cls.predictions.bias'];
    const { model: back, loadingInfo } = load(onlyDecoder);
    expect(loadingInfo.missingKeys).toEqual([]);
    expect(vals(back.forward(IDS, OPTS).logits)).toEqual(expected);
  });

  it('an embeddings.position_ids buffer (I64, as older HF versions saved it) is ignored', () => {
    const sd = { ...model.stateDict(), 'bert.embeddings.position_ids': tensor([Array.from({ length: 20 }, (_, i) => i)], { dtype: 'int32' }) };
    const bytes = saveSafetensors(sd, { format: 'pt' }, { int64Keys: (k) => k.endsWith('position_ids') });
    expect(readSafetensorsHeader(bytes).tensors['bert.embeddings.position_ids'].dtype).toBe('I64');
    const { model: back, loadingInfo } = BertForMaskedLM.fromPretrained({ 'config.json': config, 'model.safetensors': bytes }, { outputLoadingInfo: true, ...quiet });
    expect(loadingInfo).toEqual({ missingKeys: [], unexpectedKeys: [], newlyInitialized: [] });
    expect(vals(back.forward(IDS, OPTS).logits)).toEqual(expected);
  });

  it("TF-era LayerNorm.gamma / LayerNorm.beta names load as weight / bias (HF's _fix_key)", () => {
    const sd = Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta'), t]));
    expect(Object.keys(sd)).toContain('bert.embeddings.LayerNorm.gamma');
    const { model: back, loadingInfo } = load(sd);
    expect(loadingInfo.missingKeys).toEqual([]);
    expect(vals(back.forward(IDS, OPTS).logits)).toEqual(expected);
  });

  it('F16 and BF16 weights (bytes written by hand) load as the float32 values they hold', () => {
    // weights on a 1/256 grid inside (-1, 1) are exact in F16 and BF16 (and LayerNorm weights of 1)
    const grid = Object.fromEntries(Object.entries(model.stateDict()).filter(([k]) => !k.startsWith('cls.predictions.decoder')).map(([k, t]) => [
      k, k.endsWith('LayerNorm.weight') ? t : tensor(vals(t).map((v, i) => Math.max(-255, Math.min(255, Math.round(v * 256 * 15 + ((i % 7) - 3)))) / 256), { shape: t.shape }),
    ]));
    const reference = new BertForMaskedLM(SMALL).eval();
    reference.loadStateDict(grid);
    const want = vals(reference.forward(IDS, OPTS).logits);
    const f16 = (v: number): number => { // sign, 5-bit exponent, 10-bit fraction; v normal or 0
      if (v === 0) return 0;
      const e = Math.floor(Math.log2(Math.abs(v)));
      return (v < 0 ? 0x8000 : 0) | ((e + 15) << 10) | Math.round((Math.abs(v) / 2 ** e - 1) * 1024);
    };
    const bf16 = (v: number): number => new Uint32Array(new Float32Array([v]).buffer)[0] >>> 16; // the top half of the float32
    for (const [dtype, encode] of [['F16', f16], ['BF16', bf16]] as const) {
      const header: Record<string, object> = {};
      const chunks: number[] = [];
      for (const [k, t] of Object.entries(grid)) {
        header[k] = { dtype, shape: t.shape, data_offsets: [chunks.length, chunks.length + 2 * t.numel()] };
        for (const v of vals(t)) { const h = encode(v); chunks.push(h & 0xff, h >>> 8); }
      }
      const bytes = makeFile(header, Uint8Array.from(chunks));
      expect(readSafetensorsHeader(bytes).tensors['cls.predictions.bias'].dtype).toBe(dtype);
      const { model: back, loadingInfo } = BertForMaskedLM.fromPretrained({ 'config.json': config, 'model.safetensors': bytes }, { outputLoadingInfo: true, ...quiet });
      expect(loadingInfo.missingKeys, dtype).toEqual([]);
      expect(vals(back.stateDict()['bert.encoder.layer.0.attention.self.query.weight']), dtype).toEqual(vals(grid['bert.encoder.layer.0.attention.self.query.weight']));
      expect(vals(back.forward(IDS, OPTS).logits), dtype).toEqual(want);
    }
  });
});

describe('fromPretrained errors', () => {
  manualSeed(6);
  const files = new BertForSequenceClassification(SMALL, { numLabels: 3 }).savePretrained();
  const op = 'BertForSequenceClassification.fromPretrained';
  const withTensors = (sd: Record<string, Tensor>, opts?: object) => BertForSequenceClassification.fromPretrained({ 'config.json': files['config.json'], 'model.safetensors': saveSafetensors(sd) }, { ...quiet, ...opts });
  const full = () => new BertForSequenceClassification(SMALL, { numLabels: 3 }).stateDict();

  it('a shape mismatch names the key and both shapes', () => {
    expect(() => BertForSequenceClassification.fromPretrained(files, { numLabels: 2, ...quiet })).toThrow(`${op}: size mismatch for 'classifier.weight': the checkpoint has shape [3,16], the model has [2,16]`);
    const bare = Object.fromEntries(Object.entries(full()).filter(([k]) => k.startsWith('bert.')).map(([k, t]) => [k.slice(5), t]));
    bare['encoder.layer.0.intermediate.dense.weight'] = randn([25, 16]);
    expect(() => withTensors(bare)).toThrow(`${op}: size mismatch for 'bert.encoder.layer.0.intermediate.dense.weight' (checkpoint key 'encoder.layer.0.intermediate.dense.weight'): the checkpoint has shape [25,16], the model has [24,16]`);
  });

  it('an integer tensor for a float parameter names the key and the file dtype', () => {
    const sd = { ...full(), 'bert.embeddings.token_type_embeddings.weight': tensor([[1, 2], [3, 4]], { dtype: 'int32' }) };
    const bytes = saveSafetensors(sd, null, { int64Keys: (k) => k.includes('token_type') });
    expect(() => BertForSequenceClassification.fromPretrained({ 'config.json': files['config.json'], 'model.safetensors': bytes }, quiet))
      .toThrow(`${op}: 'bert.embeddings.token_type_embeddings.weight' is I64 in the checkpoint, but the model's parameter is float32 (expected F32, F16, BF16 or F64)`);
  });

  it('a failed load changes nothing and says so before copying', () => {
    const sd = full();
    sd['classifier.bias'] = randn([4]);
    expect(() => withTensors(sd)).toThrow(`${op}: size mismatch for 'classifier.bias': the checkpoint has shape [4], the model has [3]`);
  });

  it('missing or malformed files', () => {
    expect(() => BertForSequenceClassification.fromPretrained({ 'model.safetensors': files['model.safetensors'] } as never)).toThrow(`${op}: files['config.json'] must be the text of config.json, got undefined`);
    expect(() => BertForSequenceClassification.fromPretrained({ 'config.json': files['config.json'] } as never)).toThrow(`${op}: files['model.safetensors'] must be a Uint8Array, got undefined`);
    expect(() => BertForSequenceClassification.fromPretrained({ ...files, 'config.json': '{oops' })).toThrow(`${op}: config.json is not valid JSON`);
    expect(() => BertForSequenceClassification.fromPretrained({ ...files, 'model.safetensors': Uint8Array.from([1, 2]) })).toThrow(`${op}: model.safetensors: readSafetensorsHeader: file is 2 bytes, too short for the 8-byte header length`);
    expect(() => BertForSequenceClassification.fromPretrained(null as never)).toThrow(`${op}: expected a record of files ({'config.json', 'model.safetensors', …}), got null`);
    expect(() => BertForSequenceClassification.fromPretrained({ ...files, 'config.json': '{"hidden_size": "16"}' })).toThrow("BertConfig.fromJSON: 'hidden_size' must be an integer, got \"16\"");
    expect(() => BertForSequenceClassification.fromPretrained(files, { numLabel: 3 } as never)).toThrow("BertConfig: unknown option 'numLabel'");
  });
});

describe('noGrad sanity of saved weights', () => {
  it('savePretrained reads the current parameter values (after an in-place update)', () => {
    const model = new BertModel(SMALL);
    noGrad(() => model.pooler.dense.bias!.fill_(0.25));
    const back = BertModel.fromPretrained(model.savePretrained(), quiet);
    expect(vals(back.pooler.dense.bias!)).toEqual(new Array(16).fill(0.25));
  });
});
