// loss.ts — loss functions and their Module forms: crossEntropy / nllLoss on class indices (or,
// for crossEntropy, class probabilities), mseLoss, l1Loss, binaryCrossEntropyWithLogits and
// binaryCrossEntropy. All are composed from primitives (logSoftmax, gather, where, sum); only
// binaryCrossEntropy records its own backward, to give PyTorch's gradient at the log clamp.
// Shapes: N batch, C classes, d1…dk extra dims (e.g. H, W of a segmentation map).
// Reference: torch.nn.functional losses; ATen LossNLL.cpp (cross_entropy_loss_label_smoothing,
// cross_entropy_loss_prob_target) and Loss.cpp (binary_cross_entropy[_with_logits]).

import { Tensor } from '../tensor/tensor.js';
import { isFloating, promoteTypes, type DType } from '../tensor/dtype.js';
import { fmt, sameShape } from '../tensor/shape.js';
import { where } from '../tensor/functions.js';
import { noGrad, record } from '../autograd/engine.js';
import { Module } from './module.js';

export type Reduction = 'none' | 'mean' | 'sum';

export interface ReductionOptions {
  reduction?: Reduction;
}
export interface NLLLossOptions extends ReductionOptions {
  /** One rescaling weight per class, shape (C). */
  weight?: Tensor | null;
  /** Targets equal to this are skipped: loss 0, left out of the 'mean' denominator. */
  ignoreIndex?: number;
}
export interface CrossEntropyOptions extends NLLLossOptions {
  /** ε in [0, 1]: the target becomes (1 - ε)·onehot + ε/C. */
  labelSmoothing?: number;
}
export interface BCELossOptions extends ReductionOptions {
  /** Rescaling weight broadcast to the input's shape. */
  weight?: Tensor | null;
}
export interface BCEWithLogitsLossOptions extends BCELossOptions {
  /** Weight of the positive term, broadcast to the input's shape (usually one per class, (C)). */
  posWeight?: Tensor | null;
}

// ---- argument checks -------------------------------------------------------------------------

const NLL_KEYS = ['weight', 'ignoreIndex', 'reduction'];
const CE_KEYS = [...NLL_KEYS, 'labelSmoothing'];
const BCE_KEYS = ['weight', 'reduction'];
const BCE_LOGITS_KEYS = [...BCE_KEYS, 'posWeight'];

/**
 * The functional forms take their weight either positionally, as PyTorch (`f(x, t, w, opts)`),
 * or in the options (`f(x, t, {weight})`); this merges the two and rejects unknown keys.
 */
function readOptions<O extends object>(op: string, keys: string[], weightOrOpts: Tensor | null | O | undefined, opts: O | undefined): O {
  let o: Record<string, unknown>;
  if (weightOrOpts instanceof Tensor || weightOrOpts === null) {
    if (opts && (opts as { weight?: unknown }).weight != null) throw new Error(`${op}: weight given twice (positionally and in the options)`);
    o = { ...opts, weight: weightOrOpts };
  } else {
    if (weightOrOpts !== undefined && opts !== undefined) throw new Error(`${op}: expected (input, target, weight?, options?), got two options objects`);
    o = { ...(weightOrOpts ?? opts) };
  }
  checkKeys(op, keys, o);
  return o as O;
}

function checkKeys(op: string, keys: string[], o: object): void {
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) throw new Error(`${op}: unknown option '${k}' (expected ${keys.join(', ')})`);
  }
}

function checkReduction(op: string, r: unknown = 'mean'): Reduction {
  if (r === 'none' || r === 'mean' || r === 'sum') return r;
  throw new Error(`${op}: reduction must be 'none', 'mean' or 'sum', got '${String(r)}'`);
}

function checkIgnoreIndex(op: string, i: unknown = -100): number {
  if (typeof i !== 'number' || !Number.isInteger(i)) throw new Error(`${op}: ignoreIndex must be an integer, got ${String(i)}`);
  return i;
}

function checkLabelSmoothing(op: string, e: unknown = 0): number {
  if (typeof e !== 'number' || !(e >= 0 && e <= 1)) throw new Error(`${op}: labelSmoothing must be between 0.0 and 1.0, got ${String(e)}`);
  return e;
}

function checkFloat(op: string, name: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: ${name} must be a Tensor, got ${x === null ? 'null' : typeof x}`);
  if (!isFloating(x.dtype)) throw new Error(`${op}: ${name} must be a floating point tensor, got ${x.dtype} (shape ${fmt(x.shape)})`);
}

function checkOptionalWeight(op: string, name: string, w: unknown): Tensor | null {
  if (w === undefined || w === null) return null;
  checkFloat(op, name, w);
  return w;
}

/** NumPy broadcasting of `from` into `to` without growing `to`. */
function broadcastsTo(from: readonly number[], to: readonly number[]): boolean {
  const lead = to.length - from.length;
  return lead >= 0 && from.every((s, i) => s === 1 || s === to[lead + i]);
}

/**
 * Elementwise losses take input and target of one shape (PyTorch's mse_loss/l1_loss would warn and
 * broadcast; a mismatch is almost always a bug, so here it throws). An int/bool target is cast.
 */
function checkPair(op: string, input: unknown, target: unknown): [Tensor, Tensor] {
  checkFloat(op, 'input', input);
  if (!(target instanceof Tensor)) throw new Error(`${op}: target must be a Tensor, got ${target === null ? 'null' : typeof target}`);
  if (!sameShape(input.shape, target.shape)) {
    throw new Error(`${op}: target shape ${fmt(target.shape)} must be the same as input shape ${fmt(input.shape)}`);
  }
  const dtype = isFloating(target.dtype) ? promoteTypes(input.dtype, target.dtype) : input.dtype;
  return [input.to(dtype), target.to(dtype)];
}

// ---- reductions ------------------------------------------------------------------------------

/** 'none': as is; 'sum': Σ ℓ; 'mean': Σ ℓ / n, and 0 (PyTorch: NaN) for an empty input. */
function reduceLoss(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return loss.sum();
  return loss.sum().div(Math.max(loss.numel(), 1));
}

/**
 * Σ ℓ_i / Σ w[y_i] over non-ignored i (PyTorch's nll_loss 'mean'). When that total weight is 0
 * (every target ignored, or an empty batch) PyTorch returns NaN; here the loss is 0, as is its
 * gradient, so a batch of padding alone does not poison training.
 */
function weightedMean(loss: Tensor, wy: Tensor): Tensor {
  const total = wy.sum();
  return loss.sum().div(where(total.eq(0), 1, total));
}

// ---- class-index losses: nllLoss, crossEntropy ---------------------------------------------------

/** The class dimension: 0 for an unbatched (C) input, else 1, as in (N, C, d1, …). */
function classDimOf(input: Tensor): number {
  return input.ndim === 1 ? 0 : 1;
}

function checkClassInput(op: string, input: unknown): asserts input is Tensor {
  checkFloat(op, 'input', input);
  if (input.ndim === 0) throw new Error(`${op}: input must be (C), (N, C) or (N, C, d1, …), got shape []`);
}

/** `weight` as one value per class (C), in the input's dtype. */
function classWeight(op: string, weight: unknown, C: number, dtype: DType): Tensor | null {
  const w = checkOptionalWeight(op, 'weight', weight);
  if (!w) return null;
  if (w.ndim !== 1 || w.shape[0] !== C) throw new Error(`${op}: weight should hold one value per class, shape [${C}], got shape ${fmt(w.shape)}`);
  return w.to(dtype);
}

/** w (C) reshaped to broadcast along the class dim of an `ndim`-dim input: (1, C, 1, …). */
function alongClassDim(w: Tensor, ndim: number, classDim: number): Tensor {
  return w.reshape(Array.from({ length: ndim }, (_, d) => (d === classDim ? w.shape[0] : 1)));
}

/** int32 targets of the input's shape without C, each in [0, C) or equal to ignoreIndex. */
function checkClassTarget(op: string, input: Tensor, target: Tensor, ignoreIndex: number): void {
  const cd = classDimOf(input), C = input.shape[cd];
  const expected = input.shape.filter((_, d) => d !== cd);
  if (target.dtype !== 'int32') {
    throw new Error(`${op}: class-index target must have dtype int32, got ${target.dtype} (target ${fmt(target.shape)}, input ${fmt(input.shape)})`);
  }
  if (!sameShape(target.shape, expected)) {
    throw new Error(`${op}: target shape ${fmt(target.shape)} does not match input shape ${fmt(input.shape)} (expected target ${fmt(expected)})`);
  }
  for (const y of target.dataSync()) {
    if (y !== ignoreIndex && (y < 0 || y >= C)) throw new Error(`${op}: target ${y} is out of bounds for ${C} classes`);
  }
}

/**
 * Per-element terms of the negative log-likelihood, all of the target's shape:
 *   nll_i = -w[y_i] · logp[i, y_i]      wy_i = w[y_i]      (both 0 where y_i = ignoreIndex)
 */
function nllTerms(logp: Tensor, target: Tensor, w: Tensor | null, ignoreIndex: number): { nll: Tensor; wy: Tensor; ignored: Tensor } {
  const cd = classDimOf(logp);
  const ignored = target.eq(ignoreIndex);
  const safe = where(ignored, 0, target); // ignored positions read class 0, then are masked out
  const logpY = logp.gather(cd, safe.unsqueeze(cd)).squeeze(cd); // (N, 1, d…) -> (N, d…)
  const wy = w ? where(ignored, 0, w.gather(0, safe.reshape(-1)).reshape(target.shape)) : ignored.logicalNot().to(logp.dtype);
  const nll = where(ignored, 0, logpY).mul(wy).neg();
  return { nll, wy, ignored };
}

/**
 * Negative log-likelihood of class indices: ℓ_i = -w[y_i] · logp[i, y_i], ℓ_i = 0 where
 * y_i = ignoreIndex. 'mean' = Σ ℓ_i / Σ w[y_i] over non-ignored i (0 if that sum is 0; PyTorch
 * gives NaN). The input holds log-probabilities (e.g. from logSoftmax).
 *
 * Shape: input (C), (N, C) or (N, C, d1, …); target int32 (), (N) or (N, d1, …);
 * output with 'none' the target's shape, else a scalar.
 *
 *   nllLoss(logits.logSoftmax(1), tensor([2, 0], { dtype: 'int32' }))
 */
export function nllLoss(input: Tensor, target: Tensor, weightOrOpts?: Tensor | null | NLLLossOptions, opts?: NLLLossOptions): Tensor {
  const op = 'nllLoss';
  const o = readOptions(op, NLL_KEYS, weightOrOpts, opts);
  const reduction = checkReduction(op, o.reduction);
  const ignoreIndex = checkIgnoreIndex(op, o.ignoreIndex);
  checkClassInput(op, input);
  if (!(target instanceof Tensor)) throw new Error(`${op}: target must be an int32 Tensor`);
  checkClassTarget(op, input, target, ignoreIndex);
  const w = classWeight(op, o.weight, input.shape[classDimOf(input)], input.dtype);
  const { nll, wy } = nllTerms(input, target, w, ignoreIndex);
  return reduction === 'mean' ? weightedMean(nll, wy) : reduceLoss(nll, reduction);
}

/**
 * Cross-entropy of logits x, computed as nllLoss(logSoftmax(x)) with logp = x - logsumexp(x)
 * (stable for any finite logits).
 *
 * Class-index targets (int32), with label smoothing ε (PyTorch's cross_entropy_loss_label_smoothing):
 *   ℓ_i = (1 - ε) · (-w[y_i] logp[i, y_i]) + (ε / C) · (-Σ_c w_c logp[i, c]),   0 where y_i = ignoreIndex
 *   'mean' = Σ ℓ_i / Σ w[y_i] over non-ignored i — both terms share nll's denominator
 *   (0 when that sum is 0, e.g. every target ignored; PyTorch gives NaN).
 * Class-probability targets p (float, the input's shape; PyTorch's cross_entropy_loss_prob_target):
 *   p' = (1 - ε) p + ε / C,   ℓ_i = -Σ_c w_c p'[i, c] logp[i, c],   'mean' = Σ ℓ_i / (N·d1·…)
 *   (the class weights do not enter this denominator; ignoreIndex must stay negative).
 *
 * Shape: input (C), (N, C) or (N, C, d1, …); target int32 (), (N) or (N, d1, …), or float of
 * the input's shape; output with 'none' the input's shape without C, else a scalar.
 *
 *   crossEntropy(tensor([[2, 0.5, -1]]), tensor([0], { dtype: 'int32' }), { labelSmoothing: 0.1 })
 */
export function crossEntropy(input: Tensor, target: Tensor, weightOrOpts?: Tensor | null | CrossEntropyOptions, opts?: CrossEntropyOptions): Tensor {
  const op = 'crossEntropy';
  const o = readOptions(op, CE_KEYS, weightOrOpts, opts);
  const reduction = checkReduction(op, o.reduction);
  const ignoreIndex = checkIgnoreIndex(op, o.ignoreIndex);
  const eps = checkLabelSmoothing(op, o.labelSmoothing);
  checkClassInput(op, input);
  if (!(target instanceof Tensor)) throw new Error(`${op}: target must be a Tensor (int32 class indices or float class probabilities)`);
  const cd = classDimOf(input), C = input.shape[cd];
  const w = classWeight(op, o.weight, C, input.dtype);

  if (sameShape(target.shape, input.shape)) {
    if (!isFloating(target.dtype)) {
      throw new Error(`${op}: a target of the input's shape ${fmt(input.shape)} holds class probabilities and must be floating point, got ${target.dtype}`);
    }
    if (ignoreIndex >= 0) throw new Error(`${op}: ignoreIndex (${ignoreIndex}) is not supported for class-probability targets`);
    return probabilityTargetLoss(input.logSoftmax(cd), target, w, eps, reduction);
  }
  if (isFloating(target.dtype)) {
    throw new Error(`${op}: float target ${fmt(target.shape)} must hold class probabilities of the input's shape ${fmt(input.shape)}; class indices must be int32`);
  }
  checkClassTarget(op, input, target, ignoreIndex);
  const logp = input.logSoftmax(cd);
  const { nll, wy, ignored } = nllTerms(logp, target, w, ignoreIndex);
  let loss = nll;
  if (eps > 0) {
    const wLogp = w ? logp.mul(alongClassDim(w, logp.ndim, cd)) : logp;
    const smooth = where(ignored, 0, wLogp.sum(cd).neg()); // -Σ_c w_c logp[i, c]
    loss = nll.mul(1 - eps).add(smooth.mul(eps / C));
  }
  return reduction === 'mean' ? weightedMean(loss, wy) : reduceLoss(loss, reduction);
}

/** ℓ_i = -Σ_c w_c p'[i, c] logp[i, c] with p' = (1 - ε) p + ε / C; 'mean' divides by the count of i. */
function probabilityTargetLoss(logp: Tensor, p: Tensor, w: Tensor | null, eps: number, reduction: Reduction): Tensor {
  const cd = classDimOf(logp), C = logp.shape[cd];
  const smoothed = eps > 0 ? p.mul(1 - eps).add(eps / C) : p;
  let terms = logp.mul(smoothed);
  if (w) terms = terms.mul(alongClassDim(w, logp.ndim, cd));
  const loss = terms.sum(cd).neg(); // (N, d…)
  return reduceLoss(loss, reduction);
}

// ---- regression losses -------------------------------------------------------------------------

/**
 * Mean squared error: ℓ_i = (x_i - t_i)^2, reduced by 'mean' (default), 'sum' or 'none'.
 * Shape: input and target alike (any shape); output the same with 'none', else a scalar.
 *
 *   mseLoss(pred, tensor([1, 2, 3]))
 */
export function mseLoss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  const op = 'mseLoss';
  checkKeys(op, ['reduction'], opts);
  const reduction = checkReduction(op, opts.reduction);
  const [x, t] = checkPair(op, input, target);
  const d = x.sub(t);
  return reduceLoss(d.mul(d), reduction);
}

/**
 * Mean absolute error: ℓ_i = |x_i - t_i|; its gradient sign(x_i - t_i) is 0 where x_i = t_i.
 * Shape: input and target alike (any shape); output the same with 'none', else a scalar.
 *
 *   l1Loss(pred, target, { reduction: 'sum' })
 */
export function l1Loss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  const op = 'l1Loss';
  checkKeys(op, ['reduction'], opts);
  const reduction = checkReduction(op, opts.reduction);
  const [x, t] = checkPair(op, input, target);
  return reduceLoss(x.sub(t).abs(), reduction);
}

// ---- binary classification losses -----------------------------------------------------------

function checkElementWeight(op: string, name: string, w: unknown, input: Tensor): Tensor | null {
  const t = checkOptionalWeight(op, name, w);
  if (t && !broadcastsTo(t.shape, input.shape)) {
    throw new Error(`${op}: ${name} of shape ${fmt(t.shape)} does not broadcast to the input shape ${fmt(input.shape)}`);
  }
  return t;
}

/**
 * Binary cross-entropy on logits x, in PyTorch's stable form (no exp overflow for any x):
 *   ℓ_i = w_i [ (1 - t_i) x_i + (1 + (pw - 1) t_i) · softplus(-x_i) ],
 *   softplus(-x) = -log σ(x) = log(1 + e^{-|x|}) + max(-x, 0)
 * which equals -w [pw·t·log σ(x) + (1 - t)·log(1 - σ(x))]. Targets may be soft (in [0, 1]),
 * int32 or bool (cast); the loss is differentiable in the target too.
 * Shape: input and target alike; weight and posWeight broadcast to it (posWeight usually (C)).
 *
 *   binaryCrossEntropyWithLogits(logits, labels, { posWeight: tensor([3]) })
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor, target: Tensor, weightOrOpts?: Tensor | null | BCEWithLogitsLossOptions, opts?: BCEWithLogitsLossOptions,
): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  const o = readOptions(op, BCE_LOGITS_KEYS, weightOrOpts, opts);
  const reduction = checkReduction(op, o.reduction);
  const [x, t] = checkPair(op, input, target);
  const w = checkElementWeight(op, 'weight', o.weight, x);
  const pw = checkElementWeight(op, 'posWeight', o.posWeight, x);
  // maximum (not relu): its gradient at a tie is 1/2, the midpoint of the one-sided slopes, as
  // abs's sign(0) = 0 is for log(1 + e^{-|x|}); the midpoints add up to softplus'(0) = -1/2 exactly.
  const softplusNeg = x.abs().neg().exp().add(1).log().add(x.neg().maximum(0));
  const coef = pw ? pw.to(x.dtype).sub(1).mul(t).add(1) : null; // 1 + (pw - 1) t
  let loss = t.neg().add(1).mul(x).add(coef ? coef.mul(softplusNeg) : softplusNeg);
  if (w) loss = loss.mul(w.to(x.dtype));
  return reduceLoss(loss, reduction);
}

/**
 * Binary cross-entropy on probabilities x in [0, 1], logs clamped at -100 as PyTorch:
 *   ℓ_i = -w_i [ t_i · max(log x_i, -100) + (1 - t_i) · max(log(1 - x_i), -100) ]
 * An input outside [0, 1] (or NaN) throws. Prefer binaryCrossEntropyWithLogits on raw scores.
 * Shape: input and target alike; weight broadcast to it.
 *
 *   binaryCrossEntropy(logits.sigmoid(), labels)
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, weightOrOpts?: Tensor | null | BCELossOptions, opts?: BCELossOptions): Tensor {
  const op = 'binaryCrossEntropy';
  const o = readOptions(op, BCE_KEYS, weightOrOpts, opts);
  const reduction = checkReduction(op, o.reduction);
  const [x, t] = checkPair(op, input, target);
  const w = checkElementWeight(op, 'weight', o.weight, x);
  const xs = x.dataSync();
  for (let i = 0; i < xs.length; i++) {
    if (!(xs[i] >= 0 && xs[i] <= 1)) throw new Error(`${op}: all elements of input should be between 0 and 1, got ${xs[i]} at flat index ${i} (input ${fmt(x.shape)})`);
  }
  let loss = bce(x, t);
  if (w) loss = loss.mul(w.to(x.dtype));
  return reduceLoss(loss, reduction);
}

/** [max(log x, -100), max(log(1 - x), -100)] */
function clampedLogs(x: Tensor): [Tensor, Tensor] {
  return [x.log().clamp(-100), x.neg().add(1).log().clamp(-100)];
}

// ℓ = -(t·max(log x, -100) + (1 - t)·max(log(1 - x), -100))
// dℓ/dx = (x - t) / max(x (1 - x), 1e-12)    PyTorch's binary_cross_entropy_backward: finite at
//                                            x = 0 or 1, where the clamped logs' derivative is not
// dℓ/dt = max(log(1 - x), -100) - max(log x, -100)
function bce(x: Tensor, t: Tensor): Tensor {
  const y = noGrad(() => {
    const [logX, log1mX] = clampedLogs(x);
    return t.mul(logX).add(t.neg().add(1).mul(log1mX)).neg();
  });
  return record('binaryCrossEntropy', [x, t], y, (dy) => {
    const dx = x.requiresGrad ? dy.mul(x.sub(t)).div(x.mul(x.neg().add(1)).maximum(1e-12)) : null;
    let dt: Tensor | null = null;
    if (t.requiresGrad) {
      const [logX, log1mX] = clampedLogs(x);
      dt = dy.mul(log1mX.sub(logX));
    }
    return [dx, dt];
  });
}

// ---- Module forms ------------------------------------------------------------------------------
// Each holds its options; class weights are buffers under PyTorch's keys ('weight', 'pos_weight').

/**
 * Cross-entropy loss on logits; see `crossEntropy` for the formula, label smoothing and the
 * probability-target form.
 * Shape: input (C), (N, C) or (N, C, d1, …); target int32 (), (N), (N, d1, …) or float probabilities
 * of the input's shape.
 *
 *   const lossFn = new CrossEntropyLoss({ ignoreIndex: -100, labelSmoothing: 0.1 });
 *   const loss = lossFn.forward(logits, labels); // scalar
 */
export class CrossEntropyLoss extends Module {
  readonly ignoreIndex: number;
  readonly reduction: Reduction;
  readonly labelSmoothing: number;
  constructor(opts: CrossEntropyOptions = {}) {
    super();
    const op = 'CrossEntropyLoss';
    checkKeys(op, CE_KEYS, opts);
    this.ignoreIndex = checkIgnoreIndex(op, opts.ignoreIndex);
    this.reduction = checkReduction(op, opts.reduction);
    this.labelSmoothing = checkLabelSmoothing(op, opts.labelSmoothing);
    this.registerBuffer('weight', checkOptionalWeight(op, 'weight', opts.weight));
  }
  get weight(): Tensor | null { return this.getBuffer('weight'); }
  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction, labelSmoothing: this.labelSmoothing });
  }
}

/**
 * Negative log-likelihood loss on log-probabilities; see `nllLoss`.
 * Shape: input (C), (N, C) or (N, C, d1, …); target int32 (), (N) or (N, d1, …).
 *
 *   new NLLLoss().forward(logits.logSoftmax(1), labels)
 */
export class NLLLoss extends Module {
  readonly ignoreIndex: number;
  readonly reduction: Reduction;
  constructor(opts: NLLLossOptions = {}) {
    super();
    const op = 'NLLLoss';
    checkKeys(op, NLL_KEYS, opts);
    this.ignoreIndex = checkIgnoreIndex(op, opts.ignoreIndex);
    this.reduction = checkReduction(op, opts.reduction);
    this.registerBuffer('weight', checkOptionalWeight(op, 'weight', opts.weight));
  }
  get weight(): Tensor | null { return this.getBuffer('weight'); }
  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

/**
 * ℓ = (x - t)^2, averaged (default), summed or kept ('none'). Shape: input and target alike.
 *
 *   new MSELoss().forward(pred, target)
 */
export class MSELoss extends Module {
  readonly reduction: Reduction;
  constructor(opts: ReductionOptions = {}) {
    super();
    checkKeys('MSELoss', ['reduction'], opts);
    this.reduction = checkReduction('MSELoss', opts.reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

/**
 * ℓ = |x - t|, averaged (default), summed or kept ('none'). Shape: input and target alike.
 *
 *   new L1Loss({ reduction: 'sum' }).forward(pred, target)
 */
export class L1Loss extends Module {
  readonly reduction: Reduction;
  constructor(opts: ReductionOptions = {}) {
    super();
    checkKeys('L1Loss', ['reduction'], opts);
    this.reduction = checkReduction('L1Loss', opts.reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

/**
 * Binary cross-entropy on logits (sigmoid folded in, stable); see `binaryCrossEntropyWithLogits`.
 * Shape: input and target alike; weight and posWeight broadcast to it.
 *
 *   new BCEWithLogitsLoss({ posWeight: tensor([2, 1, 1]) }).forward(logits, labels) // (N, 3)
 */
export class BCEWithLogitsLoss extends Module {
  readonly reduction: Reduction;
  constructor(opts: BCEWithLogitsLossOptions = {}) {
    super();
    const op = 'BCEWithLogitsLoss';
    checkKeys(op, BCE_LOGITS_KEYS, opts);
    this.reduction = checkReduction(op, opts.reduction);
    this.registerBuffer('weight', checkOptionalWeight(op, 'weight', opts.weight));
    this.registerBuffer('pos_weight', checkOptionalWeight(op, 'posWeight', opts.posWeight));
  }
  get weight(): Tensor | null { return this.getBuffer('weight'); }
  get posWeight(): Tensor | null { return this.getBuffer('pos_weight'); }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.posWeight, reduction: this.reduction });
  }
}

/**
 * Binary cross-entropy on probabilities in [0, 1] (logs clamped at -100); see `binaryCrossEntropy`.
 * Shape: input and target alike; weight broadcast to it.
 *
 *   new BCELoss().forward(logits.sigmoid(), labels)
 */
export class BCELoss extends Module {
  readonly reduction: Reduction;
  constructor(opts: BCELossOptions = {}) {
    super();
    const op = 'BCELoss';
    checkKeys(op, BCE_KEYS, opts);
    this.reduction = checkReduction(op, opts.reduction);
    this.registerBuffer('weight', checkOptionalWeight(op, 'weight', opts.weight));
  }
  get weight(): Tensor | null { return this.getBuffer('weight'); }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}
