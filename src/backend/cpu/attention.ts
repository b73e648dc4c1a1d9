// attention.ts — the CPU fused attention kernels: out = softmax(q kᵀ · scale + masks) v, one query
// row at a time, keeping only that row's S scores (never the (T, S) matrix), and the backward
// that recomputes each row's weights from the saved log-sum-exp, as FlashAttention does (with a
// row block of one query). Arithmetic in float64, stored in `dtype`. Shapes are checked by the
// op (autograd/ops/attention.ts). Shape letters: … leading (batch) dims, T queries, S keys,
// d query/key features, dv value features. Reference: Dao et al. 2022, FlashAttention, Alg. 1-2.

import type { AttentionMasks, View } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { allocTyped } from '../../tensor/dtype.js';
import { numel } from '../../tensor/shape.js';
import { batchOffsets } from '../strided.js';

type Arr = TypedArray;

/** A (…, R, F) view's batch offsets and its row and feature strides. */
interface Mat { data: Arr; at: number[]; sr: number; sf: number }
function mat(x: View<Arr>, lead: number[]): Mat {
  const n = x.shape.length;
  return { data: x.data, at: batchOffsets(x, lead), sr: x.stride[n - 2], sf: x.stride[n - 1] };
}

/** Everything a row of scores depends on, read once per call. */
interface Rows { lead: number[]; T: number; S: number; d: number; dv: number; q: Mat; k: Mat; v: Mat; bias: Mat | null; blocked: Mat | null; causal: boolean; scale: number }

function rows(q: View<Arr>, k: View<Arr>, v: View<Arr>, masks: AttentionMasks<Arr>, scale: number): Rows {
  const n = q.shape.length, lead = q.shape.slice(0, n - 2);
  return {
    lead, T: q.shape[n - 2], S: k.shape[n - 2], d: q.shape[n - 1], dv: v.shape[n - 1],
    q: mat(q, lead), k: mat(k, lead), v: mat(v, lead),
    bias: masks.bias ? mat(masks.bias, lead) : null, blocked: masks.blocked ? mat(masks.blocked, lead) : null,
    causal: masks.causal, scale,
  };
}

// s_j = q_t · k_j · scale + bias_tj,  -inf where blocked (or j > t when causal)
/** Fills s with query t's masked scores in batch b and returns their max (-inf: every key masked). */
function scoreRow(r: Rows, b: number, t: number, s: Float64Array): number {
  const { q, k, bias, blocked } = r;
  const qt = q.at[b] + t * q.sr;
  let m = -Infinity;
  for (let j = 0; j < r.S; j++) {
    if ((r.causal && j > t) || (blocked && blocked.data[blocked.at[b] + t * blocked.sr + j * blocked.sf] !== 0)) {
      s[j] = -Infinity;
      continue;
    }
    const kj = k.at[b] + j * k.sr;
    let dot = 0;
    for (let e = 0; e < r.d; e++) dot += q.data[qt + e * q.sf] * k.data[kj + e * k.sf];
    let v = dot * r.scale;
    if (bias) v += bias.data[bias.at[b] + t * bias.sr + j * bias.sf];
    s[j] = v;
    if (v > m || v !== v) m = v;
  }
  return m;
}

// P_tj = exp(s_tj - m_t) / z_t,  z_t = Σ_j exp(s_tj - m_t),  out_t = Σ_j P_tj v_j,  lse_t = m_t + log z_t
export function attentionKernel(q: View<Arr>, k: View<Arr>, v: View<Arr>, masks: AttentionMasks<Arr>, scale: number, dtype: DType): { out: Arr; lse: Arr } {
  const r = rows(q, k, v, masks, scale);
  const { T, S, dv } = r, nb = numel(r.lead);
  const out = allocTyped(dtype, nb * T * dv), lse = allocTyped(dtype, nb * T);
  const s = new Float64Array(S), acc = new Float64Array(dv);
  for (let b = 0; b < nb; b++) {
    for (let t = 0; t < T; t++) {
      const m = scoreRow(r, b, t, s);
      if (m === -Infinity) { lse[b * T + t] = -Infinity; continue; } // every key masked: out row stays 0
      acc.fill(0);
      let z = 0;
      for (let j = 0; j < S; j++) {
        const p = Math.exp(s[j] - m);
        if (p === 0) continue;
        z += p;
        const vj = r.v.at[b] + j * r.v.sr;
        for (let e = 0; e < dv; e++) acc[e] += p * r.v.data[vj + e * r.v.sf];
      }
      const o = (b * T + t) * dv;
      for (let e = 0; e < dv; e++) out[o + e] = acc[e] / z;
      lse[b * T + t] = m + Math.log(z);
    }
  }
  return { out, lse };
}

// dv_j = Σ_t P_tj dO_t,  dP_tj = dO_t · v_j,  dS_tj = P_tj (dP_tj - D_t),  D_t = dO_t · O_t,
// dq_t = scale Σ_j dS_tj k_j,  dk_j = scale Σ_t dS_tj q_t,   P_tj = exp(s_tj - lse_t) recomputed row by row
export function attentionBackwardKernel(
  q: View<Arr>, k: View<Arr>, v: View<Arr>, masks: AttentionMasks<Arr>, scale: number,
  out: View<Arr>, lse: View<Arr>, dout: View<Arr>, dtype: DType,
): { dq: Arr; dk: Arr; dv: Arr } {
  const r = rows(q, k, v, masks, scale);
  const { T, S, d, dv } = r, nb = numel(r.lead);
  const O = mat(out, r.lead), dO = mat(dout, r.lead);
  const lseAt = batchOffsets(lse, r.lead), sl = lse.stride[lse.shape.length - 1];
  const dq = allocTyped(dtype, nb * T * d), dk = allocTyped(dtype, nb * S * d), dV = allocTyped(dtype, nb * S * dv);
  const s = new Float64Array(S), dqRow = new Float64Array(d), dkB = new Float64Array(S * d), dvB = new Float64Array(S * dv);
  for (let b = 0; b < nb; b++) {
    dkB.fill(0);
    dvB.fill(0);
    for (let t = 0; t < T; t++) {
      const l = lse.data[lseAt[b] + t * sl];
      if (l === -Infinity) continue; // every key masked: no gradient through this row
      scoreRow(r, b, t, s);
      // P_tj = exp(s_tj - lse_t) / z_t: z_t is 1 but for lse's rounding to `dtype`, which dividing by it cancels
      let z = 0;
      for (let j = 0; j < S; j++) z += (s[j] = Math.exp(s[j] - l));
      const qt = r.q.at[b] + t * r.q.sr, ot = O.at[b] + t * O.sr, gt = dO.at[b] + t * dO.sr;
      let D = 0;
      for (let e = 0; e < dv; e++) D += dO.data[gt + e * dO.sf] * O.data[ot + e * O.sf];
      dqRow.fill(0);
      for (let j = 0; j < S; j++) {
        const p = s[j] / z;
        if (p === 0) continue; // masked key (or a weight that underflowed): no contribution
        const kj = r.k.at[b] + j * r.k.sr, vj = r.v.at[b] + j * r.v.sr;
        let dp = 0;
        for (let e = 0; e < dv; e++) {
          const g = dO.data[gt + e * dO.sf];
          dp += g * r.v.data[vj + e * r.v.sf];
          dvB[j * dv + e] += p * g;
        }
        const ds = p * (dp - D);
        for (let e = 0; e < d; e++) {
          dqRow[e] += ds * r.k.data[kj + e * r.k.sf];
          dkB[j * d + e] += ds * r.q.data[qt + e * r.q.sf];
        }
      }
      for (let e = 0; e < d; e++) dq[(b * T + t) * d + e] = dqRow[e] * scale;
    }
    for (let i = 0; i < S * d; i++) dk[b * S * d + i] = dkB[i] * scale;
    for (let i = 0; i < S * dv; i++) dV[b * S * dv + i] = dvB[i];
  }
  return { dq, dk, dv: dV };
}
