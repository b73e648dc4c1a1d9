// norm.ts — the gpujs backend's layer norm without affine (kernels/norm.ts): per group of the
// last n elements, the mean and rstd are two reductions (reduce.ts's runReduce with the maps of
// kernels/norm.ts) and y is one elementwise pass. CPU twin: layerNormKernel in cpu/norm.ts.

import type { View } from '../backend.js';
import type { DType } from '../../tensor/dtype.js';
import { numel } from '../../tensor/shape.js';
import { groupStart } from '../strided.js';
import { meanOf, normalizeSource, rstdOf, squaredDeviation } from '../../../kernels/norm.js';
import { checkDtype, type GpuBuffer } from './buffer.js';
import type { GpuJsBackend } from './index.js';
import { runReduce, split, withLanes } from './reduce.js';

type V = View<GpuBuffer>;

// mean = sum x / n,  rstd = 1 / sqrt(sum (x - mean)^2 / n + eps),  y = (x - mean) * rstd
export function layerNorm(b: GpuJsBackend, x: V, n: number, eps: number, dtype: DType): { y: GpuBuffer; mean: GpuBuffer; rstd: GpuBuffer } {
  checkDtype('layerNorm', dtype);
  const k = groupStart(x.shape, n);
  const axes = x.shape.map((_, d) => d).filter((d) => d >= k);
  const s = split(x, axes, true);
  const mean = runReduce(b, x, s, 'sum', dtype, { post: meanOf(n) });
  const rstd = runReduce(b, x, s, 'sum', dtype, { pre: squaredDeviation, post: rstdOf(n, eps), aux: mean });
  const c = withLanes(x, axes);
  const y = b.run(() => normalizeSource(c.shape, c.xStride, c.laneStride, dtype), dtype, numel(x.shape), [x.data, x.offset, mean, rstd]);
  return { y, mean, rstd };
}
