// indexing.ts — the gpujs backend's in-place assign and its movement and indexing ops
// (kernels/indexing.ts). CPU twins: assignStrided in ../strided.ts; catKernel, embedKernel,
// gatherKernel, scatterAddKernel, indexSelectKernel, indexAddKernel in cpu/indexing.ts.
// Index bounds: an index still on the host (user data, targets, token ids) is checked here before
// upload (packed, if it is only part of its storage) and fails with the CPU twin's message; an
// index made on the device (argmax, a `where`) is in range by construction and is not read back
// to be checked: a kernel that meets a bad one returns NaN where it lands, never a neighbour.

import type { View } from '../backend.js';
import type { DType } from '../../tensor/dtype.js';
import { contiguousStrides, numel } from '../../tensor/shape.js';
import { assignStrided, collapse, forEachRow } from '../strided.js';
import {
  assignSource, catSource, embedSource, gatherSource, indexAddRowsSource, indexAddSource, indexSelectSource, planAssign,
  scatterAddSource, type CatPart,
} from '../../../kernels/indexing.js';
import { checkDtype, type GpuBuffer } from './buffer.js';
import type { GpuJsBackend } from './index.js';

type V = View<GpuBuffer>;

/** Most inputs one cat kernel reads (WebGL 1 guarantees 8 texture units); more are chained. */
const CAT_INPUTS = 8;

// ---- assign (in place) -------------------------------------------------------------------------

/**
 * dst's viewed elements = src's, on the device: one kernel rewrites dst's whole storage (every
 * view of it sees the change). A view that overlaps itself cannot be inverted (planAssign) and is
 * written on the host instead, recorded once per view signature in runner.stats.fallbacks.
 */
export function assign(b: GpuJsBackend, dst: V, src: V): void {
  const buf = dst.data;
  if (numel(dst.shape) === 0) return;
  const c = collapse(dst.shape, [dst.stride, src.stride]);
  const dims = planAssign(c.shape, c.strides[0], c.strides[1]);
  if (!dims) {
    assignOnHost(b, dst, src, c.shape, c.strides[0]);
    return;
  }
  // the runner's raw output, not a GpuBuffer: a second owner would free a GL texture it shares
  const out = b.runner.run(assignSource(dims, buf.size, buf.dtype), buf.size, [buf.kernelArg(), dst.offset, src.data.kernelArg(), src.offset]);
  buf.setDevice(out);
}

function assignOnHost(b: GpuJsBackend, dst: V, src: V, shape: number[], stride: number[]): void {
  const key = `assign:${dst.data.dtype}:${shape.join('x')}/${stride.join(',')}`;
  const host = dst.data.hostData();
  // explicit fields: spreading an ndarray view drops its prototype getters (shape of a 0-d view)
  assignStrided({ data: host, shape: dst.shape, stride: dst.stride, offset: dst.offset },
    { data: src.data.hostData(), shape: src.shape, stride: src.stride, offset: src.offset });
  dst.data.setHost(host);
  if (!b.runner.stats.fallbacks.some((f) => f.key === key)) {
    b.runner.stats.fallbacks.push({
      key, mode: 'host',
      reason: `assign: the view of shape [${shape}] with strides [${stride}] overlaps itself (or runs backwards), so no kernel can find its elements by inverting the strides; written on the host`,
    });
  }
}

// ---- cat and embed -----------------------------------------------------------------------------

export function cat(b: GpuJsBackend, xs: V[], axis: number, dtype: DType): GpuBuffer {
  checkDtype('cat', dtype);
  const shape = [...xs[0].shape];
  shape[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
  const parts = xs.filter((x) => x.shape[axis] > 0);
  if (numel(shape) === 0) return b.zeros(dtype, 0);
  if (parts.length === 1) return b.copy(parts[0], dtype);
  if (parts.length > CAT_INPUTS) {
    // cat groups of CAT_INPUTS, then the groups (contiguous) in turn
    const groups: V[] = [];
    for (let i = 0; i < parts.length; i += CAT_INPUTS) {
      const g = parts.slice(i, i + CAT_INPUTS);
      const gShape = [...shape];
      gShape[axis] = g.reduce((s, x) => s + x.shape[axis], 0);
      groups.push({ data: cat(b, g, axis, dtype), shape: gShape, stride: contiguousStrides(gShape), offset: 0 });
    }
    return cat(b, groups, axis, dtype);
  }
  // merge the dims before the axis, and those after it, wherever every input allows
  const pre = collapse(shape.slice(0, axis), parts.map((x) => x.stride.slice(0, axis)));
  const post = collapse(shape.slice(axis + 1), parts.map((x) => x.stride.slice(axis + 1)));
  const cShape = [...pre.shape, shape[axis], ...post.shape];
  const cParts: CatPart[] = parts.map((x, k) => ({ extent: x.shape[axis], stride: [...pre.strides[k], x.stride[axis], ...post.strides[k]] }));
  const args = parts.flatMap((x) => [x.data, x.offset]);
  return b.run(() => catSource(cShape, pre.shape.length, cParts, dtype), dtype, numel(shape), args);
}

export function embed(b: GpuJsBackend, x: V, shape: number[], start: number[], step: number[], dtype: DType): GpuBuffer {
  checkDtype('embed', dtype);
  if (numel(x.shape) === 0) return b.zeros(dtype, numel(shape));
  return b.run(() => embedSource(shape, x.shape, x.stride, start, step, dtype), dtype, numel(shape), [x.data, x.offset]);
}

// ---- index checks ------------------------------------------------------------------------------

function badIndex(op: string, idx: number, size: number): Error {
  return new Error(`${op}: index ${idx} is out of bounds for dimension with size ${size}`);
}

/**
 * Throws the CPU twin's error for the first index outside [-size, size), if the index is on the
 * host (or `always`: on a path that fails anyway, where reading it back costs nothing extra).
 * Returns the view to upload: a host index that is only part of its storage is packed first, so
 * no element outside the view (which may hold anything, even an int32 beyond 2^24) is uploaded.
 */
function checkIndex(b: GpuJsBackend, op: string, index: V, size: number, always = false): V {
  if (!index.data.onHost && !always) return index;
  const h = index.data.hostData();
  const n = numel(index.shape);
  const packed = new Int32Array(n);
  let at = 0;
  forEachRow(index.shape, [index.stride], [index.offset], (offs, len, inner) => {
    for (let j = 0, p = offs[0]; j < len; j++, p += inner[0]) {
      if (h[p] < -size || h[p] >= size) throw badIndex(op, h[p], size);
      packed[at++] = h[p];
    }
  });
  const stride = contiguousStrides(index.shape);
  const whole = index.offset === 0 && n === index.data.size && index.stride.every((s, d) => index.shape[d] === 1 || s === stride[d]);
  return whole ? index : { data: b.fromHost('int32', packed), shape: index.shape, stride, offset: 0 };
}

// ---- gather / scatterAdd -----------------------------------------------------------------------

export function gather(b: GpuJsBackend, x: V, axis: number, index: V, dtype: DType): GpuBuffer {
  checkDtype('gather', dtype);
  const size = x.shape[axis], n = numel(index.shape);
  const idx = checkIndex(b, 'gather', index, size, size === 0);
  if (n === 0) return b.zeros(dtype, 0);
  return b.run(() => gatherSource(idx.shape, idx.stride, x.stride, axis, size, dtype), dtype, n, [x.data, x.offset, idx.data, idx.offset]);
}

export function scatterAdd(b: GpuJsBackend, shape: number[], axis: number, index: V, src: V, dtype: DType): GpuBuffer {
  checkDtype('scatterAdd', dtype);
  const size = shape[axis];
  const idx = checkIndex(b, 'scatterAdd', index, size, size === 0);
  if (numel(index.shape) === 0) return b.zeros(dtype, numel(shape));
  return b.run(() => scatterAddSource(shape, axis, idx.shape, idx.stride, src.stride, dtype), dtype, numel(shape),
    [idx.data, idx.offset, src.data, src.offset]);
}

// ---- indexSelect / indexAdd --------------------------------------------------------------------

export function indexSelect(b: GpuJsBackend, x: V, axis: number, index: V, dtype: DType): GpuBuffer {
  checkDtype('indexSelect', dtype);
  const size = x.shape[axis];
  const idx = checkIndex(b, 'indexSelect', index, size, size === 0);
  const shape = x.shape.map((s, d) => (d === axis ? index.shape[0] : s));
  if (numel(shape) === 0) return b.zeros(dtype, 0);
  return b.run(() => indexSelectSource(shape, x.stride, axis, size, idx.stride[0], dtype), dtype, numel(shape),
    [x.data, x.offset, idx.data, idx.offset]);
}

/**
 * With the index on the host (nn.Embedding's backward: token ids), its entries are grouped by row
 * here so each output element loops over its own sources only; otherwise each loops over all n.
 */
export function indexAdd(b: GpuJsBackend, shape: number[], axis: number, index: V, src: V, dtype: DType): GpuBuffer {
  checkDtype('indexAdd', dtype);
  const size = shape[axis], n = index.shape[0];
  const idx = checkIndex(b, 'indexAdd', index, size, size === 0);
  if (n === 0 || numel(shape) === 0) return b.zeros(dtype, numel(shape));
  if (!idx.data.onHost) {
    return b.run(() => indexAddSource(shape, axis, n, index.stride[0], src.stride, dtype), dtype, numel(shape),
      [index.data, index.offset, src.data, src.offset]);
  }
  const { rows, first, most } = groupByRow(idx, size);
  return b.run(() => indexAddRowsSource(shape, axis, most, src.stride, dtype), dtype, numel(shape),
    [b.fromHost('int32', rows), b.fromHost('int32', first), src.data, src.offset]);
}

/**
 * A checked host index as lists per row (CSR): rows[first[r] .. first[r+1]) are the positions j
 * with index[j] = r (negatives counted from the end), ascending. `most` is the longest list
 * rounded up to a power of two (the kernel's loop bound; few distinct values, few compiles).
 */
function groupByRow(index: V, size: number): { rows: Int32Array; first: Int32Array; most: number } {
  const h = index.data.hostData(), n = index.shape[0];
  const ids = new Int32Array(n);
  const first = new Int32Array(size + 1);
  for (let j = 0; j < n; j++) {
    const k = h[index.offset + j * index.stride[0]];
    ids[j] = k < 0 ? k + size : k;
    first[ids[j] + 1]++;
  }
  let longest = 0;
  for (let r = 0; r < size; r++) {
    longest = Math.max(longest, first[r + 1]);
    first[r + 1] += first[r];
  }
  const rows = new Int32Array(n);
  const fill = first.slice(0, size);
  for (let j = 0; j < n; j++) rows[fill[ids[j]]++] = j;
  return { rows, first, most: 2 ** Math.ceil(Math.log2(longest)) };
}
