// reduce.ts — CPU reductions (sum/prod/max/min) and arg-reductions (argmax/argmin).
// A reduction walks the input in memory order and accumulates into the output, whose strides
// are 0 along reduced dims, so both "reduce the last dim" and "reduce the first dim" stream
// through memory. Float sums accumulate in float64 before rounding to the output dtype.
// Reference: torch.sum/amax/argmax semantics (NaN propagates, first index wins on ties).

import type { ReduceOp, View } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { allocTyped } from '../../tensor/dtype.js';
import { contiguousStrides, numel } from '../../tensor/shape.js';
import { forEachLane, forEachRow } from '../strided.js';

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
