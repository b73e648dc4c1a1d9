// reduce.ts — CPU reductions (sum/prod/max/min), arg-reductions and the fused softmax kernel.
// A reduction walks the input in memory order and accumulates into the output, whose strides
// are 0 along reduced dims, so both "reduce the last dim" and "reduce the first dim" stream
// through memory. Float sums accumulate in float64 before rounding to the output dtype.
// Reference: torch.sum/amax/argmax semantics (NaN propagates, first index wins on ties).

import type { ReduceOp, View } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { allocTyped } from '../../tensor/dtype.js';
import { contiguousStrides, numel } from '../../tensor/shape.js';
import { forEachRow } from './strided.js';

type Arr = TypedArray;

/** Output strides for a reduction: contiguous over kept dims, 0 over reduced ones. */
function reducedStrides(shape: number[], axes: number[]): number[] {
  const kept = shape.filter((_, d) => !axes.includes(d));
  const ks = contiguousStrides(kept);
  let k = 0;
  return shape.map((_, d) => (axes.includes(d) ? 0 : ks[k++]));
}

/** sum of n elements from i with stride s; four independent accumulators when contiguous. */
function sumRow(src: Arr, i: number, s: number, n: number): number {
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  if (s === 1) {
    const e = i + n - (n % 4);
    for (; i < e; i += 4) { a0 += src[i]; a1 += src[i + 1]; a2 += src[i + 2]; a3 += src[i + 3]; }
    for (let j = 0; j < n % 4; j++) a0 += src[i + j];
  } else {
    for (let j = 0; j < n; j++, i += s) a0 += src[i];
  }
  return a0 + a1 + a2 + a3;
}

export function reduceKernel(op: ReduceOp, x: View<Arr>, axes: number[], dtype: DType): Arr {
  const kept = x.shape.filter((_, d) => !axes.includes(d));
  const size = numel(kept);
  const acc = new Float64Array(size).fill(op === 'sum' ? 0 : op === 'prod' ? 1 : op === 'max' ? -Infinity : Infinity);
  const src = x.data;
  forEachRow(x.shape, [x.stride, reducedStrides(x.shape, axes)], [x.offset, 0], (offs, n, inner) => {
    let i = offs[0], o = offs[1];
    const si = inner[0], so = inner[1];
    if (so === 0) {
      // the row runs along a reduced dim: keep the running value in a register
      let a = acc[o];
      switch (op) {
        case 'sum': a += sumRow(src, i, si, n); break;
        case 'prod': for (let j = 0; j < n; j++, i += si) a *= src[i]; break;
        case 'max': for (let j = 0; j < n; j++, i += si) { const v = src[i]; if (v > a || v !== v) a = v; } break;
        case 'min': for (let j = 0; j < n; j++, i += si) { const v = src[i]; if (v < a || v !== v) a = v; } break;
      }
      acc[o] = a;
      return;
    }
    switch (op) {
      case 'sum': for (let j = 0; j < n; j++, i += si, o += so) acc[o] += src[i]; break;
      case 'prod': for (let j = 0; j < n; j++, i += si, o += so) acc[o] *= src[i]; break;
      case 'max': for (let j = 0; j < n; j++, i += si, o += so) { const v = src[i]; if (v > acc[o] || v !== v) acc[o] = v; } break;
      case 'min': for (let j = 0; j < n; j++, i += si, o += so) { const v = src[i]; if (v < acc[o] || v !== v) acc[o] = v; } break;
    }
  });
  if (dtype === 'float64') return acc;
  const out = allocTyped(dtype, size);
  out.set(acc);
  return out;
}

/** Calls lane(xOffset, outOffset) for every 1-D lane of x along `axis`. */
function forEachLane(x: View<Arr>, axis: number, lane: (xo: number, oo: number) => void): void {
  const outStrides = contiguousStrides(x.shape);
  const shape = x.shape.map((s, d) => (d === axis ? 1 : s));
  forEachRow(shape, [x.stride, outStrides], [x.offset, 0], (offs, n, inner) => {
    let i = offs[0], o = offs[1];
    for (let j = 0; j < n; j++, i += inner[0], o += inner[1]) lane(i, o);
  });
}

export function argReduceKernel(op: 'argmax' | 'argmin', x: View<Arr>, axis: number): Arr {
  const n = x.shape[axis];
  const s = x.stride[axis];
  const outShape = x.shape.filter((_, d) => d !== axis);
  const out = new Int32Array(numel(outShape));
  const src = x.data;
  const laneStride = contiguousStrides(x.shape)[axis];
  const sign = op === 'argmax' ? 1 : -1;
  forEachLane(x, axis, (xo, oo) => {
    let best = 0, bv = sign * src[xo];
    for (let j = 1; j < n; j++) {
      const v = sign * src[xo + j * s];
      if (bv !== bv) break; // first NaN wins, as torch
      if (v > bv || v !== v) { bv = v; best = j; }
    }
    // oo indexes the full-shape output; with the axis removed it divides by the axis size
    out[Math.floor(oo / (laneStride * n)) * laneStride + (oo % laneStride)] = best;
  });
  return out;
}

let lane64 = new Float64Array(0);

export function softmaxKernel(x: View<Arr>, axis: number, log: boolean, dtype: DType): Arr {
  const n = x.shape[axis];
  const s = x.stride[axis];
  const so = contiguousStrides(x.shape)[axis];
  const out = allocTyped(dtype, numel(x.shape));
  const src = x.data;
  if (lane64.length < n) lane64 = new Float64Array(n);
  const e = lane64; // exp(x_j - m) of the current lane, kept in float64 so each is computed once
  forEachLane(x, axis, (xo, oo) => {
    // y_j = exp(x_j - m) / sum_k exp(x_k - m),   m = max_k x_k
    let m = -Infinity;
    for (let j = 0; j < n; j++) { const v = src[xo + j * s]; if (v > m || v !== v) m = v; }
    if (m === -Infinity) m = 0; // all -inf: softmax gives NaN as torch; log-softmax -inf
    let z = 0;
    for (let j = 0; j < n; j++) z += (e[j] = Math.exp(src[xo + j * s] - m));
    if (log) {
      const lz = Math.log(z) + m;
      for (let j = 0; j < n; j++) out[oo + j * so] = src[xo + j * s] - lz;
    } else {
      const inv = 1 / z;
      for (let j = 0; j < n; j++) out[oo + j * so] = e[j] * inv;
    }
  });
  return out;
}
