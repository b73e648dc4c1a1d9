// rand-edge.test.ts — rand() stays in [0, 1) even at the generator's extremes. The generator
// (seedrandom) is replaced by a stub that returns chosen doubles, so the rare case — a double
// just below 1 that rounds up to exactly 1 in float32 (about 1 draw in 2^25) — is hit on purpose.

import { describe, expect, it, vi } from 'vitest';

const next: number[] = [];
vi.mock('seedrandom', () => ({
  default: () => ({ double: () => (next.length ? next.shift()! : 0.5) }),
}));

const { manualSeed, rand } = await import('../../src/index.js');

describe('rand at the extremes of the generator', () => {
  it('float32: a double in [1 - 2^-25, 1) does not round up to 1', () => {
    manualSeed(0);
    next.push(1 - 2 ** -30, 1 - 2 ** -25, 1 - 2 ** -24, 0);
    const x = Array.from(rand([4]).dataSync());
    expect(x).toEqual([1 - 2 ** -24, 1 - 2 ** -24, 1 - 2 ** -24, 0]);
  });

  it('float64 keeps the double unchanged', () => {
    manualSeed(0);
    next.push(1 - 2 ** -30, 0.25);
    expect(Array.from(rand([2], { dtype: 'float64' }).dataSync())).toEqual([1 - 2 ** -30, 0.25]);
  });
});
