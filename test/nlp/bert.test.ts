// bert.test.ts — BertConfig, BertModel, BertForPreTraining, bertPretrainingLoss: the exact
// Hugging Face state-dict keys and shapes, strict loading of an HF-named state dict (with and
// without the tied decoder keys), HF's init, the tied decoder (one Parameter, gradient from both
// uses), padding that cannot reach real positions, forward against a plain-JS float64 reference
// written here (embeddings + LayerNorm, one attention layer, FFN with exact gelu, pooler, both
// heads), gradcheck of the pretraining loss, the loss against a hand computation, bad inputs.

import { describe, expect, it } from 'vitest';
import { grad, gradcheck, manualSeed, noGrad, randn, tensor, type Tensor } from '../../src/index.js';
import { AdamW } from '../../src/optim/index.js';
import { BertConfig, BertModel, type BertConfigOptions } from '../../src/nlp/bert.js';
import { BertForPreTraining, bertPretrainingLoss } from '../../src/nlp/bert_heads.js';
import { gelu as geluRef } from '../helpers/reference.js';
import { expectClose } from '../helpers/close.js';
import { withParams } from '../helpers/params.js';

const TINY: BertConfigOptions = { vocabSize: 50, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 32, maxPositionEmbeddings: 24 };
const ints = (rows: number[][]): Tensor => tensor(rows, { dtype: 'int32' });
const vals = (t: Tensor): number[] => Array.from(t.dataSync());

/** HF BertForPreTraining's state dict for a 1-layer config, in PyTorch's order, with shapes. */
function hfKeys(V: number, H: number, I: number, P: number): [string, number[]][] {
  const L = 'bert.encoder.layer.0.';
  return [
    ['bert.embeddings.word_embeddings.weight', [V, H]],
    ['bert.embeddings.position_embeddings.weight', [P, H]],
    ['bert.embeddings.token_type_embeddings.weight', [2, H]],
    ['bert.embeddings.LayerNorm.weight', [H]],
    ['bert.embeddings.LayerNorm.bias', [H]],
    [`${L}attention.self.query.weight`, [H, H]],
    [`${L}attention.self.query.bias`, [H]],
    [`${L}attention.self.key.weight`, [H, H]],
    [`${L}attention.self.key.bias`, [H]],
    [`${L}attention.self.value.weight`, [H, H]],
    [`${L}attention.self.value.bias`, [H]],
    [`${L}attention.output.dense.weight`, [H, H]],
    [`${L}attention.output.dense.bias`, [H]],
    [`${L}attention.output.LayerNorm.weight`, [H]],
    [`${L}attention.output.LayerNorm.bias`, [H]],
    [`${L}intermediate.dense.weight`, [I, H]],
    [`${L}intermediate.dense.bias`, [I]],
    [`${L}output.dense.weight`, [H, I]],
    [`${L}output.dense.bias`, [H]],
    [`${L}output.LayerNorm.weight`, [H]],
    [`${L}output.LayerNorm.bias`, [H]],
    ['bert.pooler.dense.weight', [H, H]],
    ['bert.pooler.dense.bias', [H]],
    ['cls.predictions.bias', [V]],
    ['cls.predictions.transform.dense.weight', [H, H]],
    ['cls.predictions.transform.dense.bias', [H]],
    ['cls.predictions.transform.LayerNorm.weight', [H]],
    ['cls.predictions.transform.LayerNorm.bias', [H]],
    ['cls.predictions.decoder.weight', [V, H]],
    ['cls.predictions.decoder.bias', [V]],
    ['cls.seq_relationship.weight', [2, H]],
    ['cls.seq_relationship.bias', [2]],
  ];
}

/** A random HF-named state dict (LayerNorm weights near 1, everything else ~ N(0, 0.3²)). */
function randomStateDict(keys: [string, number[]][], dtype: 'float32' | 'float64'): Record<string, Tensor> {
  return Object.fromEntries(keys.map(([k, shape]) => {
    const r = randn(shape, { dtype }).mul(0.3);
    return [k, k.endsWith('LayerNorm.weight') ? r.add(1) : r];
  }));
}

describe('BertConfig', () => {
  it("has Hugging Face's defaults and takes overrides", () => {
    const c = new BertConfig();
    expect({ ...c }).toEqual({
      vocabSize: 30522, hiddenSize: 768, numHiddenLayers: 12, numAttentionHeads: 12, intermediateSize: 3072,
      hiddenAct: 'gelu', hiddenDropoutProb: 0.1, attentionProbsDropoutProb: 0.1, maxPositionEmbeddings: 512,
      typeVocabSize: 2, layerNormEps: 1e-12, padTokenId: 0, initializerRange: 0.02, classifierDropout: null,
      id2label: { 0: 'LABEL_0', 1: 'LABEL_1' }, label2id: { LABEL_0: 0, LABEL_1: 1 }, problemType: null, dtype: 'float32',
    });
    expect(c.numLabels).toBe(2);
    const t = new BertConfig({ hiddenSize: 128, numAttentionHeads: 4, hiddenAct: 'relu' });
    expect([t.hiddenSize, t.numAttentionHeads, t.hiddenAct, t.vocabSize]).toEqual([128, 4, 'relu', 30522]);
  });

  it('rejects bad values naming the option', () => {
    expect(() => new BertConfig({ hiddenSize: 10, numAttentionHeads: 4 })).toThrow('BertConfig: the hidden size (10) is not a multiple of the number of attention heads (4)');
    expect(() => new BertConfig({ hiddenSiz: 10 } as BertConfigOptions)).toThrow("BertConfig: unknown option 'hiddenSiz'");
    expect(() => new BertConfig({ vocabSize: 0 })).toThrow('BertConfig: invalid vocabSize 0 (must be an integer >= 1)');
    expect(() => new BertConfig({ hiddenDropoutProb: 2 })).toThrow('BertConfig: invalid hiddenDropoutProb 2 (must be between 0 and 1)');
    expect(() => new BertConfig({ hiddenAct: 'swish' as 'gelu' })).toThrow("BertConfig: hiddenAct must be 'gelu', 'gelu_new', 'relu', 'silu', 'tanh'; got 'swish'");
    expect(() => new BertConfig({ vocabSize: 10, padTokenId: 10 })).toThrow('BertConfig: invalid padTokenId 10 (must be null or an integer in [0, 10))');
    expect(() => new BertConfig({ dtype: 'int32' })).toThrow("BertConfig: dtype must be 'float32', 'float64'; got 'int32'");
    expect(() => new BertConfig({ layerNormEps: -1 })).toThrow('BertConfig: invalid layerNormEps -1 (must be a finite number >= 0)');
    expect(() => new BertConfig({ numLabels: 0 })).toThrow('BertConfig: invalid numLabels 0 (must be a positive integer)');
    expect(() => new BertConfig({ numLabels: 3, id2label: { 0: 'a', 1: 'b' } })).toThrow("BertConfig: numLabels 3 does not match id2label's 2 labels");
    expect(() => new BertConfig({ id2label: { 1: 'a' } })).toThrow('BertConfig: id2label must map 0 … 0 to names, got {"1":"a"}');
    expect(() => new BertConfig({ classifierDropout: 1.5 })).toThrow('BertConfig: invalid classifierDropout 1.5 (must be between 0 and 1)');
    expect(() => new BertConfig({ problemType: 'ranking' as 'regression' })).toThrow("BertConfig: problemType must be 'regression', 'single_label_classification', 'multi_label_classification'; got 'ranking'");
  });
});

describe('BERT state dict', () => {
  it("has exactly Hugging Face's BertForPreTraining keys, order and shapes (1 layer)", () => {
    const model = new BertForPreTraining({ ...TINY, numHiddenLayers: 1 });
    const sd = model.stateDict();
    const expected = hfKeys(50, 16, 32, 24);
    expect(Object.keys(sd)).toEqual(expected.map(([k]) => k));
    for (const [k, shape] of expected) expect(sd[k].shape, k).toEqual(shape);
  });

  it('BertModel alone has the keys without the bert. prefix, one block per layer', () => {
    const sd = new BertModel(TINY).stateDict();
    expect(Object.keys(sd)).toHaveLength(5 + 2 * 16 + 2);
    expect(Object.keys(sd).slice(0, 2)).toEqual(['embeddings.word_embeddings.weight', 'embeddings.position_embeddings.weight']);
    expect(sd['encoder.layer.1.output.LayerNorm.bias'].shape).toEqual([16]);
    expect(Object.keys(sd).at(-1)).toBe('pooler.dense.bias');
  });

  it('BertModel with addPoolingLayer false has no pooler.* keys and a null poolerOutput', () => {
    manualSeed(11);
    const pooled = new BertModel(TINY).eval();
    const bare = new BertModel(TINY, { addPoolingLayer: false }).eval();
    const keys = Object.keys(bare.stateDict());
    expect(keys).toEqual(Object.keys(pooled.stateDict()).filter((k) => !k.startsWith('pooler.')));
    bare.loadStateDict(Object.fromEntries(Object.entries(pooled.stateDict()).filter(([k]) => keys.includes(k))));
    const ids = ints([[2, 5, 6, 3]]);
    const out = bare.forward(ids);
    expect(out.poolerOutput).toBeNull();
    expect(vals(out.lastHiddenState)).toEqual(vals(pooled.forward(ids).lastHiddenState));
  });

  it('loads an HF-named state dict strictly, into every parameter', () => {
    manualSeed(1);
    const model = new BertForPreTraining({ ...TINY, numHiddenLayers: 1 });
    const sd = randomStateDict(hfKeys(50, 16, 32, 24), 'float32');
    sd['cls.predictions.decoder.weight'] = sd['bert.embeddings.word_embeddings.weight'];
    sd['cls.predictions.decoder.bias'] = sd['cls.predictions.bias'];
    expect(model.loadStateDict(sd)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const own = model.stateDict();
    for (const k of Object.keys(sd)) expect(vals(own[k]), k).toEqual(vals(sd[k]));
  });

  it('fills a tied key missing from the checkpoint (safetensors style) and ignores position_ids', () => {
    manualSeed(2);
    const model = new BertForPreTraining({ ...TINY, numHiddenLayers: 1 });
    const sd = randomStateDict(hfKeys(50, 16, 32, 24), 'float32');
    const emb = sd['bert.embeddings.word_embeddings.weight'];
    delete sd['cls.predictions.decoder.weight'];
    delete sd['cls.predictions.decoder.bias'];
    sd['bert.embeddings.position_ids'] = tensor([Array.from({ length: 24 }, (_, i) => i)], { dtype: 'int32' });
    model.loadStateDict(sd);
    expect(vals(model.cls.predictions.decoder.weight)).toEqual(vals(emb));
    expect(vals(model.cls.predictions.decoder.bias)).toEqual(vals(sd['cls.predictions.bias']));
    // an untied checkpoint: the word embeddings win, as HF ties after loading
    sd['cls.predictions.decoder.weight'] = randn([50, 16]);
    model.loadStateDict(sd);
    expect(vals(model.bert.embeddings.wordEmbeddings.weight)).toEqual(vals(emb));
    // any other missing key fails strict loading, naming it
    delete sd['bert.pooler.dense.bias'];
    expect(() => model.loadStateDict(sd)).toThrow("loadStateDict: missing key(s): 'bert.pooler.dense.bias'");
  });

  it("initializes as HF: N(0, 0.02²) weights, zero biases and padding row, LayerNorm 1 / 0", () => {
    manualSeed(3);
    const model = new BertForPreTraining({ vocabSize: 400, hiddenSize: 64, numHiddenLayers: 1, numAttentionHeads: 4, intermediateSize: 128, maxPositionEmbeddings: 64 });
    const sd = model.stateDict();
    const std = (x: number[]): number => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
    for (const k of ['bert.embeddings.position_embeddings.weight', 'bert.encoder.layer.0.intermediate.dense.weight', 'cls.predictions.transform.dense.weight']) {
      expect(Math.abs(std(vals(sd[k])) - 0.02), k).toBeLessThan(0.002);
    }
    const emb = vals(sd['bert.embeddings.word_embeddings.weight']);
    expect(emb.slice(0, 64).every((v) => v === 0)).toBe(true); // padTokenId 0
    expect(Math.abs(std(emb.slice(64)) - 0.02)).toBeLessThan(0.001);
    for (const [k, t] of Object.entries(sd)) {
      if (k.endsWith('LayerNorm.weight')) expect(vals(t).every((v) => v === 1), k).toBe(true);
      else if (k.endsWith('bias')) expect(vals(t).every((v) => v === 0), k).toBe(true);
    }
  });
});

describe('tied decoder', () => {
  it('is the word-embedding Parameter, listed once in parameters()', () => {
    const model = new BertForPreTraining(TINY);
    expect(model.cls.predictions.decoder.weight).toBe(model.bert.embeddings.wordEmbeddings.weight);
    expect(model.cls.predictions.decoder.bias).toBe(model.cls.predictions.bias);
    expect(Object.keys(model.stateDict())).toHaveLength(5 + 2 * 16 + 2 + 9);
    expect(model.parameters()).toHaveLength(5 + 2 * 16 + 2 + 7);
    noGrad(() => model.bert.embeddings.wordEmbeddings.weight.select(0, 7).fill_(0.5));
    expect(vals(model.stateDict()['cls.predictions.decoder.weight']).slice(7 * 16, 8 * 16)).toEqual(new Array(16).fill(0.5));
  });

  it('accumulates the gradient of both uses: lookup rows + decoder', () => {
    manualSeed(4);
    const model = new BertForPreTraining({ ...TINY, dtype: 'float64' }).eval();
    const ids = ints([[2, 7, 8, 9, 3, 0], [2, 10, 11, 3, 12, 3]]);
    const labels = ints([[-100, 7, -100, 9, -100, -100], [-100, -100, 11, -100, -100, -100]]);
    const W = model.bert.embeddings.wordEmbeddings.weight;
    // the pieces of model.forward, to read the decoder's input and output gradient
    const { lastHiddenState, poolerOutput } = model.bert.forward(ids);
    const t = model.cls.predictions.transform.forward(lastHiddenState); // (B, T, H)
    const mlmLogits = model.cls.predictions.decoder.forward(t); // (B, T, V)
    const loss = bertPretrainingLoss({ mlmLogits, nspLogits: model.cls.seqRelationship.forward(poolerOutput) }, labels, ints([[0, 1]]).reshape(2));
    const [dLogits] = grad(loss, mlmLogits, { retainGraph: true });
    loss.backward();
    // decoder use alone: dW_dec[v] = Σ_{b,t} dLogits[b,t,v] t[b,t,:]
    const dl = vals(dLogits), tv = vals(t), V = 50, H = 16, N = 12;
    const dDec = Array.from({ length: V * H }, (_, i) => {
      const v = Math.floor(i / H), h = i % H;
      let s = 0;
      for (let n = 0; n < N; n++) s += dl[n * V + v] * tv[n * H + h];
      return s;
    });
    const total = vals(W.grad!);
    const dLookup = total.map((g, i) => g - dDec[i]); // what the embedding lookup added
    const used = new Set([2, 3, 7, 8, 9, 10, 11, 12]); // 0 is padTokenId: no lookup gradient
    for (let v = 0; v < V; v++) {
      const row = dLookup.slice(v * H, (v + 1) * H).map(Math.abs);
      if (used.has(v)) expect(Math.max(...row), `row ${v}`).toBeGreaterThan(1e-6);
      else expect(Math.max(...row), `row ${v}`).toBeLessThan(1e-12);
    }
    expect(dDec.every((g, i) => Math.abs(g) > 0 || total[i] === 0)).toBe(true);
    expect(Math.max(...dDec.map(Math.abs))).toBeGreaterThan(1e-4);
  });
});

describe('attention mask', () => {
  manualSeed(5);
  const model = new BertForPreTraining(TINY).eval();
  const ids = ints([[2, 5, 6, 7, 8, 9, 10, 3], [2, 11, 12, 13, 3, 0, 0, 0]]);
  const types = ints([[0, 0, 0, 0, 0, 1, 1, 1], [0, 0, 0, 0, 0, 0, 0, 0]]);
  const mask = ints([[1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0, 0, 0]]);
  const changed = ints([[2, 5, 6, 7, 8, 9, 10, 3], [2, 11, 12, 13, 3, 44, 17, 29]]);
  const changedTypes = ints([[0, 0, 0, 0, 0, 1, 1, 1], [0, 0, 0, 0, 0, 1, 1, 0]]);
  /** Row b, positions [0, n) of a (B, T, …) tensor, flat. */
  const rows = (x: Tensor, b: number, n: number): number[] => vals(x.select(0, b).narrow(0, 0, n));

  it('keeps every output at real positions unchanged when the padding tokens change', () => {
    const a = model.bert.forward(ids, { tokenTypeIds: types, attentionMask: mask });
    const b = model.bert.forward(changed, { tokenTypeIds: changedTypes, attentionMask: mask });
    expect(rows(b.lastHiddenState, 1, 5)).toEqual(rows(a.lastHiddenState, 1, 5));
    expect(vals(b.poolerOutput)).toEqual(vals(a.poolerOutput));
    const pa = model.forward(ids, { tokenTypeIds: types, attentionMask: mask });
    const pb = model.forward(changed, { tokenTypeIds: changedTypes, attentionMask: mask });
    expect(rows(pb.mlmLogits, 1, 5)).toEqual(rows(pa.mlmLogits, 1, 5));
    expect(vals(pb.nspLogits)).toEqual(vals(pa.nspLogits));
    // without the mask the padding does leak in
    const c = model.bert.forward(changed, { tokenTypeIds: changedTypes });
    expect(Math.max(...rows(c.lastHiddenState, 1, 5).map((v, i) => Math.abs(v - rows(a.lastHiddenState, 1, 5)[i])))).toBeGreaterThan(1e-3);
  });

  it('gives a padded sequence the outputs of the same sequence unpadded; a bool mask works the same', () => {
    const padded = model.bert.forward(ids, { tokenTypeIds: types, attentionMask: mask });
    const alone = model.bert.forward(ints([[2, 11, 12, 13, 3]]));
    expectClose(rows(padded.lastHiddenState, 1, 5), vals(alone.lastHiddenState), 1e-5, 1e-5);
    expectClose(vals(padded.poolerOutput.select(0, 1)), vals(alone.poolerOutput), 1e-5, 1e-5);
    const boolMask = model.bert.forward(ids, { tokenTypeIds: types, attentionMask: mask.eq(1) });
    expect(vals(boolMask.lastHiddenState)).toEqual(vals(padded.lastHiddenState));
  });
});

// ---- plain-JS float64 reference ----------------------------------------------------------------

type Mat = number[][];
const linRef = (x: Mat, W: number[], b: number[]): Mat => x.map((row) => b.map((bo, o) => row.reduce((s, v, i) => s + v * W[o * row.length + i], bo)));
const lnRef = (x: Mat, w: number[], b: number[], eps = 1e-12): Mat => x.map((row) => {
  const m = row.reduce((s, v) => s + v, 0) / row.length;
  const v = row.reduce((s, u) => s + (u - m) ** 2, 0) / row.length;
  return row.map((u, j) => ((u - m) / Math.sqrt(v + eps)) * w[j] + b[j]);
});
const addRef = (a: Mat, b: Mat): Mat => a.map((r, i) => r.map((v, j) => v + b[i][j]));

/** One sequence through a 1-layer BertForPreTraining: {attn (nh, T, T), hidden (T, H), pooled (H), mlm (T, V), nsp (2)}. */
function bertRef(P: (k: string) => number[], ids: number[], types: number[], mask: number[], H: number, nh: number) {
  const T = ids.length, hs = H / nh;
  const row = (k: string, r: number): number[] => P(k).slice(r * H, (r + 1) * H);
  const emb = ids.map((id, t) => row('bert.embeddings.word_embeddings.weight', id).map((v, j) =>
    v + row('bert.embeddings.token_type_embeddings.weight', types[t])[j] + row('bert.embeddings.position_embeddings.weight', t)[j]));
  const x = lnRef(emb, P('bert.embeddings.LayerNorm.weight'), P('bert.embeddings.LayerNorm.bias'));
  const L = 'bert.encoder.layer.0.';
  const proj = (n: string): Mat => linRef(x, P(`${L}attention.self.${n}.weight`), P(`${L}attention.self.${n}.bias`));
  const q = proj('query'), k = proj('key'), v = proj('value');
  const ctx: Mat = x.map(() => new Array(H).fill(0));
  const attn: Mat[] = Array.from({ length: nh }, () => x.map(() => new Array(T).fill(0))); // padding keys stay 0
  for (let h = 0; h < nh; h++) {
    for (let i = 0; i < T; i++) {
      const keys = [...Array(T).keys()].filter((j) => mask[j] === 1); // padding keys take no part
      const s = keys.map((j) => { let d = 0; for (let c = h * hs; c < (h + 1) * hs; c++) d += q[i][c] * k[j][c]; return d / Math.sqrt(hs); });
      const m = Math.max(...s), e = s.map((u) => Math.exp(u - m)), z = e.reduce((a, b) => a + b, 0);
      keys.forEach((j, n) => {
        attn[h][i][j] = e[n] / z;
        for (let c = h * hs; c < (h + 1) * hs; c++) ctx[i][c] += (e[n] / z) * v[j][c];
      });
    }
  }
  const a = lnRef(addRef(x, linRef(ctx, P(`${L}attention.output.dense.weight`), P(`${L}attention.output.dense.bias`))),
    P(`${L}attention.output.LayerNorm.weight`), P(`${L}attention.output.LayerNorm.bias`));
  const inter = linRef(a, P(`${L}intermediate.dense.weight`), P(`${L}intermediate.dense.bias`)).map((r) => r.map(geluRef));
  const hidden = lnRef(addRef(a, linRef(inter, P(`${L}output.dense.weight`), P(`${L}output.dense.bias`))),
    P(`${L}output.LayerNorm.weight`), P(`${L}output.LayerNorm.bias`));
  const pooled = linRef([hidden[0]], P('bert.pooler.dense.weight'), P('bert.pooler.dense.bias'))[0].map(Math.tanh);
  const tr = lnRef(linRef(hidden, P('cls.predictions.transform.dense.weight'), P('cls.predictions.transform.dense.bias')).map((r) => r.map(geluRef)),
    P('cls.predictions.transform.LayerNorm.weight'), P('cls.predictions.transform.LayerNorm.bias'));
  const mlm = linRef(tr, P('bert.embeddings.word_embeddings.weight'), P('cls.predictions.bias')); // the tied decoder
  const nsp = linRef([pooled], P('cls.seq_relationship.weight'), P('cls.seq_relationship.bias'))[0];
  return { attn, hidden, pooled, mlm, nsp };
}

/** A 1-layer float64 BertForPreTraining with random HF-named weights, and its parameters by key. */
function referenceModel(seed: number): { model: BertForPreTraining; P: (k: string) => number[] } {
  manualSeed(seed);
  const model = new BertForPreTraining({ ...TINY, numHiddenLayers: 1, dtype: 'float64' }).eval();
  model.loadStateDict(randomStateDict(hfKeys(50, 16, 32, 24), 'float64'));
  const sd = model.stateDict();
  return { model, P: (k) => vals(sd[k]) };
}

describe('forward against a plain-JS float64 reference', () => {
  it('matches embeddings, attention with padding, FFN with exact gelu, pooler and both heads (1 layer)', () => {
    const { model, P } = referenceModel(6);
    const idRows = [[2, 5, 17, 3, 40, 41, 3], [2, 33, 12, 3, 9, 0, 0]];
    const typeRows = [[0, 0, 0, 0, 1, 1, 1], [0, 0, 0, 0, 1, 0, 0]];
    const maskRows = [[1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0, 0]];
    const opts = { tokenTypeIds: ints(typeRows), attentionMask: ints(maskRows) };
    const { lastHiddenState, poolerOutput } = model.bert.forward(ints(idRows), opts);
    const { mlmLogits, nspLogits } = model.forward(ints(idRows), opts);
    idRows.forEach((ids, b) => {
      const r = bertRef(P, ids, typeRows[b], maskRows[b], 16, 2);
      expectClose(lastHiddenState.select(0, b), r.hidden, 1e-10, 1e-9);
      expectClose(poolerOutput.select(0, b), r.pooled, 1e-10, 1e-9);
      expectClose(mlmLogits.select(0, b), r.mlm, 1e-10, 1e-9);
      expectClose(nspLogits.select(0, b), r.nsp, 1e-10, 1e-9);
    });
  });

  it("returns each layer's attention probabilities with outputAttentions (HF's output_attentions), the same outputs", () => {
    const { model, P } = referenceModel(7);
    const idRows = [[2, 5, 17, 3, 40], [2, 33, 12, 3, 0]];
    const typeRows = [[0, 0, 0, 1, 1], [0, 0, 0, 1, 0]];
    const maskRows = [[1, 1, 1, 1, 1], [1, 1, 1, 1, 0]];
    const opts = { tokenTypeIds: ints(typeRows), attentionMask: ints(maskRows) };
    const plain = model.bert.forward(ints(idRows), opts);
    const withAttn = model.bert.forward(ints(idRows), { ...opts, outputAttentions: true });
    expect(plain.attentions).toBeUndefined();
    expect(withAttn.attentions!.map((a) => a.shape)).toEqual([[2, 2, 5, 5]]); // one (B, nh, T, T) per layer
    expectClose(withAttn.lastHiddenState, plain.lastHiddenState.toArray() as number[][][], 1e-12, 1e-12);
    idRows.forEach((ids, b) => expectClose(withAttn.attentions![0].select(0, b), bertRef(P, ids, typeRows[b], maskRows[b], 16, 2).attn, 1e-12, 1e-10));
    // the padded key of sequence 1 gets weight 0 from every query of every head
    expect(vals(withAttn.attentions![0].select(0, 1).select(2, 4))).toEqual(new Array(10).fill(0));
    // two layers: two tensors
    const two = new BertModel({ ...TINY, numHiddenLayers: 2 }).eval();
    expect(two.forward(ints(idRows), { outputAttentions: true }).attentions!.length).toBe(2);
  });
});

// ---- gradients and the loss --------------------------------------------------------------------

/** fn(...params) for gradcheck: perturbed copies are written into the parameters for the call. */
describe('bertPretrainingLoss', () => {
  it('passes gradcheck w.r.t. parameters of every part (float64, dropout 0)', () => {
    manualSeed(7);
    const cfg: BertConfigOptions = { vocabSize: 12, hiddenSize: 8, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 16, maxPositionEmbeddings: 8, dtype: 'float64', hiddenDropoutProb: 0, attentionProbsDropoutProb: 0 };
    const model = new BertForPreTraining(cfg);
    const keys = Object.entries(model.stateDict()).map(([k, t]): [string, number[]] => [k, t.shape]);
    model.loadStateDict(randomStateDict(keys, 'float64'));
    const ids = ints([[2, 5, 4, 3, 7, 3], [2, 8, 9, 3, 4, 0]]);
    const opts = { tokenTypeIds: ints([[0, 0, 0, 0, 1, 1], [0, 0, 0, 0, 1, 0]]), attentionMask: ints([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0]]) };
    const mlmLabels = ints([[-100, -100, 6, -100, 7, -100], [-100, 8, -100, -100, 10, -100]]);
    const nspLabels = tensor([1, 0], { dtype: 'int32' });
    const { bert, cls } = model;
    const params = [
      bert.embeddings.wordEmbeddings.weight, // both the lookup and the decoder
      bert.embeddings.tokenTypeEmbeddings.weight,
      bert.embeddings.layerNorm.weight,
      bert.encoder.layer.at(0).attention.self.query.weight,
      bert.encoder.layer.at(0).attention.self.value.bias,
      bert.encoder.layer.at(1).intermediate.dense.bias,
      bert.encoder.layer.at(1).output.layerNorm.weight,
      bert.pooler.dense.weight,
      cls.predictions.bias,
      cls.predictions.transform.layerNorm.bias,
      cls.seqRelationship.weight,
    ].map((p) => p!);
    const loss = withParams(params, () => bertPretrainingLoss(model.forward(ids, opts), mlmLabels, nspLabels));
    expect(gradcheck(loss, params, { atol: 1e-6, rtol: 1e-4 })).toBe(true);
  });

  it('equals the hand-computed mean cross-entropies, ignoring -100', () => {
    const mlmLogits = tensor([[[1, 2, 0, -1], [0.5, 0, 0, 3], [2, 2, 1, 0]], [[0, 0, 0, 0], [1, -1, 2, 0], [-2, 1, 0, 1]]]);
    const nspLogits = tensor([[0.3, -0.2], [1.5, 0.5]]);
    const mlmLabels = ints([[1, -100, 0], [-100, 2, -100]]);
    const nspLabels = tensor([0, 1], { dtype: 'int32' });
    const ce = (z: number[], y: number): number => Math.log(z.reduce((s, v) => s + Math.exp(v), 0)) - z[y];
    const mlm = (ce([1, 2, 0, -1], 1) + ce([2, 2, 1, 0], 0) + ce([1, -1, 2, 0], 2)) / 3;
    const nsp = (ce([0.3, -0.2], 0) + ce([1.5, 0.5], 1)) / 2;
    expect(bertPretrainingLoss({ mlmLogits, nspLogits }, mlmLabels, nspLabels).item()).toBeCloseTo(mlm + nsp, 6);
    const none = ints([[-100, -100, -100], [-100, -100, -100]]);
    expect(bertPretrainingLoss({ mlmLogits, nspLogits }, none, nspLabels).item()).toBeCloseTo(nsp, 6); // no MLM targets: term 0
  });

  it('rejects mismatched shapes naming the op', () => {
    const out = { mlmLogits: randn([2, 3, 4]), nspLogits: randn([2, 2]) };
    const nsp = tensor([0, 1], { dtype: 'int32' });
    expect(() => bertPretrainingLoss(out, ints([[1, 2, 3]]), nsp)).toThrow('bertPretrainingLoss: mlmLabels [1,3] must be (B, T) = [2,3] for mlmLogits [2,3,4]');
    expect(() => bertPretrainingLoss(out, ints([[1, 2, 3], [0, 0, 0]]), tensor([0], { dtype: 'int32' }))).toThrow('bertPretrainingLoss: nspLabels [1] must be (B) = [2]');
    expect(() => bertPretrainingLoss({ ...out, mlmLogits: randn([6, 4]) }, ints([[1]]), nsp)).toThrow('bertPretrainingLoss: mlmLogits must be (B, T, V), got [6,4]');
  });

  it('trains: AdamW on one fixed masked batch drives the loss down', () => {
    manualSeed(8);
    const model = new BertForPreTraining({ ...TINY, hiddenDropoutProb: 0, attentionProbsDropoutProb: 0 });
    const opt = new AdamW(model.parameters(), { lr: 1e-2 });
    const ids = ints([[2, 5, 4, 3, 7, 8, 3], [2, 9, 10, 3, 4, 12, 3]]);
    const mlmLabels = ints([[-100, -100, 6, -100, -100, -100, -100], [-100, -100, -100, -100, 11, -100, -100]]);
    const nspLabels = tensor([1, 0], { dtype: 'int32' });
    const tokenTypeIds = ints([[0, 0, 0, 0, 1, 1, 1], [0, 0, 0, 0, 1, 1, 1]]);
    const losses: number[] = [];
    for (let step = 0; step < 40; step++) {
      const loss = bertPretrainingLoss(model.forward(ids, { tokenTypeIds }), mlmLabels, nspLabels);
      losses.push(loss.item());
      opt.zeroGrad();
      loss.backward();
      opt.step();
    }
    expect(losses[0]).toBeGreaterThan(4); // ≈ ln 50 + ln 2
    expect(losses[39]).toBeLessThan(0.1 * losses[0]);
  });
});

describe('BertModel input checks', () => {
  const model = new BertModel(TINY);
  it('rejects bad inputs naming the model and shapes', () => {
    expect(() => model.forward(tensor([[2, 3]]))).toThrow('BertModel: inputIds must be an int32 Tensor (B, T), got float32 [1,2]');
    expect(() => model.forward(tensor([2, 3], { dtype: 'int32' }))).toThrow('BertModel: inputIds must be an int32 Tensor (B, T), got int32 [2]');
    expect(() => model.forward(ints([new Array(25).fill(5)]))).toThrow('BertModel: sequence length 25 (inputIds [1,25]) exceeds maxPositionEmbeddings 24');
    expect(() => model.forward(ints([[2, 3]]), { attentionMask: ints([[1, 1, 1]]) })).toThrow('BertModel: attentionMask [1,3] must have the shape of inputIds [1,2]');
    expect(() => model.forward(ints([[2, 3]]), { tokenTypeIds: tensor([[0, 1]]) })).toThrow('BertModel: tokenTypeIds must be int32, got float32');
    expect(() => model.forward(ints([[2, 50]]))).toThrow('embedding: index 50');
  });
});
