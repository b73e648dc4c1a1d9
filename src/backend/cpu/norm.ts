// norm.ts — the CPU layer-norm kernel: each group of the last n elements is normalised to
// mean 0 and variance 1 (biased variance, eps inside the square root; no affine). The mean
// and 1/std of every group are returned too, for the backward. Statistics accumulate in
// float64. Reference: torch.native_layer_norm (returns output, mean, rstd).

import type { View } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { allocTyped } from '../../tensor/dtype.js';
import { isContiguous, numel } from '../../tensor/shape.js';
import { copyStrided, groupStart } from '../strided.js';

type Arr = TypedArray;

// mean = sum x / n,  rstd = 1 / sqrt(sum (x - mean)^2 / n + eps),  y = (x - mean) * rstd
export function layerNormKernel(x: View<Arr>, n: number, eps: number, dtype: DType): { y: Arr; mean: Arr; rstd: Arr } {
  const rows = numel(x.shape.slice(0, groupStart(x.shape, n)));
  // read the groups in row-major order: straight from x when it is laid out so, else a copy
  const flat = isContiguous(x.shape, x.stride);
  const src = flat ? x.data : copyStrided(x, 'float64');
  const off = flat ? x.offset : 0;
  const y = allocTyped(dtype, rows * n);
  const mean = allocTyped(dtype, rows);
  const rstd = allocTyped(dtype, rows);
  for (let r = 0; r < rows; r++) {
    const i0 = off + r * n, o0 = r * n;
    let s = 0;
    for (let j = 0; j < n; j++) s += src[i0 + j];
    const mu = s / n;
    let ss = 0;
    for (let j = 0; j < n; j++) { const d = src[i0 + j] - mu; ss += d * d; }
    const rs = 1 / Math.sqrt(ss / n + eps);
    for (let j = 0; j < n; j++) y[o0 + j] = (src[i0 + j] - mu) * rs;
    mean[r] = mu;
    rstd[r] = rs;
  }
  return { y, mean, rstd };
}
