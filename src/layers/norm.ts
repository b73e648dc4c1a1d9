// norm.ts — normalization layers: layerNorm over the trailing normalizedShape dims of each
// sample (the fused normalisation from autograd/ops/norm.ts, the affine part composed), and batchNorm over
// the batch and spatial dims of each channel, composed from mean, var and rsqrt, with running
// statistics for eval.
// Shapes: N = batch, C = channels (features), `*` = spatial dims (L, or H and W).
// Reference: torch.nn.LayerNorm, torch.nn.BatchNorm1d/2d; Ba et al. 2016; Ioffe & Szegedy 2015.

import { Tensor } from '../tensor/tensor.js';
import { ones, zeros } from '../tensor/creation.js';
import { fmt, sameShape } from '../tensor/shape.js';
import type { DType } from '../tensor/dtype.js';
import { noGrad } from '../autograd/engine.js';
import { normalize } from '../autograd/ops/norm.js';
import { Module, Parameter } from './module.js';
import * as init from './init.js';

// ---- layer norm ------------------------------------------------------------------------------

export interface LayerNormFnOptions {
  /** added to the variance before the square root (default 1e-5) */
  eps?: number;
}

/**
 * y = (x - mean) / sqrt(var + eps) * w + b, mean and (biased) var over the last
 * normalizedShape.length dims.
 *
 * Shape: x (*, ...normalizedShape), w and b (...normalizedShape) -> y like x.
 */
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[], w: Tensor | null = null, b: Tensor | null = null, opts: LayerNormFnOptions = {}): Tensor {
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  const k = shape.length;
  if (k === 0 || k > x.ndim || !sameShape(x.shape.slice(x.ndim - k), shape)) {
    throw new Error(`layerNorm: input ${fmt(x.shape)} does not end with normalizedShape ${fmt(shape)}`);
  }
  for (const [name, t] of [['weight', w], ['bias', b]] as const) {
    if (t && !sameShape(t.shape, shape)) throw new Error(`layerNorm: ${name} ${fmt(t.shape)} must have normalizedShape ${fmt(shape)}`);
  }
  let y = normalize(x, k, opts.eps ?? 1e-5); // (*, ...normalizedShape)
  if (w) y = y.mul(w);
  if (b) y = y.add(b);
  return y;
}

export interface LayerNormOptions extends LayerNormFnOptions {
  /** learn a per-element scale `weight` (ones) and shift `bias` (zeros) (default true) */
  elementwiseAffine?: boolean;
  /** with elementwiseAffine, also learn `bias` (default true) */
  bias?: boolean;
  /** dtype of the parameters (default 'float32') */
  dtype?: DType;
}

/**
 * Layer normalization: y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias, the statistics taken
 * per sample over the trailing `normalizedShape` dims (biased variance). Same in train and eval.
 *
 * Shape: input (*, ...normalizedShape) -> same shape.
 *
 * @example
 *   const ln = new LayerNorm(8);
 *   ln.forward(randn([2, 5, 8])).shape; // [2, 5, 8]; each row of 8 has mean 0, variance ~1
 */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (this.normalizedShape.length === 0 || this.normalizedShape.some((s) => !Number.isInteger(s) || s < 0)) {
      throw new Error(`LayerNorm: normalizedShape must be non-negative integers, got ${fmt(this.normalizedShape)}`);
    }
    this.eps = opts.eps ?? 1e-5;
    this.elementwiseAffine = opts.elementwiseAffine ?? true;
    const dtype = opts.dtype ?? 'float32';
    const affine = this.elementwiseAffine;
    this.weight = this.registerParameter('weight', affine ? new Parameter(ones(this.normalizedShape, { dtype })) : null);
    this.bias = this.registerParameter('bias', affine && (opts.bias ?? true) ? new Parameter(zeros(this.normalizedShape, { dtype })) : null);
  }

  /** weight = 1, bias = 0. */
  resetParameters(): void {
    if (this.weight) init.ones(this.weight);
    if (this.bias) init.zeros(this.bias);
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, { eps: this.eps });
  }
}

// ---- batch norm ------------------------------------------------------------------------------

export interface BatchNormFnOptions {
  /** normalize with this batch's statistics and update the running ones (default false) */
  training?: boolean;
  /** weight of the new batch in the running averages (default 0.1) */
  momentum?: number;
  /** added to the variance before the square root (default 1e-5) */
  eps?: number;
}

/**
 * y = (x - mean) / sqrt(var + eps) * w + b per channel, over the batch and spatial dims.
 *
 * training: mean and biased var of this batch; runningMean / runningVar (if given) are updated
 * in place, running = (1 - momentum) running + momentum batch, with the *unbiased* batch var.
 * Otherwise: runningMean and runningVar are used.
 *
 * Shape: x (N, C, *), runningMean, runningVar, w, b (C) -> y like x.
 */
export function batchNorm(
  x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null,
  w: Tensor | null = null, b: Tensor | null = null, opts: BatchNormFnOptions = {},
): Tensor {
  const training = opts.training ?? false, momentum = opts.momentum ?? 0.1, eps = opts.eps ?? 1e-5;
  if (x.ndim < 2) throw new Error(`batchNorm: input must have at least 2 dims (N, C, *), got ${fmt(x.shape)}`);
  const C = x.shape[1];
  const perChannel = [['runningMean', runningMean], ['runningVar', runningVar], ['weight', w], ['bias', b]] as const;
  for (const [name, t] of perChannel) {
    if (t && !sameShape(t.shape, [C])) throw new Error(`batchNorm: ${name} ${fmt(t.shape)} must have shape [${C}] for input ${fmt(x.shape)} with ${C} channels`);
  }
  const dims = x.shape.map((_, d) => d).filter((d) => d !== 1); // N and the spatial dims
  const bshape = x.shape.map((s, d) => (d === 1 ? s : 1)); // (1, C, 1…)
  let mu: Tensor, v: Tensor;
  if (training) {
    const n = x.numel() / C; // values per channel
    if (n === 1) throw new Error(`batchNorm: Expected more than 1 value per channel when training, got input size ${fmt(x.shape)}`);
    mu = x.mean(dims, true); // (1, C, 1…)
    v = x.var(dims, { correction: 0, keepdim: true }); // (1, C, 1…) biased: what we normalize with
    noGrad(() => {
      if (runningMean) runningMean.mul_(1 - momentum).add_(mu.reshape([C]).mul(momentum));
      if (runningVar) runningVar.mul_(1 - momentum).add_(v.reshape([C]).mul((momentum * n) / (n - 1))); // unbiased
    });
  } else {
    if (!runningMean || !runningVar) throw new Error('batchNorm: runningMean and runningVar are required when training is false');
    mu = runningMean.reshape(bshape); // (1, C, 1…)
    v = runningVar.reshape(bshape); // (1, C, 1…)
  }
  let y = x.sub(mu).mul(v.add(eps).rsqrt()); // (N, C, *)
  if (w) y = y.mul(w.reshape(bshape));
  if (b) y = y.add(b.reshape(bshape));
  return y;
}

export interface BatchNormOptions {
  /** added to the variance before the square root (default 1e-5) */
  eps?: number;
  /** weight of each new batch in the running averages (default 0.1); null = cumulative average */
  momentum?: number | null;
  /** learn a per-channel `weight` (ones) and `bias` (zeros) (default true) */
  affine?: boolean;
  /** keep running_mean / running_var for eval (default true); false: batch statistics always */
  trackRunningStats?: boolean;
  /** dtype of the parameters and running statistics (default 'float32') */
  dtype?: DType;
}

/** Shared body of BatchNorm1d and BatchNorm2d; they differ only in the input dims they accept. */
abstract class BatchNormBase extends Module {
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;

  /** kind names the layer ('BatchNorm1d', …) in error messages. */
  constructor(private readonly kind: string, readonly numFeatures: number, opts: BatchNormOptions) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 0) throw new Error(`${kind}: numFeatures must be a non-negative integer, got ${numFeatures}`);
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    this.affine = opts.affine ?? true;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    const dtype = opts.dtype ?? 'float32';
    const C = numFeatures, track = this.trackRunningStats;
    this.weight = this.registerParameter('weight', this.affine ? new Parameter(ones([C], { dtype })) : null);
    this.bias = this.registerParameter('bias', this.affine ? new Parameter(zeros([C], { dtype })) : null);
    this.registerBuffer('running_mean', track ? zeros([C], { dtype }) : null);
    this.registerBuffer('running_var', track ? ones([C], { dtype }) : null);
    this.registerBuffer('num_batches_tracked', track ? zeros([], { dtype: 'int32' }) : null);
  }

  /** Running mean per channel (C), or null without trackRunningStats. */
  get runningMean(): Tensor | null { return this.getBuffer('running_mean'); }
  /** Running unbiased variance per channel (C), or null without trackRunningStats. */
  get runningVar(): Tensor | null { return this.getBuffer('running_var'); }
  /** Training batches seen so far (int32, 0-d), or null without trackRunningStats. */
  get numBatchesTracked(): Tensor | null { return this.getBuffer('num_batches_tracked'); }

  /** running_mean = 0, running_var = 1, num_batches_tracked = 0. */
  resetRunningStats(): void {
    noGrad(() => {
      this.runningMean?.zero_();
      this.runningVar?.fill_(1);
      this.numBatchesTracked?.zero_();
    });
  }
  /** Running stats reset; weight = 1, bias = 0. */
  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight) init.ones(this.weight);
    if (this.bias) init.zeros(this.bias);
  }

  /** Throws unless x has the dims this layer accepts. */
  protected abstract checkInputDim(x: Tensor): void;

  forward(x: Tensor): Tensor {
    this.checkInputDim(x);
    if (x.shape[1] !== this.numFeatures) throw new Error(`${this.kind}: input ${fmt(x.shape)} has ${x.shape[1]} channels, expected numFeatures = ${this.numFeatures}`);
    const nbt = this.numBatchesTracked;
    const updating = this.training && nbt !== null;
    // momentum null: cumulative moving average, the k-th batch weighted 1/k
    const factor = this.momentum ?? (updating ? 1 / (nbt.item() + 1) : 0);
    // eval without running stats falls back to batch statistics, as PyTorch
    const useBatchStats = this.training || this.runningMean === null;
    const y = batchNorm(x, this.runningMean, this.runningVar, this.weight, this.bias, { training: useBatchStats, momentum: factor, eps: this.eps });
    if (updating) noGrad(() => nbt.add_(1));
    return y;
  }
}

/**
 * Batch normalization over a batch of feature vectors or sequences:
 * y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias per channel, statistics over N (and L).
 * Training uses the batch's statistics and updates `running_mean` / `running_var`
 * (running = (1 - momentum) running + momentum batch, unbiased var) and `num_batches_tracked`;
 * eval uses the running statistics.
 *
 * Shape: input (N, C) or (N, C, L) -> same shape.
 *
 * @example
 *   const bn = new BatchNorm1d(3);
 *   bn.forward(randn([16, 3]));        // normalized per feature; running stats updated
 *   bn.eval().forward(randn([1, 3]));  // uses running_mean / running_var
 */
export class BatchNorm1d extends BatchNormBase {
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super('BatchNorm1d', numFeatures, opts);
  }
  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3) throw new Error(`BatchNorm1d: expected 2D (N, C) or 3D (N, C, L) input, got ${x.ndim}D input of shape ${fmt(x.shape)}`);
  }
}

/**
 * Batch normalization over a batch of images:
 * y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias per channel, statistics over N, H and W.
 * Train/eval semantics and buffers as BatchNorm1d.
 *
 * Shape: input (N, C, H, W) -> same shape.
 *
 * @example
 *   const bn = new BatchNorm2d(8);
 *   bn.forward(randn([4, 8, 5, 5])).shape; // [4, 8, 5, 5]
 */
export class BatchNorm2d extends BatchNormBase {
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super('BatchNorm2d', numFeatures, opts);
  }
  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== 4) throw new Error(`BatchNorm2d: expected 4D (N, C, H, W) input, got ${x.ndim}D input of shape ${fmt(x.shape)}`);
  }
}
