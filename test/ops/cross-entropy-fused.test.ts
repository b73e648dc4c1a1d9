// cross-entropy-fused.test.ts — cross-entropy on class indices as fused kernels
// (Backend.crossEntropy / crossEntropyBackward, autograd/ops/loss.ts's crossEntropyRows, which
// nn.functional.crossEntropy runs) against an independent composition from primitives
// (logSoftmax, nllLoss, sum, where) on every backend: values and gradients (first and second
// order) for every option (ignoreIndex, label smoothing, class weights, reductions) and for
// (C) and (N, C, d) inputs; op-table lines (float64 reference, gradcheck, non-contiguous
// layouts); which path runs when; the bad-input errors. Shape letters: N rows, C classes.

import { afterEach, expect, it, vi } from 'vitest';
import { grad, tensor, type Tensor } from '../../src/index.js';
import { crossEntropy, nllLoss, type Reduction } from '../../src/layers/loss.js';
import { where } from '../../src/tensor/functions.js';
import { crossEntropyRows } from '../../src/autograd/ops/loss.js';
import { backendOf, describeEachBackend } from '../helpers/backends.js';
import { expectCloseScaled, expectGradcheck } from '../helpers/crosscheck.js';
import { F, I, op, runOpTable } from '../helpers/optable.js';
import * as R from '../helpers/reference.js';

interface Opts { ignoreIndex: number; labelSmoothing: number; weight: Tensor | null; reduction: Reduction }

/**
 * The loss from primitives, written independently of the fused kernel: (1 - ε) nll + (ε / C) smooth,
 * nll_i = -w[y_i] logp[i, y_i] and smooth_i = -Σ_c w_c logp[i, c] (0 where ignored), 'mean' over Σ w[y_i].
 */
function composed(x: Tensor, t: Tensor, o: Opts): Tensor {
  const cd = x.ndim === 1 ? 0 : 1, C = x.shape[cd], eps = o.labelSmoothing;
  const logp = x.logSoftmax(cd);
  const nll = nllLoss(logp, t, { weight: o.weight, ignoreIndex: o.ignoreIndex, reduction: 'none' });
  const ignored = t.eq(o.ignoreIndex);
  const wAlong = o.weight ? o.weight.reshape(x.shape.map((s, d) => (d === cd ? s : 1))) : null;
  const smooth = where(ignored, 0, (wAlong ? logp.mul(wAlong) : logp).sum(cd).neg());
  const loss = nll.mul(1 - eps).add(smooth.mul(eps / C));
  if (o.reduction === 'none') return loss;
  if (o.reduction === 'sum') return loss.sum();
  const safe = where(ignored, 0, t);
  const wy = where(ignored, 0, o.weight ? o.weight.indexSelect(0, safe.reshape(-1)).reshape(t.shape) : 1);
  return loss.sum().div(wy.sum());
}

const values = (n: number, tag: string, scale = 3): number[] => {
  const r = R.rngFor(tag);
  return Array.from({ length: n }, () => scale * (2 * r() - 1));
};

const CASES: { name: string; shape: number[]; target: number[]; opts: Partial<Opts>; weight?: number[] }[] = [
  { name: 'plain, mean', shape: [5, 4], target: [0, 3, 1, 2, 1], opts: {} },
  { name: 'ignoreIndex, sum', shape: [6, 3], target: [2, -100, 0, 1, -100, 2], opts: { reduction: 'sum' } },
  { name: 'label smoothing, none', shape: [4, 5], target: [4, 0, 2, 1], opts: { labelSmoothing: 0.2, reduction: 'none' } },
  { name: 'weights + ignoreIndex 1 + smoothing, mean', shape: [5, 3], target: [0, 1, 2, 2, 1], opts: { ignoreIndex: 1, labelSmoothing: 0.1 }, weight: [0.5, 2, 1.5] },
  { name: '(N, C, d) input, weights, mean', shape: [2, 3, 4], target: [0, 1, 2, 0, 2, 2, 1, 0], opts: {}, weight: [1, 3, 0.25] },
  { name: 'unbatched (C), smoothing', shape: [6], target: [4], opts: { labelSmoothing: 0.3 } },
];

describeEachBackend('crossEntropy: fused kernels vs composed', (bc) => {
  const dtype = bc.float64 ? 'float64' : 'float32';
  afterEach(() => vi.restoreAllMocks());

  for (const c of CASES) {
    it(`${c.name}: value, gradient and second-order gradient agree`, () => {
      const run = (f: (x: Tensor, t: Tensor, o: Opts) => Tensor) => {
        const x = tensor(values(R.numelOf(c.shape), c.name), { shape: c.shape, dtype, requiresGrad: true });
        const tShape = c.shape.filter((_, d) => d !== (c.shape.length === 1 ? 0 : 1));
        const t = tensor(c.target, { shape: tShape, dtype: 'int32' });
        const o: Opts = { ignoreIndex: -100, labelSmoothing: 0, reduction: 'mean', ...c.opts, weight: c.weight ? tensor(c.weight, { dtype }) : null };
        const y = f(x, t, o);
        const dy = tensor(values(y.numel(), `dy${c.name}`), { shape: y.shape, dtype });
        const [dx] = grad(y, x, { gradOutputs: dy, createGraph: true });
        const [ddx] = grad(dx.mul(dx).sum(), x); // through the backward itself
        const [plain] = grad(f(x, t, o), x, { gradOutputs: dy }); // the backward kernel
        return [y, dx, ddx, plain].map((z) => Float64Array.from(z.dataSync()));
      };
      const fused = run((x, t, o) => crossEntropy(x, t, o)), comp = run(composed);
      ['value', 'gradient', 'second-order gradient', 'gradient by the backward kernel'].forEach((what, i) => expectCloseScaled(fused[i], comp[i], 10 * bc.tol, what));
      expect(fused[3].some((v) => Math.abs(v) > 1e-3)).toBe(true);
    });
  }

  it('gradcheck of the fused rows op with every option', () => {
    expectGradcheck(bc, (dt) => ({
      fn: (x) => crossEntropyRows(x, tensor([2, -1, 0, 1], { dtype: 'int32' }), { weight: tensor([1, 0.5, 2], { dtype: dt }), ignoreIndex: -1, labelSmoothing: 0.15 }),
      inputs: [tensor(values(12, 'gc'), { shape: [4, 3], dtype: dt, requiresGrad: true })],
    }));
  });

  it('logits of ±1000: the backward divides by its row sum, so lse rounded to float32 costs nothing', () => {
    const x = tensor([1000, -1000, 0, -1000, 1000, 1000], { shape: [2, 3], dtype: 'float32', requiresGrad: true });
    crossEntropy(x, tensor([1, 0], { dtype: 'int32' }), { reduction: 'sum' }).backward();
    expectCloseScaled(Float64Array.from(x.grad!.dataSync()), [1, -1, 0, -1, 0.5, 0.5], 1e-6, 'gradient');
  });

  it('crossEntropy runs the kernels once each; a weight that requires grad takes the composition', () => {
    const be = backendOf(bc), fwd = vi.spyOn(be, 'crossEntropy'), bwd = vi.spyOn(be, 'crossEntropyBackward');
    const x = tensor(values(8, 'spy'), { shape: [2, 4], dtype, requiresGrad: true }), t = tensor([3, 1], { dtype: 'int32' });
    crossEntropy(x, t).backward();
    expect([fwd.mock.calls.length, bwd.mock.calls.length]).toEqual([1, 1]);
    const w = tensor([1, 2, 3, 4], { dtype, requiresGrad: true });
    const loss = crossEntropy(x, t, { weight: w, labelSmoothing: 0.1 });
    loss.backward();
    expect(fwd).toHaveBeenCalledTimes(1);
    const wc = tensor([1, 2, 3, 4], { dtype, requiresGrad: true });
    composed(x.detach(), t, { weight: wc, ignoreIndex: -100, labelSmoothing: 0.1, reduction: 'mean' }).backward();
    expectCloseScaled(Float64Array.from(w.grad!.dataSync()), Float64Array.from(wc.grad!.dataSync()), 10 * bc.tol, 'weight gradient');
  });

  it('errors name the op and the shapes', () => {
    const x = tensor(values(12, 'err'), { shape: [4, 3], dtype });
    expect(() => crossEntropyRows(x, tensor([0, 1, 2, 0, 1], { dtype: 'int32' }), { weight: null, ignoreIndex: -100, labelSmoothing: 0 }))
      .toThrow('crossEntropy: logits [4,3] and target [5] must be (N, C) and (N)');
    expect(() => crossEntropyRows(x, tensor([0, 1, 2, 0], { dtype: 'int32' }), { weight: tensor([1, 2], { dtype }), ignoreIndex: -100, labelSmoothing: 0 }))
      .toThrow(`crossEntropy: weight [2] (${dtype}) must hold one ${dtype} value per class of logits [4,3]`);
    expect(() => crossEntropyRows(x, tensor([0, 1, 2, 0], { dtype: 'int32' }), { weight: tensor([1, 2, 3], { dtype, requiresGrad: true }), ignoreIndex: -100, labelSmoothing: 0 }))
      .toThrow('crossEntropy: weight [3] requires grad, which the fused kernel does not give; compose the loss instead');
    expect(() => crossEntropy(x, tensor([0, 3, 1, 1], { dtype: 'int32' }))).toThrow('crossEntropy: target 3 is out of bounds for 3 classes');
  });
});

// ---- op table: the rows op against a float64 reference, every layout, gradcheck -------------------

/** ℓ_i = -(1 - ε) w_y logp_iy - (ε / C) Σ_c w_c logp_ic, 0 where y_i = ignoreIndex. */
function rowsRef(x: R.Ref, t: R.Ref, w: number[] | null, ignoreIndex: number, eps: number): R.Ref {
  const [N, C] = x.shape;
  return R.build([N], ([i]) => {
    const y = t.data[i];
    if (y === ignoreIndex) return 0;
    const logp = R.logSoftmaxOf(Array.from(x.data.subarray(i * C, (i + 1) * C)));
    const wc = (c: number): number => (w ? w[c] : 1);
    return -(1 - eps) * wc(y) * logp[y] - (eps / C) * logp.reduce((s, l, c) => s + wc(c) * l, 0);
  });
}

runOpTable('crossEntropyRows (fused)', [
  op('crossEntropyRows [5,4]', [F([5, 4]), I([5], [0, 3, 1, 2, 1])],
    (x, t) => crossEntropyRows(x, t, { weight: null, ignoreIndex: -100, labelSmoothing: 0 }), (x, t) => rowsRef(x, t, null, -100, 0)),
  op('crossEntropyRows [4,3] weights, ignore, smoothing', [F([4, 3]), I([4], [2, -1, 0, 2])],
    (x, t) => crossEntropyRows(x, t, { weight: tensor([0.5, 2, 1.25], { dtype: x.dtype, like: x }), ignoreIndex: -1, labelSmoothing: 0.1 }),
    (x, t) => rowsRef(x, t, [0.5, 2, 1.25], -1, 0.1)),
]);
