// pca.ts — principal component analysis with tensorloom ops: centre the rows, covariance
// C = Xcᵀ Xc / (n − 1), its top-k eigenvectors by power iteration with deflation (C ← C − λ v vᵀ),
// projection of Xc onto them; signs as scikit-learn's svd_flip (each axis's largest-|x| entry
// positive). Reference: scikit-learn's PCA (explained_variance_, explained_variance_ratio_).
// Shapes: n samples, d features, k components.

import { stack, tensor, type Tensor } from '../../src/index.js';

export interface PcaResult {
  /** principal axes as rows, unit length, by decreasing variance: (k, d) */
  components: Tensor;
  /** the projection of the centred rows onto the axes: (n, k) */
  projected: Tensor;
  /** column means subtracted before projecting: (d) */
  mean: Tensor;
  /** variance along each axis (eigenvalues of the covariance, divisor n − 1) */
  explainedVariance: number[];
  /** each axis's share of the total variance (trace of the covariance) */
  explainedVarianceRatio: number[];
  /** power iterations each component took */
  iterations: number[];
}

/**
 * The top-k principal components of the rows of `x` (n, d), computed in float64.
 * Iterates each axis until it moves less than `tol` (default 1e-13) or `maxIter` (default 10,000).
 */
export function pca(x: Tensor, k: number, o: { tol?: number; maxIter?: number } = {}): PcaResult {
  if (x.ndim !== 2) throw new Error(`pca: expected a 2-D (samples, features) tensor, got shape [${x.shape.join(', ')}]`);
  const [n, d] = x.shape;
  if (n < 2) throw new Error(`pca: needs at least 2 rows (samples) to estimate a variance, got ${n}`);
  if (!Number.isInteger(k) || k < 1 || k > d) throw new Error(`pca: k = ${k} components must be an integer from 1 to the ${d} features`);
  const tol = o.tol ?? 1e-13, maxIter = o.maxIter ?? 10_000;

  const x64 = x.to('float64');
  const mean = x64.mean(0); // (d)
  const xc = x64.sub(mean); // (n, d)
  const cov = xc.transpose(0, 1).matmul(xc).div(n - 1); // (d, d)
  const total = xc.mul(xc).sum().item() / (n - 1); // trace of C = total variance

  let c = cov;
  const axes: Tensor[] = [], variances: number[] = [], iterations: number[] = [];
  for (let i = 0; i < k; i++) {
    // start from the column of C with the largest norm: deterministic, and inside C's range
    const norms = c.mul(c).sum(0).dataSync(); // (d)
    let j = 0;
    for (let m = 1; m < d; m++) if (norms[m] > norms[j]) j = m;
    let v = norms[j] > 0 ? c.select(1, j) : oneHot(d, i); // (d)
    v = v.div(norm(v));
    let it = 0;
    for (; it < maxIter; it++) {
      const w = c.matmul(v); // (d)
      const len = norm(w);
      if (len === 0) break; // v lies in C's null space: its eigenvalue is 0
      const next = w.div(len);
      const moved = next.sub(v).abs().max().item();
      v = next;
      if (moved < tol) break;
    }
    const lambda = v.mul(c.matmul(v)).sum().item(); // Rayleigh quotient vᵀ C v
    // svd_flip (u_based_decision = False): the entry of largest magnitude is positive
    const vs = v.dataSync();
    let big = 0;
    for (let m = 1; m < d; m++) if (Math.abs(vs[m]) > Math.abs(vs[big])) big = m;
    if (vs[big] < 0) v = v.neg();
    axes.push(v);
    variances.push(Math.max(0, lambda));
    iterations.push(it);
    c = c.sub(v.unsqueeze(1).matmul(v.unsqueeze(0)).mul(lambda)); // deflate: C − λ v vᵀ
  }
  const components = stack(axes, 0); // k × (d) -> (k, d)
  return {
    components,
    projected: xc.matmul(components.transpose(0, 1)), // (n, d) @ (d, k) -> (n, k)
    mean,
    explainedVariance: variances,
    explainedVarianceRatio: variances.map((l) => (total > 0 ? l / total : 0)),
    iterations,
  };
}

/** The unit vector e_i of length d, float64. */
function oneHot(d: number, i: number): Tensor {
  const e = new Float64Array(d);
  e[i % d] = 1;
  return tensor(e, { dtype: 'float64' });
}

/** The Euclidean length of a vector. */
function norm(v: Tensor): number {
  return Math.sqrt(v.mul(v).sum().item());
}
