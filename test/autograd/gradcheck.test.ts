// gradcheck.test.ts — gradcheck(fn, inputs, {eps, atol, rtol}) accepts correct gradients,
// throws naming the worst Jacobian entry for a deliberately wrong op (built with the engine's
// internal `record`), and rejects float32 inputs. The accepted ops run on every backend: where
// a backend has no float64, their float32 analytic gradients are compared with the cpu backend's.

import { describe, expect, it } from 'vitest';
import { describeEachBackend } from '../helpers/backends.js';
import { expectGradcheck } from '../helpers/crosscheck.js';
import { gradcheck, tensor, type Tensor } from '../../src/index.js';
import { record } from '../../src/autograd/engine.js';

const f64 = (data: number[] | number[][], requiresGrad = true): Tensor => tensor(data, { dtype: 'float64', requiresGrad });

/**
 * y = x², elementwise, with a wrong backward: dx = dy (2x + relu(x - 1)).
 * The error relu(x - 1) grows with x, so the worst entry is at the largest element.
 */
function badSquare(x: Tensor): Tensor {
  const y = tensor(Float64Array.from(x.dataSync(), (v) => v * v), { shape: x.shape });
  return record('badSquare', [x], y, (dy) => [dy.mul(x.mul(2).add(x.sub(1).relu()))]);
}

/** The same op with the correct backward dx = 2 x dy. */
function goodSquare(x: Tensor): Tensor {
  const y = tensor(Float64Array.from(x.dataSync(), (v) => v * v), { shape: x.shape });
  return record('goodSquare', [x], y, (dy) => [dy.mul(x).mul(2)]);
}

describeEachBackend('gradcheck of correct ops', (b) => {
  const leaf = (dtype: 'float32' | 'float64') => (data: number[] | number[][]): Tensor => tensor(data, { dtype, requiresGrad: true });
  it('returns true on correct ops (elementwise, matmul with broadcasting, reductions)', () => {
    expectGradcheck(b, (dt) => ({ fn: (a, c) => a.mul(c).sin(), inputs: [[1, 2], [3, 4]].map(leaf(dt)) }));
    expectGradcheck(b, (dt) => ({ fn: (a, c) => a.matmul(c).tanh().sum(1), inputs: [[[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]], [[1, 2], [-1, 0.5], [0.3, 0.2]]].map(leaf(dt)) }));
    expectGradcheck(b, (dt) => ({ fn: (a, c) => a.div(c).softmax(-1), inputs: [leaf(dt)([[1, 2, 3], [0, -1, 2]]), leaf(dt)([1.5, 2, 0.7])] }));
    // goodSquare computes in float64 on the host: only where the backend has float64
    if (b.float64) expect(gradcheck(goodSquare, [f64([[1, 2], [3, 4]])])).toBe(true);
  });

  it('checks only the inputs that require grad', () => {
    expectGradcheck(b, (dt) => ({ fn: (x, c) => x.mul(c).exp(), inputs: [leaf(dt)([0.1, 0.2]), tensor([1, 2], { dtype: dt })] }));
  });
});

describe('gradcheck', () => {

  it('throws naming the worst element for a wrong backward', () => {
    // analytical - numerical = relu(x - 1) = [[0, 1], [2, 3]]: worst at index [1,1] (x = 4)
    expect(() => gradcheck(badSquare, [f64([[1, 2], [3, 4]])])).toThrow(
      /^gradcheck: Jacobian mismatch for input 0 \(shape \[2,2\]\) at input index \[1,1\], output index \[1,1\]: numerical (8\.0|7\.99)\d*, analytical 11$/,
    );
  });

  it('names the right input among several', () => {
    const a = f64([0.5, 0.7]);
    const b = f64([2, 3, 5]);
    // y = a.sum() * badSquare(b): the wrong gradient belongs to input 1, worst at b = 5
    expect(() => gradcheck((p, q) => badSquare(q).mul(p.sum()), [a, b])).toThrow(
      /^gradcheck: Jacobian mismatch for input 1 \(shape \[3\]\) at input index \[2\], output index \[2\]: numerical 1[12]\.\d+, analytical 16\.(8|79)\d*$/,
    );
  });

  it('a gradient error below atol + rtol |numerical| passes, above it fails', () => {
    const slightlyOff = (x: Tensor): Tensor => {
      const y = tensor(Float64Array.from(x.dataSync(), (v) => 3 * v), { shape: x.shape });
      return record('slightlyOff', [x], y, (dy) => [dy.mul(3 + 1e-4)]);
    };
    expect(gradcheck(slightlyOff, [f64([1, 2])], { atol: 1e-3, rtol: 0 })).toBe(true);
    expect(() => gradcheck(slightlyOff, [f64([1, 2])], { atol: 1e-6, rtol: 0 })).toThrow(/^gradcheck: Jacobian mismatch for input 0 \(shape \[2\]\)/);
  });

  it('rejects float32 inputs and outputs with a clear message', () => {
    const x32 = tensor([1, 2], { requiresGrad: true });
    expect(() => gradcheck((a) => a.mul(2), [x32])).toThrow(/^gradcheck: input 0 is float32; gradcheck needs float64 inputs$/);
    expect(() => gradcheck((a, b) => a.mul(b), [f64([1, 2]), x32])).toThrow(/^gradcheck: input 1 is float32; gradcheck needs float64 inputs$/);
    expect(() => gradcheck((a) => a.to('float32'), [f64([1, 2])])).toThrow(/^gradcheck: fn returned float32; it must compute in float64$/);
  });

  it('rejects inputs none of which require grad', () => {
    expect(() => gradcheck((a) => a.mul(2), [f64([1, 2], false)])).toThrow(/^gradcheck: no input requires grad$/);
  });
});
