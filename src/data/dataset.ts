// dataset.ts — map-style datasets: the `Dataset<T>` contract (`length`, `get(i)`), TensorDataset
// (rows of several tensors that share dim 0) and Subset (a dataset seen through a list of
// indices). Both offer `getBatch(indices)`, one indexSelect per tensor, so a DataLoader never
// stacks rows one at a time.
// Reference: torch.utils.data.Dataset, TensorDataset, Subset.

import { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/creation.js';
import { fmt } from '../tensor/shape.js';

/** A map-style dataset: `length` items, item `i` read by `get(i)` for 0 <= i < length. */
export interface Dataset<T> {
  readonly length: number;
  get(i: number): T;
  /** Optional fast path: the items at `indices`, already collated (as TensorDataset does). */
  getBatch?(indices: ArrayLike<number>): T;
}

/** Throws `${op}: index ${i} out of range for a dataset of length ${n}` unless 0 <= i < n. */
export function checkIndex(op: string, i: number, n: number): void {
  if (!Number.isInteger(i) || i < 0 || i >= n) throw new Error(`${op}: index ${i} out of range for a dataset of length ${n}`);
}

/**
 * Wraps tensors that share their first dimension; item `i` is `[t0[i], t1[i], …]`.
 *
 * Shape: each tensor (N, *); `get(i)` gives tensors of shape (*); `getBatch(idx)` gives (B, *)
 * for B = idx.length.
 *
 * @example
 * const ds = new data.TensorDataset(tensor([[1, 2], [3, 4], [5, 6]]), tensor([0, 1, 0], { dtype: 'int32' }));
 * ds.length;          // 3
 * ds.get(1);          // [tensor([3, 4]), tensor(1)]
 * ds.getBatch([2, 0]); // [tensor([[5, 6], [1, 2]]), tensor([0, 0])]
 */
export class TensorDataset implements Dataset<Tensor[]> {
  readonly tensors: Tensor[];
  readonly length: number;

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new Error('TensorDataset: needs at least one tensor');
    tensors.forEach((t, k) => {
      if (!(t instanceof Tensor)) throw new Error(`TensorDataset: argument ${k} is not a Tensor`);
      if (t.ndim === 0) throw new Error(`TensorDataset: tensor ${k} is 0-d; every tensor needs a first (sample) dimension`);
    });
    const n = tensors[0].shape[0];
    if (tensors.some((t) => t.shape[0] !== n)) {
      throw new Error(`TensorDataset: size mismatch between tensors, shapes ${tensors.map((t) => fmt(t.shape)).join(', ')} (every first dimension must be ${n})`);
    }
    this.tensors = tensors;
    this.length = n;
  }

  /** Row `i` of every tensor (views, no copy). */
  get(i: number): Tensor[] {
    checkIndex('TensorDataset.get', i, this.length);
    return this.tensors.map((t) => t.select(0, i));
  }

  /** Rows `indices` of every tensor, one indexSelect each: `[t0[idx], t1[idx], …]`. */
  getBatch(indices: ArrayLike<number>): Tensor[] {
    for (let k = 0; k < indices.length; k++) checkIndex('TensorDataset.getBatch', indices[k], this.length);
    const idx = Int32Array.from(indices as ArrayLike<number>);
    return this.tensors.map((t) => t.indexSelect(0, tensor(idx, { dtype: 'int32', like: t })));
  }
}

/**
 * The items of `dataset` at `indices`, in that order: `subset.get(i) = dataset.get(indices[i])`.
 *
 * @example
 * const sub = new data.Subset(ds, [2, 0]);
 * sub.length; // 2
 * sub.get(0); // ds.get(2)
 */
export class Subset<T> implements Dataset<T> {
  readonly dataset: Dataset<T>;
  readonly indices: number[];
  readonly length: number;
  /** Present only when the parent dataset has one. */
  readonly getBatch?: (indices: ArrayLike<number>) => T;

  constructor(dataset: Dataset<T>, indices: ArrayLike<number> | Tensor) {
    const list = indices instanceof Tensor ? Array.from(indices.dataSync()) : Array.from(indices);
    for (const i of list) checkIndex('Subset', i, dataset.length);
    this.dataset = dataset;
    this.indices = list;
    this.length = list.length;
    // Only a dataset with a fast batch path gives its Subset one: the parent's, on mapped indices.
    const parentBatch = dataset.getBatch;
    if (typeof parentBatch === 'function') {
      this.getBatch = (idx: ArrayLike<number>): T => {
        const mapped = new Array<number>(idx.length);
        for (let k = 0; k < idx.length; k++) {
          checkIndex('Subset.getBatch', idx[k], this.length);
          mapped[k] = this.indices[idx[k]];
        }
        return parentBatch.call(dataset, mapped);
      };
    }
  }

  get(i: number): T {
    checkIndex('Subset.get', i, this.length);
    return this.dataset.get(this.indices[i]);
  }
}
