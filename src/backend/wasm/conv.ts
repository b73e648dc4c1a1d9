// conv.ts — the wasm backend's im2col and col2im: float32 runs the kernels in
// kernels/wasm/conv.ts (threaded over the N·C planes, f32x4 rows at stride 1 and 2), reading
// strided views in place; other dtypes take the CPU reference (src/backend/cpu/conv.ts).
// A convolution is im2col + the wasm GEMM (layers/conv.ts), with the columns passed to the
// GEMM as strided views, so nothing else is copied on the way.

import type { View, Window2d } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { col2imKernel, im2colKernel } from '../cpu/conv.js';
import type { WasmBackend } from './index.js';
import { threadsFor } from './runtime.js';

type Arr = TypedArray;

/** Elements moved below which a window kernel stays on the calling thread (~20 µs of copying). */
const GRAIN = 1 << 15;

const geometry = (g: Window2d): number[] => [g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.oh, g.ow];
const isF32 = (v: View<Arr>, dtype: DType): boolean => dtype === 'float32' && v.data instanceof Float32Array;

// cols[n, (c*kh + i)*kw + j, oy*ow + ox] = x[n, c, oy*sh - ph + i*dh, ox*sw - pw + j*dw]  (0 outside)
export function wasmIm2col(be: WasmBackend, x: View<Arr>, g: Window2d, dtype: DType): Arr {
  const size = g.n * g.c * g.kh * g.kw * g.oh * g.ow;
  if (!isF32(x, dtype)) return be.adopt(im2colKernel(x, g, dtype));
  const out = be.alloc('float32', size);
  if (size === 0) return out;
  const px = be.pointer(x), po = be.pointer(whole(out));
  if (px < 0 || po < 0) return be.adopt(im2colKernel(x, g, dtype)); // memory full: host math
  be.runtime.call('im2col', threadsFor(size, GRAIN), [px, ...x.stride, ...geometry(g), po]);
  return out;
}

// x[n, c, iy, ix] = sum of cols[n, (c*kh + i)*kw + j, oy*ow + ox] over the taps that read (iy, ix)
export function wasmCol2im(be: WasmBackend, cols: View<Arr>, g: Window2d, dtype: DType): Arr {
  const size = g.n * g.c * g.h * g.w;
  if (!isF32(cols, dtype)) return be.adopt(col2imKernel(cols, g, dtype));
  const out = be.alloc('float32', size);
  if (size === 0) return out;
  const pc = be.pointer(cols), po = be.pointer(whole(out));
  if (pc < 0 || po < 0) return be.adopt(col2imKernel(cols, g, dtype));
  const work = g.n * g.c * g.kh * g.kw * g.oh * g.ow;
  be.runtime.call('col2im', threadsFor(work, GRAIN), [pc, ...cols.stride, ...geometry(g), po]);
  return out;
}

/** A whole storage as a contiguous 1-D view (to take its pointer). */
export const whole = (a: Arr): View<Arr> => ({ data: a, shape: [a.length], stride: [1], offset: 0 });
