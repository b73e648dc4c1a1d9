// runtime.ts — the one wasm runtime of a process: the compiled kernels instantiated over one
// memory (heap.ts), the thread pool (threads.ts) and the thread-count setting. Made on first
// use: synchronously in Node, or by `await loadBackend('wasm')` where compiling must be async
// (browsers). `call(kernel, nt, words)` writes an argument block and runs the kernel on nt
// threads. setNumThreads / getNumThreads are the public knobs; TENSORLOOM_NUM_THREADS sets the
// default, which is otherwise the number of cores.

import { compileKernels, compileKernelsSync, type CompiledKernels } from './module.js';
import { WasmHeap, type HeapStats } from './heap.js';
import { CONTROL_WORDS, ThreadPool, coreCount } from './threads.js';

/** Kernels the pool may run on threads: every export with the (tid, nt, args) signature. */
export const THREADED = ['sgemm', 'ewMap', 'reduceF32', 'softmaxF32', 'layerNormF32', 'im2col', 'col2im', 'maxPool2d', 'maxPool2dBackward', 'avgPool2d', 'avgPool2dBackward', 'copyRuns', 'indexSelect', 'indexAdd', 'gather', 'scatterAdd', 'attentionF32', 'attentionBackwardF32', 'crossEntropyF32', 'crossEntropyBackwardF32', 'adamF32'] as const;
export type ThreadedKernel = (typeof THREADED)[number];

type Kernel = (tid: number, nt: number, args: number) => void;
export interface KernelExports {
  heapBase(): number;
  relaxedSimd(): number;
  sgemmScratchBytes(): number;
}

const MAX_PAGES = 65536; // 4 GiB, wasm32's limit
const INITIAL_PAGES = 256; // 16 MiB
const UNSHARED_PAGES = 16384; // 1 GiB, reserved once: an unshared memory cannot grow under views
const ARG_WORDS = 64;

export class WasmRuntime {
  readonly heap: WasmHeap;
  readonly pool: ThreadPool;
  readonly exports: KernelExports;
  readonly relaxed: boolean;
  private readonly argsPtr: number;
  private argsView: Int32Array;
  private readonly floatBits = new Float32Array(1);
  private readonly floatInt = new Int32Array(this.floatBits.buffer);
  private readonly doubleBits = new Float64Array(1);
  private readonly doubleInt = new Int32Array(this.doubleBits.buffer);
  private scratchHandle = -1;
  private scratchSize = 0;

  constructor(compiled: CompiledKernels) {
    const { module, relaxed, shared } = compiled;
    const pages = shared ? INITIAL_PAGES : UNSHARED_PAGES;
    const memory = new WebAssembly.Memory({ initial: pages, maximum: shared ? MAX_PAGES : pages, shared } as WebAssembly.MemoryDescriptor);
    const instance = new WebAssembly.Instance(module, { env: { memory, abort: () => { throw new Error('wasm backend: kernel aborted'); } } });
    const ex = instance.exports as unknown as KernelExports & Record<ThreadedKernel, Kernel>;
    this.exports = ex;
    this.relaxed = relaxed;
    this.heap = new WasmHeap(memory, shared, ex.heapBase(), shared ? MAX_PAGES : pages);
    const control = WasmHeap.pointer(this.heap.reserve(CONTROL_WORDS * 4));
    this.argsPtr = WasmHeap.pointer(this.heap.reserve(ARG_WORDS * 4));
    this.argsView = new Int32Array(this.heap.bytes, this.argsPtr, ARG_WORDS);
    this.pool = new ThreadPool(module, memory, control, [...THREADED], THREADED.map((n) => ex[n]), shared);
  }

  /** The int32 bit pattern of a float32 (for float arguments in an argument block). */
  f32(x: number): number {
    this.floatBits[0] = x;
    return this.floatInt[0];
  }

  /** The two int32 words (low, high) of a float64 (a double argument in an argument block). */
  f64(x: number): [number, number] {
    this.doubleBits[0] = x;
    return [this.doubleInt[0], this.doubleInt[1]];
  }

  /**
   * At least `bytes` of scratch per thread for `nt` threads, reused across calls (grown when a
   * call needs more). Returns the byte offset of thread 0's part.
   */
  scratch(bytesPerThread: number, nt: number): number {
    const need = bytesPerThread * nt;
    if (need > this.scratchSize) {
      if (this.scratchHandle >= 0) this.heap.release(this.scratchHandle);
      this.scratchSize = Math.max(need, this.scratchSize * 2);
      this.scratchHandle = this.heap.reserve(this.scratchSize);
    }
    return WasmHeap.pointer(this.scratchHandle);
  }

  /** Runs a threaded kernel with argument words (ints; floats via f32()) on nt threads. */
  call(kernel: ThreadedKernel, nt: number, words: readonly number[]): void {
    if (this.argsView.buffer !== this.heap.bytes) this.argsView = new Int32Array(this.heap.bytes, this.argsPtr, ARG_WORDS);
    this.argsView.set(words);
    if (nt > 1) this.pool.ensure(nt);
    this.pool.run(THREADED.indexOf(kernel), this.argsPtr, nt);
  }
}

// ---- the process's runtime and thread count --------------------------------------------------

let runtime: WasmRuntime | null = null;

function envThreads(): number | null {
  const v = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TENSORLOOM_NUM_THREADS;
  if (v === undefined || v === '') return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`TENSORLOOM_NUM_THREADS must be a positive integer, got '${v}'`);
  return n;
}

let numThreads = envThreads() ?? coreCount();

/** The wasm runtime, compiled and instantiated synchronously on first use. */
export function wasmRuntime(): WasmRuntime {
  return (runtime ??= new WasmRuntime(compileKernelsSync()));
}

/** The wasm runtime, compiled asynchronously (browsers, where sync compiles of large modules fail). */
export async function loadWasmRuntime(): Promise<WasmRuntime> {
  if (!runtime) {
    const compiled = await compileKernels();
    runtime ??= new WasmRuntime(compiled);
  }
  return runtime;
}

/** The wasm heap's figures (bytes spanned, bytes live, forced collections), or null before first use. */
export function wasmMemoryStats(): HeapStats | null {
  return runtime ? runtime.heap.stats() : null;
}

/** Sets how many threads the wasm backend's large kernels use (1 = only the calling thread). */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new Error(`setNumThreads: expected an integer in [1, 256], got ${String(n)}`);
  numThreads = n;
}

/** How many threads the wasm backend's large kernels use. */
export function getNumThreads(): number {
  return numThreads;
}

/**
 * Threads for a kernel doing `work` units when one thread should get at least `grain` of them:
 * small ops stay on the calling thread, where waking a worker (~10-50 µs) would cost more.
 */
export function threadsFor(work: number, grain: number): number {
  if (splitEverything) return work > 0 ? numThreads : 1;
  return Math.max(1, Math.min(numThreads, Math.floor(work / grain)));
}

let splitEverything = false;

/** For tests: share every kernel out over all threads, however small, to exercise the splits. */
export function splitAllWorkForTests(on: boolean): void {
  splitEverything = on;
}
