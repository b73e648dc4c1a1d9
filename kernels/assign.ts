// assign.ts — the gpu.js kernel behind every in-place write (copy_, add_, fill_, the optimizers'
// updates). CPU twin: assignKernel in src/backend/cpu/indexing.ts.
// A kernel cannot write into its input, so it rewrites the whole storage: element i takes src's
// value if i lies in dst's view, else keeps its old value; the backend swaps the result in.
// Whether i lies in the view is found by inverting the view's strides (planAssign, below). src is
// read as it was before the write, even where it shares dst's storage.

import type { DType } from '../src/tensor/dtype.js';
import { indexExpr, lit, type KernelSource } from './common.js';
import { castExpr } from './elementwise.js';

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
