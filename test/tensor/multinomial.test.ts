import { describe, expect, it } from 'vitest';
import { manualSeed, multinomial, tensor } from '../../src/index.js';

describe('multinomial', () => {
  it('draws categories in proportion to the weights (chi-square within bounds)', () => {
    manualSeed(3);
    const w = [1, 2, 3, 4];
    const draws = multinomial(tensor([w]).expand(20000, 4).contiguous(), 1, { replacement: true }).dataSync();
    const counts = [0, 0, 0, 0];
    for (const d of draws) counts[d]++;
    const chi2 = counts.reduce((s, c, i) => s + (c - 20000 * w[i] / 10) ** 2 / (20000 * w[i] / 10), 0);
    expect(chi2).toBeLessThan(16.3); // 3 dof, p = 0.001
  });
  it('is reproducible under manualSeed and never repeats without replacement', () => {
    manualSeed(7);
    const a = multinomial(tensor([0.1, 0.2, 0.3, 0.4, 0.5]), 5).toArray() as number[];
    manualSeed(7);
    const b = multinomial(tensor([0.1, 0.2, 0.3, 0.4, 0.5]), 5).toArray();
    expect(b).toEqual(a);
    expect([...a].sort()).toEqual([0, 1, 2, 3, 4]);
  });
  it('never draws a zero-weight category and rejects bad input', () => {
    manualSeed(1);
    const d = multinomial(tensor([0, 1, 0]), 50, { replacement: true }).dataSync();
    expect(Array.from(d).every((v) => v === 1)).toBe(true);
    expect(() => multinomial(tensor([0.5, -1]), 1)).toThrow(/multinomial: row 0 has a negative/);
    expect(() => multinomial(tensor([0.5, 0.5]), 3)).toThrow(/cannot draw 3 samples from 2 categories/);
  });
});
