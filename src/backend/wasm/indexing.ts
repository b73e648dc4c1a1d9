// indexing.ts — the wasm backend's data movement by index: cat and embed as strided block
// copies, indexSelect (an embedding lookup: whole rows) and its adjoint indexAdd, gather and
// scatterAdd, running kernels/wasm/indexing.ts on the views in place. Moves take float32 and
// int32 (bits are copied), adds float32; anything else, and views a kernel cannot walk (more than
// 4 dims left after merging), take src/backend/cpu/indexing.ts. Bad indices throw its errors.

import type { View } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { contiguousStrides, numel } from '../../tensor/shape.js';
import {
  badIndex, catKernel, embedKernel, gatherKernel, indexAddKernel, indexSelectKernel, readIndex, scatterAddKernel,
} from '../cpu/indexing.js';
import { collapse, forEachRow } from '../strided.js';
import { whole } from './conv.js';
import type { WasmBackend } from './index.js';
import { threadsFor } from './runtime.js';

type Arr = TypedArray;

/** Elements moved below which a kernel stays on the calling thread. */
const GRAIN = 1 << 15;
/** Most dims the kernels' strided walk takes in one call (copyRuns, gather, scatterAdd), after merging. */
const WALK_RANK = 4;

/** Storages the move kernels copy bit for bit: float32 or int32 of `dtype`. */
const movable = (dtype: DType, ...vs: View<Arr>[]): boolean =>
  (dtype === 'float32' && vs.every((v) => v.data instanceof Float32Array)) || (dtype === 'int32' && vs.every((v) => v.data instanceof Int32Array));
const addable = (dtype: DType, src: View<Arr>, index: View<Arr>): boolean =>
  dtype === 'float32' && src.data instanceof Float32Array && index.data instanceof Int32Array;

/** Byte address of element 0 of v's storage (offsets are added per call), or -1. */
const base = (be: WasmBackend, v: View<Arr>): number => be.pointer({ ...v, offset: 0 });

/** `shape` and each stride list merged, then padded in front to WALK_RANK dims (null if longer). */
function walk4(shape: number[], strides: number[][]): number[] | null {
  const c = collapse(shape, strides);
  if (c.shape.length > WALK_RANK) return null;
  const pad = WALK_RANK - c.shape.length;
  const fill = (v: number): number[] => new Array<number>(pad).fill(v);
  return [...fill(1), ...c.shape, ...c.strides.flatMap((s) => [...fill(0), ...s])];
}

/**
 * dst (contiguous storage) at dstOffset with strides dstStride = view x: one copyRuns call per
 * block of x's last WALK_RANK merged dims. Returns false when x cannot be placed in memory.
 */
function copyInto(be: WasmBackend, dst: Arr, dstStride: number[], dstOffset: number, x: View<Arr>): boolean {
  if (numel(x.shape) === 0) return true;
  const px = base(be, x), pd = be.pointer(whole(dst));
  if (px < 0 || pd < 0) return false;
  const c = collapse(x.shape, [x.stride, dstStride]);
  const outer = Math.max(0, c.shape.length - WALK_RANK);
  const [s, d] = c.strides;
  const walk = walk4(c.shape.slice(outer), [s.slice(outer), d.slice(outer)])!;
  const count = numel(c.shape.slice(outer)), nt = threadsFor(count, GRAIN);
  forEachRow(c.shape.slice(0, outer), [s.slice(0, outer), d.slice(0, outer)], [x.offset, dstOffset], (offs, m, inner) => {
    for (let t = 0; t < m; t++) {
      be.runtime.call('copyRuns', nt, [px + 4 * (offs[0] + t * inner[0]), pd + 4 * (offs[1] + t * inner[1]), count, ...walk]);
    }
  });
  return true;
}

export function wasmCat(be: WasmBackend, xs: View<Arr>[], axis: number, dtype: DType): Arr {
  if (!movable(dtype, ...xs)) return be.adopt(catKernel(xs, axis, dtype));
  const shape = [...xs[0].shape];
  shape[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
  const strides = contiguousStrides(shape);
  const out = be.alloc(dtype, numel(shape));
  let at = 0;
  for (const x of xs) {
    if (!copyInto(be, out, strides, at * strides[axis], x)) return be.adopt(catKernel(xs, axis, dtype));
    at += x.shape[axis];
  }
  return out;
}

export function wasmEmbed(be: WasmBackend, x: View<Arr>, shape: number[], start: number[], step: number[], dtype: DType): Arr {
  if (!movable(dtype, x)) return be.adopt(embedKernel(x, shape, start, step, dtype));
  const strides = contiguousStrides(shape);
  const out = be.zeros(dtype, numel(shape));
  const offset = start.reduce((s, st, d) => s + st * strides[d], 0);
  if (!copyInto(be, out, strides.map((s, d) => s * step[d]), offset, x)) return be.adopt(embedKernel(x, shape, start, step, dtype));
  return out;
}

/** Runs gather or scatterAdd with its error words, throwing the reference's error for a bad index. */
function callChecked(be: WasmBackend, op: 'gather' | 'scatterAdd', nt: number, words: number[], size: number): void {
  const rt = be.runtime;
  const errs = rt.scratch(8, nt);
  new Int32Array(rt.heap.bytes, errs, 2 * nt).fill(-1);
  rt.call(op, nt, [...words, errs]);
  const e = new Int32Array(rt.heap.bytes, errs, 2 * nt);
  for (let t = 0; t < nt; t++) if (e[2 * t] >= 0) throw badIndex(op, e[2 * t + 1], size); // shares ascend: the first is the first bad
}

export function wasmGather(be: WasmBackend, x: View<Arr>, axis: number, index: View<Arr>, dtype: DType): Arr {
  const count = numel(index.shape);
  const walk = walk4(index.shape, [index.stride, x.stride.map((s, d) => (d === axis ? 0 : s))]);
  if (!movable(dtype, x) || !(index.data instanceof Int32Array) || !walk) return be.adopt(gatherKernel(x, axis, index, dtype));
  const out = be.alloc(dtype, count);
  if (count === 0) return out;
  const px = be.pointer(x), pi = be.pointer(index), po = be.pointer(whole(out));
  if (px < 0 || pi < 0 || po < 0) return be.adopt(gatherKernel(x, axis, index, dtype)); // also: x empty, every index bad
  callChecked(be, 'gather', threadsFor(count, GRAIN), [px, pi, po, count, ...walk, x.stride[axis], x.shape[axis]], x.shape[axis]);
  return out;
}

export function wasmScatterAdd(be: WasmBackend, shape: number[], axis: number, index: View<Arr>, src: View<Arr>, dtype: DType): Arr {
  const count = numel(index.shape);
  const strides = contiguousStrides(shape);
  const walk = walk4(index.shape, [index.stride, src.stride, strides.map((s, d) => (d === axis ? 0 : s))]);
  if (!addable(dtype, src, index) || !walk) return be.adopt(scatterAddKernel(shape, axis, index, src, dtype));
  const out = be.zeros('float32', numel(shape));
  if (count === 0) return out;
  const ps = be.pointer(src), pi = be.pointer(index), po = be.pointer(whole(out));
  if (ps < 0 || pi < 0 || po < 0) return be.adopt(scatterAddKernel(shape, axis, index, src, dtype));
  // one thread: two positions may add into the same element
  callChecked(be, 'scatterAdd', 1, [ps, pi, po, count, ...walk, strides[axis], shape[axis]], shape[axis]);
  return out;
}

/** The dims after `axis` as one run (count, stride), or null if they do not merge into one. */
function innerRun(v: View<Arr>, axis: number): [number, number] | null {
  const c = collapse(v.shape.slice(axis + 1), [v.stride.slice(axis + 1)]);
  if (c.shape.length > 1) return null;
  return c.shape.length === 1 ? [c.shape[0], c.strides[0][0]] : [1, 1];
}

// out.select(axis, j) = x.select(axis, ids[j]): rows of D elements (an embedding lookup when axis = 0)
export function wasmIndexSelect(be: WasmBackend, x: View<Arr>, axis: number, index: View<Arr>, dtype: DType): Arr {
  const run = innerRun(x, axis);
  if (!movable(dtype, x) || !(index.data instanceof Int32Array) || !run) return be.adopt(indexSelectKernel(x, axis, index, dtype));
  const ids = be.adopt(readIndex('indexSelect', index, x.shape[axis])); // throws the reference's error
  const T = ids.length, [D, xi] = run;
  const shape = x.shape.map((s, d) => (d === axis ? T : s));
  const out = be.alloc(dtype, numel(shape));
  if (out.length === 0) return out;
  const px = base(be, x), pids = be.pointer(whole(ids)), po = be.pointer(whole(out));
  if (px < 0 || pids < 0 || po < 0) return be.adopt(indexSelectKernel(x, axis, index, dtype));
  const outStrides = contiguousStrides(shape);
  forEachRow(shape.slice(0, axis), [x.stride.slice(0, axis), outStrides.slice(0, axis)], [x.offset, 0], (offs, O, inner) => {
    be.runtime.call('indexSelect', threadsFor(O * T * D, GRAIN), [
      px + 4 * offs[0], O, inner[0], x.stride[axis], pids, T, D, xi, po + 4 * offs[1], inner[1],
    ]);
  });
  return out;
}

// out = zeros(shape); out.select(axis, ids[j]) += src.select(axis, j), j in order
export function wasmIndexAdd(be: WasmBackend, shape: number[], axis: number, index: View<Arr>, src: View<Arr>, dtype: DType): Arr {
  const run = innerRun(src, axis);
  if (!addable(dtype, src, index) || !run) return be.adopt(indexAddKernel(shape, axis, index, src, dtype));
  const ids = be.adopt(readIndex('indexAdd', index, shape[axis]));
  const T = ids.length, [D, si] = run;
  const out = be.zeros('float32', numel(shape));
  if (out.length === 0 || T === 0) return out;
  const ps = base(be, src), pids = be.pointer(whole(ids)), po = be.pointer(whole(out));
  if (ps < 0 || pids < 0 || po < 0) return be.adopt(indexAddKernel(shape, axis, index, src, dtype));
  const strides = contiguousStrides(shape);
  forEachRow(shape.slice(0, axis), [src.stride.slice(0, axis), strides.slice(0, axis)], [src.offset, 0], (offs, O, inner) => {
    const nt = threadsFor(O * T * D, GRAIN);
    // threads own (outer row, column chunk) units: whole rows when there are enough, else chunks of D
    const chunk = nt === 1 || O >= nt ? D : Math.max(16, 16 * Math.ceil(D / nt / 16));
    be.runtime.call('indexAdd', nt, [
      ps + 4 * offs[0], O, inner[0], src.stride[axis], si, pids, T, D, po + 4 * offs[1], inner[1], chunk,
    ]);
  });
  return out;
}
