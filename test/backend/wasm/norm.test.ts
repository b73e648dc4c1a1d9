// norm.test.ts — the wasm backend's float32 layer norm (kernels/wasm/norm.ts: y, mean, rstd in
// float64 like the CPU twin) against the CPU reference within 1e-6, over one and several trailing
// dims, contiguous and non-contiguous inputs (copied first), SIMD tails, a large input threaded by
// size alone with the same bits on 1 and 2 threads, constant rows and NaN.

import { describe, expect, it } from 'vitest';
import type { TypedArray } from '../../../src/tensor/dtype.js';
import { numel } from '../../../src/tensor/shape.js';
import { values, type Layout } from '../gpujs/kit.js';
import { expectClose } from '../../helpers/close.js';
import { cpu, expectBits, onThreads, THREAD_CASES, viewPair, wasm, type Pair } from './pairs.js';

type Arr = TypedArray;
type Norm = { y: Arr; mean: Arr; rstd: Arr };

function expectNorm(got: Norm, want: Norm): void {
  expectClose(got.y, want.y, 1e-6, 1e-6);
  expectClose(got.mean, want.mean, 1e-7, 1e-6);
  expectClose(got.rstd, want.rstd, 1e-7, 1e-6);
}

const CASES: [number[], number, Layout, number][] = [
  [[4, 6], 6, 'contiguous', 1e-5],
  [[3, 37], 37, 'contiguous', 1e-5],
  [[2, 3, 5], 15, 'contiguous', 0.5],
  [[2, 3, 5], 5, 'permuted', 1e-5],
  [[5, 9], 9, 'strided', 1e-5],
  [[4, 7], 7, 'broadcast', 1e-5],
  [[9], 9, 'contiguous', 1e-5],
];

describe.each(CASES)('wasm layerNorm %j over the last %i (%s, eps %f)', (shape, n, layout, eps) => {
  const x = viewPair('float32', shape, layout, values(numel(shape), 41));
  for (const [name, threads, split] of THREAD_CASES) {
    it(`y, mean and rstd as cpu (${name})`, () => {
      const { result, calls } = onThreads(threads, split, () => wasm.layerNorm(x.w, n, eps, 'float32'));
      expect(calls.map(([k]) => k).at(-1)).toBe('layerNormF32');
      expectNorm(result, cpu.layerNorm(x.c, n, eps, 'float32'));
    });
  }
});

describe('wasm layerNorm: large inputs and special rows', () => {
  it('(600, 1027): threaded by size alone, the same bits on 1 and 2 threads', () => {
    const x: Pair = viewPair('float32', [600, 1027], 'contiguous', values(600 * 1027, 42).map((v, i) => 3 * v + (i % 1027 === 0 ? 100 : 0)));
    const two = onThreads(2, false, () => wasm.layerNorm(x.w, 1027, 1e-5, 'float32'));
    expect(two.calls).toEqual([['layerNormF32', 2]]);
    const one = onThreads(1, false, () => wasm.layerNorm(x.w, 1027, 1e-5, 'float32')).result;
    for (const k of ['y', 'mean', 'rstd'] as const) expectBits(one[k], two.result[k], k);
    expectNorm(two.result, cpu.layerNorm(x.c, 1027, 1e-5, 'float32'));
  });

  it('a constant row gives y = 0 and rstd = 1/sqrt(eps); a NaN spreads over its row only', () => {
    const x = viewPair('float32', [3, 5], 'contiguous', [2, 2, 2, 2, 2, 1, NaN, 3, 4, 5, 1, 2, 3, 4, 5]);
    const got = wasm.layerNorm(x.w, 5, 0.25, 'float32');
    expect(Array.from(got.y.slice(0, 5))).toEqual([0, 0, 0, 0, 0]);
    expect(got.rstd[0]).toBe(2);
    expect(Array.from(got.y.slice(5, 10)).every(Number.isNaN)).toBe(true);
    expectNorm(got, cpu.layerNorm(x.c, 5, 0.25, 'float32'));
  });

  it('float64 and empty groups take the reference, exactly', () => {
    const d = viewPair('float64', [3, 4], 'permuted', values(12, 43, 'float64'));
    const got = wasm.layerNorm(d.w, 4, 1e-5, 'float64'), want = cpu.layerNorm(d.c, 4, 1e-5, 'float64');
    for (const k of ['y', 'mean', 'rstd'] as const) expectBits(got[k], want[k], k);
    expect(wasm.layerNorm(viewPair('float32', [0, 4], 'contiguous', []).w, 4, 1e-5, 'float32').y.length).toBe(0);
  });
});
