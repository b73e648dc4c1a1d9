// The examples' PCA (examples/lib/pca.ts) against a dataset whose principal axes and variances
// are known in closed form: points on an ellipse with a third coordinate cos 2t, rotated by an
// orthogonal Q and shifted. Over n equally spaced t, cos t, sin t and cos 2t are orthogonal with
// Σ cos² = Σ sin² = Σ cos² 2t = n/2, so the covariance is Q diag(a², b², c²)·n/(2(n−1)) Qᵀ.
import { describe, expect, it } from 'vitest';
import { tensor, zeros } from '../../src/index.js';
import { pca } from '../../examples/lib/pca.js';

const n = 24, a = 3, b = 2, c = 1;
// an orthogonal Q: rotation by 0.5 rad about z, then by 0.3 rad about x; its columns are the axes
const cz = Math.cos(0.5), sz = Math.sin(0.5), cx = Math.cos(0.3), sx = Math.sin(0.3);
const Rz = [[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]];
const Rx = [[1, 0, 0], [0, cx, -sx], [0, sx, cx]];
const Q = Rx.map((row) => [0, 1, 2].map((j) => row.reduce((s, r, m) => s + r * Rz[m][j], 0)));
const shift = [10, -4, 2.5];
const latent = Array.from({ length: n }, (_, i) => {
  const t = (2 * Math.PI * i) / n;
  return [a * Math.cos(t), b * Math.sin(t), c * Math.cos(2 * t)];
});
const rows = latent.map((z) => Q.map((qRow, r) => qRow.reduce((s, q, m) => s + q * z[m], 0) + shift[r])); // Q z + shift
const expectedVar = [a * a, b * b, c * c].map((s) => (s * n) / (2 * (n - 1)));

/** Q's column j with svd_flip's sign: its largest-magnitude entry positive. */
function flipped(j: number): number[] {
  const col = Q.map((r) => r[j]);
  const big = col.reduce((bi, v, i) => (Math.abs(v) > Math.abs(col[bi]) ? i : bi), 0);
  return col.map((v) => (col[big] < 0 ? -v : v));
}

describe('pca', () => {
  const r = pca(tensor(rows, { dtype: 'float64' }), 3);

  it('finds the known variances and their ratios', () => {
    r.explainedVariance.forEach((v, i) => expect(v).toBeCloseTo(expectedVar[i], 9));
    const total = expectedVar.reduce((s, v) => s + v, 0);
    r.explainedVarianceRatio.forEach((v, i) => expect(v).toBeCloseTo(expectedVar[i] / total, 9));
    expect(r.explainedVarianceRatio[0]).toBeCloseTo(9 / 14, 9);
  });

  it('finds the axes (Q’s columns) with svd_flip’s sign, and the mean', () => {
    const comps = r.components.toArray() as number[][];
    expect(r.components.shape).toEqual([3, 3]);
    for (let j = 0; j < 3; j++) flipped(j).forEach((v, m) => expect(Math.abs(comps[j][m] - v)).toBeLessThan(1e-6));
    for (const comp of comps) {
      const big = comp.reduce((bi, v, i) => (Math.abs(v) > Math.abs(comp[bi]) ? i : bi), 0);
      expect(comp[big]).toBeGreaterThan(0);
    }
    (r.mean.toArray() as number[]).forEach((v, i) => expect(v).toBeCloseTo(shift[i], 12));
  });

  it('projects each row onto the axes: the latent coordinates up to each axis’s sign', () => {
    const p = r.projected.toArray() as number[][];
    expect(r.projected.shape).toEqual([n, 3]);
    const sign = [0, 1, 2].map((j) => Math.sign(flipped(j).reduce((s, v, m) => s + v * Q[m][j], 0)));
    for (let i = 0; i < n; i++) for (let j = 0; j < 3; j++) expect(Math.abs(p[i][j] - sign[j] * latent[i][j])).toBeLessThan(1e-6);
  });

  it('gives the same answer from float32 input (computed in float64) with k = 2', () => {
    const r2 = pca(tensor(rows), 2);
    expect(r2.components.shape).toEqual([2, 3]);
    expect(r2.projected.dtype).toBe('float64');
    r2.explainedVariance.forEach((v, i) => expect(v).toBeCloseTo(expectedVar[i], 4));
  });

  it('returns zero variance for constant data', () => {
    const r0 = pca(zeros([4, 3]).add(7), 1);
    expect(r0.explainedVariance).toEqual([0]);
    expect(r0.explainedVarianceRatio).toEqual([0]);
  });

  it('refuses bad input with a message naming the values', () => {
    expect(() => pca(tensor([1, 2, 3]), 1)).toThrow('pca: expected a 2-D (samples, features) tensor, got shape [3]');
    expect(() => pca(tensor([[1, 2, 3]]), 1)).toThrow('pca: needs at least 2 rows (samples) to estimate a variance, got 1');
    expect(() => pca(tensor(rows), 4)).toThrow('pca: k = 4 components must be an integer from 1 to the 3 features');
    expect(() => pca(tensor(rows), 0)).toThrow('pca: k = 0 components must be an integer from 1 to the 3 features');
  });
});
