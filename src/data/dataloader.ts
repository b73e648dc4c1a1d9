// dataloader.ts — DataLoader: iterates a map-style dataset in batches of `batchSize` indices,
// optionally in a fresh random order per pass (a permutation drawn by randperm from the global
// manualSeed generator, so a seed fixes every epoch's order), collating each batch.
// Reference: torch.utils.data.DataLoader (single-process; RandomSampler + BatchSampler).

import { randperm } from '../tensor/creation.js';
import { check, checkKeys, checkPositiveInt } from '../check.js';
import type { Dataset } from './dataset.js';
import { defaultCollate, type Collated } from './collate.js';

export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1). */
  batchSize?: number;
  /** Draw a new random order at the start of every pass (default false). */
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than batchSize (default false). */
  dropLast?: boolean;
  /** Turns a list of items into a batch (default: `getBatch` if the dataset has it, else defaultCollate). */
  collate?: (items: T[]) => B;
}

const KEYS = ['batchSize', 'shuffle', 'dropLast', 'collate'] as const;

/**
 * Batches of a dataset, iterable with `for..of`. With `shuffle`, each new pass draws
 * `randperm(dataset.length)` and walks it in chunks of batchSize; without, it walks 0..N-1.
 * The number of batches is `ceil(N / batchSize)`, or `floor(N / batchSize)` with dropLast.
 *
 * Without a `collate`, a dataset that has `getBatch` (TensorDataset, a Subset of one) is asked
 * for the whole batch at once (one indexSelect per tensor); other datasets' items go through
 * defaultCollate (tensors stacked, numbers made a tensor, tuples/objects field by field).
 *
 * @example
 * manualSeed(0);
 * const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 32, shuffle: true });
 * for (const [xb, yb] of loader) { ... }  // xb: (32, ...) rows of x, yb: the matching labels
 * loader.length;                           // ceil(N / 32)
 */
export class DataLoader<T, B = Collated<T>> implements Iterable<B> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly collate: ((items: T[]) => B) | undefined;

  constructor(dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    checkKeys('DataLoader', options, KEYS);
    check('DataLoader', dataset !== null && typeof dataset === 'object' && typeof dataset.get === 'function'
      && Number.isInteger(dataset.length) && dataset.length >= 0, 'dataset', dataset, 'needs an integer length and get(i)');
    this.dataset = dataset;
    this.batchSize = checkPositiveInt('DataLoader', 'batchSize', options.batchSize ?? 1);
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    check('DataLoader', typeof this.shuffle === 'boolean', 'shuffle', this.shuffle, 'must be true or false');
    check('DataLoader', typeof this.dropLast === 'boolean', 'dropLast', this.dropLast, 'must be true or false');
    check('DataLoader', options.collate === undefined || typeof options.collate === 'function', 'collate', options.collate, 'must be a function');
    this.collate = options.collate;
  }

  /** The number of batches one pass yields. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** Starts a pass: the order is fixed (and, with shuffle, drawn) here, then batches are made lazily. */
  [Symbol.iterator](): Iterator<B> {
    const n = this.dataset.length;
    const order = this.shuffle ? (randperm(n).dataSync() as Int32Array) : Int32Array.from({ length: n }, (_, i) => i);
    return this.batches(order);
  }

  private *batches(order: Int32Array): Generator<B> {
    const count = this.length;
    for (let b = 0; b < count; b++) {
      const idx = order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, order.length));
      yield this.makeBatch(idx);
    }
  }

  private makeBatch(idx: Int32Array): B {
    const ds = this.dataset;
    if (this.collate === undefined && typeof ds.getBatch === 'function') return ds.getBatch(idx) as unknown as B;
    const items = Array.from(idx, (i) => ds.get(i));
    return this.collate ? this.collate(items) : (defaultCollate(items) as unknown as B);
  }
}
