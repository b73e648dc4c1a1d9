// b-attention.ts — the tutorial's hand-built causal self-attention (chapter 4), reused by the GPT
// of chapter 5: one head from three Linear maps, and nanoGPT's multi-head version with Q, K, V from
// one projection split three ways. Only matmul, maskedFill and softmax: no library attention call.
// The library's counterparts: src/layers/attention.ts, src/layers/multihead_attention.ts.
// Shape letters: B batch, T time (sequence length), C channels (embedding width), nh heads, hs head size.

import { nn, ones, type Tensor } from '../../../src/index.js';

/** (T, T) bool, true where key j lies in the future of query i (j > i): the positions to blank out. */
export function futureMask(T: number): Tensor {
  return ones([T, T]).tril().eq(0); // (T, T)
}

/** The attention weights softmax(q kᵀ / sqrt(hs), future masked with -inf), for q, k (…, T, hs). */
export function causalWeights(q: Tensor, k: Tensor): Tensor {
  const T = q.shape[q.ndim - 2], hs = q.shape[q.ndim - 1];
  const wei = q.matmul(k.transpose(-2, -1)).mul(1 / Math.sqrt(hs)); // (…, T, hs) @ (…, hs, T) -> (…, T, T)
  return wei.maskedFill(futureMask(T), -Infinity).softmax(-1); // (…, T, T), row t spreads over 0..t
}

/** softmax(q kᵀ / sqrt(hs), future masked with -inf) v, for q, k, v (…, T, hs). */
export function causalAttention(q: Tensor, k: Tensor, v: Tensor): Tensor {
  return causalWeights(q, k).matmul(v); // (…, T, T) @ (…, T, hs) -> (…, T, hs)
}

/** One head of causal self-attention: its own key, query and value maps of C features to hs. */
export class Head extends nn.Module {
  key: nn.Linear;
  query: nn.Linear;
  value: nn.Linear;
  constructor(C: number, hs: number) {
    super();
    this.key = this.registerModule('key', new nn.Linear(C, hs, { bias: false }));
    this.query = this.registerModule('query', new nn.Linear(C, hs, { bias: false }));
    this.value = this.registerModule('value', new nn.Linear(C, hs, { bias: false }));
  }
  forward(x: Tensor): Tensor {
    const k = this.key.forward(x), q = this.query.forward(x), v = this.value.forward(x); // 3 × (B, T, hs)
    return causalAttention(q, k, v); // (B, T, hs)
  }
}

/**
 * nh heads of hs = C / nh features each, run as one batched matmul; the heads' outputs are
 * concatenated and mixed by a (C, C) projection. cAttn.weight (3C, C) is [W_q; W_k; W_v], the same
 * layout as nn.MultiheadAttention's in_proj_weight, and cProj is its out_proj.
 */
export class CausalSelfAttention extends nn.Module {
  cAttn: nn.Linear;
  cProj: nn.Linear;
  constructor(readonly C: number, readonly nh: number) {
    super();
    if (C % nh !== 0) throw new Error(`CausalSelfAttention: C (${C}) must be divisible by nh (${nh})`);
    this.cAttn = this.registerModule('c_attn', new nn.Linear(C, 3 * C));
    this.cProj = this.registerModule('c_proj', new nn.Linear(C, C));
  }
  forward(x: Tensor): Tensor {
    const [B, T, C] = x.shape, nh = this.nh, hs = C / nh;
    let [q, k, v] = this.cAttn.forward(x).split(C, -1); // (B, T, 3C) -> 3 × (B, T, C)
    q = q.reshape(B, T, nh, hs).transpose(1, 2); // (B, nh, T, hs)
    k = k.reshape(B, T, nh, hs).transpose(1, 2); // (B, nh, T, hs)
    v = v.reshape(B, T, nh, hs).transpose(1, 2); // (B, nh, T, hs)
    const y = causalAttention(q, k, v); // (B, nh, T, hs)
    return this.cProj.forward(y.transpose(1, 2).reshape(B, T, C)); // (B, T, nh, hs) -> (B, T, C)
  }
  /** The weights every head puts on every earlier position: x (B, T, C) -> (B, nh, T, T). */
  weights(x: Tensor): Tensor {
    const [B, T, C] = x.shape, nh = this.nh, hs = C / nh;
    const [q, k] = this.cAttn.forward(x).split(C, -1); // 2 × (B, T, C) (and v, unused)
    return causalWeights(q.reshape(B, T, nh, hs).transpose(1, 2), k.reshape(B, T, nh, hs).transpose(1, 2)); // (B, nh, T, hs) each -> (B, nh, T, T)
  }
}

/** The largest |a − b| over all elements, as a plain number. */
export function maxAbsDiff(a: Tensor, b: Tensor): number {
  return a.sub(b).abs().max().item();
}
