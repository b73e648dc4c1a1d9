// softmax.ts — the wasm backend's float32 softmax / log-softmax along an axis: one threaded SIMD
// kernel (softmaxF32 in kernels/wasm/softmax.ts), lanes shared out over threads; a lane that is
// not contiguous is gathered into scratch by the kernel. Matches cpu/softmax.ts (max-subtracted,
// sums in float64); other dtypes, 0-d inputs and views of more than 6 collapsed dims take it.

import type { View } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { contiguousStrides, numel } from '../../tensor/shape.js';
import { softmaxKernel } from '../cpu/softmax.js';
import { collapse } from '../strided.js';
import { whilePinned } from './elementwise.js';
import type { WasmBackend } from './index.js';
import { threadsFor } from './runtime.js';

type Arr = TypedArray;

/** Elements per thread below which softmax stays on the calling thread: ~2 ns per element
 * measured (a max pass, an exp pass, a scaling pass), so a share of 2^14 is ~30 µs. */
const GRAIN = 1 << 14;
const MAXD = 6;


export function wasmSoftmax(be: WasmBackend, x: View<Arr>, axis: number, log: boolean, dtype: DType): Arr {
  const reference = (): Arr => be.adopt(softmaxKernel(x, axis, log, dtype));
  if (dtype !== 'float32' || !(x.data instanceof Float32Array) || x.shape.length === 0) return reference();
  const total = numel(x.shape);
  const out = be.alloc('float32', total);
  if (total === 0) return out;
  const heap = be.runtime.heap;
  const data = be.adopt(x.data);
  if (!heap.isResident(out) || !heap.isResident(data)) return reference();
  const n = x.shape[axis];
  const os = contiguousStrides(x.shape);
  // the lanes: every dim but the axis, collapsed
  const c = collapse(x.shape.map((s, d) => (d === axis ? 1 : s)), [x.stride, os]);
  if (c.shape.length > MAXD) return reference();
  const sx = x.stride[axis], so = os[axis];
  const lanes = total / n;
  const rt = be.runtime;
  const nt = Math.min(lanes, threadsFor(total, GRAIN));
  const bytesPerThread = sx === 1 && so === 1 ? 0 : Math.ceil((n * 4) / 64) * 64;
  const scratch = rt.scratch(bytesPerThread, nt);
  const words = new Array<number>(28).fill(0);
  words[0] = data.byteOffset + x.offset * 4;
  words[1] = out.byteOffset;
  words[2] = n;
  words[3] = sx;
  words[4] = so;
  words[5] = log ? 1 : 0;
  words[6] = c.shape.length;
  c.shape.forEach((s, d) => { words[7 + d] = s; words[13 + d] = c.strides[0][d]; words[19 + d] = c.strides[1][d]; });
  words[25] = lanes;
  words[26] = scratch;
  words[27] = bytesPerThread;
  whilePinned([data], () => rt.call('softmaxF32', nt, words));
  return out;
}
