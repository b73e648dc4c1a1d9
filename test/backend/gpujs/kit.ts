// kit.ts — the scaffolding the gpujs kernel-family tests (reduce, softmax, norm, matmul, conv,
// pool, indexing; elementwise runs through test/ops) share, one definition each. The gpujs
// backend is loaded on demand: test/helpers/backends.ts, imported here and by every test file
// of this folder, loads it (and each mode under test) before any test runs.
//   - host data: `values` (deterministic numbers from a seed) and `seeded` (a tensor of them);
//   - views: `Layout` (how a view lies in its storage), `layoutOf` (its strides, offset, size);
//   - sliding windows: `geom` (a Window2d), `GEOMS` (the geometries conv and pool both run),
//     `MODES_AVG` (average pooling's divisor modes), `quarters` (values with ties);
//   - the same view on both backends: `Pair`, `pair` (values over the whole storage), `viewPair`
//     (values at the view's positions, a filler elsewhere), `whole` (a storage as a 1-D view);
//   - comparisons against the CPU backend: `expectSame` (Backend-method level, storages),
//     `sameOnBoth` (Tensor API, the tensors a build returns) and `sameGradsOnBoth` (Tensor API,
//     outputs and gradients, through test/helpers/crosscheck.ts's expectMatchesCpu).

import { expect } from 'vitest';
import { setBackend, tensor, type Tensor } from '../../../src/index.js';
import type { AvgPoolMode, View, Window2d } from '../../../src/backend/backend.js';
import { CpuBackend } from '../../../src/backend/cpu/index.js';
import type { GpuBuffer } from '../../../src/backend/gpujs/buffer.js';
import type { GpuJsBackend } from '../../../src/backend/gpujs/index.js';
import type { DType, TypedArray } from '../../../src/tensor/dtype.js';
import { contiguousStrides, numel } from '../../../src/tensor/shape.js';
import { BACKENDS, onBackend } from '../../helpers/backends.js';
import { expectClose } from '../../helpers/close.js';
import { expectMatchesCpu, type Built, type CrossCheckOptions } from '../../helpers/crosscheck.js';

/** The CPU backend every gpujs result is held against. */
export const cpu = new CpuBackend();

// ---- host data -----------------------------------------------------------------------------------

/**
 * `n` deterministic values from `seed` (a linear congruential generator: the same numbers on
 * every run and platform):
 * - float32: uniform in (-2, 2), rounded to float32; with `floats` 'quarters', on the grid of
 *   quarters in [-2, 2) instead (few distinct values, so pooling windows hold ties);
 * - int32: integers in [lo, hi);
 * - bool: 0 or 1.
 */
export function values(n: number, seed: number, dtype: DType = 'float32', lo = -50, hi = 50, floats: 'uniform' | 'quarters' = 'uniform'): number[] {
  let s = (seed * 2654435761) >>> 0 || 1;
  const next = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Array.from({ length: n }, () => {
    if (dtype === 'bool') return next() < 0.5 ? 0 : 1;
    if (dtype === 'int32') return lo + Math.floor(next() * (hi - lo));
    return floats === 'quarters' ? Math.floor(16 * next()) / 4 - 2 : Math.fround(4 * next() - 2);
  });
}

/** A tensor of `shape` on the current backend holding values(numel, seed, dtype). */
export const seeded = (shape: number[], seed: number, dtype: DType = 'float32'): Tensor =>
  tensor(values(numel(shape), seed, dtype), { shape, dtype });

// ---- views ---------------------------------------------------------------------------------------

/**
 * How a view of `shape` lies in its storage:
 * - 'contiguous': row-major from offset 0;
 * - 'permuted': stored with every dim reversed, viewed transposed back;
 * - 'strided': every second element of a larger storage (2n + 1 along each dim), starting one
 *   in along each dim (so the offset is not 0);
 * - 'broadcast': dim 0 of stride 0, one stored slice read for every index of dim 0
 *   (contiguous when dim 0 has fewer than 2 elements);
 * - 'batchBroadcast': every dim but the last two of stride 0, one stored matrix read for every
 *   batch entry (as a convolution's weight in a batched matmul);
 * - 'transposed': the last two dims swapped in storage ((…, C, R) stored, as x @ W^T reads W);
 * - 'channelsLast': dim 1 innermost, the others in order (NHWC storage of an NCHW shape).
 * Each test file uses the layouts that fit its kernels.
 */
export type Layout = 'contiguous' | 'permuted' | 'strided' | 'broadcast' | 'batchBroadcast' | 'transposed' | 'channelsLast';

/** Strides, offset and storage size of a `layout` view of `shape`. */
export function layoutOf(shape: number[], layout: Layout): { stride: number[]; offset: number; size: number } {
  const r = shape.length;
  if (layout === 'permuted') {
    const rev = contiguousStrides([...shape].reverse());
    return { stride: shape.map((_, d) => rev[r - 1 - d]), offset: 0, size: numel(shape) };
  }
  if (layout === 'strided') {
    const big = shape.map((n) => 2 * n + 1);
    const s = contiguousStrides(big);
    return { stride: s.map((v) => 2 * v), offset: s.reduce((a, b) => a + b, 0), size: numel(big) };
  }
  if (layout === 'broadcast' && r > 0 && shape[0] > 1) {
    const rest = contiguousStrides(shape.slice(1));
    return { stride: [0, ...rest], offset: 0, size: numel(shape.slice(1)) };
  }
  if (layout === 'batchBroadcast') {
    const mat = contiguousStrides(shape.slice(r - 2));
    return { stride: [...shape.slice(0, r - 2).map(() => 0), ...mat], offset: 0, size: numel(shape.slice(r - 2)) };
  }
  if (layout === 'transposed') {
    const st = contiguousStrides([...shape.slice(0, r - 2), shape[r - 1], shape[r - 2]]);
    return { stride: [...st.slice(0, r - 2), st[r - 1], st[r - 2]], offset: 0, size: numel(shape) };
  }
  if (layout === 'channelsLast') {
    const order = [0, ...shape.slice(2).map((_, d) => d + 2), 1]; // storage dims, outermost first
    const st = contiguousStrides(order.map((d) => shape[d]));
    const stride = new Array<number>(shape.length);
    order.forEach((d, k) => (stride[d] = st[k]));
    return { stride, offset: 0, size: numel(shape) };
  }
  return { stride: contiguousStrides(shape), offset: 0, size: numel(shape) };
}

// ---- sliding windows (conv and pool) -------------------------------------------------------------

/** Deterministic values in [-2, 2) on a grid of quarters, so pooling windows hold ties. */
export const quarters = (n: number, seed: number): number[] => values(n, seed, 'float32', undefined, undefined, 'quarters');

/** Window geometry with PyTorch's output size (floor or ceil mode), or an explicit one. */
export function geom(nchw: number[], k: number[], s: number[], p: number[], d: number[], ceil = false, out?: number[]): Window2d {
  const size = (n: number, kk: number, pp: number, ss: number, dd: number): number => {
    let o = Math.floor((n + 2 * pp - dd * (kk - 1) - 1 + (ceil ? ss - 1 : 0)) / ss) + 1;
    if (ceil && (o - 1) * ss >= n + pp) o--;
    return o;
  };
  const [n, c, h, w] = nchw;
  const [oh, ow] = out ?? [size(h, k[0], p[0], s[0], d[0]), size(w, k[1], p[1], s[1], d[1])];
  return { n, c, h, w, kh: k[0], kw: k[1], sh: s[0], sw: s[1], ph: p[0], pw: p[1], dh: d[0], dw: d[1], oh, ow };
}

export const GEOMS: [string, Window2d][] = [
  ['3x3 stride 1 pad 1', geom([2, 3, 7, 9], [3, 3], [1, 1], [1, 1], [1, 1])],
  ['3x2 stride (2,1) pad 1 dilation (1,2)', geom([2, 3, 7, 9], [3, 2], [2, 1], [1, 1], [1, 2])],
  ['2x2 stride 2 on odd 7x5, ceil mode', geom([1, 2, 7, 5], [2, 2], [2, 2], [0, 0], [1, 1], true)],
  ['3x3 stride 2 pad 1, ceil mode', geom([2, 1, 8, 8], [3, 3], [2, 2], [1, 1], [1, 1], true)],
  ['4x4 "same" (pad 1 top/left, 2 bottom/right)', geom([1, 2, 6, 5], [4, 4], [1, 1], [1, 1], [1, 1], false, [6, 5])],
  ['5x5 dilation 2 stride 3 pad 2 on 33x13', geom([1, 1, 33, 13], [5, 5], [3, 3], [2, 2], [2, 2])],
  ['1x1 stride 2 on 1-row input (conv1d)', geom([3, 4, 1, 9], [1, 1], [1, 2], [0, 0], [1, 1])],
  ['window = whole 4x6 input', geom([2, 2, 4, 6], [4, 6], [1, 1], [0, 0], [1, 1])],
];
export const MODES_AVG: AvgPoolMode[] = [
  { countIncludePad: true, divisorOverride: 0 },
  { countIncludePad: false, divisorOverride: 0 },
  { countIncludePad: true, divisorOverride: 3 },
];
/** The view layouts the window tests cycle through, one per geometry. */
export const WINDOW_LAYOUTS: Layout[] = ['contiguous', 'channelsLast', 'strided'];

// ---- the same view on cpu and on gpujs -----------------------------------------------------------

/** One view, its storage on the CPU backend (`c`) and on a gpujs backend (`g`). */
export interface Pair {
  c: View<TypedArray>;
  g: View<GpuBuffer>;
}

/**
 * The same `layout` view of `shape` over the same host storage on cpu and on gpujs backend `b`.
 * The storage holds `data` when given (every storage element, not only the viewed ones), else
 * values(size, seed, dtype) with int32 data drawn from [ints[0], ints[1]).
 */
export function pair(b: GpuJsBackend, dtype: DType, shape: number[], layout: Layout, seed: number, data?: number[], ints: readonly [number, number] = [-50, 50]): Pair {
  const { stride, offset, size } = layoutOf(shape, layout);
  const vals = data ?? values(size, seed, dtype, ints[0], ints[1]);
  const typed = (): TypedArray => (dtype === 'int32' ? Int32Array.from(vals) : dtype === 'bool' ? Uint8Array.from(vals) : Float32Array.from(vals));
  return {
    c: { data: cpu.fromHost(dtype, typed()), shape, stride, offset },
    g: { data: b.fromHost(dtype, typed()), shape, stride, offset },
  };
}

/**
 * A pair whose view holds `vals` (in the view's row-major order) at the view's positions; every
 * other storage element holds `filler`, a value no kernel may read (so a read outside the view
 * shows in the result).
 */
export function viewPair(b: GpuJsBackend, dtype: DType, shape: number[], layout: Layout, vals: number[], filler = dtype === 'int32' ? -7 : 99): Pair {
  return pair(b, dtype, shape, layout, 0, viewStorage(shape, layout, vals, filler).storage);
}

/** The storage of a `layout` view of `shape` holding `vals` (row-major), `filler` elsewhere. */
export function viewStorage(shape: number[], layout: Layout, vals: number[], filler: number): { stride: number[]; offset: number; storage: number[] } {
  const { stride, offset, size } = layoutOf(shape, layout);
  const storage = new Array<number>(size).fill(filler);
  let k = 0;
  const walk = (d: number, at: number): void => {
    if (d === shape.length) { storage[at] = vals[k++]; return; }
    for (let i = 0; i < shape[d]; i++) walk(d + 1, at + i * stride[d]);
  };
  if (numel(shape) > 0) walk(0, offset);
  return { stride, offset, storage };
}

/** A whole gpujs storage as a contiguous 1-D view. */
export const whole = (buf: GpuBuffer): View<GpuBuffer> => ({ data: buf, shape: [buf.size], stride: [1], offset: 0 });

// ---- comparisons ---------------------------------------------------------------------------------

/**
 * gpujs storage vs cpu storage, element for element: float32 within `tol` (absolute and
 * relative; NaN must meet NaN), exact for int32 and bool, or for float32 when tol = 0.
 */
export function expectSame(b: GpuJsBackend, got: GpuBuffer, want: TypedArray, dtype: DType, tol = 1e-5): void {
  const g = b.toHost(whole(got), dtype);
  expect(g.length).toBe(want.length);
  if (dtype === 'float32' && tol > 0) expectClose(g, want, tol, tol);
  else expect(Array.from(g)).toEqual(Array.from(want));
}

/**
 * Runs `build` on gpujs (mode `mode`, the current backend) and again on cpu from the same host
 * values; the returned lists must agree entry by entry: null (a gradient that does not exist)
 * against null, else the same shape and dtype and values within `tol` (absolute and relative).
 * `build` makes every tensor it uses itself. gpujs is the current backend again after.
 */
export function sameOnBoth(mode: string, build: () => (Tensor | null)[], tol = 1e-5): void {
  const read = (ts: (Tensor | null)[]): ({ shape: number[]; dtype: DType; data: number[] } | null)[] =>
    ts.map((t) => (t ? { shape: t.shape, dtype: t.dtype, data: Array.from(t.dataSync()) } : null));
  const got = read(build());
  setBackend('cpu');
  let want: typeof got;
  try {
    want = read(build());
  } finally {
    setBackend('gpujs', { mode });
  }
  expect(got.map((g) => g && [g.shape, g.dtype])).toEqual(want.map((w) => w && [w.shape, w.dtype]));
  got.forEach((g, i) => { if (g) expectClose(g.data, want[i]!.data, tol, tol); });
}

/**
 * expectMatchesCpu (test/helpers/crosscheck.ts) in a suite that made gpujs `mode` the current
 * backend with setBackend: builds on gpujs and on cpu after the same manualSeed(opts.seed) and
 * compares the outputs and the gradients of sum <out, cotangent> w.r.t. `wrt`, within opts.tol
 * scaled by each tensor's magnitude. crosscheck switches backends through the cases it knows
 * (onBackend), so the run is wrapped in this mode's case, and gpujs is set again after (the
 * case onBackend returns to outside describeEachBackend is cpu).
 */
export function sameGradsOnBoth(mode: string, build: () => Built, opts: CrossCheckOptions): void {
  const gpujs = BACKENDS.find((c) => c.backend === 'gpujs' && c.options?.mode === mode);
  if (!gpujs) throw new Error(`sameGradsOnBoth: gpu.js mode '${mode}' is not among the modes under test`);
  try {
    onBackend(gpujs, () => expectMatchesCpu(build, opts));
  } finally {
    setBackend('gpujs', { mode });
  }
}
