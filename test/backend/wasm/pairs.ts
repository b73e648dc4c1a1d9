// pairs.ts — what the wasm kernel-family tests (conv, pool, indexing) share: the same strided
// view on the cpu and on the wasm backend (`viewPair`, storage laid out as gpujs/kit.ts's
// `layoutOf`), bit-for-bit comparison of storages (`expectBits`), and `onThreads`, which runs a
// block with a thread count and records the thread count of every kernel call, so a test can
// show that a large case took the threaded path without splitAllWorkForTests.

import { expect } from 'vitest';
import type { View } from '../../../src/backend/backend.js';
import { CpuBackend } from '../../../src/backend/cpu/index.js';
import { makeBackend } from '../../../src/backend/registry.js';
import type { WasmBackend } from '../../../src/backend/wasm/index.js';
import { getNumThreads, setNumThreads, splitAllWorkForTests, type ThreadedKernel } from '../../../src/backend/wasm/runtime.js';
import type { DType, TypedArray } from '../../../src/tensor/dtype.js';
import { numel } from '../../../src/tensor/shape.js';
import { layoutOf, viewStorage, type Layout } from '../gpujs/kit.js';

export const cpu = new CpuBackend();
export const wasm = makeBackend('test', 'wasm', {}) as WasmBackend;

/** One view, its storage on the cpu backend (`c`) and in wasm memory (`w`). */
export interface Pair {
  c: View<TypedArray>;
  w: View<TypedArray>;
}

const typed = (dtype: DType, vals: number[]): TypedArray =>
  dtype === 'int32' ? Int32Array.from(vals) : dtype === 'float64' ? Float64Array.from(vals) : Float32Array.from(vals);

/**
 * A `layout` view of `shape` holding `vals` (row-major) on both backends; every other storage
 * element holds `filler`, which no kernel may read (a read outside the view shows in the result).
 */
export function viewPair(dtype: DType, shape: number[], layout: Layout, vals: number[], filler = dtype === 'int32' ? -7 : 99): Pair {
  const { stride, offset, storage } = viewStorage(shape, layout, vals, filler);
  return {
    c: { data: cpu.fromHost(dtype, typed(dtype, storage)), shape, stride, offset },
    w: { data: wasm.fromHost(dtype, typed(dtype, storage)), shape, stride, offset },
  };
}

/** Same length and the same bits element for element (so NaN meets NaN, -0 is not 0). */
export function expectBits(got: TypedArray, want: TypedArray, what = 'result'): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  expect(got.constructor, `${what}: type`).toBe(want.constructor);
  const words = (a: TypedArray): Int32Array | Uint8Array =>
    a instanceof Uint8Array ? a : new Int32Array(a.buffer, a.byteOffset, (a.length * a.BYTES_PER_ELEMENT) / 4);
  const g = words(got), w = words(want);
  for (let i = 0; i < g.length; i++) {
    if (g[i] !== w[i]) expect(`${what}[${i}] = ${String(got[i])}`).toBe(`${what}[${i}] = ${String(want[i])}`);
  }
}

/**
 * Runs fn with `threads` wasm threads (`split`: share out every kernel however small, as the
 * wasm:2 test case does) and returns its result with the kernel calls made: [kernel, threads].
 */
export function onThreads<T>(threads: number, split: boolean, fn: () => T): { result: T; calls: [ThreadedKernel, number][] } {
  const prev = getNumThreads(), rt = wasm.runtime;
  const calls: [ThreadedKernel, number][] = [];
  const call = rt.call;
  setNumThreads(threads);
  splitAllWorkForTests(split);
  rt.call = (kernel, nt, words) => {
    calls.push([kernel, nt]);
    call.call(rt, kernel, nt, words);
  };
  try {
    return { result: fn(), calls };
  } finally {
    delete (rt as { call?: unknown }).call; // back to the prototype's
    setNumThreads(prev);
    splitAllWorkForTests(false);
  }
}

/** Thread settings every kernel test runs under: one thread; every kernel shared out over two. */
export const THREAD_CASES: [string, number, boolean][] = [['1 thread', 1, false], ['2 threads, every kernel split', 2, true]];
