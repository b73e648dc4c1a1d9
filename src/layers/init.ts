// init.ts — nn.init: in-place initializers with PyTorch's fan rules and gains. Every draw comes
// from the global generator (manualSeed), so initialization is reproducible.
// fan_in = size(1) * receptive field, fan_out = size(0) * receptive field (receptive field =
// product of dims after the first two). Reference: torch.nn.init.

import type { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/creation.js';
import { fmt, numel } from '../tensor/shape.js';
import { fillNormal, fillUniform } from '../tensor/random.js';
import { noGrad } from '../autograd/engine.js';

export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';
export type FanMode = 'fanIn' | 'fanOut';

/** torch.nn.init.calculate_gain */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'sigmoid': return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leaky_relu': { const a = param ?? 0.01; return Math.sqrt(2 / (1 + a * a)); }
    case 'selu': return 3 / 4;
  }
  throw new Error(`calculateGain: unsupported nonlinearity '${String(nonlinearity)}'`);
}

/** [fanIn, fanOut] of a weight of shape (out, in, *kernel). */
export function fans(t: Tensor): [number, number] {
  if (t.ndim < 2) throw new Error(`init: fan in and fan out cannot be computed for a tensor with fewer than 2 dims, got ${fmt(t.shape)}`);
  const receptive = numel(t.shape.slice(2));
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

function fill(t: Tensor, draw: (out: Float64Array) => void): Tensor {
  const a = new Float64Array(t.numel());
  draw(a);
  // drawn in float64, stored at t's precision (a float32-only backend such as gpujs never sees float64)
  const src = tensor(a, { shape: t.shape, dtype: t.dtype === 'float64' ? 'float64' : 'float32', like: t });
  return noGrad(() => t.copy_(src));
}

/** Fills t with U(a, b). */
export function uniform(t: Tensor, a = 0, b = 1): Tensor {
  return fill(t, (o) => { fillUniform(o); for (let i = 0; i < o.length; i++) o[i] = a + (b - a) * o[i]; });
}
/** Fills t with N(mean, std²). */
export function normal(t: Tensor, mean = 0, std = 1): Tensor {
  return fill(t, (o) => { fillNormal(o); for (let i = 0; i < o.length; i++) o[i] = mean + std * o[i]; });
}
export function constant(t: Tensor, value: number): Tensor {
  return noGrad(() => t.fill_(value));
}
export const zeros = (t: Tensor): Tensor => constant(t, 0);
export const ones = (t: Tensor): Tensor => constant(t, 1);

/** U(-a, a), a = gain sqrt(6 / (fanIn + fanOut))  (Glorot & Bengio 2010). */
export function xavierUniform(t: Tensor, gain = 1): Tensor {
  const [fi, fo] = fans(t);
  const a = gain * Math.sqrt(6 / (fi + fo));
  return uniform(t, -a, a);
}
/** N(0, std²), std = gain sqrt(2 / (fanIn + fanOut)). */
export function xavierNormal(t: Tensor, gain = 1): Tensor {
  const [fi, fo] = fans(t);
  return normal(t, 0, gain * Math.sqrt(2 / (fi + fo)));
}

export interface KaimingOptions {
  /** negative slope of the leaky ReLU after this layer (PyTorch's `a`) */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, opts: KaimingOptions): number {
  const [fi, fo] = fans(t);
  const fan = (opts.mode ?? 'fanIn') === 'fanIn' ? fi : fo;
  if (fan === 0) throw new Error(`init: cannot initialize a tensor of shape ${fmt(t.shape)} with fan 0`);
  return calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0) / Math.sqrt(fan);
}
/** U(-b, b), b = gain sqrt(3 / fan)  (He et al. 2015). */
export function kaimingUniform(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const b = Math.sqrt(3) * kaimingStd(t, opts);
  return uniform(t, -b, b);
}
/** N(0, std²), std = gain / sqrt(fan). */
export function kaimingNormal(t: Tensor, opts: KaimingOptions = {}): Tensor {
  return normal(t, 0, kaimingStd(t, opts));
}
