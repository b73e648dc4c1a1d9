// loss.ts — the CPU cross-entropy kernels: log-softmax and the negative log-likelihood of the
// target class (with class weights, ignoreIndex and label smoothing) fused into one pass per row
// of the (N, C) logits, and the backward softmax - target distribution, recomputed from the
// saved per-row log-sum-exp. Arithmetic in float64, stored in `dtype`. Shapes are checked by the
// op (autograd/ops/loss.ts); targets are bounds-checked here, as gather's indices are.
// Shapes: N rows (predictions), C classes. Reference: ATen LossNLL.cpp
// (cross_entropy_loss_label_smoothing), torch.nn.functional.cross_entropy.

import type { CrossEntropyOptions, View } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { allocTyped } from '../../tensor/dtype.js';

type Arr = TypedArray;

/** The target class of row i, or -1 if the row is ignored; throws on an index outside [0, C). */
function targetOf(op: string, y: View<Arr>, i: number, C: number, ignoreIndex: number): number {
  const t = y.data[y.offset + i * y.stride[0]];
  if (t === ignoreIndex) return -1;
  if (!(t >= 0 && t < C)) throw new Error(`${op}: target ${t} is out of bounds for ${C} classes`);
  return t;
}

// lse_i = m + log Σ_c exp(x_ic - m),  m = max_c x_ic;  logp_ic = (x_ic - m) - log z  (see docs/backends.md)
// ℓ_i = -(1 - ε) w_y logp_iy - (ε / C) Σ_c w_c logp_ic,   0 where y_i = ignoreIndex
export function crossEntropyKernel(x: View<Arr>, y: View<Arr>, o: CrossEntropyOptions<Arr>, dtype: DType): { loss: Arr; lse: Arr } {
  const [N, C] = x.shape;
  const { weight: w, ignoreIndex, labelSmoothing: eps } = o;
  const wAt = (c: number): number => (w ? w.data[w.offset + c * w.stride[0]] : 1);
  const [sn, sc] = x.stride, src = x.data;
  const loss = allocTyped(dtype, N), lse = allocTyped(dtype, N);
  for (let i = 0; i < N; i++) {
    const row = x.offset + i * sn;
    let m = -Infinity;
    for (let c = 0; c < C; c++) { const v = src[row + c * sc]; if (v > m || v !== v) m = v; }
    if (m === -Infinity) m = 0; // every logit -inf: lse = -inf, as logSoftmax
    let z = 0;
    for (let c = 0; c < C; c++) z += Math.exp(src[row + c * sc] - m);
    const logz = Math.log(z);
    lse[i] = m + logz;
    const t = targetOf('crossEntropy', y, i, C, ignoreIndex);
    if (t < 0) continue;
    let l = -(1 - eps) * wAt(t) * (src[row + t * sc] - m - logz);
    if (eps > 0) {
      let smooth = 0;
      for (let c = 0; c < C; c++) smooth += wAt(c) * (src[row + c * sc] - m - logz);
      l -= (eps / C) * smooth;
    }
    loss[i] = l;
  }
  return { loss, lse };
}

// ℓ_i = -Σ_c a_c logp_ic   dℓ_i/dx_ic = p_ic Σ_c' a_c' - a_c,
// a_c = (1 - ε) w_y [c = y_i] + (ε / C) w_c,   p_ic = exp(x_ic - lse_i) / Σ_c' exp(x_ic' - lse_i);   0 on ignored rows
export function crossEntropyBackwardKernel(
  x: View<Arr>, y: View<Arr>, lse: View<Arr>, dloss: View<Arr>, o: CrossEntropyOptions<Arr>, dtype: DType,
): Arr {
  const [N, C] = x.shape;
  const { weight: w, ignoreIndex, labelSmoothing: eps } = o;
  const wAt = (c: number): number => (w ? w.data[w.offset + c * w.stride[0]] : 1);
  let wSum = 0;
  for (let c = 0; c < C; c++) wSum += wAt(c);
  const [sn, sc] = x.stride, src = x.data;
  const dx = allocTyped(dtype, N * C);
  for (let i = 0; i < N; i++) {
    const t = targetOf('crossEntropyBackward', y, i, C, ignoreIndex);
    if (t < 0) continue;
    const row = x.offset + i * sn, l = lse.data[lse.offset + i * lse.stride[0]];
    const g = dloss.data[dloss.offset + i * dloss.stride[0]];
    const aY = (1 - eps) * wAt(t), aSum = aY + (eps / C) * wSum;
    let z = 0; // Σ_c exp(x_ic - lse_i) = 1 but for lse's rounding to `dtype` (6e-5 at 1000 in float32), which dividing by it cancels
    for (let c = 0; c < C; c++) z += Math.exp(src[row + c * sc] - l);
    for (let c = 0; c < C; c++) {
      const a = (eps / C) * wAt(c) + (c === t ? aY : 0);
      dx[i * C + c] = g * ((Math.exp(src[row + c * sc] - l) / z) * aSum - a);
    }
  }
  return dx;
}
