// random.test.ts — manualSeed makes rand/randn/randint/randperm bit-for-bit reproducible, and
// the samples have the right distributions. Tolerances are 5 standard errors of each statistic
// for n = 1e5 (the seed is fixed, so the tests are deterministic; the margin only guards
// against a reseeded generator drifting by chance):
//   mean      SE = sigma / sqrt(n)                 N(0,1): 0.0032    U(0,1): 0.00091
//   variance  SE = sigma² sqrt(2 / n) (normal)     N(0,1): 0.0045    U(0,1): sqrt((mu4 - sigma⁴)/n) = 0.00024
//   skewness  SE = sqrt(6 / n) = 0.0077           kurtosis  SE = sqrt(24 / n) = 0.0155
//   a proportion p: SE = sqrt(p (1 - p) / n)

import { describe, expect, it } from 'vitest';
import { manualSeed, rand, randint, randn, randperm, type Tensor } from '../../src/index.js';

const N = 100_000;

function moments(x: ArrayLike<number>): { mean: number; variance: number; skew: number; kurtosis: number } {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let m2 = 0, m3 = 0, m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - mean;
    m2 += d * d; m3 += d * d * d; m4 += d * d * d * d;
  }
  m2 /= n; m3 /= n; m4 /= n;
  return { mean, variance: m2, skew: m3 / m2 ** 1.5, kurtosis: m4 / (m2 * m2) };
}

const bits = (t: Tensor): number[] => Array.from(new Uint8Array(t.dataSync().buffer));

describe('manualSeed reproducibility', () => {
  const draws: [string, () => Tensor][] = [
    ['rand', () => rand([3, 50])],
    ['rand float64', () => rand([101], { dtype: 'float64' })],
    ['randn', () => randn([7, 13])],
    ['randn float64 (odd size)', () => randn([101], { dtype: 'float64' })],
    ['randint', () => randint(-5, 17, [200])],
    ['randperm', () => randperm(100)],
  ];
  for (const [name, draw] of draws) {
    it(`${name}: same seed gives identical bits, a different seed different values`, () => {
      manualSeed(1234);
      const a = draw();
      manualSeed(1234);
      const b = draw();
      manualSeed(1235);
      const c = draw();
      expect(bits(b)).toEqual(bits(a));
      expect(Array.from(c.dataSync())).not.toEqual(Array.from(a.dataSync()));
    });
  }

  it('one generator serves every op: an interleaved sequence replays exactly', () => {
    const run = (): number[][] => {
      manualSeed('seq');
      return [rand([5]), randn([5]), randint(0, 1000, [5]), randperm(5), rand([5])].map((t) => Array.from(t.dataSync()));
    };
    const first = run();
    expect(run()).toEqual(first);
    // successive draws differ (the generator advances)
    expect(first[4]).not.toEqual(first[0]);
  });
});

describe('distributions', () => {
  it('randn: moments of 1e5 samples match N(0, 1)', () => {
    manualSeed(42);
    const x = randn([N], { dtype: 'float64' }).dataSync();
    const m = moments(x);
    expect(Math.abs(m.mean)).toBeLessThan(5 * 0.0032);
    expect(Math.abs(m.variance - 1)).toBeLessThan(5 * 0.0045);
    expect(Math.abs(m.skew)).toBeLessThan(5 * 0.0077);
    expect(Math.abs(m.kurtosis - 3)).toBeLessThan(5 * 0.0155);
    // P(|x| < 1) = 0.6827, SE = 0.0015; P(|x| < 2) = 0.9545, SE = 0.00066
    const within = (k: number): number => Array.from(x).filter((v) => Math.abs(v) < k).length / N;
    expect(Math.abs(within(1) - 0.682689)).toBeLessThan(5 * 0.0015);
    expect(Math.abs(within(2) - 0.954500)).toBeLessThan(5 * 0.00066);
  });

  it('randn float32 has the same moments', () => {
    manualSeed(7);
    const m = moments(randn([N]).dataSync());
    expect(Math.abs(m.mean)).toBeLessThan(5 * 0.0032);
    expect(Math.abs(m.variance - 1)).toBeLessThan(5 * 0.0045);
    expect(Math.abs(m.skew)).toBeLessThan(5 * 0.0077);
    expect(Math.abs(m.kurtosis - 3)).toBeLessThan(5 * 0.0155);
  });

  for (const dtype of ['float32', 'float64'] as const) {
    it(`rand ${dtype}: within [0, 1), mean 1/2, variance 1/12, flat histogram`, () => {
      manualSeed(99);
      const x = rand([N], { dtype }).dataSync();
      let lo = Infinity, hi = -Infinity;
      for (const v of x) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      expect(lo).toBeGreaterThanOrEqual(0);
      expect(hi).toBeLessThan(1);
      const m = moments(x);
      expect(Math.abs(m.mean - 0.5)).toBeLessThan(5 * 0.00091);
      expect(Math.abs(m.variance - 1 / 12)).toBeLessThan(5 * 0.00024);
      // ten bins of expected 1e4 each: chi-square with 9 dof, 99.9th percentile 27.9
      const counts = new Array<number>(10).fill(0);
      for (const v of x) counts[Math.floor(v * 10)]++;
      const chi2 = counts.reduce((s, c) => s + (c - N / 10) ** 2 / (N / 10), 0);
      expect(chi2).toBeLessThan(27.9);
    });
  }

  it('randint: int32 values within [low, high), every value hit, uniform counts', () => {
    manualSeed(3);
    const t = randint(-3, 7, [N]);
    expect(t.dtype).toBe('int32');
    const x = t.dataSync();
    const counts = new Map<number, number>();
    for (const v of x) counts.set(v, (counts.get(v) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3, 4, 5, 6]);
    // chi-square with 9 dof, 99.9th percentile 27.9
    const chi2 = [...counts.values()].reduce((s, c) => s + (c - N / 10) ** 2 / (N / 10), 0);
    expect(chi2).toBeLessThan(27.9);
  });

  it('randint with a one-value range and a float dtype', () => {
    expect(Array.from(randint(4, 5, [6]).dataSync())).toEqual([4, 4, 4, 4, 4, 4]);
    const f = randint(0, 3, [50], { dtype: 'float32' });
    expect(f.dtype).toBe('float32');
    expect(Array.from(f.dataSync()).every((v) => v === 0 || v === 1 || v === 2)).toBe(true);
  });

  it('randperm: a permutation of 0..n-1 as int32', () => {
    manualSeed(5);
    const p = randperm(1000);
    expect(p.dtype).toBe('int32');
    expect(Array.from(p.dataSync()).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(p.dataSync())).not.toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(randperm(0).shape).toEqual([0]);
  });

  it('shapes and dtypes of random tensors follow the arguments', () => {
    expect([rand([2, 3]).shape, rand([2, 3]).dtype]).toEqual([[2, 3], 'float32']);
    expect([randn([4], { dtype: 'float64' }).dtype, randn([0, 2]).shape]).toEqual(['float64', [0, 2]]);
    expect(randn([2], { requiresGrad: true }).requiresGrad).toBe(true);
    expect(() => rand([2], { dtype: 'int32' })).toThrow(/^rand: dtype must be float32 or float64, got int32$/);
    expect(() => randn([2], { dtype: 'bool' })).toThrow(/^randn: dtype must be float32 or float64, got bool$/);
    expect(() => randperm(-1)).toThrow(/^randperm: n must be a non-negative integer, got -1$/);
  });
});
