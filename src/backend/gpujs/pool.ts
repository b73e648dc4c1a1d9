// pool.ts — the gpujs backend's max and average pooling and their adjoints (kernels/pool.ts).
// CPU twins: maxPool2dKernel, maxPool2dBackwardKernel, avgPool2dKernel, avgPool2dBackwardKernel
// in cpu/pool.ts. Every adjoint runs gather-style, one thread per input pixel.
// Shapes: N batch, C channels, H x W input, kh x kw window, oh x ow output.

import type { AvgPoolMode, View, Window2d } from '../backend.js';
import type { DType } from '../../tensor/dtype.js';
import { avgPoolBackwardSource, avgPoolSource, maxPoolBackwardSource, maxPoolIndexSource, maxPoolValueSource } from '../../../kernels/pool.js';
import { checkDtype, type GpuBuffer } from './buffer.js';
import type { GpuJsBackend } from './index.js';

type V = View<GpuBuffer>;

const inSize = (g: Window2d): number => g.n * g.c * g.h * g.w;
const outSize = (g: Window2d): number => g.n * g.c * g.oh * g.ow;

function checkAvg(g: Window2d): void {
  if (g.dh !== 1 || g.dw !== 1) throw new Error(`avgPool2d: dilation must be 1, got (${g.dh}, ${g.dw})`);
}

// (N, C, H, W) -> values and int32 argmax indices (N, C, oh, ow): the indices first, then the
// values read at them
export function maxPool2d(b: GpuJsBackend, x: V, g: Window2d, dtype: DType): { values: GpuBuffer; indices: GpuBuffer } {
  checkDtype('maxPool2d', dtype);
  const indices = b.run(() => maxPoolIndexSource(g, x.stride), 'int32', outSize(g), [x.data, x.offset]);
  const values = b.run(() => maxPoolValueSource(g, x.stride, dtype), dtype, outSize(g), [x.data, x.offset, indices]);
  return { values, indices };
}

// dy, indices (N, C, oh, ow) -> dx (N, C, H, W)
export function maxPool2dBackward(b: GpuJsBackend, dy: V, indices: V, g: Window2d, dtype: DType): GpuBuffer {
  checkDtype('maxPool2dBackward', dtype);
  return b.run(() => maxPoolBackwardSource(g, dy.stride, indices.stride, dtype), dtype, inSize(g), [dy.data, dy.offset, indices.data, indices.offset]);
}

// (N, C, H, W) -> (N, C, oh, ow)
export function avgPool2d(b: GpuJsBackend, x: V, g: Window2d, mode: AvgPoolMode, dtype: DType): GpuBuffer {
  checkDtype('avgPool2d', dtype);
  checkAvg(g);
  return b.run(() => avgPoolSource(g, x.stride, mode, dtype), dtype, outSize(g), [x.data, x.offset]);
}

// dy (N, C, oh, ow) -> dx (N, C, H, W)
export function avgPool2dBackward(b: GpuJsBackend, dy: V, g: Window2d, mode: AvgPoolMode, dtype: DType): GpuBuffer {
  checkDtype('avgPool2dBackward', dtype);
  checkAvg(g);
  return b.run(() => avgPoolBackwardSource(g, dy.stride, mode, dtype), dtype, inSize(g), [dy.data, dy.offset]);
}
