// indexing.ts — CPU kernels that move data by index: strided copy into a larger array (cat,
// slice's adjoint), gather / scatter-add along an axis, and index-select / index-add. The
// in-place write into a view (assign) is assignStrided in ../strided.ts, shared with gpujs.
// Every index is bounds-checked here so a bad index throws instead of reading garbage.
// Reference: torch.gather, torch.Tensor.scatter_add_, torch.index_select, index_add_.

import type { View } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { allocTyped } from '../../tensor/dtype.js';
import { contiguousStrides, numel } from '../../tensor/shape.js';
import { copyInto, forEachRow } from '../strided.js';

type Arr = TypedArray;

export function catKernel(xs: View<Arr>[], axis: number, dtype: DType): Arr {
  const shape = [...xs[0].shape];
  shape[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
  const strides = contiguousStrides(shape);
  const out = allocTyped(dtype, numel(shape));
  let at = 0;
  for (const x of xs) {
    copyInto(out, strides, at * strides[axis], x);
    at += x.shape[axis];
  }
  return out;
}

export function embedKernel(x: View<Arr>, shape: number[], start: number[], step: number[], dtype: DType): Arr {
  const strides = contiguousStrides(shape);
  const out = allocTyped(dtype, numel(shape));
  const offset = start.reduce((s, st, d) => s + st * strides[d], 0);
  copyInto(out, strides.map((s, d) => s * step[d]), offset, x);
  return out;
}

export function badIndex(op: string, idx: number, size: number): Error {
  return new Error(`${op}: index ${idx} is out of bounds for dimension with size ${size}`);
}

export function gatherKernel(x: View<Arr>, axis: number, index: View<Arr>, dtype: DType): Arr {
  const out = allocTyped(dtype, numel(index.shape));
  const size = x.shape[axis], sAxis = x.stride[axis];
  const xs = x.stride.map((s, d) => (d === axis ? 0 : s));
  const src = x.data, idx = index.data;
  let o = 0;
  forEachRow(index.shape, [index.stride, xs], [index.offset, x.offset], (offs, n, inner) => {
    let p = offs[0], i = offs[1];
    for (let j = 0; j < n; j++, p += inner[0], i += inner[1]) {
      let k = idx[p];
      if (k < 0) k += size;
      if (k < 0 || k >= size) throw badIndex('gather', idx[p], size);
      out[o++] = src[i + k * sAxis];
    }
  });
  return out;
}

export function scatterAddKernel(shape: number[], axis: number, index: View<Arr>, src: View<Arr>, dtype: DType): Arr {
  const out = allocTyped(dtype, numel(shape));
  const strides = contiguousStrides(shape);
  const size = shape[axis], sAxis = strides[axis];
  const os = strides.map((s, d) => (d === axis ? 0 : s));
  const idx = index.data, v = src.data;
  forEachRow(index.shape, [index.stride, src.stride, os], [index.offset, src.offset, 0], (offs, n, inner) => {
    let p = offs[0], q = offs[1], o = offs[2];
    for (let j = 0; j < n; j++, p += inner[0], q += inner[1], o += inner[2]) {
      let k = idx[p];
      if (k < 0) k += size;
      if (k < 0 || k >= size) throw badIndex('scatterAdd', idx[p], size);
      out[o + k * sAxis] += v[q];
    }
  });
  return out;
}

/** Reads a 1-D int32 index view into a plain array, wrapping negatives and checking bounds. */
export function readIndex(op: string, index: View<Arr>, size: number): Int32Array {
  const n = index.shape[0];
  const out = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    let k = index.data[index.offset + j * index.stride[0]];
    if (k < 0) k += size;
    if (k < 0 || k >= size) throw badIndex(op, index.data[index.offset + j * index.stride[0]], size);
    out[j] = k;
  }
  return out;
}

export function indexSelectKernel(x: View<Arr>, axis: number, index: View<Arr>, dtype: DType): Arr {
  const ids = readIndex('indexSelect', index, x.shape[axis]);
  const shape = x.shape.map((s, d) => (d === axis ? ids.length : s));
  const strides = contiguousStrides(shape);
  const out = allocTyped(dtype, numel(shape));
  // one slice x.select(axis, ids[j]) per output slice j
  const slice: View<Arr> = { data: x.data, shape: x.shape.map((s, d) => (d === axis ? 1 : s)), stride: x.stride, offset: 0 };
  for (let j = 0; j < ids.length; j++) {
    slice.offset = x.offset + ids[j] * x.stride[axis];
    copyInto(out, strides, j * strides[axis], slice);
  }
  return out;
}

export function indexAddKernel(shape: number[], axis: number, index: View<Arr>, src: View<Arr>, dtype: DType): Arr {
  const ids = readIndex('indexAdd', index, shape[axis]);
  const strides = contiguousStrides(shape);
  const out = allocTyped(dtype, numel(shape));
  const sliceShape = src.shape.map((s, d) => (d === axis ? 1 : s));
  for (let j = 0; j < ids.length; j++) {
    const base = ids[j] * strides[axis];
    forEachRow(sliceShape, [src.stride, strides], [src.offset + j * src.stride[axis], base], (offs, n, inner) => {
      let i = offs[0], o = offs[1];
      for (let t = 0; t < n; t++, i += inner[0], o += inner[1]) out[o] += src.data[i];
    });
  }
  return out;
}
