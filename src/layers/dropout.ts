// dropout.ts — inverted dropout: in training each element is zeroed with probability p and the
// survivors are scaled by 1/(1-p), so the expected value is unchanged and eval is the identity.
// The mask is drawn from the global generator (manualSeed makes it reproducible); the op is a
// multiplication by the scaled mask, so its backward is dy * mask.
// Reference: torch.nn.Dropout; Srivastava et al. 2014, "Dropout".

import type { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/creation.js';
import { allocTyped, isFloating } from '../tensor/dtype.js';
import { fillUniform } from '../tensor/random.js';
import { checkProbability } from '../check.js';
import { Module } from './module.js';

export interface DropoutOptions {
  /** probability of zeroing an element (default 0.5) */
  p?: number;
  /** apply dropout (default true); false returns x unchanged */
  training?: boolean;
}

/**
 * y = x * m / (1 - p), m_i ~ Bernoulli(1 - p), when training; y = x otherwise.
 * p = 1 gives zeros.
 *
 * Shape: any -> same shape.
 */
export function dropout(x: Tensor, opts: DropoutOptions = {}): Tensor {
  const p = checkProbability('dropout', 'p', opts.p ?? 0.5);
  if (!isFloating(x.dtype)) throw new Error(`dropout: input must be float32 or float64, got ${x.dtype}`);
  if (!(opts.training ?? true) || p === 0) return x;
  if (p === 1) return x.mul(0);
  const u = new Float64Array(x.numel());
  fillUniform(u);
  const scale = 1 / (1 - p);
  const m = allocTyped(x.dtype, u.length);
  for (let i = 0; i < u.length; i++) m[i] = u[i] < p ? 0 : scale; // kept with probability 1 - p
  return x.mul(tensor(m, { shape: x.shape, like: x })); // the mask on x's backend, in x's dtype
}

/**
 * Randomly zeroes elements with probability p during training, scaling the rest by 1/(1-p);
 * the identity in eval mode.
 *
 * Shape: any -> same shape.
 *
 * @example
 *   const drop = new Dropout(0.1);
 *   drop.forward(x);          // training: about 10% zeros, the rest x / 0.9
 *   drop.eval().forward(x);   // x
 */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    checkProbability('Dropout', 'p', p);
  }

  forward(x: Tensor): Tensor {
    return dropout(x, { p: this.p, training: this.training });
  }
}
