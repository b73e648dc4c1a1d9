// softmax.ts — float32 softmax / log-softmax along one axis in WebAssembly SIMD, threaded over
// lanes. Twin of src/backend/cpu/softmax.ts: m = max x (NaN wins; an all -inf lane uses m = 0, so
// softmax gives NaN and log-softmax -inf - -inf = NaN, as torch), z = Σ exp(x - m) in float64,
// y = exp(x - m) / z or (x - m) - log z. A lane whose elements are not contiguous (in x or in the
// output) is gathered into the thread's scratch and scattered back.
import { arg, shareLo } from './common';
import { expV, promoteHigh } from './vmath';

/** k (1..3) floats at p in the low lanes, -inf in the others (exp(-inf - m) adds nothing). */
// @ts-ignore: decorator
@inline function loadTail(p: usize, k: i32): v128 {
  let v = f32x4.splat(-Infinity);
  v = v128.load32_lane(p, v, 0);
  if (k > 1) v = v128.load32_lane(p, v, 1, 4);
  if (k > 2) v = v128.load32_lane(p, v, 2, 8);
  return v;
}

/** Softmax of the n contiguous floats at x into y (y may be x). */
function softmaxLane(x: usize, y: usize, n: i32, log: bool): void {
  // m = max x, NaN if any x is NaN (pmax is one instruction; f32x4.max's NaN rule costs ~8)
  let mv = f32x4.splat(-Infinity), nan = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    mv = f32x4.pmax(mv, v);
    nan = v128.or(nan, f32x4.ne(v, v));
  }
  if (i < n) {
    const v = loadTail(x + (<usize>i << 2), n - i);
    mv = f32x4.pmax(mv, v);
    nan = v128.or(nan, f32x4.ne(v, v));
  }
  let m = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
  if (v128.any_true(nan)) m = NaN;
  else if (m == -Infinity) m = 0;
  // z = Σ exp(x - m) in float64, and y = exp(x - m) for softmax
  const ms = f32x4.splat(m);
  let z0 = f64x2.splat(0), z1 = f64x2.splat(0);
  for (i = 0; i + 4 <= n; i += 4) {
    const k = <usize>i << 2;
    const e = expV(f32x4.sub(v128.load(x + k), ms));
    if (!log) v128.store(y + k, e);
    z0 = f64x2.add(z0, f64x2.promote_low_f32x4(e));
    z1 = f64x2.add(z1, promoteHigh(e));
  }
  if (i < n) {
    const k = <usize>i << 2, e = expV(f32x4.sub(loadTail(x + k, n - i), ms));
    if (!log) {
      v128.store32_lane(y + k, e, 0);
      if (n - i > 1) v128.store32_lane(y + k, e, 1, 4);
      if (n - i > 2) v128.store32_lane(y + k, e, 2, 8);
    }
    z0 = f64x2.add(z0, f64x2.promote_low_f32x4(e));
    z1 = f64x2.add(z1, promoteHigh(e));
  }
  z0 = f64x2.add(z0, z1);
  const z = f64x2.extract_lane(z0, 0) + f64x2.extract_lane(z0, 1);
  // y = e · (1/z), or y = (x - m) - log z (never x - (m + log z): at |m| ~ 1000 a float32 m + log z
  // would round log z's digits away)
  const c = <f32>(log ? Math.log(z) : 1 / z), cs = f32x4.splat(c);
  for (i = 0; i + 4 <= n; i += 4) {
    const k = <usize>i << 2;
    v128.store(y + k, log ? f32x4.sub(f32x4.sub(v128.load(x + k), ms), cs) : f32x4.mul(v128.load(y + k), cs));
  }
  for (; i < n; i++) {
    const k = <usize>i << 2;
    store<f32>(y + k, log ? (load<f32>(x + k) - m) - c : load<f32>(y + k) * c);
  }
}

/**
 * Threaded softmax over lanes. Argument words: 0 x (byte address of element 0), 1 out, 2 n (lane
 * length), 3 / 4 the axis' stride in x / out (elements), 5 log, 6 nl lane dims, 7-12 their sizes,
 * 13-18 their x strides, 19-24 their out strides, 25 lanes, 26 scratch, 27 scratch bytes per
 * thread (n floats when a lane is not contiguous). Each thread takes a range of lanes.
 */
export function softmaxF32(tid: i32, nt: i32, args: usize): void {
  const x = arg(args, 0), out = arg(args, 1), n = arg(args, 2), sx = arg(args, 3), so = arg(args, 4);
  const log = arg(args, 5) != 0, nl = arg(args, 6), lanes = arg(args, 25);
  const buf = <usize>arg(args, 26) + <usize>tid * <usize>arg(args, 27);
  const lo = shareLo(lanes, tid, nt, 1), hi = shareLo(lanes, tid + 1, nt, 1);
  for (let l = lo; l < hi; l++) {
    let xo = 0, oo = 0, rest = l;
    for (let d = nl - 1; d >= 0; d--) {
      const size = arg(args, 7 + d), c = rest % size;
      rest /= size;
      xo += c * arg(args, 13 + d);
      oo += c * arg(args, 19 + d);
    }
    const px = <usize>(x + xo * 4), po = <usize>(out + oo * 4);
    if (sx == 1 && so == 1) {
      softmaxLane(px, po, n, log);
      continue;
    }
    for (let j = 0; j < n; j++) store<i32>(buf + (<usize>j << 2), load<i32>(px + <usize>(j * sx * 4)));
    softmaxLane(buf, buf, n, log);
    for (let j = 0; j < n; j++) store<i32>(po + <usize>(j * so * 4), load<i32>(buf + (<usize>j << 2)));
  }
}
