// conv.ts — the gpujs backend's sliding-window ops: im2col/col2im and pooling
// (kernels/conv.ts, kernels/pool.ts). CPU twins: the kernels of the same names in cpu/conv.ts.

import type { AvgPoolMode, View, Window2d } from '../backend.js';
import type { DType } from '../../tensor/dtype.js';
import type { GpuBuffer } from './buffer.js';
import type { GpuJsBackend } from './index.js';

type V = View<GpuBuffer>;

export function im2col(_b: GpuJsBackend, _x: V, _g: Window2d, _dtype: DType): GpuBuffer { throw new Error('gpujs.im2col: not implemented yet'); }
export function col2im(_b: GpuJsBackend, _cols: V, _g: Window2d, _dtype: DType): GpuBuffer { throw new Error('gpujs.col2im: not implemented yet'); }
export function maxPool2d(_b: GpuJsBackend, _x: V, _g: Window2d, _dtype: DType): { values: GpuBuffer; indices: GpuBuffer } { throw new Error('gpujs.maxPool2d: not implemented yet'); }
export function maxPool2dBackward(_b: GpuJsBackend, _dy: V, _indices: V, _g: Window2d, _dtype: DType): GpuBuffer { throw new Error('gpujs.maxPool2dBackward: not implemented yet'); }
export function avgPool2d(_b: GpuJsBackend, _x: V, _g: Window2d, _mode: AvgPoolMode, _dtype: DType): GpuBuffer { throw new Error('gpujs.avgPool2d: not implemented yet'); }
export function avgPool2dBackward(_b: GpuJsBackend, _dy: V, _g: Window2d, _mode: AvgPoolMode, _dtype: DType): GpuBuffer { throw new Error('gpujs.avgPool2dBackward: not implemented yet'); }
