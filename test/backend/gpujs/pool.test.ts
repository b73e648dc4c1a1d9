// pool.test.ts — the gpujs backend's max and average pooling and their adjoints against the CPU
// backend, per gpu.js mode: at the Backend-method level over kit.ts's GEOMS (stride, padding,
// dilation, odd sizes, ceil-mode and 'same' output sizes; shared with conv.test.ts) on
// contiguous, channels-last and step-sliced views, with ties, NaN and -inf in the max-pooling
// data, every average-pooling divisor mode, windows of padding only, an empty batch and the
// dilation error; then nn.AvgPool2d / nn.MaxPool2d forward and backward through the Tensor API.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nn, setBackend, tensor, type Tensor } from '../../../src/index.js';
import type { GpuJsBackend } from '../../../src/backend/gpujs/index.js';
import { makeBackend } from '../../../src/backend/registry.js';
import { contiguousStrides, numel } from '../../../src/tensor/shape.js';
import type { Built } from '../../helpers/crosscheck.js';
import { gpujsModes } from '../../helpers/backends.js';
import { cpu, expectSame, GEOMS, geom, MODES_AVG, quarters, sameGradsOnBoth, viewPair, WINDOW_LAYOUTS } from './kit.js';

const MODES = gpujsModes();

for (const mode of MODES) {
  describe(`gpujs pooling kernels [${mode}]`, () => {
    const b = makeBackend('test', 'gpujs', { mode }) as GpuJsBackend;
    const cases = GEOMS.map(([name, g], i) => [name, g, WINDOW_LAYOUTS[i % 3]] as const);

    describe.each(cases)('%s', (_, g, layout) => {
      const xShape = [g.n, g.c, g.h, g.w], oShape = [g.n, g.c, g.oh, g.ow];

      it(`maxPool2d values, indices and backward (${layout} input, ties and NaN)`, () => {
        const vals = quarters(numel(xShape), 3);
        vals[Math.floor(vals.length / 3)] = NaN; // NaN wins its windows
        if (vals.length > 5) vals[5] = -Infinity;
        const x = viewPair(b, 'float32', xShape, layout, vals);
        const got = b.maxPool2d(x.g, g, 'float32'), want = cpu.maxPool2d(x.c, g, 'float32');
        expectSame(b, got.values, want.values, 'float32');
        expectSame(b, got.indices, want.indices, 'int32');
        // backward from strided dy and from indices stored channels-last on the host
        const dy = viewPair(b, 'float32', oShape, 'strided', quarters(numel(oShape), 4));
        const idx = viewPair(b, 'int32', oShape, 'channelsLast', Array.from(want.indices));
        expectSame(b, b.maxPool2dBackward(dy.g, idx.g, g, 'float32'), cpu.maxPool2dBackward(dy.c, idx.c, g, 'float32'), 'float32');
        // and from the device-resident indices the forward returned
        const idxDev = { data: got.indices, shape: oShape, stride: contiguousStrides(oShape), offset: 0 };
        const idxHost = { data: want.indices, shape: oShape, stride: contiguousStrides(oShape), offset: 0 };
        expectSame(b, b.maxPool2dBackward(dy.g, idxDev, g, 'float32'), cpu.maxPool2dBackward(dy.c, idxHost, g, 'float32'), 'float32');
      });

      if (g.dh === 1 && g.dw === 1) it(`avgPool2d and backward in each divisor mode (${layout} input)`, () => {
        const x = viewPair(b, 'float32', xShape, layout, quarters(numel(xShape), 5));
        const dy = viewPair(b, 'float32', oShape, layout, quarters(numel(oShape), 6));
        for (const m of MODES_AVG) {
          expectSame(b, b.avgPool2d(x.g, g, m, 'float32'), cpu.avgPool2d(x.c, g, m, 'float32'), 'float32');
          expectSame(b, b.avgPool2dBackward(dy.g, g, m, 'float32'), cpu.avgPool2dBackward(dy.c, g, m, 'float32'), 'float32');
        }
      });
    });

    it('a window of padding only: max -inf with index -1, average 0 (as the CPU twins)', () => {
      // explicit geometry with a last window entirely in the bottom/right padding
      const g = geom([1, 1, 3, 3], [2, 2], [2, 2], [1, 1], [1, 1], false, [3, 3]);
      const x = viewPair(b, 'float32', [1, 1, 3, 3], 'contiguous', quarters(9, 7));
      const got = b.maxPool2d(x.g, g, 'float32'), want = cpu.maxPool2d(x.c, g, 'float32');
      expect(Array.from(want.indices)).toContain(-1);
      expectSame(b, got.values, want.values, 'float32');
      expectSame(b, got.indices, want.indices, 'int32');
      const m = { countIncludePad: false, divisorOverride: 0 };
      expectSame(b, b.avgPool2d(x.g, g, m, 'float32'), cpu.avgPool2d(x.c, g, m, 'float32'), 'float32');
    });

    it('handles an empty batch', () => {
      const g = geom([0, 2, 5, 5], [3, 3], [1, 1], [1, 1], [1, 1]);
      const x = viewPair(b, 'float32', [0, 2, 5, 5], 'contiguous', []);
      expect(b.maxPool2d(x.g, g, 'float32').indices.size).toBe(0);
      expect(b.avgPool2d(x.g, g, MODES_AVG[0], 'float32').size).toBe(0);
    });

    it('names the op when average pooling is asked for a dilation', () => {
      const g = geom([1, 1, 5, 5], [2, 2], [1, 1], [0, 0], [2, 1]);
      const x = viewPair(b, 'float32', [1, 1, 5, 5], 'contiguous', quarters(25, 8));
      expect(() => b.avgPool2d(x.g, g, MODES_AVG[0], 'float32')).toThrow('avgPool2d: dilation must be 1, got (2, 1)');
      expect(() => cpu.avgPool2d(x.c, g, MODES_AVG[0], 'float32')).toThrow('avgPool2d: dilation must be 1, got (2, 1)');
    });

    it('ran every kernel on the mode asked for', () => {
      expect(b.activeMode).toBe(mode);
      expect(b.runner.stats.fallbacks).toEqual([]);
    });
  });

  // ---- through the Tensor API ------------------------------------------------------------------------
  describe(`gpujs pooling through the Tensor API [${mode}]`, () => {
    let b: GpuJsBackend;
    beforeAll(() => { b = setBackend('gpujs', { mode }) as GpuJsBackend; });
    afterAll(() => { setBackend('cpu'); });

    /** Outputs and gradients against cpu's, both built after manualSeed(3). */
    const sameOnBoth = (build: () => Built): void => sameGradsOnBoth(mode, build, { tol: 1e-4, seed: 3 });
    const input = (shape: number[], seed: number): Tensor =>
      tensor(quarters(numel(shape), seed).map((v, i) => v + 0.01 * Math.sin(i)), { shape, requiresGrad: true }); // no ties

    it('AvgPool2d (count_include_pad off, ceil mode) and MaxPool2d with padding and dilation', () => {
      sameOnBoth(() => {
        const x = input([2, 3, 7, 6], 5);
        return { out: new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }).forward(x), wrt: [x] };
      });
      sameOnBoth(() => {
        const x = input([1, 2, 9, 9], 6);
        return { out: new nn.MaxPool2d(3, { stride: 2, padding: 1, dilation: 2 }).forward(x), wrt: [x] };
      });
    });

    it('ran every kernel on the mode asked for', () => {
      expect(b.runner.stats.fallbacks).toEqual([]);
    });
  });
}
