// conv.ts — 1-D and 2-D convolution (cross-correlation, as PyTorch): the functional `conv1d` /
// `conv2d` and the `Conv1d` / `Conv2d` modules. A convolution is im2col + one batched matmul:
// unfold every receptive field into a column, then multiply by the weight flattened to rows, one
// matmul per group. Its backward is matmul's and im2col's (col2im), so no conv-specific gradient.
// Shapes: N batch, C / outC channels, G groups, H x W (or L) input, kh x kw kernel, oh x ow output.
// Reference: torch.nn.Conv2d / torch.nn.functional.conv2d (padding='same', groups, default init).

import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { fmt } from '../tensor/shape.js';
import { isFloating, type DType } from '../tensor/dtype.js';
import { im2col, type Window2d } from '../autograd/ops/conv.js';
import { intTuple } from '../check.js';
import { Module, Parameter } from './module.js';
import { fans, kaimingUniform, uniform } from './init.js';

export type Padding = 'same' | 'valid';

export interface Conv2dOptions {
  stride?: number | number[];
  /** zero padding per side, or 'valid' (none) or 'same' (output size = input size, stride 1) */
  padding?: number | number[] | Padding;
  dilation?: number | number[];
  groups?: number;
}
export type Conv1dOptions = Conv2dOptions;

/** Sizes printed the way the user wrote them: "5" for conv1d, "5x5" for conv2d. */
const dims = (op: string, hw: number[]): string => (op === 'conv1d' ? String(hw[1]) : `${hw[0]}x${hw[1]}`);

/** The shared 2-D convolution on (N, C, H, W); conv1d calls it with H = 1 and kh = 1. */
function convNd(op: 'conv1d' | 'conv2d', x: Tensor, w: Tensor, b: Tensor | null, opts: Conv2dOptions): Tensor {
  const nsp = op === 'conv1d' ? 1 : 2; // spatial dims the user sees
  const lift = (v: number[], h: number): number[] => (nsp === 1 ? [h, v[0]] : v); // conv1d: H-dim value h
  const stride = lift(intTuple(op, 'stride', opts.stride ?? 1, nsp, 1), 1);
  const dilation = lift(intTuple(op, 'dilation', opts.dilation ?? 1, nsp, 1), 1);
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`${op}: groups must be a positive integer, got ${groups}`);

  const [N, C, H, W] = x.shape;
  const [outC, cg, kh, kw] = w.shape;
  if (C % groups !== 0) throw new Error(`${op}: input channels ${C} are not divisible by groups ${groups}`);
  if (outC % groups !== 0) throw new Error(`${op}: out channels ${outC} (weight ${fmt(w.shape)}) are not divisible by groups ${groups}`);
  if (C !== cg * groups) {
    throw new Error(`${op}: input has ${C} channels, weight expects ${cg * groups}${groups > 1 ? ` (${cg} per group x ${groups} groups)` : ''}`);
  }
  if (b && (b.ndim !== 1 || b.shape[0] !== outC)) throw new Error(`${op}: bias ${fmt(b.shape)} must have shape [${outC}] to match weight ${fmt(w.shape)}`);

  // padding: top/left per dim, and the output size it gives
  const span = [dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1]; // dilated kernel extent
  const size = [H, W];
  let padLo: number[], padTotal: number[];
  const padding = opts.padding ?? 0;
  if (padding === 'valid') {
    padLo = [0, 0]; padTotal = [0, 0];
  } else if (padding === 'same') {
    if (stride.some((s) => s !== 1)) throw new Error(`${op}: padding='same' is not supported for strided convolutions (stride ${fmt(stride.slice(2 - nsp))})`);
    padTotal = span.map((s) => s - 1); // PyTorch: left floor(total/2), the odd one on the right
    padLo = padTotal.map((t) => Math.floor(t / 2));
  } else {
    if (typeof padding === 'string') throw new Error(`${op}: padding must be 'same', 'valid' or integers, got '${padding}'`);
    padLo = lift(intTuple(op, 'padding', padding, nsp, 0), 0);
    padTotal = padLo.map((p) => 2 * p);
  }
  const padded = size.map((s, d) => s + padTotal[d]);
  if (padded.some((p, d) => p < span[d])) {
    throw new Error(`${op}: kernel ${dims(op, [kh, kw])}${dilation.some((d) => d > 1) ? ` (dilated ${dims(op, span)})` : ''} is larger than the padded input ${dims(op, padded)}`);
  }
  const [oh, ow] = padded.map((p, d) => Math.floor((p - span[d]) / stride[d]) + 1);
  const g: Window2d = { n: N, c: C, h: H, w: W, kh, kw, sh: stride[0], sw: stride[1], ph: padLo[0], pw: padLo[1], dh: dilation[0], dw: dilation[1], oh, ow };

  const K = cg * kh * kw, L = oh * ow;
  const cols = im2col(x, g).reshape([N, groups, K, L]); // (N, C*kh*kw, L) -> (N, G, C/G*kh*kw, L)
  const wg = w.reshape([groups, outC / groups, K]); // (outC, C/G, kh, kw) -> (G, outC/G, C/G*kh*kw)
  let y = wg.matmul(cols).reshape([N, outC, oh, ow]); // (N, G, outC/G, L) -> (N, outC, oh, ow)
  if (b) y = y.add(b.reshape([outC, 1, 1])); // bias per channel, broadcast over (oh, ow)
  return y;
}

function checkTensors(op: string, x: Tensor, w: Tensor, b: Tensor | null, nsp: number): void {
  const layout = nsp === 1 ? '(outC, inC/groups, k)' : '(outC, inC/groups, kH, kW)';
  if (!(x instanceof Tensor) || !(w instanceof Tensor)) throw new Error(`${op}: input and weight must be Tensors`);
  if (x.ndim !== nsp + 1 && x.ndim !== nsp + 2) {
    throw new Error(`${op}: expected a ${nsp + 1}-D (unbatched) or ${nsp + 2}-D (batched) input, got shape ${fmt(x.shape)}`);
  }
  if (w.ndim !== nsp + 2) throw new Error(`${op}: weight must be ${nsp + 2}-D ${layout}, got shape ${fmt(w.shape)}`);
  if (!isFloating(x.dtype)) throw new Error(`${op}: input must be float32 or float64, got ${x.dtype}`);
  if (w.dtype !== x.dtype) throw new Error(`${op}: input dtype ${x.dtype} and weight dtype ${w.dtype} differ`);
  if (b && !(b instanceof Tensor)) throw new Error(`${op}: bias must be a Tensor or null`);
  if (b && b.dtype !== x.dtype) throw new Error(`${op}: input dtype ${x.dtype} and bias dtype ${b.dtype} differ`);
  for (const [name, t] of [['weight', w], ['bias', b]] as const) {
    if (t && t.backend !== x.backend) throw new Error(`${op}: input is on backend '${x.backend}' but ${name} is on '${t.backend}'; move one with .toBackend()`);
  }
}

/**
 * 2-D convolution (cross-correlation) over NCHW input:
 * y[n, o, i, j] = b[o] + sum over c in o's group, p < kh, q < kw of
 *                 w[o, c, p, q] x[n, c, i*sh - ph + p*dh, j*sw - pw + q*dw]   (zero padding).
 *
 * Shape: x (N, C, H, W) or unbatched (C, H, W); w (outC, C/groups, kh, kw); b (outC)
 * -> y (N, outC, oh, ow), oh = floor((H + 2 ph - dh (kh - 1) - 1) / sh) + 1 (same for ow).
 *
 * @example
 *   conv2d(randn([1, 3, 8, 8]), randn([4, 3, 3, 3]), null, { padding: 1 }).shape; // [1, 4, 8, 8]
 */
export function conv2d(x: Tensor, w: Tensor, b: Tensor | null = null, opts: Conv2dOptions = {}): Tensor {
  checkTensors('conv2d', x, w, b, 2);
  if (x.ndim === 3) return convNd('conv2d', x.unsqueeze(0), w, b, opts).squeeze(0); // (C,H,W) as a batch of 1
  return convNd('conv2d', x, w, b, opts);
}

/**
 * 1-D convolution over (N, C, L): conv2d on (N, C, 1, L) with a (outC, C/groups, 1, k) kernel.
 *
 * Shape: x (N, C, L) or unbatched (C, L); w (outC, C/groups, k); b (outC)
 * -> y (N, outC, oL), oL = floor((L + 2 p - d (k - 1) - 1) / s) + 1.
 *
 * @example
 *   conv1d(randn([2, 3, 10]), randn([5, 3, 3])).shape; // [2, 5, 8]
 */
export function conv1d(x: Tensor, w: Tensor, b: Tensor | null = null, opts: Conv1dOptions = {}): Tensor {
  checkTensors('conv1d', x, w, b, 1);
  const xb = x.ndim === 2 ? x.unsqueeze(0) : x; // (C, L) -> (1, C, L)
  const y = convNd('conv1d', xb.unsqueeze(2), w.unsqueeze(2), b, opts).squeeze(2); // (N, C, 1, L) -> (N, outC, oL)
  return x.ndim === 2 ? y.squeeze(0) : y;
}

export interface ConvModuleOptions extends Conv2dOptions {
  /** learn an additive bias per output channel (default true) */
  bias?: boolean;
  /** dtype of the parameters (default 'float32'; 'float64' for gradcheck) */
  dtype?: DType;
}

/** Shared state of Conv1d / Conv2d: PyTorch's _ConvNd (weight (outC, inC/groups, *kernel), bias (outC)). */
abstract class ConvNd extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[] | Padding;
  readonly dilation: number[];
  readonly groups: number;

  constructor(op: string, nsp: number, readonly inChannels: number, readonly outChannels: number, kernelSize: number | number[], opts: ConvModuleOptions) {
    super();
    for (const [name, n] of [['inChannels', inChannels], ['outChannels', outChannels]] as const) {
      if (!Number.isInteger(n) || n < 1) throw new Error(`${op}: ${name} must be a positive integer, got ${n}`);
    }
    this.kernelSize = intTuple(op, 'kernelSize', kernelSize, nsp, 1);
    this.stride = intTuple(op, 'stride', opts.stride ?? 1, nsp, 1);
    this.dilation = intTuple(op, 'dilation', opts.dilation ?? 1, nsp, 1);
    const padding = opts.padding ?? 0;
    if (padding === 'same' || padding === 'valid') {
      if (padding === 'same' && this.stride.some((s) => s !== 1)) throw new Error(`${op}: padding='same' is not supported for strided convolutions (stride ${fmt(this.stride)})`);
      this.padding = padding;
    } else {
      if (typeof padding === 'string') throw new Error(`${op}: padding must be 'same', 'valid' or integers, got '${padding}'`);
      this.padding = intTuple(op, 'padding', padding, nsp, 0);
    }
    this.groups = opts.groups ?? 1;
    if (!Number.isInteger(this.groups) || this.groups < 1) throw new Error(`${op}: groups must be a positive integer, got ${this.groups}`);
    if (inChannels % this.groups !== 0) throw new Error(`${op}: inChannels ${inChannels} must be divisible by groups ${this.groups}`);
    if (outChannels % this.groups !== 0) throw new Error(`${op}: outChannels ${outChannels} must be divisible by groups ${this.groups}`);
    const dtype = opts.dtype ?? 'float32';
    const wShape = [outChannels, inChannels / this.groups, ...this.kernelSize];
    this.weight = this.registerParameter('weight', new Parameter(zeros(wShape, { dtype })));
    this.bias = this.registerParameter('bias', opts.bias ?? true ? new Parameter(zeros([outChannels], { dtype })) : null);
    this.resetParameters();
  }

  /** weight ~ kaiming-uniform(a = sqrt 5) = U(±1/sqrt(fanIn)); bias ~ U(±1/sqrt(fanIn)); fanIn = inC/groups * prod(kernel). */
  resetParameters(): void {
    kaimingUniform(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const bound = 1 / Math.sqrt(fans(this.weight)[0]);
      uniform(this.bias, -bound, bound);
    }
  }

  protected options(): Conv2dOptions {
    return { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups };
  }
}

/**
 * 2-D convolution layer: y = conv2d(x, weight, bias, {stride, padding, dilation, groups}).
 *
 * Parameters: `weight` (outC, inC/groups, kH, kW), `bias` (outC), both U(±1/sqrt(fanIn)) with
 * fanIn = inC/groups * kH * kW, as PyTorch.
 *
 * Shape: (N, inC, H, W) or (inC, H, W) -> (N, outC, oh, ow) or (outC, oh, ow).
 *
 * @example
 *   const conv = new Conv2d(1, 16, 5, { padding: 2 });
 *   conv.forward(randn([64, 1, 28, 28])).shape; // [64, 16, 28, 28]
 */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], opts: ConvModuleOptions = {}) {
    super('Conv2d', 2, inChannels, outChannels, kernelSize, opts);
  }
  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, this.options());
  }
}

/**
 * 1-D convolution layer: y = conv1d(x, weight, bias, {stride, padding, dilation, groups}).
 *
 * Parameters: `weight` (outC, inC/groups, k), `bias` (outC), both U(±1/sqrt(fanIn)) with
 * fanIn = inC/groups * k, as PyTorch.
 *
 * Shape: (N, inC, L) or (inC, L) -> (N, outC, oL) or (outC, oL).
 *
 * @example
 *   const conv = new Conv1d(8, 4, 3, { padding: 'same' });
 *   conv.forward(randn([2, 8, 50])).shape; // [2, 4, 50]
 */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], opts: ConvModuleOptions = {}) {
    super('Conv1d', 1, inChannels, outChannels, kernelSize, opts);
  }
  forward(x: Tensor): Tensor {
    return conv1d(x, this.weight, this.bias, this.options());
  }
}
