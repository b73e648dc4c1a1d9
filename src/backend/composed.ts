// composed.ts — the fused composites of the Backend interface (geluBackward, crossEntropy and its
// backward, attention and its backward, adamStep) written with the other Backend methods only,
// for a backend without kernels of its own for them (gpujs uses these). Each line is one
// primitive kernel, the same math as the CPU twin in cpu/elementwise.ts, cpu/loss.ts,
// cpu/attention.ts and cpu/optim.ts, which the tests hold them to. Shape letters: N rows,
// C classes; … leading (batch) dims, T queries, S keys. Reference: see each CPU twin.

import type { AdamHyper, AttentionMasks, Backend, BinaryOp, CrossEntropyOptions, UnaryOp, View } from './backend.js';
import type { DType } from '../tensor/dtype.js';
import { allocTyped } from '../tensor/dtype.js';
import { contiguousStrides } from '../tensor/shape.js';

/** A fresh contiguous storage as a view of `shape`. */
const whole = <S>(data: S, shape: number[]): View<S> => ({ data, shape, stride: contiguousStrides(shape), offset: 0 });

/** x (…) broadcast along a new last dim of size n: (…) -> (…, n) with stride 0. */
const col = <S>(x: View<S>, n: number): View<S> => ({ ...x, shape: [...x.shape, n], stride: [...x.stride, 0] });

/** The last two dims of x swapped (a view): (…, R, F) -> (…, F, R). */
function transposed<S>(x: View<S>): View<S> {
  const n = x.shape.length, shape = [...x.shape], stride = [...x.stride];
  [shape[n - 2], shape[n - 1]] = [shape[n - 1], shape[n - 2]];
  [stride[n - 2], stride[n - 1]] = [stride[n - 1], stride[n - 2]];
  return { ...x, shape, stride };
}

/** The primitives as functions of views, numbers turning into stride-0 scalars of the other operand's shape. */
function calc<S>(b: Backend<S>, dtype: DType) {
  const scalar = (v: number, shape: number[], dt: DType = dtype): View<S> => {
    const a = allocTyped(dt, 1);
    a[0] = v;
    return { data: b.fromHost(dt, a), shape, stride: shape.map(() => 0), offset: 0 };
  };
  const bin = (op: BinaryOp) => (x: View<S>, y: View<S> | number): View<S> =>
    whole(b.binary(op, x, typeof y === 'number' ? scalar(y, x.shape) : y, dtype), x.shape);
  const un = (op: UnaryOp) => (x: View<S>): View<S> => whole(b.unary(op, x, dtype), x.shape);
  return {
    scalar, add: bin('add'), sub: bin('sub'), mul: bin('mul'), div: bin('div'), maximum: bin('maximum'),
    neg: un('neg'), exp: un('exp'), log: un('log'), sqrt: un('sqrt'), erf: un('erf'),
    /** cond ? v : x */
    fill: (cond: View<S>, v: number, x: View<S>): View<S> => whole(b.where(cond, scalar(v, x.shape), x, dtype), x.shape),
    /** reduction over the last dim: (…, n) -> (…) */
    last: (op: 'sum' | 'max', x: View<S>): View<S> => whole(b.reduce(op, x, [x.shape.length - 1], dtype), x.shape.slice(0, -1)),
    matmul: (x: View<S>, y: View<S>): View<S> => whole(b.matmul(x, y, dtype), [...x.shape.slice(0, -1), y.shape[y.shape.length - 1]]),
  };
}

// ---- GELU --------------------------------------------------------------------------------------

// dx = dy (Φ(x) + x φ(x)),  Φ(x) = (1 + erf(x / √2)) / 2,  φ(x) = exp(-x² / 2) / √(2π)
export function geluBackwardComposed<S>(b: Backend<S>, x: View<S>, dy: View<S>, dtype: DType): S {
  const c = calc(b, dtype);
  const cdf = c.mul(c.add(c.erf(c.mul(x, Math.SQRT1_2)), 1), 0.5);
  const pdf = c.mul(c.exp(c.mul(c.mul(x, x), -0.5)), 1 / Math.sqrt(2 * Math.PI));
  return b.binary('mul', dy, c.add(cdf, c.mul(x, pdf)), dtype);
}

// ---- cross-entropy over (N, C) logits -----------------------------------------------------------

/** The ignored rows (bool (N)), the targets with ignored ones set to class 0, and w[y] (or null). */
function targets<S>(b: Backend<S>, y: View<S>, o: CrossEntropyOptions<S>, dtype: DType) {
  const c = calc(b, dtype), N = y.shape[0];
  const ignored = whole(b.binary('eq', y, c.scalar(o.ignoreIndex, [N], 'int32'), 'bool'), [N]);
  const safe = whole(b.where(ignored, c.scalar(0, [N], 'int32'), y, 'int32'), [N]);
  const wy = o.weight ? whole(b.indexSelect(o.weight, 0, safe, dtype), [N]) : null;
  return { ignored, safe, wy };
}

// lse_i = m_i + log Σ_c exp(x_ic - m_i),  ℓ_i = -(1 - ε) w_y logp_iy - (ε / C) Σ_c w_c logp_ic,  0 where ignored
export function crossEntropyComposed<S>(b: Backend<S>, x: View<S>, y: View<S>, o: CrossEntropyOptions<S>, dtype: DType): { loss: S; lse: S } {
  const c = calc(b, dtype), [N, C] = x.shape, eps = o.labelSmoothing;
  const mx = c.last('max', x);
  const m = c.fill(whole(b.binary('eq', mx, c.scalar(-Infinity, [N]), 'bool'), [N]), 0, mx); // (N); 0 on an all -inf row
  const lse = c.add(m, c.log(c.last('sum', c.exp(c.sub(x, col(m, C)))))); // (N)
  const logp = whole(b.softmax(x, 1, true, dtype), [N, C]);
  const { ignored, safe, wy } = targets(b, y, o, dtype);
  const logpY = whole(b.gather(logp, 1, { ...safe, shape: [N, 1], stride: [1, 1] }, dtype), [N]); // logp[i, y_i]
  let loss = c.mul(wy ? c.mul(logpY, wy) : logpY, eps - 1); // -(1 - ε) w_y logp_iy
  if (eps > 0) {
    const wLogp = o.weight ? c.mul(logp, { ...o.weight, shape: [N, C], stride: [0, o.weight.stride[0]] }) : logp;
    loss = c.sub(loss, c.mul(c.last('sum', wLogp), eps / C));
  }
  return { loss: c.fill(ignored, 0, loss).data, lse: lse.data };
}

// dx_ic = dℓ_i (p_ic Σ_c' a_c' - a_c),  a_c = (1 - ε) w_y [c = y_i] + (ε / C) w_c,  p_i = softmax(x_i) via lse_i
export function crossEntropyBackwardComposed<S>(
  b: Backend<S>, x: View<S>, y: View<S>, lse: View<S>, dloss: View<S>, o: CrossEntropyOptions<S>, dtype: DType,
): S {
  const c = calc(b, dtype), [N, C] = x.shape, eps = o.labelSmoothing;
  const { ignored, safe, wy } = targets(b, y, o, dtype);
  const classes = whole(b.fromHost('int32', Int32Array.from({ length: C }, (_, k) => k)), [C]);
  const isY = whole(b.binary('eq', col(safe, C), { ...classes, shape: [N, C], stride: [0, 1] }, 'bool'), [N, C]); // [c = y_i]
  const aY = wy ? c.mul(wy, 1 - eps) : c.scalar(1 - eps, [N]); // (1 - ε) w_y, (N)
  const wRow = o.weight ? { ...o.weight, shape: [N, C], stride: [0, o.weight.stride[0]] } : c.scalar(1, [N, C]);
  const a = c.add(c.mul(whole(b.copy(isY, dtype), [N, C]), col(aY, C)), c.mul(wRow, eps / C)); // (N, C)
  const wSum = o.weight ? c.last('sum', o.weight) : c.scalar(C, []); // Σ_c w_c, ()
  const aSum = c.add(aY, c.mul({ ...wSum, shape: [N], stride: [0] }, eps / C)); // (N)
  const e = c.exp(c.sub(x, col(lse, C)));
  const p = c.div(e, col(c.last('sum', e), C)); // softmax; the row sum cancels lse's rounding
  const dx = c.mul(col(dloss, C), c.sub(c.mul(p, col(aSum, C)), a));
  return c.fill(col(ignored, C), 0, dx).data;
}

// ---- attention over (…, T, d) queries, (…, S, d) keys, (…, S, dv) values ----------------------

/** Masked scores q kᵀ · scale + bias, -inf where blocked or (causal) where s > t: (…, T, S). */
function scores<S>(b: Backend<S>, q: View<S>, k: View<S>, masks: AttentionMasks<S>, scale: number, dtype: DType): View<S> {
  const c = calc(b, dtype), n = q.shape.length, T = q.shape[n - 2], S = k.shape[n - 2];
  let s = c.matmul(c.mul(q, scale), transposed(k)); // (…, T, d) @ (…, d, S) -> (…, T, S)
  if (masks.bias) s = c.add(s, masks.bias);
  if (masks.blocked) s = c.fill(masks.blocked, -Infinity, s);
  if (masks.causal) {
    const future = new Uint8Array(T * S).map((_, i) => (i % S > Math.floor(i / S) ? 1 : 0)); // (T, S): s > t
    const fv = whole(b.fromHost('bool', future), [T, S]);
    s = c.fill({ ...fv, shape: s.shape, stride: [...s.shape.slice(0, -2).map(() => 0), S, 1] }, -Infinity, s);
  }
  return s;
}

// P = exp(s - m) / z row by row (0 on a row with every key masked),  out = P v,  lse = m + log z
export function attentionComposed<S>(
  b: Backend<S>, q: View<S>, k: View<S>, v: View<S>, masks: AttentionMasks<S>, scale: number, dtype: DType,
): { out: S; lse: S } {
  const c = calc(b, dtype), s = scores(b, q, k, masks, scale, dtype), S = s.shape[s.shape.length - 1];
  const mx = c.last('max', s); // (…, T)
  const dead = whole(b.binary('eq', mx, c.scalar(-Infinity, mx.shape), 'bool'), mx.shape);
  const m = c.fill(dead, 0, mx);
  const e = c.exp(c.sub(s, col(m, S))); // (…, T, S)
  const z = c.last('sum', e);
  const p = c.fill(col(dead, S), 0, c.div(e, col(z, S)));
  return { out: c.matmul(p, v).data, lse: c.add(m, c.log(z)).data }; // log 0 = -inf on dead rows
}

// dv = Pᵀ dO,  dP = dO vᵀ,  dS = P ∘ (dP - rowsum(dO ∘ O)),  dq = dS k · scale,  dk = dSᵀ q · scale
export function attentionBackwardComposed<S>(
  b: Backend<S>, q: View<S>, k: View<S>, v: View<S>, masks: AttentionMasks<S>, scale: number,
  out: View<S>, lse: View<S>, dout: View<S>, dtype: DType,
): { dq: S; dk: S; dv: S } {
  const c = calc(b, dtype), s = scores(b, q, k, masks, scale, dtype), S = s.shape[s.shape.length - 1];
  const dead = whole(b.binary('eq', lse, c.scalar(-Infinity, lse.shape), 'bool'), lse.shape);
  const e = c.exp(c.sub(s, col(lse, S))); // P = exp(s - lse) recomputed, divided by its row sum to cancel lse's rounding
  const p = c.fill(col(dead, S), 0, c.div(e, col(c.last('sum', e), S)));
  const dP = c.matmul(dout, transposed(v)); // (…, T, dv) @ (…, dv, S)
  const dS = c.mul(p, c.sub(dP, col(c.last('sum', c.mul(dout, out)), S)));
  return {
    dq: c.mul(c.matmul(dS, k), scale).data, // (…, T, S) @ (…, S, d)
    dk: c.mul(c.matmul(transposed(dS), q), scale).data, // (…, S, T) @ (…, T, d)
    dv: c.matmul(transposed(p), dout).data, // (…, S, T) @ (…, T, dv)
  };
}

// ---- Adam / AdamW ---------------------------------------------------------------------------

// the steps of src/optim/adam.ts's composed update, one kernel each, then written in place
export function adamStepComposed<S>(
  b: Backend<S>, p: View<S>, grad: View<S>, expAvg: View<S>, expAvgSq: View<S>, maxExpAvgSq: View<S> | null, h: AdamHyper, dtype: DType,
): void {
  const c = calc(b, dtype);
  let g = h.maximize ? c.neg(grad) : grad;
  let th = p;
  if (h.weightDecay !== 0) {
    if (h.decoupled) th = c.mul(p, 1 - h.lr * h.weightDecay); // θ = θ (1 - lr λ)
    else g = c.add(g, c.mul(p, h.weightDecay)); // g = g + λ θ
  }
  const m = c.add(c.mul(expAvg, h.beta1), c.mul(g, 1 - h.beta1));
  const v = c.add(c.mul(expAvgSq, h.beta2), c.mul(c.mul(g, g), 1 - h.beta2));
  const vHat = maxExpAvgSq ? c.maximum(maxExpAvgSq, v) : v;
  const denom = c.add(c.div(c.sqrt(vHat), Math.sqrt(1 - h.beta2 ** h.step)), h.eps);
  const th1 = c.sub(th, c.mul(c.div(m, denom), h.lr / (1 - h.beta1 ** h.step)));
  b.assign(p, th1);
  b.assign(expAvg, m);
  b.assign(expAvgSq, v);
  if (maxExpAvgSq) b.assign(maxExpAvgSq, vHat);
}
