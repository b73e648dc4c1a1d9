// attention.ts — scaled dot-product attention and multi-head attention, composed from primitives
// (matmul, softmax, maskedFill, add, dropout), so their backward is those ops' backward. Masking
// uses -inf scores and a "safe" softmax: a query row whose keys are all masked attends to nothing
// and gives zeros (not NaN), in the output, the weights and the gradients.
// Shape letters: B batch, L target (query) length, S source (key/value) length, E embedDim,
// nh numHeads, hs head size = E / nh, Ev value features, `…` any leading (batch) dims.
// Reference: Vaswani et al. 2017 §3.2; torch.nn.functional.scaled_dot_product_attention,
// torch.nn.functional.multi_head_attention_forward, torch.nn.MultiheadAttention.

import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { fmt, sameShape } from '../tensor/shape.js';
import { isFloating, type DType } from '../tensor/dtype.js';
import { Module, Parameter } from './module.js';
import { Linear, linear } from './linear.js';
import { dropout } from './dropout.js';
import * as init from './init.js';

// ---- masks and the safe softmax ----------------------------------------------------------------

/** Bool (L, S): true where key j comes after query i (j > i), i.e. the future a causal model must not see. */
function causalBlockMask(like: Tensor, L: number, S: number): Tensor {
  const future = new Uint8Array(L * S);
  for (let i = 0; i < L; i++) for (let j = i + 1; j < S; j++) future[i * S + j] = 1;
  return Tensor._fromHost(like._backend, future, [L, S], 'bool');
}

/** Throws unless `mask` broadcasts to `target` without growing it (a mask never changes the scores' shape). */
function checkMask(op: string, name: string, mask: Tensor, target: readonly number[]): void {
  if (mask.dtype !== 'bool' && !isFloating(mask.dtype)) {
    throw new Error(`${op}: only bool and floating-point ${name} are supported, got ${mask.dtype}`);
  }
  const fits = mask.ndim <= target.length &&
    mask.shape.every((s, i) => s === 1 || s === target[target.length - mask.ndim + i]);
  if (!fits) throw new Error(`${op}: ${name} of shape ${fmt(mask.shape)} does not broadcast to the attention scores ${fmt(target)}`);
}

/**
 * softmax over the last dim, except that a row whose every entry is -inf gives zeros (plain
 * softmax gives 0/0 = NaN there). Such rows are refilled with 0 before the softmax and their
 * result is replaced by 0 after it, so no gradient reaches them either. When no row is dead
 * (the usual case) this is exactly softmax, and the two fills are skipped.
 */
function safeSoftmax(scores: Tensor): Tensor {
  const dead = scores.detach().amax(-1, true).eq(-Infinity); // (…, L, 1): every key masked
  if (!dead.dataSync().includes(1)) return scores.softmax(-1); // (…, L, S)
  return scores.maskedFill(dead, 0).softmax(-1).maskedFill(dead, 0); // (…, L, S)
}

/**
 * The shared core: P = softmax(Q Kᵀ · scale + bias, masked where `blocked`), O = P V.
 * `blocked` is bool with true = may NOT attend; `bias` is a float mask added to the scores.
 * Returns the output and the attention weights P (after dropout, as PyTorch returns them).
 */
function attend(
  q: Tensor, k: Tensor, v: Tensor, blocked: Tensor | null, bias: Tensor | null, scale: number, dropoutP: number,
): { out: Tensor; weights: Tensor } {
  // (q·scale) kᵀ = (q kᵀ)·scale, but scaling q touches L·E numbers instead of L·S
  let scores = q.mul(scale).matmul(k.transpose(-2, -1)); // (…, L, E) @ (…, E, S) -> (…, L, S)
  if (bias) scores = scores.add(bias); // (…, L, S)
  if (blocked) scores = scores.maskedFill(blocked, -Infinity); // (…, L, S)
  let weights = safeSoftmax(scores); // (…, L, S), each row sums to 1 (or is all 0)
  if (dropoutP > 0) weights = dropout(weights, { p: dropoutP });
  return { out: weights.matmul(v), weights }; // (…, L, S) @ (…, S, Ev) -> (…, L, Ev)
}

function checkFloat(op: string, named: [string, Tensor][]): DType {
  const dtype = named[0][1].dtype;
  for (const [name, t] of named) {
    if (!isFloating(t.dtype)) throw new Error(`${op}: ${name} must be float32 or float64, got ${t.dtype}`);
    if (t.dtype !== dtype) throw new Error(`${op}: ${named[0][0]} is ${dtype} but ${name} is ${t.dtype}; they must match`);
  }
  return dtype;
}

function checkP(op: string, name: string, p: number): void {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new Error(`${op}: ${name} must be between 0 and 1, got ${p}`);
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
  checkP(op, 'dropoutP', dropoutP);
  const scale = opts.scale ?? 1 / Math.sqrt(E);

  let blocked: Tensor | null = null, bias: Tensor | null = null;
  if (isCausal) blocked = causalBlockMask(q, L, S); // (L, S)
  if (attnMask) {
    checkMask(op, 'attnMask', attnMask, [...q.shape.slice(0, -2), L, S]);
    if (attnMask.dtype === 'bool') blocked = attnMask.logicalNot(); // flip: true = allowed -> true = blocked
    else bias = attnMask.to(q.dtype);
  }
  return attend(q, k, v, blocked, bias, scale, dropoutP).out;
}

// ---- multi-head attention, functional --------------------------------------------------------------

export interface MultiHeadAttentionForwardOptions {
  /** (B, S) or (S) unbatched: bool true = ignore that key; float: added to the scores */
  keyPaddingMask?: Tensor | null;
  /** (L, S) or (B·nh, L, S) (nh, L, S unbatched): bool true = NOT allowed to attend; float: added */
  attnMask?: Tensor | null;
  /** also return the attention weights (default true) */
  needWeights?: boolean;
  /** average the weights over heads: (B, L, S); false: (B, nh, L, S) (default true) */
  averageAttnWeights?: boolean;
  /** with no attnMask, apply a causal mask (query i sees keys j <= i); with attnMask, attnMask is used */
  isCausal?: boolean;
  /** dropout probability on the attention weights when training (default 0) */
  dropoutP?: number;
  /** apply dropout (default true) */
  training?: boolean;
  /** inputs and output are (B, L, E) rather than (L, B, E) (default false) */
  batchFirst?: boolean;
  /** separate projections when key/value features differ from E (then inProjWeight is null) */
  qProjWeight?: Tensor | null;
  kProjWeight?: Tensor | null;
  vProjWeight?: Tensor | null;
}

/** Adds one mask into the running (blocked, bias) pair: bools are OR-ed, floats summed. */
function mergeMask(acc: { blocked: Tensor | null; bias: Tensor | null }, mask: Tensor, dtype: DType): void {
  if (mask.dtype === 'bool') acc.blocked = acc.blocked ? acc.blocked.logicalOr(mask) : mask;
  else acc.bias = acc.bias ? acc.bias.add(mask.to(dtype)) : mask.to(dtype);
}

/**
 * Multi-head attention with explicit parameters (what `MultiheadAttention.forward` runs):
 *
 *   Q = query W_qᵀ + b_q,  K = key W_kᵀ + b_k,  V = value W_vᵀ + b_v     ([W_q; W_k; W_v] = inProjWeight)
 *   head_h = softmax(Q_h K_hᵀ / sqrt(hs) + M) V_h   for each head h (columns h·hs … (h+1)·hs)
 *   out = concat(head_1 … head_nh) W_oᵀ + b_o
 *
 * Boolean masks use MultiheadAttention's polarity: true = NOT allowed to attend.
 * Returns [out, weights | null].
 *
 * Shape: query (L, B, E), key (S, B, kdim), value (S, B, vdim) — (B, L, E) … with batchFirst,
 * (L, E) … unbatched; inProjWeight (3E, E), inProjBias (3E), outProjWeight (E, E), outProjBias (E)
 * -> out like query, weights (B, L, S) or (B, nh, L, S) ((L, S) / (nh, L, S) unbatched).
 */
export function multiHeadAttentionForward(
  query: Tensor, key: Tensor, value: Tensor, numHeads: number,
  inProjWeight: Tensor | null, inProjBias: Tensor | null, outProjWeight: Tensor, outProjBias: Tensor | null,
  opts: MultiHeadAttentionForwardOptions = {},
): [Tensor, Tensor | null] {
  const op = 'MultiheadAttention';
  const { keyPaddingMask = null, attnMask = null, needWeights = true, averageAttnWeights = true, isCausal = false } = opts;
  const dtype = checkFloat(op, [['query', query], ['key', key], ['value', value]]);
  const unbatched = query.ndim === 2;
  if (query.ndim !== 2 && query.ndim !== 3) throw new Error(`${op}: query must be 3-D (batched) or 2-D (unbatched), got ${fmt(query.shape)}`);
  for (const [name, t] of [['key', key], ['value', value]] as const) {
    if (t.ndim !== query.ndim) throw new Error(`${op}: query ${fmt(query.shape)} is ${query.ndim}-D but ${name} ${fmt(t.shape)} is ${t.ndim}-D`);
  }
  if (outProjWeight.ndim !== 2 || outProjWeight.shape[0] !== outProjWeight.shape[1]) throw new Error(`${op}: outProjWeight must be (E, E), got ${fmt(outProjWeight.shape)}`);
  const E = outProjWeight.shape[0];
  if (E % numHeads !== 0) throw new Error(`${op}: embedDim (${E}) must be divisible by numHeads (${numHeads})`);
  const nh = numHeads, hs = E / nh;

  // everything below works on (B, len, features)
  const toBLE = (t: Tensor): Tensor => (unbatched ? t.unsqueeze(0) : opts.batchFirst ? t : t.transpose(0, 1));
  const qIn = toBLE(query), kIn = toBLE(key), vIn = toBLE(value); // (B, L, E), (B, S, kdim), (B, S, vdim)
  const B = qIn.shape[0], L = qIn.shape[1], S = kIn.shape[1];
  if (qIn.shape[2] !== E) throw new Error(`${op}: query ${fmt(query.shape)} has ${qIn.shape[2]} features, expected embedDim ${E}`);
  if (kIn.shape[0] !== B || vIn.shape[0] !== B) throw new Error(`${op}: query ${fmt(query.shape)}, key ${fmt(key.shape)} and value ${fmt(value.shape)} must have the same batch size`);
  if (vIn.shape[1] !== S) throw new Error(`${op}: key ${fmt(key.shape)} and value ${fmt(value.shape)} must have the same length S`);
  const kdim = inProjWeight ? E : opts.kProjWeight?.shape[1], vdim = inProjWeight ? E : opts.vProjWeight?.shape[1];
  if (kdim !== undefined && kIn.shape[2] !== kdim) throw new Error(`${op}: key ${fmt(key.shape)} has ${kIn.shape[2]} features, expected kdim ${kdim}`);
  if (vdim !== undefined && vIn.shape[2] !== vdim) throw new Error(`${op}: value ${fmt(value.shape)} has ${vIn.shape[2]} features, expected vdim ${vdim}`);

  // 1. input projections: Q, K, V from one (3E, E) projection split three ways
  const [bq, bk, bv] = inProjBias ? inProjBias.split(E, 0) : [null, null, null]; // 3 × (E)
  let q: Tensor, k: Tensor, v: Tensor;
  if (inProjWeight) {
    if (!sameShape(inProjWeight.shape, [3 * E, E])) throw new Error(`${op}: inProjWeight ${fmt(inProjWeight.shape)} must be (3E, E) = [${3 * E},${E}]`);
    if (query === key && key === value) {
      [q, k, v] = linear(qIn, inProjWeight, inProjBias).split(E, -1); // (B, L, 3E) -> 3 × (B, L, E)
    } else {
      const [wq, wk, wv] = inProjWeight.split(E, 0); // 3 × (E, E)
      [q, k, v] = [linear(qIn, wq, bq), linear(kIn, wk, bk), linear(vIn, wv, bv)]; // (B, L, E), (B, S, E), (B, S, E)
    }
  } else {
    const { qProjWeight: wq, kProjWeight: wk, vProjWeight: wv } = opts;
    if (!wq || !wk || !wv) throw new Error(`${op}: inProjWeight is null, so qProjWeight, kProjWeight and vProjWeight must all be given`);
    [q, k, v] = [linear(qIn, wq, bq), linear(kIn, wk, bk), linear(vIn, wv, bv)]; // (B, L, E), (B, S, E), (B, S, E)
  }

  // 2. split E into nh heads of hs features
  q = q.reshape(B, L, nh, hs).transpose(1, 2); // (B, nh, L, hs)
  k = k.reshape(B, S, nh, hs).transpose(1, 2); // (B, nh, S, hs)
  v = v.reshape(B, S, nh, hs).transpose(1, 2); // (B, nh, S, hs)

  // 3. masks, each brought to a shape that broadcasts to the scores (B, nh, L, S)
  const masks = { blocked: null as Tensor | null, bias: null as Tensor | null };
  if (attnMask) {
    const ok2 = [L, S], ok3 = [B * nh, L, S];
    if (!sameShape(attnMask.shape, ok2) && !sameShape(attnMask.shape, ok3)) {
      throw new Error(`${op}: attnMask ${fmt(attnMask.shape)} must be (L, S) = ${fmt(ok2)} or (B·numHeads, L, S) = ${fmt(ok3)}`);
    }
    checkMask(op, 'attnMask', attnMask, ok2.length === attnMask.ndim ? ok2 : ok3);
    mergeMask(masks, attnMask.ndim === 2 ? attnMask : attnMask.reshape(B, nh, L, S), dtype); // (L, S) or (B, nh, L, S)
  } else if (isCausal) {
    mergeMask(masks, causalBlockMask(query, L, S), dtype); // (L, S)
  }
  if (keyPaddingMask) {
    const want = unbatched ? [S] : [B, S];
    if (!sameShape(keyPaddingMask.shape, want)) throw new Error(`${op}: keyPaddingMask ${fmt(keyPaddingMask.shape)} must be ${unbatched ? '(S)' : '(B, S)'} = ${fmt(want)}`);
    checkMask(op, 'keyPaddingMask', keyPaddingMask, want);
    mergeMask(masks, keyPaddingMask.reshape(B, 1, 1, S), dtype); // (B, 1, 1, S)
  }

  // 4. attention in every head at once
  const dropoutP = (opts.training ?? true) ? (opts.dropoutP ?? 0) : 0;
  checkP(op, 'dropout', dropoutP);
  const { out: heads, weights } = attend(q, k, v, masks.blocked, masks.bias, 1 / Math.sqrt(hs), dropoutP); // (B, nh, L, hs), (B, nh, L, S)

  // 5. concatenate the heads and project
  const concat = heads.transpose(1, 2).reshape(B, L, E); // (B, nh, L, hs) -> (B, L, nh, hs) -> (B, L, E)
  const y = linear(concat, outProjWeight, outProjBias); // (B, L, E)
  const out = unbatched ? y.squeeze(0) : opts.batchFirst ? y : y.transpose(0, 1); // like query

  if (!needWeights) return [out, null];
  const w = averageAttnWeights ? weights.mean(1) : weights; // (B, L, S) or (B, nh, L, S)
  return [out, unbatched ? w.squeeze(0) : w];
}

// ---- the module ----------------------------------------------------------------------------

export interface MultiheadAttentionOptions {
  /** dropout probability on the attention weights in training (default 0) */
  dropout?: number;
  /** learn in_proj_bias and out_proj.bias (default true) */
  bias?: boolean;
  /** inputs and output are (B, L, E) rather than (L, B, E) (default false) */
  batchFirst?: boolean;
  /** features of key (default embedDim) */
  kdim?: number;
  /** features of value (default embedDim) */
  vdim?: number;
  /** dtype of the parameters (default 'float32'; 'float64' for gradcheck) */
  dtype?: DType;
}

export interface MultiheadAttentionForwardOptions {
  keyPaddingMask?: Tensor | null;
  attnMask?: Tensor | null;
  needWeights?: boolean;
  averageAttnWeights?: boolean;
  isCausal?: boolean;
}

/**
 * Multi-head attention (Vaswani et al. 2017):
 *
 *   MultiHead(Q, K, V) = concat(head_1, …, head_nh) W_oᵀ + b_o,
 *   head_h = softmax((Q W_qhᵀ + b_qh)(K W_khᵀ + b_kh)ᵀ / sqrt(hs) + M) (V W_vhᵀ + b_vh),  hs = E / nh.
 *
 * Parameters (PyTorch's keys): `in_proj_weight` (3E, E) = [W_q; W_k; W_v] (xavier-uniform) when
 * kdim = vdim = E, else `q_proj_weight` (E, E), `k_proj_weight` (E, kdim), `v_proj_weight`
 * (E, vdim); `in_proj_bias` (3E) = 0; `out_proj.weight` (E, E) (Linear's init), `out_proj.bias` = 0.
 *
 * Masks use PyTorch's MultiheadAttention polarity: bool true = NOT allowed to attend; float masks
 * are added to the scores. `isCausal` with no `attnMask` applies a causal mask (PyTorch requires
 * the mask; here it is built); with an `attnMask`, the mask is used as given. A query whose keys
 * are all masked gets zero weights and a zero attention output (the output is then out_proj.bias).
 *
 * Shape: query (L, B, E), key (S, B, kdim), value (S, B, vdim) -> out (L, B, E); (B, L, E) …
 * with batchFirst; (L, E) … unbatched. keyPaddingMask (B, S); attnMask (L, S) or (B·nh, L, S).
 * weights (B, L, S) averaged over heads, or (B, nh, L, S) with averageAttnWeights = false.
 *
 * @example
 *   const mha = new MultiheadAttention(16, 4, { batchFirst: true });
 *   const x = randn([2, 10, 16]);
 *   const [y, w] = mha.forward(x, x, x);   // y (2, 10, 16), w (2, 10, 10)
 */
export class MultiheadAttention extends Module {
  readonly headDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly inProjWeight: Parameter | null;
  readonly qProjWeight: Parameter | null;
  readonly kProjWeight: Parameter | null;
  readonly vProjWeight: Parameter | null;
  readonly inProjBias: Parameter | null;
  readonly outProj: Linear;

  constructor(readonly embedDim: number, readonly numHeads: number, opts: MultiheadAttentionOptions = {}) {
    super();
    for (const [name, n] of [['embedDim', embedDim], ['numHeads', numHeads]] as const) {
      if (!Number.isInteger(n) || n <= 0) throw new Error(`MultiheadAttention: ${name} must be a positive integer, got ${n}`);
    }
    if (embedDim % numHeads !== 0) throw new Error(`MultiheadAttention: embedDim (${embedDim}) must be divisible by numHeads (${numHeads})`);
    this.headDim = embedDim / numHeads;
    this.kdim = opts.kdim ?? embedDim;
    this.vdim = opts.vdim ?? embedDim;
    this.dropout = opts.dropout ?? 0;
    checkP('MultiheadAttention', 'dropout', this.dropout);
    this.batchFirst = opts.batchFirst ?? false;
    const dtype = opts.dtype ?? 'float32';
    const E = embedDim;
    const param = (shape: number[]): Parameter => new Parameter(zeros(shape, { dtype }));

    const same = this.kdim === E && this.vdim === E;
    this.inProjWeight = this.registerParameter('in_proj_weight', same ? param([3 * E, E]) : null);
    this.qProjWeight = this.registerParameter('q_proj_weight', same ? null : param([E, E]));
    this.kProjWeight = this.registerParameter('k_proj_weight', same ? null : param([E, this.kdim]));
    this.vProjWeight = this.registerParameter('v_proj_weight', same ? null : param([E, this.vdim]));
    this.inProjBias = this.registerParameter('in_proj_bias', (opts.bias ?? true) ? param([3 * E]) : null);
    this.outProj = this.registerModule('out_proj', new Linear(E, E, { bias: opts.bias ?? true, dtype }));
    this.resetParameters();
  }

  /** xavier-uniform input projections, zero biases (out_proj.weight keeps Linear's init), as PyTorch. */
  resetParameters(): void {
    for (const w of [this.inProjWeight, this.qProjWeight, this.kProjWeight, this.vProjWeight]) if (w) init.xavierUniform(w);
    if (this.inProjBias) init.zeros(this.inProjBias);
    if (this.outProj.bias) init.zeros(this.outProj.bias);
  }

  forward(query: Tensor, key: Tensor, value: Tensor, opts: MultiheadAttentionForwardOptions = {}): [Tensor, Tensor | null] {
    return multiHeadAttentionForward(query, key, value, this.numHeads, this.inProjWeight, this.inProjBias, this.outProj.weight, this.outProj.bias, {
      ...opts,
      dropoutP: this.dropout,
      training: this.training,
      batchFirst: this.batchFirst,
      qProjWeight: this.qProjWeight,
      kProjWeight: this.kProjWeight,
      vProjWeight: this.vProjWeight,
    });
  }
}
