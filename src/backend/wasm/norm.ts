// norm.ts — the wasm backend's float32 layer norm (y, mean, rstd over groups of the last n
// elements): one threaded SIMD kernel (layerNormF32 in kernels/wasm/norm.ts) over contiguous rows,
// computing in float64 like cpu/norm.ts. A non-contiguous x is first made contiguous by the wasm
// copy kernel. Other dtypes and empty groups take the reference kernel.

import type { View } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { isContiguous, numel } from '../../tensor/shape.js';
import { layerNormKernel } from '../cpu/norm.js';
import { groupStart } from '../strided.js';
import { wasmCopy, whilePinned } from './elementwise.js';
import type { WasmBackend } from './index.js';
import { threadsFor } from './runtime.js';

type Arr = TypedArray;
type Norm = { y: Arr; mean: Arr; rstd: Arr };

/** Elements per thread below which layer norm stays on the calling thread: three float64 SIMD
 * passes, ~0.7 ns per element measured, so a share of 2^16 is ~45 µs. */
const GRAIN = 1 << 16;

export function wasmLayerNorm(be: WasmBackend, x: View<Arr>, n: number, eps: number, dtype: DType): Norm {
  const reference = (): Norm => {
    const r = layerNormKernel(x, n, eps, dtype);
    return { y: be.adopt(r.y), mean: be.adopt(r.mean), rstd: be.adopt(r.rstd) };
  };
  if (dtype !== 'float32' || !(x.data instanceof Float32Array) || n === 0) return reference();
  const rows = numel(x.shape.slice(0, groupStart(x.shape, n)));
  const y = be.alloc('float32', rows * n), mean = be.alloc('float32', rows), rstd = be.alloc('float32', rows);
  if (rows === 0) return { y, mean, rstd };
  // rows of n elements back to back: x itself, or a contiguous copy
  const flat = isContiguous(x.shape, x.stride);
  const data = flat ? be.adopt(x.data) : wasmCopy(be, x, 'float32');
  const heap = be.runtime.heap;
  if (![y, mean, rstd, data].every((a) => heap.isResident(a))) return reference();
  const words = [data.byteOffset + (flat ? x.offset * 4 : 0), y.byteOffset, mean.byteOffset, rstd.byteOffset, rows, n, ...be.runtime.f64(eps)];
  whilePinned([data], () => be.runtime.call('layerNormF32', Math.min(rows, threadsFor(rows * n, GRAIN)), words));
  return { y, mean, rstd };
}
