// softmax.ts — the CPU softmax / log-softmax kernel along one axis, max-subtracted so exp never
// overflows: y = exp(x - m) / sum exp(x - m), or (x - m) - log sum exp(x - m), m = max x. Each
// lane's exponentials are kept in a float64 scratch array so each is computed once.
// Reference: torch.softmax / torch.log_softmax (an all -inf lane gives NaN, log-softmax -inf).

import type { View } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { allocTyped } from '../../tensor/dtype.js';
import { contiguousStrides, numel } from '../../tensor/shape.js';
import { forEachLane } from '../strided.js';

type Arr = TypedArray;

let lane64 = new Float64Array(0);

export function softmaxKernel(x: View<Arr>, axis: number, log: boolean, dtype: DType): Arr {
  const n = x.shape[axis];
  const s = x.stride[axis];
  const so = contiguousStrides(x.shape)[axis];
  const out = allocTyped(dtype, numel(x.shape));
  const src = x.data;
  if (lane64.length < n) lane64 = new Float64Array(n);
  const e = lane64; // exp(x_j - m) of the current lane, kept in float64 so each is computed once
  forEachLane(x, axis, (xo, oo) => {
    // y_j = exp(x_j - m) / sum_k exp(x_k - m),   m = max_k x_k
    let m = -Infinity;
    for (let j = 0; j < n; j++) { const v = src[xo + j * s]; if (v > m || v !== v) m = v; }
    if (m === -Infinity) m = 0; // all -inf: softmax gives NaN as torch; log-softmax -inf
    let z = 0;
    for (let j = 0; j < n; j++) z += (e[j] = Math.exp(src[xo + j * s] - m));
    if (log) {
      const lz = Math.log(z) + m;
      for (let j = 0; j < n; j++) out[oo + j * so] = src[xo + j * s] - lz;
    } else {
      const inv = 1 / z;
      for (let j = 0; j < n; j++) out[oo + j * so] = e[j] * inv;
    }
  });
  return out;
}
