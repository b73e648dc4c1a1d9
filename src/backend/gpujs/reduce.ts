// reduce.ts — the gpujs backend's reductions and arg-reductions (kernels/reduce.ts). CPU twins:
// reduceKernel, argReduceKernel in cpu/reduce.ts. Everything is built on one reduction
// (runReduce): kept dims -> output, reduced dims looped over, split into chunks and reduced
// again when long (see kernels/reduce.ts). softmax.ts and norm.ts build on runReduce too, with
// a pre-map and post-map per pass, and write the last pass over the lanes (withLanes).

import type { ReduceOp, View } from '../backend.js';
import type { DType } from '../../tensor/dtype.js';
import { contiguousStrides, numel } from '../../tensor/shape.js';
import { collapse } from '../strided.js';
import { lit } from '../../../kernels/common.js';
import { CHUNK, chunkLength, reduceSource, type PostMap, type PreMap } from '../../../kernels/reduce.js';
import { checkDtype, type GpuBuffer } from './buffer.js';
import type { GpuJsBackend } from './index.js';

type V = View<GpuBuffer>;

/** x's dims split into kept ones (output order) and reduced ones, each group collapsed. */
export interface Split {
  kept: number[];
  keptStride: number[];
  red: number[];
  redStride: number[];
}

/**
 * Kept dims in order; reduced dims in memory order (largest stride first) when `memoryOrder`,
 * which is free for sum/max/min but not for arg-reductions, whose reduced index is the position.
 */
export function split(x: V, axes: number[], memoryOrder: boolean): Split {
  const keptDims = x.shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const redDims = memoryOrder ? [...axes].sort((p, q) => Math.abs(x.stride[q]) - Math.abs(x.stride[p])) : axes;
  const k = collapse(keptDims.map((d) => x.shape[d]), [keptDims.map((d) => x.stride[d])]);
  const r = collapse(redDims.map((d) => x.shape[d]), [redDims.map((d) => x.stride[d])]);
  return { kept: k.shape, keptStride: k.strides[0], red: r.shape, redStride: r.strides[0] };
}

export interface Maps {
  pre?: PreMap;
  post?: PostMap;
  /** one value per output, read by the maps */
  aux?: GpuBuffer;
}

/**
 * The reduction of x over `s.red` into a contiguous buffer over `s.kept`. Up to CHUNK reduced
 * elements: one thread per output. More: pass 1 writes partials (out, P) over chunks of about
 * CHUNK elements, and the partials are reduced the same way (pre-map in the first pass only,
 * post-map in the last).
 */
export function runReduce(b: GpuJsBackend, x: V, s: Split, op: ReduceOp, dtype: DType, maps: Maps = {}): GpuBuffer {
  const out = numel(s.kept);
  const R = numel(s.red);
  // (gpu.js cannot take an empty array; with nothing to reduce the kernel reads no input)
  const data = R === 0 ? b.fromHost('float32', new Float32Array(1)) : x.data;
  const args = [data, x.offset, ...(maps.aux ? [maps.aux] : [])];
  const aux = !!maps.aux;
  if (R <= CHUNK) {
    return b.run(() => reduceSource({ op, ...s, chunks: 1, chunkLen: chunkLength(R, 1), pre: maps.pre, post: maps.post, aux, dtype }), dtype, out, args);
  }
  const L = chunkLength(R, Math.ceil(R / CHUNK));
  const P = Math.ceil(R / L);
  const partials = b.run(() => reduceSource({ op, ...s, chunks: P, chunkLen: L, pre: maps.pre, aux, dtype: 'float32' }), 'float32', out * P, args);
  const pv: V = { data: partials, shape: [out, P], stride: [P, 1], offset: 0 };
  return runReduce(b, pv, { kept: [out], keptStride: [P], red: [P], redStride: [1] }, op, dtype, { post: maps.post, aux: maps.aux });
}

export function reduce(b: GpuJsBackend, op: ReduceOp, x: V, axes: number[], dtype: DType): GpuBuffer {
  checkDtype(op, dtype);
  return runReduce(b, x, split(x, axes, true), op, dtype);
}

/**
 * First index of the max (min) along `axis`, or of the first NaN: m = max (NaN-propagating),
 * then the least index j with x_j = m (or x_j NaN when m is), as a min-reduction over j.
 */
export function argReduce(b: GpuJsBackend, op: 'argmax' | 'argmin', x: V, axis: number): GpuBuffer {
  const s = split(x, [axis], false);
  const n = x.shape[axis];
  const m = runReduce(b, x, s, op === 'argmax' ? 'max' : 'min', 'float32');
  const firstHit: PreMap = {
    name: `firstHit${n}`,
    expr: (v, mv, j) => `(${v} === ${mv} || (${mv} !== ${mv} && ${v} !== ${v}) ? ${j} : ${lit(n)})`,
  };
  return runReduce(b, x, s, 'min', 'int32', { pre: firstHit, aux: m });
}

/** x's shape collapsed with its strides and a per-lane buffer's strides (0 along `axes`). */
export function withLanes(x: V, axes: number[]): { shape: number[]; xStride: number[]; laneStride: number[] } {
  const keptStrides = contiguousStrides(x.shape.filter((_, d) => !axes.includes(d)));
  let k = 0;
  const lane = x.shape.map((_, d) => (axes.includes(d) ? 0 : keptStrides[k++]));
  const c = collapse(x.shape, [x.stride, lane]);
  return { shape: c.shape, xStride: c.strides[0], laneStride: c.strides[1] };
}
