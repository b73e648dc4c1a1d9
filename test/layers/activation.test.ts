// activation.test.ts — the activation modules and nn.functional forms against plain-JS float64
// formulas (ReLU, exact and tanh GELU, Tanh, Sigmoid, SiLU, Softmax, LogSoftmax, Identity),
// gradcheck of each module in float64, and their (empty) parameter lists and errors. Values and
// gradients run on every backend (without float64: float32, gradients against the cpu backend).

import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '../../src/index.js';
import {
  gelu, GELU, Identity, logSoftmax, LogSoftmax, relu, ReLU, Sigmoid, silu, SiLU, softmax, Softmax, Tanh,
} from '../../src/layers/activation.js';
import { Module } from '../../src/layers/module.js';
import { expectClose } from '../helpers/close.js';
import { describeEachBackend } from '../helpers/backends.js';
import { expectGradcheck } from '../helpers/crosscheck.js';
import * as R from '../helpers/reference.js';

const XS = [-3, -1.5, -0.25, 0, 0.1, 0.75, 2, 4.5];
const X2 = [[0.5, -1, 2, 0], [3, 3, -2, 1], [-0.5, 0.25, 0, 1.5]]; // (3, 4)
const sig = (v: number): number => 1 / (1 + Math.exp(-v));

/** softmax of each lane along dim 0 or 1 of a 2-D array. */
function softmax2(x: number[][], dim: 0 | 1, log = false): number[][] {
  const f = (lane: number[]): number[] => {
    const m = Math.max(...lane), z = lane.reduce((s, v) => s + Math.exp(v - m), 0);
    return lane.map((v) => (log ? v - m - Math.log(z) : Math.exp(v - m) / z));
  };
  if (dim === 1) return x.map(f);
  const cols = x[0].map((_, j) => f(x.map((r) => r[j])));
  return x.map((r, i) => r.map((_, j) => cols[j][i]));
}

const elementwise: [string, () => Module, (v: number) => number][] = [
  ['ReLU', () => new ReLU(), (v) => Math.max(v, 0)],
  ['GELU', () => new GELU(), (v) => 0.5 * v * (1 + R.erf(v / Math.SQRT2))],
  ['GELU tanh', () => new GELU({ approximate: 'tanh' }), (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)))],
  ['Tanh', () => new Tanh(), Math.tanh],
  ['Sigmoid', () => new Sigmoid(), sig],
  ['SiLU', () => new SiLU(), (v) => v * sig(v)],
  ['Identity', () => new Identity(), (v) => v],
];
const fwd = (m: Module, x: Tensor): Tensor => (m.forward as (x: Tensor) => Tensor)(x);

describeEachBackend('activation modules', ({ tol, float64 }) => {
  // the float64 checks run where the backend has float64; elsewhere the same in float32
  const dtype = float64 ? 'float64' : 'float32', t64 = float64 ? 1e-12 : tol;
  for (const [name, make, f] of elementwise) {
    it(`${name}: values against the formula, float32 and float64`, () => {
      expectClose(fwd(make(), tensor(XS)), XS.map(f), tol, tol);
      if (!float64) return;
      const y = fwd(make(), tensor(XS, { dtype: 'float64' }));
      expect(y.dtype).toBe('float64');
      expectClose(y, XS.map(f), 1e-12, 1e-12);
    });
  }
  it('hand values: ReLU, Sigmoid(0), GELU(0), Tanh(0)', () => {
    expect(new ReLU().forward(tensor([-2, 0, 3])).toArray()).toEqual([0, 0, 3]);
    expect(new Sigmoid().forward(tensor([0])).toArray()).toEqual([0.5]);
    expect(new GELU().forward(tensor([0])).toArray()).toEqual([0]);
    expect(new Tanh().forward(tensor([0])).toArray()).toEqual([0]);
  });
  it('Softmax / LogSoftmax along dim 1, 0 and -1', () => {
    const x = tensor(X2, { dtype });
    expectClose(new Softmax(1).forward(x), softmax2(X2, 1), t64, t64);
    expectClose(new Softmax(0).forward(x), softmax2(X2, 0), t64, t64);
    expectClose(new Softmax(-1).forward(x), softmax2(X2, 1), t64, t64);
    expectClose(new LogSoftmax(1).forward(x), softmax2(X2, 1, true), t64, t64);
    expectClose(new LogSoftmax(0).forward(x), softmax2(X2, 0, true), t64, t64);
    expectClose(new Softmax(1).forward(tensor([[0, 0]])), [[0.5, 0.5]], tol, tol);
    expect(new Softmax(1).dim).toBe(1);
  });
  it('Identity returns its input itself', () => {
    const x = tensor([1, 2]);
    expect(new Identity().forward(x)).toBe(x);
  });
});

describeEachBackend('activation gradients (float64 gradcheck, or float32 vs cpu)', (b) => {
  const xs = XS.filter((v) => v !== 0); // ReLU has a kink at 0
  for (const [name, make] of elementwise) {
    it(name, () => {
      const m = make();
      expectGradcheck(b, (dtype) => ({ fn: (a) => fwd(m, a), inputs: [tensor(xs, { dtype, requiresGrad: true })] }));
    });
  }
  it('Softmax and LogSoftmax', () => {
    for (const m of [new Softmax(1), new Softmax(0), new LogSoftmax(-1)]) {
      expectGradcheck(b, (dtype) => {
        const w = tensor([[1, -2, 0.5, 3]], { dtype });
        return { fn: (a) => m.forward(a).mul(w), inputs: [tensor(X2, { dtype, requiresGrad: true })] };
      });
    }
  });
});

describeEachBackend('functional activations', ({ tol, float64 }) => {
  const dtype = float64 ? 'float64' : 'float32', t64 = float64 ? 1e-12 : tol;
  it('relu gelu silu softmax logSoftmax', () => {
    const x = tensor(XS, { dtype });
    expectClose(relu(x), XS.map((v) => Math.max(v, 0)), float64 ? 0 : tol, float64 ? 0 : tol);
    expectClose(gelu(x), XS.map(R.gelu), t64, t64);
    expectClose(gelu(x, { approximate: 'tanh' }), XS.map(R.geluTanh), t64, t64);
    expectClose(silu(x), XS.map((v) => v * sig(v)), t64, t64);
    const x2 = tensor(X2, { dtype });
    expectClose(softmax(x2, 1), softmax2(X2, 1), t64, t64);
    expectClose(logSoftmax(x2, 0), softmax2(X2, 0, true), t64, t64);
  });
});

describe('activation modules: state and errors', () => {
  it('have no parameters, buffers or state-dict entries', () => {
    for (const m of [new ReLU(), new GELU(), new Tanh(), new Sigmoid(), new SiLU(), new Softmax(1), new LogSoftmax(1), new Identity()]) {
      expect(m.parameters()).toEqual([]);
      expect(m.stateDict()).toEqual({});
    }
  });
  it('GELU rejects an unknown approximation; softmax names a bad dim', () => {
    expect(() => new GELU({ approximate: 'fast' as 'tanh' })).toThrow("GELU: approximate must be 'none' or 'tanh', got 'fast'");
    expect(() => gelu(tensor([1]), { approximate: 'erf' as 'tanh' })).toThrow("gelu: approximate must be 'none' or 'tanh', got 'erf'");
    expect(() => new Softmax(2).forward(tensor([[1, 2]]))).toThrow('softmax: dim 2 is out of range for a tensor with 2 dims (expected in [-2, 1])');
    expect(() => new LogSoftmax(-3).forward(tensor([[1, 2]]))).toThrow('logSoftmax: dim -3 is out of range for a tensor with 2 dims (expected in [-2, 1])');
  });
});
