// indexing.ts — the gpujs backend's movement and indexing ops (kernels/indexing.ts).
// CPU twins: assignKernel, catKernel, embedKernel, gatherKernel, scatterAddKernel,
// indexSelectKernel, indexAddKernel in cpu/indexing.ts.

import type { View } from '../backend.js';
import type { DType } from '../../tensor/dtype.js';
import type { GpuBuffer } from './buffer.js';
import type { GpuJsBackend } from './index.js';

type V = View<GpuBuffer>;

export function assign(_b: GpuJsBackend, _dst: V, _src: V): void { throw new Error('gpujs.assign: not implemented yet'); }
export function cat(_b: GpuJsBackend, _xs: V[], _axis: number, _dtype: DType): GpuBuffer { throw new Error('gpujs.cat: not implemented yet'); }
export function embed(_b: GpuJsBackend, _x: V, _shape: number[], _start: number[], _step: number[], _dtype: DType): GpuBuffer { throw new Error('gpujs.embed: not implemented yet'); }
export function gather(_b: GpuJsBackend, _x: V, _axis: number, _index: V, _dtype: DType): GpuBuffer { throw new Error('gpujs.gather: not implemented yet'); }
export function scatterAdd(_b: GpuJsBackend, _shape: number[], _axis: number, _index: V, _src: V, _dtype: DType): GpuBuffer { throw new Error('gpujs.scatterAdd: not implemented yet'); }
export function indexSelect(_b: GpuJsBackend, _x: V, _axis: number, _index: V, _dtype: DType): GpuBuffer { throw new Error('gpujs.indexSelect: not implemented yet'); }
export function indexAdd(_b: GpuJsBackend, _shape: number[], _axis: number, _index: V, _src: V, _dtype: DType): GpuBuffer { throw new Error('gpujs.indexAdd: not implemented yet'); }
