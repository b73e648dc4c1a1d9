// split.ts — splitting a dataset into disjoint Subsets: randomSplit (a uniform random partition,
// torch.utils.data.random_split) and stratifiedSplit (every part keeps the class proportions of
// the whole, as scikit-learn's StratifiedShuffleSplit / train_test_split(stratify=y)). All the
// randomness comes from randperm on the global manualSeed generator.
// Reference: torch/utils/data/dataset.py random_split; sklearn/model_selection/_split.py
// (_approximate_mode, StratifiedShuffleSplit._iter_indices).

import { Tensor } from '../tensor/tensor.js';
import { randperm } from '../tensor/creation.js';
import { show } from '../check.js';
import { Subset, type Dataset } from './dataset.js';

/**
 * The part sizes for `lengths`: integers summing to n are taken as they are; fractions summing to
 * 1 become floor(n · f) each, and the n − Σ floor(n · f) left over are handed out one at a time
 * to parts 0, 1, 2, … in turn (round-robin), exactly as torch.utils.data.random_split does.
 */
export function splitSizes(op: string, n: number, lengths: readonly number[]): number[] {
  if (!Array.isArray(lengths) || lengths.length === 0 || !lengths.every((l) => typeof l === 'number' && Number.isFinite(l))) {
    throw new Error(`${op}: lengths must be a non-empty list of numbers, got ${show(lengths)}`);
  }
  const total = lengths.reduce((a, b) => a + b, 0);
  let sizes = [...lengths];
  if (Math.abs(total - 1) <= 1e-9 && total <= 1) { // math.isclose(sum, 1) and sum <= 1
    lengths.forEach((f, i) => {
      if (f < 0 || f > 1) throw new Error(`${op}: fraction at index ${i} is ${f}, not between 0 and 1`);
    });
    sizes = lengths.map((f) => Math.floor(n * f));
    const remainder = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length] += 1;
  }
  if (!sizes.every((s) => Number.isInteger(s) && s >= 0)) {
    throw new Error(`${op}: lengths ${show(lengths)} must be non-negative integers summing to ${n} or fractions summing to 1`);
  }
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (sum !== n) throw new Error(`${op}: lengths ${show(lengths)} sum to ${sum}, but the dataset has ${n} items`);
  return sizes;
}

function checkDataset(op: string, dataset: unknown): void {
  const d = dataset as Dataset<unknown>;
  if (d === null || typeof d !== 'object' || typeof d.get !== 'function' || !Number.isInteger(d.length) || d.length < 0) {
    throw new Error(`${op}: expected a dataset with an integer length and get(i), got ${show(dataset)}`);
  }
}

/**
 * Splits `dataset` into non-overlapping Subsets of the given lengths, at random: one
 * `randperm(N)` is cut into consecutive pieces. `lengths` are item counts summing to N, or
 * fractions summing to 1 (see splitSizes for the rounding). Seed with `manualSeed` to repeat it.
 *
 * @example
 * manualSeed(42);
 * const [train, val] = data.randomSplit(ds, [0.8, 0.2]); // for N = 10: 8 and 2 items
 * const [a, b, c] = data.randomSplit(ds, [5, 3, 2]);
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[]): Subset<T>[] {
  checkDataset('randomSplit', dataset);
  const sizes = splitSizes('randomSplit', dataset.length, lengths);
  const perm = Array.from(randperm(dataset.length).dataSync());
  let offset = 0;
  return sizes.map((s) => new Subset(dataset, perm.slice(offset, (offset += s))));
}

/** The dataset 0, 1, …, n-1 that stratifiedSplit(n, …) splits, so `subset.indices` are the picks. */
class IndexDataset implements Dataset<number> {
  constructor(readonly length: number) {}
  get(i: number): number { return i; }
}

/**
 * `n` draws spread over classes in proportion to `counts`, each class getting floor(c · n / Σc)
 * and the leftover draws going to the largest fractional parts, ties broken at random (sklearn's
 * _approximate_mode). Integer arithmetic: the fractional parts are compared exactly.
 */
function approximateMode(counts: number[], n: number): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return counts.map(() => 0);
  const floor = counts.map((c) => Math.floor((c * n) / total));
  const rem = counts.map((c, k) => {
    if (floor[k] * total > c * n) floor[k]--; // guard the float division
    return c * n - floor[k] * total;
  });
  let need = n - floor.reduce((a, b) => a + b, 0);
  const values = [...new Set(rem)].sort((a, b) => b - a);
  for (const v of values) {
    if (need === 0) break;
    const tied = rem.flatMap((r, k) => (r === v ? [k] : []));
    const take = Math.min(tied.length, need);
    const chosen = take < tied.length ? Array.from(randperm(tied.length).dataSync().subarray(0, take), (j) => tied[j]) : tied;
    for (const k of chosen) floor[k]++;
    need -= take;
  }
  return floor;
}

/**
 * Splits a dataset (or the indices 0..n-1 when given a number n) into Subsets whose class
 * proportions match those of `labels` as closely as integer counts allow. Part sizes come from
 * `lengths` as in randomSplit. Part s takes, from the items not yet assigned, approximateMode of
 * the remaining class counts (floor of n_s · c_j / Σ remaining, the leftovers to the largest
 * fractional parts, ties at random) — for two parts this is exactly sklearn's
 * StratifiedShuffleSplit; the last part takes what is left. Within each class the members are
 * shuffled before they are dealt out, and each part's indices are shuffled at the end, so a
 * part is not sorted by class. Seed with `manualSeed` to repeat it.
 *
 * @example
 * const labels = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1];          // 60% class 0, 40% class 1
 * const [train, test] = data.stratifiedSplit(ds, labels, [0.5, 0.5]);
 * // each part: 3 items of class 0 and 2 of class 1
 * const [a, b] = data.stratifiedSplit(10, labels, [5, 5]); // a.indices, b.indices
 */
export function stratifiedSplit<T>(dataset: Dataset<T>, labels: ArrayLike<number> | Tensor, lengths: readonly number[]): Subset<T>[];
export function stratifiedSplit(length: number, labels: ArrayLike<number> | Tensor, lengths: readonly number[]): Subset<number>[];
export function stratifiedSplit<T>(source: Dataset<T> | number, labels: ArrayLike<number> | Tensor, lengths: readonly number[]): Subset<T | number>[] {
  const op = 'stratifiedSplit';
  if (typeof source === 'number' && (!Number.isInteger(source) || source < 0)) throw new Error(`${op}: length must be a non-negative integer, got ${source}`);
  const dataset: Dataset<T | number> = typeof source === 'number' ? new IndexDataset(source) : source;
  checkDataset(op, dataset);
  const n = dataset.length;
  const y = labels instanceof Tensor ? labels.dataSync() : labels;
  if (y === null || typeof y !== 'object' || typeof y.length !== 'number') throw new Error(`${op}: labels must be an array or a Tensor, got ${show(labels)}`);
  if (labels instanceof Tensor && labels.ndim !== 1) throw new Error(`${op}: labels must be 1-D, got shape [${labels.shape.join(',')}]`);
  if (y.length !== n) throw new Error(`${op}: got ${y.length} labels for a dataset of ${n} items`);
  const sizes = splitSizes(op, n, lengths);

  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${op}: label ${i} is ${show(v)}, not a finite number`);
    const list = byClass.get(v);
    if (list) list.push(i); else byClass.set(v, [i]);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const remaining = classes.map((c) => byClass.get(c)!.length);

  // alloc[s][j]: how many items of class j go to part s
  const alloc = sizes.map((size, s) => {
    const take = s === sizes.length - 1 ? [...remaining] : approximateMode(remaining, size);
    take.forEach((t, j) => { remaining[j] -= t; });
    return take;
  });

  const parts: number[][] = sizes.map(() => []);
  classes.forEach((c, j) => {
    const members = byClass.get(c)!;
    const perm = randperm(members.length).dataSync();
    let at = 0;
    alloc.forEach((a, s) => {
      for (let k = 0; k < a[j]; k++) parts[s].push(members[perm[at++]]);
    });
  });
  return parts.map((p) => {
    const perm = randperm(p.length).dataSync();
    return new Subset(dataset, Array.from(perm, (k) => p[k]));
  });
}
