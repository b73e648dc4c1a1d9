// gradcheck.test.ts — gradcheck(fn, inputs, {eps, atol, rtol}) accepts correct gradients,
// throws naming the worst Jacobian entry for a deliberately wrong op (built with the engine's
// internal `record`), and rejects float32 inputs.

import { describe, expect, it } from 'vitest';
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

describe('gradcheck', () => {
  it('returns true on correct ops (elementwise, matmul with broadcasting, reductions)', () => {
    expect(gradcheck((a, b) => a.mul(b).sin(), [f64([1, 2]), f64([3, 4])])).toBe(true);
    expect(gradcheck((a, b) => a.matmul(b).tanh().sum(1), [f64([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]]), f64([[1, 2], [-1, 0.5], [0.3, 0.2]])])).toBe(true);
    expect(gradcheck((a, b) => a.div(b).softmax(-1), [f64([[1, 2, 3], [0, -1, 2]]), f64([1.5, 2, 0.7])])).toBe(true);
    expect(gradcheck(goodSquare, [f64([[1, 2], [3, 4]])])).toBe(true);
  });

  it('checks only the inputs that require grad', () => {
    const w = tensor([1, 2], { dtype: 'float64' });
    expect(gradcheck((x, c) => x.mul(c).exp(), [f64([0.1, 0.2]), w])).toBe(true);
  });

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
