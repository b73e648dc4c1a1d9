// norm.ts — gpu.js kernels for layer norm without affine: per group of the last n
// elements, mean = sum x / n, rstd = 1 / sqrt(sum (x - mean)^2 / n + eps), then
// y = (x - mean) * rstd. CPU twin: layerNormKernel in src/backend/cpu/norm.ts. The two
// statistics are the reduction kernel of kernels/reduce.ts with the maps below.

import type { DType } from '../src/tensor/dtype.js';
import { coordLines, indexExpr, lit, sig, type KernelSource } from './common.js';
import type { PostMap, PreMap } from './reduce.js';

/** mean = sum / n */
export const meanOf = (n: number): PostMap => ({ name: `mean${n}`, expr: (acc) => `${acc} / ${lit(n)}` });

/** (x - mean)^2, mean being the group's aux value */
export const squaredDeviation: PreMap = { name: 'sqdev', expr: (v, mean) => `(${v} - ${mean}) * (${v} - ${mean})` };

/** rstd = 1 / sqrt(var + eps), var = sum / n (biased) */
export const rstdOf = (n: number, eps: number): PostMap =>
  ({ name: `rstd${n},${eps}`, expr: (acc) => `1.0 / Math.sqrt(${acc} / ${lit(n)} + ${lit(eps)})` });

/**
 * y = (x - mean) * rstd over x's (collapsed) shape; mean and rstd hold one value per group,
 * found at `rowStride` (0 along the normalized dims). Arguments: x, its offset xo, mean, rstd.
 */
export function normalizeSource(shape: readonly number[], xStride: readonly number[], rowStride: readonly number[], dtype: DType): KernelSource {
  const source = `function (x, xo, mean, rstd) {
    ${coordLines(shape, 'this.thread.x')}
    const row = ${indexExpr('0.0', rowStride)};
    return (x[${indexExpr('xo', xStride)}] - mean[row]) * rstd[row];
  }`;
  return { key: `layerNorm:${dtype}:${sig(shape, xStride)}:${rowStride.join(',')}`, source };
}
