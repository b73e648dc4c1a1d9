// optim.ts — the CPU fused optimizer step: one Adam/AdamW update of a parameter and its moment
// buffers in place, in one pass over the elements. Every operation is rounded to the tensors'
// dtype (`r`), in the order src/optim/adam.ts's composed update does them with one op each, so
// the two agree bit for bit, float32 included (float32 SIMD arithmetic rounds the same way).
// Reference: torch.optim.Adam / AdamW (_single_tensor_adam); Loshchilov & Hutter 2019.

import type { AdamHyper, View } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { numel } from '../../tensor/shape.js';

type Arr = TypedArray;

// g = maximize ? -g : g;  decoupled ? θ = θ (1 - lr λ) : g = g + λ θ
// m = β1 m + (1 - β1) g,  v = β2 v + (1 - β2) g²,  v̂ = amsgrad ? (vmax = max(vmax, v)) : v
// θ = θ - (m / (sqrt(v̂) / sqrt(1 - β2^t) + eps)) · lr / (1 - β1^t)
export function adamStepKernel(
  p: View<Arr>, grad: View<Arr>, expAvg: View<Arr>, expAvgSq: View<Arr>, maxExpAvgSq: View<Arr> | null, h: AdamHyper, dtype: DType,
): void {
  const r = dtype === 'float32' ? Math.fround : (x: number): number => x;
  const { lr, beta1, beta2, eps, weightDecay: wd, decoupled, maximize, step } = h;
  // the scalars, each as the composed path's 0-d tensor of the parameter's dtype holds it
  const decay = r(1 - lr * wd), lam = r(wd), b1 = r(beta1), c1 = r(1 - beta1), b2 = r(beta2), c2 = r(1 - beta2);
  const bc2Sqrt = r(Math.sqrt(1 - beta2 ** step)), stepSize = r(lr / (1 - beta1 ** step)), e = r(eps);
  const P = p.data, G = grad.data, M = expAvg.data, V = expAvgSq.data, X = maxExpAvgSq?.data;
  const n = numel(p.shape);
  for (let i = 0; i < n; i++) {
    const ip = p.offset + i, ig = grad.offset + i, im = expAvg.offset + i, iv = expAvgSq.offset + i;
    let g = maximize ? -G[ig] : G[ig];
    let th = P[ip];
    if (wd !== 0) {
      if (decoupled) th = r(th * decay);
      else g = r(g + r(th * lam));
    }
    const m = r(r(M[im] * b1) + r(g * c1));
    const v = r(r(V[iv] * b2) + r(r(g * g) * c2));
    let vHat = v;
    if (X) {
      const ix = maxExpAvgSq!.offset + i, old = X[ix];
      vHat = old > v || old !== old ? old : v; // maximum, NaN-propagating as the binary op
      X[ix] = vHat;
    }
    const denom = r(r(r(Math.sqrt(vHat)) / bc2Sqrt) + e);
    P[ip] = r(th - r(r(m / denom) * stepSize));
    M[im] = m;
    V[iv] = v;
  }
}
