// shape.ts — layers that only reshape: Flatten (a range of dims into one, as between the conv
// and linear parts of a CNN) and its inverse Unflatten. Both are views when the data allows
// (reshape's backward is reshape back).
// Reference: torch.nn.Flatten, torch.nn.Unflatten.

import type { Tensor } from '../tensor/tensor.js';
import { fmt, normDim, numel } from '../tensor/shape.js';
import { Module } from './module.js';

/**
 * Flattens dims startDim..endDim into one: (N, C, H, W) -> (N, C·H·W) with the defaults.
 *
 * Shape: (*, S_start, …, S_end, *) -> (*, ∏ S, *).
 *
 * @example new Flatten().forward(zeros([2, 3, 4, 5])).shape // [2, 60]
 */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) { super(); }
  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
}

/**
 * Splits dim `dim` into `unflattenedSize`: Unflatten(1, [C, H, W]) turns (N, C·H·W) into
 * (N, C, H, W).
 *
 * Shape: (*, ∏ sizes, *) -> (*, …sizes, *).
 *
 * @example new Unflatten(1, [3, 20]).forward(zeros([2, 60])).shape // [2, 3, 20]
 */
export class Unflatten extends Module {
  readonly unflattenedSize: number[];
  constructor(readonly dim: number, unflattenedSize: readonly number[]) {
    super();
    this.unflattenedSize = [...unflattenedSize];
  }
  forward(x: Tensor): Tensor {
    const d = normDim('Unflatten', this.dim, x.ndim);
    const sizes = this.unflattenedSize;
    const known = numel(sizes.filter((s) => s !== -1));
    const fits = sizes.includes(-1) ? known > 0 && x.shape[d] % known === 0 : known === x.shape[d];
    if (!fits) throw new Error(`Unflatten: dim ${this.dim} of input ${fmt(x.shape)} has size ${x.shape[d]}, which cannot be unflattened into ${fmt(sizes)}`);
    return x.reshape([...x.shape.slice(0, d), ...sizes, ...x.shape.slice(d + 1)]); // (*, ...sizes, *)
  }
}
