// bow.ts — the baseline every text classifier should beat: bag-of-words logistic regression,
// written with tensorloom. Features are log(1 + count) of the training vocabulary's words
// (basicTokenize, words seen in at least `minDocs` training texts, the `maxFeatures` most
// frequent), each row scaled to unit L2 norm; the model is p(spam) = σ(x·w + b) trained with
// Adam on the binary cross-entropy plus an L2 penalty. Texts stay sparse; a DataLoader's
// `collate` densifies one batch at a time.
// Reference: Jurafsky & Martin, Speech and Language Processing 3rd ed., ch. 5 (logistic regression).

import { data, nlp, nn, noGrad, optim, tensor, type Tensor } from '../../src/index.js';
import { ProgressBar } from './progress.js';

/** One text as sparse features: column indices and their values. */
interface SparseRow { cols: Int32Array; vals: Float32Array; label: number }

export class BagOfWords {
  private constructor(private readonly columns: Map<string, number>) {}

  get size(): number {
    return this.columns.size;
  }

  /** The vocabulary of `texts`: words in at least `minDocs` texts, the `maxFeatures` most frequent. */
  static fit(texts: string[], o: { minDocs?: number; maxFeatures?: number } = {}): BagOfWords {
    const docFreq = new Map<string, number>();
    for (const t of texts) for (const w of new Set(nlp.basicTokenize(t))) docFreq.set(w, (docFreq.get(w) ?? 0) + 1);
    const words = [...docFreq].filter(([, n]) => n >= (o.minDocs ?? 2)).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return new BagOfWords(new Map(words.slice(0, o.maxFeatures ?? 20000).map(([w], i) => [w, i])));
  }

  /** log(1 + count) per known word, the row scaled to unit L2 norm. */
  row(text: string, label: number): SparseRow {
    const counts = new Map<number, number>();
    for (const w of nlp.basicTokenize(text)) {
      const c = this.columns.get(w);
      if (c !== undefined) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    const cols = Int32Array.from(counts.keys());
    const vals = Float32Array.from(counts.values(), (n) => Math.log1p(n));
    const norm = Math.hypot(...vals) || 1;
    for (let i = 0; i < vals.length; i++) vals[i] /= norm;
    return { cols, vals, label };
  }

  /** A batch of sparse rows as a dense (B, V) float32 tensor and their labels (B). */
  collate(rows: SparseRow[]): Tensor[] {
    const V = this.size;
    const x = new Float32Array(rows.length * V);
    rows.forEach((r, b) => r.cols.forEach((c, k) => (x[b * V + c] = r.vals[k])));
    return [tensor(x, { shape: [rows.length, V] }), tensor(Float32Array.from(rows, (r) => r.label))];
  }
}

/**
 * Trains p(y = 1 | x) = σ(x·w + b) on `texts` and returns a function giving predicted classes.
 * Adam on mean BCE-with-logits + (l2 / 2)·‖w‖², `epochs` passes of shuffled batches.
 */
export function trainBagOfWords(texts: string[], labels: ArrayLike<number>, o: { epochs: number; batchSize: number; lr: number; l2: number; maxFeatures?: number }): {
  bow: BagOfWords; predict: (texts: string[]) => Int32Array;
} {
  const bow = BagOfWords.fit(texts, { maxFeatures: o.maxFeatures });
  const rows = texts.map((t, i) => bow.row(t, labels[i]));
  const dataset: data.Dataset<SparseRow> = { length: rows.length, get: (i) => rows[i] };
  const loader = new data.DataLoader(dataset, { batchSize: o.batchSize, shuffle: true, collate: (b: SparseRow[]) => bow.collate(b) });
  const model = new nn.Linear(bow.size, 1); // w (1, V), b (1)
  const opt = new optim.Adam(model.parameters(), { lr: o.lr });
  const bce = new nn.BCEWithLogitsLoss();
  const bar = new ProgressBar('bag-of-words', o.epochs * loader.length, 'batch');
  let step = 0, running = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (const [x, y] of loader) {
      const logits = model.forward(x).reshape(-1); // (B, V) -> (B)
      const loss = bce.forward(logits, y).add(model.weight.pow(2).sum().mul(o.l2 / 2));
      opt.zeroGrad();
      loss.backward();
      opt.step();
      running = step === 0 ? loss.item() : 0.9 * running + 0.1 * loss.item();
      bar.update(++step, { loss: running, epoch: `${epoch + 1}/${o.epochs}` });
    }
  }
  const predict = (texts: string[]): Int32Array => noGrad(() => {
    const [x] = bow.collate(texts.map((t) => bow.row(t, 0)));
    return Int32Array.from(model.forward(x).reshape(-1).gt(0).dataSync()); // σ(z) > 0.5 ⇔ z > 0
  });
  return { bow, predict };
}
