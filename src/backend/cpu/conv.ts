// conv.ts — CPU im2col / col2im over (N, C, H, W): the unfold that turns a convolution into one
// matmul, and its adjoint (pooling is in pool.ts). For each kernel offset the range of output
// positions whose input lies inside the image is computed once, so the inner loops copy or add
// with no bounds test and no closure.
// Shapes: N batch, C channels, H x W input, kh x kw window, oh x ow output, L = oh*ow.
// Reference: Caffe's im2col.cpp.

import type { View, Window2d } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { allocTyped } from '../../tensor/dtype.js';

type Arr = TypedArray;

/**
 * For window offset `off` (= k*dilation - pad) and stride s: the output positions [lo, hi) whose
 * input position o*s + off lies in [0, size). Outside it the window reads padding.
 */
function insideRange(off: number, s: number, size: number, outSize: number): [number, number] {
  const lo = Math.min(outSize, Math.max(0, Math.ceil(-off / s)));
  const hi = Math.max(lo, Math.min(outSize, Math.ceil((size - off) / s)));
  return [lo, hi];
}

/** Per kernel tap k < K: [lo, hi) of output positions reading inside the input (flat pairs). */
function tapRanges(K: number, d: number, pad: number, s: number, size: number, outSize: number): Int32Array {
  const r = new Int32Array(2 * K);
  for (let k = 0; k < K; k++) [r[2 * k], r[2 * k + 1]] = insideRange(k * d - pad, s, size, outSize);
  return r;
}

// cols[n, (c*kh + i)*kw + j, oy*ow + ox] = x[n, c, oy*sh - ph + i*dh, ox*sw - pw + j*dw]  (0 outside)
export function im2colKernel(x: View<Arr>, g: Window2d, dtype: DType): Arr {
  const { n: N, c: C, h: H, w: W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = g;
  const L = oh * ow;
  const out = allocTyped(dtype, N * C * kh * kw * L);
  const src = x.data;
  const [sN, sC, sH, sW] = x.stride;
  const rows = tapRanges(kh, dh, ph, sh, H, oh), cols = tapRanges(kw, dw, pw, sw, W, ow);
  const step = sw * sW;
  let o = 0; // start of the current output row (one (n, c, i, j) tap)
  for (let b = 0; b < N; b++) {
    for (let c = 0; c < C; c++) {
      const plane = x.offset + b * sN + c * sC;
      for (let i = 0; i < kh; i++) {
        const y0 = rows[2 * i], y1 = rows[2 * i + 1];
        for (let j = 0; j < kw; j++, o += L) {
          const x0 = cols[2 * j], x1 = cols[2 * j + 1];
          const colStart = plane + (x0 * sw + j * dw - pw) * sW;
          for (let oy = y0; oy < y1; oy++) {
            let p = colStart + (oy * sh + i * dh - ph) * sH;
            const q = o + oy * ow;
            for (let ox = x0; ox < x1; ox++, p += step) out[q + ox] = src[p];
          }
        }
      }
    }
  }
  return out;
}

// x[n, c, iy, ix] = sum of cols[n, (c*kh + i)*kw + j, oy*ow + ox] over the taps that read (iy, ix)
export function col2imKernel(cols: View<Arr>, g: Window2d, dtype: DType): Arr {
  const { n: N, c: C, h: H, w: W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = g;
  const out = allocTyped(dtype, N * C * H * W);
  const src = cols.data;
  const [sN, sR, sL] = cols.stride;
  const rows = tapRanges(kh, dh, ph, sh, H, oh), taps = tapRanges(kw, dw, pw, sw, W, ow);
  for (let b = 0; b < N; b++) {
    for (let c = 0; c < C; c++) {
      const plane = (b * C + c) * H * W;
      for (let i = 0; i < kh; i++) {
        const y0 = rows[2 * i], y1 = rows[2 * i + 1];
        for (let j = 0; j < kw; j++) {
          const x0 = taps[2 * j], x1 = taps[2 * j + 1];
          const row = cols.offset + b * sN + ((c * kh + i) * kw + j) * sR;
          for (let oy = y0; oy < y1; oy++) {
            let p = plane + (oy * sh + i * dh - ph) * W + x0 * sw + j * dw - pw;
            let q = row + (oy * ow + x0) * sL;
            for (let ox = x0; ox < x1; ox++, p += sw, q += sL) out[p] += src[q];
          }
        }
      }
    }
  }
  return out;
}
