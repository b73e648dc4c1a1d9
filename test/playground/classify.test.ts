// classify.test.ts — the Classify page's pure logic in Node (playground/src/classify/): the
// datasets' geometry and labels, parsing of the hidden-layer field, the MLP's layout, and that
// the page's default training run (circles, 8-8 tanh, Adam) halves its loss in 300 steps.

import { describe, expect, it } from 'vitest';
import { manualSeed } from '../../src/index.js';
import { makeDataset } from '../../playground/src/classify/datasets.js';
import { ClassifyModel, DEFAULT_CONFIG, buildMlp, gridPoints, parseHidden } from '../../playground/src/classify/model.js';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('playground datasets', () => {
  it('circles: label 1 inside radius 0.5, label 0 between 0.7 and 1 (no noise)', () => {
    manualSeed(1);
    const { x, y, n } = makeDataset('circles', 200);
    const radii = Array.from({ length: n }, (_, i) => Math.hypot(x[2 * i], x[2 * i + 1]));
    expect(Math.max(...radii.filter((_, i) => y[i] === 1))).toBeLessThanOrEqual(0.5);
    expect(Math.min(...radii.filter((_, i) => y[i] === 0))).toBeGreaterThanOrEqual(0.7 - 1e-6);
    expect(Math.max(...radii)).toBeLessThanOrEqual(1 + 1e-6);
    expect(mean(Array.from(y))).toBe(0.5);
  });

  it('xor: label 1 exactly where both coordinates share a sign', () => {
    manualSeed(2);
    const { x, y, n } = makeDataset('xor', 101);
    for (let i = 0; i < n; i++) expect(y[i]).toBe(x[2 * i] * x[2 * i + 1] > 0 ? 1 : 0);
    const nearAxis = Array.from({ length: 2 * n }, (_, i) => Math.abs(x[i])).filter((v) => v < 0.05);
    expect(nearAxis).toEqual([]);
  });

  it('spiral: two arms of equal size whose radius grows from 0.05 to 0.95', () => {
    manualSeed(3);
    const { x, y, n } = makeDataset('spiral', 100);
    expect(mean(Array.from(y))).toBe(0.5);
    expect(Math.hypot(x[0], x[1])).toBeCloseTo(0.05, 6);
    expect(Math.hypot(x[2 * (n - 1)], x[2 * (n - 1) + 1])).toBeCloseTo(0.05 + 0.9 * 49 / 50, 5);
    // the two arms start on opposite sides of the origin
    expect(x[0] + x[2]).toBeCloseTo(0, 6);
  });

  it('the same seed gives the same points; noise moves them', () => {
    manualSeed(4);
    const a = makeDataset('spiral', 50, 0.1);
    manualSeed(4);
    const b = makeDataset('spiral', 50, 0.1);
    manualSeed(4);
    const c = makeDataset('spiral', 50, 0);
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(Array.from(a.x)).not.toEqual(Array.from(c.x));
  });

  it('bad arguments name the problem', () => {
    expect(() => makeDataset('moons' as never, 10)).toThrow("dataset: unknown dataset 'moons' (choose circles, xor, spiral)");
    expect(() => makeDataset('xor', 1)).toThrow('dataset: n must be an integer >= 2, got 1');
    expect(() => makeDataset('xor', 10, -1)).toThrow('dataset: noise must be >= 0, got -1');
  });
});

describe('playground classify model', () => {
  it('parses hidden-layer widths', () => {
    expect(parseHidden('8, 8')).toEqual([8, 8]);
    expect(parseHidden(' 16 4 ')).toEqual([16, 4]);
    expect(parseHidden('')).toEqual([]);
    expect(() => parseHidden('8, x')).toThrow("hidden layers: 'x' is not a width from 1 to 256");
    expect(() => parseHidden('0')).toThrow("hidden layers: '0' is not a width from 1 to 256");
    expect(() => parseHidden('1 1 1 1 1 1 1')).toThrow('hidden layers: at most 6 layers, got 7');
  });

  it('builds 2 → hidden → 1 with PyTorch parameter names', () => {
    const m = buildMlp([8, 4], 'relu');
    expect(m.namedParameters().map(([k, p]) => `${k} ${p.shape.join('x')}`)).toEqual([
      '0.weight 8x2', '0.bias 8', '2.weight 4x8', '2.bias 4', '4.weight 1x4', '4.bias 1',
    ]);
    expect(() => buildMlp([4], 'swish' as never)).toThrow("activation: unknown activation 'swish'");
  });

  it('grid points run row-major from the top-left corner', () => {
    expect(Array.from(gridPoints(2, 1))).toEqual([-0.5, 0.5, 0.5, 0.5, -0.5, -0.5, 0.5, -0.5]);
  });

  it('the default run (circles, 8-8 tanh, Adam 0.03, batch 32) halves its loss in 300 steps', () => {
    const m = new ClassifyModel(DEFAULT_CONFIG);
    const losses = Array.from({ length: 300 }, () => m.step());
    const first = mean(losses.slice(0, 20));
    const last = mean(losses.slice(-20));
    expect(first).toBeGreaterThan(0.6);
    expect(last).toBeLessThan(0.5 * first);
    expect(m.accuracy()).toBeGreaterThan(0.95);
  });

  it('rejects a bad learning rate or batch size', () => {
    expect(() => new ClassifyModel({ ...DEFAULT_CONFIG, lr: 0 })).toThrow('learning rate must be > 0, got 0');
    expect(() => new ClassifyModel({ ...DEFAULT_CONFIG, batchSize: 2.5 })).toThrow('batch size must be a positive integer, got 2.5');
  });
});
