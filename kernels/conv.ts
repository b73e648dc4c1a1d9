// conv.ts — gpu.js kernels for im2col (the unfold that turns a convolution into one matmul) and
// its adjoint col2im. CPU twins: im2colKernel, col2imKernel in src/backend/cpu/conv.ts.
// col2im is written gather-style (gpu.js has no scatter): each input pixel sums the columns
// whose windows read it, found per kernel tap by inverting the window map. Geometry: Window2d
// (src/backend/backend.ts); the pooling adjoints in pool.ts share its loop, `coveringWindowsSource`.
// Shapes: N batch, C channels, H x W input, kh x kw window, oh x ow output, L = oh*ow.

import type { Window2d } from '../src/backend/backend.js';
import type { DType } from '../src/tensor/dtype.js';
import { coordLines, indexExpr, sig, type KernelSource } from './common.js';

/** Cache-key fragment for a window geometry. */
export const geomKey = (g: Window2d): string =>
  `${g.n}x${g.c}x${g.h}x${g.w}:k${g.kh}x${g.kw}:s${g.sh},${g.sw}:p${g.ph},${g.pw}:d${g.dh},${g.dw}:o${g.oh}x${g.ow}`;

/**
 * Inverts the window map along one axis: input position `pos` is read by tap `k` of window
 * `out` when pos = out*s - pad + k*d. Declares `${out}` and `${t}` = out*s, and returns the
 * condition that the window exists (0 <= out < outSize, out integral).
 */
function tapSource(out: string, pos: string, k: string, s: number, pad: number, d: number, outSize: number): { lines: string; ok: string } {
  const t = `t${out}`;
  const lines = `const ${t} = ${pos} + ${pad} - ${k} * ${d};
      const ${out} = ${s === 1 ? t : `Math.floor((${t} + 0.5) / ${s})`};`;
  const ok = s === 1 ? `${t} >= 0.0 && ${t} < ${outSize}` : `${t} >= 0.0 && ${out} * ${s} === ${t} && ${out} < ${outSize}`;
  return { lines, ok };
}

/**
 * The loop of a gather-style adjoint (col2im, and the pooling backwards in pool.ts) in a kernel
 * whose thread is input pixel (c2, c3): over the taps (i, j) of the kh x kw window it finds the
 * window (oy, ox) that reads the pixel through that tap and, where that window exists, runs
 * `body` (which adds its term to the kernel's sum). `rowLines` run once per window row found,
 * before the loop over j. Both are inserted as given after their block's indentation (12 and 8
 * spaces), so their own further lines carry theirs. `dilation` defaults to the geometry's.
 */
export function coveringWindowsSource(g: Window2d, body: string, opts: { rowLines?: string; dilation?: [number, number] } = {}): string {
  const [dh, dw] = opts.dilation ?? [g.dh, g.dw];
  const ty = tapSource('oy', 'c2', 'i', g.sh, g.ph, dh, g.oh);
  const tx = tapSource('ox', 'c3', 'j', g.sw, g.pw, dw, g.ow);
  return `for (let i = 0; i < ${g.kh}; i++) {
      ${ty.lines}
      if (${ty.ok}) {${opts.rowLines ? `\n        ${opts.rowLines}` : ''}
        for (let j = 0; j < ${g.kw}; j++) {
          ${tx.lines}
          if (${tx.ok}) {
            ${body}
          }
        }
      }
    }`;
}

// cols[n, (c*kh + i)*kw + j, oy*ow + ox] = x[n, c, oy*sh - ph + i*dh, ox*sw - pw + j*dw]  (0 outside)
export function im2colSource(g: Window2d, stride: readonly number[], dtype: DType): KernelSource {
  const [sN, sC, sH, sW] = stride;
  const source = `function (x, xo) {
    ${coordLines([g.n, g.c, g.kh, g.kw, g.oh, g.ow], 'this.thread.x')}
    const iy = c4 * ${g.sh} - ${g.ph} + c2 * ${g.dh};
    const ix = c5 * ${g.sw} - ${g.pw} + c3 * ${g.dw};
    if (iy >= 0.0 && iy < ${g.h} && ix >= 0.0 && ix < ${g.w}) {
      return x[${indexExpr('xo', [sN, sC])} + iy * ${sH} + ix * ${sW}];
    }
    return 0.0;
  }`;
  return { key: `im2col:${geomKey(g)}:${sig([], stride)}:${dtype}`, source };
}

// x[n, c, iy, ix] = sum of cols[n, (c*kh + i)*kw + j, oy*ow + ox] over the taps (i, j) that read (iy, ix)
export function col2imSource(g: Window2d, stride: readonly number[], dtype: DType): KernelSource {
  const [sN, sR, sL] = stride;
  const source = `function (cols, co) {
    ${coordLines([g.n, g.c, g.h, g.w], 'this.thread.x')}
    const base = ${indexExpr('co', [sN])} + c1 * ${g.kh * g.kw * sR};
    let s = 0.0;
    ${coveringWindowsSource(g, `s += cols[base + (i * ${g.kw} + j) * ${sR} + (oy * ${g.ow} + ox) * ${sL}];`)}
    return s;
  }`;
  return { key: `col2im:${geomKey(g)}:${sig([], stride)}:${dtype}`, source, maxLoop: Math.max(g.kh, g.kw) };
}
