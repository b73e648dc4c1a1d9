// multihead_attention.ts — multi-head attention: the functional form with explicit parameters
// (what PyTorch's multi_head_attention_forward computes) and the MultiheadAttention module that
// holds them under PyTorch's state-dict keys. Each head is scaled dot-product attention (the core
// `attend` in attention.ts) on its own hs-wide slice of the projected Q, K, V.
// Shape letters: B batch, L target (query) length, S source (key/value) length, E embedDim,
// nh numHeads, hs head size = E / nh. Reference: Vaswani et al. 2017 §3.2.2;
// torch.nn.functional.multi_head_attention_forward, torch.nn.MultiheadAttention.

import type { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { fmt, sameShape } from '../tensor/shape.js';
import type { DType } from '../tensor/dtype.js';
import { checkPositiveInt, checkProbability } from '../check.js';
import { Module, Parameter } from './module.js';
import { Linear, linear } from './linear.js';
import { attention, checkFloat, checkMask, type AttentionMaskSet } from './attention.js';
import * as init from './init.js';

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
function mergeMask(acc: AttentionMaskSet, mask: Tensor, dtype: DType): void {
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
  checkPositiveInt(op, 'numHeads', numHeads);
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
  const masks: AttentionMaskSet = { blocked: null, bias: null, causal: false };
  if (attnMask) {
    const ok2 = [L, S], ok3 = [B * nh, L, S];
    if (!sameShape(attnMask.shape, ok2) && !sameShape(attnMask.shape, ok3)) {
      throw new Error(`${op}: attnMask ${fmt(attnMask.shape)} must be (L, S) = ${fmt(ok2)} or (B·numHeads, L, S) = ${fmt(ok3)}`);
    }
    checkMask(op, 'attnMask', attnMask, ok2.length === attnMask.ndim ? ok2 : ok3);
    mergeMask(masks, attnMask.ndim === 2 ? attnMask : attnMask.reshape(B, nh, L, S), dtype); // (L, S) or (B, nh, L, S)
  } else if (isCausal) {
    masks.causal = true; // (L, S): key j > query i blocked
  }
  if (keyPaddingMask) {
    const want = unbatched ? [S] : [B, S];
    if (!sameShape(keyPaddingMask.shape, want)) throw new Error(`${op}: keyPaddingMask ${fmt(keyPaddingMask.shape)} must be ${unbatched ? '(S)' : '(B, S)'} = ${fmt(want)}`);
    checkMask(op, 'keyPaddingMask', keyPaddingMask, want);
    mergeMask(masks, keyPaddingMask.reshape(B, 1, 1, S), dtype); // (B, 1, 1, S)
  }

  // 4. attention in every head at once (one fused kernel unless the weights or dropout are wanted)
  const dropoutP = (opts.training ?? true) ? (opts.dropoutP ?? 0) : 0;
  checkProbability(op, 'dropout', dropoutP);
  const { out: heads, weights } = attention(q, k, v, masks, 1 / Math.sqrt(hs), dropoutP, needWeights); // (B, nh, L, hs), (B, nh, L, S)

  // 5. concatenate the heads and project
  const concat = heads.transpose(1, 2).reshape(B, L, E); // (B, nh, L, hs) -> (B, L, nh, hs) -> (B, L, E)
  const y = linear(concat, outProjWeight, outProjBias); // (B, L, E)
  const out = unbatched ? y.squeeze(0) : opts.batchFirst ? y : y.transpose(0, 1); // like query

  if (!needWeights || !weights) return [out, null];
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

/** The masks and outputs a call chooses (the rest of the functional options come from the module). */
export type MultiheadAttentionForwardOptions = Pick<
  MultiHeadAttentionForwardOptions, 'keyPaddingMask' | 'attnMask' | 'needWeights' | 'averageAttnWeights' | 'isCausal'
>;

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
    const op = 'MultiheadAttention';
    checkPositiveInt(op, 'embedDim', embedDim);
    checkPositiveInt(op, 'numHeads', numHeads);
    if (embedDim % numHeads !== 0) throw new Error(`${op}: embedDim (${embedDim}) must be divisible by numHeads (${numHeads})`);
    this.headDim = embedDim / numHeads;
    this.kdim = checkPositiveInt(op, 'kdim', opts.kdim ?? embedDim);
    this.vdim = checkPositiveInt(op, 'vdim', opts.vdim ?? embedDim);
    this.dropout = checkProbability(op, 'dropout', opts.dropout ?? 0);
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
