// dropout.test.ts — dropout / Dropout: every output is 0 or x/(1-p) (exact values), the mask
// is the global generator's uniforms thresholded at p (so manualSeed reproduces it), the drop
// rate and the mean are preserved statistically, the gradient is the same scaled mask, p = 0/1
// and eval mode, and the errors for p outside [0, 1] and integer input. Values and gradients
// run on every backend (float32 where the backend has no float64).

import { describe, expect, it } from 'vitest';
import { manualSeed, ones, rand, tensor } from '../../src/index.js';
import { dropout, Dropout } from '../../src/layers/dropout.js';
import { describeEachBackend, onCpu } from '../helpers/backends.js';
import { expectGradcheck } from '../helpers/crosscheck.js';

describeEachBackend('dropout values', ({ float64 }) => {
  const dtype = float64 ? 'float64' : 'float32';
  it('each element is 0 or x / (1 - p), where the seeded uniform u < p decides the 0', () => {
    const x = tensor([1, -2, 3, 0.5, 4, -1, 2, 8, -3, 6], { dtype });
    manualSeed(123);
    const u = onCpu(() => Array.from(rand([10], { dtype: 'float64' }).dataSync())); // the same draws, in order
    manualSeed(123);
    const y = dropout(x, { p: 0.4 });
    const xs = Array.from(x.dataSync());
    const scale = float64 ? 1 / 0.6 : Math.fround(1 / 0.6), round = float64 ? (v: number) => v : Math.fround;
    expect(Array.from(y.dataSync())).toEqual(xs.map((v, i) => round(v * (u[i] < 0.4 ? 0 : scale)))); // -2 * 0 = -0, as PyTorch
    expect(u.some((v) => v < 0.4) && u.some((v) => v >= 0.4)).toBe(true); // both cases occur
  });
  it('float32: kept values are exactly x * fround(1/(1-p)); shape is kept', () => {
    manualSeed(9);
    const y = dropout(ones([20, 50]), { p: 0.25 });
    expect(y.shape).toEqual([20, 50]);
    expect(y.dtype).toBe('float32');
    expect([...new Set(y.dataSync())].sort()).toEqual([0, Math.fround(4 / 3)]);
  });
  it('the drop rate is p and the mean is preserved (20 000 elements)', () => {
    manualSeed(2024);
    const p = 0.3;
    const y = Array.from(dropout(ones([20000], { dtype }), { p }).dataSync());
    const zeroFrac = y.filter((v) => v === 0).length / y.length;
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    expect(Math.abs(zeroFrac - p)).toBeLessThan(0.015); // sd ≈ 0.0032
    expect(Math.abs(mean - 1)).toBeLessThan(0.02); // sd ≈ 0.0046
  });
  it('manualSeed reproduces the mask; a new draw differs', () => {
    const x = ones([100]);
    manualSeed(77);
    const a = dropout(x).toArray();
    const b = dropout(x).toArray();
    manualSeed(77);
    expect(dropout(x).toArray()).toEqual(a);
    expect(b).not.toEqual(a);
  });
  it('p = 1 gives zeros, p = 0 and training: false give x itself', () => {
    const x = tensor([1, -2, 3]);
    expect(dropout(x, { p: 1 }).toArray()).toEqual([0, -0, 0]);
    expect(dropout(x, { p: 0 })).toBe(x);
    expect(dropout(x, { p: 0.9, training: false })).toBe(x);
  });
});

describeEachBackend('dropout gradient', (b) => {
  it('dx = dy * mask / (1 - p): the same zeros and scale as the output', () => {
    manualSeed(5);
    const x = ones([50], { requiresGrad: true });
    const y = dropout(x, { p: 0.5 });
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual(y.toArray()); // x = 1, so y is the scaled mask
    expect(new Set(x.grad!.dataSync())).toEqual(new Set([0, 2]));
  });
  it('gradcheck (float64; float32 vs cpu without float64) with the mask fixed by reseeding', () => {
    expectGradcheck(b, (dtype) => ({
      fn: (a) => { manualSeed(1); return dropout(a, { p: 0.5 }).mul(a); },
      inputs: [tensor([[0.3, -1.2, 2], [0.7, 0.1, -0.4]], { dtype, requiresGrad: true })],
    }));
  });
  it('p = 1: zero gradient', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    dropout(x, { p: 1 }).sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 0]);
  });
});

describe('Dropout module', () => {
  it('is active in training mode only', () => {
    const drop = new Dropout(0.5);
    expect(drop.p).toBe(0.5);
    expect(drop.training).toBe(true);
    manualSeed(4);
    const y = drop.forward(ones([200]));
    expect(new Set(y.dataSync())).toEqual(new Set([0, 2]));
    const x = ones([200]);
    expect(drop.eval().forward(x)).toBe(x);
    expect(drop.train().forward(x)).not.toBe(x);
  });
  it('default p is 0.5 and there is no state', () => {
    const drop = new Dropout();
    expect(drop.p).toBe(0.5);
    expect(drop.parameters()).toEqual([]);
    expect(drop.stateDict()).toEqual({});
  });
});

describe('dropout errors', () => {
  it('p outside [0, 1]', () => {
    expect(() => dropout(ones([2]), { p: -0.1 })).toThrow('dropout: invalid p -0.1 (must be between 0 and 1)');
    expect(() => dropout(ones([2]), { p: 1.5, training: false })).toThrow('dropout: invalid p 1.5 (must be between 0 and 1)');
    expect(() => dropout(ones([2]), { p: NaN })).toThrow('dropout: invalid p NaN (must be between 0 and 1)');
    expect(() => new Dropout(2)).toThrow('Dropout: invalid p 2 (must be between 0 and 1)');
  });
  it('integer input', () => {
    expect(() => dropout(tensor([1, 2], { dtype: 'int32' }))).toThrow('dropout: input must be float32 or float64, got int32');
  });
});
