// bert_task_heads.test.ts — BertForMaskedLM, BertForSequenceClassification and
// BertForTokenClassification: HF's keys and shapes, the heads' logits and losses against
// plain-JS float64 computations on top of the encoder's output (taken as given), every
// problem type and its inference, -100 ignored, gradcheck of each loss in float64, HF's init
// of the classifier, classifier dropout, bad labels, and bertParamGroups' decay split.

import { describe, expect, it } from 'vitest';
import { gradcheck, manualSeed, noGrad, randn, tensor, type Tensor } from '../../src/index.js';
import { AdamW } from '../../src/optim/index.js';
import {
  BertForMaskedLM, BertForSequenceClassification, BertForTokenClassification, bertParamGroups, inferProblemType, type BertConfigOptions,
} from '../../src/nlp/index.js';
import { expectClose } from '../helpers/close.js';
import { withParams } from '../helpers/params.js';

const TINY: BertConfigOptions = { vocabSize: 30, hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 16, maxPositionEmbeddings: 12 };
const F64: BertConfigOptions = { ...TINY, dtype: 'float64', hiddenDropoutProb: 0, attentionProbsDropoutProb: 0 };
const ints = (rows: number[][] | number[]): Tensor => tensor(rows, { dtype: 'int32' });
const vals = (t: Tensor): number[] => Array.from(t.dataSync());
const IDS = ints([[2, 5, 17, 3, 20, 21], [2, 13, 12, 3, 9, 0]]);
const OPTS = { tokenTypeIds: ints([[0, 0, 0, 0, 1, 1], [0, 0, 0, 0, 1, 0]]), attentionMask: ints([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0]]) };

/** Rows of a (N, K) tensor as number[][]. */
const rows = (t: Tensor): number[][] => t.toArray() as number[][];
const dot = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + v * b[i], 0);
/** -log softmax(z)[y] */
const ceRef = (z: number[], y: number): number => { const m = Math.max(...z); return m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0)) - z[y]; };
const logSigmoid = (x: number): number => -Math.log1p(Math.exp(-x));

/** Random classifier weights so that the head's math shows (HF init leaves the bias 0). */
function randomizeClassifier(m: { classifier: { weight: Tensor; bias: Tensor | null } }): void {
  noGrad(() => { m.classifier.weight.copy_(randn(m.classifier.weight.shape, { dtype: 'float64' })); m.classifier.bias!.copy_(randn(m.classifier.bias!.shape, { dtype: 'float64' })); });
}

describe('state dicts', () => {
  it("BertForSequenceClassification: bert.* with the pooler + classifier (C, H); token classification and MLM without the pooler", () => {
    const seq = Object.entries(new BertForSequenceClassification(TINY, { numLabels: 5 }).stateDict());
    expect(seq.slice(-4).map(([k, t]) => [k, t.shape])).toEqual([['bert.pooler.dense.weight', [8, 8]], ['bert.pooler.dense.bias', [8]], ['classifier.weight', [5, 8]], ['classifier.bias', [5]]]);
    expect(seq).toHaveLength(5 + 16 + 2 + 2);
    const tok = Object.keys(new BertForTokenClassification(TINY, { numLabels: 3 }).stateDict());
    expect(tok).toHaveLength(5 + 16 + 2);
    expect(tok.some((k) => k.includes('pooler'))).toBe(false);
    const mlm = new BertForMaskedLM(TINY);
    expect(Object.keys(mlm.stateDict()).slice(21)).toEqual([
      'cls.predictions.bias', 'cls.predictions.transform.dense.weight', 'cls.predictions.transform.dense.bias',
      'cls.predictions.transform.LayerNorm.weight', 'cls.predictions.transform.LayerNorm.bias', 'cls.predictions.decoder.weight', 'cls.predictions.decoder.bias',
    ]);
    expect(mlm.cls.predictions.decoder.weight).toBe(mlm.bert.embeddings.wordEmbeddings.weight);
    expect(mlm.bert.pooler).toBeNull();
  });

  it("initializes the classifier as HF's _init_weights: N(0, initializerRange²) weight, zero bias", () => {
    manualSeed(1);
    for (const range of [0.02, 0.05]) {
      const cfg = { vocabSize: 10, hiddenSize: 256, numHiddenLayers: 0, numAttentionHeads: 4, intermediateSize: 8, initializerRange: range };
      const w = vals(new BertForSequenceClassification(cfg, { numLabels: 40 }).classifier.weight); // 10240 draws
      const mean = w.reduce((s, v) => s + v, 0) / w.length;
      const std = Math.sqrt(w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length);
      expect(Math.abs(mean)).toBeLessThan(0.05 * range);
      expect(Math.abs(std - range) / range).toBeLessThan(0.04);
      const tok = new BertForTokenClassification(cfg, { numLabels: 40 }).classifier;
      expect(Math.abs(Math.sqrt(vals(tok.weight).reduce((s, v) => s + v * v, 0) / 10240) - range) / range).toBeLessThan(0.04);
      expect(vals(tok.bias!).every((v) => v === 0)).toBe(true);
    }
  });

  it('uses classifierDropout when set, else hiddenDropoutProb; numLabels and problemType override the config', () => {
    expect(new BertForSequenceClassification({ ...TINY, hiddenDropoutProb: 0.2 }).dropout.p).toBe(0.2);
    expect(new BertForTokenClassification({ ...TINY, hiddenDropoutProb: 0.2, classifierDropout: 0.4 }).dropout.p).toBe(0.4);
    const m = new BertForSequenceClassification({ ...TINY, numLabels: 4 }, { numLabels: 6, problemType: 'multi_label_classification' });
    expect([m.numLabels, m.config.problemType, m.config.id2label[5]]).toEqual([6, 'multi_label_classification', 'LABEL_5']);
    expect(new BertForSequenceClassification(TINY).numLabels).toBe(2);
  });
});

describe('BertForSequenceClassification', () => {
  manualSeed(2);
  const model = new BertForSequenceClassification(F64, { numLabels: 3 }).eval();
  randomizeClassifier(model);
  const pooled = rows(model.bert.forward(IDS, OPTS).poolerOutput); // the encoder's output, taken as given
  const W = rows(model.classifier.weight), b = vals(model.classifier.bias!);
  const logitsRef = pooled.map((p) => W.map((w, c) => dot(p, w) + b[c]));

  it('logits = pooled Wᵀ + b', () => {
    expectClose(model.forward(IDS, OPTS).logits, logitsRef, 1e-12, 1e-12);
    expect(model.forward(IDS, OPTS).loss).toBeUndefined();
  });

  it('single-label: the mean cross-entropy over labels != -100; the type is inferred from int32 labels and stored', () => {
    const m = new BertForSequenceClassification(F64, { numLabels: 3 }).eval();
    m.loadStateDict(model.stateDict());
    const { loss } = m.forward(IDS, { ...OPTS, labels: ints([2, 0]) });
    expect(loss!.item()).toBeCloseTo((ceRef(logitsRef[0], 2) + ceRef(logitsRef[1], 0)) / 2, 12);
    expect(m.config.problemType).toBe('single_label_classification');
    expect(m.forward(IDS, { ...OPTS, labels: ints([-100, 1]) }).loss!.item()).toBeCloseTo(ceRef(logitsRef[1], 1), 12);
  });

  it('multi-label: BCE with logits averaged over B·C, inferred from float labels', () => {
    const m = new BertForSequenceClassification(F64, { numLabels: 3 }).eval();
    m.loadStateDict(model.stateDict());
    const y = [[1, 0, 1], [0, 0, 1]];
    const want = logitsRef.flatMap((z, i) => z.map((v, c) => -(y[i][c] * logSigmoid(v) + (1 - y[i][c]) * logSigmoid(-v)))).reduce((s, v) => s + v, 0) / 6;
    expect(m.forward(IDS, { ...OPTS, labels: tensor(y, { dtype: 'float64' }) }).loss!.item()).toBeCloseTo(want, 12);
    expect(m.config.problemType).toBe('multi_label_classification');
  });

  it('regression: numLabels 1 is MSE on (B) or (B, 1) labels; an explicit regression type with C outputs is MSE on (B, C)', () => {
    const reg = new BertForSequenceClassification(F64, { numLabels: 1 }).eval();
    randomizeClassifier(reg);
    const z = vals(reg.forward(IDS, OPTS).logits);
    const want = ((z[0] - 0.5) ** 2 + (z[1] + 1.5) ** 2) / 2;
    expect(reg.forward(IDS, { ...OPTS, labels: tensor([0.5, -1.5]) }).loss!.item()).toBeCloseTo(want, 6);
    expect(reg.config.problemType).toBe('regression');
    expect(reg.forward(IDS, { ...OPTS, labels: tensor([[0.5], [-1.5]], { dtype: 'float64' }) }).loss!.item()).toBeCloseTo(want, 12);
    expect(reg.forward(IDS, { ...OPTS, labels: ints([2, -1]) }).loss!.item()).toBeCloseTo(((z[0] - 2) ** 2 + (z[1] + 1) ** 2) / 2, 12); // int targets cast
    const multi = new BertForSequenceClassification(F64, { numLabels: 3, problemType: 'regression' }).eval();
    multi.loadStateDict(model.stateDict());
    const y = [[0.1, 0.2, 0.3], [1, 2, 3]];
    const mse = logitsRef.flatMap((r, i) => r.map((v, c) => (v - y[i][c]) ** 2)).reduce((s, v) => s + v, 0) / 6;
    expect(multi.forward(IDS, { ...OPTS, labels: tensor(y, { dtype: 'float64' }) }).loss!.item()).toBeCloseTo(mse, 12);
  });

  it("infers problem types as HF's forward does", () => {
    expect(inferProblemType(1, ints([1, 0]))).toBe('regression');
    expect(inferProblemType(2, ints([1, 0]))).toBe('single_label_classification');
    expect(inferProblemType(2, tensor([[1, 0]]))).toBe('multi_label_classification');
  });

  it('rejects labels that do not fit the problem type, naming the model and shapes', () => {
    const op = 'BertForSequenceClassification';
    const single = new BertForSequenceClassification(TINY, { numLabels: 3, problemType: 'single_label_classification' });
    expect(() => single.forward(IDS, { labels: ints([1, 2, 0]) })).toThrow(`${op}: labels [3] must be (B) = [2]`);
    expect(() => single.forward(IDS, { labels: tensor([1, 2]) })).toThrow(`${op}: labels must be an int32 Tensor of class indices (B), got float32`);
    expect(() => single.forward(IDS, { labels: ints([1, 3]) })).toThrow('crossEntropy: target 3 is out of bounds for 3 classes');
    const multi = new BertForSequenceClassification(TINY, { numLabels: 3, problemType: 'multi_label_classification' });
    expect(() => multi.forward(IDS, { labels: tensor([[1, 0], [0, 1]]) })).toThrow(`${op}: multi_label_classification labels [2,2] must be (B, C) = [2,3]`);
    const reg = new BertForSequenceClassification(TINY, { numLabels: 1 });
    expect(() => reg.forward(IDS, { labels: tensor([1, 2, 3]) })).toThrow(`${op}: regression labels [3] must be (B) = [2] for numLabels 1`);
    expect(() => new BertForSequenceClassification(TINY, { numLabel: 3 } as never)).toThrow("BertForSequenceClassification: unknown option 'numLabel' (options are numLabels, problemType)");
    expect(() => new BertForSequenceClassification(TINY, { numLabels: 0 })).toThrow('BertConfig: invalid numLabels 0 (must be a positive integer)');
  });
});

describe('BertForTokenClassification', () => {
  it('logits on every position = h Wᵀ + b; CE over the B·T positions, -100 ignored', () => {
    manualSeed(3);
    const model = new BertForTokenClassification(F64, { numLabels: 4 }).eval();
    randomizeClassifier(model);
    const h = model.bert.forward(IDS, OPTS).lastHiddenState.toArray() as number[][][];
    const W = rows(model.classifier.weight), b = vals(model.classifier.bias!);
    const ref = h.map((seq) => seq.map((x) => W.map((w, c) => dot(x, w) + b[c])));
    const labels = [[-100, 1, 3, -100, 0, 2], [-100, 2, 2, -100, 1, -100]];
    const { logits, loss } = model.forward(IDS, { ...OPTS, labels: ints(labels) });
    expectClose(logits, ref, 1e-12, 1e-12);
    const terms = labels.flatMap((r, i) => r.flatMap((y, t) => (y === -100 ? [] : [ceRef(ref[i][t], y)])));
    expect(terms).toHaveLength(7);
    expect(loss!.item()).toBeCloseTo(terms.reduce((s, v) => s + v, 0) / 7, 12);
  });

  it('rejects labels of the wrong shape or dtype', () => {
    const model = new BertForTokenClassification(TINY, { numLabels: 4 });
    expect(() => model.forward(IDS, { labels: ints([1, 2]) })).toThrow('BertForTokenClassification: labels [2] must be (B, T) = [2,6]');
    expect(() => model.forward(IDS, { labels: tensor([[0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]]) })).toThrow('BertForTokenClassification: labels must be an int32 Tensor of class indices (B, T), got float32');
    expect(() => new BertForTokenClassification(TINY, { problemType: 'regression' } as never)).toThrow("BertForTokenClassification: unknown option 'problemType' (options are numLabels)");
  });
});

describe('BertForMaskedLM', () => {
  it('loss = mean CE over the labelled positions of the (B, T, V) logits', () => {
    manualSeed(4);
    const model = new BertForMaskedLM(F64).eval();
    const labels = [[-100, 7, -100, -100, 21, -100], [-100, -100, 12, -100, -100, -100]];
    const { logits, loss } = model.forward(IDS, { ...OPTS, labels: ints(labels) });
    expect(logits.shape).toEqual([2, 6, 30]);
    const z = logits.toArray() as number[][][];
    const want = (ceRef(z[0][1], 7) + ceRef(z[0][4], 21) + ceRef(z[1][2], 12)) / 3;
    expect(loss!.item()).toBeCloseTo(want, 12);
    expect(() => model.forward(IDS, { labels: ints([[1, 2]]) })).toThrow('BertForMaskedLM: labels [1,2] must be (B, T) = [2,6]');
  });
});

/** fn(...params) for gradcheck: perturbed copies are written into the parameters for the call. */
describe('gradcheck of each head loss (float64, dropout 0)', () => {
  const small: BertConfigOptions = { ...F64, vocabSize: 12, hiddenSize: 4, intermediateSize: 8, maxPositionEmbeddings: 6 };
  const ids = ints([[2, 5, 4, 3], [2, 8, 3, 0]]);
  const opts = { attentionMask: ints([[1, 1, 1, 1], [1, 1, 1, 0]]) };

  it('sequence classification: single-label, multi-label and regression', () => {
    manualSeed(5);
    const cases: [number, Tensor][] = [[3, ints([2, -100])], [3, ints([2, 1])], [3, tensor([[1, 0, 1], [0, 1, 1]], { dtype: 'float64' })], [1, tensor([0.3, -0.7], { dtype: 'float64' })]];
    for (const [numLabels, labels] of cases) {
      const m = new BertForSequenceClassification(small, { numLabels });
      randomizeClassifier(m);
      const params = [m.classifier.weight, m.classifier.bias!, m.bert.pooler.dense.weight, m.bert.encoder.layer.at(0).attention.self.key.weight];
      expect(gradcheck(withParams(params, () => m.forward(ids, { ...opts, labels }).loss!), params, { atol: 1e-6, rtol: 1e-4 }), m.config.problemType!).toBe(true);
    }
  });

  it('token classification and masked LM (the tied embeddings get both gradients)', () => {
    manualSeed(6);
    const tok = new BertForTokenClassification(small, { numLabels: 3 });
    randomizeClassifier(tok);
    const tp = [tok.classifier.weight, tok.classifier.bias!, tok.bert.embeddings.layerNorm.weight!];
    expect(gradcheck(withParams(tp, () => tok.forward(ids, { ...opts, labels: ints([[-100, 1, 2, -100], [0, 2, -100, -100]]) }).loss!), tp, { atol: 1e-6, rtol: 1e-4 })).toBe(true);
    const mlm = new BertForMaskedLM(small);
    noGrad(() => mlm.cls.predictions.bias.copy_(randn([12], { dtype: 'float64' })));
    const mp = [mlm.bert.embeddings.wordEmbeddings.weight, mlm.cls.predictions.bias, mlm.cls.predictions.transform.dense.weight];
    expect(gradcheck(withParams(mp, () => mlm.forward(ids, { ...opts, labels: ints([[-100, 5, -100, 3], [-100, 8, -100, -100]]) }).loss!), mp, { atol: 1e-6, rtol: 1e-4 })).toBe(true);
  });
});

describe('bertParamGroups', () => {
  it('puts biases and LayerNorm parameters in a no-decay group, everything else in the decay group, each once', () => {
    const model = new BertForSequenceClassification(TINY);
    const [decay, noDecay] = bertParamGroups(model, 0.01);
    const name = new Map(model.namedParameters().map(([k, p]) => [p, k]));
    expect(decay.weightDecay).toBe(0.01);
    expect(noDecay.weightDecay).toBe(0);
    expect(decay.params.map((p) => name.get(p))).toEqual([
      'bert.embeddings.word_embeddings.weight', 'bert.embeddings.position_embeddings.weight', 'bert.embeddings.token_type_embeddings.weight',
      'bert.encoder.layer.0.attention.self.query.weight', 'bert.encoder.layer.0.attention.self.key.weight', 'bert.encoder.layer.0.attention.self.value.weight',
      'bert.encoder.layer.0.attention.output.dense.weight', 'bert.encoder.layer.0.intermediate.dense.weight', 'bert.encoder.layer.0.output.dense.weight',
      'bert.pooler.dense.weight', 'classifier.weight',
    ]);
    expect(noDecay.params).toHaveLength(model.parameters().length - 11);
    expect(noDecay.params.every((p) => /bias$|LayerNorm\.weight$/.test(name.get(p)!))).toBe(true);
    const mlm = new BertForMaskedLM(TINY);
    const [d, n] = bertParamGroups(mlm);
    expect(d.params.length + n.params.length).toBe(mlm.parameters().length); // the tied decoder counted once
    expect(d.weightDecay).toBe(0.01);
  });

  it('AdamW with the groups decays only the decay group (a zero-gradient step)', () => {
    manualSeed(7);
    const model = new BertForSequenceClassification(TINY);
    const groups = bertParamGroups(model, 0.1);
    noGrad(() => model.bert.embeddings.layerNorm.weight!.fill_(2));
    const before = new Map(model.parameters().map((p) => [p, vals(p)]));
    for (const p of model.parameters()) p.grad = p.mul(0);
    new AdamW(groups, { lr: 0.5 }).step();
    for (const p of groups[0].params) expectClose(vals(p), before.get(p)!.map((v) => v * (1 - 0.5 * 0.1)), 1e-7, 1e-6);
    for (const p of groups[1].params) expect(vals(p)).toEqual(before.get(p));
  });

  it('fine-tunes: AdamW on one fixed batch drives the classification loss down', () => {
    manualSeed(8);
    const model = new BertForSequenceClassification({ ...TINY, hiddenDropoutProb: 0, attentionProbsDropoutProb: 0 }, { numLabels: 2 });
    const opt = new AdamW(bertParamGroups(model, 0.01), { lr: 2e-2 });
    const labels = ints([1, 0]);
    const losses: number[] = [];
    for (let step = 0; step < 30; step++) {
      const { loss } = model.forward(IDS, { ...OPTS, labels });
      losses.push(loss!.item());
      opt.zeroGrad();
      loss!.backward();
      opt.step();
    }
    expect(losses[0]).toBeGreaterThan(0.5); // ≈ ln 2 at HF init
    expect(losses[29]).toBeLessThan(0.05 * losses[0]);
  });
});
