// loss.ts — the loss functions: crossEntropy / nllLoss on class indices (or, for crossEntropy,
// class probabilities), mseLoss, l1Loss, binaryCrossEntropyWithLogits and binaryCrossEntropy, all
// composed from primitives (logSoftmax, gather, where, sum) but binaryCrossEntropy's terms and
// crossEntropy on class indices, which run fused kernels (autograd/ops/loss.ts; the composed
// form stays for class weights that require grad). Options and checks: loss_args.ts; Modules: loss_modules.ts.
// Shapes: N batch, C classes, d1…dk extra dims (e.g. H, W of a segmentation map).
// Reference: torch.nn.functional losses; ATen LossNLL.cpp (cross_entropy_loss_label_smoothing,
// cross_entropy_loss_prob_target) and Loss.cpp (binary_cross_entropy[_with_logits]).

import { Tensor } from '../tensor/tensor.js';
import { isFloating, type DType } from '../tensor/dtype.js';
import { checkKeys } from '../check.js';
import { fmt, sameShape } from '../tensor/shape.js';
import { where } from '../tensor/functions.js';
import { binaryCrossEntropyTerms, crossEntropyRows } from '../autograd/ops/loss.js';
import {
  BCE_KEYS, BCE_LOGITS_KEYS, CE_KEYS, NLL_KEYS, checkElementWeight, checkFloat, checkIgnoreIndex, checkLabelSmoothing,
  checkOptionalWeight, checkPair, checkReduction, readOptions, reduceLoss, weightedMean,
  type BCELossOptions, type BCEWithLogitsLossOptions, type CrossEntropyOptions, type NLLLossOptions, type Reduction,
  type ReductionOptions,
} from './loss_args.js';

export type { Reduction, ReductionOptions, NLLLossOptions, CrossEntropyOptions, BCELossOptions, BCEWithLogitsLossOptions } from './loss_args.js';


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
  if (!w?.requiresGrad) return fusedClassIndexLoss(input, target, w, ignoreIndex, eps, reduction);
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

/** crossEntropy's class-index loss (same ℓ_i and 'mean') by the fused per-row kernel over (rows, C). */
function fusedClassIndexLoss(input: Tensor, target: Tensor, w: Tensor | null, ignoreIndex: number, eps: number, reduction: Reduction): Tensor {
  const C = input.shape[classDimOf(input)];
  const classesLast = [0, ...input.shape.slice(2).map((_, i) => i + 2), 1];
  const rows = input.ndim === 1 ? input.unsqueeze(0) : input.ndim === 2 ? input : input.permute(classesLast).reshape(-1, C); // (N·d…, C)
  const loss = crossEntropyRows(rows, target.reshape(-1), { weight: w, ignoreIndex, labelSmoothing: eps }).reshape(target.shape); // (N, d…)
  if (reduction !== 'mean') return reduceLoss(loss, reduction);
  const ignored = target.eq(ignoreIndex);
  const wy = w ? where(ignored, 0, w.indexSelect(0, where(ignored, 0, target).reshape(-1)).reshape(target.shape)) : ignored.logicalNot().to(input.dtype);
  return weightedMean(loss, wy);
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
  checkKeys(op, opts, ['reduction']);
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
  checkKeys(op, opts, ['reduction']);
  const reduction = checkReduction(op, opts.reduction);
  const [x, t] = checkPair(op, input, target);
  return reduceLoss(x.sub(t).abs(), reduction);
}

// ---- binary classification losses -----------------------------------------------------------

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
  let loss = binaryCrossEntropyTerms(x, t);
  if (w) loss = loss.mul(w.to(x.dtype));
  return reduceLoss(loss, reduction);
}

export * from './loss_modules.js';
