// erf.test.ts — the CPU erf kernel (fdlibm's rational fits) against C's erf: values from
// Python's math.erf (glibc libm) at points inside and at the edges of each fitted interval,
// oddness, the limits and NaN; and erf through the tensor op in float64.

import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/index.js';
import { erf } from '../../src/backend/cpu/elementwise.js';

// [x, erf(x)] as printed by Python 3: math.erf(x) (repr, so the double is exact)
const LIBM: [number, number][] = [
  [1e-300, 1.1283791670955126e-300],
  [1e-10, 1.1283791670955126e-10],
  [0.1, 0.1124629160182849],
  [0.5, 0.5204998778130465],
  [0.84374, 0.7672201241832406], // first interval ends at 0.84375
  [0.84375, 0.7672256612323416],
  [1, 0.8427007929497149],
  [1.2, 0.9103139782296353],
  [1.24999, 0.9228977630156684], // second ends at 1.25
  [1.25, 0.9229001282564582],
  [2, 0.9953222650189527],
  [2.5, 0.999593047982555],
  [2.85714, 0.9999466867700052], // the erfc fit switches at 1/0.35 = 2.857142…
  [2.85715, 0.9999466899850622],
  [3.5, 0.9999992569016276],
  [4, 0.9999999845827421],
  [5.5, 0.9999999999999927],
  [5.99999, 1],
  [6, 1],
];

describe('erf (CPU kernel)', () => {
  it('matches C erf to within 1 ulp on every fitted interval', () => {
    for (const [x, want] of LIBM) {
      const ulp = want === 1 ? 2 ** -53 : 2 ** (Math.floor(Math.log2(want)) - 52);
      expect(Math.abs(erf(x) - want), `erf(${x})`).toBeLessThanOrEqual(ulp);
    }
  });

  it('is odd, and 0, ±1 and NaN at the special points', () => {
    for (const [x] of LIBM) expect(erf(-x)).toBe(-erf(x));
    expect(erf(0)).toBe(0);
    expect(Object.is(erf(-0), -0)).toBe(true);
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erf(40)).toBe(1);
    expect(erf(NaN)).toBeNaN();
  });

  it('is what Tensor.erf computes in float64', () => {
    const xs = [-3, -1, -0.5, 0, 0.3, 1.1, 2, 4.5];
    expect(tensor(xs, { dtype: 'float64' }).erf().toArray()).toEqual(xs.map(erf));
  });
});
