import { describe, expect, it } from 'vitest';
import { tensor } from '../src/index.js';

describe('smoke', () => {
  it('adds and differentiates', () => {
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const y = a.mul(a).sum();
    y.backward();
    expect(y.item()).toBe(14);
    expect(a.grad!.toArray()).toEqual([2, 4, 6]);
  });
});
