// matmul.ts — the gpujs backend's batched matrix product (kernels/matmul.ts).
// CPU twin: matmulKernel in cpu/matmul.ts. On webasm the product runs as the blocked kernel
// (4 rows of a column per thread, a 2-D output the host reorders into rows); every other mode,
// the GL ones included, runs the one-thread-per-element kernel.
// Shapes: a (...batch, M, K) @ b (...batch, K, N) -> (...batch, M, N).

import type { View } from '../backend.js';
import type { DType } from '../../tensor/dtype.js';
import { numel } from '../../tensor/shape.js';
import { collapse } from '../strided.js';
import { matmulBlockedSource, matmulSource, unblock, type MatmulGeometry } from '../../../kernels/matmul.js';
import { checkDtype, GpuBuffer } from './buffer.js';
import type { GpuJsBackend } from './index.js';

type V = View<GpuBuffer>;

export function matmul(be: GpuJsBackend, a: V, b: V, dtype: DType): GpuBuffer {
  checkDtype('matmul', dtype);
  const nd = a.shape.length;
  const [M, K, N] = [a.shape[nd - 2], a.shape[nd - 1], b.shape[nd - 1]];
  const batch = a.shape.slice(0, nd - 2);
  const B = numel(batch), size = B * M * N;
  if (size === 0 || K === 0) return be.zeros(dtype, size); // an empty sum is 0
  const cb = collapse(batch, [a.stride.slice(0, nd - 2), b.stride.slice(0, nd - 2)]);
  const g: MatmulGeometry = {
    batch: cb.shape, aBatch: cb.strides[0], bBatch: cb.strides[1], M, K, N,
    ars: a.stride[nd - 2], acs: a.stride[nd - 1], brs: b.stride[nd - 2], bcs: b.stride[nd - 1],
  };
  const args = [a.data, a.offset, b.data, b.offset];
  if (be.activeMode !== 'webasm') return be.run(() => matmulSource(g, dtype), dtype, size, args);
  const src = matmulBlockedSource(g, dtype);
  const cells = be.runner.run(src, B * Math.ceil(M / 4) * N, args.map((v) => (typeof v === 'number' ? v : v.kernelArg())));
  return new GpuBuffer(dtype, size, null, unblock(cells as unknown as Float32Array[][], B, M, N));
}
