// norm.test.ts — layerNorm / LayerNorm and batchNorm / BatchNorm1d / BatchNorm2d against plain-JS
// float64 references: LayerNorm over one and two trailing dims with affine parameters; BatchNorm
// train (batch statistics, biased var) vs eval (running statistics), three steps of running-stat
// updates with the unbiased batch variance, momentum null (cumulative average),
// num_batches_tracked, trackRunningStats/affine off; gradcheck of both; state-dict keys and
// dtypes; and the error messages (shape mismatches, one value per channel in training).
// Values and gradients run on every backend: without float64 the float64 lines run in float32
// (within the backend's tolerance) and gradients are compared with the cpu backend's.

import { describe, expect, it } from 'vitest';
import { manualSeed, noGrad, randn, tensor, zeros, type Tensor } from '../../src/index.js';
import { batchNorm, BatchNorm1d, BatchNorm2d, layerNorm, LayerNorm } from '../../src/layers/norm.js';
import { expectClose } from '../helpers/close.js';
import { describeEachBackend, type BackendCase } from '../helpers/backends.js';
import { expectGradcheck } from '../helpers/crosscheck.js';

const EPS = 1e-5;
const meanOf = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
const varOf = (v: number[], correction: number): number => {
  const m = meanOf(v);
  return v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - correction);
};

/** LayerNorm over groups of D consecutive values (the trailing normalized dims). */
function layerNormRef(x: number[], D: number, w: number[] | null, b: number[] | null, eps = EPS): number[] {
  const out: number[] = [];
  for (let g = 0; g < x.length; g += D) {
    const v = x.slice(g, g + D);
    const m = meanOf(v), s = Math.sqrt(varOf(v, 0) + eps);
    v.forEach((xi, j) => out.push(((xi - m) / s) * (w ? w[j] : 1) + (b ? b[j] : 0)));
  }
  return out;
}

/** The values of channel c of x (N, C, S) flattened, S = product of spatial dims. */
function channel(x: number[], N: number, C: number, c: number): number[] {
  const S = x.length / (N * C), out: number[] = [];
  for (let n = 0; n < N; n++) for (let s = 0; s < S; s++) out.push(x[(n * C + c) * S + s]);
  return out;
}

/** y = (x - mean[c]) / sqrt(var[c] + eps) * w[c] + b[c] for x (N, C, S) flattened. */
function normalizeRef(x: number[], N: number, C: number, mean: number[], variance: number[], w: number[] | null, b: number[] | null, eps = EPS): number[] {
  const S = x.length / (N * C);
  return x.map((v, i) => {
    const c = Math.floor(i / S) % C;
    return ((v - mean[c]) / Math.sqrt(variance[c] + eps)) * (w ? w[c] : 1) + (b ? b[c] : 0);
  });
}

const data = (t: Tensor): number[] => Array.from(t.dataSync());
/** The backend's widest float dtype, the matching tolerance, and randn in that dtype. */
function widest(b: BackendCase): { dt: 'float32' | 'float64'; t: number; fw: (shape: number[], requiresGrad?: boolean) => Tensor } {
  const dt = b.float64 ? 'float64' : 'float32';
  return { dt, t: b.float64 ? 1e-12 : b.tol, fw: (shape, requiresGrad = false) => randn(shape, { dtype: dt, requiresGrad }) };
}

// ---- layer norm ------------------------------------------------------------------------------

describeEachBackend('layerNorm', (bc) => {
  const { tol } = bc, { dt, t, fw } = widest(bc);
  it('over the last dim with weight and bias, against the reference', () => {
    manualSeed(1);
    const x = fw([2, 3, 4]);
    const w = [0.5, 1, -2, 3], b = [0, 0.1, -0.2, 1];
    const y = layerNorm(x, 4, tensor(w, { dtype: dt }), tensor(b, { dtype: dt }));
    expect(y.shape).toEqual([2, 3, 4]);
    expectClose(y, layerNormRef(data(x), 4, w, b), t, t);
  });
  it('over the last two dims, no affine; eps is used', () => {
    manualSeed(2);
    const x = fw([2, 3, 4]);
    expectClose(layerNorm(x, [3, 4]), layerNormRef(data(x), 12, null, null), t, t);
    expectClose(layerNorm(x, [3, 4], null, null, { eps: 0.5 }), layerNormRef(data(x), 12, null, null, 0.5), t, t);
  });
  it('a hand case: [1, 2, 3] -> (x - 2) / sqrt(2/3 + eps)', () => {
    const s = Math.sqrt(2 / 3 + EPS);
    expectClose(layerNorm(tensor([1, 2, 3]), [3]), [-1 / s, 0, 1 / s], tol, tol);
  });
  it('LayerNorm module: float32 default, weight ones / bias zeros, train = eval', () => {
    manualSeed(3);
    const ln = new LayerNorm([4]);
    expect(ln.weight!.toArray()).toEqual([1, 1, 1, 1]);
    expect(ln.bias!.toArray()).toEqual([0, 0, 0, 0]);
    expect(ln.weight!.dtype).toBe('float32');
    const x = randn([5, 4]);
    const ref = layerNormRef(data(x), 4, null, null);
    expectClose(ln.forward(x), ref, Math.max(1e-5, tol), 1e-4);
    expectClose(ln.eval().forward(x), ref, Math.max(1e-5, tol), 1e-4);
    noGrad(() => { ln.weight!.copy_(tensor([1, 2, 3, 4])); ln.bias!.fill_(0.5); });
    expectClose(ln.forward(x), layerNormRef(data(x), 4, [1, 2, 3, 4], [0.5, 0.5, 0.5, 0.5]), Math.max(1e-5, tol), 1e-4);
    ln.resetParameters();
    expect(ln.weight!.toArray()).toEqual([1, 1, 1, 1]);
  });
});

describe('LayerNorm options and state', () => {
  it('keys and shapes; elementwiseAffine: false and bias: false', () => {
    const ln = new LayerNorm([3, 4], { eps: 1e-6, dtype: 'float64' });
    expect(ln.namedParameters().map(([n, p]) => [n, p.shape, p.dtype])).toEqual([['weight', [3, 4], 'float64'], ['bias', [3, 4], 'float64']]);
    expect(ln.eps).toBe(1e-6);
    expect(new LayerNorm(4, { elementwiseAffine: false }).parameters()).toEqual([]);
    expect(Object.keys(new LayerNorm(4, { bias: false }).stateDict())).toEqual(['weight']);
  });
  it('errors name the op and the shapes', () => {
    expect(() => layerNorm(zeros([2, 3]), [4])).toThrow('layerNorm: input [2,3] does not end with normalizedShape [4]');
    expect(() => layerNorm(zeros([3]), [2, 3])).toThrow('layerNorm: input [3] does not end with normalizedShape [2,3]');
    expect(() => layerNorm(zeros([2, 3]), 3, zeros([2]))).toThrow('layerNorm: weight [2] must have normalizedShape [3]');
    expect(() => layerNorm(zeros([2, 3]), 3, null, zeros([3, 1]))).toThrow('layerNorm: bias [3,1] must have normalizedShape [3]');
    expect(() => new LayerNorm(5).forward(zeros([2, 4]))).toThrow('layerNorm: input [2,4] does not end with normalizedShape [5]');
    expect(() => new LayerNorm([])).toThrow('LayerNorm: normalizedShape must be non-negative integers, got []');
  });
});

describeEachBackend('layerNorm gradients (float64 gradcheck, or float32 vs cpu)', (bc) => {
  it('w.r.t. input, weight and bias, one and two normalized dims', () => {
    const make = (dtype: 'float32' | 'float64'): { ln: LayerNorm; r: (shape: number[], rg?: boolean) => Tensor } => {
      const r = (shape: number[], requiresGrad = false): Tensor => randn(shape, { dtype, requiresGrad });
      manualSeed(4);
      const ln = new LayerNorm(4, { dtype });
      noGrad(() => { ln.weight!.copy_(r([4])); ln.bias!.copy_(r([4])); });
      return { ln, r };
    };
    expectGradcheck(bc, (dtype) => {
      const { ln, r } = make(dtype);
      return { fn: (x, w, b) => layerNorm(x, [4], w, b), inputs: [r([2, 4], true), ln.weight!, ln.bias!] };
    });
    expectGradcheck(bc, (dtype) => {
      const { r } = make(dtype);
      return { fn: (x, w) => layerNorm(x, [2, 3], w), inputs: [r([2, 2, 3], true), r([2, 3], true)] };
    });
    expectGradcheck(bc, (dtype) => {
      const { ln, r } = make(dtype);
      return { fn: (x) => ln.forward(x).sin(), inputs: [r([3, 4], true)], params: ln.parameters() };
    });
  });
});

// ---- batch norm ------------------------------------------------------------------------------

/** Per-channel batch statistics of x (N, C, *): [mean, biased var, unbiased var]. */
function batchStats(x: number[], N: number, C: number): [number[], number[], number[]] {
  const chans = [...Array(C).keys()].map((c) => channel(x, N, C, c));
  return [chans.map(meanOf), chans.map((v) => varOf(v, 0)), chans.map((v) => varOf(v, 1))];
}

describeEachBackend('batchNorm functional', (bc) => {
  const { dt, t, fw } = widest(bc);
  it('training: batch mean and biased var per channel; running stats updated with the unbiased var', () => {
    manualSeed(10);
    const x = fw([4, 3, 5]); // (N, C, L)
    const rm = tensor([0.5, -1, 2], { dtype: dt }), rv = tensor([1, 2, 0.5], { dtype: dt });
    const w = [1, -0.5, 2], b = [0.25, 0, -1];
    const y = batchNorm(x, rm, rv, tensor(w, { dtype: dt }), tensor(b, { dtype: dt }), { training: true, momentum: 0.2 });
    const [m, v, vu] = batchStats(data(x), 4, 3);
    expectClose(y, normalizeRef(data(x), 4, 3, m, v, w, b), t, t);
    expectClose(rm, [0.5, -1, 2].map((r, c) => 0.8 * r + 0.2 * m[c]), t, t);
    expectClose(rv, [1, 2, 0.5].map((r, c) => 0.8 * r + 0.2 * vu[c]), t, t);
  });
  it('eval: normalizes with the running statistics and leaves them alone', () => {
    const x = tensor([[1, 2], [3, 5], [-1, 0]], { dtype: dt });
    const rm = tensor([1, 2], { dtype: dt }), rv = tensor([4, 0.25], { dtype: dt });
    const y = batchNorm(x, rm, rv);
    expectClose(y, normalizeRef(data(x), 3, 2, [1, 2], [4, 0.25], null, null), t, t);
    expect(rm.toArray()).toEqual([1, 2]);
    expect(rv.toArray()).toEqual([4, 0.25]);
  });
  it('training without running stats; a hand case (N, C) = (2, 1): x = [1, 3] -> ±1/sqrt(1 + eps)', () => {
    const y = batchNorm(tensor([[1], [3]]), null, null, null, null, { training: true });
    const s = 1 / Math.sqrt(1 + EPS);
    expectClose(y, [[-s], [s]]);
  });
  it('gradcheck (float64; float32 vs cpu without float64), training, w.r.t. input, weight and bias on (N, C) and (N, C, H, W)', () => {
    // the values the original sequence drew after manualSeed(12), rebuilt for each check
    const gen = (dtype: 'float32' | 'float64') => {
      const r = (shape: number[], requiresGrad = false): Tensor => randn(shape, { dtype, requiresGrad });
      manualSeed(12);
      const a = [r([4, 3], true), r([3], true), r([3], true)];
      const c = [r([2, 2, 2, 3], true), r([2], true), r([2], true)];
      const rm = r([2]), rv = r([2]).abs(); // eval: an affine map of x
      return { a, c, rm, rv, d: [r([3, 2, 2], true), r([2], true)] };
    };
    expectGradcheck(bc, (dtype) => ({ fn: (x, w, b) => batchNorm(x, null, null, w, b, { training: true }), inputs: gen(dtype).a }));
    expectGradcheck(bc, (dtype) => ({ fn: (x, w, b) => batchNorm(x, null, null, w, b, { training: true }).pow(2), inputs: gen(dtype).c }));
    expectGradcheck(bc, (dtype) => {
      const g = gen(dtype);
      return { fn: (x, w) => batchNorm(x, g.rm, g.rv, w), inputs: g.d };
    });
  });
  it('errors name the op and the shapes', () => {
    expect(() => batchNorm(zeros([1, 3]), null, null, null, null, { training: true })).toThrow('batchNorm: Expected more than 1 value per channel when training, got input size [1,3]');
    expect(() => batchNorm(zeros([1, 3, 1]), null, null, null, null, { training: true })).toThrow('Expected more than 1 value per channel when training, got input size [1,3,1]');
    expect(() => batchNorm(zeros([3]), zeros([3]), zeros([3]))).toThrow('batchNorm: input must have at least 2 dims (N, C, *), got [3]');
    expect(() => batchNorm(zeros([2, 3]), zeros([4]), zeros([3]))).toThrow('batchNorm: runningMean [4] must have shape [3] for input [2,3] with 3 channels');
    expect(() => batchNorm(zeros([2, 3]), zeros([3]), zeros([3]), zeros([2]))).toThrow('batchNorm: weight [2] must have shape [3] for input [2,3] with 3 channels');
    expect(() => batchNorm(zeros([2, 3]), null, null)).toThrow('batchNorm: runningMean and runningVar are required when training is false');
  });
});

describeEachBackend('BatchNorm1d / BatchNorm2d modules', (bc) => {
  const { tol } = bc, { dt, t, fw } = widest(bc);
  it('three training steps: outputs, running_mean / running_var and num_batches_tracked follow the reference', () => {
    manualSeed(20);
    const bn = new BatchNorm1d(3, { dtype: dt });
    noGrad(() => { bn.weight!.copy_(tensor([1, 2, 0.5])); bn.bias!.copy_(tensor([0, -1, 0.25])); });
    let rm = [0, 0, 0], rv = [1, 1, 1];
    for (let step = 1; step <= 3; step++) {
      const x = fw([6, 3]).mul(step).add(step - 2); // a different distribution each step
      const [m, v, vu] = batchStats(data(x), 6, 3);
      expectClose(bn.forward(x), normalizeRef(data(x), 6, 3, m, v, [1, 2, 0.5], [0, -1, 0.25]), t, t);
      rm = rm.map((r, c) => 0.9 * r + 0.1 * m[c]);
      rv = rv.map((r, c) => 0.9 * r + 0.1 * vu[c]);
      expectClose(bn.runningMean!, rm, t, t);
      expectClose(bn.runningVar!, rv, t, t);
      expect(bn.numBatchesTracked!.item()).toBe(step);
    }
    // eval: running statistics, nothing updated
    bn.eval();
    const x = fw([2, 3]);
    expectClose(bn.forward(x), normalizeRef(data(x), 2, 3, rm, rv, [1, 2, 0.5], [0, -1, 0.25]), t, t);
    expectClose(bn.runningMean!, rm, t, t);
    expect(bn.numBatchesTracked!.item()).toBe(3);
    // one sample is fine in eval
    expect(bn.forward(fw([1, 3])).shape).toEqual([1, 3]);
  });
  it('BatchNorm1d on (N, C, L): statistics over N and L', () => {
    manualSeed(21);
    const bn = new BatchNorm1d(2, { momentum: 0.5, dtype: dt });
    const x = fw([3, 2, 4]);
    const [m, v, vu] = batchStats(data(x), 3, 2);
    expectClose(bn.forward(x), normalizeRef(data(x), 3, 2, m, v, null, null), t, t);
    expectClose(bn.runningMean!, m.map((mc) => 0.5 * mc), t, t);
    expectClose(bn.runningVar!, vu.map((vc) => 0.5 + 0.5 * vc), t, t);
  });
  it('BatchNorm2d on (N, C, H, W): statistics over N, H and W, float32 within tolerance', () => {
    manualSeed(22);
    const bn = new BatchNorm2d(3);
    const x = randn([2, 3, 4, 5]).mul(3).add(1);
    const [m, v, vu] = batchStats(data(x), 2, 3);
    expectClose(bn.forward(x), normalizeRef(data(x), 2, 3, m, v, null, null), Math.max(1e-4, tol), Math.max(1e-4, tol));
    expectClose(bn.runningVar!, vu.map((vc) => 0.9 + 0.1 * vc), tol, tol);
    expect(bn.runningMean!.dtype).toBe('float32');
  });
  it('momentum null: the running stats are the plain average of the batch statistics', () => {
    manualSeed(23);
    const bn = new BatchNorm1d(2, { momentum: null, dtype: dt });
    const ms: number[][] = [], vus: number[][] = [];
    for (let step = 0; step < 3; step++) {
      const x = fw([5, 2]).add(step);
      const [m, , vu] = batchStats(data(x), 5, 2);
      ms.push(m); vus.push(vu);
      bn.forward(x);
    }
    expectClose(bn.runningMean!, [0, 1].map((c) => meanOf(ms.map((m) => m[c]))), t, t);
    expectClose(bn.runningVar!, [0, 1].map((c) => meanOf(vus.map((v) => v[c]))), t, t);
    expect(bn.numBatchesTracked!.item()).toBe(3);
  });
  it('trackRunningStats: false has no buffers and uses batch statistics in eval too', () => {
    manualSeed(24);
    const bn = new BatchNorm1d(3, { trackRunningStats: false, dtype: dt });
    expect(bn.buffers()).toEqual([]);
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias']);
    const x = fw([4, 3]);
    const [m, v] = batchStats(data(x), 4, 3);
    expectClose(bn.eval().forward(x), normalizeRef(data(x), 4, 3, m, v, null, null), t, t);
  });
  it('affine: false has no parameters', () => {
    const bn = new BatchNorm2d(3, { affine: false });
    expect(bn.parameters()).toEqual([]);
    expect(Object.keys(bn.stateDict())).toEqual(['running_mean', 'running_var', 'num_batches_tracked']);
  });
  it('state dict: PyTorch keys, shapes and dtypes (num_batches_tracked int32 0-d)', () => {
    const bn = new BatchNorm2d(4);
    const sd = bn.stateDict();
    expect(Object.entries(sd).map(([k, t]) => [k, t.shape, t.dtype])).toEqual([
      ['weight', [4], 'float32'], ['bias', [4], 'float32'],
      ['running_mean', [4], 'float32'], ['running_var', [4], 'float32'],
      ['num_batches_tracked', [], 'int32'],
    ]);
    expect(sd.running_mean.toArray()).toEqual([0, 0, 0, 0]);
    expect(sd.running_var.toArray()).toEqual([1, 1, 1, 1]);
    expect(sd.num_batches_tracked.item()).toBe(0);
    expect(bn.namedBuffers().map(([k]) => k)).toEqual(['running_mean', 'running_var', 'num_batches_tracked']);
    expect(bn.namedParameters().map(([k]) => k)).toEqual(['weight', 'bias']);
  });
  it('loadStateDict copies running stats in place; mismatches name the key and both shapes', () => {
    manualSeed(25);
    const a = new BatchNorm1d(3);
    for (let i = 0; i < 2; i++) a.forward(randn([8, 3]));
    const b = new BatchNorm1d(3);
    const rmBefore = b.runningMean;
    b.loadStateDict(a.stateDict());
    expect(b.runningMean).toBe(rmBefore); // same tensor, new values
    expect(b.runningMean!.toArray()).toEqual(a.runningMean!.toArray());
    expect(b.runningVar!.toArray()).toEqual(a.runningVar!.toArray());
    expect(b.numBatchesTracked!.item()).toBe(2);
    const x = randn([2, 3]);
    expect(b.eval().forward(x).toArray()).toEqual(a.eval().forward(x).toArray());
    const sd = a.stateDict();
    expect(() => new BatchNorm1d(4).loadStateDict(sd)).toThrow("loadStateDict: size mismatch for 'weight': checkpoint has shape [3], the model has [4]");
    expect(() => b.loadStateDict({ ...sd, running_var: zeros([2]) })).toThrow("loadStateDict: size mismatch for 'running_var': checkpoint has shape [2], the model has [3]");
    const { num_batches_tracked: _n, ...noCount } = sd;
    expect(() => b.loadStateDict(noCount)).toThrow("loadStateDict: missing key(s): 'num_batches_tracked'");
  });
  it('resetRunningStats and resetParameters', () => {
    manualSeed(26);
    const bn = new BatchNorm1d(2);
    bn.forward(randn([4, 2]));
    noGrad(() => bn.weight!.fill_(3));
    bn.resetRunningStats();
    expect([bn.runningMean!.toArray(), bn.runningVar!.toArray(), bn.numBatchesTracked!.item()]).toEqual([[0, 0], [1, 1], 0]);
    expect(bn.weight!.toArray()).toEqual([3, 3]);
    bn.resetParameters();
    expect(bn.weight!.toArray()).toEqual([1, 1]);
  });
  it('gradcheck of the module in training mode (float64; float32 vs cpu without float64) w.r.t. the input', () => {
    expectGradcheck(bc, (dtype) => {
      manualSeed(27);
      const bn = new BatchNorm2d(2, { dtype });
      return { fn: (x) => bn.forward(x).mul(x), inputs: [randn([2, 2, 2, 2], { dtype, requiresGrad: true })], params: bn.parameters() };
    });
  });
  it('errors: input dims, channel count, one value per channel in training', () => {
    expect(() => new BatchNorm1d(3).forward(zeros([2, 3, 4, 5]))).toThrow('BatchNorm1d: expected 2D (N, C) or 3D (N, C, L) input, got 4D input of shape [2,3,4,5]');
    expect(() => new BatchNorm2d(3).forward(zeros([2, 3]))).toThrow('BatchNorm2d: expected 4D (N, C, H, W) input, got 2D input of shape [2,3]');
    expect(() => new BatchNorm1d(3).forward(zeros([2, 4]))).toThrow('BatchNorm1d: input [2,4] has 4 channels, expected numFeatures = 3');
    const bn = new BatchNorm2d(3);
    expect(() => bn.forward(zeros([1, 3, 1, 1]))).toThrow('batchNorm: Expected more than 1 value per channel when training, got input size [1,3,1,1]');
    expect(bn.numBatchesTracked!.item()).toBe(0); // a failed step is not counted
    expect(() => new BatchNorm1d(-2)).toThrow('BatchNorm1d: numFeatures must be a non-negative integer, got -2');
  });
});
