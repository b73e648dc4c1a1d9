// optim.ts — the wasm backend's fused Adam/AdamW step: float32 goes to the threaded SIMD kernel
// of kernels/wasm/optim.ts, which updates θ, exp_avg, exp_avg_sq (and max_exp_avg_sq) in place in
// one pass, bit for bit as cpu/optim.ts (the same float32-rounded scalars, computed here as it
// computes them, and the same IEEE-rounded operations in the same order). float64 and storages
// outside wasm memory (which an in-place kernel cannot reach) take the reference.

import type { AdamHyper, View } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { numel } from '../../tensor/shape.js';
import { adamStepKernel } from '../cpu/optim.js';
import type { WasmBackend } from './index.js';
import { threadsFor } from './runtime.js';

type Arr = TypedArray;

/** Elements per thread below which a step stays on the calling thread (~0.5 ns per element,
 * five streams of memory: 2^16 elements are ~30 µs). */
const GRAIN = 1 << 16;

export function wasmAdamStep(
  be: WasmBackend, p: View<Arr>, grad: View<Arr>, expAvg: View<Arr>, expAvgSq: View<Arr>, maxExpAvgSq: View<Arr> | null, h: AdamHyper, dtype: DType,
): void {
  const views = [p, grad, expAvg, expAvgSq, ...(maxExpAvgSq ? [maxExpAvgSq] : [])];
  const heap = be.runtime.heap;
  if (dtype !== 'float32' || views.some((x) => !(x.data instanceof Float32Array) || !heap.isResident(x.data))) {
    adamStepKernel(p, grad, expAvg, expAvgSq, maxExpAvgSq, h, dtype);
    return;
  }
  const n = numel(p.shape);
  if (n === 0) return;
  const { lr, beta1, beta2, eps, weightDecay: wd, decoupled, maximize, step } = h;
  const rt = be.runtime, f = (x: number): number => rt.f32(x); // rounded to float32 as the reference's r()
  const at = (x: View<Arr>): number => x.data.byteOffset + x.offset * 4;
  const flags = (wd !== 0 ? 1 : 0) | (decoupled ? 2 : 0) | (maximize ? 4 : 0);
  rt.call('adamF32', threadsFor(n, GRAIN), [
    n, at(p), at(grad), at(expAvg), at(expAvgSq), maxExpAvgSq ? at(maxExpAvgSq) : 0, flags,
    f(1 - lr * wd), f(wd), f(beta1), f(1 - beta1), f(beta2), f(1 - beta2),
    f(Math.sqrt(1 - beta2 ** step)), f(lr / (1 - beta1 ** step)), f(eps),
  ]);
}
