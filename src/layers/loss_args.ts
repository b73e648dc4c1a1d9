// loss_args.ts — what the loss functions share: their option types, the reading of PyTorch's
// (input, target, weight?, options?) argument forms, the checks on inputs, targets and weights
// (errors name the loss and the shapes), and the 'none' / 'sum' / 'mean' reductions.
// Reference: torch.nn.functional losses' argument handling (reduction, weight, ignore_index).

import { Tensor } from '../tensor/tensor.js';
import { isFloating, promoteTypes } from '../tensor/dtype.js';
import { fmt, sameShape } from '../tensor/shape.js';
import { where } from '../tensor/functions.js';
import { checkKeys } from '../check.js';

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

export const NLL_KEYS = ['weight', 'ignoreIndex', 'reduction'];
export const CE_KEYS = [...NLL_KEYS, 'labelSmoothing'];
export const BCE_KEYS = ['weight', 'reduction'];
export const BCE_LOGITS_KEYS = [...BCE_KEYS, 'posWeight'];

/**
 * The functional forms take their weight either positionally, as PyTorch (`f(x, t, w, opts)`),
 * or in the options (`f(x, t, {weight})`); this merges the two and rejects unknown keys.
 */
export function readOptions<O extends object>(op: string, keys: string[], weightOrOpts: Tensor | null | O | undefined, opts: O | undefined): O {
  let o: Record<string, unknown>;
  if (weightOrOpts instanceof Tensor || weightOrOpts === null) {
    if (opts && (opts as { weight?: unknown }).weight != null) throw new Error(`${op}: weight given twice (positionally and in the options)`);
    o = { ...opts, weight: weightOrOpts };
  } else {
    if (weightOrOpts !== undefined && opts !== undefined) throw new Error(`${op}: expected (input, target, weight?, options?), got two options objects`);
    o = { ...(weightOrOpts ?? opts) };
  }
  checkKeys(op, o, keys);
  return o as O;
}

export function checkReduction(op: string, r: unknown = 'mean'): Reduction {
  if (r === 'none' || r === 'mean' || r === 'sum') return r;
  throw new Error(`${op}: reduction must be 'none', 'mean' or 'sum', got '${String(r)}'`);
}

export function checkIgnoreIndex(op: string, i: unknown = -100): number {
  if (typeof i !== 'number' || !Number.isInteger(i)) throw new Error(`${op}: ignoreIndex must be an integer, got ${String(i)}`);
  return i;
}

export function checkLabelSmoothing(op: string, e: unknown = 0): number {
  if (typeof e !== 'number' || !(e >= 0 && e <= 1)) throw new Error(`${op}: labelSmoothing must be between 0.0 and 1.0, got ${String(e)}`);
  return e;
}

export function checkFloat(op: string, name: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: ${name} must be a Tensor, got ${x === null ? 'null' : typeof x}`);
  if (!isFloating(x.dtype)) throw new Error(`${op}: ${name} must be a floating point tensor, got ${x.dtype} (shape ${fmt(x.shape)})`);
}

export function checkOptionalWeight(op: string, name: string, w: unknown): Tensor | null {
  if (w === undefined || w === null) return null;
  checkFloat(op, name, w);
  return w;
}

/** NumPy broadcasting of `from` into `to` without growing `to`. */
export function broadcastsTo(from: readonly number[], to: readonly number[]): boolean {
  const lead = to.length - from.length;
  return lead >= 0 && from.every((s, i) => s === 1 || s === to[lead + i]);
}

/**
 * Elementwise losses take input and target of one shape (PyTorch's mse_loss/l1_loss would warn and
 * broadcast; a mismatch is almost always a bug, so here it throws). An int/bool target is cast.
 */
export function checkPair(op: string, input: unknown, target: unknown): [Tensor, Tensor] {
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
export function reduceLoss(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return loss.sum();
  return loss.sum().div(Math.max(loss.numel(), 1));
}

/**
 * Σ ℓ_i / Σ w[y_i] over non-ignored i (PyTorch's nll_loss 'mean'). When that total weight is 0
 * (every target ignored, or an empty batch) PyTorch returns NaN; here the loss is 0, as is its
 * gradient, so a batch of padding alone does not poison training.
 */
export function weightedMean(loss: Tensor, wy: Tensor): Tensor {
  const total = wy.sum();
  return loss.sum().div(where(total.eq(0), 1, total));
}


export function checkElementWeight(op: string, name: string, w: unknown, input: Tensor): Tensor | null {
  const t = checkOptionalWeight(op, name, w);
  if (t && !broadcastsTo(t.shape, input.shape)) {
    throw new Error(`${op}: ${name} of shape ${fmt(t.shape)} does not broadcast to the input shape ${fmt(input.shape)}`);
  }
  return t;
}
