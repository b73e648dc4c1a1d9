// gpujs/index.ts — the gpu.js backend: every Backend method runs a kernel from kernels/
// through gpu.js, in whatever mode gpu.js was asked for ('gpu' picks the best one here:
// headlessgl → webgl2 → webgl → webasm → cpu). Storage is a GpuBuffer; results stay on the
// device until the host reads them. gpu.js computes in float32, so float64 tensors are refused
// with a clear error rather than silently rounded; int32 and bool travel as exact floats.
// Each method's CPU twin is the method of the same name in src/backend/cpu/; the methods forward
// to the family files (elementwise, reduce, softmax, norm, matmul, conv, pool, indexing), the
// same names as in cpu/ and kernels/; the fused composites (geluBackward, crossEntropy, attention,
// adamStep) are ../composed.ts's compositions of those kernels. This module is loaded on demand (registry.ts's
// loadBackend), so gpu.js is not part of the main entry.

import { GPU } from 'gpu.js';
import type {
  AdamHyper, AttentionMasks, AvgPoolMode, Backend, BinaryOp, CrossEntropyOptions, ReduceOp, UnaryOp, View, Window2d,
} from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { allocTyped } from '../../tensor/dtype.js';
import { numel } from '../../tensor/shape.js';
import { collapse, copyStrided } from '../strided.js';
import {
  adamStepComposed, attentionBackwardComposed, attentionComposed, crossEntropyBackwardComposed, crossEntropyComposed,
  geluBackwardComposed,
} from '../composed.js';
import type { KernelSource } from '../../../kernels/common.js';
import { checkDtype, GpuBuffer } from './buffer.js';
import { KernelRunner, modeOfKernelClass } from './runner.js';
import { binary, clamp, copy, unary, where } from './elementwise.js';
import { argReduce, reduce } from './reduce.js';
import { softmax } from './softmax.js';
import { layerNorm } from './norm.js';
import { matmul } from './matmul.js';
import { col2im, im2col } from './conv.js';
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from './pool.js';
import { assign, cat, embed, gather, indexAdd, indexSelect, scatterAdd } from './indexing.js';

type V = View<GpuBuffer>;

export interface GpuJsOptions {
  /** gpu.js mode: 'gpu' (auto), 'webgl', 'webgl2', 'headlessgl', 'webasm', 'cpu'. */
  mode?: string;
}

const MODES = ['gpu', 'webgl', 'webgl2', 'headlessgl', 'webasm', 'cpu'];

export class GpuJsBackend implements Backend<GpuBuffer> {
  readonly name = 'gpujs';
  /** The mode asked for ('gpu' = auto). */
  readonly mode: string;
  readonly runner: KernelRunner;
  private readonly gpu: GPU;

  constructor(options: GpuJsOptions = {}) {
    const mode = options.mode ?? 'gpu';
    if (!MODES.includes(mode)) throw new Error(`setBackend('gpujs'): unknown gpu.js mode '${mode}' (one of ${MODES.join(', ')})`);
    this.mode = mode;
    this.gpu = new GPU({ mode: mode as never });
    this.runner = new KernelRunner(this.gpu);
  }

  /** The mode kernels actually run on: gpu.js's choice for 'gpu', else the mode asked for. */
  get activeMode(): string {
    const chosen = (this.gpu as unknown as { Kernel?: { mode?: string; prototype: object } }).Kernel;
    return this.runner.activeMode ?? (chosen ? modeOfKernelClass(chosen) : this.mode);
  }

  /** Runs a kernel into a fresh buffer of `dtype` with `size` elements (none for size 0). */
  run(src: () => KernelSource, dtype: DType, size: number, args: (GpuBuffer | number)[]): GpuBuffer {
    if (size === 0) return new GpuBuffer(dtype, 0, allocTyped(dtype, 0));
    const out = this.runner.run(src(), size, args.map((a) => (typeof a === 'number' ? a : a.kernelArg())));
    return new GpuBuffer(dtype, size, null, out);
  }

  // ---- memory ------------------------------------------------------------------------------
  fromHost(dtype: DType, values: TypedArray): GpuBuffer {
    checkDtype('fromHost', dtype);
    const h = allocTyped(dtype, values.length);
    h.set(values);
    return new GpuBuffer(dtype, h.length, h);
  }
  zeros(dtype: DType, size: number): GpuBuffer {
    checkDtype('zeros', dtype);
    return new GpuBuffer(dtype, size, allocTyped(dtype, size));
  }
  toHost(x: V, dtype: DType): TypedArray {
    // host-resident data is copied on the host by the shared strided copy (exact for int32);
    // device data is gathered on the device first when the view is not the whole buffer, so
    // only the view is read back
    const buf = x.data;
    const whole = x.offset === 0 && numel(x.shape) === buf.size && collapse(x.shape, [x.stride]).strides[0].every((s) => s === 1);
    if (buf.onHost || whole) return copyStrided({ data: buf.hostData(), shape: x.shape, stride: x.stride, offset: x.offset }, dtype);
    // the gathered buffer is ours alone, so its host array is returned as is (cast if asked)
    const gathered = this.copy(x, buf.dtype).hostData();
    if (dtype === buf.dtype) return gathered;
    return copyStrided({ data: gathered, shape: [gathered.length], stride: [1], offset: 0 }, dtype);
  }
  storageSize(s: GpuBuffer): number { return s.size; }

  // ---- elementwise (./elementwise.ts) -------------------------------------------------------
  copy(x: V, dtype: DType): GpuBuffer { return copy(this, x, dtype); }
  unary(op: UnaryOp, x: V, dtype: DType): GpuBuffer { return unary(this, op, x, dtype); }
  binary(op: BinaryOp, a: V, b: V, dtype: DType): GpuBuffer { return binary(this, op, a, b, dtype); }
  where(cond: V, a: V, b: V, dtype: DType): GpuBuffer { return where(this, cond, a, b, dtype); }
  clamp(x: V, lo: number | null, hi: number | null, dtype: DType): GpuBuffer { return clamp(this, x, lo, hi, dtype); }

  // ---- reductions (./reduce.ts, ./softmax.ts, ./norm.ts) -------------------------------------
  reduce(op: ReduceOp, x: V, axes: number[], dtype: DType): GpuBuffer { return reduce(this, op, x, axes, dtype); }
  argReduce(op: 'argmax' | 'argmin', x: V, axis: number): GpuBuffer { return argReduce(this, op, x, axis); }
  softmax(x: V, axis: number, log: boolean, dtype: DType): GpuBuffer { return softmax(this, x, axis, log, dtype); }
  layerNorm(x: V, n: number, eps: number, dtype: DType): { y: GpuBuffer; mean: GpuBuffer; rstd: GpuBuffer } { return layerNorm(this, x, n, eps, dtype); }

  // ---- contractions (./matmul.ts) ----------------------------------------------------------
  matmul(a: V, b: V, dtype: DType): GpuBuffer { return matmul(this, a, b, dtype); }

  // ---- movement and indexing (./indexing.ts) ------------------------------------------------
  assign(dst: V, src: V): void { assign(this, dst, src); }
  cat(xs: V[], axis: number, dtype: DType): GpuBuffer { return cat(this, xs, axis, dtype); }
  embed(x: V, shape: number[], start: number[], step: number[], dtype: DType): GpuBuffer { return embed(this, x, shape, start, step, dtype); }
  gather(x: V, axis: number, index: V, dtype: DType): GpuBuffer { return gather(this, x, axis, index, dtype); }
  scatterAdd(shape: number[], axis: number, index: V, src: V, dtype: DType): GpuBuffer { return scatterAdd(this, shape, axis, index, src, dtype); }
  indexSelect(x: V, axis: number, index: V, dtype: DType): GpuBuffer { return indexSelect(this, x, axis, index, dtype); }
  indexAdd(shape: number[], axis: number, index: V, src: V, dtype: DType): GpuBuffer { return indexAdd(this, shape, axis, index, src, dtype); }

  // ---- sliding windows (./conv.ts, ./pool.ts) -------------------------------------------------
  im2col(x: V, g: Window2d, dtype: DType): GpuBuffer { return im2col(this, x, g, dtype); }
  col2im(cols: V, g: Window2d, dtype: DType): GpuBuffer { return col2im(this, cols, g, dtype); }
  maxPool2d(x: V, g: Window2d, dtype: DType): { values: GpuBuffer; indices: GpuBuffer } { return maxPool2d(this, x, g, dtype); }
  maxPool2dBackward(dy: V, indices: V, g: Window2d, dtype: DType): GpuBuffer { return maxPool2dBackward(this, dy, indices, g, dtype); }
  avgPool2d(x: V, g: Window2d, mode: AvgPoolMode, dtype: DType): GpuBuffer { return avgPool2d(this, x, g, mode, dtype); }
  avgPool2dBackward(dy: V, g: Window2d, mode: AvgPoolMode, dtype: DType): GpuBuffer { return avgPool2dBackward(this, dy, g, mode, dtype); }

  // ---- fused composites, composed from the kernels above (../composed.ts) --------------------------
  geluBackward(x: V, dy: V, dtype: DType): GpuBuffer { return geluBackwardComposed(this, x, dy, dtype); }
  crossEntropy(logits: V, target: V, o: CrossEntropyOptions<GpuBuffer>, dtype: DType): { loss: GpuBuffer; lse: GpuBuffer } {
    return crossEntropyComposed(this, logits, target, o, dtype);
  }
  crossEntropyBackward(logits: V, target: V, lse: V, dloss: V, o: CrossEntropyOptions<GpuBuffer>, dtype: DType): GpuBuffer {
    return crossEntropyBackwardComposed(this, logits, target, lse, dloss, o, dtype);
  }
  attention(q: V, k: V, v: V, masks: AttentionMasks<GpuBuffer>, scale: number, dtype: DType): { out: GpuBuffer; lse: GpuBuffer } {
    return attentionComposed(this, q, k, v, masks, scale, dtype);
  }
  attentionBackward(
    q: V, k: V, v: V, masks: AttentionMasks<GpuBuffer>, scale: number, out: V, lse: V, dout: V, dtype: DType,
  ): { dq: GpuBuffer; dk: GpuBuffer; dv: GpuBuffer } {
    return attentionBackwardComposed(this, q, k, v, masks, scale, out, lse, dout, dtype);
  }
  adamStep(param: V, grad: V, expAvg: V, expAvgSq: V, maxExpAvgSq: V | null, h: AdamHyper, dtype: DType): void {
    adamStepComposed(this, param, grad, expAvg, expAvgSq, maxExpAvgSq, h, dtype);
  }

  /** Frees compiled kernels and gpu.js's context. */
  destroy(): void {
    this.runner.destroy();
    this.gpu.destroy();
  }
}
