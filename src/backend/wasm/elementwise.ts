// elementwise.ts — the wasm backend's float32 elementwise maps: copy, unary ops and clamp, binary
// ops with broadcasting, where, and GELU's backward, all through one threaded SIMD kernel (ewMap
// in kernels/wasm/elementwise.ts) that walks the collapsed operands inside wasm a row at a time.
// Other dtypes, ops with a bool output (comparisons, isnan, logical ops) and views of more than
// 6 collapsed dims take the CPU reference kernels (cpu/elementwise.ts, strided.ts's copy).

import type { BinaryOp, UnaryOp, View } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { contiguousStrides, numel } from '../../tensor/shape.js';
import { binaryKernel, clampKernel, geluBackwardKernel, unaryKernel, whereKernel } from '../cpu/elementwise.js';
import { collapse, copyStrided } from '../strided.js';
import type { WasmBackend } from './index.js';
import { threadsFor } from './runtime.js';

type Arr = TypedArray;

// kinds and op codes of ewMap (kernels/wasm/elementwise.ts lists the same numbers)
const UNARY = 0, BINARY = 1, WHERE = 2;
const COPY = 0, CLAMP = 18, GELU_GRAD = 7;
const UNARY_CODES: Partial<Record<UnaryOp, number>> = {
  neg: 1, abs: 2, sqrt: 3, exp: 4, log: 5, tanh: 6, sigmoid: 7, relu: 8, erf: 9, gelu: 10,
  reciprocal: 11, sin: 12, cos: 13, floor: 14, ceil: 15, round: 16, sign: 17,
};
const BINARY_CODES: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, pow: 6 };

// Elements per thread below which a map stays on the calling thread: a share should be worth
// more than waking a worker (~10 µs on an idle machine, ~50 µs on a loaded one). Single-thread
// costs measured here (2^16-2^20 elements): ~0.25 ns/element for copy, +-*/, max/min, clamp and
// where, which are memory-bound (2 threads pay off only from ~2^19 elements); ~1 ns for exp, log,
// tanh, sigmoid, erf; ~5 ns for gelu and its backward; ~3 ns for sin/cos; ~11 ns for pow.
const GRAIN_CHEAP = 1 << 18;
const GRAIN_MATH = 1 << 15;
const GRAIN_HEAVY = 1 << 13;
const MATH = new Set<UnaryOp>(['exp', 'log', 'tanh', 'sigmoid', 'erf']);
const HEAVY = new Set<UnaryOp>(['gelu', 'sin', 'cos']);

const MAXD = 6;

const pinned: (readonly Arr[])[] = [];

/**
 * Runs `fn` (a kernel call) with `storages` held, so that the collector cannot reclaim the block
 * of an adopted copy (be.adopt of a host array) while the kernel still reads it.
 */
export function whilePinned<T>(storages: readonly Arr[], fn: () => T): T {
  pinned.push(storages);
  try {
    return fn();
  } finally {
    pinned.pop();
  }
}

/**
 * Runs ewMap over `views` (all of `shape`; broadcast dims have stride 0) into a fresh contiguous
 * float32 output, or returns null when the kernel cannot take them (memory full, > 6 dims).
 */
function runMap(be: WasmBackend, kind: number, op: number, views: View<Arr>[], shape: number[], grain: number, lo = 0, hi = 0): Arr | null {
  const n = numel(shape);
  const out = be.alloc('float32', n);
  if (n === 0) return out;
  const heap = be.runtime.heap;
  const datas = views.map((v) => be.adopt(v.data));
  if (!heap.isResident(out) || datas.some((d) => !heap.isResident(d))) return null;
  const c = collapse(shape, [...views.map((v) => v.stride), contiguousStrides(shape)]);
  if (c.shape.length > MAXD) return null;
  const rt = be.runtime;
  const words = new Array<number>(34).fill(0);
  words[0] = kind;
  words[1] = op;
  words[2] = n;
  words[3] = Math.max(1, c.shape.length);
  words[4] = out.byteOffset;
  views.forEach((v, k) => (words[5 + k] = datas[k].byteOffset + v.offset * datas[k].BYTES_PER_ELEMENT));
  if (c.shape.length === 0) words[8] = 1; // a single element: one dim of size 1, strides 0
  c.shape.forEach((s, d) => {
    words[8 + d] = s;
    for (let k = 0; k < views.length; k++) words[14 + MAXD * k + d] = c.strides[k][d];
  });
  words[32] = rt.f32(lo);
  words[33] = rt.f32(hi);
  whilePinned(datas, () => rt.call('ewMap', threadsFor(n, grain), words));
  return out;
}

const isF32 = (v: View<Arr>): boolean => v.data instanceof Float32Array;

function grainOf(op: UnaryOp): number {
  return MATH.has(op) ? GRAIN_MATH : HEAVY.has(op) ? GRAIN_HEAVY : GRAIN_CHEAP;
}

/** y = x contiguous: a memcpy per collapsed row (float32 -> float32); casts take the reference. */
export function wasmCopy(be: WasmBackend, x: View<Arr>, dtype: DType): Arr {
  const out = dtype === 'float32' && isF32(x) ? runMap(be, UNARY, COPY, [x], x.shape, GRAIN_CHEAP) : null;
  return out ?? be.adopt(copyStrided(x, dtype));
}

export function wasmUnary(be: WasmBackend, op: UnaryOp, x: View<Arr>, dtype: DType): Arr {
  const code = UNARY_CODES[op];
  const out = code !== undefined && dtype === 'float32' && isF32(x) ? runMap(be, UNARY, code, [x], x.shape, grainOf(op)) : null;
  return out ?? be.adopt(unaryKernel(op, x, dtype));
}

export function wasmBinary(be: WasmBackend, op: BinaryOp, a: View<Arr>, b: View<Arr>, dtype: DType): Arr {
  const code = BINARY_CODES[op];
  const out = code !== undefined && dtype === 'float32' && isF32(a) && isF32(b)
    ? runMap(be, BINARY, code, [a, b], a.shape, op === 'pow' ? GRAIN_HEAVY : GRAIN_CHEAP) : null;
  return out ?? be.adopt(binaryKernel(op, a, b, dtype));
}

/** dx = dy (Φ(x) + x φ(x)): a binary map of (x, dy). */
export function wasmGeluBackward(be: WasmBackend, x: View<Arr>, dy: View<Arr>, dtype: DType): Arr {
  const out = dtype === 'float32' && isF32(x) && isF32(dy) ? runMap(be, BINARY, GELU_GRAD, [x, dy], x.shape, GRAIN_HEAVY) : null;
  return out ?? be.adopt(geluBackwardKernel(x, dy, dtype));
}

export function wasmWhere(be: WasmBackend, cond: View<Arr>, a: View<Arr>, b: View<Arr>, dtype: DType): Arr {
  const out = dtype === 'float32' && cond.data instanceof Uint8Array && isF32(a) && isF32(b)
    ? runMap(be, WHERE, 0, [cond, a, b], a.shape, GRAIN_CHEAP) : null;
  return out ?? be.adopt(whereKernel(cond, a, b, dtype));
}

export function wasmClamp(be: WasmBackend, x: View<Arr>, lo: number | null, hi: number | null, dtype: DType): Arr {
  const out = dtype === 'float32' && isF32(x) ? runMap(be, UNARY, CLAMP, [x], x.shape, GRAIN_CHEAP, lo ?? -Infinity, hi ?? Infinity) : null;
  return out ?? be.adopt(clampKernel(x, lo, hi, dtype));
}
