// activation.ts — elementwise nonlinearities and softmax as modules (ReLU, GELU, Tanh, Sigmoid,
// SiLU, Softmax, LogSoftmax, Identity), as nn.functional forms, and the one lookup of an
// activation by name that configurable layers use (Transformer layers, BERT). Each forwards to the
// tensor op of the same name, where its forward and backward live (src/autograd/ops/unary.ts).
// Reference: torch.nn.ReLU / GELU / … / Identity; Hugging Face transformers' ACT2FN names.

import type { Tensor } from '../tensor/tensor.js';
import { checkOneOf } from '../check.js';
import { Module } from './module.js';

export type GeluApproximate = 'none' | 'tanh';

// ---- activations by name -----------------------------------------------------------------------

/** Elementwise activations by name (PyTorch's names; `gelu_new` is Hugging Face's tanh GELU). */
export const ACTIVATIONS = {
  relu: (x: Tensor): Tensor => x.relu(),
  gelu: (x: Tensor): Tensor => x.gelu(),
  gelu_new: (x: Tensor): Tensor => x.gelu({ approximate: 'tanh' }),
  silu: (x: Tensor): Tensor => x.silu(),
  tanh: (x: Tensor): Tensor => x.tanh(),
  sigmoid: (x: Tensor): Tensor => x.sigmoid(),
} as const;
export type ActivationName = keyof typeof ACTIVATIONS;
export type ActivationFn = (x: Tensor) => Tensor;

/**
 * The activation `a` names, or `a` itself when it is a function. A name outside `allowed` (by
 * default every name above) throws `${op}: ${option} must be 'relu', 'gelu'; got 'swish'`.
 *
 * @example getActivation('TransformerEncoderLayer', 'gelu', ['relu', 'gelu'])(x) // x.gelu()
 */
export function getActivation(
  op: string, a: ActivationName | ActivationFn, allowed: readonly ActivationName[] = Object.keys(ACTIVATIONS) as ActivationName[],
  option = 'activation',
): ActivationFn {
  if (typeof a === 'function') return a;
  return ACTIVATIONS[checkOneOf(op, option, a, allowed)];
}

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
