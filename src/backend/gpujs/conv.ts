// conv.ts — the gpujs backend's im2col and its adjoint col2im (kernels/conv.ts). CPU twins:
// im2colKernel, col2imKernel in cpu/conv.ts. col2im runs gather-style, one thread per input pixel.
// Shapes: N batch, C channels, H x W input, kh x kw window, oh x ow output, L = oh*ow.

import type { View, Window2d } from '../backend.js';
import type { DType } from '../../tensor/dtype.js';
import { col2imSource, im2colSource } from '../../../kernels/conv.js';
import { checkDtype, type GpuBuffer } from './buffer.js';
import type { GpuJsBackend } from './index.js';

type V = View<GpuBuffer>;

const inSize = (g: Window2d): number => g.n * g.c * g.h * g.w;

// (N, C, H, W) -> (N, C*kh*kw, L)
export function im2col(b: GpuJsBackend, x: V, g: Window2d, dtype: DType): GpuBuffer {
  checkDtype('im2col', dtype);
  return b.run(() => im2colSource(g, x.stride, dtype), dtype, g.n * g.c * g.kh * g.kw * g.oh * g.ow, [x.data, x.offset]);
}

// (N, C*kh*kw, L) -> (N, C, H, W)
export function col2im(b: GpuJsBackend, cols: V, g: Window2d, dtype: DType): GpuBuffer {
  checkDtype('col2im', dtype);
  return b.run(() => col2imSource(g, cols.stride, dtype), dtype, inSize(g), [cols.data, cols.offset]);
}
