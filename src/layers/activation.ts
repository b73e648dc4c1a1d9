// activation.ts — elementwise nonlinearities and softmax as modules (ReLU, GELU, Tanh, Sigmoid,
// SiLU, Softmax, LogSoftmax, Identity) and as nn.functional forms. Each forwards to the tensor op
// of the same name, where its forward and backward live (src/autograd/ops/unary.ts, reduce.ts).
// Reference: torch.nn.ReLU / GELU / Tanh / Sigmoid / SiLU / Softmax / LogSoftmax / Identity.

import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

export type GeluApproximate = 'none' | 'tanh';

// ---- functional ------------------------------------------------------------------------------

/** y = max(x, 0) */
export const relu = (x: Tensor): Tensor => x.relu();
/** y = x Φ(x) (exact erf form), or the tanh approximation with {approximate: 'tanh'} */
export const gelu = (x: Tensor, opts: { approximate?: GeluApproximate } = {}): Tensor => x.gelu(opts);
/** y = x sigmoid(x) */
export const silu = (x: Tensor): Tensor => x.silu();
/** y_i = exp(x_i) / sum_j exp(x_j) along dim */
export const softmax = (x: Tensor, dim: number): Tensor => x.softmax(dim);
/** y_i = x_i - log sum_j exp(x_j) along dim */
export const logSoftmax = (x: Tensor, dim: number): Tensor => x.logSoftmax(dim);

// ---- modules (no parameters; shape: any -> same shape) ----------------------------------------

/**
 * y = max(x, 0).  Shape: any -> same shape.
 * @example new ReLU().forward(tensor([-1, 2])) // [0, 2]
 */
export class ReLU extends Module {
  forward(x: Tensor): Tensor { return x.relu(); }
}

/**
 * y = x/2 (1 + erf(x / sqrt 2)); with {approximate: 'tanh'}:
 * y = x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x³))).  Shape: any -> same shape.
 * @example new GELU({ approximate: 'tanh' }).forward(x)
 */
export class GELU extends Module {
  readonly approximate: GeluApproximate;
  constructor(opts: { approximate?: GeluApproximate } = {}) {
    super();
    this.approximate = opts.approximate ?? 'none';
    if (this.approximate !== 'none' && this.approximate !== 'tanh') throw new Error(`GELU: approximate must be 'none' or 'tanh', got '${String(this.approximate)}'`);
  }
  forward(x: Tensor): Tensor { return x.gelu({ approximate: this.approximate }); }
}

/**
 * y = tanh(x).  Shape: any -> same shape.
 * @example new Tanh().forward(tensor([0])) // [0]
 */
export class Tanh extends Module {
  forward(x: Tensor): Tensor { return x.tanh(); }
}

/**
 * y = 1 / (1 + exp(-x)).  Shape: any -> same shape.
 * @example new Sigmoid().forward(tensor([0])) // [0.5]
 */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor { return x.sigmoid(); }
}

/**
 * y = x sigmoid(x) (a.k.a. swish).  Shape: any -> same shape.
 * @example new SiLU().forward(tensor([0])) // [0]
 */
export class SiLU extends Module {
  forward(x: Tensor): Tensor { return x.silu(); }
}

/**
 * y_i = exp(x_i) / sum_j exp(x_j) along `dim`.  Shape: any -> same shape.
 * @example new Softmax(-1).forward(tensor([[0, 0]])) // [[0.5, 0.5]]
 */
export class Softmax extends Module {
  constructor(readonly dim: number) { super(); }
  forward(x: Tensor): Tensor { return x.softmax(this.dim); }
}

/**
 * y_i = x_i - log sum_j exp(x_j) along `dim`.  Shape: any -> same shape.
 * @example new LogSoftmax(1).forward(logits) // log-probabilities per row
 */
export class LogSoftmax extends Module {
  constructor(readonly dim: number) { super(); }
  forward(x: Tensor): Tensor { return x.logSoftmax(this.dim); }
}

/**
 * y = x (a placeholder, e.g. for an optional layer).  Shape: any -> same shape.
 * @example new Identity().forward(x) === x // true
 */
export class Identity extends Module {
  forward(x: Tensor): Tensor { return x; }
}
