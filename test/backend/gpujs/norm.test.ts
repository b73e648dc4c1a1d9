// norm.test.ts — the fused layer-norm op. On the CPU backend in float64: the kernel against
// a plain-JS reference, the op (F.layerNorm) against its composition from mean/var/rsqrt, values
// and gradients, gradcheck, and gradcheck of its gradient (createGraph). On gpujs, per gpu.js
// mode: the layerNorm kernels (y, mean, rstd) against the CPU backend on contiguous, permuted,
// step-sliced and broadcast views, odd, long and zero sizes; then F.layerNorm / nn.LayerNorm
// forward and backward through the Tensor API.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enableGrad, grad, gradcheck, nn, setBackend, tensor, type Tensor } from '../../../src/index.js';
import type { GpuJsBackend } from '../../../src/backend/gpujs/index.js';
import { makeBackend } from '../../../src/backend/registry.js';
import type { TypedArray } from '../../../src/tensor/dtype.js';
import { numel } from '../../../src/tensor/shape.js';
import { expectClose } from '../../helpers/close.js';
import { gpujsModes } from '../../helpers/backends.js';
import { cpu, layoutOf, sameOnBoth, seeded as t, values, whole, type Layout } from './kit.js';

const MODES = gpujsModes();
const F = nn.functional;

const f64 = (shape: number[], seed: number, requiresGrad = false): Tensor =>
  tensor(values(numel(shape), seed), { shape, dtype: 'float64', requiresGrad });

/** The composition the fused op replaces: (x - mean) / sqrt(var + eps) * w + b. */
function composed(x: Tensor, k: number, w: Tensor | null, b: Tensor | null, eps = 1e-5): Tensor {
  const dims = Array.from({ length: k }, (_, i) => i - k);
  let y = x.sub(x.mean(dims, true)).mul(x.var(dims, { correction: 0, keepdim: true }).add(eps).rsqrt());
  if (w) y = y.mul(w);
  if (b) y = y.add(b);
  return y;
}

describe('fused layerNorm on the cpu backend (float64)', () => {
  it('the kernel: y, mean and rstd of each group of the last n elements, any view', () => {
    const data = values(2 * 3 * 4, 1).map(Number);
    // a permuted view: shape (2, 3, 4) over storage laid out (4, 3, 2)
    const stored = new Float64Array(24);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) stored[k * 6 + j * 2 + i] = data[i * 12 + j * 4 + k];
    const out = cpu.layerNorm({ data: stored, shape: [2, 3, 4], stride: [1, 2, 6], offset: 0 }, 12, 0.1, 'float64');
    for (let r = 0; r < 2; r++) {
      const g = data.slice(r * 12, r * 12 + 12);
      const mu = g.reduce((s, v) => s + v, 0) / 12;
      const v = g.reduce((s, x) => s + (x - mu) ** 2, 0) / 12;
      const rs = 1 / Math.sqrt(v + 0.1);
      expectClose([out.mean[r], out.rstd[r]], [mu, rs], 1e-14, 1e-14);
      expectClose(out.y.slice(r * 12, r * 12 + 12), g.map((x) => (x - mu) * rs), 1e-14, 1e-14);
    }
    // a constant group: var 0, rstd = 1/sqrt(eps), y = 0
    const c = cpu.layerNorm({ data: new Float64Array([3, 3, 3]), shape: [3], stride: [1], offset: 0 }, 3, 1e-4, 'float64');
    expectClose([...c.y, c.mean[0], c.rstd[0]], [0, 0, 0, 3, 100], 1e-12, 1e-12);
  });

  it('matches the composition from mean / var / rsqrt, values and gradients', () => {
    for (const [shape, norm] of [[[4, 5], [5]], [[2, 3, 4], [3, 4]], [[3, 1], [1]]] as [number[], number[]][]) {
      const x = f64(shape, 2, true), w = f64(norm, 3, true), b = f64(norm, 4, true);
      const dy = f64(shape, 5);
      const fused = F.layerNorm(x, norm, w, b, { eps: 1e-3 });
      const ref = composed(x, norm.length, w, b, 1e-3);
      expectClose(fused, ref.toArray() as number[], 1e-12, 1e-12);
      const gf = grad(fused, [x, w, b], { gradOutputs: dy });
      const gr = grad(ref, [x, w, b], { gradOutputs: dy });
      gf.forEach((g, i) => expectClose(g, gr[i].toArray() as number[], 1e-12, 1e-12));
    }
  });

  it('gradcheck w.r.t. input, weight and bias, including a permuted input', () => {
    expect(gradcheck((x, w, b) => F.layerNorm(x, [5], w, b), [f64([3, 5], 6, true), f64([5], 7, true), f64([5], 8, true)])).toBe(true);
    expect(gradcheck((x) => F.layerNorm(x.permute([2, 0, 1]), [3, 4]), [f64([3, 4, 2], 9, true)])).toBe(true);
    expect(gradcheck((x, w) => F.layerNorm(x, [1], w, null, { eps: 0.5 }), [f64([4, 1], 10, true), f64([1], 11, true)])).toBe(true);
  });

  it('its gradient is differentiable again (createGraph): gradcheck of d/dx <layerNorm(x), dy>', () => {
    const dy = f64([3, 4], 12), w = f64([4], 13, true);
    const g = (x: Tensor, wt: Tensor): Tensor => enableGrad(() => {
      const u = x.requiresGrad ? x : x.detach().requiresGrad_(true); // gradcheck's perturbed copies
      return grad(F.layerNorm(u, [4], wt).mul(dy).sum(), u, { createGraph: true })[0];
    });
    expect(gradcheck(g, [f64([3, 4], 14, true), w])).toBe(true);
  });

  it('names the group it cannot find', () => {
    expect(() => cpu.layerNorm({ data: new Float64Array(6), shape: [2, 3], stride: [3, 1], offset: 0 }, 4, 1e-5, 'float64'))
      .toThrow('layerNorm: no trailing dims of [2,3] hold 4 elements');
  });
});

// ---- gpujs -----------------------------------------------------------------------------------------

for (const mode of MODES) {
  describe(`gpujs layerNorm kernels [${mode}]`, () => {
    const b = makeBackend('test', 'gpujs', { mode }) as GpuJsBackend;

    /** y, mean and rstd of the gpujs kernels against the CPU's, from the same float32 view. */
    function check(shape: number[], n: number, layout: Layout, data?: number[], eps = 1e-5, tol = 1e-5): void {
      const { stride, offset, size } = layoutOf(shape, layout);
      const vals = Float32Array.from(data ?? values(size, n + size));
      const want = cpu.layerNorm({ data: vals, shape, stride, offset }, n, eps, 'float32');
      const got = b.layerNorm({ data: b.fromHost('float32', vals), shape, stride, offset }, n, eps, 'float32');
      for (const k of ['y', 'mean', 'rstd'] as const) {
        const g: TypedArray = b.toHost(whole(got[k]), 'float32');
        expect(g.length, k).toBe(want[k].length);
        expectClose(g, want[k], tol, tol);
      }
    }

    const cases: [string, number[], number, Layout][] = [];
    for (const [shape, n] of [[[7], 7], [[3, 1], 1], [[5, 33], 33], [[2, 3, 257], 257], [[2, 3, 4], 12], [[4, 2, 3, 5], 15]] as [number[], number][]) {
      for (const l of ['contiguous', 'permuted', 'strided', 'broadcast'] as Layout[]) cases.push([`${shape} groups of ${n} ${l}`, shape, n, l]);
    }
    it.each(cases)('%s', (_, shape, n, layout) => check(shape, n, layout));

    it('long groups (two-pass statistics), constant groups, large offsets, eps', () => {
      check([3, 3001], 3001, 'contiguous');
      check([2, 50, 41], 2050, 'permuted');
      // constant groups (var 0: rstd = 1/sqrt(eps), y = 0) and values far from 0
      check([2, 4], 4, 'contiguous', [5, 5, 5, 5, 1000, 1001, 1002, 1003], 1e-3);
      check([3, 6], 6, 'strided', undefined, 0.5);
    });

    it('zero sizes: no groups, or empty groups (mean and rstd NaN, as the CPU)', () => {
      check([0, 4], 4, 'contiguous');
      check([3, 0], 0, 'contiguous');
      check([2, 3, 0], 0, 'contiguous');
    });

    it('ran every kernel on the mode asked for', () => {
      expect(b.runner.stats.fallbacks).toEqual([]);
    });
  });

  describe(`gpujs layerNorm through the Tensor API [${mode}]`, () => {
    let b: GpuJsBackend;
    beforeAll(() => { b = setBackend('gpujs', { mode }) as GpuJsBackend; });
    afterAll(() => { setBackend('cpu'); });

    it('F.layerNorm forward and backward (input, weight, bias), on a permuted input', () => {
      sameOnBoth(mode, () => {
        const a = t([5, 3, 7], 1).requiresGrad_();
        const w = t([3, 5], 2).requiresGrad_(), bias = t([3, 5], 3).requiresGrad_();
        const x = a.permute([2, 1, 0]); // (7, 3, 5)
        const y = F.layerNorm(x, [3, 5], w, bias);
        y.mul(t([7, 3, 5], 4)).sum().backward();
        return [y, a.grad!, w.grad!, bias.grad!];
      });
      expect(b.runner.stats.fallbacks).toEqual([]);
    });

    it('nn.LayerNorm over a long last dim', () => {
      sameOnBoth(mode, () => {
        const ln = new nn.LayerNorm(1500);
        const x = t([3, 1500], 5).mul(4).add(1).requiresGrad_();
        const y = ln.forward(x);
        y.mul(t([3, 1500], 6)).sum().backward();
        return [y, x.grad!, ln.weight!.grad!, ln.bias!.grad!];
      }, 1e-4);
    });
  });
}
