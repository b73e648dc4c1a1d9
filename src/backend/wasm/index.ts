// index.ts — the wasm backend: the CPU backend's semantics with storage in WebAssembly memory
// and the hot float32 kernels in WebAssembly SIMD (kernels/wasm/), threaded where large.
// A storage is a typed array viewing a block of the runtime's memory (heap.ts), so every
// kernel not (yet) written in wasm is the CPU reference kernel running on the same bytes; its
// output is then moved into a block (adopt) so the next wasm kernel finds it in memory.
// float64, int32 and bool take the reference kernels: exact, and gradcheck runs here too.

import type { AvgPoolMode, Backend, BinaryOp, ReduceOp, UnaryOp, View, Window2d } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { CpuBackend } from '../cpu/index.js';
import { wasmRuntime, type WasmRuntime } from './runtime.js';
import { wasmMatmul } from './matmul.js';

type Arr = TypedArray;

export class WasmBackend extends CpuBackend implements Backend<Arr> {
  override readonly name = 'wasm';
  readonly runtime: WasmRuntime;

  constructor(runtime: WasmRuntime = wasmRuntime()) {
    super();
    this.runtime = runtime;
  }

  // ---- memory: every storage is a block of the runtime's heap --------------------------------
  /** `n` elements of `dtype` in a heap block, contents unspecified. */
  alloc(dtype: DType, n: number): Arr {
    return this.runtime.heap.alloc(dtype, n);
  }
  override zeros(dtype: DType, n: number): Arr {
    return this.runtime.heap.zeros(dtype, n);
  }
  override fromHost(dtype: DType, values: Arr): Arr {
    const out = this.alloc(dtype, values.length);
    out.set(values);
    return out;
  }
  /** A host array (a reference kernel's output) moved into a heap block. */
  adopt<T extends Arr>(a: T): T {
    if (a.length === 0 || this.runtime.heap.isResident(a)) return a;
    const out = this.alloc(dtypeOf(a), a.length) as T;
    out.set(a);
    return out;
  }
  /**
   * Byte address of a view's first element in wasm memory, copying a host array in first
   * (storage that fell back to the host when memory was full); -1 if it cannot be placed.
   */
  pointer(v: View<Arr>): number {
    let data = v.data;
    if (!this.runtime.heap.isResident(data)) {
      data = this.adopt(data);
      if (!this.runtime.heap.isResident(data)) return -1;
    }
    return data.byteOffset + v.offset * data.BYTES_PER_ELEMENT;
  }

  // ---- kernels in wasm ----------------------------------------------------------------------
  override matmul = (a: View<Arr>, b: View<Arr>, dtype: DType): Arr => wasmMatmul(this, a, b, dtype);

  // ---- the reference kernels, on the same memory, outputs moved into the heap ----------------
  private readonly cpu = new CpuBackend();
  override copy = (x: View<Arr>, dtype: DType): Arr => this.adopt(this.cpu.copy(x, dtype));
  override unary = (op: UnaryOp, x: View<Arr>, dtype: DType): Arr => this.adopt(this.cpu.unary(op, x, dtype));
  override binary = (op: BinaryOp, a: View<Arr>, b: View<Arr>, dtype: DType): Arr => this.adopt(this.cpu.binary(op, a, b, dtype));
  override where = (c: View<Arr>, a: View<Arr>, b: View<Arr>, dtype: DType): Arr => this.adopt(this.cpu.where(c, a, b, dtype));
  override clamp = (x: View<Arr>, lo: number | null, hi: number | null, dtype: DType): Arr => this.adopt(this.cpu.clamp(x, lo, hi, dtype));
  override reduce = (op: ReduceOp, x: View<Arr>, axes: number[], dtype: DType): Arr => this.adopt(this.cpu.reduce(op, x, axes, dtype));
  override argReduce = (op: 'argmax' | 'argmin', x: View<Arr>, axis: number): Arr => this.adopt(this.cpu.argReduce(op, x, axis));
  override softmax = (x: View<Arr>, axis: number, log: boolean, dtype: DType): Arr => this.adopt(this.cpu.softmax(x, axis, log, dtype));
  override layerNorm = (x: View<Arr>, n: number, eps: number, dtype: DType): { y: Arr; mean: Arr; rstd: Arr } => {
    const r = this.cpu.layerNorm(x, n, eps, dtype);
    return { y: this.adopt(r.y), mean: this.adopt(r.mean), rstd: this.adopt(r.rstd) };
  };
  override cat = (xs: View<Arr>[], axis: number, dtype: DType): Arr => this.adopt(this.cpu.cat(xs, axis, dtype));
  override embed = (x: View<Arr>, shape: number[], start: number[], step: number[], dtype: DType): Arr =>
    this.adopt(this.cpu.embed(x, shape, start, step, dtype));
  override gather = (x: View<Arr>, axis: number, index: View<Arr>, dtype: DType): Arr => this.adopt(this.cpu.gather(x, axis, index, dtype));
  override scatterAdd = (shape: number[], axis: number, index: View<Arr>, src: View<Arr>, dtype: DType): Arr =>
    this.adopt(this.cpu.scatterAdd(shape, axis, index, src, dtype));
  override indexSelect = (x: View<Arr>, axis: number, index: View<Arr>, dtype: DType): Arr => this.adopt(this.cpu.indexSelect(x, axis, index, dtype));
  override indexAdd = (shape: number[], axis: number, index: View<Arr>, src: View<Arr>, dtype: DType): Arr =>
    this.adopt(this.cpu.indexAdd(shape, axis, index, src, dtype));
  override im2col = (x: View<Arr>, g: Window2d, dtype: DType): Arr => this.adopt(this.cpu.im2col(x, g, dtype));
  override col2im = (cols: View<Arr>, g: Window2d, dtype: DType): Arr => this.adopt(this.cpu.col2im(cols, g, dtype));
  override maxPool2d = (x: View<Arr>, g: Window2d, dtype: DType): { values: Arr; indices: Arr } => {
    const r = this.cpu.maxPool2d(x, g, dtype);
    return { values: this.adopt(r.values), indices: this.adopt(r.indices) };
  };
  override maxPool2dBackward = (dy: View<Arr>, indices: View<Arr>, g: Window2d, dtype: DType): Arr =>
    this.adopt(this.cpu.maxPool2dBackward(dy, indices, g, dtype));
  override avgPool2d = (x: View<Arr>, g: Window2d, mode: AvgPoolMode, dtype: DType): Arr => this.adopt(this.cpu.avgPool2d(x, g, mode, dtype));
  override avgPool2dBackward = (dy: View<Arr>, g: Window2d, mode: AvgPoolMode, dtype: DType): Arr =>
    this.adopt(this.cpu.avgPool2dBackward(dy, g, mode, dtype));
}

function dtypeOf(a: Arr): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  return 'bool';
}
