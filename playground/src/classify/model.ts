// model.ts — the Classify page's model and training step, kept free of the DOM so the Node tests
// (test/playground/classify.test.ts) run the same code: an MLP 2 → hidden… → 1 logit with the
// chosen activation, binary cross-entropy on the logit, Adam on random minibatches, and the
// predicted probability on a grid of points for the decision-boundary picture.

import { manualSeed, nn, noGrad, optim, randint, tensor, type Tensor } from '../../../src/index.js';
import { makeDataset, type Dataset, type DatasetName } from './datasets.js';

export const ACTIVATIONS = { tanh: nn.Tanh, relu: nn.ReLU, sigmoid: nn.Sigmoid, gelu: nn.GELU, silu: nn.SiLU };
export type ActivationName = keyof typeof ACTIVATIONS;

export interface ClassifyConfig {
  dataset: DatasetName;
  noise: number;
  /** points in the dataset */
  points: number;
  /** widths of the hidden layers, e.g. [8, 8] */
  hidden: number[];
  activation: ActivationName;
  lr: number;
  batchSize: number;
  seed: number;
}

export const DEFAULT_CONFIG: ClassifyConfig = {
  dataset: 'circles', noise: 0.05, points: 300, hidden: [8, 8], activation: 'tanh', lr: 0.03, batchSize: 32, seed: 0,
};

/** Parses '8, 8' into [8, 8]; '' is no hidden layer (logistic regression). */
export function parseHidden(text: string): number[] {
  const parts = text.split(/[\s,]+/).filter((s) => s !== '');
  const widths = parts.map(Number);
  const bad = parts.find((_, i) => !Number.isInteger(widths[i]) || widths[i] < 1 || widths[i] > 256);
  if (bad !== undefined) throw new Error(`hidden layers: '${bad}' is not a width from 1 to 256 (write widths separated by commas, e.g. 8, 8)`);
  if (widths.length > 6) throw new Error(`hidden layers: at most 6 layers, got ${widths.length}`);
  return widths;
}

/** Linear(2, h1), act, Linear(h1, h2), act, …, Linear(hk, 1). */
export function buildMlp(hidden: number[], activation: ActivationName): nn.Sequential {
  const Act = ACTIVATIONS[activation];
  if (!Act) throw new Error(`activation: unknown activation '${String(activation)}' (choose ${Object.keys(ACTIVATIONS).join(', ')})`);
  const layers: nn.Module[] = [];
  let width = 2;
  for (const h of hidden) {
    layers.push(new nn.Linear(width, h), new Act());
    width = h;
  }
  layers.push(new nn.Linear(width, 1));
  return new nn.Sequential(...layers);
}

export class ClassifyModel {
  readonly data: Dataset;
  readonly model: nn.Sequential;
  private readonly opt: optim.Adam;
  private readonly x: Tensor; // (n, 2)
  private readonly y: Tensor; // (n, 1)

  constructor(readonly config: ClassifyConfig) {
    if (!(config.lr > 0)) throw new Error(`learning rate must be > 0, got ${config.lr}`);
    if (!Number.isInteger(config.batchSize) || config.batchSize < 1) throw new Error(`batch size must be a positive integer, got ${config.batchSize}`);
    manualSeed(config.seed);
    this.data = makeDataset(config.dataset, config.points, config.noise);
    this.model = buildMlp(config.hidden, config.activation);
    this.opt = new optim.Adam(this.model.parameters(), { lr: config.lr });
    this.x = tensor(this.data.x, { shape: [this.data.n, 2] });
    this.y = tensor(this.data.y, { shape: [this.data.n, 1] });
  }

  /** One Adam step on a random minibatch (the whole set when batchSize >= n); returns the loss. */
  step(): number {
    const { n } = this.data;
    let xb = this.x;
    let yb = this.y;
    if (this.config.batchSize < n) {
      const idx = randint(0, n, [this.config.batchSize], { dtype: 'int32' });
      xb = this.x.indexSelect(0, idx); // (batch, 2)
      yb = this.y.indexSelect(0, idx); // (batch, 1)
    }
    this.opt.zeroGrad();
    const loss = nn.functional.binaryCrossEntropyWithLogits(this.model.forward(xb), yb);
    loss.backward();
    this.opt.step();
    return loss.item();
  }

  /** P(label 1) at the points `xy` ((m, 2) row-major). */
  predict(xy: Float32Array): Float32Array {
    return noGrad(() => this.model.forward(tensor(xy, { shape: [xy.length / 2, 2] })).sigmoid().dataSync() as Float32Array);
  }

  /** Fraction of the dataset classified right (probability above 0.5 means label 1). */
  accuracy(): number {
    const p = this.predict(this.data.x);
    let right = 0;
    for (let i = 0; i < this.data.n; i++) right += (p[i] > 0.5 ? 1 : 0) === this.data.y[i] ? 1 : 0;
    return right / this.data.n;
  }
}

/** The centres of a g × g grid over [-extent, extent]², row-major from the top-left ((g², 2)). */
export function gridPoints(g: number, extent: number): Float32Array {
  const out = new Float32Array(2 * g * g);
  for (let r = 0; r < g; r++) {
    for (let c = 0; c < g; c++) {
      out[2 * (r * g + c)] = -extent + ((c + 0.5) / g) * 2 * extent;
      out[2 * (r * g + c) + 1] = extent - ((r + 0.5) / g) * 2 * extent;
    }
  }
  return out;
}
