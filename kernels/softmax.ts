// softmax.ts — gpu.js kernels for softmax / log-softmax along one axis, in three passes: the
// lane maximum m (0 where the lane is all -inf), z = sum exp(x - m) kept as 1/z (softmax) or
// log z (log-softmax), then every element. CPU twin: softmaxKernel in
// src/backend/cpu/softmax.ts. The lane reductions are the reduction kernel of kernels/reduce.ts
// with the maps below; the last pass is written here.

import type { DType } from '../src/tensor/dtype.js';
import { coordLines, indexExpr, lit, sig, type KernelSource } from './common.js';
import type { PostMap, PreMap } from './reduce.js';

/** m = max_j x_j, replaced by 0 when it is -inf (an all -inf lane), as the CPU twin. */
export const finiteMax: PostMap = { name: 'finiteMax', expr: (acc) => `(${acc} === ${lit(-Infinity)} ? 0.0 : ${acc})` };

/** The terms of z = sum_j exp(x_j - m), m being the lane's aux value. */
export const expShifted: PreMap = { name: 'expShifted', expr: (v, m) => `Math.exp(${v} - ${m})` };

/** z -> 1 / z (softmax multiplies by it). */
export const reciprocal: PostMap = { name: 'reciprocal', expr: (z) => `1.0 / ${z}` };

/**
 * z -> log z. Log-softmax computes (x - m) - log z rather than x - (m + log z): at |m| ~ 1000 a
 * float32 m + log z has a step of 6e-5 and would swallow log z's digits (CPU twin: the same order).
 */
export const logOf: PostMap = { name: 'logOf', expr: (z) => `Math.log(${z})` };

/**
 * Over x's (collapsed) shape, with per-lane values found at `laneStride` (0 along the axis):
 * softmax y = exp(x - m) * zinv (arguments x, xo, m, zinv);
 * log-softmax y = (x - m) - log z (arguments x, xo, m, logz).
 */
export function softmaxSource(shape: readonly number[], xStride: readonly number[], laneStride: readonly number[], log: boolean, dtype: DType): KernelSource {
  const source = `function (x, xo, m, ${log ? 'logz' : 'zinv'}) {
    ${coordLines(shape, 'this.thread.x')}
    const v = x[${indexExpr('xo', xStride)}];
    const lane = ${indexExpr('0.0', laneStride)};
    return ${log ? '(v - m[lane]) - logz[lane]' : 'Math.exp(v - m[lane]) * zinv[lane]'};
  }`;
  return { key: `softmax:${log}:${dtype}:${sig(shape, xStride)}:${laneStride.join(',')}`, source };
}
