// pool.ts — the wasm backend's max and average pooling and their adjoints: float32 runs the
// kernels in kernels/wasm/pool.ts (threaded over the N·C planes, four windows per f32x4 where a
// window lies inside the image), reading strided views in place; other dtypes, and the inputs the
// reference rejects (dilated average pooling), take src/backend/cpu/pool.ts, which also throws.

import type { AvgPoolMode, View, Window2d } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { avgPool2dBackwardKernel, avgPool2dKernel, maxPool2dBackwardKernel, maxPool2dKernel } from '../cpu/pool.js';
import { whole } from './conv.js';
import type { WasmBackend } from './index.js';
import { threadsFor } from './runtime.js';

type Arr = TypedArray;

/** Window taps read below which a pooling kernel stays on the calling thread. */
const GRAIN = 1 << 15;

const isF32 = (v: View<Arr>, dtype: DType): boolean => dtype === 'float32' && v.data instanceof Float32Array;
const planes = (g: Window2d): number[] => [g.n, g.c, g.h, g.w];
const window = (g: Window2d): number[] => [g.kh, g.kw, g.sh, g.sw, g.ph, g.pw];
const taps = (g: Window2d): number => g.n * g.c * g.oh * g.ow * g.kh * g.kw;
/** The divisor words: countIncludePad, divisorOverride (0: none). */
const divisor = (m: AvgPoolMode): number[] => [m.countIncludePad ? 1 : 0, m.divisorOverride > 0 ? m.divisorOverride : 0];
/** Average pooling the kernels do: dilation 1 (else the reference throws) and an integral divisor override. */
const avgOk = (g: Window2d, m: AvgPoolMode): boolean => g.dh === 1 && g.dw === 1 && Number.isInteger(m.divisorOverride);

// y[n,c,oy,ox] = max over the window (padding = -inf); idx = flat y*W + x of the first maximum
export function wasmMaxPool2d(be: WasmBackend, x: View<Arr>, g: Window2d, dtype: DType): { values: Arr; indices: Arr } {
  const size = g.n * g.c * g.oh * g.ow;
  const reference = (): { values: Arr; indices: Arr } => {
    const r = maxPool2dKernel(x, g, dtype);
    return { values: be.adopt(r.values), indices: be.adopt(r.indices) };
  };
  if (!isF32(x, dtype)) return reference();
  const values = be.alloc('float32', size), indices = be.alloc('int32', size);
  if (size === 0) return { values, indices };
  const px = be.pointer(x), pv = be.pointer(whole(values)), pi = be.pointer(whole(indices));
  if (px < 0 || pv < 0 || pi < 0) return reference(); // memory full: host math
  be.runtime.call('maxPool2d', threadsFor(taps(g), GRAIN), [px, ...x.stride, ...planes(g), ...window(g), g.dh, g.dw, g.oh, g.ow, pv, pi]);
  return { values, indices };
}

// dx[n, c, idx[n,c,oy,ox]] += dy[n, c, oy, ox]
export function wasmMaxPool2dBackward(be: WasmBackend, dy: View<Arr>, indices: View<Arr>, g: Window2d, dtype: DType): Arr {
  const size = g.n * g.c * g.h * g.w;
  if (!isF32(dy, dtype) || !(indices.data instanceof Int32Array)) return be.adopt(maxPool2dBackwardKernel(dy, indices, g, dtype));
  const out = be.alloc('float32', size);
  if (size === 0) return out;
  const pd = be.pointer(dy), pi = be.pointer(indices), po = be.pointer(whole(out));
  if (pd < 0 || pi < 0 || po < 0) return be.adopt(maxPool2dBackwardKernel(dy, indices, g, dtype));
  be.runtime.call('maxPool2dBackward', threadsFor(size, GRAIN), [pd, ...dy.stride, pi, ...indices.stride, ...planes(g), g.oh, g.ow, po]);
  return out;
}

// y[n,c,oy,ox] = (sum of x over the window's real elements) / divisor   (empty window: 0)
export function wasmAvgPool2d(be: WasmBackend, x: View<Arr>, g: Window2d, mode: AvgPoolMode, dtype: DType): Arr {
  const size = g.n * g.c * g.oh * g.ow;
  if (!isF32(x, dtype) || !avgOk(g, mode)) return be.adopt(avgPool2dKernel(x, g, mode, dtype));
  const out = be.alloc('float32', size);
  if (size === 0) return out;
  const px = be.pointer(x), po = be.pointer(whole(out));
  if (px < 0 || po < 0) return be.adopt(avgPool2dKernel(x, g, mode, dtype));
  be.runtime.call('avgPool2d', threadsFor(taps(g), GRAIN), [px, ...x.stride, ...planes(g), ...window(g), g.oh, g.ow, ...divisor(mode), po]);
  return out;
}

// dx[n,c,iy,ix] += dy[n,c,oy,ox] / divisor  for every window (oy, ox) whose real part holds (iy, ix)
export function wasmAvgPool2dBackward(be: WasmBackend, dy: View<Arr>, g: Window2d, mode: AvgPoolMode, dtype: DType): Arr {
  const size = g.n * g.c * g.h * g.w;
  if (!isF32(dy, dtype) || !avgOk(g, mode)) return be.adopt(avgPool2dBackwardKernel(dy, g, mode, dtype));
  const out = be.alloc('float32', size);
  if (size === 0) return out;
  const pd = be.pointer(dy), po = be.pointer(whole(out));
  if (pd < 0 || po < 0) return be.adopt(avgPool2dBackwardKernel(dy, g, mode, dtype));
  be.runtime.call('avgPool2dBackward', threadsFor(Math.max(size, taps(g)), GRAIN), [pd, ...dy.stride, ...planes(g), ...window(g), g.oh, g.ow, ...divisor(mode), po]);
  return out;
}
