// strided.ts — host-side helpers every backend shares: walking several strided views of one
// shape in lockstep a row at a time (collapse, forEachRow, forEachLane), the strided copy and
// in-place write of typed arrays on the host (copyStrided, assignStrided, copyInto), and the
// layer-norm group rule (groupStart). Dims laid out back to back in every operand are merged
// first, so contiguous data becomes one long row with no per-element index arithmetic.
// The CPU backend's copy/toHost/assign are these; the gpujs backend uses them for data that is
// already on the host. Reference: ndarray's strided views {data, shape, stride, offset}.

import type { View } from './backend.js';
import type { DType, TypedArray } from '../tensor/dtype.js';
import { allocTyped } from '../tensor/dtype.js';
import { contiguousStrides, fmt, numel } from '../tensor/shape.js';

type Arr = TypedArray;

/** Merges adjacent dims that are contiguous in every operand and drops size-1 dims. */
export function collapse(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k][last] === s[d] * shape[d])) {
      outShape[last] *= shape[d];
      strides.forEach((s, k) => (outStrides[k][last] = s[d]));
    } else {
      outShape.push(shape[d]);
      strides.forEach((s, k) => outStrides[k].push(s[d]));
    }
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Calls `row(offs, n, inner)` once per innermost row of `shape`, where offs[k] is operand k's
 * offset of the row's first element and inner[k] its stride along the row.
 */
export function forEachRow(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  offsets: readonly number[],
  row: (offs: number[], n: number, inner: number[]) => void,
): void {
  const c = collapse(shape, strides);
  const k = offsets.length;
  const offs = [...offsets];
  const nd = c.shape.length;
  if (shape.some((s) => s === 0)) return;
  if (nd === 0) {
    row(offs, 1, new Array<number>(k).fill(0));
    return;
  }
  const n = c.shape[nd - 1];
  const inner = c.strides.map((s) => s[nd - 1]);
  const idx = new Array<number>(nd - 1).fill(0);
  let rows = 1;
  for (let d = 0; d < nd - 1; d++) rows *= c.shape[d];
  for (let r = 0; r < rows; r++) {
    row(offs, n, inner);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      for (let j = 0; j < k; j++) offs[j] += c.strides[j][d];
      if (idx[d] < c.shape[d]) break;
      for (let j = 0; j < k; j++) offs[j] -= c.strides[j][d] * c.shape[d];
      idx[d] = 0;
    }
  }
}

/** Calls lane(xOffset, outOffset) for every 1-D lane of x along `axis` (out contiguous over x's shape). */
export function forEachLane<S>(x: View<S>, axis: number, lane: (xo: number, oo: number) => void): void {
  const outStrides = contiguousStrides(x.shape);
  const shape = x.shape.map((s, d) => (d === axis ? 1 : s));
  forEachRow(shape, [x.stride, outStrides], [x.offset, 0], (offs, n, inner) => {
    let i = offs[0], o = offs[1];
    for (let j = 0; j < n; j++, i += inner[0], o += inner[1]) lane(i, o);
  });
}

/** y = x as a fresh contiguous array of `dtype` (bool saturates to 0/1, int32 truncates). */
export function copyStrided(x: View<Arr>, dtype: DType): Arr {
  const out = allocTyped(dtype, numel(x.shape));
  if (dtype === 'bool') {
    const src = x.data;
    let o = 0;
    forEachRow(x.shape, [x.stride], [x.offset], (offs, n, inner) => {
      for (let j = 0, i = offs[0]; j < n; j++, i += inner[0]) out[o++] = src[i] !== 0 ? 1 : 0;
    });
  } else {
    copyInto(out, contiguousStrides(x.shape), 0, x);
  }
  return out;
}

/**
 * Integer views of two float arrays of the same type, so that a copy moves bits rather than
 * numbers: reading a float32 NaN into a JS number may quiet a signalling NaN (0x7fa00001 ->
 * 0x7fe00001), and io promises payloads survive. Returns [src words, dst words, words per element].
 */
function bitViews(src: Arr, dst: Arr): [Int32Array, Int32Array, number] | null {
  if (src.constructor !== dst.constructor || !(src instanceof Float32Array || src instanceof Float64Array)) return null;
  const w = src instanceof Float64Array ? 2 : 1;
  return [new Int32Array(src.buffer, src.byteOffset, src.length * w), new Int32Array(dst.buffer, dst.byteOffset, dst.length * w), w];
}

/** Copies view x into dst at dstOffset with the given dst strides (dst laid out by the caller). */
export function copyInto(dst: Arr, dstStride: readonly number[], dstOffset: number, x: View<Arr>): void {
  const src = x.data;
  const bits = bitViews(src, dst);
  forEachRow(x.shape, [x.stride, dstStride], [x.offset, dstOffset], (offs, n, inner) => {
    let i = offs[0], o = offs[1];
    const si = inner[0], so = inner[1];
    if (bits && si === 1 && so === 1 && n >= 16) dst.set(src.subarray(i, i + n) as never, o); // same type: a memcpy
    else if (bits && bits[2] === 1) for (let j = 0, a = bits[0], b = bits[1]; j < n; j++, i += si, o += so) b[o] = a[i];
    else if (bits) for (let j = 0, a = bits[0], b = bits[1]; j < n; j++, i += si, o += so) { b[2 * o] = a[2 * i]; b[2 * o + 1] = a[2 * i + 1]; }
    else for (let j = 0; j < n; j++, i += si, o += so) dst[o] = src[i];
  });
}

/** In place: dst's viewed elements = src's (the two views share one shape; src may be broadcast). */
export function assignStrided(dst: View<Arr>, src: View<Arr>): void {
  copyInto(dst.data, dst.stride, dst.offset, src);
}

/** The first of the trailing dims of `shape` whose sizes multiply to n (layer norm's group). */
export function groupStart(shape: readonly number[], n: number): number {
  let p = 1;
  for (let k = shape.length; k >= 0; k--) {
    if (p === n) return k;
    if (k > 0) p *= shape[k - 1];
  }
  throw new Error(`layerNorm: no trailing dims of ${fmt(shape)} hold ${n} elements`);
}

/** Where batch entry b of view x starts (in elements), for every b in row-major order over `lead`. */
export function batchOffsets<S>(x: View<S>, lead: readonly number[]): number[] {
  return Array.from({ length: numel(lead) }, (_, b) => {
    let off = x.offset;
    for (let dim = lead.length - 1; dim >= 0; dim--) {
      off += (b % lead[dim]) * x.stride[dim];
      b = Math.floor(b / lead[dim]);
    }
    return off;
  });
}
