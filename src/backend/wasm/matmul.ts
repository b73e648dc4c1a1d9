// matmul.ts — the wasm backend's batched matrix product: float32 goes to the SIMD GEMM in
// kernels/wasm/matmul.ts (packed panels, 4x8 register tile, threaded over rows or products);
// other dtypes take the CPU reference kernel. Strided and transposed operands are passed as
// strides (the GEMM's packing reads them), so only an operand whose batch dims cannot be walked
// by one stride per run is ever copied, and then by forEachRow's runs, not element by element.

import type { View } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { contiguousStrides, numel } from '../../tensor/shape.js';
import { matmulKernel } from '../cpu/matmul.js';
import { forEachRow } from '../strided.js';
import type { WasmBackend } from './index.js';
import { threadsFor } from './runtime.js';

type Arr = TypedArray;

/** Work (flops) below which a product stays on the calling thread (~80 µs at 48 GFLOP/s). */
const GRAIN = 1 << 22;

export function wasmMatmul(be: WasmBackend, a: View<Arr>, b: View<Arr>, dtype: DType): Arr {
  if (dtype !== 'float32' || !(a.data instanceof Float32Array) || !(b.data instanceof Float32Array)) {
    return be.adopt(matmulKernel(a, b, dtype));
  }
  const nd = a.shape.length;
  const M = a.shape[nd - 2], K = a.shape[nd - 1], N = b.shape[nd - 1];
  const batchShape = a.shape.slice(0, nd - 2);
  const batch = numel(batchShape);
  const out = K === 0 ? be.zeros('float32', batch * M * N) : be.alloc('float32', batch * M * N);
  if (batch * M * N === 0 || K === 0) return out;
  const pa = be.pointer(a), pb = be.pointer(b), pc = be.pointer({ data: out, shape: [out.length], stride: [1], offset: 0 });
  if (pa < 0 || pb < 0 || pc < 0) return be.adopt(matmulKernel(a, b, dtype)); // memory full: host math
  const rt = be.runtime;
  const nt = threadsFor(2 * batch * M * N * K, GRAIN);
  const scratch = rt.scratch(rt.exports.sgemmScratchBytes(), nt);
  const outStrides = contiguousStrides([...batchShape, M * N]).slice(0, nd - 2);
  // each run of batch entries that one stride walks is one threaded sgemm call
  forEachRow(batchShape, [a.stride.slice(0, nd - 2), b.stride.slice(0, nd - 2), outStrides], [0, 0, 0], (offs, n, inner) => {
    rt.call('sgemm', nt, [
      n, M, N, K,
      pa + 4 * offs[0], inner[0], a.stride[nd - 2], a.stride[nd - 1],
      pb + 4 * offs[1], inner[1], b.stride[nd - 2], b.stride[nd - 1],
      pc + 4 * offs[2], scratch, rt.exports.sgemmScratchBytes(), 0,
    ]);
  });
  return out;
}
