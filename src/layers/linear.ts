// linear.ts — the affine layer y = x W^T + b: the functional `linear` (one matmul and a
// broadcast add, so its backward is matmul's and add's) and the `Linear` module holding W and b.
// Shapes: in = inFeatures, out = outFeatures, `*` = any number of leading dims.
// Reference: torch.nn.Linear / torch.nn.functional.linear (default init: reset_parameters).

import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { fmt } from '../tensor/shape.js';
import type { DType } from '../tensor/dtype.js';
import { Module, Parameter } from './module.js';
import { fans, kaimingUniform, uniform } from './init.js';

/**
 * y = x W^T + b over the last dim of x.
 *
 * Shape: x (*, in), w (out, in), b (out) -> y (*, out).
 */
export function linear(x: Tensor, w: Tensor, b: Tensor | null = null): Tensor {
  if (w.ndim !== 2) throw new Error(`linear: weight must be 2-D (out, in), got shape ${fmt(w.shape)}`);
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== w.shape[1]) {
    throw new Error(`linear: input ${fmt(x.shape)} has ${x.shape[x.ndim - 1] ?? 'no'} features in its last dim, weight ${fmt(w.shape)} expects ${w.shape[1]}`);
  }
  if (b && (b.ndim !== 1 || b.shape[0] !== w.shape[0])) {
    throw new Error(`linear: bias ${fmt(b.shape)} must have shape [${w.shape[0]}] to match weight ${fmt(w.shape)}`);
  }
  const y = x.matmul(w.t()); // (*, in) @ (in, out) -> (*, out)
  return b ? y.add(b) : y;
}

export interface LinearOptions {
  /** learn an additive bias (default true) */
  bias?: boolean;
  /** dtype of the parameters (default 'float32'; 'float64' for gradcheck) */
  dtype?: DType;
}

/**
 * Fully connected layer: y = x W^T + b.
 *
 * Parameters: `weight` (out, in) and `bias` (out), both U(-1/sqrt(in), 1/sqrt(in)) as PyTorch
 * (weight by kaiming-uniform with a = sqrt(5)).
 *
 * Shape: input (*, inFeatures) -> output (*, outFeatures).
 *
 * @example
 *   const fc = new Linear(4, 2);
 *   fc.forward(randn([8, 4])).shape; // [8, 2]
 */
export class Linear extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, opts: LinearOptions = {}) {
    super();
    for (const [name, n] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
      if (!Number.isInteger(n) || n < 0) throw new Error(`Linear: ${name} must be a non-negative integer, got ${n}`);
    }
    const dtype = opts.dtype ?? 'float32';
    this.weight = this.registerParameter('weight', new Parameter(zeros([outFeatures, inFeatures], { dtype })));
    this.bias = this.registerParameter('bias', (opts.bias ?? true) ? new Parameter(zeros([outFeatures], { dtype })) : null);
    this.resetParameters();
  }

  /** weight ~ kaiming-uniform(a = sqrt 5) = U(±1/sqrt(in)); bias ~ U(±1/sqrt(fanIn)). */
  resetParameters(): void {
    if (this.weight.numel() > 0) kaimingUniform(this.weight, { a: Math.sqrt(5) }); // zero-size: nothing to draw
    if (this.bias) {
      const [fanIn] = fans(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform(this.bias, -bound, bound);
    }
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}
