// attention.ts — float32 fused attention in WebAssembly SIMD, threaded over (batch, row block) items;
// twin of src/backend/cpu/attention.ts. FlashAttention-style (Dao et al. 2022, Alg. 1-2), a block of
// br queries against every key: scores = Q_blk Kᵀ by matmul.ts's gemmRows into the thread's scratch,
// masked and softmaxed in place (keeping each row's lse), O_blk = P V; the backward recomputes P from
// lse. Shapes: nb flattened leading dims, T queries, S keys, d query/key features, dv value features.
import { arg, argf, shareLo } from './common';
import { gemmRows, sgemmScratchBytes } from './matmul';
import { expShiftRow, maxRow, scaleRow } from './loss';

// Argument words of both kernels: 0 nb, 1 T, 2 S, 3 d, 4 dv, 5 br, 6 the batch table (8 words
// per batch: byte addresses of element [0, 0] of q, k, v, bias, blocked, out, dout, lse there),
// 7-16 row and feature strides (elements) of q, k, v, bias, blocked, 17 flags, 18 scale (f32),
// 19 scratch, 20 scratch bytes per thread.
const NB = 0, T_ = 1, S_ = 2, D = 3, DV = 4, BR = 5, TABLE = 6, QR = 7, QF = 8, KR = 9, KF = 10, VR = 11, VF = 12;
const BIAS_R = 13, BIAS_F = 14, BLK_R = 15, BLK_F = 16, FLAGS = 17, SCALE = 18, SCRATCH = 19, SCRATCH_BYTES = 20;
// forward: 21 out (nb, T, dv), 22 lse (nb, T), contiguous
const OUT = 21, LSE = 22;
// backward: 21-24 row and feature strides of out and dout, 25 lse's stride, 26 dq, 27 dk, 28 dv
// (contiguous, shaped as q, k, v), 29 split (dk, dv summed from per-thread parts), 30 phase
const OR = 21, OF = 22, GR = 23, GF = 24, LSE_S = 25, DQ = 26, DK = 27, DVO = 28, SPLIT = 29, PHASE = 30;
// the table's columns, and the flags
const TQ = 0, TK = 4, TV = 8, TBIAS = 12, TBLK = 16, TO = 20, TG = 24, TLSE = 28;
const HAS_BIAS = 1, HAS_BLOCKED = 2, CAUSAL = 4;

// @ts-ignore: decorator
@inline function align64(bytes: usize): usize {
  return (bytes + 63) & ~(<usize>63);
}

// A thread's scratch (src/backend/wasm/attention.ts sizes it the same way): the GEMM's packing
// space, the (br, S) scores, the (br, S) dP, one float per row, then (backward, split) its dk, dv.
// @ts-ignore: decorator
@inline function scoresAt(scratch: usize): usize {
  return scratch + <usize>sgemmScratchBytes();
}
// @ts-ignore: decorator
@inline function blockBytes(args: usize): usize {
  return align64(<usize>arg(args, BR) * <usize>arg(args, S_) << 2);
}

/** Byte address of row t of the matrix whose table column is `col` in batch b's table row. */
// @ts-ignore: decorator
@inline function rowAt(tab: usize, col: i32, t: i32, rowStride: i32, bytes: i32): usize {
  return <usize>load<u32>(tab + <usize>col) + <usize>(t * rowStride * bytes);
}

/** Whether maskRow rewrites the scores (a mask to apply, or a scale ≤ 0); else the exp pass scales them. */
// @ts-ignore: decorator
@inline function scalesInPlace(args: usize): bool {
  return (arg(args, FLAGS) & (HAS_BIAS | HAS_BLOCKED)) != 0 || !(argf(args, SCALE) > 0);
}

/** How many of its n keys query t may see: all, or with causal those up to t. */
// @ts-ignore: decorator
@inline function limitOf(args: usize, t: i32, n: i32): i32 {
  return (arg(args, FLAGS) & CAUSAL) != 0 ? min(n, t + 1) : n;
}

// s_j · scale + bias_tj,  -inf where blocked
/**
 * The max of query t's first `lim` scores at `row` once scaled and masked (-inf: every key
 * masked; 0 if not `wantMax`). With a mask (scalesInPlace) the row is rewritten to those values;
 * without, it stays raw and the max is max(s) · scale (scale > 0).
 */
function maskRow(args: usize, tab: usize, t: i32, row: usize, lim: i32, wantMax: bool): f32 {
  const flags = arg(args, FLAGS), scale = argf(args, SCALE);
  if (!scalesInPlace(args)) return wantMax ? maxRow(row, lim) * scale : 0;
  const hasBias = (flags & HAS_BIAS) != 0, hasBlk = (flags & HAS_BLOCKED) != 0;
  const bf = arg(args, BIAS_F), mf = arg(args, BLK_F);
  const bp = hasBias ? rowAt(tab, TBIAS, t, arg(args, BIAS_R), 4) : 0;
  const mp = hasBlk ? rowAt(tab, TBLK, t, arg(args, BLK_R), 1) : 0;
  let mv = f32x4.splat(-Infinity);
  let j = 0;
  if ((!hasBias || bf == 1) && (!hasBlk || mf == 1)) {
    const sc = f32x4.splat(scale), ninf = f32x4.splat(-Infinity), zero = i32x4.splat(0);
    for (; j + 4 <= lim; j += 4) {
      const p = row + (<usize>j << 2);
      let v = f32x4.mul(v128.load(p), sc);
      if (hasBias) v = f32x4.add(v, v128.load(bp + (<usize>j << 2)));
      if (hasBlk) v = v128.bitselect(ninf, v, i32x4.ne(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(mp + <usize>j))), zero));
      v128.store(p, v);
      mv = f32x4.max(mv, v); // NaN propagates: a NaN score is no dead row
    }
  }
  let m = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
  for (; j < lim; j++) {
    const p = row + (<usize>j << 2);
    let v = load<f32>(p) * scale;
    if (hasBias) v += load<f32>(bp + <usize>(j * bf * 4));
    if (hasBlk && load<u8>(mp + <usize>(j * mf)) != 0) v = -Infinity;
    store<f32>(p, v);
    m = max(m, v);
  }
  return m;
}

// p_j = exp(s_j · scale + bias_j - shift),  0 where masked
/** Query t's weights over its n keys, in place of what maskRow left in `row`; returns their sum. */
function weightsRow(args: usize, t: i32, row: usize, n: i32, shift: f32): f64 {
  const lim = limitOf(args, t, n);
  const z = expShiftRow(row, row, lim, scalesInPlace(args) ? 1 : argf(args, SCALE), shift);
  if (lim < n) memory.fill(row + (<usize>lim << 2), 0, <usize>(n - lim) << 2); // causal: the keys after t
  return z;
}

/** Keys a block of rows [t0, t0 + rows) can see: all S, or with causal only those up to its last row. */
// @ts-ignore: decorator
@inline function keysFor(args: usize, t0: i32, rows: i32): i32 {
  const S = arg(args, S_);
  return (arg(args, FLAGS) & CAUSAL) != 0 ? min(S, t0 + rows) : S;
}

// P_tj = exp(s_tj - m_t) / z_t,  z_t = Σ_j exp(s_tj - m_t),  out_t = Σ_j P_tj v_j,  lse_t = m_t + log z_t
function forwardBlock(args: usize, b: i32, t0: i32, rows: i32, scratch: usize): void {
  const T = arg(args, T_), d = arg(args, D), dv = arg(args, DV), n = keysFor(args, t0, rows);
  const tab = <usize>arg(args, TABLE) + (<usize>b << 5);
  const s = scoresAt(scratch), inv = s + 2 * blockBytes(args);
  const k = <usize>load<u32>(tab + TK), v = <usize>load<u32>(tab + TV);
  // s = q_blk kᵀ  (rows, n): kᵀ's rows are k's features
  gemmRows(0, rows, n, d, rowAt(tab, TQ, t0, arg(args, QR), 4), arg(args, QR), arg(args, QF), k, arg(args, KF), arg(args, KR), s, scratch, false);
  const lse = <usize>arg(args, LSE) + (<usize>(b * T + t0) << 2);
  for (let i = 0; i < rows; i++) {
    const row = s + (<usize>(i * n) << 2);
    const m = maskRow(args, tab, t0 + i, row, limitOf(args, t0 + i, n), true);
    if (m == -Infinity) { // every key masked: P row 0, lse -inf
      memory.fill(row, 0, <usize>n << 2);
      store<f32>(inv + (<usize>i << 2), 0);
      store<f32>(lse + (<usize>i << 2), -Infinity);
      continue;
    }
    const z = weightsRow(args, t0 + i, row, n, m);
    store<f32>(inv + (<usize>i << 2), <f32>(1 / z));
    store<f32>(lse + (<usize>i << 2), <f32>(<f64>m + Math.log(z)));
  }
  // out_blk = (P v) / z, row by row
  const out = <usize>arg(args, OUT) + (<usize>(b * T + t0) * <usize>dv << 2);
  gemmRows(0, rows, dv, n, s, n, 1, v, arg(args, VR), arg(args, VF), out, scratch, false);
  for (let i = 0; i < rows; i++) {
    const c = load<f32>(inv + (<usize>i << 2)), o = out + (<usize>(i * dv) << 2);
    if (c == 0) memory.fill(o, 0, <usize>dv << 2);
    else scaleRow(o, dv, c);
  }
}

/** Forward. Items (batch, row block) are dealt out to the threads in turn. */
export function attentionF32(tid: i32, nt: i32, args: usize): void {
  const nb = arg(args, NB), T = arg(args, T_), br = arg(args, BR), blocks = (T + br - 1) / br;
  const scratch = <usize>arg(args, SCRATCH) + <usize>tid * <usize>arg(args, SCRATCH_BYTES);
  for (let it = tid; it < nb * blocks; it += nt) {
    const b = it / blocks, t0 = (it % blocks) * br;
    forwardBlock(args, b, t0, min(br, T - t0), scratch);
  }
}

// dv_j += Σ_t P_tj dO_t,  dP_tj = dO_t · v_j,  dS_tj = scale P_tj (dP_tj - D_t),  D_t = dO_t · O_t,
// dq_t = Σ_j dS_tj k_j,  dk_j += Σ_t dS_tj q_t,   P_tj = exp(s_tj - lse_t) / z_t recomputed
/** The backward of rows [t0, t0 + rows) of batch b, adding into dk, dv (that batch's (S, d), (S, dv)). */
function backwardBlock(args: usize, b: i32, t0: i32, rows: i32, scratch: usize, dk: usize, dv: usize): void {
  const T = arg(args, T_), d = arg(args, D), e = arg(args, DV), n = keysFor(args, t0, rows);
  const tab = <usize>arg(args, TABLE) + (<usize>b << 5);
  const s = scoresAt(scratch), dp = s + blockBytes(args), Drow = dp + blockBytes(args);
  const q = rowAt(tab, TQ, t0, arg(args, QR), 4), g = rowAt(tab, TG, t0, arg(args, GR), 4);
  const k = <usize>load<u32>(tab + TK), v = <usize>load<u32>(tab + TV);
  const qr = arg(args, QR), qf = arg(args, QF), gr = arg(args, GR), gf = arg(args, GF);
  const orS = arg(args, OR), ofS = arg(args, OF), lseS = arg(args, LSE_S);
  // s = q_blk kᵀ, then P row by row (0 on rows with every key masked)
  gemmRows(0, rows, n, d, q, qr, qf, k, arg(args, KF), arg(args, KR), s, scratch, false);
  for (let i = 0; i < rows; i++) {
    const row = s + (<usize>(i * n) << 2), t = t0 + i;
    const l = load<f32>(rowAt(tab, TLSE, t, lseS, 4));
    if (l == -Infinity) {
      memory.fill(row, 0, <usize>n << 2);
      continue;
    }
    maskRow(args, tab, t, row, limitOf(args, t, n), false);
    scaleRow(row, n, <f32>(1 / weightsRow(args, t, row, n, l)));
    // D_t = dO_t · O_t
    const o = rowAt(tab, TO, t, orS, 4), gt = g + <usize>(i * gr * 4);
    let dot: f64 = 0;
    for (let c = 0; c < e; c++) dot += <f64>load<f32>(gt + <usize>(c * gf * 4)) * <f64>load<f32>(o + <usize>(c * ofS * 4));
    store<f32>(Drow + (<usize>i << 2), <f32>dot);
  }
  // dP = dO_blk vᵀ  (rows, n), then dS = scale P ∘ (dP - D) in its place
  gemmRows(0, rows, n, e, g, gr, gf, v, arg(args, VF), arg(args, VR), dp, scratch, false);
  const scale = argf(args, SCALE), sc = f32x4.splat(scale);
  for (let i = 0; i < rows; i++) {
    const P = s + (<usize>(i * n) << 2), dS = dp + (<usize>(i * n) << 2), Dt = load<f32>(Drow + (<usize>i << 2));
    if (load<f32>(rowAt(tab, TLSE, t0 + i, lseS, 4)) == -Infinity) { memory.fill(dS, 0, <usize>n << 2); continue; }
    const Dv = f32x4.splat(Dt);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      v128.store(dS + o, f32x4.mul(f32x4.mul(v128.load(P + o), f32x4.sub(v128.load(dS + o), Dv)), sc));
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      store<f32>(dS + o, load<f32>(P + o) * (load<f32>(dS + o) - Dt) * scale);
    }
  }
  // dv[0, n) += Pᵀ dO_blk,  dk[0, n) += dSᵀ q_blk,  dq_blk = dS k
  gemmRows(0, n, e, rows, s, 1, n, g, gr, gf, dv, scratch, true);
  gemmRows(0, n, d, rows, dp, 1, n, q, qr, qf, dk, scratch, true);
  const dq = <usize>arg(args, DQ) + (<usize>(b * T + t0) * <usize>d << 2);
  gemmRows(0, rows, d, n, dp, n, 1, k, arg(args, KR), arg(args, KF), dq, scratch, false);
}

/**
 * Backward, in one of two ways. Not split: each thread takes whole batches, adding straight
 * into their dk, dv. Split (fewer batches than threads): phase 0 deals (batch, row block) items
 * out in turn, each thread adding into its own zeroed dk, dv parts in scratch; phase 1 sums
 * the parts into dk, dv, each thread a range of elements.
 */
export function attentionBackwardF32(tid: i32, nt: i32, args: usize): void {
  const nb = arg(args, NB), T = arg(args, T_), S = arg(args, S_), d = arg(args, D), e = arg(args, DV), br = arg(args, BR);
  const blocks = (T + br - 1) / br, kSize = S * d, vSize = S * e;
  const bytes = <usize>arg(args, SCRATCH_BYTES), base = <usize>arg(args, SCRATCH);
  const scratch = base + <usize>tid * bytes;
  const partsAt = scoresAt(0) + 2 * blockBytes(args) + align64(<usize>br << 2); // within a thread's scratch
  const dkOut = <usize>arg(args, DK), dvOut = <usize>arg(args, DVO);
  if (arg(args, SPLIT) == 0) {
    for (let b = tid; b < nb; b += nt) {
      const dk = dkOut + (<usize>(b * kSize) << 2), dv = dvOut + (<usize>(b * vSize) << 2);
      memory.fill(dk, 0, <usize>kSize << 2);
      memory.fill(dv, 0, <usize>vSize << 2);
      for (let t0 = 0; t0 < T; t0 += br) backwardBlock(args, b, t0, min(br, T - t0), scratch, dk, dv);
    }
  } else if (arg(args, PHASE) == 0) {
    const dk = scratch + partsAt, dv = dk + (<usize>(nb * kSize) << 2);
    memory.fill(dk, 0, <usize>(nb * (kSize + vSize)) << 2);
    for (let it = tid; it < nb * blocks; it += nt) {
      const b = it / blocks, t0 = (it % blocks) * br;
      backwardBlock(args, b, t0, min(br, T - t0), scratch, dk + (<usize>(b * kSize) << 2), dv + (<usize>(b * vSize) << 2));
    }
  } else { // phase 1: each thread's parts are dk (nb, S, d) then dv (nb, S, dv), back to back
    const total = nb * (kSize + vSize);
    const lo = shareLo(total, tid, nt, 4), hi = shareLo(total, tid + 1, nt, 4);
    for (let i = lo; i < hi; i++) {
      let acc: f32 = 0;
      for (let p = 0; p < nt; p++) acc += load<f32>(base + <usize>p * bytes + partsAt + (<usize>i << 2));
      const kPart = i < nb * kSize;
      store<f32>(kPart ? dkOut + (<usize>i << 2) : dvOut + (<usize>(i - nb * kSize) << 2), acc);
    }
  }
}
