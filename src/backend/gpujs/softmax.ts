// softmax.ts — the gpujs backend's softmax / log-softmax along one axis (kernels/softmax.ts),
// in three passes: the lane maximum m, z = sum exp(x - m) (kept as 1/z or log z), then every
// element. CPU twin: softmaxKernel in cpu/softmax.ts. The two lane statistics are reduce.ts's
// runReduce with the maps of kernels/softmax.ts.

import type { View } from '../backend.js';
import type { DType } from '../../tensor/dtype.js';
import { numel } from '../../tensor/shape.js';
import { expShifted, finiteMax, logOf, reciprocal, softmaxSource } from '../../../kernels/softmax.js';
import { checkDtype, type GpuBuffer } from './buffer.js';
import type { GpuJsBackend } from './index.js';
import { runReduce, split, withLanes } from './reduce.js';

type V = View<GpuBuffer>;

// y = exp(x - m) * (1 / z)  or  y = (x - m) - log z,   m = max x (0 if -inf),  z = sum exp(x - m)
export function softmax(b: GpuJsBackend, x: V, axis: number, log: boolean, dtype: DType): GpuBuffer {
  checkDtype(log ? 'logSoftmax' : 'softmax', dtype);
  const s = split(x, [axis], true);
  const m = runReduce(b, x, s, 'max', 'float32', { post: finiteMax });
  const z = runReduce(b, x, s, 'sum', 'float32', { pre: expShifted, post: log ? logOf : reciprocal, aux: m });
  const c = withLanes(x, [axis]);
  return b.run(() => softmaxSource(c.shape, c.xStride, c.laneStride, log, dtype), dtype, numel(x.shape), [x.data, x.offset, m, z]);
}
