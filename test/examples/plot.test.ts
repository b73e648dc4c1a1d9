// The examples' Vega-Lite spec builders (examples/lib/plot.ts): each spec compiles with vega-lite
// and renders headless to SVG, and the SVG holds the expected marks — counted by parsing the
// mark groups vega writes (`<g class="mark-rect role-mark …">` and their items) — with the
// expected text; plus bad input's errors, the History recorder, and the attention weights the
// examples read back from a BERT layer checked against the layer's own output.
import { describe, expect, it } from 'vitest';
import { manualSeed, nlp, tensor } from '../../src/index.js';
import { attentionSpec, concatSpecs, confusionSpec, curvesSpec, scatterSpec, thin, toSvg, uniqueLabels } from '../../examples/lib/plot.js';
import { History } from '../../examples/lib/history.js';
import { bertAttentionMaps } from '../../examples/lib/bert-pretrain.js';

/** The items of every mark group in an SVG, by mark type and group name (summed over facets). */
function marks(svg: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const group = /<g class="mark-(\w+) role-mark ([\w-]+)"[^>]*>(.*?)<\/g>/gs;
  for (const [, type, name, body] of svg.matchAll(group)) {
    const key = `${type} ${name}`;
    const items = type === 'text' ? [...body.matchAll(/<text[^>]*>(.*?)<\/text>/gs)].map((m) => m[1]) : [...body.matchAll(/<path /g)].map(() => '');
    out.set(key, [...(out.get(key) ?? []), ...items]);
  }
  return out;
}
/** Total items of one mark type, over all its groups. */
const count = (m: Map<string, string[]>, type: string): number =>
  [...m].filter(([k]) => k.startsWith(`${type} `)).reduce((s, [, v]) => s + v.length, 0);
const texts = (m: Map<string, string[]>): string[] => [...m].filter(([k]) => k.startsWith('text ')).flatMap(([, v]) => v);

describe('scatterSpec', () => {
  it('draws one point and one text label per row', async () => {
    const words = ['whale', 'ship', 'sea', 'ahab', 'boat', 'the'];
    const svg = await toSvg(scatterSpec(words.map((label, i) => ({ x: i, y: i * i - 3, label, group: i % 2 ? 'odd' : 'even' })), { title: 'words', x: 'PC1 (60.0%)', y: 'PC2 (20.0%)' }));
    const m = marks(svg);
    expect(count(m, 'symbol')).toBe(6);
    expect(texts(m).sort()).toEqual([...words].sort());
    expect(svg).toContain('PC1 (60.0%)');
    expect(svg).toContain('PC2 (20.0%)');
  });

  it('refuses an empty scatter', () => {
    expect(() => scatterSpec([], { title: 't', x: 'x', y: 'y' })).toThrow('scatterSpec: no points to plot');
  });
});

describe('confusionSpec', () => {
  it('draws k × k cells with the counts as text, true class on the rows', async () => {
    const cm = [[50, 2, 0], [3, 41, 7], [0, 1, 66]];
    const spec = confusionSpec(cm, { title: 'cm', labels: ['a', 'b', 'c'] });
    const m = marks(await toSvg(spec));
    expect(count(m, 'rect')).toBe(9);
    expect(texts(m).map(Number).sort((x, y) => x - y)).toEqual(cm.flat().sort((x, y) => x - y));
    // the spec's data: row i, column j holds matrix[i][j]
    const values = (spec as { data: { values: { true: string; predicted: string; count: number }[] } }).data.values;
    expect(values.find((v) => v.true === 'b' && v.predicted === 'c')!.count).toBe(7);
  });

  it('places several side by side, each with its own cells and title', async () => {
    const spec = concatSpecs([confusionSpec([[1, 2], [3, 4]], { title: 'first', labels: ['a', 'b'] }), confusionSpec([[5, 6], [7, 8]], { title: 'second', labels: ['a', 'b'] })], { title: 'both' });
    const svg = await toSvg(spec);
    const m = marks(svg);
    expect(count(m, 'rect')).toBe(8);
    expect(texts(m).map(Number).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const title of ['first', 'second', 'both']) expect(svg).toContain(`>${title}</text>`);
    expect(() => concatSpecs([], { title: 't' })).toThrow('concatSpecs: no specs to place');
  });

  it('refuses a matrix that does not match the labels', () => {
    expect(() => confusionSpec([[1, 2], [3]], { title: 't', labels: ['x', 'y'] })).toThrow('confusionSpec: the matrix must be 2 × 2 for 2 labels, got 2 rows of [2, 1]');
  });
});

describe('attentionSpec', () => {
  const nh = 3, L = 4;
  const tokens = ['[CLS]', 'the', 'the', '[PAD]'];
  const masked = tokens.map(() => tokens.map((t) => t === '[PAD]'));
  const weights = Array.from({ length: nh }, (_, h) => tokens.map((_, i) => tokens.map((t, j) => (t === '[PAD]' ? 0 : (h + i + j + 1) / 10))));

  it('draws heads × L × S cells: the allowed ones coloured, the masked ones grey with an ×', async () => {
    const m = marks(await toSvg(attentionSpec(weights, masked, { title: 'att', queries: tokens, keys: tokens })));
    expect(count(m, 'rect')).toBe(nh * L * L); // 36: 27 weights + 9 masked
    const rects = [...m].filter(([k]) => k.startsWith('rect '));
    expect(rects.map(([, v]) => v.length).sort((a, b) => a - b)).toEqual([nh * L, nh * L * (L - 1)]);
    expect(texts(m).filter((t) => t === '×')).toHaveLength(nh * L);
  });

  it('keeps repeated tokens as separate positions', () => {
    expect(uniqueLabels(['the', 'cat', 'the', 'the'])).toEqual(['the', 'cat', 'the\u200b', 'the\u200b\u200b']);
  });

  it('refuses weights whose shape does not match the labels', () => {
    expect(() => attentionSpec(weights, masked, { title: 't', queries: tokens.slice(1), keys: tokens })).toThrow('attentionSpec: weights must be (heads, 3, 4) and the mask (3, 4) for 3 query and 4 key labels');
  });
});

describe('curvesSpec and History', () => {
  it('draws a facet per panel, a line per series and the sparse series as points', async () => {
    const h = new History();
    for (let step = 1; step <= 1000; step++) h.log(step, { loss: 3 / step, lr: step < 100 ? step / 100 : 1, nan: NaN });
    for (const step of [0, 500, 1000]) h.log(step, { accuracy: step / 2000 });
    expect(h.series('loss')).toHaveLength(1000);
    expect(h.series('nan')).toEqual([]);
    expect(h.series('accuracy')).toEqual([[0, 0], [500, 0.25], [1000, 0.5]]);
    const series = h.curves({ loss: ['loss'], accuracy: ['accuracy'], 'learning rate': ['lr', 'missing'] }, ['accuracy']);
    expect(series.map((s) => `${s.panel}/${s.name}/${!!s.dots}`)).toEqual(['loss/loss/false', 'accuracy/accuracy/true', 'learning rate/lr/false']);
    const svg = await toSvg(curvesSpec(series, { title: 'curves' }));
    const m = marks(svg);
    // lines are one path per series per facet; the 3 accuracy points are symbols
    expect(count(m, 'line')).toBe(3);
    expect(count(m, 'symbol')).toBe(3);
    for (const panel of ['loss', 'accuracy', 'learning rate']) expect(svg).toContain(`>${panel}</text>`);
  });

  it('thins a long curve to at most the asked points, each the mean of a run', () => {
    const pts = Array.from({ length: 1001 }, (_, i): [number, number] => [i, i % 2]); // y alternates 0, 1
    const t = thin(pts, 100); // stride ⌈1001 / 100⌉ = 11: 91 runs of 11
    expect(t).toHaveLength(91);
    expect(t[0]).toEqual([5, 5 / 11]); // x 0…10, y five 1s in eleven
    expect(t[90]).toEqual([995, 5 / 11]); // x 990…1000
    expect(thin(pts.slice(0, 50), 100)).toHaveLength(50);
  });

  it('refuses an empty chart', () => {
    expect(() => curvesSpec([], { title: 't' })).toThrow('curvesSpec: no series to plot');
  });
});

describe('bertAttentionMaps', () => {
  manualSeed(0);
  const vocab = nlp.Vocab.fromTokens([...nlp.BERT_SPECIALS, 'the', 'cat', 'sat', 'dog', 'ran'], { specials: nlp.BERT_SPECIALS });
  const model = new nlp.BertForPreTraining({ vocabSize: vocab.size, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 32, maxPositionEmbeddings: 16 });
  const pair = { tokensA: ['the', 'cat', 'sat'], tokensB: ['the', 'dog', 'ran'], isNext: true };
  const maps = bertAttentionMaps(model, vocab, pair, { layer: 1, maxLen: 16, pad: 3 });

  it('gives (heads, T, T) weights, rows summing to 1, zero on the masked padding keys', () => {
    expect(maps.tokens).toEqual(['[CLS]', 'the', 'cat', 'sat', '[SEP]', 'the', 'dog', 'ran', '[SEP]', '[PAD]', '[PAD]', '[PAD]']);
    expect(maps.weights).toHaveLength(4);
    for (const head of maps.weights) for (const row of head) {
      expect(row.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 5);
      expect(row.slice(9)).toEqual([0, 0, 0]);
    }
    expect(maps.masked[0]).toEqual([...Array(9).fill(false), true, true, true]);
  });

  it('are the weights the layer uses: weights · V per head reproduces the layer’s attention output', () => {
    const T = maps.tokens.length;
    const ids = tensor(vocab.encode(maps.tokens), { shape: [1, T], dtype: 'int32' });
    const types = tensor([0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0], { shape: [1, T], dtype: 'int32' });
    const mask = tensor([1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0].map((k) => (1 - k) * -3.4028234663852886e38), { shape: [1, 1, 1, T] });
    model.eval();
    const layers = model.bert.encoder.layer;
    const h = layers.at(0).forward(model.bert.embeddings.forward(ids, types), mask); // layer 1's input (1, T, 16)
    const self = layers.at(1).attention.self;
    const expected = self.forward(h, mask).toArray() as number[][][]; // (1, T, 16)
    const v = self.value.forward(h).toArray() as number[][][]; // (1, T, 16), head h = columns 4h … 4h+3
    for (let i = 0; i < T; i++) for (let c = 0; c < 16; c++) {
      const head = Math.floor(c / 4);
      const y = maps.weights[head][i].reduce((s, w, j) => s + w * v[0][j][c], 0);
      expect(y).toBeCloseTo(expected[0][i][c], 5);
    }
  });

  it('refuses a layer the model does not have', () => {
    expect(() => bertAttentionMaps(model, vocab, pair, { layer: 2, maxLen: 16, pad: 0 })).toThrow("bertAttentionMaps: layer 2 is not one of the model's 2 layers");
  });
});
