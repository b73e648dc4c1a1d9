// loss.ts — float32 cross-entropy over (N, C) logits in WebAssembly SIMD, threaded over rows; twin of
// src/backend/cpu/loss.ts. Per row the max and Σ exp(x - m) (f32x4 exponentials, sums in float64),
// lse = m + log z, the loss (weights, ignoreIndex, label smoothing) in float64; the backward writes
// softmax · Σa - a from the saved lse. Also the row helpers attention.ts uses. Shapes: N rows, C
// classes. Reference: ATen LossNLL.cpp (cross_entropy_loss_label_smoothing).
import { arg } from './common';
import { expV, promoteHigh } from './vmath';

// ---- row helpers (contiguous float32 rows of n elements) ---------------------------------------

/** k (1..3) floats at p in the low lanes, -inf in the others (their exp adds nothing). */
// @ts-ignore: decorator
@inline function loadTail(p: usize, k: i32): v128 {
  let v = v128.load32_lane(p, f32x4.splat(-Infinity), 0);
  if (k > 1) v = v128.load32_lane(p, v, 1, 4);
  if (k > 2) v = v128.load32_lane(p, v, 2, 8);
  return v;
}

// @ts-ignore: decorator
@inline function storeTail(p: usize, v: v128, k: i32): void {
  v128.store32_lane(p, v, 0);
  if (k > 1) v128.store32_lane(p, v, 1, 4);
  if (k > 2) v128.store32_lane(p, v, 2, 8);
}

/**
 * max of the n floats at x, -inf for n = 0, by pmax (one instruction; f32x4.max's NaN rule costs
 * several): a NaN may be passed over, but then exp(NaN - m) makes the row's sum NaN all the same.
 */
export function maxRow(x: usize, n: i32): f32 {
  let mv = f32x4.splat(-Infinity);
  let i = 0;
  for (; i + 4 <= n; i += 4) mv = f32x4.pmax(mv, v128.load(x + (<usize>i << 2)));
  if (i < n) mv = f32x4.pmax(mv, loadTail(x + (<usize>i << 2), n - i));
  return max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
}

/** y = exp(x · scale - shift) for the n floats at x (y may be x; null y: not stored); returns Σ y in float64. */
export function expShiftRow(x: usize, y: usize, n: i32, scale: f32, shift: f32): f64 {
  const sv = f32x4.splat(shift), cv = f32x4.splat(scale);
  let z0 = f64x2.splat(0), z1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const k = <usize>i << 2;
    const e = expV(f32x4.sub(f32x4.mul(v128.load(x + k), cv), sv));
    if (y) v128.store(y + k, e);
    z0 = f64x2.add(z0, f64x2.promote_low_f32x4(e));
    z1 = f64x2.add(z1, promoteHigh(e));
  }
  if (i < n) {
    const k = <usize>i << 2, e = expV(f32x4.sub(f32x4.mul(loadTail(x + k, n - i), cv), sv));
    if (y) storeTail(y + k, e, n - i);
    z0 = f64x2.add(z0, f64x2.promote_low_f32x4(e));
    z1 = f64x2.add(z1, promoteHigh(e));
  }
  z0 = f64x2.add(z0, z1);
  return f64x2.extract_lane(z0, 0) + f64x2.extract_lane(z0, 1);
}

/** x *= c for the n floats at x. */
export function scaleRow(x: usize, n: i32, c: f32): void {
  const cv = f32x4.splat(c);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(x + (<usize>i << 2), f32x4.mul(v128.load(x + (<usize>i << 2)), cv));
  for (; i < n; i++) store<f32>(x + (<usize>i << 2), load<f32>(x + (<usize>i << 2)) * c);
}

/** Σ w_c x_c over the n floats at x (w null: Σ x_c), in float64. */
function dotRow(x: usize, w: usize, n: i32): f64 {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    let v = v128.load(x + (<usize>i << 2));
    const lo = f64x2.promote_low_f32x4(v), hi = promoteHigh(v);
    if (w) {
      v = v128.load(w + (<usize>i << 2));
      a0 = f64x2.add(a0, f64x2.mul(lo, f64x2.promote_low_f32x4(v)));
      a1 = f64x2.add(a1, f64x2.mul(hi, promoteHigh(v)));
    } else {
      a0 = f64x2.add(a0, lo);
      a1 = f64x2.add(a1, hi);
    }
  }
  a0 = f64x2.add(a0, a1);
  let s = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
  for (; i < n; i++) s += <f64>load<f32>(x + (<usize>i << 2)) * (w ? <f64>load<f32>(w + (<usize>i << 2)) : 1);
  return s;
}

// ---- the kernels ---------------------------------------------------------------------------------

// Argument words of both: 0 x (byte address of row 0; classes contiguous), 1 x's row stride,
// 2 N, 3 C, 4 targets (int32), 5 their stride, 6 weight (C contiguous floats, 0: none),
// 7 ignoreIndex, 8-9 ε and 10-11 Σ_c w_c as float64s. The host has bounds-checked the targets.
// @ts-ignore: decorator
@inline function targetOf(args: usize, i: i32): i32 {
  return load<i32>(<usize>arg(args, 4) + (<usize>(i * arg(args, 5)) << 2));
}
// @ts-ignore: decorator
@inline function weightOf(w: usize, c: i32): f64 {
  return w ? <f64>load<f32>(w + (<usize>c << 2)) : 1;
}
// @ts-ignore: decorator
@inline function rowOf(args: usize, i: i32): usize {
  return <usize>arg(args, 0) + (<usize>(i * arg(args, 1)) << 2);
}

// lse_i = m + log Σ_c exp(x_ic - m);  ℓ_i = -(1 - ε) w_y (x_iy - lse_i) - (ε / C) (Σ_c w_c x_ic - lse_i Σ_c w_c)
/** Forward. Words 12 loss (N), 13 lse (N), contiguous. Each thread takes a range of rows. */
export function crossEntropyF32(tid: i32, nt: i32, args: usize): void {
  const N = arg(args, 2), C = arg(args, 3), w = <usize>arg(args, 6), ignore = arg(args, 7);
  const eps = load<f64>(args, 32), wSum = load<f64>(args, 40);
  const loss = <usize>arg(args, 12), lseOut = <usize>arg(args, 13);
  const lo = <i32>((<i64>N * tid) / nt), hi = <i32>((<i64>N * (tid + 1)) / nt);
  for (let i = lo; i < hi; i++) {
    const x = rowOf(args, i);
    let m = maxRow(x, C);
    if (m == -Infinity) m = 0; // every logit -inf: lse = -inf, as logSoftmax
    const lse = <f64>m + Math.log(expShiftRow(x, 0, C, 1, m));
    store<f32>(lseOut + (<usize>i << 2), <f32>lse);
    const t = targetOf(args, i);
    let l: f64 = 0;
    if (t != ignore) {
      l = -(1 - eps) * weightOf(w, t) * (<f64>load<f32>(x + (<usize>t << 2)) - lse);
      if (eps > 0) l -= (eps / <f64>C) * (dotRow(x, w, C) - lse * wSum);
    }
    store<f32>(loss + (<usize>i << 2), <f32>l);
  }
}

// dx_ic = dℓ_i (p_ic Σa - a_c),  p_ic = exp(x_ic - lse_i) / z_i,  a_c = (ε / C) w_c + [c = y_i] (1 - ε) w_y
/**
 * Backward. Words 12 lse, 13 its stride, 14 dℓ, 15 its stride (0 when broadcast), 16 dx (N, C)
 * contiguous. The target's column, where p Σa and a nearly cancel, is redone in float64.
 */
export function crossEntropyBackwardF32(tid: i32, nt: i32, args: usize): void {
  const N = arg(args, 2), C = arg(args, 3), w = <usize>arg(args, 6), ignore = arg(args, 7);
  const eps = load<f64>(args, 32), wSum = load<f64>(args, 40);
  const lse = <usize>arg(args, 12), sl = arg(args, 13), dl = <usize>arg(args, 14), sd = arg(args, 15);
  const dx = <usize>arg(args, 16);
  const lo = <i32>((<i64>N * tid) / nt), hi = <i32>((<i64>N * (tid + 1)) / nt);
  const ec = eps / <f64>C;
  for (let i = lo; i < hi; i++) {
    const y = dx + (<usize>i * <usize>C << 2), t = targetOf(args, i);
    if (t == ignore) {
      memory.fill(y, 0, <usize>C << 2);
      continue;
    }
    const x = rowOf(args, i);
    const l = load<f32>(lse + (<usize>(i * sl) << 2)), g = <f64>load<f32>(dl + (<usize>(i * sd) << 2));
    const z = expShiftRow(x, y, C, 1, l); // y = exp(x - lse), Σ = 1 but for lse's rounding
    const aY = (1 - eps) * weightOf(w, t), aSum = aY + ec * wSum;
    const k1 = f32x4.splat(<f32>(g * aSum / z)), k2 = <f32>(g * ec), k2v = f32x4.splat(k2);
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const p = y + (<usize>c << 2);
      let v = f32x4.mul(v128.load(p), k1);
      v = f32x4.sub(v, w ? f32x4.mul(v128.load(w + (<usize>c << 2)), k2v) : k2v);
      v128.store(p, v);
    }
    const k1s = f32x4.extract_lane(k1, 0);
    for (; c < C; c++) {
      const p = y + (<usize>c << 2);
      store<f32>(p, load<f32>(p) * k1s - (w ? load<f32>(w + (<usize>c << 2)) * k2 : k2));
    }
    const pt = Math.exp(<f64>load<f32>(x + (<usize>t << 2)) - <f64>l) / z;
    store<f32>(y + (<usize>t << 2), <f32>(g * (pt * aSum - (ec * weightOf(w, t) + aY))));
  }
}
