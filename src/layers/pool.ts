// pool.ts — max and average pooling over 1-D (N, C, L) and 2-D (N, C, H, W) inputs: the
// functional forms and the MaxPool1d / MaxPool2d / AvgPool1d / AvgPool2d modules. The 1-D forms
// are the 2-D kernels with H = 1. Output size, ceil mode and the padding limit follow PyTorch:
//   out = floor-or-ceil((size + 2 pad - dilation (k - 1) - 1) / stride) + 1, and in ceil mode the
//   last window must start inside the input or its left padding; pad <= k / 2.
// Shapes: N batch, C channels, H x W (or L) input, kh x kw window, oh x ow output.
// Reference: torch.nn.MaxPool2d / AvgPool2d; ATen Pool.h (pooling_output_shape, pool2d_shape_check).

import type { Tensor } from '../tensor/tensor.js';
import { fmt } from '../tensor/shape.js';
import { isFloating } from '../tensor/dtype.js';
import { avgPool2d as avgPoolOp, maxPool2dWithIndices, type Window2d } from '../autograd/ops/conv.js';
import { intTuple } from '../check.js';
import { Module } from './module.js';

type Size = number | number[];

export interface MaxPoolOptions {
  /** window step (default: kernelSize) */
  stride?: Size | null;
  /** implicit -inf padding per side, at most half the kernel (default 0) */
  padding?: Size;
  dilation?: Size;
  /** ceil instead of floor in the output size (default false) */
  ceilMode?: boolean;
}

export interface AvgPoolOptions {
  /** window step (default: kernelSize) */
  stride?: Size | null;
  /** implicit zero padding per side, at most half the kernel (default 0) */
  padding?: Size;
  ceilMode?: boolean;
  /** divide by the padded window size (true, default) or by the count of real elements */
  countIncludePad?: boolean;
  /** if set, divide every window's sum by this instead */
  divisorOverride?: number | null;
}

/** PyTorch's pooling_output_shape for one dim. */
function outSize(size: number, k: number, pad: number, s: number, d: number, ceil: boolean): number {
  let out = Math.floor((size + 2 * pad - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= size + pad) out--; // the last window must start inside the input or left padding
  return out;
}

interface PoolArgs { kernelSize: Size; stride?: Size | null; padding?: Size; dilation?: Size; ceilMode?: boolean }

/**
 * Checks a pooling call and returns its window geometry over the (N, C, H, W) view of x
 * (for 1-D ops, H = 1 and every H-dim setting is the identity one).
 */
function poolWindow(op: string, nsp: number, x: Tensor, a: PoolArgs): Window2d {
  if (x.ndim !== nsp + 2) throw new Error(`${op}: internal: expected a ${nsp + 2}-D input, got ${fmt(x.shape)}`);
  const lift = (v: number[], h: number): number[] => (nsp === 1 ? [h, v[0]] : v);
  const show = (v: number[]): string => (nsp === 1 ? String(v[1]) : v.join('x')); // a size: 5 or 5x5
  const param = (v: number[]): string => (nsp === 1 ? String(v[1]) : `(${v.join(', ')})`); // padding (1, 1)
  const k = lift(intTuple(op, 'kernelSize', a.kernelSize, nsp, 1), 1);
  const s = a.stride === undefined || a.stride === null ? k : lift(intTuple(op, 'stride', a.stride, nsp, 1), 1);
  const p = lift(intTuple(op, 'padding', a.padding ?? 0, nsp, 0), 0);
  const d = lift(intTuple(op, 'dilation', a.dilation ?? 1, nsp, 1), 1);
  if (p.some((pi, i) => pi > Math.floor(k[i] / 2))) {
    throw new Error(`${op}: padding ${param(p)} must be at most half of the kernel size ${show(k)}`);
  }
  const [N, C, H, W] = nsp === 1 ? [x.shape[0], x.shape[1], 1, x.shape[2]] : x.shape;
  const ceil = a.ceilMode ?? false;
  const [oh, ow] = [outSize(H, k[0], p[0], s[0], d[0], ceil), outSize(W, k[1], p[1], s[1], d[1], ceil)];
  if (oh < 1 || ow < 1) {
    const extra = `padding ${param(p)}${d.some((v) => v > 1) ? `, dilation ${param(d)}` : ''}`;
    throw new Error(`${op}: input ${show([H, W])} is too small for kernel ${show(k)} (${extra}): output size would be ${show([oh, ow])}`);
  }
  return { n: N, c: C, h: H, w: W, kh: k[0], kw: k[1], sh: s[0], sw: s[1], ph: p[0], pw: p[1], dh: d[0], dw: d[1], oh, ow };
}

/** Runs a pooling `body` on the batched (N, C, H, W) view of x, restoring x's layout afterwards. */
function pooled(op: string, nsp: number, x: Tensor, body: (x4: Tensor, xb: Tensor) => Tensor): Tensor {
  if (x.ndim !== nsp + 1 && x.ndim !== nsp + 2) {
    throw new Error(`${op}: expected a ${nsp + 1}-D (unbatched) or ${nsp + 2}-D (batched) input, got shape ${fmt(x.shape)}`);
  }
  if (!isFloating(x.dtype)) throw new Error(`${op}: input must be float32 or float64, got ${x.dtype}`);
  const xb = x.ndim === nsp + 1 ? x.unsqueeze(0) : x; // unbatched: a batch of one
  const x4 = nsp === 1 ? xb.unsqueeze(2) : xb; // (N, C, L) -> (N, C, 1, L)
  let y = body(x4, xb);
  if (nsp === 1) y = y.squeeze(2); // (N, C, 1, oL) -> (N, C, oL)
  return x.ndim === nsp + 1 ? y.squeeze(0) : y;
}

function maxPool(op: string, nsp: number, x: Tensor, kernelSize: Size, opts: MaxPoolOptions): Tensor {
  return pooled(op, nsp, x, (x4, xb) => maxPool2dWithIndices(x4, poolWindow(op, nsp, xb, { kernelSize, ...opts })).values);
}

function avgPool(op: string, nsp: number, x: Tensor, kernelSize: Size, opts: AvgPoolOptions): Tensor {
  const div = opts.divisorOverride ?? 0;
  if (opts.divisorOverride !== undefined && opts.divisorOverride !== null && (!Number.isInteger(div) || div <= 0)) {
    throw new Error(`${op}: divisorOverride must be a positive integer, got ${div}`);
  }
  const mode = { countIncludePad: opts.countIncludePad ?? true, divisorOverride: div };
  const args = { kernelSize, stride: opts.stride, padding: opts.padding, ceilMode: opts.ceilMode };
  return pooled(op, nsp, x, (x4, xb) => avgPoolOp(x4, poolWindow(op, nsp, xb, args), mode));
}

/**
 * 2-D max pooling: y[n, c, i, j] = max over p < kh, q < kw of x[n, c, i*sh - ph + p*dh, j*sw - pw + q*dw]
 * (padding is -inf). The gradient flows to each window's first maximum.
 *
 * Shape: (N, C, H, W) or (C, H, W) -> (N, C, oh, ow) or (C, oh, ow).
 *
 * @example
 *   maxPool2d(randn([1, 16, 28, 28]), 2).shape; // [1, 16, 14, 14]
 */
export function maxPool2d(x: Tensor, kernelSize: Size, opts: MaxPoolOptions = {}): Tensor {
  return maxPool('maxPool2d', 2, x, kernelSize, opts);
}

/** 1-D max pooling over (N, C, L) or (C, L): maxPool2d with H = 1. */
export function maxPool1d(x: Tensor, kernelSize: Size, opts: MaxPoolOptions = {}): Tensor {
  return maxPool('maxPool1d', 1, x, kernelSize, opts);
}

/**
 * 2-D average pooling: y[n, c, i, j] = (sum of x over the window's real elements) / divisor, where
 * the divisor is the window size clipped to the padded input (countIncludePad, default), the
 * number of real elements (countIncludePad false), or divisorOverride.
 *
 * Shape: (N, C, H, W) or (C, H, W) -> (N, C, oh, ow) or (C, oh, ow).
 *
 * @example
 *   avgPool2d(randn([1, 3, 8, 8]), 2).shape; // [1, 3, 4, 4]
 */
export function avgPool2d(x: Tensor, kernelSize: Size, opts: AvgPoolOptions = {}): Tensor {
  return avgPool('avgPool2d', 2, x, kernelSize, opts);
}

/** 1-D average pooling over (N, C, L) or (C, L): avgPool2d with H = 1. */
export function avgPool1d(x: Tensor, kernelSize: Size, opts: Omit<AvgPoolOptions, 'divisorOverride'> = {}): Tensor {
  return avgPool('avgPool1d', 1, x, kernelSize, opts);
}

/**
 * Max pooling layer over (N, C, H, W): y = maxPool2d(x, kernelSize, {stride, padding, dilation, ceilMode}).
 *
 * Shape: (N, C, H, W) or (C, H, W) -> (N, C, oh, ow) or (C, oh, ow); no parameters.
 *
 * @example
 *   new MaxPool2d(2).forward(randn([8, 16, 28, 28])).shape; // [8, 16, 14, 14]
 */
export class MaxPool2d extends Module {
  constructor(readonly kernelSize: Size, readonly opts: MaxPoolOptions = {}) {
    super();
    intTuple('MaxPool2d', 'kernelSize', kernelSize, 2, 1);
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.opts);
  }
}

/**
 * Max pooling layer over (N, C, L): y = maxPool1d(x, kernelSize, {stride, padding, dilation, ceilMode}).
 *
 * Shape: (N, C, L) or (C, L) -> (N, C, oL) or (C, oL); no parameters.
 *
 * @example
 *   new MaxPool1d(3, { stride: 2 }).forward(randn([2, 4, 9])).shape; // [2, 4, 4]
 */
export class MaxPool1d extends Module {
  constructor(readonly kernelSize: Size, readonly opts: MaxPoolOptions = {}) {
    super();
    intTuple('MaxPool1d', 'kernelSize', kernelSize, 1, 1);
  }
  forward(x: Tensor): Tensor {
    return maxPool1d(x, this.kernelSize, this.opts);
  }
}

/**
 * Average pooling layer over (N, C, H, W): y = avgPool2d(x, kernelSize, {stride, padding,
 * ceilMode, countIncludePad, divisorOverride}).
 *
 * Shape: (N, C, H, W) or (C, H, W) -> (N, C, oh, ow) or (C, oh, ow); no parameters.
 *
 * @example
 *   new AvgPool2d(2).forward(randn([1, 3, 8, 8])).shape; // [1, 3, 4, 4]
 */
export class AvgPool2d extends Module {
  constructor(readonly kernelSize: Size, readonly opts: AvgPoolOptions = {}) {
    super();
    intTuple('AvgPool2d', 'kernelSize', kernelSize, 2, 1);
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.opts);
  }
}

/**
 * Average pooling layer over (N, C, L): y = avgPool1d(x, kernelSize, {stride, padding, ceilMode,
 * countIncludePad}).
 *
 * Shape: (N, C, L) or (C, L) -> (N, C, oL) or (C, oL); no parameters.
 *
 * @example
 *   new AvgPool1d(2).forward(randn([1, 3, 8])).shape; // [1, 3, 4]
 */
export class AvgPool1d extends Module {
  constructor(readonly kernelSize: Size, readonly opts: Omit<AvgPoolOptions, 'divisorOverride'> = {}) {
    super();
    intTuple('AvgPool1d', 'kernelSize', kernelSize, 1, 1);
  }
  forward(x: Tensor): Tensor {
    return avgPool1d(x, this.kernelSize, this.opts);
  }
}
