// reduce.ts — the wasm backend's float32 sum / max / min over any axes: one threaded SIMD kernel
// (reduceF32 in kernels/wasm/reduce.ts) summing in float64 like the CPU twin (cpu/reduce.ts). The
// host collapses x's dims into kept and reduced ones, picks the kernel's form and, with fewer
// outputs than threads, lets the threads split the reduction and folds their partials here.
// prod, argmax/argmin and other dtypes take the reference kernels.

import type { ReduceOp, View } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { contiguousStrides, numel } from '../../tensor/shape.js';
import { reduceKernel } from '../cpu/reduce.js';
import { collapse } from '../strided.js';
import { whilePinned } from './elementwise.js';
import type { WasmBackend } from './index.js';
import { threadsFor } from './runtime.js';

type Arr = TypedArray;

const CODES: Partial<Record<ReduceOp, number>> = { sum: 0, max: 1, min: 2 };
const IDENTITY = [0, -Infinity, Infinity];
const MAXD = 6;
/** The kernel's CHUNK: most outputs one outer-form unit accumulates, in float64 (kernels/wasm/reduce.ts). */
const CHUNK = 1024;
const ACC_BYTES = CHUNK * 8;
/** Most outputs whose per-thread partials the host folds (a split outer-form reduction). */
const SPLIT_OUTPUTS = 1 << 14;
/** Elements per thread below which a reduction stays on the calling thread: the float64 SIMD sum
 * reads ~0.15 ns per float, so a share of 2^17 is ~20 µs, twice what waking a worker costs. */
const GRAIN = 1 << 17;

interface Dim { size: number; xs: number; os: number }

/** Output strides over x's shape: contiguous over kept dims, 0 over reduced ones. */
function reducedStrides(shape: number[], axes: number[]): number[] {
  const ks = contiguousStrides(shape.filter((_, d) => !axes.includes(d)));
  let k = 0;
  return shape.map((_, d) => (axes.includes(d) ? 0 : ks[k++]));
}

export function wasmReduce(be: WasmBackend, op: ReduceOp, x: View<Arr>, axes: number[], dtype: DType): Arr {
  const code = CODES[op];
  if (code === undefined || dtype !== 'float32' || !(x.data instanceof Float32Array)) return be.adopt(reduceKernel(op, x, axes, dtype));
  const numOut = numel(x.shape.filter((_, d) => !axes.includes(d)));
  const out = be.alloc('float32', numOut);
  if (numOut === 0) return out;
  if (numel(x.shape) === 0) return out.fill(IDENTITY[code]);
  const heap = be.runtime.heap;
  const data = be.adopt(x.data);
  if (!heap.isResident(out) || !heap.isResident(data)) return be.adopt(reduceKernel(op, x, axes, dtype));

  // kept dims (output order) and reduced dims (row-major order), collapsed
  const c = collapse(x.shape, [x.stride, reducedStrides(x.shape, axes)]);
  const kept: Dim[] = [], red: Dim[] = [];
  c.shape.forEach((size, d) => (c.strides[1][d] === 0 ? red : kept).push({ size, xs: c.strides[0][d], os: c.strides[1][d] }));
  if (kept.length > MAXD || red.length > MAXD) return be.adopt(reduceKernel(op, x, axes, dtype));
  // outer form when x's innermost dim (smallest non-zero stride) is kept: it is walked last
  const all = [...kept, ...red].filter((d) => d.xs !== 0);
  const innermost = all.length ? all.reduce((p, q) => (Math.abs(q.xs) < Math.abs(p.xs) ? q : p)) : null;
  const outer = red.length > 0 && innermost !== null && kept.includes(innermost);
  if (outer) kept.push(...kept.splice(kept.indexOf(innermost), 1));
  else red.sort((p, q) => Math.abs(q.xs) - Math.abs(p.xs)); // (stable) innermost reduced dim last

  const rt = be.runtime;
  const nt = threadsFor(numel(x.shape), GRAIN);
  // outer form: the innermost kept dim (L outputs per outer index) is walked in chunks
  const L = outer ? kept[kept.length - 1].size : 1, outerUnits = numOut / L;
  // The threads share the reduction itself (its first dim) and leave partials folded below when
  // there are few outputs, or in the outer form with fewer outer indices than threads: each thread
  // then streams whole rows (splitting the rows' columns instead ran no faster than one thread).
  const split = nt > 1 && red.length > 0 && (numOut < 2 * nt || (outer && outerUnits < nt && numOut <= SPLIT_OUTPUTS));
  const chunk = split ? CHUNK : Math.min(CHUNK, Math.max(4, Math.ceil(L / Math.ceil(nt / outerUnits) / 4) * 4));
  const bytesPerThread = ACC_BYTES + (split ? Math.ceil((numOut * 8) / 64) * 64 : 0);
  const scratch = rt.scratch(bytesPerThread, nt);
  let partials: Float64Array[] = [];
  if (split) {
    // threads that never run (a pool with fewer workers ready) leave the identity
    partials = Array.from({ length: nt }, (_, t) => new Float64Array(heap.bytes, scratch + t * bytesPerThread + ACC_BYTES, numOut));
    for (const p of partials) p.fill(IDENTITY[code]);
  }
  const words = new Array<number>(40).fill(0);
  words[0] = code;
  words[1] = outer ? 1 : 0;
  words[2] = split ? 1 : 0;
  words[3] = data.byteOffset + x.offset * 4;
  words[4] = out.byteOffset;
  words[5] = kept.length;
  words[6] = red.length;
  kept.forEach((d, k) => { words[7 + k] = d.size; words[13 + k] = d.xs; words[19 + k] = d.os; });
  red.forEach((d, k) => { words[25 + k] = d.size; words[31 + k] = d.xs; });
  words[37] = scratch;
  words[38] = bytesPerThread;
  words[39] = chunk;
  whilePinned([data], () => rt.call('reduceF32', nt, words));
  if (split) combine(code, partials, out);
  return out;
}


/** out[o] = the threads' partials folded in thread order (sum in float64; max/min by the CPU's rule). */
function combine(code: number, partials: Float64Array[], out: Arr): void {
  for (let o = 0; o < out.length; o++) {
    let a = partials[0][o];
    for (let t = 1; t < partials.length; t++) {
      const v = partials[t][o];
      if (code === 0) a += v;
      else if ((code === 1 ? v > a : v < a) || v !== v) a = v;
    }
    out[o] = a;
  }
}
