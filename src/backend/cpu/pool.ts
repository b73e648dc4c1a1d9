// pool.ts — CPU max and average pooling over (N, C, H, W) and their adjoints. Per output
// position the window's taps that lie inside the input are found once (windowTaps, avgWindows),
// so the inner loops need no bounds test. Max pooling: padding counts as -inf, NaN wins, the
// first maximum on ties; average pooling divides as PyTorch's count_include_pad/divisor_override.
// Shapes: N batch, C channels, H x W input, kh x kw window, oh x ow output.
// Reference: PyTorch's MaxPoolKernel.cpp / AvgPoolKernel.cpp (ceil mode and divisor rules).

import type { AvgPoolMode, View, Window2d } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { allocTyped } from '../../tensor/dtype.js';

type Arr = TypedArray;

/** Window starts and the [lo, hi) taps inside the input, per output position along one axis. */
function windowTaps(outSize: number, s: number, pad: number, d: number, K: number, size: number): Int32Array {
  const r = new Int32Array(3 * outSize);
  for (let o = 0; o < outSize; o++) {
    const start = o * s - pad;
    r[3 * o] = start;
    r[3 * o + 1] = Math.min(K, Math.max(0, Math.ceil(-start / d)));
    r[3 * o + 2] = Math.max(r[3 * o + 1], Math.min(K, Math.ceil((size - start) / d)));
  }
  return r;
}

// y[n,c,oy,ox] = max over the window (padding = -inf); idx = flat y*W + x of the first maximum
export function maxPool2dKernel(x: View<Arr>, g: Window2d, dtype: DType): { values: Arr; indices: Arr } {
  const { n: N, c: C, h: H, w: W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = g;
  const values = allocTyped(dtype, N * C * oh * ow);
  const indices = new Int32Array(N * C * oh * ow);
  const src = x.data;
  const [sN, sC, sH, sW] = x.stride;
  const ry = windowTaps(oh, sh, ph, dh, kh, H), rx = windowTaps(ow, sw, pw, dw, kw, W);
  let o = 0;
  for (let b = 0; b < N; b++) {
    for (let c = 0; c < C; c++) {
      const plane = x.offset + b * sN + c * sC;
      for (let oy = 0; oy < oh; oy++) {
        const ys = ry[3 * oy], i0 = ry[3 * oy + 1], i1 = ry[3 * oy + 2];
        for (let ox = 0; ox < ow; ox++, o++) {
          const xs = rx[3 * ox], j0 = rx[3 * ox + 1], j1 = rx[3 * ox + 2];
          let best = -Infinity;
          let at = i0 < i1 && j0 < j1 ? (ys + i0 * dh) * W + xs + j0 * dw : -1;
          for (let i = i0; i < i1; i++) {
            const iy = ys + i * dh;
            let p = plane + iy * sH + (xs + j0 * dw) * sW;
            for (let j = j0; j < j1; j++, p += dw * sW) {
              const v = src[p];
              if (v > best || v !== v) { best = v; at = iy * W + xs + j * dw; }
            }
          }
          values[o] = best;
          indices[o] = at;
        }
      }
    }
  }
  return { values, indices };
}

// dx[n, c, idx[n,c,oy,ox]] += dy[n, c, oy, ox]
export function maxPool2dBackwardKernel(dy: View<Arr>, indices: View<Arr>, g: Window2d, dtype: DType): Arr {
  const { n: N, c: C, h: H, w: W, oh, ow } = g;
  const out = allocTyped(dtype, N * C * H * W);
  const [gN, gC, gH, gW] = dy.stride, [iN, iC, iH, iW] = indices.stride;
  const d = dy.data, idx = indices.data;
  for (let b = 0; b < N; b++) {
    for (let c = 0; c < C; c++) {
      const plane = (b * C + c) * H * W;
      for (let oy = 0; oy < oh; oy++) {
        let p = dy.offset + b * gN + c * gC + oy * gH;
        let q = indices.offset + b * iN + c * iC + oy * iH;
        for (let ox = 0; ox < ow; ox++, p += gW, q += iW) {
          const at = idx[q];
          if (at >= 0) out[plane + at] += d[p];
        }
      }
    }
  }
  return out;
}

/**
 * Per output position along one axis: clipped window [lo, hi) in input coordinates and the
 * window's extent clipped to the padded input (PyTorch's pool_size factor), for dilation 1.
 */
function avgWindows(outSize: number, s: number, pad: number, K: number, size: number): Int32Array {
  const r = new Int32Array(3 * outSize);
  for (let o = 0; o < outSize; o++) {
    const start = o * s - pad;
    const end = Math.min(start + K, size + pad);
    r[3 * o] = Math.max(start, 0);
    r[3 * o + 1] = Math.min(end, size);
    r[3 * o + 2] = end - start;
  }
  return r;
}

function checkAvg(g: Window2d): void {
  if (g.dh !== 1 || g.dw !== 1) throw new Error(`avgPool2d: dilation must be 1, got (${g.dh}, ${g.dw})`);
}

/** The divisor of window (oy, ox): override, padded window size, or count of real elements. */
function divisor(mode: AvgPoolMode, ry: Int32Array, oy: number, rx: Int32Array, ox: number): number {
  if (mode.divisorOverride > 0) return mode.divisorOverride;
  if (mode.countIncludePad) return ry[3 * oy + 2] * rx[3 * ox + 2];
  return (ry[3 * oy + 1] - ry[3 * oy]) * (rx[3 * ox + 1] - rx[3 * ox]);
}

// y[n,c,oy,ox] = (sum of x over the window's real elements) / divisor   (empty window: 0)
export function avgPool2dKernel(x: View<Arr>, g: Window2d, mode: AvgPoolMode, dtype: DType): Arr {
  checkAvg(g);
  const { n: N, c: C, h: H, w: W, kh, kw, sh, sw, ph, pw, oh, ow } = g;
  const out = allocTyped(dtype, N * C * oh * ow);
  const src = x.data;
  const [sN, sC, sH, sW] = x.stride;
  const ry = avgWindows(oh, sh, ph, kh, H), rx = avgWindows(ow, sw, pw, kw, W);
  let o = 0;
  for (let b = 0; b < N; b++) {
    for (let c = 0; c < C; c++) {
      const plane = x.offset + b * sN + c * sC;
      for (let oy = 0; oy < oh; oy++) {
        const y0 = ry[3 * oy], y1 = ry[3 * oy + 1];
        for (let ox = 0; ox < ow; ox++, o++) {
          const x0 = rx[3 * ox], x1 = rx[3 * ox + 1];
          if (y0 >= y1 || x0 >= x1) continue;
          let sum = 0;
          for (let iy = y0; iy < y1; iy++) {
            let p = plane + iy * sH + x0 * sW;
            for (let ix = x0; ix < x1; ix++, p += sW) sum += src[p];
          }
          out[o] = sum / divisor(mode, ry, oy, rx, ox);
        }
      }
    }
  }
  return out;
}

// dx[n,c,iy,ix] += dy[n,c,oy,ox] / divisor  for every window (oy, ox) whose real part holds (iy, ix)
export function avgPool2dBackwardKernel(dy: View<Arr>, g: Window2d, mode: AvgPoolMode, dtype: DType): Arr {
  checkAvg(g);
  const { n: N, c: C, h: H, w: W, kh, kw, sh, sw, ph, pw, oh, ow } = g;
  const out = allocTyped(dtype, N * C * H * W);
  const d = dy.data;
  const [gN, gC, gH, gW] = dy.stride;
  const ry = avgWindows(oh, sh, ph, kh, H), rx = avgWindows(ow, sw, pw, kw, W);
  for (let b = 0; b < N; b++) {
    for (let c = 0; c < C; c++) {
      const plane = (b * C + c) * H * W;
      for (let oy = 0; oy < oh; oy++) {
        const y0 = ry[3 * oy], y1 = ry[3 * oy + 1];
        for (let ox = 0; ox < ow; ox++) {
          const x0 = rx[3 * ox], x1 = rx[3 * ox + 1];
          if (y0 >= y1 || x0 >= x1) continue;
          const v = d[dy.offset + b * gN + c * gC + oy * gH + ox * gW] / divisor(mode, ry, oy, rx, ox);
          for (let iy = y0; iy < y1; iy++) {
            const row = plane + iy * W;
            for (let ix = x0; ix < x1; ix++) out[row + ix] += v;
          }
        }
      }
    }
  }
  return out;
}
