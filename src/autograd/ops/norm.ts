// norm.ts — normalisation over the trailing k dims: x̂ = (x - mean) / sqrt(var + eps), the part
// of layer norm without the affine weight and bias (layers/norm.ts adds those). Two versions:
// `normalizeComposed` built from mean, var and rsqrt (no backward of its own), and the fused
// `normalize` (one backend kernel, with its backward below), which a test holds to the composed
// one in value and gradient. Reference: Ba et al. 2016 (layer norm); torch.native_layer_norm.

import { isFloating } from '../../tensor/dtype.js';
import { numel } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { isGradEnabled, record } from '../engine.js';

/** The last k dims of x, as negative dims. */
const lastDims = (x: Tensor, k: number): number[] => x.shape.slice(x.ndim - k).map((_, i) => i - k);

/** rstd = rsqrt(var + eps) (biased var) and x̂ = (x - mean) * rstd over the last k dims, from primitives. */
function composed(x: Tensor, k: number, eps: number): { rstd: Tensor; xhat: Tensor } {
  const dims = lastDims(x, k);
  const rstd = x.var(dims, { correction: 0, keepdim: true }).add(eps).rsqrt(); // (*, 1…)
  return { rstd, xhat: x.sub(x.mean(dims, true)).mul(rstd) };
}

/** x̂ composed from primitives (differentiated through them); the fused `normalize` matches it. */
export const normalizeComposed = (x: Tensor, k: number, eps: number): Tensor => composed(x, k, eps).xhat;

// x̂ = (x - mean) * rstd,  rstd = 1 / sqrt(var + eps)  over the last k dims (fused kernel)
// dx = rstd * (dy - mean(dy) - x̂ * mean(dy * x̂))        (means over the same dims)
export function normalize(x: Tensor, k: number, eps: number): Tensor {
  const dims = lastDims(x, k);
  const n = numel(x.shape.slice(x.ndim - k));
  const dtype = isFloating(x.dtype) ? x.dtype : 'float32';
  const out = x._backend.layerNorm(x._view, n, eps, dtype);
  const xhat = Tensor._fromStorage(x._backend, out.y, x.shape, dtype);
  const rstd = Tensor._fromStorage(x._backend, out.rstd, x.shape.map((s, d) => (d < x.ndim - k ? s : 1)), dtype); // (*, 1…)
  return record('layerNorm', [x], xhat, (dy) => {
    // createGraph: the same formula with x̂ and rstd rebuilt from x, so it differentiates again
    const { rstd: r, xhat: xh } = isGradEnabled() ? composed(x, k, eps) : { rstd, xhat };
    return [r.mul(dy.sub(dy.mean(dims, true)).sub(xh.mul(dy.mul(xh).mean(dims, true))))];
  });
}
