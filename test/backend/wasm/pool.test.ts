// pool.test.ts — the wasm backend's pooling kernels (kernels/wasm/pool.ts) against the CPU
// reference over gpujs/kit.ts's geometries and view layouts, on one thread and with every kernel
// shared out: max pooling bit for bit (values and indices, ties, NaN and -inf included) and its
// adjoint; average pooling in every divisor mode within 1e-6 (float32 sums) and its adjoint;
// the reference's error for dilated average pooling; large sizes on the threaded path.

import { describe, expect, it } from 'vitest';
import type { AvgPoolMode, Window2d } from '../../../src/backend/backend.js';
import type { TypedArray } from '../../../src/tensor/dtype.js';
import { numel } from '../../../src/tensor/shape.js';
import { expectClose } from '../../helpers/close.js';
import { GEOMS, MODES_AVG, WINDOW_LAYOUTS, geom, quarters, type Layout } from '../gpujs/kit.js';
import { cpu, expectBits, onThreads, THREAD_CASES, viewPair, wasm } from './pairs.js';

const xShape = (g: Window2d): number[] => [g.n, g.c, g.h, g.w];
const yShape = (g: Window2d): number[] => [g.n, g.c, g.oh, g.ow];

/** Quarters (many ties); with `special`, NaN at every 13th element and -inf at every 11th. */
function data(n: number, seed: number, special: boolean): number[] {
  const v = quarters(n, seed);
  if (special) for (let i = 0; i < n; i++) v[i] = i % 13 === 5 ? NaN : i % 11 === 3 ? -Infinity : v[i];
  return v;
}

/** maxPool2d and its adjoint on wasm (threads as given) and cpu: the same bits. Returns the kernel calls. */
function expectMaxMatch(g: Window2d, layout: Layout, special: boolean, threads: number, split: boolean): [string, number][] {
  const x = viewPair('float32', xShape(g), layout, data(numel(xShape(g)), 1, special));
  const want = cpu.maxPool2d(x.c, g, 'float32');
  const dy = viewPair('float32', yShape(g), layout, quarters(numel(yShape(g)), 2));
  const idx = viewPair('int32', yShape(g), layout, Array.from(want.indices));
  const { result, calls } = onThreads(threads, split, () => [wasm.maxPool2d(x.w, g, 'float32'), wasm.maxPool2dBackward(dy.w, idx.w, g, 'float32')] as const);
  expectBits(result[0].values, want.values, 'values');
  expectBits(result[0].indices, want.indices, 'indices');
  expectBits(result[1], cpu.maxPool2dBackward(dy.c, idx.c, g, 'float32'), 'maxPool2dBackward');
  return calls;
}

/** avgPool2d and its adjoint on wasm and cpu, within 1e-6 (wasm sums in float32). */
function expectAvgMatch(g: Window2d, mode: AvgPoolMode, layout: Layout, threads: number, split: boolean): [string, number][] {
  const x = viewPair('float32', xShape(g), layout, quarters(numel(xShape(g)), 3).map((v, i) => v + 0.001 * Math.sin(i)));
  const dy = viewPair('float32', yShape(g), layout, quarters(numel(yShape(g)), 4));
  const { result, calls } = onThreads(threads, split, () => [wasm.avgPool2d(x.w, g, mode, 'float32'), wasm.avgPool2dBackward(dy.w, g, mode, 'float32')]);
  const close = (got: TypedArray, want: TypedArray): void => {
    expect(got.length).toBe(want.length);
    expectClose(got, want, 1e-6, 1e-6);
  };
  close(result[0], cpu.avgPool2d(x.c, g, mode, 'float32'));
  close(result[1], cpu.avgPool2dBackward(dy.c, g, mode, 'float32'));
  return calls;
}

const dilated = (g: Window2d): boolean => g.dh !== 1 || g.dw !== 1;

describe('wasm pooling kernels', () => {
  describe.each(GEOMS)('%s', (_, g) => {
    for (const [name, threads, split] of THREAD_CASES) {
      it.each(WINDOW_LAYOUTS)(`maxPool2d and its adjoint, %s input, ${name}`, (layout) => {
        for (const special of [false, true]) {
          expect(expectMaxMatch(g, layout, special, threads, split).map(([k]) => k)).toEqual(['maxPool2d', 'maxPool2dBackward']);
        }
      });
      it.each(WINDOW_LAYOUTS)(`avgPool2d and its adjoint in each divisor mode, %s input, ${name}`, (layout) => {
        for (const mode of MODES_AVG) {
          if (dilated(g)) {
            const x = viewPair('float32', xShape(g), layout, quarters(numel(xShape(g)), 3));
            const msg = `avgPool2d: dilation must be 1, got (${g.dh}, ${g.dw})`;
            expect(() => cpu.avgPool2d(x.c, g, mode, 'float32')).toThrow(msg);
            expect(() => onThreads(threads, split, () => wasm.avgPool2d(x.w, g, mode, 'float32'))).toThrow(msg);
          } else {
            expect(expectAvgMatch(g, mode, layout, threads, split).map(([k]) => k)).toEqual(['avgPool2d', 'avgPool2dBackward']);
          }
        }
      });
    }
  });

  // large enough that threadsFor picks 2 threads on its own
  const LARGE: [string, Window2d, Layout][] = [
    ['2x2 stride 2 on (4, 16, 64, 64)', geom([4, 16, 64, 64], [2, 2], [2, 2], [0, 0], [1, 1]), 'contiguous'],
    ['3x3 stride 1 pad 1 on (2, 16, 48, 50)', geom([2, 16, 48, 50], [3, 3], [1, 1], [1, 1], [1, 1]), 'channelsLast'],
    ['3x3 stride 2 pad 1 ceil mode on (2, 24, 57, 45)', geom([2, 24, 57, 45], [3, 3], [2, 2], [1, 1], [1, 1], true), 'contiguous'],
    ['3x2 stride 3 pad 1 on (2, 16, 80, 80)', geom([2, 16, 80, 80], [3, 2], [3, 3], [1, 1], [1, 1]), 'strided'],
  ];
  it.each(LARGE)('large: %s (%s input): 2 threads by size alone, as 1 thread and as cpu', (_, g, layout) => {
    for (const threads of [2, 1]) {
      const calls = [...expectMaxMatch(g, layout, true, threads, false), ...expectAvgMatch(g, MODES_AVG[1], layout, threads, false)];
      expect(calls.map(([, nt]) => nt)).toEqual([threads, threads, threads, threads]);
    }
  });

  it('max pooling with dilation, large, on the threaded path', () => {
    const g = geom([2, 16, 45, 47], [3, 3], [1, 2], [2, 2], [2, 2]);
    expect(expectMaxMatch(g, 'contiguous', true, 2, false).map(([, nt]) => nt)).toEqual([2, 2]);
  });

  it('takes the reference for float64, exactly', () => {
    const g = GEOMS[0][1];
    const x = viewPair('float64', xShape(g), 'strided', data(numel(xShape(g)), 5, true));
    const got = wasm.maxPool2d(x.w, g, 'float64'), want = cpu.maxPool2d(x.c, g, 'float64');
    expectBits(got.values, want.values, 'values');
    expectBits(got.indices, want.indices, 'indices');
  });
});
