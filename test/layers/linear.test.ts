// linear.test.ts — linear / Linear: y = x W^T + b against a plain-JS float64 reference (2-D,
// batched N-D and 1-D inputs), gradcheck w.r.t. input, weight and bias, PyTorch's default init
// bounds and moments, resetParameters, bias: false, the error messages, and the PyTorch
// parameter / state-dict keys of Sequential(Linear, ReLU, Linear) with loadStateDict's errors.
// Forward and gradients run on every backend (gradients: float32 vs cpu without float64).

import { describe, expect, it } from 'vitest';
import { manualSeed, noGrad, tensor, zeros, type Tensor } from '../../src/index.js';
import { linear, Linear } from '../../src/layers/linear.js';
import { ReLU } from '../../src/layers/activation.js';
import { Sequential } from '../../src/layers/container.js';
import { expectClose } from '../helpers/close.js';
import { describeEachBackend } from '../helpers/backends.js';
import { expectGradcheck } from '../helpers/crosscheck.js';

/** y[r][o] = sum_i x[r][i] w[o][i] + b[o] over the rows r of x flattened to (rows, in). */
function linearRef(x: number[], w: number[][], b: number[] | null): number[] {
  const inF = w[0].length, out: number[] = [];
  for (let r = 0; r < x.length / inF; r++) {
    for (let o = 0; o < w.length; o++) {
      let s = b ? b[o] : 0;
      for (let i = 0; i < inF; i++) s += x[r * inF + i] * w[o][i];
      out.push(s);
    }
  }
  return out;
}

const W = [[0.5, -1, 2], [1.5, 0.25, -0.75]]; // (2, 3)
const Bias = [0.1, -0.2];
const X = [1, 2, 3, -1, 0.5, 4, 0, -2, 1, 2.5, -3, 0.75]; // 12 values

const f64 = (data: number[] | number[][], requiresGrad = false): Tensor => tensor(data, { dtype: 'float64', requiresGrad });

describeEachBackend('linear forward', ({ tol }) => {
  it('2-D input: (4, 3) -> (4, 2), with and without bias', () => {
    const x = tensor(X, { shape: [4, 3] });
    const y = linear(x, tensor(W), tensor(Bias));
    expect(y.shape).toEqual([4, 2]);
    expectClose(y, linearRef(X, W, Bias), tol, tol);
    expectClose(linear(x, tensor(W)), linearRef(X, W, null), tol, tol);
  });
  it('any leading dims: (2, 2, 3) -> (2, 2, 2), and 1-D (3) -> (2)', () => {
    const y = linear(tensor(X, { shape: [2, 2, 3] }), tensor(W), tensor(Bias));
    expect(y.shape).toEqual([2, 2, 2]);
    expectClose(y, linearRef(X, W, Bias), tol, tol);
    const v = linear(tensor([1, 2, 3]), tensor(W), tensor(Bias));
    expect(v.shape).toEqual([2]);
    // hand: [0.5 - 2 + 6 + 0.1, 1.5 + 0.5 - 2.25 - 0.2]
    expectClose(v, [4.6, -0.45], tol, tol);
  });
  it('the module computes the same as the functional form with its parameters', () => {
    const fc = new Linear(3, 2);
    noGrad(() => { fc.weight.copy_(tensor(W)); fc.bias!.copy_(tensor(Bias)); });
    expectClose(fc.forward(tensor(X, { shape: [4, 3] })), linearRef(X, W, Bias), tol, tol);
  });
});

describeEachBackend('linear gradients (float64 gradcheck, or float32 vs cpu)', (b) => {
  const dtype = b.float64 ? 'float64' : 'float32';
  it('w.r.t. input, weight and bias, batched input', () => {
    const make = (dt: 'float32' | 'float64'): { fc: Linear; x: Tensor } => {
      manualSeed(1);
      const fc = new Linear(3, 2, { dtype: dt });
      expect(fc.weight.dtype).toBe(dt);
      return { fc, x: tensor(X, { shape: [2, 2, 3], dtype: dt, requiresGrad: true }) };
    };
    expectGradcheck(b, (dt) => {
      const { fc, x } = make(dt);
      return { fn: (a, w, bb) => linear(a, w, bb), inputs: [x, fc.weight, fc.bias!] };
    });
    expectGradcheck(b, (dt) => {
      const { fc, x } = make(dt);
      return { fn: (a) => fc.forward(a).tanh(), inputs: [x], params: fc.parameters() };
    });
  });
  it('without bias, 1-D input', () => {
    expectGradcheck(b, (dt) => ({ fn: (a, w) => linear(a, w), inputs: [tensor([0.3, -0.7, 1.1], { dtype: dt, requiresGrad: true }), tensor(W, { dtype: dt, requiresGrad: true })] }));
  });
  it('backward accumulates dW = dy^T x and db = sum of dy into the parameters', () => {
    const fc = new Linear(3, 2, { dtype });
    noGrad(() => { fc.weight.copy_(tensor(W)); fc.bias!.copy_(tensor(Bias)); });
    const x = tensor([[1, 2, 3], [-1, 0.5, 4]], { dtype });
    fc.forward(x).sum().backward();
    // dy = ones(2, 2): dW[o] = x[0] + x[1] = [0, 2.5, 7], db = [2, 2]
    expectClose(fc.weight.grad!, [[0, 2.5, 7], [0, 2.5, 7]], 1e-12);
    expectClose(fc.bias!.grad!, [2, 2], 1e-12);
  });
});

describe('Linear default init (PyTorch: U(-1/sqrt(in), 1/sqrt(in)))', () => {
  it('Linear(400, 300): weight within ±1/20 with mean ≈ 0 and var ≈ (1/20)²/3', () => {
    manualSeed(0);
    const fc = new Linear(400, 300);
    expect(fc.weight.shape).toEqual([300, 400]);
    expect(fc.bias!.shape).toEqual([300]);
    const w = Array.from(fc.weight.dataSync());
    const bound = 1 / 20;
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.999 * bound); // the whole range is used
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const variance = w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length;
    // the sample mean has sd bound/sqrt(3 n) ≈ 8e-5
    expect(Math.abs(mean)).toBeLessThan(5e-4);
    expect(Math.abs(variance / (bound ** 2 / 3) - 1)).toBeLessThan(0.02);
  });
  it('bias within ±1/sqrt(fanIn), spread over the range', () => {
    manualSeed(0);
    const b = Array.from(new Linear(16, 2000).bias!.dataSync());
    expect(Math.max(...b.map(Math.abs))).toBeLessThanOrEqual(0.25);
    const variance = b.reduce((s, v) => s + v * v, 0) / b.length;
    expect(Math.abs(variance / (0.25 ** 2 / 3) - 1)).toBeLessThan(0.1);
  });
  it('is reproducible under manualSeed, and resetParameters draws again', () => {
    manualSeed(42);
    const a = new Linear(5, 4);
    manualSeed(42);
    const b = new Linear(5, 4);
    expect(a.weight.toArray()).toEqual(b.weight.toArray());
    expect(a.bias!.toArray()).toEqual(b.bias!.toArray());
    const before = a.weight.toArray();
    a.resetParameters();
    expect(a.weight.toArray()).not.toEqual(before);
    expect(Math.max(...Array.from(a.weight.dataSync(), Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(5));
  });
  it('parameters require grad, are leaves, and have the requested dtype', () => {
    const fc = new Linear(3, 2, { dtype: 'float64' });
    for (const p of fc.parameters()) {
      expect(p.requiresGrad).toBe(true);
      expect(p.isLeaf).toBe(true);
      expect(p.dtype).toBe('float64');
    }
    expect(new Linear(3, 2).weight.dtype).toBe('float32');
  });
  it('bias: false registers no bias', () => {
    const fc = new Linear(3, 2, { bias: false });
    expect(fc.bias).toBeNull();
    expect(fc.namedParameters().map(([n]) => n)).toEqual(['weight']);
    expect(Object.keys(fc.stateDict())).toEqual(['weight']);
    noGrad(() => fc.weight.copy_(tensor(W)));
    expectClose(fc.forward(tensor(X, { shape: [4, 3] })), linearRef(X, W, null));
  });
});

describe('linear errors', () => {
  it('names the op and the shapes', () => {
    expect(() => linear(zeros([4, 5]), zeros([2, 3]))).toThrow('linear: input [4,5] has 5 features in its last dim, weight [2,3] expects 3');
    expect(() => linear(zeros([4, 3]), zeros([3]))).toThrow('linear: weight must be 2-D (out, in), got shape [3]');
    expect(() => linear(zeros([4, 3]), zeros([2, 3]), zeros([3]))).toThrow('linear: bias [3] must have shape [2] to match weight [2,3]');
    expect(() => linear(zeros([]), zeros([2, 3]))).toThrow('linear: input [] has no features in its last dim, weight [2,3] expects 3');
    expect(() => new Linear(3, 2).forward(zeros([4, 2]))).toThrow('linear: input [4,2] has 2 features in its last dim, weight [2,3] expects 3');
    expect(() => new Linear(2.5, 2)).toThrow('Linear: inFeatures must be a non-negative integer, got 2.5');
    expect(() => new Linear(2, -1)).toThrow('Linear: outFeatures must be a non-negative integer, got -1');
  });
  it('a float64 input to a float32 layer is a dtype error, not a silent cast', () => {
    expect(() => new Linear(3, 2).forward(f64([1, 2, 3]))).toThrow('matmul: dtypes must match, got float64 and float32');
  });
});

describe('Sequential(Linear, ReLU, Linear): names and state dicts', () => {
  const make = (): Sequential => new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2));

  it('namedParameters and stateDict use PyTorch keys', () => {
    const net = make();
    expect(net.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ['0.weight', [3, 4]], ['0.bias', [3]], ['2.weight', [2, 3]], ['2.bias', [2]],
    ]);
    const sd = net.stateDict();
    expect(Object.keys(sd)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(sd['2.weight'].requiresGrad).toBe(false);
    expect(net.parameters().length).toBe(4);
  });
  it('loadStateDict copies every tensor: the two nets then agree', () => {
    manualSeed(3);
    const a = make(), b = make();
    const x = tensor([[0.5, -1, 2, 0.25], [1, 1, -1, 3]]);
    expect((b.forward(x) as Tensor).toArray()).not.toEqual((a.forward(x) as Tensor).toArray());
    expect(b.loadStateDict(a.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect((b.forward(x) as Tensor).toArray()).toEqual((a.forward(x) as Tensor).toArray());
    // a copy, not an alias
    noGrad(() => a.parameters()[0].fill_(0));
    expect(Math.max(...Array.from(b.parameters()[0].dataSync(), Math.abs))).toBeGreaterThan(0);
  });
  it('strict errors name the key and both shapes', () => {
    const net = make();
    const sd = net.stateDict();
    const { ['2.bias']: _dropped, ...missing } = sd;
    expect(() => net.loadStateDict(missing)).toThrow("loadStateDict: missing key(s): '2.bias'");
    expect(() => net.loadStateDict({ ...sd, 'extra.weight': zeros([1]) })).toThrow("loadStateDict: unexpected key(s): 'extra.weight'");
    expect(() => net.loadStateDict({ ...sd, '0.weight': zeros([4, 3]) })).toThrow("loadStateDict: size mismatch for '0.weight': checkpoint has shape [4,3], the model has [3,4]");
    // non-strict: reports instead of throwing, and loads what matches
    const r = net.loadStateDict({ ...missing, '0.bias': tensor([7, 8, 9]), 'extra.weight': zeros([1]) }, { strict: false });
    expect(r).toEqual({ missingKeys: ['2.bias'], unexpectedKeys: ['extra.weight'] });
    expect(net.stateDict()['0.bias'].toArray()).toEqual([7, 8, 9]);
  });
  it('Sequential runs the layers in order', () => {
    const net = make();
    const [l0, , l2] = [net.at(0) as Linear, net.at(1), net.at(2) as Linear];
    noGrad(() => {
      l0.weight.copy_(tensor([[1, 0, 0, 0], [0, -1, 0, 0], [0, 0, 1, 1]]));
      l0.bias!.copy_(tensor([0, 0, -1]));
      l2.weight.copy_(tensor([[1, 1, 1], [1, -1, 2]]));
      l2.bias!.copy_(tensor([0.5, 0]));
    });
    // h = relu([0.5, 1, 1.25]) (from x = [0.5, -1, 2, 0.25]); y = [0.5 + 2.75, 0.5 - 1 + 2.5]
    expectClose(net.forward(tensor([0.5, -1, 2, 0.25])) as Tensor, [3.25, 2]);
  });
});
