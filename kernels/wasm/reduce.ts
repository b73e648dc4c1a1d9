// reduce.ts — float32 sum / max / min over any axes in WebAssembly SIMD, threaded. Twin of
// src/backend/cpu/reduce.ts: sums in float64; max/min by its rule (v replaces the running value if
// v > it or v is NaN). Two forms: inner (each output reduces rows along x's innermost reduced dim)
// and outer (x's innermost dim is kept: CHUNK outputs add whole rows, SIMD across outputs); with
// few outputs the threads split the first reduced dim into float64 partials the host combines.
import { arg, shareLo } from './common';
import { coords, promoteHigh, sumRowF64 } from './vmath';

const SUM = 0, MAX = 1, MIN = 2;
const CHUNK = 1024; //                 most outputs an outer-form unit accumulates (8 KiB of float64)

// argument words (see reduceF32)
const K_SIZE = 7, K_XS = 13, K_OS = 19, R_SIZE = 25, R_XS = 31;

/** Whether v replaces the running max (min) a: v beats it, or v is NaN. */
// @ts-ignore: decorator
@inline function wins(op: i32, v: f32, a: f32): bool {
  return (op == MAX ? v > a : v < a) || v != v;
}

// @ts-ignore: decorator
@inline function winsV(op: i32, v: v128, a: v128): v128 {
  return v128.or(op == MAX ? f32x4.gt(v, a) : f32x4.lt(v, a), f32x4.ne(v, v));
}

/** max (min) of a and n floats at p (byte stride s), in order, by the CPU's rule. */
// @ts-ignore: decorator
@inline function extremeRow(op: i32, p: usize, s: i32, n: i32, a: f32): f32 {
  let i = 0;
  if (s == 4 && n >= 8) {
    let m = f32x4.splat(a);
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(p + (<usize>i << 2));
      m = v128.bitselect(v, m, winsV(op, v, m));
    }
    a = f32x4.extract_lane(m, 0);
    let v = f32x4.extract_lane(m, 1);
    if (wins(op, v, a)) a = v;
    v = f32x4.extract_lane(m, 2);
    if (wins(op, v, a)) a = v;
    v = f32x4.extract_lane(m, 3);
    if (wins(op, v, a)) a = v;
  }
  for (; i < n; i++) {
    const v = load<f32>(p + <usize>(i * s));
    if (wins(op, v, a)) a = v;
  }
  return a;
}

function sumRow(p: usize, s: i32, n: i32): f64 {
  if (s == 4) return sumRowF64(p, n);
  let t: f64 = 0;
  for (let i = 0; i < n; i++) t += <f64>load<f32>(p + <usize>(i * s));
  return t;
}

// @ts-ignore: decorator
@inline function identity(op: i32): f64 {
  return op == SUM ? 0 : op == MAX ? -Infinity : Infinity;
}

/**
 * Inner form: outputs [oLo, oHi) each reduce their elements. The reduced dims but the last are
 * rows (dim 0 restricted to [r0lo, r0hi)), the last is walked inside each row.
 */
function formInner(args: usize, op: i32, oLo: i32, oHi: i32, r0lo: i32, r0hi: i32, split: bool, partial: usize): void {
  const x = arg(args, 3), out = <usize>arg(args, 4), nk = arg(args, 5), nr = arg(args, 6);
  let inner = 1, innerS = 0, start = 0, rows = 1;
  if (nr == 1) {
    inner = r0hi - r0lo;
    innerS = arg(args, R_XS) * 4;
    start = r0lo * arg(args, R_XS);
  } else if (nr > 1) {
    inner = arg(args, R_SIZE + nr - 1);
    innerS = arg(args, R_XS + nr - 1) * 4;
    rows = r0hi - r0lo;
    for (let d = 1; d < nr - 1; d++) rows *= arg(args, R_SIZE + d);
  }
  for (let o = oLo; o < oHi; o++) {
    let xoff = start, ooff = 0, rest = o;
    for (let d = nk - 1; d >= 0; d--) {
      const size = arg(args, K_SIZE + d), c = rest % size;
      rest /= size;
      xoff += c * arg(args, K_XS + d);
      ooff += c * arg(args, K_OS + d);
    }
    let sum: f64 = 0, ext = <f32>identity(op);
    for (let q = 0; q < rows; q++) {
      let roff = xoff, rq = q;
      for (let d = nr - 2; d >= 0; d--) {
        const size = d == 0 ? r0hi - r0lo : arg(args, R_SIZE + d), c = rq % size;
        rq /= size;
        roff += (d == 0 ? c + r0lo : c) * arg(args, R_XS + d);
      }
      const p = <usize>(x + roff * 4);
      if (op == SUM) sum += sumRow(p, innerS, inner);
      else if (op == MAX) ext = extremeRow(MAX, p, innerS, inner, ext);
      else ext = extremeRow(MIN, p, innerS, inner, ext);
    }
    const v: f64 = op == SUM ? sum : <f64>ext;
    if (split) store<f64>(partial + (<usize>ooff << 3), v);
    else store<f32>(out + (<usize>ooff << 2), <f32>v);
  }
}

/** acc[0..n) (float64) += n floats at p (element stride s). */
function addRow(acc: usize, p: usize, s: i32, n: i32): void {
  let j = 0;
  if (s == 1) {
    for (; j + 4 <= n; j += 4) {
      const v = v128.load(p + (<usize>j << 2)), a = acc + (<usize>j << 3);
      v128.store(a, f64x2.add(v128.load(a), f64x2.promote_low_f32x4(v)));
      v128.store(a, f64x2.add(v128.load(a, 16), promoteHigh(v)), 16);
    }
  }
  for (; j < n; j++) {
    const a = acc + (<usize>j << 3);
    store<f64>(a, load<f64>(a) + <f64>load<f32>(p + <usize>(j * s * 4)));
  }
}

/** acc[0..n) (float32) = max (min) with n floats at p (element stride s), by the CPU's rule. */
// @ts-ignore: decorator
@inline function extremeInto(op: i32, acc: usize, p: usize, s: i32, n: i32): void {
  let j = 0;
  if (s == 1) {
    for (; j + 4 <= n; j += 4) {
      const k = <usize>j << 2, v = v128.load(p + k), a = v128.load(acc + k);
      v128.store(acc + k, v128.bitselect(v, a, winsV(op, v, a)));
    }
  }
  for (; j < n; j++) {
    const v = load<f32>(p + <usize>(j * s * 4)), a = acc + (<usize>j << 2);
    if (wins(op, v, load<f32>(a))) store<f32>(a, v);
  }
}

/**
 * Outer form: the last kept dim (size L) is walked inside each reduced row, a chunk of outputs at a
 * time; units (outer kept index, chunk) [uLo, uHi). Reduced dims in row-major order, dim 0
 * restricted to [r0lo, r0hi), stepped with carries.
 */
function formOuter(args: usize, tid: i32, op: i32, uLo: i32, uHi: i32, r0lo: i32, r0hi: i32, split: bool, acc: usize, partial: usize): void {
  const x = arg(args, 3), out = <usize>arg(args, 4), nk = arg(args, 5), nr = arg(args, 6);
  const L = arg(args, K_SIZE + nk - 1), vxs = arg(args, K_XS + nk - 1), vos = arg(args, K_OS + nk - 1);
  const chunk = arg(args, 39), chunks = (L + chunk - 1) / chunk;
  let rows = r0hi - r0lo;
  for (let d = 1; d < nr; d++) rows *= arg(args, R_SIZE + d);
  const idx = coords(tid);
  const init = identity(op);
  for (let u = uLo; u < uHi; u++) {
    const q = u / chunks, j0 = (u % chunks) * chunk, n = min(chunk, L - j0);
    let xoff = j0 * vxs, ooff = j0 * vos, rest = q;
    for (let d = nk - 2; d >= 0; d--) {
      const size = arg(args, K_SIZE + d), c = rest % size;
      rest /= size;
      xoff += c * arg(args, K_XS + d);
      ooff += c * arg(args, K_OS + d);
    }
    for (let j = 0; j < n; j++) {
      if (op == SUM) store<f64>(acc + (<usize>j << 3), init);
      else store<f32>(acc + (<usize>j << 2), <f32>init);
    }
    let roff = r0lo * arg(args, R_XS);
    store<i32>(idx, r0lo);
    for (let d = 1; d < nr; d++) store<i32>(idx + (<usize>d << 2), 0);
    for (let r = 0; r < rows; r++) {
      const p = <usize>(x + (xoff + roff) * 4);
      if (op == SUM) addRow(acc, p, vxs, n);
      else if (op == MAX) extremeInto(MAX, acc, p, vxs, n);
      else extremeInto(MIN, acc, p, vxs, n);
      for (let d = nr - 1; d >= 0; d--) { // next reduced row, with carries
        const at = idx + (<usize>d << 2), i = load<i32>(at) + 1, xs = arg(args, R_XS + d);
        if (i < (d == 0 ? r0hi : arg(args, R_SIZE + d))) {
          store<i32>(at, i);
          roff += xs;
          break;
        }
        const first = d == 0 ? r0lo : 0;
        store<i32>(at, first);
        roff -= (i - 1 - first) * xs;
      }
    }
    for (let j = 0; j < n; j++) {
      const v: f64 = op == SUM ? load<f64>(acc + (<usize>j << 3)) : <f64>load<f32>(acc + (<usize>j << 2));
      const o = ooff + j * vos;
      if (split) store<f64>(partial + (<usize>o << 3), v);
      else store<f32>(out + (<usize>o << 2), <f32>v);
    }
  }
}

/**
 * Threaded reduction of float32 x into a contiguous float32 output. Argument words: 0 op (0 sum,
 * 1 max, 2 min), 1 form (0 inner, 1 outer), 2 split (1: threads share dim 0 of the reduced dims
 * and write float64 partials), 3 x (byte address of element 0), 4 out, 5 nk kept dims, 6 nr
 * reduced dims, 7-12 kept sizes, 13-18 their x strides, 19-24 their output strides, 25-30 reduced
 * sizes, 31-36 their x strides (elements), 37 scratch, 38 scratch bytes per thread (CHUNK float64
 * of accumulators, then with split one float64 partial per output), 39 the outer form's chunk
 * (<= CHUNK outputs per unit; smaller when there would be fewer units than threads).
 */
export function reduceF32(tid: i32, nt: i32, args: usize): void {
  const op = arg(args, 0), form = arg(args, 1), split = arg(args, 2) != 0;
  const nk = arg(args, 5), nr = arg(args, 6);
  const scratch = <usize>arg(args, 37) + <usize>tid * <usize>arg(args, 38);
  const partial = scratch + (<usize>CHUNK << 3);
  let r0lo = 0, r0hi = nr > 0 ? arg(args, R_SIZE) : 1;
  let units = 1; //                      outputs (inner form) or (outer index, chunk) pairs
  for (let d = 0; d < nk; d++) units *= arg(args, K_SIZE + d);
  if (form == 1) {
    const L = arg(args, K_SIZE + nk - 1), chunk = arg(args, 39);
    units = units / L * ((L + chunk - 1) / chunk);
  }
  let lo = 0, hi = units;
  if (split) {
    const n = r0hi;
    r0lo = shareLo(n, tid, nt, 1);
    r0hi = shareLo(n, tid + 1, nt, 1);
  } else {
    lo = shareLo(units, tid, nt, 1);
    hi = shareLo(units, tid + 1, nt, 1);
  }
  if (form == 0) formInner(args, op, lo, hi, r0lo, r0hi, split, partial);
  else formOuter(args, tid, op, lo, hi, r0lo, r0hi, split, scratch, partial);
}
