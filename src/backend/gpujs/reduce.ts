// reduce.ts — the gpujs backend's reductions, arg-reductions and softmax (kernels/reduce.ts,
// kernels/softmax.ts). CPU twins: reduceKernel, argReduceKernel, softmaxKernel in cpu/reduce.ts.

import type { ReduceOp, View } from '../backend.js';
import type { DType } from '../../tensor/dtype.js';
import type { GpuBuffer } from './buffer.js';
import type { GpuJsBackend } from './index.js';

type V = View<GpuBuffer>;

export function reduce(_b: GpuJsBackend, _op: ReduceOp, _x: V, _axes: number[], _dtype: DType): GpuBuffer { throw new Error('gpujs.reduce: not implemented yet'); }
export function argReduce(_b: GpuJsBackend, _op: 'argmax' | 'argmin', _x: V, _axis: number): GpuBuffer { throw new Error('gpujs.argReduce: not implemented yet'); }
export function softmax(_b: GpuJsBackend, _x: V, _axis: number, _log: boolean, _dtype: DType): GpuBuffer { throw new Error('gpujs.softmax: not implemented yet'); }
