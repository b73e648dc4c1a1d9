// attention.ts — scaled dot-product attention, composed from primitives (matmul, softmax,
// maskedFill, add, dropout), so its backward is those ops' backward; and the core that multi-head
// attention (multihead_attention.ts) shares. Masking uses -inf scores and a "safe" softmax: a query
// row whose keys are all masked gives zeros (not NaN) in the output, the weights and the gradients.
// When neither the weights nor dropout nor a mask's gradient is wanted, `attention` runs the same
// math as one fused kernel instead (autograd/ops/attention.ts), which never stores the weights.
// Shape letters: L target (query) length, S source (key/value) length, E features, Ev value
// features, `…` any leading (batch) dims. Reference: Vaswani et al. 2017 §3.2;
// torch.nn.functional.scaled_dot_product_attention.

import type { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/creation.js';
import { fmt } from '../tensor/shape.js';
import { isFloating, type DType } from '../tensor/dtype.js';
import { checkFinite, checkProbability } from '../check.js';
import { dropout } from './dropout.js';
import { fusedAttention } from '../autograd/ops/attention.js';

// ---- masks and the safe softmax ----------------------------------------------------------------

/** Bool (L, S) on `like`'s backend: true where key j comes after query i (j > i), the future a causal model must not see. */
export function causalBlockMask(like: Tensor, L: number, S: number): Tensor {
  const future = new Uint8Array(L * S);
  for (let i = 0; i < L; i++) for (let j = i + 1; j < S; j++) future[i * S + j] = 1;
  return tensor(future, { shape: [L, S], dtype: 'bool', like });
}

/** Throws unless `mask` broadcasts to `target` without growing it (a mask never changes the scores' shape). */
export function checkMask(op: string, name: string, mask: Tensor, target: readonly number[]): void {
  if (mask.dtype !== 'bool' && !isFloating(mask.dtype)) {
    throw new Error(`${op}: only bool and floating-point ${name} are supported, got ${mask.dtype}`);
  }
  const fits = mask.ndim <= target.length &&
    mask.shape.every((s, i) => s === 1 || s === target[target.length - mask.ndim + i]);
  if (!fits) throw new Error(`${op}: ${name} of shape ${fmt(mask.shape)} does not broadcast to the attention scores ${fmt(target)}`);
}

/**
 * softmax over the last dim, except that a row whose every entry is -inf gives zeros (plain
 * softmax gives 0/0 = NaN there). Such dead rows are refilled with 0 before the softmax and their
 * result is replaced by 0 after it, so no gradient reaches them either; on every other row both
 * fills are no-ops and this is exactly softmax. No branch on the data: nothing is read back to
 * the host, whatever the backend.
 */
export function safeSoftmax(scores: Tensor): Tensor {
  const dead = scores.detach().amax(-1, true).eq(-Infinity); // (…, L, 1): every key masked
  return scores.maskedFill(dead, 0).softmax(-1).maskedFill(dead, 0); // (…, L, S)
}

/**
 * The shared core: P = softmax(Q Kᵀ · scale + bias, masked where `blocked`), O = P V.
 * `blocked` is bool with true = may NOT attend; `bias` is a float mask added to the scores.
 * Returns the output and the attention weights P (after dropout, as PyTorch returns them).
 */
export function attend(
  q: Tensor, k: Tensor, v: Tensor, blocked: Tensor | null, bias: Tensor | null, scale: number, dropoutP: number,
): { out: Tensor; weights: Tensor } {
  // (q·scale) kᵀ = (q kᵀ)·scale, but scaling q touches L·E numbers instead of L·S
  let scores = q.mul(scale).matmul(k.transpose(-2, -1)); // (…, L, E) @ (…, E, S) -> (…, L, S)
  if (bias) scores = scores.add(bias); // (…, L, S)
  if (blocked) scores = scores.maskedFill(blocked, -Infinity); // (…, L, S)
  // without a mask no row can be all -inf (unless the inputs are), so the plain softmax is exact
  let weights = blocked || bias ? safeSoftmax(scores) : scores.softmax(-1); // (…, L, S), rows sum to 1 (or are all 0)
  if (dropoutP > 0) weights = dropout(weights, { p: dropoutP });
  return { out: weights.matmul(v), weights }; // (…, L, S) @ (…, S, Ev) -> (…, L, Ev)
}

/** The masks of one attention call: `blocked` bool (true = may NOT attend), `bias` float (added), `causal`. */
export interface AttentionMaskSet {
  blocked: Tensor | null;
  bias: Tensor | null;
  /** block every key after its query (j > i), without building the mask unless the composition needs it */
  causal: boolean;
}

/**
 * `attend` with its fast path: the fused kernel (same out, value and gradient) unless the weights
 * are wanted, dropout is on, or the float mask requires grad; then the composition. Returns the
 * output and, when asked for, the weights.
 */
export function attention(
  q: Tensor, k: Tensor, v: Tensor, masks: AttentionMaskSet, scale: number, dropoutP: number, needWeights: boolean,
): { out: Tensor; weights: Tensor | null } {
  if (!needWeights && dropoutP === 0 && !masks.bias?.requiresGrad) return { out: fusedAttention(q, k, v, masks, scale).out, weights: null };
  let blocked = masks.blocked;
  if (masks.causal) {
    const future = causalBlockMask(q, q.shape[q.ndim - 2], k.shape[k.ndim - 2]); // (L, S)
    blocked = blocked ? blocked.logicalOr(future) : future;
  }
  return attend(q, k, v, blocked, masks.bias, scale, dropoutP);
}

/** Throws unless every named tensor is floating point and of the first one's dtype; returns that dtype. */
export function checkFloat(op: string, named: [string, Tensor][]): DType {
  const dtype = named[0][1].dtype;
  for (const [name, t] of named) {
    if (!isFloating(t.dtype)) throw new Error(`${op}: ${name} must be float32 or float64, got ${t.dtype}`);
    if (t.dtype !== dtype) throw new Error(`${op}: ${named[0][0]} is ${dtype} but ${name} is ${t.dtype}; they must match`);
  }
  return dtype;
}

// ---- scaled dot-product attention ---------------------------------------------------------------

export interface ScaledDotProductAttentionOptions {
  /**
   * bool: true = query i MAY attend to key j (PyTorch's sdpa polarity); float: added to the
   * scores (use -inf to block). Broadcasts to (…, L, S).
   */
  attnMask?: Tensor | null;
  /** dropout probability on the attention weights (default 0; applied whenever > 0, as PyTorch) */
  dropoutP?: number;
  /** mask the future: query i attends to keys j <= i (top-left aligned when L != S). Not with attnMask. */
  isCausal?: boolean;
  /** multiplies q kᵀ (default 1 / sqrt(E)) */
  scale?: number;
}

/**
 * Attention(Q, K, V) = softmax(Q Kᵀ · scale + M) V, with scale = 1/sqrt(E) by default, M the mask
 * (-inf where a bool mask is false, the float mask itself otherwise), softmax over the keys.
 * A query row whose keys are all masked gives zeros (not NaN), and zero gradient.
 *
 * Shape: q (…, L, E), k (…, S, E), v (…, S, Ev), attnMask broadcastable to (…, L, S)
 * -> (…, L, Ev). Leading dims broadcast as in matmul.
 *
 * @example
 *   const q = randn([2, 4, 5, 8]), k = randn([2, 4, 7, 8]), v = randn([2, 4, 7, 16]);
 *   scaledDotProductAttention(q, k, v).shape;                  // [2, 4, 5, 16]
 *   scaledDotProductAttention(q, q, q, { isCausal: true });     // each position sees itself and the past
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, opts: ScaledDotProductAttentionOptions = {}): Tensor {
  const op = 'scaledDotProductAttention';
  for (const [name, t] of [['query', q], ['key', k], ['value', v]] as const) {
    if (t.ndim < 2) throw new Error(`${op}: ${name} must have at least 2 dims (…, len, features), got ${fmt(t.shape)}`);
  }
  checkFloat(op, [['query', q], ['key', k], ['value', v]]);
  const L = q.shape[q.ndim - 2], E = q.shape[q.ndim - 1], S = k.shape[k.ndim - 2];
  if (k.shape[k.ndim - 1] !== E) throw new Error(`${op}: query ${fmt(q.shape)} and key ${fmt(k.shape)} must have the same last dim (${E} != ${k.shape[k.ndim - 1]})`);
  if (v.shape[v.ndim - 2] !== S) throw new Error(`${op}: key ${fmt(k.shape)} and value ${fmt(v.shape)} must have the same length S (${S} != ${v.shape[v.ndim - 2]})`);
  const { attnMask = null, dropoutP = 0, isCausal = false } = opts;
  if (attnMask && isCausal) throw new Error(`${op}: attnMask must not be given together with isCausal = true (the causal mask is built from L and S)`);
  checkProbability(op, 'dropoutP', dropoutP);
  const scale = opts.scale == null ? 1 / Math.sqrt(E) : checkFinite(op, 'scale', opts.scale);

  const masks: AttentionMaskSet = { blocked: null, bias: null, causal: isCausal };
  if (attnMask) {
    checkMask(op, 'attnMask', attnMask, [...q.shape.slice(0, -2), L, S]);
    if (attnMask.dtype === 'bool') masks.blocked = attnMask.logicalNot(); // flip: true = allowed -> true = blocked
    else masks.bias = attnMask.to(q.dtype);
  }
  return attention(q, k, v, masks, scale, dropoutP, false).out;
}
