// indexing.ts — gpu.js kernels that write into a view in place (assign: copy_, add_, the
// optimizers' updates) or move data by position or by index: cat, embed (slice's adjoint),
// gather / scatterAdd, indexSelect / indexAdd. CPU twins: assignStrided in
// src/backend/strided.ts; catKernel, embedKernel, gatherKernel, scatterAddKernel,
// indexSelectKernel, indexAddKernel in src/backend/cpu/indexing.ts.
// gpu.js has no scatter, so each adjoint is written gather-style: an output element loops over
// the index entries that could land on it and sums the sources whose index names it. An index
// read by a kernel that is out of range (the backend checks host-resident indices before; see
// src/backend/gpujs/indexing.ts) turns the result NaN instead of reading another element.

import type { DType } from '../src/tensor/dtype.js';
import { coordLines, indexExpr, lit, sig, type KernelSource } from './common.js';
import { castExpr } from './elementwise.js';

const NAN = lit(NaN);

/** Strides with dim `axis` zeroed (the axis coordinate is added separately). */
const without = (stride: readonly number[], axis: number): number[] => stride.map((s, d) => (d === axis ? 0 : s));

/** Lines reading index element `at` into `k`, counting negatives from the end of a dim of `size`. */
function readIndex(at: string, size: number, indent = '    '): string {
  return `const i0 = idx[${at}];\n${indent}const k = i0 < 0.0 ? i0 + ${lit(size)} : i0;`;
}
const outOfRange = (size: number): string => `k < 0.0 || k >= ${lit(size)}`;

/**
 * The body of a gather-style selection (gather, indexSelect): reads the index entry at `at` and
 * returns x (args x, xo) at the thread's coordinates with the one along `axis` replaced by that
 * index, or NaN for an index out of range (`size`, x's extent along the axis).
 */
function selectLines(at: string, size: number, xStride: readonly number[], axis: number, dtype: DType): string {
  return `${readIndex(at, size)}
    if (${outOfRange(size)}) {
      return ${NAN};
    }
    return ${castExpr(`x[${indexExpr('xo', without(xStride, axis))} + k * ${lit(xStride[axis])}]`, dtype)};`;
}

/**
 * The loop of a gather-style index adjoint (scatterAdd, indexAdd): over the `len` index entries j
 * that could land on the thread's element (entry j at `at`, an expression in j), adds src entry j
 * (args s, so: the thread's coordinates off `axis`, j along it) to `acc` where the index names
 * c_axis; an index out of range (`size`, the output's extent along the axis) makes acc NaN.
 */
function sumMatchesLoop(len: number, at: string, size: number, axis: number, srcStride: readonly number[]): string {
  return `for (let j = 0; j < ${len}; j++) {
      ${readIndex(at, size, '      ')}
      if (${outOfRange(size)}) {
        acc = ${NAN};
      } else if (k === c${axis}) {
        acc += s[${indexExpr('so', without(srcStride, axis))} + j * ${lit(srcStride[axis])}];
      }
    }`;
}

// ---- assign (in place) ----------------------------------------------------------------------
// A kernel cannot write into its input, so it rewrites the whole storage: element i takes src's
// value if i lies in dst's view, else keeps its old value; the backend swaps the result in.
// Whether i lies in the view is found by inverting the view's strides (planAssign). src is read
// as it was before the write, even where it shares dst's storage.

/** One dim of the dst view, in the kernel's order (dst stride descending). */
export interface AssignDim {
  size: number;
  /** stride of dst along this dim (> 0) */
  dst: number;
  /** stride of src along this dim (0 where src is broadcast) */
  src: number;
}

/**
 * Orders dst's dims by stride, largest first, if that makes every flat index in the view a unique
 * mixed-radix number: each stride must exceed the span of all smaller ones,
 *   s_k > Σ_{j>k} s_j (n_j - 1),
 * which holds for slices, step slices and permutations of contiguous tensors. Then
 * r = i - offset decomposes greedily (k_0 = floor(r / s_0), r -= k_0 s_0, ...) and i is in the
 * view iff every k_d < n_d and nothing is left over. Null when the condition fails (the view
 * overlaps itself, or has a negative or zero stride on a dim longer than 1).
 * Takes shape and strides already collapsed (no size-1 dims).
 */
export function planAssign(shape: readonly number[], dstStride: readonly number[], srcStride: readonly number[]): AssignDim[] | null {
  const dims = shape.map((size, d) => ({ size, dst: dstStride[d], src: srcStride[d] }));
  if (dims.some((d) => d.dst <= 0)) return null;
  dims.sort((a, b) => b.dst - a.dst);
  let span = 0; // largest offset the dims after k reach
  for (let k = dims.length - 1; k >= 0; k--) {
    if (dims[k].dst <= span) return null;
    span += dims[k].dst * (dims[k].size - 1);
  }
  return dims;
}

/**
 * Kernel over a storage of `storageSize` elements of `dtype`: args (d, od, s, os) = dst's storage
 * and view offset, src's storage and view offset.
 */
export function assignSource(dims: readonly AssignDim[], storageSize: number, dtype: DType): KernelSource {
  const lines = ['const r0 = this.thread.x - od;'];
  const inView = ['r0 >= 0.0'];
  dims.forEach((d, k) => {
    lines.push(d.dst === 1 ? `const k${k} = r${k};` : `const k${k} = Math.floor((r${k} + 0.5) / ${lit(d.dst)});`);
    lines.push(`const r${k + 1} = r${k} - k${k} * ${lit(d.dst)};`);
    inView.push(`k${k} < ${lit(d.size)}`);
  });
  inView.push(`r${dims.length} === 0.0`);
  // a view that is the whole storage in order holds every i: no test needed
  const whole = dims.length === 1 && dims[0].dst === 1 && dims[0].size === storageSize;
  const read = castExpr(`s[${indexExpr('os', dims.map((d) => d.src), 'k')}]`, dtype);
  const source = whole
    ? `function (d, od, s, os) {
    ${lines.join('\n    ')}
    return ${read};
  }`
    : `function (d, od, s, os) {
    ${lines.join('\n    ')}
    if (${inView.join(' && ')}) {
      return ${read};
    }
    return d[this.thread.x];
  }`;
  const key = `assign:${dtype}:${dims.map((d) => `${d.size}/${d.dst}/${d.src}`).join(',')}`;
  return { key, source };
}

// ---- cat ------------------------------------------------------------------------------------

/** One input of cat: its extent along the axis and its (collapsed) strides. */
export interface CatPart {
  extent: number;
  stride: number[];
}

/**
 * out = [x0; x1; ...] along `axis` of `shape` (the output's, collapsed around the axis).
 * Args x0, o0, x1, o1, ...: the element reads the input whose range along the axis holds it,
 * at the axis coordinate less that input's start (folded into a constant).
 */
export function catSource(shape: readonly number[], axis: number, parts: readonly CatPart[], dtype: DType): KernelSource {
  const args = parts.flatMap((_, k) => [`x${k}`, `o${k}`]);
  const reads: string[] = [];
  let start = 0;
  parts.forEach((p, k) => {
    start += p.extent;
    const begin = start - p.extent;
    const off = begin === 0 ? `o${k}` : `o${k} - ${lit(begin * p.stride[axis])}`;
    const read = `return ${castExpr(`x${k}[${indexExpr(off, p.stride)}]`, dtype)};`;
    reads.push(k === parts.length - 1 ? read : `if (c${axis} < ${lit(start)}) {\n      ${read}\n    }`);
  });
  const source = `function (${args.join(', ')}) {
    ${coordLines(shape, 'this.thread.x')}
    ${reads.join('\n    ')}
  }`;
  const key = `cat:${dtype}:${sig(shape)}:${axis}:${parts.map((p) => `${p.extent}/${p.stride.join(',')}`).join('|')}`;
  return { key, source };
}

// ---- embed (slice's adjoint) ------------------------------------------------------------------

/**
 * Zeros of `shape` with x (args x, o) at out[start + i*step]: per dim, out coordinate c comes from
 * x coordinate (c - start) / step when that is a whole number in [0, n).
 */
export function embedSource(shape: readonly number[], xShape: readonly number[], xStride: readonly number[], start: readonly number[], step: readonly number[], dtype: DType): KernelSource {
  const lines: string[] = [];
  const inside: string[] = [];
  shape.forEach((n, d) => {
    if (start[d] === 0 && step[d] === 1 && xShape[d] === n) {
      lines.push(`const i${d} = c${d};`);
      return;
    }
    lines.push(`const r${d} = c${d} - ${lit(start[d])};`);
    if (step[d] === 1) {
      lines.push(`const i${d} = r${d};`);
    } else {
      lines.push(`const i${d} = Math.floor((r${d} + 0.5) / ${lit(step[d])});`);
      inside.push(`i${d} * ${lit(step[d])} === r${d}`);
    }
    inside.push(`r${d} >= 0.0`, `i${d} < ${lit(xShape[d])}`);
  });
  const read = `return ${castExpr(`x[${indexExpr('o', xStride, 'i')}]`, dtype)};`;
  const source = `function (x, o) {
    ${coordLines(shape, 'this.thread.x')}
    ${lines.join('\n    ')}
    ${inside.length ? `if (${inside.join(' && ')}) {\n      ${read}\n    }\n    return 0.0;` : read}
  }`;
  const key = `embed:${dtype}:${sig(shape)}:${sig(xShape, xStride)}:${start.join(',')}:${step.join(',')}`;
  return { key, source };
}

// ---- gather / scatterAdd ---------------------------------------------------------------------

/**
 * out[c] = x[c with c_axis = index[c]] over the index's shape; args (x, xo, idx, io).
 * `size` is x's extent along the axis.
 */
export function gatherSource(shape: readonly number[], idxStride: readonly number[], xStride: readonly number[], axis: number, size: number, dtype: DType): KernelSource {
  const source = `function (x, xo, idx, io) {
    ${coordLines(shape, 'this.thread.x')}
    ${selectLines(indexExpr('io', idxStride), size, xStride, axis, dtype)}
  }`;
  const key = `gather:${dtype}:${sig(shape, idxStride)}:${xStride.join(',')}:${axis}:${size}`;
  return { key, source };
}

/**
 * Zeros of `shape` with src[j] added at [.. index[j] ..] along `axis`, gather-style: out[c] loops
 * over the index fiber through c (the index coordinates equal to c off the axis) and sums the src
 * entries whose index equals c_axis, in fiber order as the CPU twin adds them. Args (idx, io, s, so).
 */
export function scatterAddSource(shape: readonly number[], axis: number, idxShape: readonly number[], idxStride: readonly number[], srcStride: readonly number[], dtype: DType): KernelSource {
  const size = shape[axis], len = idxShape[axis];
  // outside the index's extent on another dim nothing lands
  const beyond = idxShape.flatMap((n, d) => (d !== axis && n < shape[d] ? [`c${d} >= ${lit(n)}`] : []));
  const source = `function (idx, io, s, so) {
    ${coordLines(shape, 'this.thread.x')}
    ${beyond.length ? `if (${beyond.join(' || ')}) {\n      return 0.0;\n    }\n    ` : ''}let acc = 0.0;
    ${sumMatchesLoop(len, `${indexExpr('io', without(idxStride, axis))} + j * ${lit(idxStride[axis])}`, size, axis, srcStride)}
    return ${castExpr('acc', dtype)};
  }`;
  const key = `scatterAdd:${dtype}:${sig(shape)}:${axis}:${sig(idxShape, idxStride)}:${srcStride.join(',')}`;
  return { key, source, maxLoop: len };
}

// ---- indexSelect / indexAdd --------------------------------------------------------------------

/**
 * out = x.indexSelect(axis, index) over the output's shape; args (x, xo, idx, io) with a 1-D
 * index of stride `idxStride`. `size` is x's extent along the axis.
 */
export function indexSelectSource(shape: readonly number[], xStride: readonly number[], axis: number, size: number, idxStride: number, dtype: DType): KernelSource {
  const source = `function (x, xo, idx, io) {
    ${coordLines(shape, 'this.thread.x')}
    ${selectLines(`io + c${axis} * ${lit(idxStride)}`, size, xStride, axis, dtype)}
  }`;
  const key = `indexSelect:${dtype}:${sig(shape)}:${xStride.join(',')}:${axis}:${size}:${idxStride}`;
  return { key, source };
}

/**
 * Zeros of `shape` with src.select(axis, j) added at row index[j], gather-style: out[c] loops
 * over all n indices and sums src's row j wherever index[j] equals c_axis. Args (idx, io, s, so).
 */
export function indexAddSource(shape: readonly number[], axis: number, n: number, idxStride: number, srcStride: readonly number[], dtype: DType): KernelSource {
  const size = shape[axis];
  const source = `function (idx, io, s, so) {
    ${coordLines(shape, 'this.thread.x')}
    let acc = 0.0;
    ${sumMatchesLoop(n, `io + j * ${lit(idxStride)}`, size, axis, srcStride)}
    return ${castExpr('acc', dtype)};
  }`;
  const key = `indexAdd:${dtype}:${sig(shape)}:${axis}:${n}/${idxStride}:${srcStride.join(',')}`;
  return { key, source, maxLoop: n };
}

/**
 * indexAdd with the index grouped by row on the host (a CSR list): rows[first[r] .. first[r+1])
 * are the j with index[j] = r, ascending, so out[c] sums only its own sources, in the CPU twin's
 * order. `most` bounds the loop (the longest row, rounded up so few variants compile).
 * Args (rows, first, s, so); rows and first are contiguous int32 buffers.
 */
export function indexAddRowsSource(shape: readonly number[], axis: number, most: number, srcStride: readonly number[], dtype: DType): KernelSource {
  const source = `function (rows, first, s, so) {
    ${coordLines(shape, 'this.thread.x')}
    const t0 = first[c${axis}];
    const t1 = first[c${axis} + 1];
    let acc = 0.0;
    for (let t = 0; t < ${most}; t++) {
      if (t0 + t >= t1) break;
      const j = rows[t0 + t];
      acc += s[${indexExpr('so', without(srcStride, axis))} + j * ${lit(srcStride[axis])}];
    }
    return ${castExpr('acc', dtype)};
  }`;
  const key = `indexAddRows:${dtype}:${sig(shape)}:${axis}:${most}:${srcStride.join(',')}`;
  return { key, source, maxLoop: most };
}
