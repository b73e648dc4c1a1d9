// index.ts — the wasm backend: the CPU backend's semantics with storage in WebAssembly memory
// and the hot float32 kernels in WebAssembly SIMD (kernels/wasm/), threaded where large.
// A storage is a typed array viewing a block of the runtime's memory (heap.ts), so every
// kernel not (yet) written in wasm is the CPU reference kernel running on the same bytes; its
// output is then moved into a block (adopt) so the next wasm kernel finds it in memory.
// float64, int32 and bool take the reference kernels: exact, and gradcheck runs here too.

import type { AdamHyper, AttentionMasks, AvgPoolMode, Backend, BinaryOp, CrossEntropyOptions, ReduceOp, UnaryOp, View, Window2d } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { dtypeOfTyped } from '../../tensor/dtype.js';
import { CpuBackend } from '../cpu/index.js';
import { wasmRuntime, type WasmRuntime } from './runtime.js';
import { wasmMatmul } from './matmul.js';
import { wasmCol2im, wasmIm2col } from './conv.js';
import { wasmAvgPool2d, wasmAvgPool2dBackward, wasmMaxPool2d, wasmMaxPool2dBackward } from './pool.js';
import { wasmCat, wasmEmbed, wasmGather, wasmIndexAdd, wasmIndexSelect, wasmScatterAdd } from './indexing.js';
import { wasmBinary, wasmClamp, wasmCopy, wasmGeluBackward, wasmUnary, wasmWhere } from './elementwise.js';
import { wasmReduce } from './reduce.js';
import { wasmSoftmax } from './softmax.js';
import { wasmLayerNorm } from './norm.js';
import { wasmAttention, wasmAttentionBackward } from './attention.js';
import { wasmCrossEntropy, wasmCrossEntropyBackward } from './loss.js';
import { wasmAdamStep } from './optim.js';

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
    const out = this.alloc(dtypeOfTyped(a), a.length) as T;
    out.set(a);
    return out;
  }
  /**
   * Byte address of a view's first element in wasm memory, or -1 when its storage is a host
   * array (it fell back to the host when memory was full): the caller then runs the reference
   * kernel. Never a staged copy, which nothing would keep alive while the caller allocates.
   */
  pointer(v: View<Arr>): number {
    const data = v.data;
    return this.runtime.heap.isResident(data) ? data.byteOffset + v.offset * data.BYTES_PER_ELEMENT : -1;
  }

  // ---- kernels in wasm ----------------------------------------------------------------------
  override matmul = (a: View<Arr>, b: View<Arr>, dtype: DType): Arr => wasmMatmul(this, a, b, dtype);
  override copy = (x: View<Arr>, dtype: DType): Arr => wasmCopy(this, x, dtype);
  override unary = (op: UnaryOp, x: View<Arr>, dtype: DType): Arr => wasmUnary(this, op, x, dtype);
  override binary = (op: BinaryOp, a: View<Arr>, b: View<Arr>, dtype: DType): Arr => wasmBinary(this, op, a, b, dtype);
  override where = (c: View<Arr>, a: View<Arr>, b: View<Arr>, dtype: DType): Arr => wasmWhere(this, c, a, b, dtype);
  override clamp = (x: View<Arr>, lo: number | null, hi: number | null, dtype: DType): Arr => wasmClamp(this, x, lo, hi, dtype);
  override geluBackward = (x: View<Arr>, dy: View<Arr>, dtype: DType): Arr => wasmGeluBackward(this, x, dy, dtype);
  override reduce = (op: ReduceOp, x: View<Arr>, axes: number[], dtype: DType): Arr => wasmReduce(this, op, x, axes, dtype);
  override softmax = (x: View<Arr>, axis: number, log: boolean, dtype: DType): Arr => wasmSoftmax(this, x, axis, log, dtype);
  override layerNorm = (x: View<Arr>, n: number, eps: number, dtype: DType): { y: Arr; mean: Arr; rstd: Arr } => wasmLayerNorm(this, x, n, eps, dtype);
  override attention = (q: View<Arr>, k: View<Arr>, v: View<Arr>, m: AttentionMasks<Arr>, scale: number, dtype: DType): { out: Arr; lse: Arr } =>
    wasmAttention(this, q, k, v, m, scale, dtype);
  override attentionBackward = (q: View<Arr>, k: View<Arr>, v: View<Arr>, m: AttentionMasks<Arr>, scale: number, out: View<Arr>, lse: View<Arr>, dout: View<Arr>, dtype: DType): { dq: Arr; dk: Arr; dv: Arr } =>
    wasmAttentionBackward(this, q, k, v, m, scale, out, lse, dout, dtype);
  override crossEntropy = (x: View<Arr>, y: View<Arr>, o: CrossEntropyOptions<Arr>, dtype: DType): { loss: Arr; lse: Arr } => wasmCrossEntropy(this, x, y, o, dtype);
  override crossEntropyBackward = (x: View<Arr>, y: View<Arr>, lse: View<Arr>, dl: View<Arr>, o: CrossEntropyOptions<Arr>, dtype: DType): Arr =>
    wasmCrossEntropyBackward(this, x, y, lse, dl, o, dtype);
  override adamStep = (p: View<Arr>, g: View<Arr>, m: View<Arr>, v: View<Arr>, vmax: View<Arr> | null, h: AdamHyper, dtype: DType): void =>
    wasmAdamStep(this, p, g, m, v, vmax, h, dtype);

  // ---- the reference kernels, on the same memory, outputs moved into the heap ----------------
  private readonly cpu = new CpuBackend();
  override argReduce = (op: 'argmax' | 'argmin', x: View<Arr>, axis: number): Arr => this.adopt(this.cpu.argReduce(op, x, axis));

  // ---- windows (conv, pool) and indexing in wasm --------------------------------------------
  override cat = (xs: View<Arr>[], axis: number, dtype: DType): Arr => wasmCat(this, xs, axis, dtype);
  override embed = (x: View<Arr>, shape: number[], start: number[], step: number[], dtype: DType): Arr => wasmEmbed(this, x, shape, start, step, dtype);
  override gather = (x: View<Arr>, axis: number, index: View<Arr>, dtype: DType): Arr => wasmGather(this, x, axis, index, dtype);
  override scatterAdd = (shape: number[], axis: number, index: View<Arr>, src: View<Arr>, dtype: DType): Arr =>
    wasmScatterAdd(this, shape, axis, index, src, dtype);
  override indexSelect = (x: View<Arr>, axis: number, index: View<Arr>, dtype: DType): Arr => wasmIndexSelect(this, x, axis, index, dtype);
  override indexAdd = (shape: number[], axis: number, index: View<Arr>, src: View<Arr>, dtype: DType): Arr =>
    wasmIndexAdd(this, shape, axis, index, src, dtype);
  override im2col = (x: View<Arr>, g: Window2d, dtype: DType): Arr => wasmIm2col(this, x, g, dtype);
  override col2im = (cols: View<Arr>, g: Window2d, dtype: DType): Arr => wasmCol2im(this, cols, g, dtype);
  override maxPool2d = (x: View<Arr>, g: Window2d, dtype: DType): { values: Arr; indices: Arr } => wasmMaxPool2d(this, x, g, dtype);
  override maxPool2dBackward = (dy: View<Arr>, indices: View<Arr>, g: Window2d, dtype: DType): Arr =>
    wasmMaxPool2dBackward(this, dy, indices, g, dtype);
  override avgPool2d = (x: View<Arr>, g: Window2d, mode: AvgPoolMode, dtype: DType): Arr => wasmAvgPool2d(this, x, g, mode, dtype);
  override avgPool2dBackward = (dy: View<Arr>, g: Window2d, mode: AvgPoolMode, dtype: DType): Arr =>
    wasmAvgPool2dBackward(this, dy, g, mode, dtype);
}

