// heap.ts — who owns the wasm backend's memory. One WebAssembly.Memory holds every tensor's
// storage and the kernels' scratch; a tensor's storage is an ordinary typed array *viewing* its
// block of that memory, so the CPU reference kernels read it directly and a wasm kernel gets it
// as a pointer (byteOffset), with no copy either way.
// Blocks come from size-class free lists (4 classes per power of two, 64-byte aligned) over a
// bump pointer; a block returns to its list when the garbage collector has collected the typed
// array viewing it (a FinalizationRegistry), so users never call dispose(). Finalizers normally
// run only when the event loop turns; a training loop that never yields would grow the memory
// without bound, so in Node the heap drains them synchronously before growing the memory
// (cleanupSome, and a full gc() once enough was handed out since the last one — a collector's
// usual pacing). Both come from a fresh V8 context made with the flags that expose them.
// Shared memory never detaches on grow, so views stay valid; a non-shared memory (pages that are
// not cross-origin isolated) cannot grow without detaching them, so it is sized once. When no
// block can be had (memory at its maximum) storage falls back to ordinary typed arrays, which
// kernels stage through scratch (see isResident).

import type { DType, TypedArray } from '../../tensor/dtype.js';
import { allocTyped } from '../../tensor/dtype.js';
import { nodeBuiltin } from '../node_builtin.js';

const PAGE = 65536;
const ALIGN = 64;
const MB = 1024 * 1024;
/**
 * Bytes handed out between forced collections, at least (see block). A full collection costs
 * ~5–40 ms, growing with the JS heap, so this trades memory for time: at 64 MB a loop making
 * 4 MB tensors pays one collection per 16 of them.
 */
const MIN_GC_BYTES = 64 * MB;

type Ctor = { new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray; BYTES_PER_ELEMENT: number };
const CTORS: Record<DType, Ctor> = {
  float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array,
};

/** Size class of a block of `bytes`: 64-byte steps up to 1 KiB, then 4 classes per octave. */
export function sizeClass(bytes: number): { index: number; size: number } {
  if (bytes <= 1024) {
    const index = Math.max(0, Math.ceil(bytes / ALIGN) - 1);
    return { index, size: (index + 1) * ALIGN };
  }
  const octave = Math.floor(Math.log2(bytes - 1)); // 2^octave < bytes <= 2^(octave+1)
  const quarter = 2 ** (octave - 2);
  const q = Math.ceil((bytes - 2 ** octave) / quarter); // 1..4
  return { index: 16 + (octave - 10) * 4 + (q - 1), size: 2 ** octave + q * quarter };
}

interface Reclaimer {
  registry: FinalizationRegistry<number>;
  /** synchronously runs the finalizers of blocks already collected (Node only) */
  cleanupSome?: () => void;
  /** forces a full collection (Node only) */
  gc?: () => void;
}

/** A FinalizationRegistry that Node lets us drain synchronously (see the header), or a plain one. */
function makeReclaimer(onFree: (held: number) => void): Reclaimer {
  let freed = 0;
  const callback = (held: number): void => {
    freed++;
    onFree(held);
  };
  const v8 = nodeBuiltin<{ setFlagsFromString(f: string): void }>('v8');
  const vm = nodeBuiltin<{ createContext(): object; runInContext(code: string, ctx: object): unknown }>('vm');
  if (v8 && vm) {
    try {
      v8.setFlagsFromString('--harmony-weak-refs-with-cleanup-some');
      v8.setFlagsFromString('--expose-gc');
      const ctx = vm.createContext();
      v8.setFlagsFromString('--no-expose-gc');
      v8.setFlagsFromString('--no-harmony-weak-refs-with-cleanup-some');
      const FR = vm.runInContext('FinalizationRegistry', ctx) as typeof FinalizationRegistry;
      const gc = vm.runInContext('gc', ctx) as (() => void) | undefined;
      const registry = new FR<number>(callback) as FinalizationRegistry<number> & { cleanupSome?: () => void };
      if (typeof registry.cleanupSome === 'function' && typeof gc === 'function') {
        // V8's cleanupSome runs the callback of one collected cell per call: call until dry
        const cleanupSome = (): void => {
          for (let before = -1; before !== freed; ) {
            before = freed;
            registry.cleanupSome!();
          }
        };
        return { registry, cleanupSome, gc };
      }
    } catch {
      // fall through to the standard registry
    }
  }
  return { registry: new FinalizationRegistry<number>(callback) };
}

export interface HeapStats {
  /** bytes of the WebAssembly.Memory (grown only when collecting did not free a block) */
  memory: number;
  /** bytes of it the heap has handed out at some point (its high-water mark) */
  committed: number;
  /** bytes in blocks handed out and not yet reclaimed */
  live: number;
  /** forced full collections so far */
  collections: number;
  /** storages that fell back to ordinary typed arrays because memory was full */
  fallbacks: number;
}

export class WasmHeap {
  readonly memory: WebAssembly.Memory;
  readonly shared: boolean;
  private buffer: ArrayBufferLike;
  private readonly buffers = new Set<ArrayBufferLike>();
  private top: number;
  private readonly maxBytes: number;
  private readonly free: number[][] = [];
  private readonly reclaim: Reclaimer;
  private live = 0;
  private sinceGc = 0;
  private liveAfterGc = 0;
  private collections = 0;
  private fallbacks = 0;

  /** `base`: first byte the heap may use (after the module's static data). */
  constructor(memory: WebAssembly.Memory, shared: boolean, base: number, maxPages: number) {
    this.memory = memory;
    this.shared = shared;
    this.buffer = memory.buffer;
    this.buffers.add(this.buffer);
    this.top = Math.ceil(base / ALIGN) * ALIGN;
    this.maxBytes = maxPages * PAGE;
    this.reclaim = makeReclaimer((held) => this.release(held));
  }

  /** Whether `a` views this heap's memory (else it is a host array a kernel must stage). */
  isResident(a: TypedArray): boolean {
    return this.buffers.has(a.buffer);
  }

  /** A typed array of `n` elements of `dtype` in a heap block (contents unspecified). */
  alloc(dtype: DType, n: number): TypedArray {
    const ctor = CTORS[dtype];
    if (n === 0) return allocTyped(dtype, 0);
    const { index, size } = sizeClass(n * ctor.BYTES_PER_ELEMENT);
    const held = this.block(index, size);
    if (held < 0) {
      this.fallbacks++;
      return allocTyped(dtype, n);
    }
    const view = new ctor(this.buffer, WasmHeap.pointer(held), n);
    this.reclaim.registry.register(view, held);
    return view;
  }

  /** A zero-filled typed array of `n` elements in a heap block. */
  zeros(dtype: DType, n: number): TypedArray {
    const a = this.alloc(dtype, n);
    if (this.isResident(a)) a.fill(0);
    return a;
  }

  /**
   * A block the caller owns until it calls `release` itself (kernel scratch and argument
   * blocks, which no typed array tracks). Returns its byte offset; throws when memory is full.
   */
  reserve(bytes: number): number {
    const { index, size } = sizeClass(bytes);
    const held = this.block(index, size);
    if (held < 0) throw new Error(`wasm backend: out of memory reserving ${bytes} bytes of scratch (memory spans ${this.top} bytes)`);
    return held;
  }

  /** Returns a block (as `reserve` encoded it, ptr * 256 + class) to its free list. */
  release(held: number): void {
    const index = held % 256, ptr = (held - index) / 256;
    (this.free[index] ??= []).push(ptr);
    this.live -= classSize(index);
  }

  /** The byte offset of a block handle from `reserve`. */
  static pointer(held: number): number {
    return (held - (held % 256)) / 256;
  }

  /** The memory's current buffer (a new object after each grow; old views stay valid when shared). */
  get bytes(): ArrayBufferLike {
    return this.buffer;
  }

  stats(): HeapStats {
    return { memory: this.buffer.byteLength, committed: this.top, live: this.live, collections: this.collections, fallbacks: this.fallbacks };
  }

  /**
   * A free block of class `index` (or of one of the next two classes, at most 41% larger, so a
   * run of shapes that drifts does not strand blocks), else fresh bytes at the top, as a handle
   * ptr * 256 + class (-1 when memory is full). Before the memory has to grow, finalizers
   * already due are run (cheap); if that frees nothing and at least MIN_GC_BYTES (or twice the
   * live size after the last collection, whichever is more) were handed out since, a full collection
   * runs first, so the memory settles at a small multiple of what is live.
   */
  private block(index: number, size: number): number {
    let held = this.take(index);
    if (held < 0 && this.reclaim.cleanupSome) {
      this.reclaim.cleanupSome();
      held = this.take(index);
      const mustGrow = this.top + size > this.buffer.byteLength;
      if (held < 0 && mustGrow && this.sinceGc >= Math.max(MIN_GC_BYTES, 2 * this.liveAfterGc)) {
        this.reclaim.gc!();
        this.reclaim.cleanupSome();
        this.collections++;
        this.sinceGc = 0;
        this.liveAfterGc = this.live;
        held = this.take(index);
      }
    }
    if (held < 0) {
      const ptr = this.bump(size);
      if (ptr < 0) return -1;
      held = ptr * 256 + index;
    }
    const bytes = classSize(held % 256);
    this.live += bytes;
    this.sinceGc += bytes;
    return held;
  }

  private take(index: number): number {
    for (let c = index; c <= index + 2; c++) {
      const list = this.free[c];
      if (list && list.length > 0) return list.pop()! * 256 + c;
    }
    return -1;
  }

  private bump(size: number): number {
    const ptr = this.top, end = ptr + size;
    if (end > this.maxBytes) return -1;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      if (!this.shared) return -1; // growing would detach every view
      const pages = Math.ceil((end - have) / PAGE);
      // grow by at least an eighth of what we have, so growth is amortised
      const want = Math.min(Math.max(pages, Math.ceil(have / PAGE / 8)), this.maxBytes / PAGE - have / PAGE);
      try {
        this.memory.grow(Math.max(pages, want));
      } catch {
        return -1;
      }
      this.buffer = this.memory.buffer;
      this.buffers.add(this.buffer);
    }
    this.top = end;
    return ptr;
  }
}

/** Bytes of a block of size class `index` (the inverse of sizeClass). */
function classSize(index: number): number {
  if (index < 16) return (index + 1) * ALIGN;
  const octave = 10 + Math.floor((index - 16) / 4), q = ((index - 16) % 4) + 1;
  return 2 ** octave + q * 2 ** (octave - 2);
}
