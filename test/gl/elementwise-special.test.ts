// elementwise-special.test.ts — the elementwise kernels at the values GLSL leaves undefined or
// compiles differently from JS: pow's special cases (negative bases, zero, ±Infinity, NaN; exact
// integer powers), log and sqrt outside their domain, rounding at float32 ties, truncation into
// int32, NaN propagation. Each gpujs mode in TENSORLOOM_GPUJS_MODES against the cpu backend:
// webasm and cpu in `npm test`, headlessgl in `npm run test:gl` (kernels/elementwise.ts).

import { expect, it } from 'vitest';
import { cat, tensor, where, type Tensor } from '../../src/index.js';
import { describeEachBackend, onCpu } from '../helpers/backends.js';
import { expectClose } from '../helpers/close.js';

const BASES = [-Infinity, -3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 2, 3, Infinity, NaN];
const EXPONENTS = [-Infinity, -3, -2, -1, -0.5, 0, 0.5, 1, 2, 3, 7, 130, 200.5, Infinity, NaN];
const DOMAIN = [-Infinity, -1, -0, 0, 1e-30, 0.5, 1, 2, 1e30, Infinity, NaN];
const TIES = [0.49999997, -0.49999997, 0.5, -0.5, 1.5, 2.5, -2.5, 3.5, 8388607.5, 8388609, -8388609, 1e10, Infinity, -Infinity, NaN];

/** values of `build()` on the current backend and on cpu, as plain arrays */
function both(build: () => Tensor): [number[], number[]] {
  return [Array.from(build().dataSync()), onCpu(() => Array.from(build().dataSync()))];
}

describeEachBackend('elementwise special values', (b) => {
  it('pow: every special case of Math.pow (but the sign of zero)', () => {
    const [got, want] = both(() => tensor(BASES).reshape(-1, 1).pow(tensor(EXPONENTS)));
    expectClose(got, want, b.tol, b.tol);
  });

  it('pow: integer powers are exact, in float32 and int32', () => {
    const [f, fWant] = both(() => tensor([2, 3, 5, 7, -3, -7, 11]).reshape(-1, 1).pow(tensor([2, 3, 5, 8])));
    expectClose(f, fWant, 0, 0); // all below 2^24 but 7^8, 11^5 and 11^8, which float32 rounds alike
    const [i, iWant] = both(() => tensor([3, 7, -5], { dtype: 'int32' }).pow(tensor([2, 8, 3], { dtype: 'int32' })));
    expect(i).toEqual(iWant);
    expect(iWant).toEqual([9, 5764801, -125]);
  });

  it('log and sqrt outside their domain: -Infinity at 0, NaN below, NaN in', () => {
    const [l, lWant] = both(() => tensor(DOMAIN).log());
    expectClose(l, lWant, b.tol, b.tol);
    expect(l.slice(0, 4)).toEqual([NaN, NaN, -Infinity, -Infinity]);
    const [s, sWant] = both(() => tensor(DOMAIN).sqrt());
    expectClose(s, sWant, b.tol, b.tol);
  });

  it('round half to even at float32 ties and beyond 2^23; floor and ceil', () => {
    const [r, rWant] = both(() => tensor(TIES).round());
    expectClose(r, rWant, 0, 0); // (the sign of a zero is not compared: GL need not keep it)
    expect(rWant.slice(0, 8)).toEqual([0, -0, 0, -0, 2, 2, -2, 4]);
    const [fc, fcWant] = both(() => { const x = tensor(TIES); return x.floor().sub(x.ceil()); });
    expectClose(fc, fcWant, 0, 0);
  });

  it('int32 stores truncate toward zero', () => {
    const [t, tWant] = both(() => tensor([-2.5, 2.5, -0.5, 0.5, 1000000.75, -1000000.75, 16777215]).int());
    expectClose(t, tWant, 0, 0);
    expect(tWant).toEqual([-2, 2, 0, 0, 1000000, -1000000, 16777215]);
  });

  it('NaN through isnan, maximum/minimum, clamp and where', () => {
    const x = [NaN, 1, -Infinity, Infinity, 0];
    const y = [0, NaN, 2, -2, -0];
    const [n, nWant] = both(() => tensor(x).isnan());
    expect(n).toEqual(nWant);
    expect(nWant).toEqual([1, 0, 0, 0, 0]);
    const [m, mWant] = both(() => tensor(x).maximum(tensor(y)).add(tensor(x).minimum(tensor(y))));
    expectClose(m, mWant, 0, 0);
    const [c, cWant] = both(() => tensor(x).clamp(-1, 1));
    expectClose(c, cWant, 0, 0);
    const [r, rWant] = both(() => cat([tensor(x).relu(), tensor(x).sign(), tensor(x).clamp(null, 0.5), tensor(x).clamp(0.5)]));
    expectClose(r, rWant, 0, 0);
    const [w, wWant] = both(() => where(tensor(x).isnan(), tensor(y), tensor(x)));
    expectClose(w, wWant, 0, 0);
  });
});
