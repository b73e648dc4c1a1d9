// pool.ts — max and average pooling over (N, C, H, W) for float32 and their adjoints, threaded
// over the N·C planes. Twin of src/backend/cpu/pool.ts, with its exact semantics: padding is
// -inf, NaN wins (the last NaN's index), the first maximum on ties, PyTorch's divisors. Windows
// that lie wholly inside the image along x are done four outputs at a time (one f32x4 lane
// each, loaded by conv.ts's strided row loads); the edge windows use the reference's scalar loop.
import { arg, shareLo } from './common';
import { ceilDiv, zeroF32 } from './conv';

/** Loads src[0], src[step], src[2 step], src[3 step] (step 1, 2: vector loads; else lane by lane). */
// @ts-ignore: decorator
@inline function load4(src: usize, step: i32): v128 {
  if (step == 1) return v128.load(src);
  if (step == 2) return f32x4.shuffle(v128.load(src), v128.load(src, 12), 0, 2, 5, 7);
  const s = <usize>step << 2;
  let v = v128.load32_zero(src);
  v = v128.load32_lane(src + s, v, 1);
  v = v128.load32_lane(src + 2 * s, v, 2);
  return v128.load32_lane(src + 3 * s, v, 3);
}

/** First tap k in [0, K) of a window starting at `start` (dilation d) inside [0, size). */
// @ts-ignore: decorator
@inline function tapLo(start: i32, d: i32, K: i32): i32 {
  return min(K, max(0, ceilDiv(-start, d)));
}
// @ts-ignore: decorator
@inline function tapHi(lo: i32, start: i32, d: i32, K: i32, size: i32): i32 {
  return max(lo, min(K, ceilDiv(size - start, d)));
}

/** The outputs [fullLo, fullHi) whose window (extent `span`) lies wholly inside [0, size). */
// @ts-ignore: decorator
@inline function fullLo(ow: i32, s: i32, pad: i32): i32 {
  return min(ow, ceilDiv(pad, s)); //                     o*s - pad >= 0
}
// @ts-ignore: decorator
@inline function fullHi(lo: i32, ow: i32, s: i32, pad: i32, span: i32, size: i32): i32 {
  const last = size - span + pad; //                      o*s - pad + span <= size
  return last < 0 ? lo : max(lo, min(ow, last / s + 1));
}

/**
 * maxPool2d: values[n,c,oy,ox] = max over the window, indices = flat y*W + x of the maximum.
 * Argument words: 0 x, 1-4 x's strides, 5 N, 6 C, 7 H, 8 W, 9 kh, 10 kw, 11 sh, 12 sw, 13 ph,
 * 14 pw, 15 dh, 16 dw, 17 oh, 18 ow, 19 values, 20 indices (both contiguous (N, C, oh, ow)).
 */
export function maxPool2d(tid: i32, nt: i32, args: usize): void {
  const x = <usize>arg(args, 0), sN = arg(args, 1), sC = arg(args, 2), sH = arg(args, 3), sW = arg(args, 4);
  const C = arg(args, 6), H = arg(args, 7), W = arg(args, 8), kh = arg(args, 9), kw = arg(args, 10);
  const sh = arg(args, 11), sw = arg(args, 12), ph = arg(args, 13), pw = arg(args, 14), dh = arg(args, 15), dw = arg(args, 16);
  const oh = arg(args, 17), ow = arg(args, 18), values = <usize>arg(args, 19), indices = <usize>arg(args, 20);
  const planes = arg(args, 5) * C;
  const lo = shareLo(planes, tid, nt, 1), hi = shareLo(planes, tid + 1, nt, 1);
  const fa = fullLo(ow, sw, pw), fb = fullHi(fa, ow, sw, pw, (kw - 1) * dw + 1, W);
  const lane = i32x4(0, sw, 2 * sw, 3 * sw), ninf = f32x4.splat(-Infinity), none = i32x4.splat(-1);
  for (let p = lo; p < hi; p++) {
    const plane = x + (<usize>((p / C) * sN + (p % C) * sC) << 2);
    for (let oy = 0; oy < oh; oy++) {
      const ys = oy * sh - ph, i0 = tapLo(ys, dh, kh), i1 = tapHi(i0, ys, dh, kh, H);
      const o = <usize>((p * oh + oy) * ow);
      let ox = 0;
      while (ox < ow) {
        if (ox >= fa && ox + 4 <= fb) { // four windows wholly inside along x: one per lane
          const xs = ox * sw - pw;
          let best = ninf, at = i0 < i1 ? i32x4.add(i32x4.splat((ys + i0 * dh) * W + xs), lane) : none;
          for (let i = i0; i < i1; i++) {
            const iy = ys + i * dh;
            for (let j = 0; j < kw; j++) {
              const xj = xs + j * dw;
              const v = load4(plane + (<usize>(iy * sH + xj * sW) << 2), sw * sW);
              const m = v128.or(f32x4.gt(v, best), f32x4.ne(v, v)); // greater, or NaN
              best = v128.bitselect(v, best, m);
              at = v128.bitselect(i32x4.add(i32x4.splat(iy * W + xj), lane), at, m);
            }
          }
          v128.store(values + ((o + ox) << 2), best);
          v128.store(indices + ((o + ox) << 2), at);
          ox += 4;
          continue;
        }
        const xs = ox * sw - pw, j0 = tapLo(xs, dw, kw), j1 = tapHi(j0, xs, dw, kw, W);
        let best: f32 = -Infinity;
        let at = i0 < i1 && j0 < j1 ? (ys + i0 * dh) * W + xs + j0 * dw : -1;
        for (let i = i0; i < i1; i++) {
          const iy = ys + i * dh;
          for (let j = j0; j < j1; j++) {
            const v = load<f32>(plane + (<usize>(iy * sH + (xs + j * dw) * sW) << 2));
            if (v > best || v != v) { best = v; at = iy * W + xs + j * dw; }
          }
        }
        store<f32>(values + ((o + ox) << 2), best);
        store<i32>(indices + ((o + ox) << 2), at);
        ox++;
      }
    }
  }
}

/**
 * maxPool2dBackward: dx[n, c, indices[n,c,oy,ox]] += dy[n, c, oy, ox], in cpu's order.
 * Argument words: 0 dy, 1-4 dy's strides, 5 indices, 6-9 their strides, 10 N, 11 C, 12 H, 13 W,
 * 14 oh, 15 ow, 16 dx (contiguous (N, C, H, W)). Indices outside the plane are skipped.
 */
export function maxPool2dBackward(tid: i32, nt: i32, args: usize): void {
  const dy = <usize>arg(args, 0), gN = arg(args, 1), gC = arg(args, 2), gH = arg(args, 3), gW = arg(args, 4);
  const idx = <usize>arg(args, 5), iN = arg(args, 6), iC = arg(args, 7), iH = arg(args, 8), iW = arg(args, 9);
  const C = arg(args, 11), HW = arg(args, 12) * arg(args, 13), oh = arg(args, 14), ow = arg(args, 15), out = <usize>arg(args, 16);
  const planes = arg(args, 10) * C;
  const lo = shareLo(planes, tid, nt, 1), hi = shareLo(planes, tid + 1, nt, 1);
  for (let p = lo; p < hi; p++) {
    const plane = out + (<usize>p * <usize>HW << 2);
    zeroF32(plane, HW);
    const b = p / C, c = p % C;
    for (let oy = 0; oy < oh; oy++) {
      const g = dy + (<usize>(b * gN + c * gC + oy * gH) << 2), q = idx + (<usize>(b * iN + c * iC + oy * iH) << 2);
      for (let ox = 0; ox < ow; ox++) {
        const at = load<i32>(q + (<usize>(ox * iW) << 2));
        if (<u32>at < <u32>HW) {
          const a = plane + (<usize>at << 2);
          store<f32>(a, load<f32>(a) + load<f32>(g + (<usize>(ox * gW) << 2)));
        }
      }
    }
  }
}

/** Average pooling's window along one axis (dilation 1): clipped [lo, hi) and the padded extent. */
// @ts-ignore: decorator
@inline function avgLo(start: i32): i32 {
  return max(start, 0);
}
// @ts-ignore: decorator
@inline function avgEnd(start: i32, K: i32, size: i32, pad: i32): i32 {
  return min(start + K, size + pad);
}

/**
 * avgPool2d: y = (sum of the window's real elements) / divisor, 0 for an empty window. Argument
 * words: 0 x, 1-4 x's strides, 5 N, 6 C, 7 H, 8 W, 9 kh, 10 kw, 11 sh, 12 sw, 13 ph, 14 pw,
 * 15 oh, 16 ow, 17 countIncludePad, 18 divisorOverride, 19 y (contiguous (N, C, oh, ow)).
 */
export function avgPool2d(tid: i32, nt: i32, args: usize): void {
  const x = <usize>arg(args, 0), sN = arg(args, 1), sC = arg(args, 2), sH = arg(args, 3), sW = arg(args, 4);
  const C = arg(args, 6), H = arg(args, 7), W = arg(args, 8), kh = arg(args, 9), kw = arg(args, 10);
  const sh = arg(args, 11), sw = arg(args, 12), ph = arg(args, 13), pw = arg(args, 14);
  const oh = arg(args, 15), ow = arg(args, 16), includePad = arg(args, 17) != 0, forced = arg(args, 18), out = <usize>arg(args, 19);
  const planes = arg(args, 5) * C;
  const lo = shareLo(planes, tid, nt, 1), hi = shareLo(planes, tid + 1, nt, 1);
  const fa = fullLo(ow, sw, pw), fb = fullHi(fa, ow, sw, pw, kw, W);
  for (let p = lo; p < hi; p++) {
    const plane = x + (<usize>((p / C) * sN + (p % C) * sC) << 2);
    for (let oy = 0; oy < oh; oy++) {
      const ys = oy * sh - ph, ye = avgEnd(ys, kh, H, ph), y0 = avgLo(ys), y1 = min(ye, H);
      const o = out + (<usize>((p * oh + oy) * ow) << 2);
      let ox = 0;
      while (ox < ow) {
        if (ox >= fa && ox + 4 <= fb) { // four full-width windows, one per lane: divisor alike
          const xs = ox * sw - pw;
          let sum = f32x4.splat(0);
          for (let iy = y0; iy < y1; iy++) {
            for (let j = 0; j < kw; j++) sum = f32x4.add(sum, load4(plane + (<usize>(iy * sH + (xs + j) * sW) << 2), sw * sW));
          }
          const div = forced > 0 ? forced : (includePad ? ye - ys : y1 - y0) * kw;
          v128.store(o + (<usize>ox << 2), y0 < y1 ? f32x4.div(sum, f32x4.splat(<f32>div)) : f32x4.splat(0));
          ox += 4;
          continue;
        }
        const xs = ox * sw - pw, xe = avgEnd(xs, kw, W, pw), x0 = avgLo(xs), x1 = min(xe, W);
        let v: f32 = 0;
        if (y0 < y1 && x0 < x1) {
          let sum: f32 = 0;
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) sum += load<f32>(plane + (<usize>(iy * sH + ix * sW) << 2));
          }
          const div = forced > 0 ? forced : includePad ? (ye - ys) * (xe - xs) : (y1 - y0) * (x1 - x0);
          v = sum / <f32>div;
        }
        store<f32>(o + (<usize>ox << 2), v);
        ox++;
      }
    }
  }
}

/**
 * avgPool2dBackward: dx[n,c,iy,ix] += dy[n,c,oy,ox] / divisor for every window holding (iy, ix),
 * in cpu's order. Argument words: 0 dy, 1-4 dy's strides, 5 N, 6 C, 7 H, 8 W, 9 kh, 10 kw, 11 sh,
 * 12 sw, 13 ph, 14 pw, 15 oh, 16 ow, 17 countIncludePad, 18 divisorOverride, 19 dx (contiguous).
 */
export function avgPool2dBackward(tid: i32, nt: i32, args: usize): void {
  const dy = <usize>arg(args, 0), gN = arg(args, 1), gC = arg(args, 2), gH = arg(args, 3), gW = arg(args, 4);
  const C = arg(args, 6), H = arg(args, 7), W = arg(args, 8), kh = arg(args, 9), kw = arg(args, 10);
  const sh = arg(args, 11), sw = arg(args, 12), ph = arg(args, 13), pw = arg(args, 14);
  const oh = arg(args, 15), ow = arg(args, 16), includePad = arg(args, 17) != 0, forced = arg(args, 18), out = <usize>arg(args, 19);
  const planes = arg(args, 5) * C;
  const lo = shareLo(planes, tid, nt, 1), hi = shareLo(planes, tid + 1, nt, 1);
  for (let p = lo; p < hi; p++) {
    const plane = out + (<usize>p * <usize>(H * W) << 2);
    zeroF32(plane, H * W);
    const g = dy + (<usize>((p / C) * gN + (p % C) * gC) << 2);
    for (let oy = 0; oy < oh; oy++) {
      const ys = oy * sh - ph, ye = avgEnd(ys, kh, H, ph), y0 = avgLo(ys), y1 = min(ye, H);
      for (let ox = 0; ox < ow; ox++) {
        const xs = ox * sw - pw, xe = avgEnd(xs, kw, W, pw), x0 = avgLo(xs), x1 = min(xe, W);
        if (y0 >= y1 || x0 >= x1) continue;
        const div = forced > 0 ? forced : includePad ? (ye - ys) * (xe - xs) : (y1 - y0) * (x1 - x0);
        const v = load<f32>(g + (<usize>(oy * gH + ox * gW) << 2)) / <f32>div;
        const vv = f32x4.splat(v), n = x1 - x0;
        for (let iy = y0; iy < y1; iy++) {
          const row = plane + (<usize>(iy * W + x0) << 2);
          let k = 0;
          for (; k + 4 <= n; k += 4) {
            const a = row + (<usize>k << 2);
            v128.store(a, f32x4.add(v128.load(a), vv));
          }
          for (; k < n; k++) {
            const a = row + (<usize>k << 2);
            store<f32>(a, load<f32>(a) + v);
          }
        }
      }
    }
  }
}
