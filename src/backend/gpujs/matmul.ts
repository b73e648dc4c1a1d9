// matmul.ts — the gpujs backend's batched matrix product (kernels/matmul.ts).
// CPU twin: matmulKernel in cpu/matmul.ts.

import type { View } from '../backend.js';
import type { DType } from '../../tensor/dtype.js';
import type { GpuBuffer } from './buffer.js';
import type { GpuJsBackend } from './index.js';

type V = View<GpuBuffer>;

export function matmul(_b: GpuJsBackend, _a: V, _bb: V, _dtype: DType): GpuBuffer { throw new Error('gpujs.matmul: not implemented yet'); }
