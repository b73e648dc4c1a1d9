// loss_modules.ts — the Module forms of the losses (CrossEntropyLoss, NLLLoss, MSELoss, L1Loss,
// BCEWithLogitsLoss, BCELoss): each checks and holds its options, keeps class weights as buffers
// under PyTorch's keys ('weight', 'pos_weight'), and calls the function of the same name.
// Reference: torch.nn.modules.loss.

import type { Tensor } from '../tensor/tensor.js';
import { checkKeys } from '../check.js';
import { Module } from './module.js';
import { binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, l1Loss, mseLoss, nllLoss } from './loss.js';
import {
  BCE_KEYS, BCE_LOGITS_KEYS, CE_KEYS, NLL_KEYS, checkIgnoreIndex, checkLabelSmoothing, checkOptionalWeight, checkReduction,
  type BCELossOptions, type BCEWithLogitsLossOptions, type CrossEntropyOptions, type NLLLossOptions, type Reduction, type ReductionOptions,
} from './loss_args.js';

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
    checkKeys(op, opts, CE_KEYS);
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
    checkKeys(op, opts, NLL_KEYS);
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
    checkKeys('MSELoss', opts, ['reduction']);
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
    checkKeys('L1Loss', opts, ['reduction']);
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
    checkKeys(op, opts, BCE_LOGITS_KEYS);
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
    checkKeys(op, opts, BCE_KEYS);
    this.reduction = checkReduction(op, opts.reduction);
    this.registerBuffer('weight', checkOptionalWeight(op, 'weight', opts.weight));
  }
  get weight(): Tensor | null { return this.getBuffer('weight'); }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

