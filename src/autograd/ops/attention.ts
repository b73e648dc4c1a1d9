// attention.ts — fused scaled dot-product attention: out = softmax(Q Kᵀ · scale + M) V as one backend
// kernel that also returns each query row's log-sum-exp, and a backward kernel that recomputes
// the weights from Q, K and that lse instead of storing them (FlashAttention). layers/attention.ts
// composes the same math from primitives (`attend`), which a test holds this to, value and
// gradient. A row whose keys are all masked gives zeros, as layers/attention.ts's safeSoftmax.
// Shape letters: … leading (batch) dims, T queries, S keys, d features, dv value features.
// Reference: Dao et al. 2022 (FlashAttention), torch.nn.functional.scaled_dot_product_attention.

import type { AttentionMasks } from '../../backend/backend.js';
import { isFloating } from '../../tensor/dtype.js';
import { broadcastShapes, fmt } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { isGradEnabled, record } from '../engine.js';

export interface FusedAttentionMasks {
  /** float, the inputs' dtype, added to the scores (-inf blocks); broadcasts to (…, T, S); no gradient */
  bias?: Tensor | null;
  /** bool, true = query t may NOT attend to key s; broadcasts to (…, T, S) */
  blocked?: Tensor | null;
  /** also block every key s > t (top-left aligned when T != S) */
  causal?: boolean;
}

/** Throws unless q, k, v, the masks and the scale fit together; returns the broadcast leading dims. */
function check(q: Tensor, k: Tensor, v: Tensor, masks: FusedAttentionMasks, scale: number): number[] {
  const op = 'fusedAttention';
  for (const [name, t] of [['q', q], ['k', k], ['v', v]] as const) {
    if (t.ndim < 2) throw new Error(`${op}: ${name} must have at least 2 dims (…, len, features), got ${fmt(t.shape)}`);
    if (!isFloating(t.dtype) || t.dtype !== q.dtype) throw new Error(`${op}: q, k and v must share one float dtype, got ${q.dtype}, ${k.dtype} and ${v.dtype}`);
    q._checkSameBackend(op, t);
  }
  const [T, d, S] = [q.shape[q.ndim - 2], q.shape[q.ndim - 1], k.shape[k.ndim - 2]];
  if (k.shape[k.ndim - 1] !== d || v.shape[v.ndim - 2] !== S) {
    throw new Error(`${op}: q ${fmt(q.shape)}, k ${fmt(k.shape)} and v ${fmt(v.shape)} must be (…, T, d), (…, S, d) and (…, S, dv)`);
  }
  if (!Number.isFinite(scale)) throw new Error(`${op}: scale must be a finite number, got ${scale}`);
  const lead = broadcastShapes(op, q.shape.slice(0, -2), k.shape.slice(0, -2), v.shape.slice(0, -2));
  const scores = [...lead, T, S];
  const masksGiven: [string, Tensor | null | undefined, string][] = [['bias', masks.bias, q.dtype], ['blocked', masks.blocked, 'bool']];
  for (const [name, m, want] of masksGiven) {
    if (!m) continue;
    if (m.dtype !== want) throw new Error(`${op}: ${name} must be ${want}, got ${m.dtype}`);
    q._checkSameBackend(op, m);
    const fits = m.ndim <= scores.length && m.shape.every((n, i) => n === 1 || n === scores[scores.length - m.ndim + i]);
    if (!fits) throw new Error(`${op}: ${name} ${fmt(m.shape)} does not broadcast to the scores ${fmt(scores)}`);
  }
  if (masks.bias?.requiresGrad) throw new Error(`${op}: bias ${fmt(masks.bias.shape)} requires grad, which the fused kernel does not give; compose the attention instead`);
  return lead;
}

/**
 * out = softmax(q kᵀ · scale + M) v and the per-row lse = log Σ_s exp(scores) (-inf for a row
 * whose keys are all masked, whose output and gradient are 0), by the backend's fused kernels.
 * Shape: q (…, T, d), k (…, S, d), v (…, S, dv), leading dims broadcast -> out (…, T, dv), lse (…, T).
 */
// out = P v,  P = softmax(s),  s = q kᵀ · scale + M
// dv = Pᵀ dout,  dP = dout vᵀ,  dS = P ∘ (dP - rowsum(dout ∘ out)),  dq = dS k · scale,  dk = dSᵀ q · scale
export function fusedAttention(q: Tensor, k: Tensor, v: Tensor, masks: FusedAttentionMasks, scale: number): { out: Tensor; lse: Tensor } {
  const lead = check(q, k, v, masks, scale);
  const T = q.shape[q.ndim - 2], S = k.shape[k.ndim - 2];
  const [qe, ke, ve] = [q, k, v].map((t) => t.expand([...lead, ...t.shape.slice(-2)])); // (…, T, d), (…, S, d), (…, S, dv)
  const be = q._backend, dtype = q.dtype, scores = [...lead, T, S];
  const kernelMasks: AttentionMasks = {
    bias: masks.bias ? masks.bias._broadcastView(scores) : null,
    blocked: masks.blocked ? masks.blocked._broadcastView(scores) : null,
    causal: masks.causal ?? false,
  };
  const r = be.attention(qe._view, ke._view, ve._view, kernelMasks, scale, dtype);
  const out = Tensor._fromStorage(be, r.out, [...lead, T, ve.shape[ve.ndim - 1]], dtype);
  const lse = Tensor._fromStorage(be, r.lse, [...lead, T], dtype);
  record('scaledDotProductAttention', [qe, ke, ve], out, (dout) => {
    if (isGradEnabled()) return backwardComposed(qe, ke, ve, masks, scale, dout); // createGraph
    const g = be.attentionBackward(qe._view, ke._view, ve._view, kernelMasks, scale, out._view, lse._view, dout._view, dtype);
    return [Tensor._fromStorage(be, g.dq, qe.shape, dtype), Tensor._fromStorage(be, g.dk, ke.shape, dtype), Tensor._fromStorage(be, g.dv, ve.shape, dtype)];
  });
  return { out, lse };
}

/** The backward above from primitives (P recomputed as layers/attention.ts's safeSoftmax does), so it differentiates again. */
function backwardComposed(q: Tensor, k: Tensor, v: Tensor, masks: FusedAttentionMasks, scale: number, dout: Tensor): Tensor[] {
  const T = q.shape[q.ndim - 2], S = k.shape[k.ndim - 2];
  let s = q.mul(scale).matmul(k.transpose(-2, -1)); // (…, T, S)
  if (masks.bias) s = s.add(masks.bias);
  if (masks.blocked) s = s.maskedFill(masks.blocked, -Infinity);
  if (masks.causal) {
    const future = Uint8Array.from({ length: T * S }, (_, i) => (i % S > Math.floor(i / S) ? 1 : 0)); // (T, S): s > t
    s = s.maskedFill(Tensor._fromHost(q._backend, future, [T, S], 'bool'), -Infinity);
  }
  const dead = s.detach().amax(-1, true).eq(-Infinity); // (…, T, 1): every key masked
  const p = s.maskedFill(dead, 0).softmax(-1).maskedFill(dead, 0); // (…, T, S)
  const out = p.matmul(v); // (…, T, dv)
  const dS = p.mul(dout.matmul(v.transpose(-2, -1)).sub(dout.mul(out).sum(-1, true))); // (…, T, S)
  return [dS.matmul(k).mul(scale), dS.transpose(-2, -1).matmul(q).mul(scale), p.transpose(-2, -1).matmul(dout)];
}
