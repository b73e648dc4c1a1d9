// conv.ts — im2col and col2im for float32 over (N, C, H, W), threaded over the N·C planes.
// Twin of src/backend/cpu/conv.ts: the same tap ranges and loop order, so col2im adds in the
// same order and matches it bit for bit. Rows at stride 1 move as f32x4, stride-2 rows are
// deinterleaved with one shuffle, others go a float at a time; a tap whose rows lie back to back
// both in x and in the columns (stride 1, output as wide as the input rows) is one bulk copy.
import { arg, shareLo } from './common';

/** ceil(a / b) for b > 0 and any sign of a. */
// @ts-ignore: decorator
@inline export function ceilDiv(a: i32, b: i32): i32 {
  return a >= 0 ? (a + b - 1) / b : -(-a / b);
}

/** The output positions [lo, hi) whose input o*s + off lies in [0, size) (cpu's insideRange). */
// @ts-ignore: decorator
@inline function insideLo(off: i32, s: i32, outSize: i32): i32 {
  return min(outSize, max(0, ceilDiv(-off, s)));
}
// @ts-ignore: decorator
@inline function insideHi(lo: i32, off: i32, s: i32, size: i32, outSize: i32): i32 {
  return max(lo, min(outSize, ceilDiv(size - off, s)));
}

/** dst[0..n) = 0. */
// @ts-ignore: decorator
@inline export function zeroF32(dst: usize, n: i32): void {
  if (n > 16) memory.fill(dst, 0, <usize>n << 2);
  else for (let k = 0; k < n; k++) store<f32>(dst + (<usize>k << 2), 0);
}

/**
 * dst[k] = src[k * step] for k < n (dst contiguous). step 1: whole vectors; step 2: two loads
 * (src[0..3] and src[3..6]) shuffled to src[0, 2, 4, 6], never reading past the last float used.
 */
export function gatherRow(dst: usize, src: usize, n: i32, step: i32): void {
  let k = 0;
  if (step == 1) {
    for (; k + 4 <= n; k += 4) v128.store(dst + (<usize>k << 2), v128.load(src + (<usize>k << 2)));
  } else if (step == 2) {
    for (; k + 4 <= n; k += 4) {
      const s = src + (<usize>k << 3);
      v128.store(dst + (<usize>k << 2), f32x4.shuffle(v128.load(s), v128.load(s, 12), 0, 2, 5, 7));
    }
  }
  for (; k < n; k++) store<f32>(dst + (<usize>k << 2), load<f32>(src + (<usize>(k * step) << 2)));
}

/**
 * im2col: cols[n, (c*kh + i)*kw + j, oy*ow + ox] = x[n, c, oy*sh - ph + i*dh, ox*sw - pw + j*dw]
 * (0 outside). Argument words: 0 x, 1-4 x's strides (N, C, H, W), 5 N, 6 C, 7 H, 8 W, 9 kh, 10 kw,
 * 11 sh, 12 sw, 13 ph, 14 pw, 15 dh, 16 dw, 17 oh, 18 ow, 19 cols (contiguous). Thread tid takes
 * a share of the N·C planes.
 */
export function im2col(tid: i32, nt: i32, args: usize): void {
  const x = <usize>arg(args, 0), sN = arg(args, 1), sC = arg(args, 2), sH = arg(args, 3), sW = arg(args, 4);
  const C = arg(args, 6), H = arg(args, 7), W = arg(args, 8), kh = arg(args, 9), kw = arg(args, 10);
  const sh = arg(args, 11), sw = arg(args, 12), ph = arg(args, 13), pw = arg(args, 14), dh = arg(args, 15), dw = arg(args, 16);
  const oh = arg(args, 17), ow = arg(args, 18), out = <usize>arg(args, 19);
  const planes = arg(args, 5) * C, L = oh * ow, step = sw * sW;
  const runs = step == 1 && sh * sH == ow; // stride 1 along x and an input row step of one output row
  const lo = shareLo(planes, tid, nt, 1), hi = shareLo(planes, tid + 1, nt, 1);
  for (let p = lo; p < hi; p++) {
    const plane = (p / C) * sN + (p % C) * sC; // x's element offset of plane (n, c)
    let o = out + (<usize>p * <usize>(kh * kw * L) << 2); // the plane's first column row
    for (let i = 0; i < kh; i++) {
      const y0 = insideLo(i * dh - ph, sh, oh), y1 = insideHi(y0, i * dh - ph, sh, H, oh);
      for (let j = 0; j < kw; j++, o += <usize>L << 2) {
        const x0 = insideLo(j * dw - pw, sw, ow), x1 = insideHi(x0, j * dw - pw, sw, W, ow);
        if (runs && y0 < y1 && x0 < x1) {
          // the tap's rows lie back to back in x as in cols: one copy of the whole run, then zero
          // the padding columns (which the copy filled from the neighbouring rows) and rows
          const first = y0 * ow + x0, last = (y1 - 1) * ow + x1;
          const src = x + (<usize>(plane + first + (i * dh - ph) * sH + j * dw - pw) << 2);
          memory.copy(o + (<usize>first << 2), src, <usize>(last - first) << 2);
          zeroF32(o, first);
          zeroF32(o + (<usize>last << 2), L - last);
          for (let oy = y0; oy < y1; oy++) {
            const q = o + (<usize>(oy * ow) << 2);
            if (oy > y0) zeroF32(q, x0);
            if (oy < y1 - 1) zeroF32(q + (<usize>x1 << 2), ow - x1);
          }
          continue;
        }
        zeroF32(o, y0 * ow); // rows above and below the image read padding
        zeroF32(o + (<usize>(y1 * ow) << 2), (oh - y1) * ow);
        for (let oy = y0; oy < y1; oy++) {
          const q = o + (<usize>(oy * ow) << 2);
          const src = x + (<usize>(plane + (oy * sh + i * dh - ph) * sH + (x0 * sw + j * dw - pw) * sW) << 2);
          zeroF32(q, x0);
          gatherRow(q + (<usize>x0 << 2), src, x1 - x0, step);
          zeroF32(q + (<usize>x1 << 2), ow - x1);
        }
      }
    }
  }
}

/**
 * col2im: x[n, c, iy, ix] = sum of the columns that im2col copied (iy, ix) to, added tap by tap in
 * cpu's order. Argument words: 0 cols, 1-3 cols' strides (N, rows, L), 4 N, 5 C, 6 H, 7 W, 8 kh,
 * 9 kw, 10 sh, 11 sw, 12 ph, 13 pw, 14 dh, 15 dw, 16 oh, 17 ow, 18 x (contiguous (N, C, H, W)).
 * Thread tid zeroes and fills a share of the N·C planes.
 */
export function col2im(tid: i32, nt: i32, args: usize): void {
  const cols = <usize>arg(args, 0), sN = arg(args, 1), sR = arg(args, 2), sL = arg(args, 3);
  const C = arg(args, 5), H = arg(args, 6), W = arg(args, 7), kh = arg(args, 8), kw = arg(args, 9);
  const sh = arg(args, 10), sw = arg(args, 11), ph = arg(args, 12), pw = arg(args, 13), dh = arg(args, 14), dw = arg(args, 15);
  const oh = arg(args, 16), ow = arg(args, 17), out = <usize>arg(args, 18);
  const planes = arg(args, 4) * C;
  const lo = shareLo(planes, tid, nt, 1), hi = shareLo(planes, tid + 1, nt, 1);
  for (let p = lo; p < hi; p++) {
    const plane = out + (<usize>p * <usize>(H * W) << 2);
    zeroF32(plane, H * W);
    const b = p / C, c = p % C;
    for (let i = 0; i < kh; i++) {
      const y0 = insideLo(i * dh - ph, sh, oh), y1 = insideHi(y0, i * dh - ph, sh, H, oh);
      for (let j = 0; j < kw; j++) {
        const x0 = insideLo(j * dw - pw, sw, ow), x1 = insideHi(x0, j * dw - pw, sw, W, ow);
        const n = x1 - x0;
        const row = b * sN + ((c * kh + i) * kw + j) * sR; // cols' element offset of tap (i, j)
        for (let oy = y0; oy < y1; oy++) {
          const d = plane + (<usize>((oy * sh + i * dh - ph) * W + x0 * sw + j * dw - pw) << 2);
          const s = cols + (<usize>(row + (oy * ow + x0) * sL) << 2);
          let k = 0;
          if (sw == 1 && sL == 1) {
            for (; k + 4 <= n; k += 4) {
              const a = d + (<usize>k << 2);
              v128.store(a, f32x4.add(v128.load(a), v128.load(s + (<usize>k << 2))));
            }
          }
          for (; k < n; k++) {
            const a = d + (<usize>(k * sw) << 2);
            store<f32>(a, load<f32>(a) + load<f32>(s + (<usize>(k * sL) << 2)));
          }
        }
      }
    }
  }
}
