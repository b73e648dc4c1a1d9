// pool.ts — gpu.js kernels for max and average pooling over (N, C, H, W) and their adjoints.
// CPU twins: maxPool2dKernel, maxPool2dBackwardKernel, avgPool2dKernel, avgPool2dBackwardKernel
// in src/backend/cpu/pool.ts (padding -inf for max, NaN wins, first maximum on ties; PyTorch's
// count_include_pad / divisor_override for average). The adjoints are gather-style: each input
// pixel sums dy over the windows that cover it (conv.ts's coveringWindowsSource loops over them).
// Shapes: N batch, C channels, H x W input, kh x kw window, oh x ow output.

import type { AvgPoolMode, Window2d } from '../src/backend/backend.js';
import type { DType } from '../src/tensor/dtype.js';
import { coordLines, indexExpr, lit, sig, type KernelSource } from './common.js';
import { coveringWindowsSource, geomKey } from './conv.js';

/**
 * idx[n,c,oy,ox] = y*W + x of the window's maximum, the first one on ties; a NaN replaces the
 * running maximum, as in the CPU twin's `v > best || v !== v`. The first real element always
 * starts the scan (`at < 0`), so padding is never compared; a window of padding only gives -1.
 */
export function maxPoolIndexSource(g: Window2d, stride: readonly number[]): KernelSource {
  const [sN, sC, sH, sW] = stride;
  const source = `function (x, xo) {
    ${coordLines([g.n, g.c, g.oh, g.ow], 'this.thread.x')}
    const plane = ${indexExpr('xo', [sN, sC])};
    let best = 0.0;
    let at = -1.0;
    for (let i = 0; i < ${g.kh}; i++) {
      const iy = c2 * ${g.sh} - ${g.ph} + i * ${g.dh};
      if (iy >= 0.0 && iy < ${g.h}) {
        for (let j = 0; j < ${g.kw}; j++) {
          const ix = c3 * ${g.sw} - ${g.pw} + j * ${g.dw};
          if (ix >= 0.0 && ix < ${g.w}) {
            const v = x[plane + iy * ${sH} + ix * ${sW}];
            if (v > best || v !== v || at < 0.0) {
              best = v;
              at = iy * ${g.w} + ix;
            }
          }
        }
      }
    }
    return at;
  }`;
  return { key: `maxPoolIndex:${geomKey(g)}:${sig([], stride)}`, source, maxLoop: Math.max(g.kh, g.kw) };
}

/** y[n,c,oy,ox] = x[n, c, idx / W, idx % W], or -inf for a window of padding only (idx = -1). */
export function maxPoolValueSource(g: Window2d, stride: readonly number[], dtype: DType): KernelSource {
  const [sN, sC, sH, sW] = stride;
  const source = `function (x, xo, idx) {
    ${coordLines([g.n, g.c, g.oh, g.ow], 'this.thread.x')}
    const at = idx[this.thread.x];
    if (at < 0.0) return ${lit(-Infinity)};
    const iy = Math.floor((at + 0.5) / ${g.w});
    const ix = at - iy * ${g.w};
    return x[${indexExpr('xo', [sN, sC])} + iy * ${sH} + ix * ${sW}];
  }`;
  return { key: `maxPoolValue:${geomKey(g)}:${sig([], stride)}:${dtype}`, source };
}

// dx[n,c,iy,ix] = sum of dy[n,c,oy,ox] over the windows covering (iy, ix) whose argmax is (iy, ix)
export function maxPoolBackwardSource(g: Window2d, dyStride: readonly number[], idxStride: readonly number[], dtype: DType): KernelSource {
  const [gN, gC, gH, gW] = dyStride, [iN, iC, iH, iW] = idxStride;
  const body = `if (idx[iplane + oy * ${iH} + ox * ${iW}] === self) {
              s += dy[dplane + oy * ${gH} + ox * ${gW}];
            }`;
  const source = `function (dy, dyo, idx, io) {
    ${coordLines([g.n, g.c, g.h, g.w], 'this.thread.x')}
    const self = c2 * ${g.w} + c3;
    const dplane = ${indexExpr('dyo', [gN, gC])};
    const iplane = ${indexExpr('io', [iN, iC])};
    let s = 0.0;
    ${coveringWindowsSource(g, body)}
    return s;
  }`;
  return { key: `maxPoolBackward:${geomKey(g)}:${sig([], dyStride)}:${sig([], idxStride)}:${dtype}`, source, maxLoop: Math.max(g.kh, g.kw) };
}

/**
 * Source lines declaring window (o${ax}) of one axis: its clipped extent [${ax}0, ${ax}1) in
 * input coordinates and its extent clipped to the padded input, ${ax}p (CPU twin: avgWindows).
 */
function avgWindowLines(ax: string, o: string, s: number, pad: number, k: number, size: number): string {
  return `const ${ax}s = ${o} * ${s} - ${pad};
    const ${ax}e = Math.min(${ax}s + ${k}, ${size + pad});
    const ${ax}0 = Math.max(${ax}s, 0.0);
    const ${ax}1 = Math.min(${ax}e, ${size});`;
}

/** The divisor of the window declared by avgWindowLines for axes y and x (CPU twin: divisor). */
function divisorExpr(mode: AvgPoolMode): string {
  if (mode.divisorOverride > 0) return lit(mode.divisorOverride);
  if (mode.countIncludePad) return '((ye - ys) * (xe - xs))';
  return '((y1 - y0) * (x1 - x0))';
}

const modeKey = (m: AvgPoolMode): string => `${m.countIncludePad ? 'incl' : 'excl'}/${m.divisorOverride}`;

// y[n,c,oy,ox] = (sum of x over the window's real elements) / divisor   (empty window: 0)
export function avgPoolSource(g: Window2d, stride: readonly number[], mode: AvgPoolMode, dtype: DType): KernelSource {
  const [sN, sC, sH, sW] = stride;
  const source = `function (x, xo) {
    ${coordLines([g.n, g.c, g.oh, g.ow], 'this.thread.x')}
    ${avgWindowLines('y', 'c2', g.sh, g.ph, g.kh, g.h)}
    ${avgWindowLines('x', 'c3', g.sw, g.pw, g.kw, g.w)}
    if (y0 >= y1 || x0 >= x1) return 0.0;
    const plane = ${indexExpr('xo', [sN, sC])};
    let s = 0.0;
    for (let i = 0; i < ${g.kh}; i++) {
      const iy = ys + i;
      if (iy >= 0.0 && iy < ${g.h}) {
        for (let j = 0; j < ${g.kw}; j++) {
          const ix = xs + j;
          if (ix >= 0.0 && ix < ${g.w}) {
            s += x[plane + iy * ${sH} + ix * ${sW}];
          }
        }
      }
    }
    return s / ${divisorExpr(mode)};
  }`;
  return { key: `avgPool:${geomKey(g)}:${modeKey(mode)}:${sig([], stride)}:${dtype}`, source, maxLoop: Math.max(g.kh, g.kw) };
}

// dx[n,c,iy,ix] = sum of dy[n,c,oy,ox] / divisor(oy, ox) over the windows covering (iy, ix)
export function avgPoolBackwardSource(g: Window2d, dyStride: readonly number[], mode: AvgPoolMode, dtype: DType): KernelSource {
  const [gN, gC, gH, gW] = dyStride;
  // each covering window's extent and divisor: rows once per oy, columns per ox; no dilation
  const loop = coveringWindowsSource(g, `${avgWindowLines('x', 'ox', g.sw, g.pw, g.kw, g.w)}
            s += dy[dplane + oy * ${gH} + ox * ${gW}] / ${divisorExpr(mode)};`, {
    rowLines: avgWindowLines('y', 'oy', g.sh, g.ph, g.kh, g.h),
    dilation: [1, 1],
  });
  const source = `function (dy, dyo) {
    ${coordLines([g.n, g.c, g.h, g.w], 'this.thread.x')}
    const dplane = ${indexExpr('dyo', [gN, gC])};
    let s = 0.0;
    ${loop}
    return s;
  }`;
  return { key: `avgPoolBackward:${geomKey(g)}:${modeKey(mode)}:${sig([], dyStride)}:${dtype}`, source, maxLoop: Math.max(g.kh, g.kw) };
}
