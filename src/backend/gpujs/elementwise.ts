// elementwise.ts — the gpujs backend's copy/cast, unary and binary maps, where and clamp
// (kernels/elementwise.ts). CPU twins: copyStrided in ../strided.ts; unaryKernel, binaryKernel,
// whereKernel, clampKernel in cpu/elementwise.ts. Operands arrive broadcast to one shape (stride 0
// on broadcast dims); dims contiguous in every operand are merged before the source is built,
// so one compiled kernel serves every shape that collapses alike.

import type { BinaryOp, UnaryOp, View } from '../backend.js';
import type { DType } from '../../tensor/dtype.js';
import { numel } from '../../tensor/shape.js';
import { collapse } from '../strided.js';
import { binarySource, clampSource, copySource, unarySource, whereSource } from '../../../kernels/elementwise.js';
import { checkDtype, type GpuBuffer } from './buffer.js';
import type { GpuJsBackend } from './index.js';

type V = View<GpuBuffer>;

// y = x, cast to dtype
export function copy(b: GpuJsBackend, x: V, dtype: DType): GpuBuffer {
  checkDtype('copy', dtype);
  const c = collapse(x.shape, [x.stride]);
  return b.run(() => copySource(c.shape, c.strides[0], dtype), dtype, numel(x.shape), [x.data, x.offset]);
}

// y = op(x)
export function unary(b: GpuJsBackend, op: UnaryOp, x: V, dtype: DType): GpuBuffer {
  checkDtype(op, dtype);
  const c = collapse(x.shape, [x.stride]);
  return b.run(() => unarySource(op, c.shape, c.strides[0], dtype), dtype, numel(x.shape), [x.data, x.offset]);
}

// y = op(a, b)
export function binary(be: GpuJsBackend, op: BinaryOp, a: V, b: V, dtype: DType): GpuBuffer {
  checkDtype(op, dtype);
  const c = collapse(a.shape, [a.stride, b.stride]);
  return be.run(() => binarySource(op, c.shape, c.strides[0], c.strides[1], dtype), dtype, numel(a.shape), [a.data, a.offset, b.data, b.offset]);
}

// y = cond ? a : b
export function where(be: GpuJsBackend, cond: V, a: V, b: V, dtype: DType): GpuBuffer {
  checkDtype('where', dtype);
  const c = collapse(a.shape, [cond.stride, a.stride, b.stride]);
  return be.run(() => whereSource(c.shape, c.strides[0], c.strides[1], c.strides[2], dtype), dtype, numel(a.shape),
    [cond.data, cond.offset, a.data, a.offset, b.data, b.offset]);
}

// y = clamp(x, lo, hi), NaN passing through
export function clamp(b: GpuJsBackend, x: V, lo: number | null, hi: number | null, dtype: DType): GpuBuffer {
  checkDtype('clamp', dtype);
  const c = collapse(x.shape, [x.stride]);
  return b.run(() => clampSource(c.shape, c.strides[0], lo, hi, dtype), dtype, numel(x.shape), [x.data, x.offset]);
}
